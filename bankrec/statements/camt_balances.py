"""What a camt statement states about itself: its balances and its totals.

The opening and closing balances (``OPBD``/``PRCD``, ``CLBD``) become the statement's, and
the totals of ``TxsSummry`` (entry counts, credit and debit sums, the net total) are
compared with the entries read: a mismatch is a truncated or edited file, refused.
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from bankrec.model import Balance
from bankrec.statements.camt_xml import CLOSING_CODES, OPENING_CODES, CamtXml, StatementState


class StatementChecks(CamtXml):
    """Balances and stated totals of the statement being read, once its entries are in."""

    def _balances(
        self, st: StatementState
    ) -> tuple[Balance | None, Balance | None, tuple[str, ...]]:
        """Opening and closing balance, and the warnings reading them needed.

        Called when the statement's entries are all read (``st.net`` is final), because a
        balance without ``CdtDbtInd`` can only be signed by checking it against them: see
        :meth:`_unsigned`.
        """
        found: dict[str, Balance] = {}
        unsigned: dict[str, etree._Element] = {}  # code -> Bal without CdtDbtInd, file order
        for bal in self.all(st.element, "Bal"):
            code = self.text(bal, "Tp/CdOrPrtry/Cd") or self.text(bal, "Tp/CdOrPrtry/Prtry")
            if code not in OPENING_CODES + CLOSING_CODES or code in found:
                continue
            amt_el = self.find(bal, "Amt")
            if amt_el is None:
                raise self.error("balance has no amount", bal, "an Amt element", "Amt")
            amount = self._amount(amt_el)
            ccy = self._currency(amt_el)
            if st.currency and ccy != st.currency:
                raise self.error(
                    f"{code} balance is in {ccy} but the statement is in {st.currency}",
                    amt_el,
                    f"a balance in {st.currency}",
                )
            st.currency = st.currency or ccy
            if amount and self.find(bal, "CdtDbtInd") is None:
                unsigned[code] = bal  # taken as a credit for now; _unsigned decides
                sign = 1
            else:
                sign = self._sign(bal, zero_ok=amount == 0)
            date_el = self.find(bal, "Dt")
            date = self._date(bal, "Dt") if date_el is not None else None
            found[code] = Balance(amount * sign, date)
        opening_code = "OPBD" if "OPBD" in found else "PRCD"
        opening, closing = found.get(opening_code), found.get("CLBD")
        if not unsigned:
            return opening, closing, ()
        return opening, closing, (self._unsigned(st, unsigned, opening_code, opening, closing),)

    def _unsigned(
        self,
        st: StatementState,
        unsigned: dict[str, etree._Element],
        opening_code: str,
        opening: Balance | None,
        closing: Balance | None,
    ) -> str:
        """The warning for balances read as credits, or the error refusing them.

        ``CdtDbtInd`` is mandatory on a balance, but a real Lithuanian camt.053 (see
        docs/import.md) leaves it out. A missing sign is not guessed: the balances are
        read as credits (what an unsigned balance usually means) only when, so read, the
        statement proves it: opening + entries = closing. With one balance unsigned the
        check settles its sign (the other reading would be off by twice the balance);
        with both unsigned it does too, except when the entries net to zero and the two
        balances are equal -- then a debit reading would balance as well, and the warning
        says so. A balance that takes no part in the check (no opening or no closing
        balance to compare with, or a ``PRCD`` beside an ``OPBD``) is refused as before.
        """
        used = (opening_code, "CLBD")
        stray = next((code for code in unsigned if code not in used), None)
        where = unsigned[stray] if stray is not None else next(iter(unsigned.values()))
        reason = ""
        if opening is None or closing is None:
            reason = (
                "reading it as a credit cannot be checked without both an opening and a "
                "closing balance"
            )
        elif stray is not None:
            reason = (
                f"reading it as a credit cannot be checked: the {stray} balance is not the "
                "statement's opening or closing balance"
            )
        elif opening.amount + st.net != closing.amount:
            reason = (
                f"read as a credit, the statement does not balance: opening {opening.amount} "
                f"+ entries {st.net} = {opening.amount + st.net}, but the closing balance is "
                f"{closing.amount}"
            )
        if reason:
            raise self.error(
                f"credit/debit indicator missing; {reason}",
                where,
                "CdtDbtInd CRDT or DBIT",
                "CdtDbtInd",
            )
        if len(unsigned) == 2:
            warning = (
                "balances carry no credit/debit indicator; read as credits because "
                "opening + entries = closing"
            )
            if not st.net:
                warning += " (the entries net to zero, so read as debits they would too)"
            return warning
        which = "opening" if opening_code in unsigned else "closing"
        return (
            f"the {which} balance carries no credit/debit indicator; read as a credit "
            "because opening + entries = closing"
        )

    def _check_summary(self, st: StatementState) -> None:
        """Compare the totals the bank states (``TxsSummry``) with the entries read."""
        summary = self.find(st.element, "TxsSummry")
        if summary is None or st.skipped:
            return
        checks = (
            ("TtlNtries/NbOfNtries", st.entries, "entries"),
            ("TtlCdtNtries/NbOfNtries", int(st.credits[0]), "credit entries"),
            ("TtlDbtNtries/NbOfNtries", int(st.debits[0]), "debit entries"),
        )
        for path, actual, what in checks:
            stated_text = self.text(summary, path)
            if not stated_text:
                continue
            stated_el = self.find(summary, path)
            assert stated_el is not None
            if not stated_text.isdigit():
                raise self.error(f"{stated_text!r} is not a count", stated_el, "a whole number")
            if int(stated_text) != actual:
                raise self.error(
                    f"the statement says {stated_text} {what} but contains {actual}",
                    stated_el,
                    "the stated number of entries (is the file complete?)",
                )
        for path, actual_sum in (
            ("TtlCdtNtries/Sum", st.credits[1]),
            ("TtlDbtNtries/Sum", st.debits[1]),
        ):
            sum_el = self.find(summary, path)
            if sum_el is not None and (sum_el.text or "").strip():
                stated = self._amount(sum_el)
                if stated != actual_sum:
                    raise self.error(
                        f"the statement says the sum is {stated} but its entries add up "
                        f"to {actual_sum}",
                        sum_el,
                        "entries that add up to the stated sum",
                    )
        net_el = self.find(summary, "TtlNtries/TtlNetNtry")
        if net_el is None:
            net_el = self.find(summary, "TtlNtries/TtlNetNtryAmt")  # v02 name
            if net_el is not None:
                stated_net = self._amount(net_el) * self._sign(self.find(summary, "TtlNtries"))
                self._compare_net(stated_net, st, net_el)
            return
        amt_el = self.find(net_el, "Amt")
        if amt_el is not None:
            stated_net = self._amount(amt_el) * self._sign(net_el, zero_ok=True)
            self._compare_net(stated_net, st, amt_el)

    def _compare_net(self, stated: Decimal, st: StatementState, el: etree._Element) -> None:
        if stated != st.net:
            raise self.error(
                f"the statement says the net total is {stated} but its entries add up to {st.net}",
                el,
                "entries that add up to the stated net total",
            )

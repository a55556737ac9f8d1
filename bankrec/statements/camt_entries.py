"""Entries into transactions: what one booked ``Ntry`` of a camt file becomes.

An entry is usually one transaction; a batch entry whose details (``TxDtls``) carry their
own amounts becomes one transaction per detail, which must add up to the entry. Text,
references, the counterparty (the debtor of money received, the creditor of money paid --
for a reversal, those of the original transaction), charges and the bank code are taken
from the details, falling back to the entry. An entry without any date takes the
statement's, with a warning on the transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from bankrec.model import Transaction
from bankrec.statements.camt_xml import CLOSING_CODES, OPENING_CODES, CamtXml, StatementState
from bankrec.statements.ids import usable_ref

NOT_BOOKED = frozenset({"PDNG", "INFO", "FUTR"})  # pending/information: not on the account


@dataclass(frozen=True)
class _Party:
    name: str = ""
    account: str = ""
    bic: str = ""

    def empty(self) -> bool:
        return not (self.name or self.account)


@dataclass(slots=True)
class _Entry:
    """The entry-level facts every transaction of an entry shares."""

    element: etree._Element
    amount: Decimal
    currency: str
    reversal: bool
    booking: dt.date
    value_date: dt.date | None
    ref: str
    code: str
    info: str
    charges: Decimal | None
    warnings: tuple[str, ...] = ()  # what was assumed for this entry (a date taken elsewhere)


class EntryReader(CamtXml):
    """Turns a complete ``Ntry`` element into its transactions."""

    def _entry(self, ntry: etree._Element, st: StatementState) -> list[Transaction]:
        amt_el = self.find(ntry, "Amt")
        if amt_el is None:
            raise self.error("entry has no amount", ntry, "an Amt element", "Amt")
        amount = self._amount(amt_el)
        ccy = self._currency(amt_el)
        sign = self._sign(ntry)
        if not st.currency:
            st.currency = ccy
        elif ccy != st.currency:
            raise self.error(
                f"entry is in {ccy} but the statement is in {st.currency}",
                amt_el,
                f"amounts in the statement currency {st.currency}",
            )
        signed = amount * sign
        reversal = self._flag(ntry, "RvslInd")
        status = self.text(ntry, "Sts") or self.text(ntry, "Sts/Cd")
        if status in NOT_BOOKED:
            st.skipped += 1
            return []
        st.net += signed
        bucket = st.credits if sign > 0 else st.debits
        bucket[0] += 1
        bucket[1] += amount
        booking_el = self.find(ntry, "BookgDt")
        value_el = self.find(ntry, "ValDt")
        value_date = self._date(ntry, "ValDt") if value_el is not None else None
        warnings: tuple[str, ...] = ()
        if booking_el is not None:
            booking = self._date(ntry, "BookgDt")
        elif value_date is not None:
            booking = value_date
        else:
            booking, what = self._statement_date(st, ntry)
            warnings = (f"no booking or value date; took the {what} {booking.isoformat()}",)
        entry = _Entry(
            element=ntry,
            amount=signed,
            currency=ccy,
            reversal=reversal,
            booking=booking,
            value_date=value_date,
            ref=self.text(ntry, "AcctSvcrRef"),
            code=self._bank_code(ntry),
            info=self.text(ntry, "AddtlNtryInf"),
            charges=self._charges(ntry, ccy),
            warnings=warnings,
        )
        details = self.all(ntry, "NtryDtls/TxDtls")
        amounts = [self._detail_amount(d, entry) for d in details]
        if len(details) >= 2 and any(a is not None for a in amounts):
            return self._split(entry, details, amounts, st)
        if len(details) == 1 and amounts[0] is not None and amounts[0] != signed:
            d_amt = self.find(details[0], "Amt")
            raise self.error(
                f"the transaction details say {amounts[0]} but the entry amount is {signed}",
                d_amt if d_amt is not None else details[0],
                "details that agree with the entry amount",
            )
        return [self._transaction(entry, details, signed, st, details[0] if details else ntry)]

    def _split(
        self,
        entry: _Entry,
        details: list[etree._Element],
        amounts: list[Decimal | None],
        st: StatementState,
    ) -> list[Transaction]:
        """A batch entry whose details carry amounts: one transaction per detail."""
        for detail, amt in zip(details, amounts, strict=True):
            if amt is None:
                raise self.error(
                    "this batch detail has no amount while the others have one",
                    detail,
                    "Amt (or AmtDtls/TxAmt/Amt) on every TxDtls of the batch",
                    "Amt",
                )
        total = sum((a for a in amounts if a is not None), Decimal(0))
        if total != entry.amount:
            amt_el = self.find(entry.element, "Amt")
            raise self.error(
                f"the {len(details)} transaction details add up to {total} "
                f"but the entry amount is {entry.amount}",
                amt_el if amt_el is not None else entry.element,
                "batch details (TxDtls) that add up to the entry amount",
            )
        out: list[Transaction] = []
        for index, (detail, amt) in enumerate(zip(details, amounts, strict=True), start=1):
            assert amt is not None
            out.append(self._transaction(entry, [detail], amt, st, detail, index))
        return out

    def _transaction(
        self,
        entry: _Entry,
        details: list[etree._Element],
        amount: Decimal,
        st: StatementState,
        where: etree._Element,
        split_index: int = 0,
    ) -> Transaction:
        labels: list[str] = []
        refs: list[str] = []
        infos: list[str] = []
        parties: list[_Party] = []
        e2e = ""
        detail_ref = ""
        tx_id = ""
        code = ""
        charges = entry.charges if not split_index else None
        # the related parties of a reversal are those of the original transaction
        incoming = (amount >= 0) != entry.reversal
        for detail in details:
            labels += [t.strip() for t in self._texts(detail, "RmtInf/Ustrd")]
            refs += [r for r in self._texts(detail, "RmtInf/Strd/CdtrRefInf/Ref") if r]
            info = self.text(detail, "AddtlTxInf")
            if info:
                infos.append(info)
            parties.append(self._party(detail, incoming, st.account))
            e2e = e2e or _usable(self.text(detail, "Refs/EndToEndId"))
            detail_ref = detail_ref or _usable(self.text(detail, "Refs/AcctSvcrRef"))
            tx_id = tx_id or _usable(self.text(detail, "Refs/TxId"))
            code = code or self._bank_code(detail)
            if split_index or len(details) == 1:
                detail_charges = self._charges(detail, entry.currency)
                if detail_charges is not None:
                    charges = detail_charges
        label = " ".join(x for x in labels if x) or " ".join(infos) or entry.info
        reference = " ".join(dict.fromkeys(refs))
        distinct = {p for p in parties if not p.empty()}
        party = distinct.pop() if len(distinct) == 1 else _Party()
        if split_index:
            id_ref = detail_ref or tx_id or (f"{entry.ref}/{split_index}" if usable_ref(entry.ref)
                                             else "")  # fmt: skip
        else:
            id_ref = entry.ref if usable_ref(entry.ref) else (detail_ref or tx_id)
        tx = st.ids.allocate(
            st.account,
            entry.booking,
            amount,
            entry.currency,
            label,
            party.name,
            party.account,
            reference,
            e2e,
            bank_ref=id_ref,
        )
        st.count += 1
        if split_index and detail_ref:
            bank_reference = detail_ref
        else:
            bank_reference = _usable(entry.ref) or detail_ref
        line = where.sourceline if isinstance(where.sourceline, int) else st.line
        return Transaction(
            id=tx,
            date=entry.booking,
            amount=amount,
            currency=entry.currency,
            label=label,
            counterparty=party.name,
            iban=party.account,
            reference=reference,
            account=st.account,
            value_date=entry.value_date,
            bank_reference=bank_reference,
            end_to_end_id=e2e,
            bic=party.bic,
            reversal=entry.reversal,
            charges=charges,
            bank_code=code or entry.code,
            source=f"{self.file}:{line}",
            warnings=entry.warnings,
        )

    def _party(self, detail: etree._Element, incoming: bool, own: str) -> _Party:
        """The other side: the debtor of money we receive, the creditor of money we pay."""
        first, second = ("Dbtr", "Cdtr") if incoming else ("Cdtr", "Dbtr")
        party = self._side(detail, first)
        if party.empty():
            other = self._side(detail, second)
            if other.account.upper() != own.upper():
                party = other
        return party

    def _side(self, detail: etree._Element, role: str) -> _Party:
        name = self.text(detail, f"RltdPties/{role}/Nm") or self.text(
            detail, f"RltdPties/{role}/Pty/Nm"
        )
        acct = self.text(detail, f"RltdPties/{role}Acct/Id/IBAN") or self.text(
            detail, f"RltdPties/{role}Acct/Id/Othr/Id"
        )
        bic = self.text(detail, f"RltdAgts/{role}Agt/FinInstnId/BICFI") or self.text(
            detail, f"RltdAgts/{role}Agt/FinInstnId/BIC"
        )
        return _Party(" ".join(name.split()), acct.replace(" ", "").upper(), bic)

    def _bank_code(self, el: etree._Element) -> str:
        domain = self.text(el, "BkTxCd/Domn/Cd")
        if domain:
            family = self.text(el, "BkTxCd/Domn/Fmly/Cd")
            sub = self.text(el, "BkTxCd/Domn/Fmly/SubFmlyCd")
            return "/".join(x for x in (domain, family, sub) if x)
        return self.text(el, "BkTxCd/Prtry/Cd")

    def _detail_amount(self, detail: etree._Element, entry: _Entry) -> Decimal | None:
        """Signed amount a TxDtls carries in the entry's currency, or None when it has none."""
        amt_el = self.find(detail, "Amt")
        if amt_el is None:
            amt_el = self.find(detail, "AmtDtls/TxAmt/Amt")
        if amt_el is None:
            return None
        amount = self._amount(amt_el)
        ccy = self._currency(amt_el)
        if ccy != entry.currency:
            raise self.error(
                f"the transaction detail amount is in {ccy} but the entry is in {entry.currency}",
                amt_el,
                f"detail amounts in the entry currency {entry.currency}",
            )
        if self.find(detail, "CdtDbtInd") is not None:
            return amount * self._sign(detail)
        return amount if entry.amount >= 0 else -amount

    def _charges(self, el: etree._Element, currency: str) -> Decimal | None:
        """Total charges reported on an entry or a detail (v02 list or v03+ records)."""
        blocks = self.all(el, "Chrgs")
        if not blocks:
            return None
        amounts: list[etree._Element] = []
        for block in blocks:
            total = self.find(block, "TtlChrgsAndTaxAmt")
            if total is not None:
                amounts.append(total)
                continue
            amounts += self.all(block, "Rcrd/Amt") + self.all(block, "Amt")
        result = Decimal(0)
        for amt_el in amounts:
            value = self._amount(amt_el)
            ccy = self._currency(amt_el)
            if ccy != currency:
                raise self.error(
                    f"charges are in {ccy} but the entry is in {currency}",
                    amt_el,
                    f"charges in {currency}",
                )
            result += value
        return result if amounts else None

    def _statement_date(self, st: StatementState, ntry: etree._Element) -> tuple[dt.date, str]:
        """The date for an entry that has neither ``BookgDt`` nor ``ValDt``, and what it is.

        Some banks (a real Lithuanian camt.053, see docs/import.md) date only the statement:
        its balances carry the day, the entries nothing. Refusing such a file loses a whole
        day's statement over a date the file does state, so the entry takes -- with a
        warning on the transaction -- the first of: the closing balance's date (the day the
        entries were booked by), the opening balance's, the end of the statement's period
        (``FrToDt/ToDtTm``: inside the period, where ``CreDtTm`` is often the next
        morning), the statement's ``CreDtTm``, the group header's ``CreDtTm``. All of
        them precede the entries in the file, so they are already parsed here. When none
        is there the entry is refused, as before.
        """
        if not st.fallback_searched:
            st.fallback_searched = True
            st.fallback_date = self._find_statement_date(st)
        if st.fallback_date is None:
            raise self.error(
                "entry has no date, and neither do the statement's balances, period or "
                "creation time",
                ntry,
                "BookgDt or ValDt on the entry (or a dated balance on the statement)",
                "BookgDt",
            )
        return st.fallback_date

    def _find_statement_date(self, st: StatementState) -> tuple[dt.date, str] | None:
        dated: dict[str, dt.date] = {}
        for bal in self.all(st.element, "Bal"):
            code = self.text(bal, "Tp/CdOrPrtry/Cd") or self.text(bal, "Tp/CdOrPrtry/Prtry")
            wanted = code in OPENING_CODES + CLOSING_CODES and code not in dated
            if wanted and self.find(bal, "Dt") is not None:
                dated[code] = self._date(bal, "Dt")
        for code in CLOSING_CODES:
            if code in dated:
                return dated[code], "statement's closing balance date"
        for code in OPENING_CODES:
            if code in dated:
                return dated[code], "statement's opening balance date"
        period = self.find(st.element, "FrToDt")  # not indexed below: _UNUSED
        period_end = self.find(period, "ToDtTm") if period is not None else None
        if period_end is not None:
            return self._date_of(period_end), "end of the statement's period"
        created = self.find(st.element, "CreDtTm")
        if created is not None:
            return self._date_of(created), "statement's creation date"
        message = st.element.getparent()
        for child in message if message is not None else ():
            if child.tag == f"{{{self.ns}}}GrpHdr":
                created = self.find(child, "CreDtTm")
                if created is not None:
                    return self._date_of(created), "message's creation date"
        return None


def _usable(ref: str) -> str:
    return ref if usable_ref(ref) else ""

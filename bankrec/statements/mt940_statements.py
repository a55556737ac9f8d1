"""MT940 fields into statements: one reading of the file, statement by statement.

Each ``:61:``/``:86:`` pair becomes its final :class:`Transaction` as soon as both are in,
so only finished transactions stay in memory; the checks that need a whole statement
(account, balances, MT942 control totals) run at its end. Ids depend on two facts only
known at the end of the file -- each statement's account and whether a bank reference
repeats -- so a reading assumes them (:class:`Facts`), records what it saw, and says
whether a further reading is needed (:meth:`StatementReader.consistent`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from sys import intern

from bankrec.errors import Location, StatementError
from bankrec.model import Balance, Statement, Transaction
from bankrec.money import exponent
from bankrec.statements.ids import IdAllocator, usable_ref
from bankrec.statements.mt940_details import NO_DETAILS, DetailFields, details_fields
from bankrec.statements.mt940_text import cut_fields
from bankrec.statements.mt940_values import (
    FLOOR_RE,
    SUM_RE,
    FieldValues,
    Line61,
    swift_amount,
    swift_currency,
)

_IBAN_SHAPE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")


@dataclass
class Facts:
    """What a previous reading of the file learned that ids depend on."""

    accounts: list[str] | None = None  # each statement's final account, in file order
    repeated_refs: set[tuple[str, str]] = field(default_factory=set)  # (account, bank ref)
    track_bases: bool = False  # two accounts can spell the same "ACCOUNT/REF" id


@dataclass
class _Block:
    """The statement being read: its fields so far and its finished transactions."""

    start: int
    index: int
    reference: str = ""
    number: str = ""
    account: str = ""
    currency: str = ""
    places: int = 2
    opening: Balance | None = None
    closing: Balance | None = None
    lines_seen: int = 0  # :61: fields so far
    sums: dict[str, tuple[int, int, Decimal]] = field(default_factory=dict)
    interim: bool = False
    transactions: list[Transaction] = field(default_factory=list)
    pending: Line61 | None = None  # the last :61:, until its :86: (or none) is known
    tx_account: str | None = None  # the account its transactions were built with


class StatementReader(FieldValues):
    """One reading of the file: fields in, statements out (see the module docstring)."""

    def __init__(self, name: str, facts: Facts, *, check_controls: bool) -> None:
        super().__init__(name)
        self.facts = facts
        self.check_controls = check_controls
        self.statements: list[Statement] = []
        self.block: _Block | None = None
        self.blocks = 0
        self.ids = IdAllocator()
        self.refs: dict[str, set[str]] = {}  # account -> bank references seen once
        self.repeated: set[tuple[str, str]] = set()
        self.account_moved = False  # :25: changed after transactions were built
        self.bases_collide = False
        self.final_accounts: list[str] = []
        self.suffixes: dict[str, re.Pattern[str]] = {}

    # ------------------------------------------------------------------ driving

    def run(self, lines: Iterable[str]) -> list[Statement]:
        """All statements, or the error the whole-file reader would have reported."""
        held: StatementError | None = None
        for tag, line, values in cut_fields(lines, self.name, self.check_controls):
            if held is not None:
                continue
            try:
                if tag == "86":  # the two fields of every transaction go first
                    # only the first :86: after a :61: describes it (none after :62F:)
                    block = self.block
                    if block is not None and block.pending is not None and block.closing is None:
                        self._build(block, block.pending, details_fields(values))
                        block.pending = None
                elif tag == "61":
                    self._statement_line(line, values)
                else:
                    self._field(tag, line, values)
            except StatementError as exc:
                held = exc  # a layout error later in the file takes precedence
        if held is not None:
            raise held
        return self.statements

    def consistent(self) -> bool:
        """Whether the ids handed out rest on facts that held for the whole file."""
        return (
            not self.account_moved
            and not self.repeated
            and (not self.bases_collide or self.facts.track_bases)
        )

    def learned(self) -> Facts:
        """Facts for the next reading (accounts first, then what depends on them)."""
        if self.account_moved:  # what was seen with the wrong account proves nothing
            return Facts(accounts=self.final_accounts)
        return Facts(
            accounts=self.final_accounts,
            repeated_refs=self.facts.repeated_refs | self.repeated,
            track_bases=self.facts.track_bases or self.bases_collide,
        )

    # ------------------------------------------------------------------ fields

    def _field(self, tag: str, line: int, values: list[str]) -> None:
        """A field other than :61: and :86:, or ``-`` for the end of the statement."""
        block = self.block
        if tag == "20":
            self.blocks += 1
            self.block = _Block(line, self.blocks - 1, reference=values[0].strip())
        elif tag == "-":  # line: the statement's last line
            assert block is not None  # cut_fields starts every statement with :20:
            self._end(block, line)
        else:
            assert block is not None
            self._other(block, tag, line, values)

    def _statement_line(self, line: int, values: list[str]) -> None:
        """A ``:61:``: checked against its statement and parsed; built once its :86: is in."""
        block = self.block
        assert block is not None  # cut_fields starts every statement with :20:
        if block.closing is not None:
            raise StatementError(
                "statement line after the closing balance",
                Location(self.name, line),
                "':61:' lines between ':60F:' and ':62F:'",
            )
        if not block.currency:
            raise StatementError(
                "statement line before any balance or floor limit gives the currency",
                Location(self.name, line),
                "':60F:' (MT940) or ':34F:' (MT942) before the first ':61:'",
            )
        parsed = self._line61(block.currency, block.places, line, values)
        if block.pending is not None:
            self._build(block, block.pending, NO_DETAILS)
        block.pending = parsed
        block.lines_seen += 1

    def _other(self, block: _Block, tag: str, line: int, values: list[str]) -> None:
        """Every field but :20:, :61: and :86:."""
        name, first = self.name, values[0].strip()
        if tag == "25":  # the only way a statement's account changes: see consistent()
            block.account = first
            block.tx_account = None
            if block.transactions and self.facts.accounts is None:
                self.account_moved = True  # they were built with the wrong account
        elif tag in ("28", "28C"):
            block.number = first
        elif tag in ("60F", "60M", "60"):
            if block.opening is not None or block.lines_seen:
                raise StatementError(
                    f"opening balance :{tag}: in the wrong place",
                    Location(name, line),
                    "one opening balance, before the first ':61:'",
                )
            code, block.opening = self._balance(tag, line, first)
            self._use_currency(block, code, tag, line)
        elif tag in ("62F", "62M", "62"):
            if block.closing is not None:
                raise StatementError(
                    f"second closing balance :{tag}:", Location(name, line), "one ':62F:'"
                )
            code, block.closing = self._balance(tag, line, first)
            self._use_currency(block, code, tag, line)
            if block.pending is not None:  # no :86: can follow the closing balance
                self._build(block, block.pending, NO_DETAILS)
                block.pending = None
        elif tag in ("64", "65"):
            code, _ = self._balance(tag, line, first)
            self._use_currency(block, code, tag, line)
        elif tag == "34F":
            block.interim = True
            floor = FLOOR_RE.match(first)
            if not floor:
                raise StatementError(
                    f"floor limit :34F: {first!r} is malformed",
                    Location(name, line),
                    "currency, optional D/C, amount (e.g. 'EUR0,')",
                )
            code = swift_currency(floor.group(1), name, line)
            swift_amount(floor.group(3), code, name, line, "floor limit")
            self._use_currency(block, code, tag, line)
        elif tag in ("13", "13D"):
            block.interim = True
        elif tag in ("90D", "90C"):
            block.interim = True
            found = SUM_RE.match(first)
            if not found:
                raise StatementError(
                    f"entry sum :{tag}: {first!r} is malformed",
                    Location(name, line),
                    "count, currency, amount (e.g. '3EUR123,45')",
                )
            code = swift_currency(found.group(2), name, line)
            self._use_currency(block, code, tag, line)
            total = swift_amount(found.group(3), code, name, line, "sum")
            block.sums[tag] = (line, int(found.group(1)), total)
        # Other tags (:21:, :NS:, bank extensions) carry nothing bankrec uses.

    def _use_currency(self, block: _Block, code: str, tag: str, line: int) -> None:
        if block.currency and code != block.currency:
            raise StatementError(
                f":{tag}: is in {code} but the statement is in {block.currency}",
                Location(self.name, line),
                f"one currency per statement ({block.currency})",
            )
        if not block.currency:
            block.currency, block.places = code, exponent(code)

    # ------------------------------------------------------------------ transactions

    def _account(self, block: _Block) -> str:
        """The account to build transactions with: the final one when already known."""
        if self.facts.accounts is not None:
            return self.facts.accounts[block.index]
        return self._final_account(block)

    def _final_account(self, block: _Block) -> str:
        """The statement's account as read so far, its currency suffix dropped."""
        account = block.account
        if block.currency:
            suffix = self.suffixes.get(block.currency)
            if suffix is None:
                suffix = re.compile(rf"[\s/]+{re.escape(block.currency)}$")
                self.suffixes[block.currency] = suffix
            account = suffix.sub("", account) or account
        return intern(account)

    def _build(self, block: _Block, parsed: Line61, details: DetailFields) -> None:
        """Turn a parsed ``:61:`` (and its ``:86:``) into the finished transaction."""
        line, value_date, entry_date, amount, reversal, type_code, customer, bank_ref, extra = (
            parsed
        )
        raw, label, counterparty, iban, bic, reference, end_to_end, code = details
        account = block.tx_account
        if account is None:
            account = block.tx_account = self._account(block)
        date = entry_date or value_date
        currency = block.currency
        usable = usable_ref(bank_ref)
        repeated = self.facts.repeated_refs
        if usable and (not repeated or (account, bank_ref) not in repeated):
            self._note_ref(account, bank_ref)
            if self.facts.track_bases:
                tx_id = self.ids.allocate(account, date, amount, currency, type_code, customer,
                                          bank_ref, raw, extra, bank_ref=bank_ref)  # fmt: skip
            else:  # ids.base_id for a usable reference; it is unique, so no "#2"
                acct = account.strip()
                tx_id = f"{acct}/{bank_ref}" if acct else bank_ref
        else:
            tx_id = self.ids.allocate(account, date, amount, currency, type_code, customer,
                                      bank_ref, raw, extra)  # fmt: skip
        if not iban and _IBAN_SHAPE.match(extra):  # Rabobank: counter IBAN here
            iban = extra
        block.transactions.append(
            Transaction(
                id=tx_id,
                date=date,
                amount=amount,
                currency=currency,
                label=label or extra or (customer if usable_ref(customer) else ""),
                counterparty=counterparty,
                iban=iban,
                reference=reference,
                account=account,
                value_date=value_date,
                bank_reference=bank_ref if usable else "",
                end_to_end_id=end_to_end,
                bic=bic,
                reversal=reversal,
                bank_code=intern(f"{type_code}/{code}" if code else type_code),
                source=f"{self.name}:{line}",
            )
        )

    def _note_ref(self, account: str, ref: str) -> None:
        """Record a bank reference; a repeat means it was no id after all."""
        seen = self.refs.get(account)
        if seen is None:
            for other in self.refs:
                if other.startswith(account + "/") or account.startswith(other + "/"):
                    self.bases_collide = True  # "A" + "B/C" and "A/B" + "C" give one id
            seen = self.refs[account] = set()
        if ref in seen:
            self.repeated.add((account, ref))
        else:
            seen.add(ref)

    def _end(self, block: _Block, last_line: int) -> None:
        """Checks that need the whole statement, then the :class:`Statement` itself."""
        name = self.name
        where = f"statement starting at line {block.start}"
        if not block.account:
            raise StatementError(
                f"{where} has no account", Location(name, block.start), "a ':25:' account field"
            )
        if block.opening is None and block.closing is None and not block.interim:
            raise StatementError(
                f"{where} has no opening balance",
                Location(name, block.start),
                "':60F:' opening balance (MT940) or ':34F:'/':90D:' (MT942)",
            )
        if block.opening is not None and block.closing is None:
            raise StatementError(
                f"{where} ends without a closing balance",
                Location(name, last_line),
                "':62F:' or ':62M:' closing balance",
            )
        if block.closing is not None and block.opening is None:
            raise StatementError(
                f"{where} has a closing but no opening balance",
                Location(name, block.start),
                "':60F:' or ':60M:' opening balance",
            )
        if block.pending is not None:
            self._build(block, block.pending, NO_DETAILS)
            block.pending = None
        self._check_sums(block)
        account = self._final_account(block)
        self.final_accounts.append(account)
        self.statements.append(
            Statement(
                account=account,
                currency=block.currency,
                transactions=tuple(block.transactions),
                opening=block.opening,
                closing=block.closing,
                statement_id="/".join(x for x in (block.reference, block.number) if x),
                source=f"{name}:{block.start}",
            )
        )
        self.block = None

    def _check_sums(self, block: _Block) -> None:
        """MT942 ``:90D:``/``:90C:`` are control totals: a mismatch means a damaged file."""
        for tag, credit in (("90D", False), ("90C", True)):
            if tag not in block.sums:
                continue
            line, count, total = block.sums[tag]
            mine = [t.amount for t in block.transactions if (t.amount >= 0) == credit]
            actual = abs(sum(mine, Decimal(0)))
            if count != len(mine) or total != actual:
                raise StatementError(
                    f":{tag}: states {count} entries totalling {total} {block.currency} but the "
                    f"statement has {len(mine)} totalling {actual}",
                    Location(self.name, line),
                    "control totals matching the ':61:' lines",
                )

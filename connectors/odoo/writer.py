"""Carry out write-back plans on Odoo 17 over plain RPC, one statement line at a time.

Per line: re-read (batched) the line's entry and the invoices' open journal items, plan
(:mod:`connectors.odoo.plan`), then ONE ``account.move.write`` rewriting the suspense line
(atomic on the server: the entry balances within that write or nothing changes), then one
``account.move.line.reconcile`` per invoice journal item. If a reconcile fails the line is
undone (``action_undo_reconciliation``) so it is back to bank + suspense, the error is
reported and the next line goes on.

A run killed between the rewrite and the reconciles leaves counterpart lines labelled
``bankrec: ...`` unreconciled on a receivable/payable account; :meth:`OdooWriter.recover`
finds those at the start of the next run and undoes them, so the re-run books them as a
clean run would. Lines that are no longer untouched when re-read are skipped: the same
money is never reconciled twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bankrec.model import Booking, Decision, Transaction
from connectors.odoo.errors import ConnectorError
from connectors.odoo.plan import (
    MARK,
    TRANSFER_MARK,
    Accounts,
    InvoiceLine,
    LinePlan,
    LineState,
    MoveLine,
    Refusal,
    WriteConfig,
    plan_line,
)
from connectors.odoo.reader import (
    IMPORT_PREFIX,
    BankJournal,
    Currencies,
    StatementLineRef,
    to_decimal,
)
from connectors.odoo.transport import OdooTransport

RECONCILABLE_TYPES = ["asset_receivable", "liability_payable"]
BATCH = 200  # lines whose state is re-read in one go before writing them
ADDON_MODULE = "account_bank_reconcile_api"
ADDON_MODEL = "account.bank.statement.line"
ADDON_APPLY = "bankrec_apply"  # the add-on's batched, value-returning write-back method


def addon_installed(transport: OdooTransport) -> bool:
    """Whether the bankrec add-on is installed on this Odoo (one read)."""
    return bool(
        transport.execute_kw(
            "ir.module.module",
            "search_count",
            [[("name", "=", ADDON_MODULE), ("state", "=", "installed")]],
        )
    )


def addon_instruction(planned: LinePlan, state: LineState) -> dict[str, Any]:
    """One line's plan as the add-on's ``bankrec_apply`` takes it: plain JSON-able values,
    amounts as decimal strings (exact), and the state the plan was made on, which the server
    checks before writing so a line booked meanwhile is skipped, never booked twice."""
    if state.suspense is None or state.liquidity is None:
        raise ValueError("the statement line has no suspense line to rewrite")
    return {
        "key": planned.transaction_id,
        "line_id": state.line_id,
        "suspense_id": state.suspense.id,
        "suspense_amount": str(state.suspense.amount),
        "partner_id": planned.partner_id or False,
        # transfer: the label of the other side's item to pair with, once it is booked
        "transfer": f"{TRANSFER_MARK} {planned.transaction_id}"
        if planned.booking is Booking.TRANSFER
        else False,
        "counterparts": [
            {
                "account_id": cp.account_id,
                "amount": str(cp.amount),
                "name": cp.name,
                "partner_id": cp.partner_id or False,
                "reconcile_with": cp.reconcile_with or False,
            }
            for cp in planned.counterparts
        ],
    }


@dataclass(frozen=True, slots=True)
class LineOutcome:
    """What happened to one decision's line: reconciled, booked, skipped, refused or error."""

    transaction_id: str
    action: str
    message: str = ""
    line_id: int | None = None
    plan: LinePlan | None = None
    foreign_currency: bool = False


@dataclass
class ImportReport:
    """Result of creating statement lines from a file."""

    created: int = 0
    existing: int = 0
    line_ids: list[int] = field(default_factory=list)


class OdooWriter:
    """Writes statement lines and reconciliations to one bank journal.

    ``hook(stage, plan)`` is called after each step (``rewritten``, ``done``); tests use it
    to simulate a crash between the rewrite and the reconciles.
    """

    def __init__(
        self,
        transport: OdooTransport,
        journal: BankJournal,
        currencies: Currencies,
        config: WriteConfig | None = None,
        *,
        hook: Callable[[str, LinePlan], None] | None = None,
    ) -> None:
        self.t = transport
        self.journal = journal
        self.currencies = currencies
        self.config = config or WriteConfig()
        self.hook = hook
        self.use_addon = False  # write through the add-on's ``bankrec_apply`` (see sync)
        self._accounts: Accounts | None = None

    # ------------------------------------------------------------------ import
    def import_transactions(
        self, transactions: Sequence[Transaction], *, chunk: int = 500
    ) -> ImportReport:
        """Create a statement line per transaction not imported before (by import id).

        The whole file is refused before anything is created when a transaction's currency
        is not the journal's. Existing lines are found by ``ref = 'bankrec:<id>'``
        (Community 17 has no ``unique_import_id``), so importing twice creates nothing.
        """
        for tx in transactions:
            if tx.currency.upper() != self.journal.currency:
                raise ConnectorError(
                    f"{tx.source or tx.id}: transaction in {tx.currency} cannot go to journal "
                    f"{self.journal.code} in {self.journal.currency}; nothing was imported"
                )
        report = ImportReport()
        unique: dict[str, Transaction] = {}
        for tx in transactions:
            unique.setdefault(tx.id, tx)
        refs = [IMPORT_PREFIX + i for i in unique]
        existing: set[str] = set()
        for start in range(0, len(refs), 2000):
            rows = self.t.execute_kw(
                "account.bank.statement.line",
                "search_read",
                [[("journal_id", "=", self.journal.id), ("ref", "in", refs[start : start + 2000])]],
                {"fields": ["ref"]},
            )
            existing.update(r["ref"] for r in rows)
        todo = [tx for tx in unique.values() if IMPORT_PREFIX + tx.id not in existing]
        report.existing = len(unique) - len(todo)
        for start in range(0, len(todo), chunk):
            vals = [self._line_values(tx) for tx in todo[start : start + chunk]]
            ids = self.t.execute_kw("account.bank.statement.line", "create", [vals])
            report.line_ids.extend(ids if isinstance(ids, list) else [ids])
        report.created = len(todo)
        return report

    def _line_values(self, tx: Transaction) -> dict[str, Any]:
        label = tx.label or tx.reference or tx.counterparty or "/"
        if tx.reference and tx.reference not in label:
            label = f"{label} {tx.reference}"
        return {
            "journal_id": self.journal.id,
            "date": tx.date.isoformat(),
            "amount": float(tx.amount),
            "payment_ref": label,
            "partner_name": tx.counterparty or False,
            "account_number": tx.iban or False,
            "ref": IMPORT_PREFIX + tx.id,
        }

    # ------------------------------------------------------------------ recovery / undo
    def recover(self) -> list[int]:
        """Undo lines a killed run left half-written (rewritten, not reconciled)."""
        rows = self.t.execute_kw(
            "account.move.line",
            "search_read",
            [
                [
                    ("journal_id", "=", self.journal.id),
                    ("name", "=like", MARK + "%"),
                    ("reconciled", "=", False),
                    ("account_id.account_type", "in", RECONCILABLE_TYPES),
                    ("statement_line_id", "!=", False),
                ]
            ],
            {"fields": ["statement_line_id"]},
        )
        line_ids = sorted({r["statement_line_id"][0] for r in rows if r["statement_line_id"]})
        if line_ids:
            self.undo(line_ids)
        return line_ids

    def undo(self, line_ids: Sequence[int]) -> None:
        """Undo the reconciliation of statement lines: invoices back to their state before,
        the line back to bank + suspense (Odoo's own ``action_undo_reconciliation``; through
        the add-on's value-returning ``bankrec_undo`` when it is used)."""
        if self.use_addon:
            self.t.execute_kw(ADDON_MODEL, "bankrec_undo", [list(line_ids)])
            return
        self.t.execute_kw(
            "account.bank.statement.line", "action_undo_reconciliation", [list(line_ids)]
        )

    # ------------------------------------------------------------------ reads for planning
    def accounts(self) -> Accounts:
        """Account ids by code (one read) and the company's internal transfer account."""
        if self._accounts is None:
            rows = self.t.execute_kw(
                "account.account",
                "search_read",
                [[("company_id", "=", self.journal.company_id)]],
                {"fields": ["code"]},
            )
            company = self.t.execute_kw(
                "res.company",
                "read",
                [[self.journal.company_id]],
                {"fields": ["transfer_account_id"]},
            )[0]
            transfer = company.get("transfer_account_id")
            self._accounts = Accounts(
                by_code={r["code"]: r["id"] for r in rows},
                transfer_account_id=transfer[0] if transfer else None,
            )
        return self._accounts

    def read_states(self, line_ids: Sequence[int]) -> dict[int, LineState]:
        """The current shape of each statement line's entry (two or three calls per batch)."""
        if not line_ids:
            return {}
        cur = self.journal.currency
        lines = self.t.execute_kw(
            "account.bank.statement.line",
            "read",
            [list(line_ids)],
            {"fields": ["move_id", "amount", "foreign_currency_id"]},
        )
        move_ids = [r["move_id"][0] for r in lines]
        amls = self.t.execute_kw(
            "account.move.line",
            "search_read",
            [[("move_id", "in", move_ids)]],
            {
                "fields": [
                    "move_id",
                    "account_id",
                    "amount_currency",
                    "name",
                    "partner_id",
                    "reconciled",
                    "matched_debit_ids",
                    "matched_credit_ids",
                ],
                "order": "id",
            },
        )
        matched = self._matched_moves(
            [a for a in amls if a["matched_debit_ids"] or a["matched_credit_ids"]]
        )
        by_move: dict[int, list[dict[str, Any]]] = {}
        for a in amls:
            by_move.setdefault(a["move_id"][0], []).append(a)
        states: dict[int, LineState] = {}
        for r in lines:
            move_id = r["move_id"][0]
            liquidity = suspense = None
            others: list[MoveLine] = []
            for a in by_move.get(move_id, []):
                ml = MoveLine(
                    id=a["id"],
                    account_id=a["account_id"][0],
                    amount=to_decimal(a["amount_currency"], cur),
                    name=a["name"] or "",
                    partner_id=a["partner_id"][0] if a["partner_id"] else None,
                    reconciled=bool(a["reconciled"]),
                    matched_move_ids=tuple(sorted(matched.get(a["id"], ()))),
                )
                if ml.account_id == self.journal.default_account_id and liquidity is None:
                    liquidity = ml
                elif ml.account_id == self.journal.suspense_account_id and suspense is None:
                    suspense = ml
                else:
                    others.append(ml)
            states[r["id"]] = LineState(
                line_id=r["id"],
                move_id=move_id,
                amount=to_decimal(r["amount"], cur),
                currency=cur,
                liquidity=liquidity,
                suspense=suspense,
                others=tuple(others),
                foreign_currency=bool(r["foreign_currency_id"]) or self.journal.foreign,
            )
        return states

    def _matched_moves(self, amls: list[dict[str, Any]]) -> dict[int, set[int]]:
        """For reconciled bank journal items: the entries they are reconciled with."""
        partial_ids = sorted(
            {p for a in amls for p in a["matched_debit_ids"] + a["matched_credit_ids"]}
        )
        if not partial_ids:
            return {}
        partials = self.t.execute_kw(
            "account.partial.reconcile",
            "read",
            [partial_ids],
            {"fields": ["debit_move_id", "credit_move_id"]},
        )
        pairs = [(p["debit_move_id"][0], p["credit_move_id"][0]) for p in partials]
        other_ids = sorted({x for pair in pairs for x in pair})
        moves = self.t.execute_kw("account.move.line", "read", [other_ids], {"fields": ["move_id"]})
        move_of = {m["id"]: m["move_id"][0] for m in moves}
        ours = {a["id"] for a in amls}
        result: dict[int, set[int]] = {}
        for debit, credit in pairs:
            for mine, theirs in ((debit, credit), (credit, debit)):
                if mine in ours:
                    result.setdefault(mine, set()).add(move_of[theirs])
        return result

    def read_invoice_lines(self, item_ids: Iterable[str]) -> dict[str, list[InvoiceLine]]:
        """Open receivable/payable journal items of the given invoices (one call)."""
        ids = sorted({int(i) for i in item_ids if str(i).isdigit()})
        if not ids:
            return {}
        rows = self.t.execute_kw(
            "account.move.line",
            "search_read",
            [
                [
                    ("move_id", "in", ids),
                    ("account_id.account_type", "in", RECONCILABLE_TYPES),
                    ("reconciled", "=", False),
                    ("parent_state", "=", "posted"),
                ]
            ],
            {
                "fields": [
                    "move_id",
                    "move_name",
                    "account_id",
                    "partner_id",
                    "amount_residual_currency",
                    "currency_id",
                    "date_maturity",
                ],
                "order": "id",
            },
        )
        result: dict[str, list[InvoiceLine]] = {}
        for r in rows:
            currency = self.currencies.code(r["currency_id"])
            result.setdefault(str(r["move_id"][0]), []).append(
                InvoiceLine(
                    id=r["id"],
                    item_id=str(r["move_id"][0]),
                    number=r["move_name"] or str(r["move_id"][0]),
                    account_id=r["account_id"][0],
                    partner_id=r["partner_id"][0] if r["partner_id"] else None,
                    residual=to_decimal(r["amount_residual_currency"], currency),
                    currency=currency,
                    due=r["date_maturity"] or "",
                )
            )
        return result

    # ------------------------------------------------------------------ write-back
    def plan_decisions(
        self,
        decisions: Sequence[Decision],
        refs: Mapping[str, StatementLineRef],
        *,
        item_signs: Mapping[str, int] | None = None,
    ) -> list[tuple[LineState | None, LinePlan | Refusal]]:
        """Re-read the lines and invoices of ``decisions`` (batched) and plan each; reads only.

        Invoice residuals are consumed as the batch is planned, so two lines never plan to
        pay the same open money.
        """
        planned: list[tuple[LineState | None, LinePlan | Refusal]] = []
        known = [d for d in decisions if d.transaction_id in refs]
        states = self.read_states([refs[d.transaction_id].line_id for d in known])
        invoices = self.read_invoice_lines(a.item_id for d in known for a in d.allocations)
        accounts = self.accounts()
        for d in decisions:
            if d.transaction_id not in refs:
                planned.append((None, Refusal(d.transaction_id, "not a line of this journal")))
                continue
            state = states[refs[d.transaction_id].line_id]
            result = plan_line(d, state, invoices, accounts, self.config, item_signs=item_signs)
            if isinstance(result, LinePlan):
                invoices = _consume(invoices, result)
            planned.append((state, result))
        return planned

    def write_decisions(
        self,
        decisions: Sequence[Decision],
        refs: Mapping[str, StatementLineRef],
        *,
        item_signs: Mapping[str, int] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> list[LineOutcome]:
        """Plan and write every decision, in batches; one outcome each, failures included."""
        outcomes: list[LineOutcome] = []
        for start in range(0, len(decisions), BATCH):
            batch = decisions[start : start + BATCH]
            planned_batch = self.plan_decisions(batch, refs, item_signs=item_signs)
            if self.use_addon:
                outcomes.extend(self.execute_with_addon(planned_batch))
            else:
                outcomes.extend(self._execute_planned(state, p) for state, p in planned_batch)
            if progress:
                progress(len(batch))
        return outcomes

    def _execute_planned(self, state: LineState | None, planned: LinePlan | Refusal) -> LineOutcome:
        """:meth:`execute`, or the refusal of a decision whose line is not in the journal."""
        if state is None:
            assert isinstance(planned, Refusal)
            return LineOutcome(planned.transaction_id, "refused", planned.reason)
        return self.execute(planned, state)

    def execute(self, planned: LinePlan | Refusal, state: LineState) -> LineOutcome:
        """Write one planned line: one entry rewrite, then its reconciles; undo on failure."""
        if isinstance(planned, Refusal):
            return LineOutcome(
                planned.transaction_id,
                "refused",
                planned.reason,
                state.line_id,
                foreign_currency=planned.foreign_currency,
            )
        if planned.skip:
            return LineOutcome(
                planned.transaction_id, "skipped", planned.skip, state.line_id, planned
            )
        try:
            self.t.execute_kw(
                "account.move", "write", [[state.move_id], planned.move_write_values(state)]
            )
        except ConnectorError as exc:
            return LineOutcome(planned.transaction_id, "error", str(exc), state.line_id, planned)
        if self.hook:
            self.hook("rewritten", planned)
        try:
            self._reconcile(planned, state)
        except ConnectorError as exc:
            message = f"reconcile failed ({exc}); the line was undone"
            try:
                self.undo([state.line_id])
            except ConnectorError as undo_exc:
                message = f"reconcile failed ({exc}) and undo failed too ({undo_exc})"
            return LineOutcome(planned.transaction_id, "error", message, state.line_id, planned)
        if self.hook:
            self.hook("done", planned)
        return LineOutcome(planned.transaction_id, planned.done_action, "", state.line_id, planned)

    def execute_with_addon(
        self, planned_batch: Sequence[tuple[LineState | None, LinePlan | Refusal]]
    ) -> list[LineOutcome]:
        """Write a planned batch in ONE call to the add-on's ``bankrec_apply``.

        The server applies each line in its own savepoint (rewrite, reconciles, transfer
        pairing), so a failing line is rolled back alone and reported; it re-checks each
        line's suspense item first and skips lines booked since they were planned.
        """
        outcomes: dict[int, LineOutcome] = {}
        sent: list[tuple[int, LinePlan, LineState]] = []
        for index, (state, planned) in enumerate(planned_batch):
            if state is None or isinstance(planned, Refusal) or planned.skip:
                outcomes[index] = self._execute_planned(state, planned)  # writes nothing
            else:
                sent.append((index, planned, state))
        if sent:
            instructions = [addon_instruction(planned, state) for _i, planned, state in sent]
            try:
                results = self.t.execute_kw(ADDON_MODEL, ADDON_APPLY, [instructions])
                answers, failure = {r.get("key"): r for r in results}, "no answer from the add-on"
            except ConnectorError as exc:
                answers, failure = {}, str(exc)
            for index, planned, state in sent:
                answer = answers.get(planned.transaction_id)
                status = str(answer.get("status")) if answer else ""
                action = {"done": planned.done_action, "skipped": "skipped"}.get(status, "error")
                message = (answer.get("message") or "") if answer else failure
                outcomes[index] = LineOutcome(
                    planned.transaction_id, action, message, state.line_id, planned
                )
        return [outcomes[i] for i in range(len(planned_batch))]

    def _reconcile(self, planned: LinePlan, state: LineState) -> None:
        pairs = planned.reconciles
        if not pairs and planned.booking is not Booking.TRANSFER:
            return
        assert state.suspense is not None and state.liquidity is not None
        if len(planned.counterparts) == 1:  # the suspense line was rewritten in place
            for _index, invoice_line in pairs:
                self.t.execute_kw(
                    "account.move.line", "reconcile", [[state.suspense.id, invoice_line]]
                )
            if planned.booking is Booking.TRANSFER:
                self._pair_transfer(planned, state.suspense.id, state)
            return
        rows = self.t.execute_kw(
            "account.move.line",
            "search_read",
            [[("move_id", "=", state.move_id)]],
            {"fields": ["account_id", "amount_currency"], "order": "id"},
        )
        new_ids = [r["id"] for r in rows if r["id"] not in (state.suspense.id, state.liquidity.id)]
        ids = [state.suspense.id, *new_ids]
        by_id = {r["id"]: r for r in rows}
        if len(ids) != len(planned.counterparts):
            raise ConnectorError(
                f"entry {state.move_id} has {len(ids)} counterpart lines after the rewrite, "
                f"{len(planned.counterparts)} expected"
            )
        for line_id, cp in zip(ids, planned.counterparts, strict=True):
            row = by_id[line_id]
            amount = to_decimal(row["amount_currency"], state.currency)
            if row["account_id"][0] != cp.account_id or amount != cp.amount:
                raise ConnectorError(f"journal item {line_id} does not match the plan")
        for index, invoice_line in pairs:
            self.t.execute_kw("account.move.line", "reconcile", [[ids[index], invoice_line]])
        if planned.booking is Booking.TRANSFER:
            self._pair_transfer(planned, ids[0], state)

    def _pair_transfer(self, planned: LinePlan, line_id: int, state: LineState) -> None:
        """Reconcile our transfer-account item with the other side's, if already booked."""
        other = self.t.execute_kw(
            "account.move.line",
            "search_read",
            [
                [
                    ("account_id", "=", planned.counterparts[0].account_id),
                    ("reconciled", "=", False),
                    ("name", "=", f"{TRANSFER_MARK} {planned.transaction_id}"),
                    ("amount_currency", "=", -float(planned.counterparts[0].amount)),
                    ("move_id", "!=", state.move_id),
                ]
            ],
            {"fields": ["id"], "limit": 1},
        )
        if other:
            self.t.execute_kw("account.move.line", "reconcile", [[line_id, other[0]["id"]]])


def _consume(
    invoices: dict[str, list[InvoiceLine]], planned: LinePlan
) -> dict[str, list[InvoiceLine]]:
    """Invoice lines with what ``planned`` pays taken off their residual."""
    paid: dict[int, Decimal] = {}
    for cp in planned.counterparts:
        if cp.reconcile_with:
            paid[cp.reconcile_with] = paid.get(cp.reconcile_with, Decimal(0)) + cp.amount
    if not paid:
        return invoices
    result: dict[str, list[InvoiceLine]] = {}
    for item, lines in invoices.items():
        kept = []
        for ln in lines:
            if ln.id in paid:
                residual = ln.residual + paid[ln.id]  # counterpart sign is opposite
                if residual == 0:
                    continue
                ln = InvoiceLine(
                    ln.id,
                    ln.item_id,
                    ln.number,
                    ln.account_id,
                    ln.partner_id,
                    residual,
                    ln.currency,
                    ln.due,
                )
            kept.append(ln)
        result[item] = kept
    return result

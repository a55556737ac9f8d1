"""The two ways a planned batch of lines is written to Odoo: plain RPC, or the add-on.

Both take the same plans (:mod:`connectors.odoo.plan`) and return one :class:`LineOutcome`
per line, so the writer chooses one at construction and never asks again:

* :class:`RpcExecutor` -- per line, ONE ``account.move.write`` rewriting the suspense line
  (atomic on the server: the entry balances within that write or nothing changes), then one
  ``account.move.line.reconcile`` per invoice journal item; a failed reconcile undoes the
  line (``action_undo_reconciliation``) so it is back to bank + suspense -- but only when
  what is on the line is still this run's rewrite: an undo removes every reconciliation of
  the line, so undoing a line someone else booked meanwhile would destroy their work.
* :class:`AddonExecutor` -- the whole batch in ONE ``bankrec_apply`` call; the add-on books
  each line in its own savepoint and skips lines whose suspense item changed since planning.

The RPC executor re-implements on the client what the add-on does on the server; the
add-on's server method is meant to become the one implementation (the RPC path then only
for an Odoo without the add-on), which is why the seam is here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from bankrec.model import Booking
from connectors.odoo.addon_protocol import ADDON_APPLY, ADDON_MODEL, ADDON_UNDO, addon_instruction
from connectors.odoo.errors import ConnectorError
from connectors.odoo.plan_data import TRANSFER_MARK, LinePlan, LineState, Refusal
from connectors.odoo.reader import Currencies, to_decimal
from connectors.odoo.transport import OdooTransport

Planned = tuple[LineState | None, LinePlan | Refusal]  # (None, refusal): not in the journal


@dataclass(frozen=True, slots=True)
class LineOutcome:
    """What happened to one decision's line: reconciled, booked, skipped, refused or error."""

    transaction_id: str
    action: str
    message: str = ""
    line_id: int | None = None
    plan: LinePlan | None = None
    foreign_currency: bool = False
    already_booked: bool = False  # refused because Odoo has the line booked already


class Executor(Protocol):
    """Writes planned lines and undoes statement lines."""

    def execute_batch(self, planned_batch: Sequence[Planned]) -> list[LineOutcome]: ...

    def undo(self, line_ids: Sequence[int]) -> None: ...


def settled_without_writing(state: LineState | None, planned: LinePlan | Refusal) -> LineOutcome:
    """The outcome of a line nothing is written for: refused, or already done (skipped)."""
    if isinstance(planned, Refusal):
        return LineOutcome(
            planned.transaction_id,
            "refused",
            planned.reason,
            state.line_id if state else None,
            foreign_currency=planned.foreign_currency,
            already_booked=planned.already_booked,
        )
    assert state is not None and planned.skip
    return LineOutcome(planned.transaction_id, "skipped", planned.skip, state.line_id, planned)


class RpcExecutor:
    """Plain RPC, line by line. ``hook(stage, plan)`` runs after each step (``rewritten``,
    ``done``); tests use it to simulate a crash between the rewrite and the reconciles.
    ``currency_ids`` (ISO code -> ``res.currency`` id) is read once when not given: every
    rewritten item is written with its currency."""

    def __init__(
        self,
        transport: OdooTransport,
        hook: Callable[[str, LinePlan], None] | None = None,
        *,
        currency_ids: Mapping[str, int] | None = None,
    ) -> None:
        self.t = transport
        self.hook = hook
        self._currency_ids = currency_ids

    @property
    def currency_ids(self) -> Mapping[str, int]:
        if self._currency_ids is None:
            self._currency_ids = Currencies(self.t).ids
        return self._currency_ids

    def execute_batch(self, planned_batch: Sequence[Planned]) -> list[LineOutcome]:
        """Each line on its own; a failing line is reported and the next one goes on."""
        return [self._execute_planned(state, planned) for state, planned in planned_batch]

    def undo(self, line_ids: Sequence[int]) -> None:
        """Odoo's own undo: invoices back to their state before, line to bank + suspense."""
        self.t.execute_kw(
            "account.bank.statement.line", "action_undo_reconciliation", [list(line_ids)]
        )

    def _execute_planned(self, state: LineState | None, planned: LinePlan | Refusal) -> LineOutcome:
        """:meth:`execute`, or the refusal of a decision whose line is not in the journal."""
        if state is None or isinstance(planned, Refusal) or planned.skip:
            return settled_without_writing(state, planned)
        return self.execute(planned, state)

    def execute(self, planned: LinePlan | Refusal, state: LineState) -> LineOutcome:
        """Write one planned line: one entry rewrite, then its reconciles; undo on failure."""
        if isinstance(planned, Refusal) or planned.skip:
            return settled_without_writing(state, planned)
        if any(cp.taxes for cp in planned.counterparts):  # Odoo's tax lines need the add-on
            return LineOutcome(
                planned.transaction_id,
                "refused",
                "booking with a tax needs the bankrec add-on (account_bank_reconcile_api)",
                state.line_id,
                planned,
            )
        try:
            values = planned.move_write_values(state, self.currency_ids)
            self.t.execute_kw("account.move", "write", [[state.move_id], values])
        except (ConnectorError, ValueError) as exc:
            return LineOutcome(planned.transaction_id, "error", str(exc), state.line_id, planned)
        if self.hook:
            self.hook("rewritten", planned)
        done: list[int] = []  # counterpart items this run reconciled so far
        try:
            self._reconcile(planned, state, done)
        except ConnectorError as exc:
            return LineOutcome(
                planned.transaction_id,
                "error",
                self._undo_own_rewrite(planned, state, done, exc),
                state.line_id,
                planned,
            )
        if self.hook:
            self.hook("done", planned)
        return LineOutcome(planned.transaction_id, planned.done_action, "", state.line_id, planned)

    def _undo_own_rewrite(
        self, planned: LinePlan, state: LineState, done: Sequence[int], exc: ConnectorError
    ) -> str:
        """After a failed reconcile: undo the line if it still holds exactly this run's
        rewrite (and no reconciliation but ours); otherwise leave it. Returns the message."""
        try:
            ours = self._holds_own_rewrite(planned, state, done)
        except ConnectorError as read_exc:
            return (
                f"reconcile failed ({exc}); the line could not be re-read ({read_exc}) and "
                "was left as is: check it in Odoo"
            )
        if not ours:
            return (
                f"reconcile failed ({exc}); the line was changed by someone else meanwhile "
                "and was left as is (not undone: that booking is not this run's)"
            )
        try:
            self.undo([state.line_id])
        except ConnectorError as undo_exc:
            return f"reconcile failed ({exc}) and undo failed too ({undo_exc})"
        return f"reconcile failed ({exc}); the line was undone"

    def _holds_own_rewrite(self, planned: LinePlan, state: LineState, done: Sequence[int]) -> bool:
        """Whether the line still holds this run's rewrite: the former suspense item carries
        the account and label this run wrote into it, and no item of the entry is
        reconciled with anything unless this run reconciled it.

        Amounts and extra items are not compared: Odoo may add a line of its own to the
        rewrite (a tax, say), which the undo must clear as well. What must never be undone
        is a reconciliation another run or a person made.
        """
        assert state.liquidity is not None and state.suspense is not None
        rows = self.t.execute_kw(
            "account.move.line",
            "search_read",
            [[("move_id", "=", state.move_id)]],
            {"fields": ["account_id", "name", "matched_debit_ids", "matched_credit_ids"]},
        )
        first = planned.counterparts[0]
        rewritten = next((r for r in rows if r["id"] == state.suspense.id), None)
        if (
            rewritten is None
            or rewritten["account_id"][0] != first.account_id
            or (rewritten["name"] or "") != first.name
        ):
            return False
        return all(
            r["id"] in done or not (r["matched_debit_ids"] or r["matched_credit_ids"])
            for r in rows
            if r["id"] != state.liquidity.id
        )

    def _reconcile(self, planned: LinePlan, state: LineState, done: list[int]) -> None:
        """Reconcile the rewritten counterparts; ``done`` collects those reconciled."""
        pairs = planned.reconciles
        if not pairs and planned.booking is not Booking.TRANSFER:
            return
        assert state.suspense is not None and state.liquidity is not None
        if len(planned.counterparts) == 1:  # the suspense line was rewritten in place
            for _index, invoice_line in pairs:
                self.t.execute_kw(
                    "account.move.line", "reconcile", [[state.suspense.id, invoice_line]]
                )
                done.append(state.suspense.id)
            if planned.booking is Booking.TRANSFER:
                self._pair_transfer(planned, state.suspense.id, state)
            return
        rows = self.t.execute_kw(
            "account.move.line",
            "search_read",
            [[("move_id", "=", state.move_id)]],
            {"fields": ["account_id", "currency_id", "amount_currency", "balance"], "order": "id"},
        )
        new_ids = [r["id"] for r in rows if r["id"] not in (state.suspense.id, state.liquidity.id)]
        ids = [state.suspense.id, *new_ids]
        by_id = {r["id"]: r for r in rows}
        if len(ids) != len(planned.counterparts):
            raise ConnectorError(
                f"entry {state.move_id} has {len(ids)} counterpart lines after the rewrite, "
                f"{len(planned.counterparts)} expected"
            )
        base = state.base_currency
        for line_id, cp in zip(ids, planned.counterparts, strict=True):
            row = by_id[line_id]
            currency = cp.currency_on(state)
            amount = to_decimal(row["amount_currency"], currency)
            balance = to_decimal(row["balance"], base)
            if (
                row["account_id"][0] != cp.account_id
                or row["currency_id"][0] != self.currency_ids.get(currency)
                or amount != cp.amount
                or balance != cp.company_balance
            ):
                raise ConnectorError(f"journal item {line_id} does not match the plan")
        for index, invoice_line in pairs:
            self.t.execute_kw("account.move.line", "reconcile", [[ids[index], invoice_line]])
            done.append(ids[index])
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


class AddonExecutor:
    """The bankrec add-on's ``bankrec_apply``: one call per batch, each line atomic there."""

    def __init__(self, transport: OdooTransport) -> None:
        self.t = transport

    def undo(self, line_ids: Sequence[int]) -> None:
        """The add-on's value-returning undo (plain XML-RPC cannot marshal Odoo's None)."""
        self.t.execute_kw(ADDON_MODEL, ADDON_UNDO, [list(line_ids)])

    def execute_batch(self, planned_batch: Sequence[Planned]) -> list[LineOutcome]:
        """Write a planned batch in ONE call to the add-on's ``bankrec_apply``.

        The server applies each line in its own savepoint (rewrite, reconciles, transfer
        pairing), so a failing line is rolled back alone and reported; it re-checks each
        line's suspense item first and skips lines booked since they were planned.
        """
        outcomes: dict[int, LineOutcome] = {}
        sent: list[tuple[int, LinePlan, LineState]] = []
        for index, (state, planned) in enumerate(planned_batch):
            if state is None or isinstance(planned, Refusal) or planned.skip:
                outcomes[index] = settled_without_writing(state, planned)
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

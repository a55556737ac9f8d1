"""Write-back to one bank journal: plan each decision on what Odoo holds now, then write.

Per batch of :data:`BATCH` lines: re-read the lines' entries and the invoices' open journal
items (:mod:`connectors.odoo.planning_reads`), plan each line (:mod:`connectors.odoo.plan`,
pure), then hand the batch to the executor chosen at construction -- plain RPC or the bankrec
add-on (:mod:`connectors.odoo.executors`).

A run killed between a line's rewrite and its reconciles leaves counterpart lines labelled
``bankrec: ...`` unreconciled on a receivable/payable account; :meth:`OdooWriter.recover`
finds those at the start of the next run and undoes them, so the re-run books them as a
clean run would. Lines that are no longer untouched when re-read are skipped: the same
money is never reconciled twice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from bankrec.model import Decision
from connectors.odoo.executors import AddonExecutor, Executor, LineOutcome, Planned, RpcExecutor
from connectors.odoo.plan import MARK, InvoiceLine, LinePlan, Refusal, WriteConfig, plan_line
from connectors.odoo.planning_reads import RECONCILABLE_TYPES, PlanningReader
from connectors.odoo.reader import BankJournal, Currencies, StatementLineRef
from connectors.odoo.transport import OdooTransport

BATCH = 200  # lines whose state is re-read in one go before writing them


class OdooWriter:
    """Plans and writes reconciliations on one bank journal.

    ``addon``: write through the bankrec add-on's batched ``bankrec_apply`` instead of plain
    RPC (see :func:`connectors.odoo.sync.sync`, which asks Odoo whether it is installed).
    ``hook(stage, plan)`` is passed to the RPC executor (crash simulation in tests).
    """

    def __init__(
        self,
        transport: OdooTransport,
        journal: BankJournal,
        currencies: Currencies,
        config: WriteConfig | None = None,
        *,
        addon: bool = False,
        hook: Callable[[str, LinePlan], None] | None = None,
    ) -> None:
        self.t = transport
        self.journal = journal
        self.currencies = currencies
        self.config = config or WriteConfig()
        self.reads = PlanningReader(transport, journal, currencies)
        self.addon = addon
        self.executor: Executor = (
            AddonExecutor(transport) if addon else RpcExecutor(transport, hook)
        )

    # ------------------------------------------------------------------ recovery / undo
    def recover(self) -> list[int]:
        """Undo lines a killed run left half-written (rewritten, not reconciled).

        Only safe while holding the journal's lock (:mod:`connectors.odoo.lock`): a line
        another run is writing right now looks exactly like a half-written one, between its
        rewrite and its reconcile. :func:`connectors.odoo.sync.sync` calls this under the
        lock and only counts them (:meth:`half_written`) when run without one.
        """
        line_ids = self.half_written()
        if line_ids:
            self.undo(line_ids)
        return line_ids

    def half_written(self) -> list[int]:
        """Statement lines whose bankrec counterpart is left unreconciled on a
        receivable/payable account: rewritten by a run that never reconciled them."""
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
        return sorted({r["statement_line_id"][0] for r in rows if r["statement_line_id"]})

    def undo(self, line_ids: Sequence[int]) -> None:
        """Undo the reconciliation of statement lines: invoices back to their state before,
        the line back to bank + suspense (Odoo's own ``action_undo_reconciliation``; through
        the add-on's value-returning ``bankrec_undo`` when it is used)."""
        self.executor.undo(line_ids)

    # ------------------------------------------------------------------ write-back
    def plan_decisions(
        self,
        decisions: Sequence[Decision],
        refs: Mapping[str, StatementLineRef],
        *,
        item_signs: Mapping[str, int] | None = None,
    ) -> list[Planned]:
        """Re-read the lines and invoices of ``decisions`` (batched) and plan each; reads only.

        Invoice residuals are consumed as the batch is planned, so two lines never plan to
        pay the same open money.
        """
        planned: list[Planned] = []
        known = [d for d in decisions if d.transaction_id in refs]
        states = self.reads.read_states([refs[d.transaction_id].line_id for d in known])
        invoices = self.reads.read_invoice_lines(a.item_id for d in known for a in d.allocations)
        accounts = self.reads.accounts()
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
        before_batch: Callable[[], None] | None = None,
    ) -> list[LineOutcome]:
        """Plan and write every decision, in batches; one outcome each, failures included.

        ``before_batch`` runs before each batch is planned (the sync refreshes its journal
        lock there, and stops when it was lost).
        """
        outcomes: list[LineOutcome] = []
        for start in range(0, len(decisions), BATCH):
            batch = decisions[start : start + BATCH]
            if before_batch:
                before_batch()
            planned_batch = self.plan_decisions(batch, refs, item_signs=item_signs)
            outcomes.extend(self.executor.execute_batch(planned_batch))
            if progress:
                progress(len(batch))
        return outcomes


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
                company = ln.company_residual
                ln = dataclasses.replace(
                    ln,
                    residual=residual,
                    # what is left is worth its share of the company-currency residual
                    company_residual=None if company is None else company * residual / ln.residual,
                )
            kept.append(ln)
        result[item] = kept
    return result

# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One ``bankrec_apply`` batch: read once, written together.

Booking lines one at a time costs Odoo a query per line for every record it touches (the
statement line, its entry and items, the invoice's item, the currency), because each is
browsed alone. A batch browses all of them in one recordset, so Odoo's prefetching reads
each kind once; the in-place rewrites of the common case are written per group of equal
values, so what Odoo recomputes after a write (partner-dependent fields, analytic
distribution, residuals) is computed for the whole group at once, and the reconciliations
are made by one ``_reconcile_plan``. Values, tracking and end state are those of booking
line by line.
"""

from collections import defaultdict

from .instructions import targets_of

# Written below the statement line's two-way synchronisation (which would re-derive the
# whole entry from the line, twice per line) and without the balance check: the rewrite
# changes accounts, partners and labels only, never an amount, so the entry stays balanced.
# Nor does the entry's dynamic-line synchronisation run (``skip_invoice_sync``): it derives
# tax, payment-term, rounding and balancing lines, and a posted bank entry without taxes --
# the only kind rewritten in place -- has none to derive; entering it cost a fifth of the
# booking (it snapshots the entry's lines before and after every write).
QUIET = {
    "skip_account_move_synchronization": True,
    "check_move_validity": False,
    "skip_invoice_sync": True,
}
# The journal items are rewritten where Odoo's own reconciliation replaces them with new
# ones; its "Journal Item updated" log on the bank entry would record an artefact of the
# rewrite, not a change a person made, so it is not written (the entry's partner change
# and the invoices' "Paid" are tracked as Odoo tracks them).
QUIET_ITEMS = dict(QUIET, tracking_disable=True)


class Batch:
    """The records a batch of instructions needs, each kind read in one go, and the writes
    and reconciliations it collects to make together at the end (:meth:`finish`)."""

    def __init__(self, env, instructions):
        self.env = env
        self.plan = []  # pairs of items for one _reconcile_plan
        self._rewrites = []  # (statement line, liquidity item, suspense item, partner, vals)
        self._currencies = {}
        line_ids, item_ids = set(), set()
        for instruction in instructions:
            if isinstance(instruction, dict) and instruction.get("line_id"):
                line_ids.add(int(instruction["line_id"]))
            item_ids.update(int(target) for target in targets_of(instruction))
        lines = env["account.bank.statement.line"].browse(sorted(line_ids)).exists()
        if len(lines.company_id) == 1:
            # the company's environment, as a web request has it: without it, each of Odoo's
            # ``with_company`` calls (fiscal position, per entry) makes an environment of its
            # own, and every later environment switch walks all of them -- quadratic in the
            # batch's size
            env = self.env = lines.with_company(lines.company_id).env
            lines = lines.with_env(env)
        items = env["account.move.line"].browse(sorted(item_ids)).exists()
        self._lines = {line.id: line for line in lines}  # records keep the batch's prefetch
        self._items = {item.id: item for item in items}

    def line(self, line_id):
        """The statement line (an empty recordset when it does not exist)."""
        return self._lines.get(int(line_id), self.env["account.bank.statement.line"])

    def item(self, item_id):
        """The journal item (an empty recordset when it does not exist)."""
        return self._items.get(int(item_id), self.env["account.move.line"])

    def currency(self, value, default, lookup):
        """``lookup(value, default)`` once per distinct pair in the batch (the default, the
        line's journal currency, differs between the journals a batch may hold)."""
        key = (type(value).__name__, value, default.id)
        if key not in self._currencies:
            self._currencies[key] = lookup(value, default)
        return self._currencies[key]

    def rewrite(self, line, liquidity, suspense, partner, vals):
        """Note the rewrite of ``line``'s suspense item into ``vals`` (and the line, its
        entry and bank item onto ``partner`` when given), to write with its group."""
        self._rewrites.append((line, liquidity, suspense, partner, vals))

    def finish(self):
        """Write the noted rewrites, then reconcile every pair.

        Each field is written for all records that get the same value at once, so what
        Odoo checks and recomputes after a write (the account's constraints, the residual,
        partner-dependent fields) runs once per group, not per line: the suspense items'
        account first, then the partners of lines, entries and items, then the labels.
        A value a record already has is not written again (a line imported with its
        partner costs no partner write); the values are exactly those of a write per line.
        """
        lines_of = defaultdict(list)  # partner -> statement lines
        moves_of = defaultdict(list)  # partner -> bank entries
        items_of = defaultdict(list)  # partner -> bank and suspense items
        by_account = defaultdict(list)
        by_name = defaultdict(list)
        for line, liquidity, suspense, partner, vals in self._rewrites:
            if partner:
                if line.partner_id.id != partner:
                    lines_of[partner].append(line.id)
                if line.move_id.partner_id.id != partner:
                    moves_of[partner].append(line.move_id.id)
                if liquidity.partner_id.id != partner:
                    items_of[partner].append(liquidity.id)
            if suspense.partner_id.id != (vals["partner_id"] or False):
                items_of[vals["partner_id"]].append(suspense.id)
            if suspense.account_id.id != vals["account_id"]:
                by_account[vals["account_id"]].append(suspense.id)
            if suspense.name != vals["name"]:
                by_name[vals["name"]].append(suspense.id)
        # every group is written as a part of the whole batch (one prefetch set), so what
        # Odoo reads per record while writing -- taxes for the tax lock date, the entry for
        # its lock date -- is read once for the batch, not once per group
        lines = self.env["account.bank.statement.line"].with_context(**QUIET)
        lines = lines.browse(sorted({i for ids in lines_of.values() for i in ids}))
        moves = self.env["account.move"].with_context(**QUIET)
        moves = moves.browse(sorted({i for ids in moves_of.values() for i in ids}))
        items = self.env["account.move.line"].with_context(**QUIET_ITEMS)
        items = items.browse(
            sorted({r[2].id for r in self._rewrites} | {r[1].id for r in self._rewrites})
        )

        def part(records, ids):
            return records.browse(ids).with_prefetch(records._prefetch_ids)

        for account_id, ids in by_account.items():
            part(items, ids).write({"account_id": account_id})
        for partner, ids in lines_of.items():
            part(lines, ids).write({"partner_id": partner})
        for partner, ids in moves_of.items():
            part(moves, ids).write({"partner_id": partner})
        for partner, ids in items_of.items():
            part(items, ids).write({"partner_id": partner})
        for name, ids in by_name.items():
            part(items, ids).write({"name": name})
        self._keep_analytic_distribution(items)
        self._rewrites = []
        if self.plan:
            # Reconciling changes residuals and payment states, nothing the dynamic-line
            # synchronisation derives from, so its snapshot of every entry and invoice of
            # the plan before and after (a sixth of the booking) is skipped, as Odoo skips
            # it for the entries its payments and reversals write.
            Item = self.env["account.move.line"].with_context(skip_invoice_sync=True)
            Item._reconcile_plan(self.plan)

    def _keep_analytic_distribution(self, items):
        """Spare the items' analytic distribution its recomputation when no distribution
        model could apply in their companies.

        A new partner or account makes Odoo recompute an item's distribution: a search of
        the distribution models for each item (two per line), whose answer, when no model
        exists, is "keep the distribution the item has". Without any model of the company
        (or shared), that recomputation can only keep the value, so it is not queued; with
        one, Odoo computes as always."""
        Model = (
            self.env["account.analytic.distribution.model"].sudo().with_context(active_test=False)
        )
        companies = items.company_id.ids
        if items and not Model.search_count([("company_id", "in", [*companies, False])], limit=1):
            self.env.remove_to_compute(items._fields["analytic_distribution"], items)

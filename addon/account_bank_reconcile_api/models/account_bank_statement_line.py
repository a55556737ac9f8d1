# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Public write-back methods for bank statement lines.

Odoo 17 Community reconciles a bank line by rewriting its suspense journal item into
counterparts and reconciling those with the invoices' open items. Over plain RPC that is
two or more calls per line and a crash between them leaves a half-booked line; here each
line is one savepoint on the server, and a whole batch is one call.
"""

from decimal import Decimal, InvalidOperation

from odoo import _, api, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

# Versions of the instruction format this module understands (the connector's
# connectors/odoo/addon_protocol.py PROTOCOL_VERSION); an instruction without a version is
# taken as version 1, the format before versions were written down.
PROTOCOL_VERSIONS = (1,)


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"

    @api.model
    def bankrec_apply(self, instructions):
        """Book each instruction's line in its own savepoint; one result dict per line.

        ``status`` is ``done``, ``skipped`` (the line is no longer the one the caller
        planned on: booked meanwhile, or changed; nothing written) or ``error`` (rolled
        back, with the reason). See readme/USAGE.md for the instruction format.
        """
        if not isinstance(instructions, list):
            raise UserError(_("bankrec_apply takes a list of instructions"))
        self.check_access_rights("write")
        results = []
        for instruction in instructions:
            key = instruction.get("key") if isinstance(instruction, dict) else None
            try:
                with self.env.cr.savepoint():
                    result = self._bankrec_apply_one(instruction)
            except (UserError, ValidationError, ValueError, KeyError, TypeError) as exc:
                self.env.invalidate_all()
                line_id = instruction.get("line_id") if isinstance(instruction, dict) else None
                result = {"status": "error", "message": str(exc), "line_id": line_id}
            result["key"] = key
            results.append(result)
        return results

    @api.model
    def bankrec_undo(self, line_ids):
        """Odoo's ``action_undo_reconciliation`` for these lines; returns the payment
        states of the invoices they were reconciled with (a value, unlike the original,
        so plain XML-RPC can marshal the answer)."""
        lines = self.browse(line_ids).exists()
        lines.check_access_rule("write")
        invoices = lines._bankrec_reconciled_invoices()
        lines.action_undo_reconciliation()
        return {
            "lines": lines.ids,
            "payment_states": {str(m.id): m.payment_state for m in invoices},
        }

    @api.model
    def bankrec_lock(self, journal_id, owner, ttl_seconds=None):
        """Take (or refresh) the lock of a bank journal for one sync run.

        Returns ``{"locked": bool, "holder", "since", "expires", "taken_over"}``: ``locked``
        is False when another owner holds an unexpired lock (``holder``/``since`` say who and
        from when); asking again with the same ``owner`` refreshes the expiry to now +
        ``ttl_seconds`` (default 2 h); an expired lock is taken over and ``taken_over``
        names its previous holder. The caller must be allowed to write the journal's
        statement lines. Atomic in PostgreSQL (see models/bankrec_journal_lock.py).
        """
        return self.env["bankrec.journal.lock"]._bankrec_acquire(journal_id, owner, ttl_seconds)

    @api.model
    def bankrec_unlock(self, journal_id, owner):
        """Release the journal's lock if ``owner`` holds it: ``{"released": bool}`` (never
        anyone else's lock, so a late release of a run whose lock was taken over is
        harmless)."""
        return self.env["bankrec.journal.lock"]._bankrec_release(journal_id, owner)

    # ------------------------------------------------------------------ helpers
    def _bankrec_reconciled_invoices(self):
        """The entries the lines' counterpart items are reconciled with."""
        items = self.line_ids
        partials = items.matched_debit_ids | items.matched_credit_ids
        others = (partials.debit_move_id | partials.credit_move_id) - items
        return others.move_id

    def _bankrec_apply_one(self, instruction):
        version = instruction.get("version", 1)
        if version not in PROTOCOL_VERSIONS:
            raise UserError(
                _(
                    "Instruction format version %(version)s is not supported by this add-on "
                    "(it knows %(known)s): update the add-on or the connector.",
                    version=version,
                    known=", ".join(str(v) for v in PROTOCOL_VERSIONS),
                )
            )
        line = self.browse(int(instruction["line_id"])).exists()
        if not line:
            raise UserError(_("Statement line %s does not exist.", instruction["line_id"]))
        line.check_access_rule("write")
        journal = line.journal_id
        currency = journal.currency_id or journal.company_id.currency_id
        if line.foreign_currency_id or currency != line.company_id.currency_id:
            raise UserError(
                _("Line %s: foreign-currency lines are not supported by bankrec yet.", line.id)
            )
        liquidity, suspense, others = line._seek_for_lines()
        expected = _decimal(instruction["suspense_amount"])
        if (
            len(liquidity) != 1
            or len(suspense) != 1
            or others
            or suspense.id != int(instruction["suspense_id"])
            or currency.compare_amounts(suspense.amount_currency, float(expected))
        ):
            return {
                "status": "skipped",
                "line_id": line.id,
                "message": _("the line changed since it was planned (booked meanwhile?)"),
            }
        counterparts = instruction.get("counterparts") or []
        if not counterparts:
            raise UserError(_("Line %s: no counterparts given.", line.id))
        amounts = [_decimal(cp["amount"]) for cp in counterparts]
        if sum(amounts) != expected:
            raise UserError(
                _(
                    "Line %(line)s: the counterparts sum to %(sum)s, the suspense item is "
                    "%(expected)s.",
                    line=line.id,
                    sum=sum(amounts),
                    expected=expected,
                )
            )
        commands = []
        if instruction.get("partner_id"):
            commands.append((1, liquidity.id, {"partner_id": int(instruction["partner_id"])}))
        for index, (cp, amount) in enumerate(zip(counterparts, amounts, strict=True)):
            vals = {
                "account_id": int(cp["account_id"]),
                "partner_id": int(cp["partner_id"]) if cp.get("partner_id") else False,
                "name": cp.get("name") or "/",
                "amount_currency": float(amount),
                "balance": float(amount),
            }
            commands.append((1, suspense.id, vals) if index == 0 else (0, 0, vals))
        line.move_id.write({"line_ids": commands})
        new_items = (line.move_id.line_ids - liquidity - suspense).sorted("id")
        ordered = [suspense, *new_items]  # the counterparts' order: suspense rewritten first
        if len(ordered) != len(counterparts):
            raise UserError(
                _("Line %s: the entry has an unexpected shape after the rewrite.", line.id)
            )
        invoices = self.env["account.move"]
        for item, cp, amount in zip(ordered, counterparts, amounts, strict=True):
            if item.account_id.id != int(cp["account_id"]) or float_compare(
                item.amount_currency, float(amount), precision_rounding=currency.rounding
            ):
                raise UserError(_("Line %s: journal item %s does not match.", line.id, item.id))
            if cp.get("reconcile_with"):
                target = self.env["account.move.line"].browse(int(cp["reconcile_with"])).exists()
                if not target or target.reconciled:
                    raise UserError(
                        _("Journal item %s is not open any more.", cp["reconcile_with"])
                    )
                (item | target).reconcile()
                invoices |= target.move_id
        if instruction.get("transfer"):
            self._bankrec_pair_transfer(line, ordered[0], instruction["transfer"])
        return {
            "status": "done",
            "line_id": line.id,
            "message": "",
            "payment_states": {str(m.id): m.payment_state for m in invoices},
        }

    def _bankrec_pair_transfer(self, line, item, other_name):
        """Reconcile our transfer-account item with the other side's (the item labelled
        ``other_name`` with the opposite amount), if that side is booked already."""
        other = self.env["account.move.line"].search(
            [
                ("account_id", "=", item.account_id.id),
                ("reconciled", "=", False),
                ("name", "=", other_name),
                ("amount_currency", "=", -item.amount_currency),
                ("move_id", "!=", line.move_id.id),
            ],
            limit=1,
        )
        if other:
            (item | other).reconcile()


def _decimal(value):
    """Amounts travel as decimal strings so no float rounding happens in transit."""
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc

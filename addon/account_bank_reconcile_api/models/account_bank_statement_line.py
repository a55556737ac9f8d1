# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Public write-back methods for bank statement lines.

Odoo 17 Community reconciles a bank line by rewriting its suspense journal item into
counterparts and reconciling those with the invoices' open items. Over plain RPC that is
two or more calls per line and a crash between them leaves a half-booked line; here each
line is one savepoint on the server, and a whole batch is one call.

Foreign currencies (instruction version 2): each counterpart is written in the currency of
what it settles, with its ``amount_currency`` and the company-currency ``balance`` the
line's money is worth. Reconciling it with the invoice's open item then lets Odoo's own
``reconcile`` book the exchange difference (in the company's exchange journal), exactly as
for its payments; nothing here computes an exchange entry.
"""

from decimal import Decimal

from odoo import _, api, models
from odoo.exceptions import UserError

from ..batch import QUIET, Batch
from ..instructions import BOOKING_ERRORS, decimal_amount, is_simple, shared_targets, targets_of
from ..taxes import counterpart_taxes, tax_base

# Versions of the instruction format this module understands (the connector's
# connectors/odoo/addon_protocol.py PROTOCOL_VERSION); an instruction without a version is
# taken as version 1, the format before versions were written down. Version 1 has every
# amount in the company's currency; version 2 gives each counterpart its currency and its
# company-currency balance. Version 3 adds taxes on a counterpart (see taxes.py).
PROTOCOL_VERSIONS = (1, 2, 3)


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
        results = self._bankrec_apply_batch(instructions) if len(instructions) > 1 else None
        if results is None:  # one line, or the batch failed: each line in its own savepoint
            results = [self._bankrec_apply_alone(instruction) for instruction in instructions]
        for instruction, result in zip(instructions, results, strict=True):
            key = instruction.get("key") if isinstance(instruction, dict) else False
            result["key"] = False if key is None else key  # XML-RPC cannot marshal None
        return results

    def _bankrec_apply_alone(self, instruction):
        """One line in its own savepoint: a failure rolls back that line only."""
        try:
            with self.env.cr.savepoint():
                return self._bankrec_apply_one(instruction)
        except BOOKING_ERRORS as exc:
            self.env.invalidate_all()
            line_id = instruction.get("line_id") if isinstance(instruction, dict) else False
            return {"status": "error", "message": str(exc), "line_id": line_id or False}

    def _bankrec_apply_batch(self, instructions):
        """The whole batch in one savepoint, every reconciliation in ONE ``_reconcile_plan``
        (Odoo's own batched reconcile) instead of one ``reconcile()`` per line: the same
        entries, partials and payment states as line by line, for a fraction of the queries.

        Any failure rolls the batch back and returns None: the caller then books it line by
        line, each in its own savepoint, so one bad line never costs the good ones.
        """
        shared = shared_targets(instructions)  # items several lines pay: reconciled in order
        try:
            with self.env.cr.savepoint():
                batch = Batch(self.env, instructions)
                results = [
                    self._bankrec_apply_one(ins, batch, in_place=not targets_of(ins) & shared)
                    for ins in instructions
                ]
                batch.finish()
                for result in results:
                    if "_invoices" in result:  # booked in place: states known once reconciled
                        moves = self.env["account.move"].browse(result.pop("_invoices"))
                        result["payment_states"] = {str(m.id): m.payment_state for m in moves}
                return results
        except BOOKING_ERRORS:
            self.env.invalidate_all()
            return None

    @api.model
    def bankrec_undo(self, line_ids):
        """Odoo's ``action_undo_reconciliation`` for these lines; returns the payment
        states of the invoices they were reconciled with (a value, unlike the original,
        so plain XML-RPC can marshal the answer)."""
        # every right the undo needs, checked before it changes anything
        self.check_access_rights("write")
        self.env["account.move"].check_access_rights("write")
        self.env["account.partial.reconcile"].check_access_rights("unlink")
        lines = self.browse(line_ids).exists()
        lines.check_access_rule("write")
        lines.move_id.check_access_rule("write")
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
        """The entries the lines' counterpart items are reconciled with, but for Odoo's
        own exchange-difference entries (which its undo reverses)."""
        items = self.line_ids
        partials = items.matched_debit_ids | items.matched_credit_ids
        others = (partials.debit_move_id | partials.credit_move_id) - items
        exchange = partials.exchange_move_id | partials.full_reconcile_id.exchange_move_id
        return others.move_id - exchange

    def _bankrec_apply_one(self, instruction, batch=None, in_place=False):
        """Book one instruction's line. In a :class:`Batch` its records come from the
        batch's reads, and with ``in_place`` the common case is noted on the batch, written
        and reconciled with the batch's others (``Batch.finish``)."""
        if not isinstance(instruction, dict):
            raise UserError(_("An instruction must be a mapping of values."))
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
        line_id = int(instruction["line_id"])
        line = batch.line(line_id) if batch else self.browse(line_id).exists()
        if not line:
            raise UserError(_("Statement line %s does not exist.", instruction["line_id"]))
        line.check_access_rule("write")
        journal = line.journal_id
        company_currency = line.company_id.currency_id
        currency = journal.currency_id or company_currency
        if line.foreign_currency_id:
            raise UserError(
                _(
                    "Line %s: its transaction is in another currency than its journal; "
                    "bankrec does not book such lines.",
                    line.id,
                )
            )
        if version == 1 and currency != company_currency:
            raise UserError(
                _(
                    "Line %(line)s: its journal is in %(currency)s; instruction format "
                    "version 1 books the company's currency only (update the connector).",
                    line=line.id,
                    currency=currency.name,
                )
            )
        liquidity, suspense, others = line._seek_for_lines()
        expected = decimal_amount(instruction["suspense_amount"])
        expected_balance = instruction.get("suspense_balance")
        if (
            len(liquidity) != 1
            or len(suspense) != 1
            or others
            or suspense.id != int(instruction["suspense_id"])
            or suspense.currency_id != currency
            or currency.compare_amounts(suspense.amount_currency, float(expected))
            or (
                expected_balance not in (None, False)
                and company_currency.compare_amounts(
                    suspense.balance, float(decimal_amount(expected_balance))
                )
            )
        ):
            return {
                "status": "skipped",
                "line_id": line.id,
                "message": _("the line changed since it was planned (booked meanwhile?)"),
            }
        counterparts = instruction.get("counterparts") or []
        if not counterparts:
            raise UserError(_("Line %s: no counterparts given.", line.id))
        parsed = [
            self._bankrec_counterpart(line, cp, version, currency, company_currency, batch)
            for cp in counterparts
        ]
        self._bankrec_check_sums(line, parsed, currency, expected, company_currency, suspense)
        if in_place and batch and is_simple(instruction, parsed, company_currency):
            return self._bankrec_rewrite_in_place(instruction, line, liquidity, suspense,
                                                  parsed, batch)  # fmt: skip
        commands = []
        if instruction.get("partner_id"):
            commands.append((1, liquidity.id, {"partner_id": int(instruction["partner_id"])}))
        taxed = False
        for index, (cp, cp_currency, amount, balance, _target) in enumerate(parsed):
            vals = {
                "account_id": int(cp["account_id"]),
                "partner_id": int(cp["partner_id"]) if cp.get("partner_id") else False,
                "name": cp.get("name") or "/",
                "currency_id": cp_currency.id,
                "amount_currency": float(amount),
                "balance": float(balance),
            }
            taxes = counterpart_taxes(self.env, line, cp, version, cp_currency, company_currency)
            if taxes:  # the base here; Odoo adds the tax lines when it syncs the entry
                base = tax_base(line, taxes, amount, cp_currency)
                parsed[index] = (cp, cp_currency, base, base, _target)
                vals.update(amount_currency=float(base), balance=float(base))
                vals["tax_ids"] = [(6, 0, taxes.ids)]
                taxed = True
            commands.append((1, suspense.id, vals) if index == 0 else (0, 0, vals))
        if taxed:  # Odoo changes taxes on a draft entry only, as its own bank widget does
            line.move_id.button_draft()
        if instruction.get("partner_id"):  # tracked on the entry, as a person sets it
            line.move_id.with_context(**QUIET).write({"partner_id": int(instruction["partner_id"])})
        # the items are rewritten without Odoo's "Journal Item updated" note, as in a batch
        # (see batch.QUIET_ITEMS): it would record an artefact of the rewrite
        line.move_id.with_context(tracking_disable=True).write({"line_ids": commands})
        if taxed:
            line.move_id.action_post()
        new_items = (line.move_id.line_ids - liquidity - suspense).sorted("id")
        if taxed:
            self._bankrec_check_tax_lines(line, new_items, liquidity)
            new_items = new_items.filtered(lambda item: item.display_type != "tax")
        ordered = [suspense, *new_items]  # the counterparts' order: suspense rewritten first
        if len(ordered) != len(counterparts):
            raise UserError(
                _("Line %s: the entry has an unexpected shape after the rewrite.", line.id)
            )
        invoices = self.env["account.move"]
        for item, (cp, cp_currency, amount, balance, target) in zip(ordered, parsed, strict=True):
            if (
                item.account_id.id != int(cp["account_id"])
                or item.currency_id != cp_currency
                or cp_currency.compare_amounts(item.amount_currency, float(amount))
                or company_currency.compare_amounts(item.balance, float(balance))
            ):
                raise UserError(_("Line %s: journal item %s does not match.", line.id, item.id))
            if target:
                if target.reconciled:
                    raise UserError(_("Journal item %s is not open any more.", target.id))
                # in the invoice's currency: Odoo books what the two company-currency values
                # differ by as an exchange difference of its own
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

    def _bankrec_rewrite_in_place(self, instruction, line, liquidity, suspense, parsed, batch):
        """The common case -- one invoice paid in full in the company's currency -- written
        on the journal items themselves: the suspense item becomes the receivable/payable
        counterpart (its amount is already the right one), written and reconciled with the
        rest of ``batch``.

        The line, entry and items get exactly what the statement line's synchronisation
        would give them -- the test comparing a batch with line-by-line booking pins it."""
        ((cp, _currency, _amount, _balance, target),) = parsed
        if target.reconciled:
            raise UserError(_("Journal item %s is not open any more.", target.id))
        partner = int(instruction["partner_id"]) if instruction.get("partner_id") else None
        vals = {
            "account_id": int(cp["account_id"]),
            "partner_id": int(cp["partner_id"]) if cp.get("partner_id") else False,
            "name": cp.get("name") or "/",
        }
        batch.rewrite(line, liquidity, suspense, partner, vals)
        batch.plan.append(suspense | target)
        return {
            "status": "done",
            "line_id": line.id,
            "message": "",
            "_invoices": target.move_id.ids,
        }

    def _bankrec_counterpart(self, line, cp, version, currency, company_currency, batch=None):
        """One counterpart of an instruction, checked: ``(cp, currency, amount, balance,
        item to reconcile with)``.

        Version 1 is the company's currency only: no currency but the company's and no
        balance other than the amount. Version 2: ``currency`` (ISO code or id; the
        journal's when absent) and ``balance`` (decimal string; required unless the
        currency is the company's, where it must be the amount). A counterpart is written
        in the currency of the item it is reconciled with, so Odoo reconciles them in that
        currency and books the exchange difference.
        """
        amount = decimal_amount(cp["amount"])
        value = cp.get("currency")
        if batch:
            cp_currency = batch.currency(value, currency, self._bankrec_currency)
        else:
            cp_currency = self._bankrec_currency(value, currency)
        raw_balance = cp.get("balance")
        balance = amount if raw_balance in (None, False) else decimal_amount(raw_balance)
        if version == 1 and (cp_currency != company_currency or balance != amount):
            raise UserError(
                _(
                    "Line %(line)s: instruction format version 1 books the company's "
                    "currency only, not %(currency)s (update the connector).",
                    line=line.id,
                    currency=cp_currency.name,
                )
            )
        if cp_currency == company_currency:
            if balance != amount:
                raise UserError(
                    _(
                        "Line %(line)s: a counterpart in %(currency)s has its balance "
                        "%(balance)s differ from its amount %(amount)s.",
                        line=line.id,
                        currency=cp_currency.name,
                        balance=balance,
                        amount=amount,
                    )
                )
        elif raw_balance in (None, False):
            raise UserError(
                _(
                    "Line %(line)s: a counterpart in %(currency)s needs its balance in "
                    "%(company)s.",
                    line=line.id,
                    currency=cp_currency.name,
                    company=company_currency.name,
                )
            )
        if amount * balance < 0:
            raise UserError(
                _(
                    "Line %(line)s: a counterpart of %(amount)s %(currency)s cannot be worth "
                    "%(balance)s %(company)s.",
                    line=line.id,
                    amount=amount,
                    currency=cp_currency.name,
                    balance=balance,
                    company=company_currency.name,
                )
            )
        target = self.env["account.move.line"]
        if cp.get("reconcile_with"):
            target_id = int(cp["reconcile_with"])
            target = batch.item(target_id) if batch else target.browse(target_id).exists()
            if not target:
                raise UserError(_("Journal item %s is not open any more.", cp["reconcile_with"]))
            if target.currency_id != cp_currency:
                raise UserError(
                    _(
                        "Line %(line)s: the counterpart for %(item)s is in %(currency)s, the "
                        "item in %(item_currency)s; it must be in the item's currency.",
                        line=line.id,
                        item=target.move_id.name,
                        currency=cp_currency.name,
                        item_currency=target.currency_id.name,
                    )
                )
        return cp, cp_currency, amount, balance, target

    @api.model
    def _bankrec_currency(self, value, default):
        """A counterpart's currency: an ISO code, an id, or ``default`` when not given."""
        if value in (None, False, ""):
            return default
        Currency = self.env["res.currency"].with_context(active_test=False)
        if isinstance(value, int) and not isinstance(value, bool):
            found = Currency.browse(value).exists()
        else:
            found = Currency.search([("name", "=", str(value))], limit=1)
        if not found:
            raise UserError(_("Unknown currency %s.", value))
        return found

    def _bankrec_check_sums(self, line, parsed, currency, expected, company_currency, suspense):
        """The counterparts replace the suspense item exactly: their balances add up to its
        balance (else the entry would not balance against the untouched bank item) and,
        when all are in the journal's currency, their amounts to its amount."""
        if all(c == currency for _cp, c, _a, _b, _t in parsed):
            amounts = sum((amount for _cp, _c, amount, _b, _t in parsed), Decimal(0))
            if amounts != expected:
                raise UserError(
                    _(
                        "Line %(line)s: the counterparts sum to %(sum)s, the suspense item "
                        "is %(expected)s.",
                        line=line.id,
                        sum=amounts,
                        expected=expected,
                    )
                )
        balances = sum((balance for _cp, _c, _a, balance, _t in parsed), Decimal(0))
        suspense_balance = decimal_amount(company_currency.round(suspense.balance))
        if company_currency.compare_amounts(float(balances), float(suspense_balance)):
            raise UserError(
                _(
                    "Line %(line)s: the counterparts' balances sum to %(sum)s %(company)s, "
                    "the suspense item's is %(expected)s.",
                    line=line.id,
                    sum=balances,
                    company=company_currency.name,
                    expected=suspense_balance,
                )
            )

    def _bankrec_check_tax_lines(self, line, items, liquidity):
        """Odoo's tax lines are there and the entry still balances the bank item alone: no
        automatic balancing line was needed."""
        if not items.filtered(lambda item: item.display_type == "tax"):
            raise UserError(_("Line %s: Odoo wrote no tax line for the tax.", line.id))
        if any(item.display_type not in ("tax", "product") for item in items):
            raise UserError(
                _("Line %s: the entry has an unexpected shape after the rewrite.", line.id)
            )

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

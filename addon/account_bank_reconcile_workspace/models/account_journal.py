# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The workspace's server side on a bank journal: one page of lines with the tabs' counts
and the header's totals, and the figures of the dashboard card (bulk actions and the export
are in ``account_journal_bulk``).

Every method checks that the caller is a bank reconciliation user. Reads are batched: the
counts and totals come from grouped queries (``_read_group``), a page from one
``search_read``, so a journal with 10,000 lines awaiting review shows its first page as fast
as one with ten. The detail of a line is loaded when it is selected
(``bankrec_workspace_line`` on the statement line).
"""

import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from bankrec.results.match_json import band

TABS = ("to_review", "reconciled", "ignored", "all")
PAGE_SIZE = 80
MAX_PAGE = 500
STALE_DAYS = 7  # a line not reconciled this long after its date is flagged on the dashboard
HIGH_CONFIDENCE = 90  # the floor of the "high" band
BOOKS_ALONE = ("expense", "fee", "transfer")  # bookings that need no open item
TIE_REASON = "not automatic:"  # the matcher's reason when a rival is within the tie margin
LINE_FIELDS = [
    "date",
    "payment_ref",
    "partner_name",
    "amount",
    "currency_id",
    "partner_id",
    "bankrec_state",
    "bankrec_confidence",
    "is_reconciled",
]
_AMOUNT_RE = re.compile(r"^[+-]?[\d.,' ]*\d[\d.,' ]*$")


def parse_amount(text):
    """An amount typed in the search box (``1234.50``, ``1,234.50``, ``1.234,50``,
    ``1'234.50``, ``-12``) as a Decimal, or None when the text is not an amount."""
    text = (text or "").strip()
    if not _AMOUNT_RE.match(text):
        return None
    text = text.replace(" ", "").replace("'", "")
    last_dot, last_comma = text.rfind("."), text.rfind(",")
    if last_dot >= 0 and last_comma >= 0:  # the later one is the decimal separator
        thousands = "," if last_dot > last_comma else "."
        text = text.replace(thousands, "").replace(",", ".")
    elif last_comma >= 0:  # 12,50 is a decimal comma; 1,234 is thousands
        decimals = len(text) - last_comma - 1
        text = text.replace(",", ".") if text.count(",") == 1 and decimals != 3 else text
        text = text.replace(",", "")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def line_status(row):
    """What the workspace shows as a line's status (a key of ``status_labels``)."""
    if row["is_reconciled"]:
        return "reconciled"
    return row["bankrec_state"] or "new"


def line_band(row):
    """The confidence band of a line bankrec scored: None for a line never run, reconciled
    outside bankrec, or left without any candidate (confidence 0, nothing to colour)."""
    state, confidence = row["bankrec_state"], int(row["bankrec_confidence"] or 0)
    if state in (False, None):
        return None
    if not confidence and (state in ("unmatched", "ignored") and not row["is_reconciled"]):
        return None
    return band(confidence)


class AccountJournal(models.Model):
    _inherit = "account.journal"

    # ------------------------------------------------------------------ access
    def _bankrec_workspace_journal(self):
        """This journal, once the caller may use the workspace on it."""
        self.env["account.bank.statement.line"]._bankrec_check_group()
        self.ensure_one()
        self.check_access_rights("read")
        self.check_access_rule("read")
        if self.type != "bank":
            raise UserError(_("%s is not a bank journal.", self.display_name))
        return self

    # ------------------------------------------------------------------ domains
    def _bankrec_base_domain(self):
        return [("journal_id", "=", self.id)]

    @api.model
    def _bankrec_tab_domain(self, tab):
        if tab == "to_review":
            return [("is_reconciled", "=", False), ("bankrec_state", "!=", "ignored")]
        if tab == "reconciled":
            return [("is_reconciled", "=", True)]
        if tab == "ignored":
            return [("is_reconciled", "=", False), ("bankrec_state", "=", "ignored")]
        if tab == "all":
            return []
        raise UserError(_("Unknown tab %s.", tab))

    @api.model
    def _bankrec_search_domain(self, search):
        """Lines whose label, counterparty, partner or account number contains the text,
        or whose amount is the amount typed (either sign)."""
        text = (search or "").strip()
        if not text:
            return []
        domain = [
            "|",
            "|",
            "|",
            ("payment_ref", "ilike", text),
            ("partner_name", "ilike", text),
            ("partner_id.name", "ilike", text),
            ("account_number", "ilike", text),
        ]
        amount = parse_amount(text)
        if amount is not None:
            value = float(amount)
            domain = ["|", ("amount", "in", [value, -value]), *domain]
        return domain

    @api.model
    def _bankrec_stale_domain(self):
        limit = fields.Date.context_today(self) - timedelta(days=STALE_DAYS)
        return [("date", "<", limit)]

    def _bankrec_filter_domain(self, search="", stale=False):
        domain = self._bankrec_search_domain(search)
        if stale:
            domain = [*domain, *self._bankrec_stale_domain()]
        return domain

    # ------------------------------------------------------------------ counts and totals
    def _bankrec_groups(self, domain):
        """``{(is_reconciled, state): (count, signed sum, sum of the negative amounts)}``
        for the lines of ``domain``: two grouped queries, whatever the number of lines."""
        StLine = self.env["account.bank.statement.line"]
        groupby = ["is_reconciled", "bankrec_state"]
        out = {}
        for reconciled, state, count, total in StLine._read_group(
            domain, groupby, ["__count", "amount:sum"]
        ):
            out[(bool(reconciled), state or False)] = [count, total or 0.0, 0.0]
        negative = [*domain, ("amount", "<", 0)]
        for reconciled, state, total in StLine._read_group(negative, groupby, ["amount:sum"]):
            out[(bool(reconciled), state or False)][2] = total or 0.0
        return out

    @api.model
    def _bankrec_counts(self, groups):
        counts = dict.fromkeys(TABS, 0)
        for (reconciled, state), (count, _total, _negative) in groups.items():
            counts["all"] += count
            if reconciled:
                counts["reconciled"] += count
            elif state == "ignored":
                counts["ignored"] += count
            else:
                counts["to_review"] += count
        return counts

    def _bankrec_header(self, groups):
        """X/Y lines matched, the share of the statement amount matched, the value still
        unmatched, and the bank's ending balance against the matched balance.

        The ending balance is what the bank states after the journal's last line: the
        opening balance of its first statement (0 without statements) plus every line.
        The matched balance is that opening balance plus the reconciled lines; their
        difference is what is not reconciled yet (ignored lines included: they are not
        booked either).
        """
        currency = self.currency_id or self.company_id.currency_id
        total = matched = unmatched_abs = total_abs = matched_abs = 0.0
        lines = matched_lines = 0
        for (reconciled, state), (count, signed, negative) in groups.items():
            absolute = signed - 2 * negative
            lines += count
            total += signed
            total_abs += absolute
            if reconciled:
                matched_lines += count
                matched += signed
                matched_abs += absolute
            elif state != "ignored":
                unmatched_abs += absolute
        first = self.env["account.bank.statement"].search(
            [("journal_id", "=", self.id)], order="date, id", limit=1
        )
        opening = first.balance_start if first else 0.0
        ending = currency.round(opening + total)
        matched_balance = currency.round(opening + matched)
        high = len(self._bankrec_high_lines())
        return {
            "lines": lines,
            "matched_lines": matched_lines,
            "amount_matched_percent": round(100.0 * matched_abs / total_abs, 1)
            if total_abs
            else 0.0,
            "unmatched_value": currency.round(unmatched_abs),
            "opening_balance": currency.round(opening),
            "ending_balance": ending,
            "matched_balance": matched_balance,
            "difference": currency.round(ending - matched_balance),
            "high_confidence": high,
            "currency_id": currency.id,
            "last_run": self._bankrec_last_run(),
        }

    def _bankrec_last_run(self):
        run = self.env["bankrec.run"].search(
            ["|", ("journal_id", "=", self.id), ("journal_ids", "in", self.ids)],
            order="id desc",
            limit=1,
        )
        if not run:
            return False
        return {
            "id": run.id,
            "name": run.name,
            "state": run.state,
            "reconciled": run.reconciled_count,
            "suggested": run.suggested_count,
            "unmatched": run.unmatched_count,
            "lines": run.line_count,
        }

    # ------------------------------------------------------------------ the page
    @api.model
    def _bankrec_status_labels(self):
        return {
            "new": _("Not run yet"),
            "to_review": _("To review"),
            "pending": _("Booking"),
            "unmatched": _("No match"),
            "ignored": _("Ignored"),
            "reconciled": _("Reconciled"),
        }

    def _bankrec_rows(self, rows):
        """Search-read rows as the workspace lists them."""
        labels = self._bankrec_status_labels()
        stale = fields.Date.context_today(self) - timedelta(days=STALE_DAYS)
        out = []
        for row in rows:
            status = line_status(row)
            out.append(
                {
                    "id": row["id"],
                    "date": fields.Date.to_string(row["date"]),
                    "label": row["payment_ref"] or "",
                    "counterparty": row["partner_name"] or "",
                    "amount": row["amount"],
                    "currency_id": row["currency_id"] and row["currency_id"][0],
                    "partner": (row["partner_id"] and row["partner_id"][1]) or "",
                    "partner_id": row["partner_id"] and row["partner_id"][0],
                    "status": status,
                    "status_label": labels[status],
                    "confidence": None if line_band(row) is None else row["bankrec_confidence"],
                    "band": line_band(row),
                    "stale": status not in ("reconciled", "ignored") and row["date"] < stale,
                }
            )
        return out

    def bankrec_workspace_data(
        self, tab="to_review", offset=0, limit=PAGE_SIZE, search="", stale=False
    ):
        """One page of the journal's lines in ``tab`` (``to_review``, ``reconciled``,
        ``ignored``, ``all``), filtered by ``search`` and, with ``stale``, to lines older
        than a week; the tabs' counts (filtered alike) and the header's totals (the whole
        journal). JSON-friendly: what the workspace renders, as it renders it."""
        journal = self._bankrec_workspace_journal()
        offset = max(0, int(offset or 0))
        limit = min(MAX_PAGE, max(1, int(limit or PAGE_SIZE)))
        base = journal._bankrec_base_domain()
        filters = journal._bankrec_filter_domain(search, stale)
        all_groups = journal._bankrec_groups(base)
        groups = journal._bankrec_groups([*base, *filters]) if filters else all_groups
        counts = self._bankrec_counts(groups)
        domain = [*base, *self._bankrec_tab_domain(tab), *filters]
        rows = self.env["account.bank.statement.line"].search_read(
            domain, LINE_FIELDS, offset=offset, limit=limit, order="internal_index desc, id desc"
        )
        currency = journal.currency_id or journal.company_id.currency_id
        return {
            "journal": {
                "id": journal.id,
                "name": journal.name,
                "code": journal.code,
                "currency_id": currency.id,
                "currency": currency.name,
            },
            "journals": self.search_read(
                [("type", "=", "bank"), ("company_id", "in", self.env.companies.ids)],
                ["name", "code"],
                order="sequence, id",
            ),
            "tab": tab,
            "search": search or "",
            "stale": bool(stale),
            "offset": offset,
            "limit": limit,
            "total": counts[tab],
            "counts": counts,
            "header": journal._bankrec_header(all_groups),
            "lines": journal._bankrec_rows(rows),
            "is_manager": self.env.user.has_group(
                "account_bank_reconcile_rules.group_bankrec_manager"
            ),
        }

    # ------------------------------------------------------------------ opening it
    def action_bankrec_workspace(self, tab="to_review", stale=False):
        """The workspace of this bank journal (from its dashboard card or a button)."""
        journal = self._bankrec_workspace_journal()
        return {
            "type": "ir.actions.client",
            "tag": "bankrec_workspace",
            "name": _("Reconcile %s", journal.name),
            "params": {"journal_id": journal.id, "tab": tab, "stale": bool(stale)},
        }

    def action_bankrec_workspace_stale(self):
        """The workspace filtered to the lines unreconciled for more than a week."""
        return self.action_bankrec_workspace(tab="to_review", stale=True)

    # ------------------------------------------------------------------ the dashboard
    def _fill_bank_cash_dashboard_data(self, dashboard_data):
        """Lines awaiting review and lines unreconciled for more than a week on each bank
        journal's card, for bank reconciliation users (two grouped counts in all)."""
        super()._fill_bank_cash_dashboard_data(dashboard_data)
        banks = self.filtered(lambda j: j.type == "bank")
        if not banks or not self.env.user.has_group(
            "account_bank_reconcile_rules.group_bankrec_user"
        ):
            return
        StLine = self.env["account.bank.statement.line"]
        waiting = [("journal_id", "in", banks.ids), *self._bankrec_tab_domain("to_review")]
        to_review = dict(StLine._read_group(waiting, ["journal_id"], ["__count"]))
        stale = dict(
            StLine._read_group(
                [*waiting, *self._bankrec_stale_domain()], ["journal_id"], ["__count"]
            )
        )
        for journal in banks:
            dashboard_data[journal.id].update(
                bankrec_enabled=True,
                bankrec_to_review=to_review.get(journal, 0),
                bankrec_stale=stale.get(journal, 0),
                bankrec_stale_days=STALE_DAYS,
            )

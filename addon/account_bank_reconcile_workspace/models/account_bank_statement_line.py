# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The detail of one line in the workspace: bankrec's suggestion with every reason and its
points, the alternatives with theirs, what the line was reconciled with, and -- when there
is no match -- why, in plain words; plus the search for any other open item and the manual
match pre-filled with the items a person picked."""

import json
import re
from decimal import Decimal

from odoo import _, fields, models

from bankrec.results.match_json import band

from .account_journal import BOOKS_ALONE, line_band, line_status

ITEM_KINDS = ("out_invoice", "in_invoice", "out_refund", "in_refund")
# the points a reason carries, as bankrec writes them: "... (+50)", "(similarity 93, +50)",
# and a rule's "confidence +15"
POINTS_RE = re.compile(r"(?:([+-]\d+)\)|confidence ([+-]\d+))\s*$")
LEARNED_RE = re.compile(r"learned-(\d+)\.rules:1")
RUNNER_UP_RE = re.compile(r"\brunner-up (\d+)\b")
SEARCH_LIMIT = 20
OPEN_ITEM_LINE_DOMAIN = [
    ("reconciled", "=", False),
    ("parent_state", "=", "posted"),
    ("account_id.account_type", "in", ("asset_receivable", "liability_payable")),
]


def reason_rows(reasons, learned=None, numbers=None):
    """bankrec's reasons (a text, one per line) as ``[{text, points}]``. A learned rule's
    location (``learned-14.rules:1``) is named by ``learned`` (``{14: "'iban:...' (learned)"}``),
    a runner-up's item id by its document number (``numbers``: ``{id: "INV/2026/0001"}``)."""
    out = []
    for text in (reasons or "").splitlines():
        text = text.strip()
        if text:
            if learned:
                text = LEARNED_RE.sub(lambda m: learned.get(int(m.group(1)), m.group(0)), text)
            if numbers:
                text = RUNNER_UP_RE.sub(
                    lambda m: f"runner-up {numbers.get(int(m.group(1)), m.group(1))}", text
                )
            found = POINTS_RE.search(text)
            points = found and (found.group(1) or found.group(2))
            out.append({"text": text, "points": int(points) if points else None})
    return out


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"

    # ------------------------------------------------------------------ labels
    def _bankrec_item_kind_labels(self):
        return {
            "out_invoice": _("customer invoice"),
            "in_invoice": _("vendor bill"),
            "out_refund": _("customer credit note"),
            "in_refund": _("vendor refund"),
        }

    def _bankrec_line_currency(self):
        """The currency bankrec matches the line in (its journal's, as the connector reads
        it)."""
        return self.journal_id.currency_id or self.company_id.currency_id

    # ------------------------------------------------------------------ items
    def _bankrec_items(self, move_ids):
        """``{move id: item dict}`` for the open items a decision names (one read)."""
        ids = sorted({int(i) for i in move_ids if str(i).isdigit()})
        if not ids:
            return {}
        kinds = self._bankrec_item_kind_labels()
        moves = self.env["account.move"].search_read(
            [("id", "in", ids)],
            [
                "name",
                "partner_id",
                "move_type",
                "amount_total",
                "amount_residual",
                "currency_id",
                "invoice_date",
                "invoice_date_due",
                "payment_state",
            ],
        )
        return {
            m["id"]: {
                "move_id": m["id"],
                "number": m["name"],
                "partner": (m["partner_id"] and m["partner_id"][1]) or "",
                "kind": kinds.get(m["move_type"], m["move_type"]),
                "total": m["amount_total"],
                "residual": m["amount_residual"],
                "currency_id": m["currency_id"] and m["currency_id"][0],
                "currency": (m["currency_id"] and m["currency_id"][1]) or "",
                "date": fields.Date.to_string(m["invoice_date"]) or "",
                "due": fields.Date.to_string(m["invoice_date_due"]) or "",
                "paid": m["payment_state"] in ("paid", "in_payment", "reversed"),
            }
            for m in moves
        }

    @staticmethod
    def _bankrec_allocation_rows(allocations, items):
        rows = []
        for allocation in allocations:
            item_id = str(allocation.get("item_id", ""))
            item = items.get(int(item_id)) if item_id.isdigit() else None
            rows.append(
                {
                    **(item or {"number": allocation.get("number") or item_id}),
                    "item_id": item_id,
                    "amount": float(Decimal(str(allocation.get("amount") or 0))),
                }
            )
        return rows

    # ------------------------------------------------------------------ the detail
    def bankrec_workspace_line(self):
        """Everything the workspace's detail pane shows for this line (JSON-friendly)."""
        self._bankrec_check_group()
        self.ensure_one()
        self.check_access_rights("read")
        self.check_access_rule("read")
        row = self.read(
            [
                "date",
                "payment_ref",
                "partner_name",
                "amount",
                "currency_id",
                "partner_id",
                "account_number",
                "bankrec_state",
                "bankrec_confidence",
                "is_reconciled",
                "statement_id",
            ]
        )[0]
        decision = self.bankrec_decision_id
        alternatives = decision.alternatives() if decision else []
        allocations = json.loads(decision.allocations_json or "[]") if decision else []
        wanted = [a.get("item_id") for a in allocations]
        wanted += [a.get("item_id") for alt in alternatives for a in alt.get("allocations", [])]
        items = self._bankrec_items(wanted)
        learned = self._bankrec_learned_names(decision, alternatives)
        numbers = {move_id: item["number"] for move_id, item in items.items()}
        status = line_status(row)
        suggestion = False
        if decision:
            suggestion = {
                "run_line_id": decision.id,
                "run": {
                    "id": decision.run_id.id,
                    "name": decision.run_id.name,
                    "state": decision.run_id.state,
                },
                "status": decision.status,
                "outcome": decision.outcome or "",
                "message": decision.message or "",
                "confidence": decision.confidence,
                "band": decision.band or band(decision.confidence),
                "reasons": reason_rows(decision.reasons, learned, numbers),
                "allocations": self._bankrec_allocation_rows(allocations, items),
                "booking": decision.booking or "",
                "account_code": decision.account_code or "",
                "party": decision.party or "",
                "writeoff": float(Decimal(decision.writeoff or "0")),
            }
        open_line = not row["is_reconciled"]
        has_items = bool(allocations) or bool(decision and decision.booking in BOOKS_ALONE)
        return {
            "id": self.id,
            "date": fields.Date.to_string(row["date"]),
            "label": row["payment_ref"] or "",
            "counterparty": row["partner_name"] or "",
            "account_number": row["account_number"] or "",
            "amount": row["amount"],
            "currency_id": row["currency_id"] and row["currency_id"][0],
            "partner": (row["partner_id"] and row["partner_id"][1]) or "",
            "statement": (row["statement_id"] and row["statement_id"][1]) or "",
            "status": status,
            "status_label": self.env["account.journal"]._bankrec_status_labels()[status],
            "confidence": None if line_band(row) is None else row["bankrec_confidence"],
            "band": line_band(row),
            "suggestion": suggestion,
            "alternatives": [
                {
                    "index": index,
                    "confidence": alt.get("confidence", 0),
                    "band": band(int(alt.get("confidence", 0))),
                    "reasons": reason_rows("\n".join(alt.get("reasons", [])), learned, numbers),
                    "allocations": self._bankrec_allocation_rows(alt.get("allocations", []), items),
                }
                for index, alt in enumerate(alternatives)
            ],
            "reconciled_with": self._bankrec_reconciled_with() if row["is_reconciled"] else [],
            "why_no_match": self._bankrec_why_no_match() if open_line and not has_items else [],
            "can": {
                "validate": open_line and status == "to_review" and bool(has_items),
                "choose": open_line and bool(alternatives),
                "reject": open_line and status == "to_review" and bool(allocations),
                "match": open_line,
                "expense": open_line,
                "ignore": open_line and status != "ignored",
                "unignore": status == "ignored",
                "undo": bool(row["is_reconciled"]),
            },
        }

    def _bankrec_learned_names(self, decision, alternatives):
        """``{record id: "learned rule <key>"}`` for the learned rules a decision's reasons
        cite by location (one read)."""
        texts = [decision.reasons or ""] if decision else []
        texts += [r for alt in alternatives for r in alt.get("reasons", [])]
        ids = {int(i) for text in texts for i in LEARNED_RE.findall(text)}
        if not ids:
            return {}
        rules = (
            self.env["bankrec.learned.rule"]
            .with_context(active_test=False)
            .search_read([("id", "in", sorted(ids))], ["key"])
        )
        return {r["id"]: _("'%s' (learned)", r["key"]) for r in rules}

    def _bankrec_reconciled_with(self):
        """The documents this reconciled line pays, as ``[{number, partner, amount}]``."""
        _liquidity, _suspense, others = self._seek_for_lines()
        rows = []
        for move_line in others:
            partials = move_line.matched_debit_ids | move_line.matched_credit_ids
            counterparts = (partials.debit_move_id | partials.credit_move_id) - move_line
            for counterpart in counterparts:
                rows.append(
                    {
                        "move_id": counterpart.move_id.id,
                        "number": counterpart.move_id.name,
                        "partner": counterpart.partner_id.display_name or "",
                        "amount": abs(counterpart.balance),
                        "currency_id": counterpart.company_currency_id.id,
                    }
                )
            if not counterparts:  # booked straight to an account (an expense, a fee)
                rows.append(
                    {
                        "move_id": False,
                        "number": f"{move_line.account_id.code} {move_line.account_id.name}",
                        "partner": move_line.name or "",
                        "amount": abs(move_line.balance),
                        "currency_id": move_line.company_currency_id.id,
                    }
                )
        return rows

    # ------------------------------------------------------------------ why no match
    def _bankrec_why_no_match(self):
        """Plain sentences on why bankrec found nothing for this line, from the open items
        with the line's amount: in another currency, the other direction, or several that
        nothing in the line tells apart. One search, whatever the number of items."""
        self.ensure_one()
        currency = self._bankrec_line_currency()
        amount = abs(self.amount)
        shown = currency.round(amount)
        text_amount = f"{shown:.{currency.decimal_places}f}"
        moves = self.env["account.move"].search(
            [
                ("move_type", "in", ITEM_KINDS),
                ("state", "=", "posted"),
                ("company_id", "=", self.company_id.id),
                ("amount_residual", "in", [shown]),
            ],
            order="invoice_date_due, id",
            limit=10,
        )
        if not moves:
            return [
                _(
                    "No open item is at %(amount)s, in any currency: it may not be invoiced "
                    "yet, be paid already, or the line pays several items or part of one.",
                    amount=text_amount,
                )
            ]
        kinds = self._bankrec_item_kind_labels()
        received = self.amount > 0
        foreign = moves.filtered(lambda m: m.currency_id != currency)
        if foreign and foreign == moves:
            listing = ", ".join(f"{m.name} ({m.currency_id.name})" for m in foreign)
            if len(foreign) == 1:
                return [
                    _(
                        "The only open item at this amount is %(item)s of %(partner)s in "
                        "%(item_currency)s, the line is in %(currency)s: bankrec never matches "
                        "across currencies; match it by hand.",
                        item=foreign.name,
                        partner=foreign.partner_id.display_name or "?",
                        item_currency=foreign.currency_id.name,
                        currency=currency.name,
                    )
                ]
            return [
                _(
                    "The open items at this amount are in other currencies (%(items)s), the "
                    "line is in %(currency)s: bankrec never matches across currencies.",
                    items=listing,
                    currency=currency.name,
                )
            ]
        same = moves - foreign
        other_way = same.filtered(
            lambda m: (m.move_type in ("out_invoice", "in_refund")) != received
        )
        notes = []
        if other_way and other_way == same:
            item = other_way[0]
            notes.append(
                _(
                    "The open item at this amount, %(item)s, is a %(kind)s, but the line is "
                    "money %(direction)s: it cannot pay it.",
                    item=item.name,
                    kind=kinds.get(item.move_type, item.move_type),
                    direction=_("received") if received else _("paid out"),
                )
            )
        else:
            candidates = same - other_way
            if len(candidates) == 1:
                notes.append(
                    _(
                        "%(item)s of %(partner)s is open at this amount, but nothing in the "
                        "line names it: no partner, invoice number or reference recognised.",
                        item=candidates.name,
                        partner=candidates.partner_id.display_name or "?",
                    )
                )
            else:
                notes.append(
                    _(
                        "%(count)s open items are at this amount (%(items)s) and nothing in "
                        "the line tells them apart.",
                        count=len(candidates),
                        items=", ".join(candidates[:5].mapped("name")),
                    )
                )
        if foreign:
            notes.append(
                _(
                    "Also at this amount in another currency: %(items)s.",
                    items=", ".join(f"{m.name} ({m.currency_id.name})" for m in foreign),
                )
            )
        return notes

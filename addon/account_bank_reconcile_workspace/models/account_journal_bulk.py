# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The workspace's bulk actions on a bank journal: validate every high-confidence
suggestion, rematch, undo a run, and export the lines of a tab to CSV or XLSX -- each
reading in batches, never a query per line."""

import base64
import csv
import io
import json

from odoo import _, fields, models
from odoo.exceptions import UserError

from .account_journal import (
    BOOKS_ALONE,
    HIGH_CONFIDENCE,
    LINE_FIELDS,
    TIE_REASON,
    line_band,
    line_status,
)

EXPORT_BATCH = 2000


class AccountJournal(models.Model):
    _inherit = "account.journal"

    # ------------------------------------------------------------------ bulk actions
    def _bankrec_high_lines(self, line_ids=None):
        """The lines "Validate high confidence" books: awaiting review, suggestion in the
        high band (90 or more), and no tie -- a runner-up within the run's tie margin, or
        another line wanting the same item, is for a person to settle. Two batched reads
        (the lines, their latest decisions), whatever their number."""
        StLine = self.env["account.bank.statement.line"]
        domain = [
            *self._bankrec_base_domain(),
            ("is_reconciled", "=", False),
            ("bankrec_state", "=", "to_review"),
            ("bankrec_confidence", ">=", HIGH_CONFIDENCE),
        ]
        if line_ids is not None:
            domain.append(("id", "in", [int(i) for i in line_ids]))
        lines = StLine.search(domain, order="date, id")
        if not lines:
            return lines
        latest = {}
        for decision in self.env["bankrec.run.line"].search_read(
            [("statement_line_id", "in", lines.ids)],
            [
                "statement_line_id",
                "confidence",
                "reasons",
                "booking",
                "allocations_json",
                "alternatives_json",
                "run_id",
            ],
            order="id desc",
        ):
            latest.setdefault(decision["statement_line_id"][0], decision)
        run_ids = {d["run_id"][0] for d in latest.values()}
        margins = {
            run["id"]: run["tie_margin"]
            for run in self.env["bankrec.run"].search_read(
                [("id", "in", list(run_ids))], ["tie_margin"]
            )
        }
        keep = []
        for line in lines:
            decision = latest.get(line.id)
            if not decision or decision["confidence"] < HIGH_CONFIDENCE:
                continue
            if not (
                json.loads(decision["allocations_json"] or "[]")
                or decision["booking"] in BOOKS_ALONE
            ):
                continue
            margin = margins.get(decision["run_id"][0], 0)
            rivals = json.loads(decision["alternatives_json"] or "[]")
            if any(decision["confidence"] - r.get("confidence", 0) <= margin for r in rivals):
                continue
            if TIE_REASON in (decision["reasons"] or ""):
                continue
            keep.append(line.id)
        return StLine.browse(keep)

    def bankrec_workspace_validate_high(self, line_ids=None):
        """Validate every suggestion of the high band (confidence 90 or more, no tie)
        awaiting review, or those among ``line_ids``; each line on its own, so one refusal
        does not stop the others. Returns how many were booked and why the others were
        not."""
        journal = self._bankrec_workspace_journal()
        validated, failed = 0, []
        for line in journal._bankrec_high_lines(line_ids):
            try:
                with self.env.cr.savepoint():
                    line.action_bankrec_validate()
                validated += 1
            except UserError as exc:
                self.env.invalidate_all()
                failed.append({"id": line.id, "label": line.payment_ref or "", "message": str(exc)})
        return {"validated": validated, "failed": failed}

    def bankrec_workspace_rematch(self, line_ids=None):
        """Match again: the selected lines (``line_ids``), or every open line of the
        journal. Returns the runs' figures, for the workspace to tell."""
        journal = self._bankrec_workspace_journal()
        StLine = self.env["account.bank.statement.line"]
        if line_ids:
            lines = StLine.browse([int(i) for i in line_ids]).exists()
            lines = lines.filtered(lambda ln: ln.journal_id == journal and not ln.is_reconciled)
            lines = lines.filtered(lambda ln: ln.bankrec_state != "ignored")
            if not lines:
                raise UserError(_("None of the selected lines is open."))
            from odoo.addons.account_bank_reconcile_rules.engine.runner import Engine

            runs = Engine(self.env, journal).run(lines=lines, trigger="rematch", background=True)
        else:
            from odoo.addons.account_bank_reconcile_rules.engine.runner import Engine

            runs = Engine(self.env, journal).run(background=True)
        return [
            {
                "id": run.id,
                "name": run.name,
                "lines": run.line_count,
                "reconciled": run.reconciled_count,
                "suggested": run.suggested_count,
                "unmatched": run.unmatched_count,
                "ignored": run.ignored_count,
                "errors": run.error_count,
            }
            for run in runs
        ]

    def bankrec_workspace_undo_last_run(self, run_id):
        """Undo run ``run_id`` of this journal (the workspace's "Undo this run")."""
        journal = self._bankrec_workspace_journal()
        run = self.env["bankrec.run"].browse(int(run_id)).exists()
        if not run or journal not in (run.journal_id | run.journal_ids):
            raise UserError(_("No run %s on this journal.", run_id))
        run.action_undo()
        return True

    # ------------------------------------------------------------------ export
    def _bankrec_export_rows(self, tab, search, stale):
        """Header and rows of the lines in ``tab`` with their latest decision, read in
        batches (the lines, then their decisions, one query each per batch)."""
        StLine = self.env["account.bank.statement.line"]
        RunLine = self.env["bankrec.run.line"]
        domain = [
            *self._bankrec_base_domain(),
            *self._bankrec_tab_domain(tab),
            *self._bankrec_filter_domain(search, stale),
        ]
        labels = self._bankrec_status_labels()
        yield [
            _("Date"),
            _("Label"),
            _("Counterparty"),
            _("Amount"),
            _("Currency"),
            _("Partner"),
            _("Status"),
            _("Confidence"),
            _("Band"),
            _("Suggested items"),
            _("Reasons"),
        ]
        offset = 0
        while True:
            rows = StLine.search_read(
                domain,
                LINE_FIELDS,
                offset=offset,
                limit=EXPORT_BATCH,
                order="internal_index desc, id desc",
            )
            if not rows:
                return
            offset += len(rows)
            latest = {}
            for decision in RunLine.search_read(
                [("statement_line_id", "in", [r["id"] for r in rows])],
                ["statement_line_id", "allocations_json", "reasons"],
                order="id desc",
            ):
                latest.setdefault(decision["statement_line_id"][0], decision)
            for row in rows:
                decision = latest.get(row["id"])
                items = json.loads(decision["allocations_json"] or "[]") if decision else []
                status = line_status(row)
                yield [
                    fields.Date.to_string(row["date"]),
                    row["payment_ref"] or "",
                    row["partner_name"] or "",
                    row["amount"],
                    (row["currency_id"] and row["currency_id"][1]) or "",
                    (row["partner_id"] and row["partner_id"][1]) or "",
                    labels[status],
                    "" if line_band(row) is None else row["bankrec_confidence"],
                    line_band(row) or "",
                    ", ".join(f"{a.get('number') or a['item_id']} {a['amount']}" for a in items),
                    (decision["reasons"] or "").replace("\n", " | ") if decision else "",
                ]

    def bankrec_workspace_export(self, fmt="csv", tab="to_review", search="", stale=False):
        """The lines of ``tab`` (awaiting review by default) as a CSV or XLSX file:
        ``{filename, mimetype, content}`` with the content in base64."""
        journal = self._bankrec_workspace_journal()
        self._bankrec_tab_domain(tab)  # refuse an unknown tab before any work
        rows = journal._bankrec_export_rows(tab, search, stale)
        stem = f"bankrec-{journal.code}-{tab}-{fields.Date.context_today(self)}"
        if fmt == "xlsx":
            from openpyxl import Workbook

            book = Workbook(write_only=True)
            sheet = book.create_sheet(title=tab)
            for row in rows:
                sheet.append(row)
            buffer = io.BytesIO()
            book.save(buffer)
            content = buffer.getvalue()
            mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        elif fmt == "csv":
            text = io.StringIO()
            writer = csv.writer(text)
            for row in rows:
                writer.writerow(row)
            content = text.getvalue().encode("utf-8-sig")  # Excel reads the BOM as UTF-8
            mimetype = "text/csv"
        else:
            raise UserError(_("Unknown export format %s: csv or xlsx.", fmt))
        return {
            "filename": f"{stem}.{fmt}",
            "mimetype": mimetype,
            "content": base64.b64encode(content).decode("ascii"),
        }

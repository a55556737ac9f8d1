# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import csv
import io

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.account_journal import parse_amount
from .common import WorkspaceCommon


@tagged("post_install", "-at_install")
class TestWorkspaceData(WorkspaceCommon):
    def test_tabs_count_the_lines_and_list_the_ones_awaiting_review(self):
        sure, doubtful, fee, fresh = self.seed()
        data = self.data()
        self.assertEqual(data["counts"], {"to_review": 3, "reconciled": 1, "ignored": 0, "all": 4})
        self.assertEqual(data["tab"], "to_review")
        self.assertEqual({row["id"] for row in data["lines"]}, {doubtful.id, fee.id, fresh.id})
        self.assertEqual(data["total"], 3)
        self.assertEqual(data["journal"]["id"], self.bank.id)
        by_id = {row["id"]: row for row in data["lines"]}
        row = by_id[doubtful.id]
        self.assertEqual(row["label"], "Transfer")
        self.assertEqual(row["counterparty"], "Hafen Logistik GmbH")
        self.assertEqual(row["amount"], 500.0)
        self.assertEqual(row["status"], "to_review")
        self.assertEqual(row["status_label"], "To review")
        self.assertEqual(row["band"], "possible" if row["confidence"] < 70 else row["band"])
        self.assertIsNotNone(row["confidence"])
        self.assertEqual(by_id[fee.id]["status"], "unmatched")
        self.assertEqual(by_id[fresh.id]["status"], "new")
        self.assertIsNone(by_id[fresh.id]["band"])
        reconciled = self.data(tab="reconciled")["lines"]
        self.assertEqual([r["id"] for r in reconciled], [sure.id])
        self.assertEqual(reconciled[0]["band"], "high")
        self.assertEqual(len(self.data(tab="all")["lines"]), 4)

    def test_the_band_follows_the_confidence(self):
        self.seed()
        for row in self.data(tab="all")["lines"]:
            if row["confidence"] is None:
                continue
            expected = (
                "high" if row["confidence"] >= 90
                else "probable" if row["confidence"] >= 70
                else "possible" if row["confidence"] >= 50
                else "low"
            )  # fmt: skip
            self.assertEqual(row["band"], expected, row)

    def test_header_totals_and_the_difference_move_when_a_line_is_validated(self):
        _sure, doubtful, _fee, _fresh = self.seed()
        header = self.data()["header"]
        self.assertEqual((header["matched_lines"], header["lines"]), (1, 4))
        total_abs = 1000 + 500 + 12.5 + 42
        self.assertAlmostEqual(header["amount_matched_percent"], round(100 * 1000 / total_abs, 1))
        self.assertAlmostEqual(header["unmatched_value"], 500 + 12.5 + 42)
        self.assertAlmostEqual(header["ending_balance"], 1000 + 500 - 12.5 + 42)
        self.assertAlmostEqual(header["matched_balance"], 1000)
        self.assertAlmostEqual(header["difference"], 500 - 12.5 + 42)
        self.assertTrue(header["last_run"])
        doubtful.with_user(self.reviewer).action_bankrec_validate()
        after = self.data()
        self.assertEqual(after["counts"]["to_review"], 2)
        self.assertEqual(after["header"]["matched_lines"], 2)
        self.assertAlmostEqual(after["header"]["difference"], -12.5 + 42)
        self.assertAlmostEqual(after["header"]["matched_balance"], 1500)

    def test_ignoring_moves_a_line_to_the_ignored_tab_and_keeps_it_in_the_difference(self):
        _sure, _doubtful, fee, _fresh = self.seed()
        before = self.data()["header"]["difference"]
        fee.with_user(self.reviewer).action_bankrec_ignore()
        data = self.data(tab="ignored")
        self.assertEqual([r["id"] for r in data["lines"]], [fee.id])
        self.assertEqual(data["counts"]["ignored"], 1)
        self.assertEqual(data["counts"]["to_review"], 2)
        self.assertAlmostEqual(data["header"]["difference"], before)
        self.assertAlmostEqual(data["header"]["unmatched_value"], 500 + 42)

    def test_search_by_label_partner_and_amount(self):
        _sure, doubtful, fee, _fresh = self.seed()
        self.assertEqual([r["id"] for r in self.data(search="frais")["lines"]], [fee.id])
        self.assertEqual([r["id"] for r in self.data(search="hafen")["lines"]], [doubtful.id])
        self.assertEqual([r["id"] for r in self.data(search="12.50")["lines"]], [fee.id])
        self.assertEqual([r["id"] for r in self.data(search="-12,5")["lines"]], [fee.id])
        found = self.data(search="500")
        self.assertEqual([r["id"] for r in found["lines"]], [doubtful.id])
        self.assertEqual(found["counts"]["to_review"], 1)
        self.assertEqual(found["header"]["lines"], 4, "the header is the whole journal's")

    def test_parse_amount(self):
        cases = {
            "1234.50": "1234.50",
            "1,234.50": "1234.50",
            "1.234,50": "1234.50",
            "1'234.50": "1234.50",
            "12,5": "12.5",
            "1,234": "1234",
            "-12": "-12",
            "frais": None,
            "FA-2026-001": None,
            "": None,
        }
        for text, expected in cases.items():
            got = parse_amount(text)
            self.assertEqual(None if got is None else str(got), expected, text)

    def test_stale_lines_are_those_older_than_a_week(self):
        self.seed()
        old = self.line(77.0, "old transfer", date="2020-01-15")
        data = self.data(stale=True)
        self.assertIn(old.id, [r["id"] for r in data["lines"]])
        row = next(r for r in data["lines"] if r["id"] == old.id)
        self.assertTrue(row["stale"])

    def test_paging(self):
        self.line(1.0, "a")
        for k in range(5):
            self.line(10.0 + k, f"line {k}")
        first = self.data(limit=4)
        second = self.data(limit=4, offset=4)
        self.assertEqual(len(first["lines"]), 4)
        self.assertEqual(len(second["lines"]), 2)
        self.assertFalse({r["id"] for r in first["lines"]} & {r["id"] for r in second["lines"]})
        self.assertEqual(first["total"], 6)

    def queries(self, **kwargs):
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self.data(**kwargs)
        return self.env.cr.sql_log_count - before

    def test_a_page_takes_the_same_number_of_queries_whatever_its_size(self):
        for k in range(10):
            self.line(10.0 + k, f"line {k}", f"Payer {k}")
        self.bankrec_run()
        self.data()  # warm the caches
        small = self.queries(limit=5)
        for k in range(90):
            self.line(100.0 + k, f"more {k}", f"Payer {k}")
        self.bankrec_run()
        large = self.queries(limit=80)
        self.assertEqual(large, small)
        self.assertLess(large, 30)

    def test_only_bankrec_users_may_use_it(self):
        self.seed()
        with self.assertRaises(UserError):
            self.data(user=self.outsider)
        with self.assertRaises(UserError):
            self.bank.with_user(self.outsider).bankrec_workspace_export()
        with self.assertRaises(UserError):
            self.bank.with_user(self.outsider).bankrec_workspace_validate_high()
        with self.assertRaises(UserError):
            self.doubtful.with_user(self.outsider).bankrec_workspace_line()

    def test_an_unknown_tab_is_refused(self):
        with self.assertRaises(UserError):
            self.data(tab="nope")

    def test_a_sale_journal_is_refused(self):
        sales = self.company_data["default_journal_sale"].with_user(self.reviewer)
        with self.assertRaises(UserError):
            sales.bankrec_workspace_data()

    # ------------------------------------------------------------------ bulk
    def test_validate_high_books_only_the_high_band(self):
        sure, doubtful, _fee, _fresh = self.seed()
        sure.with_user(self.reviewer).action_bankrec_undo()  # back to review, still 90+
        self.assertEqual(sure.bankrec_state, "to_review")
        self.assertEqual(self.data()["header"]["high_confidence"], 1)
        result = self.bank.with_user(self.reviewer).bankrec_workspace_validate_high()
        self.assertEqual(result, {"validated": 1, "failed": []})
        self.assertTrue(sure.is_reconciled)
        self.assertFalse(doubtful.is_reconciled, "a tie is never validated in bulk")
        self.assertEqual(self.data()["header"]["high_confidence"], 0)

    def test_validate_high_reports_a_refused_line_and_books_the_others(self):
        sure, _doubtful, _fee, _fresh = self.seed()
        sure.with_user(self.reviewer).action_bankrec_undo()
        other_invoice = self.invoice(250.0)
        other = self.line(250.0, f"Payment {other_invoice.name}", "Gletscher Bergbahnen AG")
        self.bankrec_run(lines=other)
        other.with_user(self.reviewer).action_bankrec_undo()
        # the invoice of the first line gets paid meanwhile by hand: its booking is refused
        self.sure_invoice.button_draft()
        self.sure_invoice.button_cancel()
        result = self.bank.with_user(self.reviewer).bankrec_workspace_validate_high()
        self.assertEqual(result["validated"], 1)
        self.assertEqual([f["id"] for f in result["failed"]], [sure.id])
        self.assertTrue(result["failed"][0]["message"])
        self.assertTrue(other.is_reconciled)
        self.assertFalse(sure.is_reconciled)

    def test_rematch_runs_the_journal_again(self):
        _sure, doubtful, _fee, fresh = self.seed()
        runs = self.bank.with_user(self.reviewer).bankrec_workspace_rematch()
        self.assertEqual(len(runs), 1)
        self.assertEqual(runs[0]["lines"], 3)
        self.assertEqual(fresh.bankrec_state, "unmatched")
        runs = self.bank.with_user(self.reviewer).bankrec_workspace_rematch([doubtful.id])
        self.assertEqual(runs[0]["lines"], 1)

    def test_undo_the_last_run_from_the_workspace(self):
        sure, *_rest = self.seed()
        run = self.data()["header"]["last_run"]
        self.assertTrue(sure.is_reconciled)
        self.bank.with_user(self.reviewer).bankrec_workspace_undo_last_run(run["id"])
        self.assertFalse(sure.is_reconciled)
        self.assertEqual(self.data()["header"]["last_run"]["state"], "undone")
        self.assertEqual(self.data()["counts"]["reconciled"], 0)

    # ------------------------------------------------------------------ export
    def test_export_csv_lists_the_lines_awaiting_review_with_their_reasons(self):
        _sure, _doubtful, _fee, _fresh = self.seed()
        result = self.bank.with_user(self.reviewer).bankrec_workspace_export("csv")
        self.assertTrue(result["filename"].endswith(".csv"))
        self.assertEqual(result["mimetype"], "text/csv")
        text = base64.b64decode(result["content"]).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        self.assertEqual(rows[0][:4], ["Date", "Label", "Counterparty", "Amount"])
        self.assertEqual(len(rows), 4)
        labels = {row[1] for row in rows[1:]}
        self.assertEqual(labels, {"Transfer", "FRAIS TENUE DE COMPTE", "Not run yet"})
        transfer = next(row for row in rows if row[1] == "Transfer")
        self.assertIn(self.twin_a.name if self.twin_a.name in transfer[9] else self.twin_b.name,
                      transfer[9])  # fmt: skip
        self.assertTrue(transfer[10], "the reasons are exported")

    def test_export_xlsx(self):
        from openpyxl import load_workbook

        self.seed()
        result = self.bank.with_user(self.reviewer).bankrec_workspace_export("xlsx", tab="all")
        book = load_workbook(io.BytesIO(base64.b64decode(result["content"])))
        rows = list(book.active.iter_rows(values_only=True))
        self.assertEqual(len(rows), 5)
        self.assertEqual(rows[0][0], "Date")

    def test_export_refuses_an_unknown_format(self):
        with self.assertRaises(UserError):
            self.bank.with_user(self.reviewer).bankrec_workspace_export("pdf")

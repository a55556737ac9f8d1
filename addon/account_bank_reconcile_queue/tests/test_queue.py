# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""With queue_job: a run is booked by jobs, one per journal and batch, on root.bankrec;
the request books nothing; jobs are idempotent and never enqueued twice for one batch."""

from odoo.addons.account_bank_reconcile_rules.tests.common import BankrecCommon
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestQueuedRuns(BankrecCommon):
    book_without_queue = False  # the queue's way: what these tests are about

    @classmethod
    def setUpClass(cls, chart_template_ref=None):
        super().setUpClass(chart_template_ref=chart_template_ref)
        cls.savings = cls.bank.copy({"name": "Savings"})
        cls.RunLine = cls.env["bankrec.run.line"]

    def setUp(self):
        super().setUp()
        self.company.bankrec_batch_size = 2
        self.partials = self.env["account.partial.reconcile"].search_count([])
        self.invoices, self.lines = self.sure_payments(5)  # bank: batches of 2, 2, 1
        # savings: batches of 2, 1
        self.more, self.more_lines = self.sure_payments(3, amount=500.0, journal=self.savings)
        self.all_invoices = self.invoices | self.more
        self.all_lines = self.lines | self.more_lines

    def reconcile_button(self):
        """'Reconcile automatically' on both journals, as the reviewer clicks it."""
        journals = (self.bank | self.savings).with_user(self.reviewer)
        action = journals.action_bankrec_reconcile()
        return self.env["bankrec.run"].browse(action["res_id"])

    def assert_all_booked(self, run):
        self.assertEqual((run.state, run.reconciled_count, run.pending_count), ("done", 8, 0))
        self.assertTrue(all(self.all_lines.mapped("is_reconciled")))
        self.assertEqual(set(self.all_invoices.mapped("payment_state")), {"paid"})
        self.assertEqual(set(self.all_lines.mapped("bankrec_state")), {"reconciled"})

    def test_a_run_enqueues_one_job_per_journal_and_batch_and_books_nothing_itself(self):
        with trap_jobs() as trap:
            run = self.reconcile_button()
            self.assertEqual(
                (run.state, run.reconciled_count, run.pending_count), ("booking", 0, 8)
            )
            self.assertFalse(any(self.all_lines.mapped("is_reconciled")))
            trap.assert_jobs_count(5)
            jobs = trap.enqueued_jobs
            self.assertEqual(
                {(job.model_name, job.method_name) for job in jobs},
                {("bankrec.run.line", "_bankrec_book_job")},
            )
            self.assertEqual({job.channel for job in jobs}, {"root.bankrec"})
            batches = [
                (job.recordset.statement_line_id.journal_id.code, len(job.recordset))
                for job in jobs
            ]
            code = self.bank.code
            saving = self.savings.code
            expected = [(code, 2), (code, 2), (code, 1), (saving, 2), (saving, 1)]
            self.assertEqual(sorted(batches), sorted(expected))
            booked = self.RunLine.browse([i for job in jobs for i in job.recordset.ids])
            self.assertEqual(booked, run.line_ids, "every pending line in exactly one job")
            self.assertEqual(len({job.identity_key for job in jobs}), 5)
            self.assertIn(f"2 lines of journal {code} (batch 1 of 5)", jobs[0].description)
            trap.perform_enqueued_jobs()
        self.assert_all_booked(run)

    def test_a_batch_waiting_in_the_queue_is_not_enqueued_again(self):
        Job = self.env["queue.job"]
        before = Job.search_count([])
        run = self.reconcile_button()
        self.assertEqual(Job.search_count([]) - before, 5)
        self.env["bankrec.run"]._cron_bankrec_book_pending()  # re-enqueues: nothing new
        run.action_book_pending()
        self.assertEqual(Job.search_count([]) - before, 5)
        jobs = Job.search([], order="id desc", limit=5)
        self.assertEqual(set(jobs.mapped("channel")), {"root.bankrec"})
        self.assertEqual(set(jobs.mapped("user_id")), {self.reviewer})

    def test_performing_a_job_twice_books_nothing_twice(self):
        run = self.reconcile_button()
        jobs = self.env["queue.job"].search([("model_name", "=", "bankrec.run.line")])
        first = Job.load(self.env, jobs[0].uuid)
        first.perform()
        partials = self.env["account.partial.reconcile"].search_count([])
        self.assertEqual(run.reconciled_count, len(first.recordset))
        Job.load(self.env, jobs[0].uuid).perform()
        self.assertEqual(self.env["account.partial.reconcile"].search_count([]), partials)
        self.assertEqual(run.reconciled_count, len(first.recordset))
        for job in jobs:
            Job.load(self.env, job.uuid).perform()
        self.assert_all_booked(run)
        for job in jobs:  # all of them again: nothing more
            Job.load(self.env, job.uuid).perform()
        self.assertEqual(self.env["account.partial.reconcile"].search_count([]), self.partials + 8)
        self.assert_all_booked(run)

    def test_a_job_whose_journal_is_locked_retries_later(self):
        with trap_jobs() as trap:
            run = self.reconcile_button()
            StLine = self.env["account.bank.statement.line"]
            StLine.bankrec_lock(self.bank.id, "connector run on another machine")
            jobs = trap.enqueued_jobs
            job = next(j for j in jobs if j.recordset.statement_line_id.journal_id == self.bank)
            with self.assertRaises(RetryableJobError):
                job.perform()
            self.assertEqual(run.reconciled_count, 0)
            StLine.bankrec_unlock(self.bank.id, "connector run on another machine")
            trap.perform_enqueued_jobs()
        self.assert_all_booked(run)

    def test_undo_while_jobs_wait_leaves_them_nothing_to_book(self):
        with trap_jobs() as trap:
            run = self.reconcile_button()
            trap.enqueued_jobs[0].perform()
            run.with_user(self.reviewer).action_undo()
            trap.perform_enqueued_jobs()
        self.assertEqual(run.state, "undone")
        self.assertFalse(any(self.all_lines.mapped("is_reconciled")))
        self.assertEqual(set(self.all_invoices.mapped("payment_state")), {"not_paid"})

# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Runs that never block a worker: one batch while the user waits, the rest booked by the
scheduled action within its time budget -- with the same end state as booking everything
at once, and nothing booked twice."""

from odoo.tests import tagged

from ..engine.runner import Engine, decision_of
from .common import BankrecCommon

PENDING_CRON = "account_bank_reconcile_rules.ir_cron_bankrec_book_pending"


@tagged("post_install", "-at_install")
class TestBatches(BankrecCommon):
    def setUp(self):
        super().setUp()
        self.company.bankrec_batch_size = 2
        self.invoices, self.lines = self.sure_payments(5)
        self.Run = self.env["bankrec.run"]

    def reconcile_button(self):
        """'Reconcile automatically' on the journal, as the reviewer clicks it."""
        action = self.bank.with_user(self.reviewer).action_bankrec_reconcile()
        return self.Run.browse(action["res_id"])

    def triggers(self):
        cron = self.env.ref(PENDING_CRON)
        return self.env["ir.cron.trigger"].sudo().search([("cron_id", "=", cron.id)])

    def test_the_button_books_one_batch_and_leaves_the_rest_pending(self):
        woken = len(self.triggers())
        run = self.reconcile_button()
        self.assertEqual(run.state, "booking")
        self.assertEqual((run.line_count, run.reconciled_count, run.pending_count), (5, 2, 3))
        self.assertEqual(self.lines.mapped("is_reconciled"), [True, True, False, False, False])
        self.assertEqual(self.invoices.mapped("payment_state"), ["paid"] * 2 + ["not_paid"] * 3)
        pending = run.line_ids.filtered(lambda ln: ln.outcome == "pending")
        self.assertEqual(pending.statement_line_id, self.lines[2:])
        self.assertEqual(set(self.lines[2:].mapped("bankrec_state")), {"pending"})
        self.assertEqual(len(self.triggers()), woken + 1, "the scheduled action was not woken")
        self.assertFalse(run.finished_at)

    def test_the_scheduled_action_books_the_rest_batch_by_batch_within_its_budget(self):
        run = self.reconcile_button()
        # no time left: the call still books one batch (each call makes progress), then stops
        self.assertFalse(self.Run._cron_bankrec_book_pending(budget=0))
        self.assertEqual((run.state, run.reconciled_count, run.pending_count), ("booking", 4, 1))
        self.assertEqual(self.lines.mapped("is_reconciled"), [True] * 4 + [False])
        self.assertTrue(self.Run._cron_bankrec_book_pending(budget=0))
        self.assertEqual((run.state, run.reconciled_count, run.pending_count), ("done", 5, 0))
        self.assertTrue(run.finished_at)
        self.assertEqual(set(self.invoices.mapped("payment_state")), {"paid"})
        self.assertEqual(set(self.lines.mapped("bankrec_state")), {"reconciled"})
        self.assertEqual(set(run.line_ids.mapped("outcome")), {"booked"})
        self.assertTrue(self.Run._cron_bankrec_book_pending(budget=0), "nothing left to book")

    def test_a_generous_budget_books_every_pending_run_in_one_call(self):
        first = self.reconcile_button()
        _more, more_lines = self.sure_payments(3, amount=500.0)
        second = self.reconcile_button()  # the first run's pending lines are left to it
        self.assertEqual(second.line_count, 3)
        self.assertTrue(self.Run._cron_bankrec_book_pending(budget=600))
        self.assertEqual((first.state, second.state), ("done", "done"))
        self.assertEqual((first.reconciled_count, second.reconciled_count), (5, 3))
        self.assertTrue(all((self.lines | more_lines).mapped("is_reconciled")))

    def test_the_end_state_equals_booking_everything_at_once(self):
        with self.env.cr.savepoint(flush=True) as savepoint:
            Engine(self.bank.env, self.bank).run()  # every sure line in this call
            self.env.flush_all()
            at_once = self.end_state(self.invoices, self.lines)
            savepoint.rollback()
        self.env.invalidate_all()
        self.assertEqual(self.invoices.mapped("payment_state"), ["not_paid"] * 5)
        self.reconcile_button()
        while not self.Run._cron_bankrec_book_pending(budget=0):
            pass
        self.env.flush_all()
        batched = self.end_state(self.invoices, self.lines)
        self.assertEqual(batched, at_once)
        self.assertEqual(at_once[2], 5)  # one partial reconcile per payment

    def test_a_second_run_changes_nothing_already_booked_or_pending(self):
        run = self.reconcile_button()
        partials = self.env["account.partial.reconcile"].search_count([])
        second = self.reconcile_button()  # while the first still has lines pending
        self.assertEqual((second.line_count, second.reconciled_count), (0, 0))
        self.assertEqual(self.env["account.partial.reconcile"].search_count([]), partials)
        self.Run._cron_bankrec_book_pending(budget=600)
        self.assertEqual(run.state, "done")
        partials = self.env["account.partial.reconcile"].search_count([])
        third = self.reconcile_button()
        self.assertEqual((third.line_count, third.reconciled_count, third.state), (0, 0, "done"))
        self.assertEqual(self.env["account.partial.reconcile"].search_count([]), partials)

    def test_a_batch_booked_twice_books_nothing_twice(self):
        run = Engine(self.bank.env, self.bank).run(background=True)  # books the first batch
        batch = run._bankrec_batches()[0]  # the second
        self.assertEqual(len(batch), 2)
        self.assertTrue(batch._bankrec_book())
        partials = self.env["account.partial.reconcile"].search_count([])
        self.assertTrue(batch._bankrec_book())
        self.assertEqual(self.env["account.partial.reconcile"].search_count([]), partials)
        self.assertEqual(set(batch.mapped("outcome")), {"booked"})

    def test_a_pending_line_booked_meanwhile_by_someone_else_ends_skipped(self):
        run = self.reconcile_button()
        run_line = run.line_ids.filtered(lambda ln: ln.statement_line_id == self.lines[3])
        # booked past this run, as an RPC sync or another user would
        outcome = Engine(self.bank.env, self.bank).book_decision(
            self.lines[3], decision_of(run_line)
        )
        self.assertEqual(outcome.action, "reconciled")
        partials = self.env["account.partial.reconcile"].search_count([])
        self.Run._cron_bankrec_book_pending(budget=600)
        self.assertEqual(run_line.outcome, "skipped")
        self.assertEqual(self.lines[3].bankrec_state, "reconciled")
        self.assertEqual((run.reconciled_count, run.skipped_count, run.state), (4, 1, "done"))
        self.assertEqual(self.env["account.partial.reconcile"].search_count([]), partials + 2)
        self.assertEqual(set(self.invoices.mapped("payment_state")), {"paid"})

    def test_a_pending_line_a_person_ignored_is_not_booked(self):
        run = self.reconcile_button()
        self.lines[4].with_user(self.reviewer).action_bankrec_ignore()
        self.Run._cron_bankrec_book_pending(budget=600)
        self.assertFalse(self.lines[4].is_reconciled)
        self.assertEqual(self.lines[4].bankrec_state, "ignored")
        self.assertEqual(run.state, "done")
        self.assertEqual(run.reconciled_count, 4)

    def test_pending_lines_a_person_validated_are_booked_once_and_the_run_ends(self):
        run = self.reconcile_button()
        self.lines[2:].with_user(self.reviewer).action_bankrec_validate()
        partials = self.env["account.partial.reconcile"].search_count([])
        self.assertTrue(self.Run._cron_bankrec_book_pending(budget=600))
        self.assertEqual(self.env["account.partial.reconcile"].search_count([]), partials)
        self.assertEqual((run.state, run.reconciled_count, run.pending_count), ("done", 5, 0))

    def test_undo_of_a_partly_booked_run_undoes_what_is_booked_and_books_no_more(self):
        run = self.reconcile_button()
        run.with_user(self.reviewer).action_undo()
        self.assertEqual(run.state, "undone")
        self.assertEqual(set(self.invoices.mapped("payment_state")), {"not_paid"})
        self.assertFalse(any(self.lines.mapped("is_reconciled")))
        self.assertEqual(set(self.lines.mapped("bankrec_state")), {"to_review"})
        self.assertEqual(
            run.line_ids.mapped("outcome"), ["undone", "undone", "left", "left", "left"]
        )
        self.assertEqual(run.pending_count, 0)
        self.assertTrue(self.Run._cron_bankrec_book_pending(budget=600))
        self.assertEqual(set(self.invoices.mapped("payment_state")), {"not_paid"})

    def test_a_journal_locked_by_another_writer_is_waited_for(self):
        run = self.reconcile_button()
        StLine = self.env["account.bank.statement.line"]
        StLine.bankrec_lock(self.bank.id, "connector run on another machine")
        woken = len(self.triggers())
        self.assertFalse(self.Run._cron_bankrec_book_pending(budget=600))
        self.assertEqual((run.state, run.reconciled_count), ("booking", 2))
        self.assertEqual(len(self.triggers()), woken + 1, "not woken again for later")
        StLine.bankrec_unlock(self.bank.id, "connector run on another machine")
        self.assertTrue(self.Run._cron_bankrec_book_pending(budget=600))
        self.assertEqual((run.state, run.reconciled_count), ("done", 5))

    def test_the_reconcile_schedule_books_pending_runs_before_starting_new_ones(self):
        run = self.reconcile_button()
        runs = self.Run.search_count([])
        Journal = self.env["account.journal"]
        Journal._cron_bankrec_reconcile(budget=0)  # one batch of the pending run, no new run
        self.assertEqual(self.Run.search_count([]), runs)
        self.assertEqual(run.pending_count, 1)
        more, more_lines = self.sure_payments(1, amount=700.0)
        Journal._cron_bankrec_reconcile(budget=600)
        self.assertEqual(run.state, "done")
        new = self.Run.search([("trigger", "=", "cron"), ("company_id", "=", self.company.id)])
        self.assertEqual(len(new), 1)
        self.assertEqual((new.state, new.reconciled_count), ("done", 1))
        self.assertTrue(more_lines.is_reconciled)
        self.assertEqual(more.payment_state, "paid")

    def test_a_small_run_is_booked_at_once(self):
        self.company.bankrec_batch_size = 200
        run = self.reconcile_button()
        self.assertEqual((run.state, run.reconciled_count, run.pending_count), ("done", 5, 0))
        self.assertTrue(run.finished_at)

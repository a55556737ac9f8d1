# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""bankrec runs booked by queue jobs: one job per journal and batch, on channel
``root.bankrec``, so a large run spreads over Odoo's workers and servers and no request
books anything itself.

The rules add-on books one batch in the request and leaves the rest to its scheduled
action; here its two hooks enqueue instead: ``_bankrec_dispatch`` (a run just recorded)
and ``_bankrec_continue`` (the scheduled actions: re-enqueue batches whose job is gone,
say failed and deleted, or a run recorded before this add-on was installed). The
identity key of a job is its batch (model, method, run line ids), so a batch waiting in
the queue is never enqueued twice; a job run twice books nothing twice, since only lines
still pending are booked.
"""

from odoo import _, api, models
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import identity_exact

LOCKED_RETRY_SECONDS = 300  # a journal locked by another writer: try the job again then


class BankrecRun(models.Model):
    _inherit = "bankrec.run"

    def _bankrec_dispatch(self):
        """Enqueue one job per journal and batch; book nothing in this transaction.
        ``bankrec_no_queue`` in the context keeps the rules add-on's own way (tests of that
        add-on, scripts that want it)."""
        if self.env.context.get("bankrec_no_queue"):
            return super()._bankrec_dispatch()
        self.filtered(lambda r: r.state == "booking")._bankrec_enqueue()

    @api.model
    def _bankrec_continue(self, deadline):
        """The scheduled actions book nothing themselves: they enqueue what is pending
        (batches already waiting in the queue are not enqueued again)."""
        if self.env.context.get("bankrec_no_queue"):
            return super()._bankrec_continue(deadline)
        self.search([("state", "=", "booking")], order="id")._bankrec_enqueue()
        return True

    def _bankrec_enqueue(self):
        """One job per journal and batch of each run's pending lines."""
        for run in self:
            batches = run._bankrec_batches()
            if not batches:  # its last lines were booked by a person meanwhile
                run._bankrec_refresh()
            for number, batch in enumerate(batches, 1):
                description = _(
                    "bankrec run %(run)s: book %(count)s lines of journal %(journal)s "
                    "(batch %(number)s of %(total)s)",
                    count=len(batch),
                    run=run.name,
                    journal=batch[:1].statement_line_id.journal_id.code,
                    number=number,
                    total=len(batches),
                )
                delayed = batch.with_delay(description=description, identity_key=identity_exact)
                delayed._bankrec_book_job()


class BankrecRunLine(models.Model):
    _inherit = "bankrec.run.line"

    def _bankrec_book_job(self):
        """Job: book this batch's decisions still pending, as the user who started the run.

        Idempotent: lines booked already (by an earlier try of this job, a person, another
        run) are not booked again. A journal locked by another writer (an RPC sync, say)
        retries later without counting the attempt: a lock expires by itself.
        """
        lines = self.exists()
        if not lines._bankrec_book():
            raise RetryableJobError(
                _("A journal of this batch is locked by another bankrec writer."),
                seconds=LOCKED_RETRY_SECONDS,
                ignore_retry=True,
            )
        outcomes = lines.mapped("outcome")
        return _(
            "%(booked)s booked, %(skipped)s booked already, %(other)s left for a person",
            booked=outcomes.count("booked"),
            skipped=outcomes.count("skipped"),
            other=len(outcomes) - outcomes.count("booked") - outcomes.count("skipped"),
        )

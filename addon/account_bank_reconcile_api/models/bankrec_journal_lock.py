# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One bankrec sync per bank journal at a time.

Two syncs writing the same journal at once plan on the same untouched lines and book them
twice, or undo each other's work. ``bankrec_lock`` / ``bankrec_unlock`` (on
``account.bank.statement.line``) let a sync hold its journal; the lock is one row per
journal under a UNIQUE constraint, taken with ``INSERT ... ON CONFLICT DO NOTHING`` and
inspected with ``SELECT ... FOR UPDATE``: PostgreSQL decides who wins, never a read followed
by a write in Python. Under Odoo's REPEATABLE READ a request that loses a race gets a
serialization failure, which Odoo's RPC layer retries with a fresh snapshot, where the
winner's row is visible.

A lock carries an expiry that the holder pushes forward with every batch: a run killed
without releasing it blocks the journal only until then, and whoever takes it over is told
who held it.
"""

from datetime import timedelta

from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError

DEFAULT_TTL = 2 * 3600  # seconds; the connector refreshes the lock at every batch


class BankrecJournalLock(models.Model):
    _name = "bankrec.journal.lock"
    _description = "bankrec: the sync currently writing a bank journal"

    journal_id = fields.Many2one(
        "account.journal", required=True, ondelete="cascade", index=True, readonly=True
    )
    owner = fields.Char(required=True, readonly=True, help="Who runs the sync (host, pid, user).")
    since = fields.Datetime(required=True, readonly=True)
    expires = fields.Datetime(
        required=True, readonly=True, help="Without a refresh before this, the lock is stale."
    )

    _sql_constraints = [
        (
            "journal_uniq",
            "unique (journal_id)",
            "A bank journal is locked by at most one bankrec sync.",
        )
    ]

    def _bankrec_journal(self, journal_id):
        """The bank journal, once the caller is known to be allowed to book its lines.

        Holding the lock of a journal means nothing but "I write its statement lines", so
        only who may write them may take it (or release it): write access to statement
        lines, and the journal's company among the caller's companies (the multi-company
        record rule of statement lines is by company).
        """
        self.env["account.bank.statement.line"].check_access_rights("write")
        journal = self.env["account.journal"].browse(int(journal_id)).exists()
        if not journal or journal.type != "bank":
            raise UserError(_("No bank journal with id %s.", journal_id))
        journal.check_access_rule("read")
        if journal.company_id not in self.env.companies:
            raise AccessError(
                _(
                    "You may not write the statement lines of journal %(journal)s "
                    "(company %(company)s).",
                    journal=journal.code,
                    company=journal.company_id.name,
                )
            )
        return journal

    def _bankrec_acquire(self, journal_id, owner, ttl_seconds):
        journal = self._bankrec_journal(journal_id)
        owner = str(owner or "").strip()
        if not owner:
            raise UserError(_("bankrec_lock needs an owner."))
        ttl = max(0, int(ttl_seconds if ttl_seconds is not None else DEFAULT_TTL))
        now = fields.Datetime.now()
        expires = now + timedelta(seconds=ttl)
        cr, uid = self.env.cr, self.env.uid
        self.flush_model()
        cr.execute(
            """
            INSERT INTO bankrec_journal_lock
                (journal_id, owner, since, expires, create_uid, write_uid, create_date, write_date)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
            ON CONFLICT (journal_id) DO NOTHING
            RETURNING id
            """,
            (journal.id, owner, now, expires, uid, uid, now, now),
        )
        answer = {
            "locked": True,
            "holder": owner,
            "since": fields.Datetime.to_string(now),
            "expires": fields.Datetime.to_string(expires),
            "taken_over": False,
        }
        if cr.fetchone():
            self.invalidate_model()
            return answer
        cr.execute(
            "SELECT id, owner, since, expires FROM bankrec_journal_lock "
            "WHERE journal_id = %s FOR UPDATE",
            (journal.id,),
        )
        row = cr.fetchone()
        if row is None:  # released between the two statements: the caller may try again
            return {**answer, "locked": False, "holder": "", "since": False}
        lock_id, holder, since, held_until = row
        if holder == owner:  # our own lock: a refresh
            cr.execute(
                "UPDATE bankrec_journal_lock SET expires = %s, write_uid = %s, write_date = %s "
                "WHERE id = %s",
                (expires, uid, now, lock_id),
            )
            self.invalidate_model()
            return {**answer, "since": fields.Datetime.to_string(since)}
        if held_until >= now:
            return {
                **answer,
                "locked": False,
                "holder": holder,
                "since": fields.Datetime.to_string(since),
                "expires": fields.Datetime.to_string(held_until),
            }
        cr.execute(
            "UPDATE bankrec_journal_lock SET owner = %s, since = %s, expires = %s, "
            "write_uid = %s, write_date = %s WHERE id = %s",
            (owner, now, expires, uid, now, lock_id),
        )
        self.invalidate_model()
        return {
            **answer,
            "taken_over": {
                "holder": holder,
                "since": fields.Datetime.to_string(since),
                "expired": fields.Datetime.to_string(held_until),
            },
        }

    def _bankrec_release(self, journal_id, owner):
        journal = self._bankrec_journal(journal_id)
        self.flush_model()
        self.env.cr.execute(
            "DELETE FROM bankrec_journal_lock WHERE journal_id = %s AND owner = %s RETURNING id",
            (journal.id, str(owner or "")),
        )
        released = bool(self.env.cr.fetchall())
        self.invalidate_model()
        return {"released": released}

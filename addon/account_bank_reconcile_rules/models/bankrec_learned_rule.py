# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Learned rules: what people's validations and rejections in Odoo taught bankrec.

Every validation of a suggestion (or choice of an alternative) and every rejection is a
verdict about a payer. bankrec's own learning (``bankrec.learning.learn``, the pure core
of ``bankrec learn``, docs/learning.md) turns verdicts into ordinary, readable rules such
as ``iban = 'CH93...' => party 'Müller AG', confidence+15``; this model keeps those rules
in Odoo, one record per payer key and company, so people can read, edit, disable and
delete them like any rule, and every run applies them after the rule sets.

The records mirror the core's two stores exactly, so the same thresholds, confidence
formula, dropping and tombstones apply as on the command line:

* the learned rules *file* -- the rule line (``rule_text``, commented out when the record
  is inactive) and its ``# learned:`` track record;
* the *state* file -- the key's verdicts, the party learned and whether a rule was ever
  written (``learn_state``, the core's own JSON for that key). A record a person deletes
  becomes a tombstone (``state = deleted``): the core then sees "written, but the rule is
  gone" and never re-creates it, just as when a person deletes a block from the file.

For each verdict the core is called with a one-key file and state built from the one
record concerned, and its answer is written back to that record.

**Legal forms.** The core's name keys drop legal forms (``DUPONT SARL`` and ``DUPONT SAS``
both give ``name:DUPONT``) and it compares parties ignoring them, which merges two
partners that differ only by legal form into one rule naming one of them. Odoo knows them
as different partners, so this side keeps them apart: when the bank spelled a legal form
next to the name, it stays part of the key and of the rule's condition
(``name:DUPONT SARL``; the condition only fires where that legal form ends a word, so
``DUPONT SA`` never fires on ``DUPONT SAS``); and a validation naming a partner that
differs from the rule's party only by legal form counts as a rejection of the rule (the
rule would have named the wrong partner), never as a validation.
"""

import dataclasses
import logging
import re
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from bankrec.errors import InputError
from bankrec.learning import (
    ChangeKind,
    LearnState,
    ValidatedDecision,
    derive_key,
    learn,
)
from bankrec.learning.keys import same_party
from bankrec.learning.ruletext import condition, rule_party
from bankrec.learning.state import KeyState, parse_state
from bankrec.learning.store import parse_learned_file
from bankrec.model import ItemKind, OpenItem
from connectors.odoo.reader import LINE_FIELDS, Currencies, statement_line_to_transaction
from dsl import RuleError, RuleSet, compile_rules

from ..engine.learning_keys import exact_party, refine_key, source_name
from ..engine.orm_transport import OrmTransport, marshal
from ..engine.runner import bank_journal

_logger = logging.getLogger(__name__)

STATES = [("pending", "Evidence only"), ("learned", "Learned"), ("deleted", "Deleted")]
# What a person may change; everything else is bankrec's record of people's verdicts.
PERSON_FIELDS = {"rule_text", "active"}
# A learned rule's location in decisions' provenance: ``learned-<record id>.rules:1``.
LOCATION_RE = re.compile(r"^learned-(\d+)\.rules:")
STATS_PREFIX = "# learned: "
ITEM_KINDS = {kind.value for kind in ItemKind}


class BankrecLearnedRule(models.Model):
    _name = "bankrec.learned.rule"
    _description = "Rule bankrec learned from people's decisions"
    _order = "company_id, key"
    _rec_name = "key"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        default=lambda self: self.env.company,
    )
    key = fields.Char(
        string="Learning key",
        required=True,
        readonly=True,
        help="What identifies the payer, as bankrec's learning derives it: the payer's IBAN "
        "(iban:...), else the payer's name without bank wording (name:...). A legal form the "
        "bank spelled stays in a name key, so partners differing only by it are kept apart.",
    )
    party = fields.Char(readonly=True, help="The partner people validated for this payer.")
    rule_text = fields.Char(
        string="Rule",
        help="One rule in bankrec's rule language. Edit it freely: bankrec only updates the "
        "number of its confidence+N action as people validate and reject.",
    )
    track_record = fields.Char(readonly=True)
    validations = fields.Integer(readonly=True)
    rejections = fields.Integer(readonly=True)
    confidence = fields.Integer(
        compute="_compute_confidence",
        store=True,
        help="What the rule adds to the matcher's score (its confidence+N actions).",
    )
    last_validation = fields.Date(readonly=True)
    last_used = fields.Datetime(readonly=True, help="The last run in which the rule fired.")
    active = fields.Boolean(
        default=True, help="A disabled rule is not applied; bankrec keeps counting verdicts."
    )
    state = fields.Selection(
        STATES,
        default="pending",
        required=True,
        readonly=True,
        help="Evidence only: verdicts recorded, not (yet) enough for a rule. Deleted: a "
        "person deleted the rule; bankrec remembers it and never learns it again (delete "
        "it once more to forget it).",
    )
    learn_state = fields.Text(
        readonly=True,
        help="bankrec's memory of this key (the learning state file's entry): every "
        "verdict counted, the party learned, whether a rule was written.",
    )

    _sql_constraints = [
        ("key_company_uniq", "unique(company_id, key)", "A payer key is learned once per company.")
    ]

    # ------------------------------------------------------------------ the rule text
    def _compile(self):
        """The record's rule compiled (a one-rule ``dsl.RuleSet``); ValidationError with
        the compiler's report (file, line, column, what was expected) otherwise."""
        self.ensure_one()
        text = self.rule_text or ""
        if "\n" in text or "\r" in text:
            raise ValidationError(
                _("The learned rule %(key)s must be one rule on one line.", key=self.key)
            )
        try:
            compiled = compile_rules(text + "\n", source_name(self.id))
        except RuleError as exc:
            raise ValidationError(
                _("The learned rule %(key)s cannot be saved:\n%(report)s", key=self.key, report=exc)
            ) from None
        if len(compiled) != 1 or text.lstrip().startswith("#"):
            raise ValidationError(
                _(
                    "The learned rule %(key)s must be exactly one rule on one line "
                    "(to switch it off, disable it).",
                    key=self.key,
                )
            )
        return compiled

    @api.constrains("rule_text", "state")
    def _check_rule_text(self):
        for record in self.filtered(lambda r: r.state == "learned"):
            record._compile()

    @api.depends("rule_text", "state")
    def _compute_confidence(self):
        for record in self:
            delta = 0
            if record.state == "learned" and record.rule_text:
                try:
                    (rule,) = record._compile().rules
                    delta = sum(a.value for a in rule.actions if a.name == "confidence")
                except ValidationError:
                    delta = 0
            record.confidence = delta

    # ------------------------------------------------------------------ people's changes
    def write(self, vals):
        """People edit the rule and switch it on or off; the rest is bankrec's account of
        their verdicts, written only by learning (as superuser)."""
        if not self.env.su:
            if set(vals) - PERSON_FIELDS:
                raise UserError(
                    _(
                        "Only the rule and whether it is active can be changed: bankrec keeps "
                        "the rest from people's validations and rejections."
                    )
                )
            if "rule_text" in vals and self.filtered(lambda r: r.state != "learned"):
                raise UserError(_("Only a learned rule has a rule to edit."))
            if vals.get("active") and self.filtered(lambda r: r.state == "deleted"):
                raise UserError(
                    _("A deleted learned rule stays deleted: delete it once more to forget it.")
                )
        return super().write(vals)

    def unlink(self):
        """Deleting a learned rule is remembered: the record becomes a tombstone, so the
        next validation for its key does not bring the rule back. Deleting a tombstone
        forgets the key, and bankrec may learn it again (the state file's semantics)."""
        tombstones = self.filtered(lambda r: r.state == "deleted")
        living = self - tombstones
        if living:
            living.check_access_rights("unlink")
            living.check_access_rule("unlink")
            living.sudo().write({"state": "deleted", "active": False})
        if tombstones:
            return super(BankrecLearnedRule, tombstones).unlink()
        return True

    # ------------------------------------------------------------------ use in runs
    @api.model
    def _rules_for(self, company):
        """The company's active learned rules compiled, each located at its record
        (``learned-<id>.rules:1``, so a decision's provenance names the record), or None
        when there are none."""
        records = self.search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "learned"),
                ("rule_text", "!=", False),
            ],
            order="id",
        )
        if not records:
            return None
        rules = []
        for record in records:
            try:
                (rule,) = record._compile().rules
            except ValidationError as exc:  # stored before a change of the language
                _logger.warning("learned rule %s skipped: %s", record.id, exc)
                continue
            rules.append(dataclasses.replace(rule, location=f"{source_name(record.id)}:1"))
        return RuleSet(rules) if rules else None

    @api.model
    def _note_use(self, company, decisions):
        """After a run's matching: the learned rules that shaped a decision are marked used
        now; returns the run's label for them (``learned 14``, or "" when none apply)."""
        fired = {
            int(found.group(1))
            for decision in decisions
            for location in decision.provenance
            if (found := LOCATION_RE.match(location))
        }
        if fired:
            used = self.sudo().browse(sorted(fired)).exists()
            used.write({"last_used": fields.Datetime.now()})
        count = self.search_count(
            [
                ("company_id", "=", company.id),
                ("state", "=", "learned"),
                ("rule_text", "!=", False),
            ]
        )
        return f"learned {count}" if count else ""

    # ------------------------------------------------------------------ learning
    @api.model
    def _learn_from_booking(self, run_line, allocations=None):
        """A person booked ``run_line``'s suggestion (``allocations`` None) or chose other
        items: the booked items are validated; suggested items not chosen are rejected."""
        suggested = [str(item) for item, _amount in run_line.allocations()]
        if allocations is None:
            return self._learn_from(run_line, suggested, [])
        chosen = [str(item) for item, _amount in allocations]
        rejected = suggested if set(suggested) != set(chosen) else []
        return self._learn_from(run_line, chosen, rejected)

    @api.model
    def _learn_from(self, run_line, accepted_items=(), rejected_items=()):
        """Teach bankrec one person's verdicts on ``run_line``'s statement line: the items
        they accepted, the items they rejected (open item ids).

        Any reviewer's verdict teaches, so the learned rule is written as superuser. A
        verdict that teaches nothing (no IBAN, a generic name, items of several partners)
        changes nothing, and learning never stops the booking it comes from.
        """
        st_line = run_line.statement_line_id
        tx = self._transaction(st_line, run_line.transaction_id)
        wanted = {str(i) for i in (*accepted_items, *rejected_items) if str(i).isdigit()}
        moves = self.env["account.move"].browse(sorted(int(i) for i in wanted)).exists()
        items = {str(m.id): self._open_item(m) for m in moves if m.move_type in ITEM_KINDS}
        today = fields.Date.context_today(self)
        decisions = []
        accepted = tuple(dict.fromkeys(str(i) for i in accepted_items if str(i) in items))
        rejected = tuple(dict.fromkeys(str(i) for i in rejected_items if str(i) in items))
        if accepted:
            decisions.append(ValidatedDecision(tx.id, accepted, True, date=today))
        if rejected:
            decisions.append(ValidatedDecision(tx.id, rejected, False, date=today))
        if not decisions:
            return self.browse()
        return self.sudo()._learn(st_line.company_id, tx, list(items.values()), decisions, today)

    @api.model
    def _transaction(self, st_line, transaction_id):
        """The statement line as bankrec's matcher saw it (the connector's own mapping)."""
        row = marshal(st_line.read(LINE_FIELDS)[0])
        tx = statement_line_to_transaction(
            row, bank_journal(st_line.journal_id), Currencies(OrmTransport(self.env))
        )
        return dataclasses.replace(tx, id=transaction_id or tx.id)

    @api.model
    def _open_item(self, move):
        """An invoice as the open item the decision was about (its partner is what counts)."""
        partner = move.commercial_partner_id or move.partner_id
        return OpenItem(
            id=str(move.id),
            kind=ItemKind(move.move_type),
            number=move.name or "",
            partner=partner.display_name or "",
            date=move.invoice_date or move.date,
            due_date=move.invoice_date_due or None,
            amount=Decimal(str(move.amount_total)),
            residual=Decimal(str(move.amount_residual)),
            currency=move.currency_id.name,
        )

    @api.model
    def _learn(self, company, tx, items, decisions, today):
        """Run the core's ``learn()`` on the record of ``tx``'s key and mirror its answer."""
        core = derive_key(tx)
        if core is None:
            return self.browse()
        key, refined = refine_key(core, tx.counterparty)
        record = self.with_context(active_test=False).search(
            [("company_id", "=", company.id), ("key", "=", key)], limit=1
        )
        decisions = record._exact_parties(decisions, {i.id: i for i in items})
        try:
            text, state = record._core_files(str(core))
            result = learn(
                decisions, [tx], items, today=today, rules_text=text, state=state,
                rules_source=source_name(record.id or "new"),
            )  # fmt: skip
        except InputError as exc:  # never block a booking because of learning
            _logger.warning("bankrec could not learn from %s: %s", tx.id, exc)
            return self.browse()
        change = next((c for c in result.changes if c.key == str(core)), None)
        if change is None:  # the verdicts teach nothing (no single party)
            return self.browse()
        return record._mirror(company, key, core, refined, result, change)

    def _key_state(self):
        """The core's state entry of this record's key (one key per record)."""
        if not self.learn_state:
            return None
        keys = parse_state(self.learn_state, f"learn_state of {self.key}").keys
        return next(iter(keys.values()), None)

    def _core_files(self, core_key):
        """The one-key learned rules text and state the core expects for this record."""
        if not self:
            return "", LearnState()
        key_state = self._key_state()
        if self.state == "deleted":
            key_state = key_state or KeyState(party=self.party or "")
            key_state.written = True  # the core's tombstone: written once, now gone
        state = LearnState(keys={core_key: key_state} if key_state else {})
        if self.state != "learned" or not self.rule_text:
            return "", state
        lines = [STATS_PREFIX + self.track_record] if self.track_record else []
        lines.append(f"# learned-key: {core_key}")
        lines.append(self.rule_text if self.active else "# " + self.rule_text)
        return "\n".join(lines) + "\n", state

    def _exact_parties(self, decisions, items):
        """Verdicts as the core should count them for this record, partners kept exact.

        The core treats partners differing only by legal form as one; Odoo does not. A
        validation for such a sibling is a rejection of this rule (it would have named the
        wrong partner); a rejection of the sibling's items says nothing about this rule.
        """
        names = [p for p in (self.party, rule_party(self.rule_text or "")) if p]
        if not names:
            return decisions
        ours = {exact_party(p) for p in names}
        counted = []
        for decision in decisions:
            partners = {exact_party(items[i].partner) for i in decision.items if i in items}
            sibling = (
                len(partners) == 1
                and not partners & ours
                and any(same_party(items[decision.items[0]].partner, p) for p in names)
            )
            if not sibling:
                counted.append(decision)
            elif decision.accepted:
                counted.append(dataclasses.replace(decision, accepted=False, party=names[0]))
        return counted

    def _mirror(self, company, key, core, refined, result, change):
        """Write the core's answer for ``core`` (its key) onto this record (created if
        needed)."""
        core_key = str(core)
        key_state = result.state.keys.get(core_key)
        block = parse_learned_file(result.text).blocks.get(core_key)
        counts = change.counts
        vals = {
            "learn_state": LearnState(keys={core_key: key_state}).to_json() if key_state else False,
            "validations": counts.validations,
            "rejections": counts.rejections,
        }
        if block is not None and block.stats:
            vals["track_record"] = block.stats.strip()[len(STATS_PREFIX) :].strip()
        kind = change.kind
        rule = block.rule if block is not None else None
        if kind is ChangeKind.CREATED and rule:
            generated = condition(core)
            if refined and rule.startswith(generated):
                rule = refined + rule[len(generated) :]
            vals.update(state="learned", active=True, rule_text=rule, party=change.party)
        elif kind in (ChangeKind.UPDATED, ChangeKind.UNCHANGED) and rule:
            vals["rule_text"] = rule
        elif kind is ChangeKind.DROPPED and rule:
            vals.update(rule_text=rule.lstrip()[1:].strip(), active=False)
        elif kind is ChangeKind.PENDING:
            vals.update(state="pending", party=change.party or self.party or False)
        vals["last_validation"] = self._last_validation(key_state, vals, rule)
        if self:
            self.write(vals)
            return self
        if kind is ChangeKind.DELETED:
            return self
        return self.create({"company_id": company.id, "key": key, **vals})

    def _last_validation(self, key_state, vals, rule):
        """When a person last validated this rule's party for the key."""
        if key_state is None:
            return self.last_validation
        names = [p for p in (rule_party(rule or ""), vals.get("party") or self.party) if p]
        dates = [
            v.date
            for v in key_state.decisions.values()
            if v.accepted and any(same_party(v.party, p) for p in names)
        ]
        if not dates and key_state.carried.validations:
            return key_state.carried.last
        return max(dates, default=None)

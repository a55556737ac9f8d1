/** @odoo-module **/
// Copyright 2026 bankrec contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import { Component, onWillStart, useExternalListener, useRef, useState } from "@odoo/owl";
import { ConfirmationDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { useHotkey } from "@web/core/hotkeys/hotkey_hook";
import { _t } from "@web/core/l10n/translation";
import { downloadFile } from "@web/core/network/download";
import { registry } from "@web/core/registry";
import { KeepLast } from "@web/core/utils/concurrency";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { useSetupAction } from "@web/webclient/actions/action_hook";
import { bandClass, bandLabel, money, statusClass } from "./bands";
import { BankrecLineDetail } from "./line_detail";

const PAGE_SIZE = 80;
const LINE_MODEL = "account.bank.statement.line";

function isEditable(target) {
    return (
        target instanceof HTMLElement &&
        (/input|textarea|select/i.test(target.tagName) || target.isContentEditable)
    );
}

/**
 * The reconciliation workspace of one bank journal: tabs with counts, the header's totals,
 * the lines on the left and the selected line's detail on the right; bulk actions and a
 * keyboard for everything (j/k, v, i, u, /, ?).
 */
export class BankrecWorkspace extends Component {
    static template = "account_bank_reconcile_workspace.Workspace";
    static components = { Layout, BankrecLineDetail };
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.dialog = useService("dialog");
        this.notification = useService("notification");
        this.router = useService("router");
        this.ui = useService("ui");
        this.rpc = useService("rpc");
        this.user = useService("user");
        this.keepLast = new KeepLast();
        this.detailSeq = 0;
        this.searchRef = useRef("search");
        this.listRef = useRef("list");
        this.bandClass = bandClass;
        this.bandLabel = bandLabel;
        this.statusClass = statusClass;

        const action = this.props.action || {};
        const params = { ...(action.context?.params || {}), ...(action.params || {}) };
        const saved = this.props.state || {};
        this.state = useState({
            journalId: saved.journalId || parseInt(params.journal_id) || null,
            tab: saved.tab || params.tab || "to_review",
            search: saved.search || "",
            stale: saved.stale ?? [true, "true", "1", 1].includes(params.stale),
            offset: saved.offset || 0,
            data: null,
            selectedId: saved.selectedId || null,
            detail: null,
            checked: {},
            showHelp: false,
            busy: false,
        });
        this.display = { controlPanel: {} };

        useSetupAction({
            getLocalState: () => ({
                journalId: this.state.journalId,
                tab: this.state.tab,
                search: this.state.search,
                stale: this.state.stale,
                offset: this.state.offset,
                selectedId: this.state.selectedId,
            }),
        });
        onWillStart(() => this.load());

        // the keyboard: plain keys, never while typing or while a dialog is open
        useHotkey("j", () => this.move(1), { allowRepeat: true });
        useHotkey("arrowdown", () => this.move(1), { allowRepeat: true });
        useHotkey("k", () => this.move(-1), { allowRepeat: true });
        useHotkey("arrowup", () => this.move(-1), { allowRepeat: true });
        useHotkey("v", () => this.validateSelected());
        useHotkey("i", () => this.ignoreSelected());
        useHotkey("u", () => this.undoSelected());
        useHotkey("x", () => this.toggleChecked(this.state.selectedId));
        useHotkey("escape", () => this.onEscape(), { bypassEditableProtection: true });
        useExternalListener(window, "keydown", this.onWindowKeydown.bind(this));
    }

    // ------------------------------------------------------------------ data
    get data() {
        return this.state.data;
    }

    get header() {
        return this.state.data?.header || {};
    }

    get lines() {
        return this.state.data?.lines || [];
    }

    get counts() {
        return this.state.data?.counts || {};
    }

    get currencyId() {
        return this.state.data?.journal.currency_id;
    }

    get tabs() {
        return [
            { key: "to_review", label: _t("To review") },
            { key: "reconciled", label: _t("Reconciled") },
            { key: "ignored", label: _t("Ignored") },
            { key: "all", label: _t("All") },
        ];
    }

    get checkedIds() {
        return Object.keys(this.state.checked)
            .filter((id) => this.state.checked[id])
            .map((id) => parseInt(id));
    }

    get pagerText() {
        const total = this.data?.total || 0;
        if (!total) {
            return "0";
        }
        const first = this.state.offset + 1;
        const last = Math.min(total, this.state.offset + PAGE_SIZE);
        return `${first}-${last} / ${total}`;
    }

    money(value, currencyId) {
        return money(value, currencyId || this.currencyId);
    }

    async load() {
        if (!this.state.journalId) {
            const journals = await this.orm.searchRead(
                "account.journal",
                [["type", "=", "bank"]],
                ["id"],
                { limit: 1, order: "sequence, id" }
            );
            if (!journals.length) {
                this.state.data = false;
                return;
            }
            this.state.journalId = journals[0].id;
        }
        const previous = this.lines.findIndex((l) => l.id === this.state.selectedId);
        const data = await this.keepLast.add(
            this.orm.call("account.journal", "bankrec_workspace_data", [[this.state.journalId]], {
                tab: this.state.tab,
                offset: this.state.offset,
                limit: PAGE_SIZE,
                search: this.state.search,
                stale: this.state.stale,
            })
        );
        if (!data.lines.length && this.state.offset > 0 && data.total > 0) {
            // the page emptied (lines left the tab): show the last page that has lines
            this.state.offset = Math.max(0, Math.floor((data.total - 1) / PAGE_SIZE) * PAGE_SIZE);
            return this.load();
        }
        this.state.data = data;
        this.env.config?.setDisplayName?.(_t("Reconcile %s", data.journal.name));
        this.router.pushState({
            journal_id: this.state.journalId,
            tab: this.state.tab,
            stale: this.state.stale ? 1 : undefined,
        });
        const ids = data.lines.map((l) => l.id);
        for (const id of this.checkedIds) {
            if (!ids.includes(id)) {
                delete this.state.checked[id];
            }
        }
        let selected = this.state.selectedId;
        if (!ids.includes(selected)) {
            const index = Math.min(Math.max(previous, 0), ids.length - 1);
            selected = ids.length ? ids[index] : null;
        }
        await this.select(selected);
    }

    async reload() {
        await this.load();
    }

    async select(lineId) {
        this.state.selectedId = lineId;
        if (!lineId) {
            this.state.detail = null;
            return;
        }
        const seq = ++this.detailSeq;
        const detail = await this.orm.call(LINE_MODEL, "bankrec_workspace_line", [[lineId]]);
        if (seq === this.detailSeq) {
            this.state.detail = detail;
            this.scrollToSelected();
        }
    }

    scrollToSelected() {
        const row = this.listRef.el?.querySelector(`tr[data-id="${this.state.selectedId}"]`);
        row?.scrollIntoView?.({ block: "nearest" });
    }

    // ------------------------------------------------------------------ navigation
    async setTab(tab) {
        this.state.tab = tab;
        this.state.offset = 0;
        this.state.selectedId = null;
        this.state.checked = {};
        await this.load();
    }

    async setJournal(journalId) {
        document.activeElement?.blur?.(); // the arrows move through lines, not journals
        this.state.journalId = parseInt(journalId);
        this.state.offset = 0;
        this.state.selectedId = null;
        this.state.checked = {};
        await this.load();
    }

    async clearStale() {
        this.state.stale = false;
        this.state.offset = 0;
        await this.load();
    }

    async page(delta) {
        const total = this.data?.total || 0;
        const offset = this.state.offset + delta * PAGE_SIZE;
        if (offset < 0 || offset >= total) {
            return false;
        }
        this.state.offset = offset;
        this.state.selectedId = null;
        await this.load();
        return true;
    }

    async move(delta) {
        const ids = this.lines.map((l) => l.id);
        if (!ids.length) {
            return;
        }
        const index = ids.indexOf(this.state.selectedId);
        const next = index + delta;
        if (next >= ids.length) {
            await this.page(1);
            return;
        }
        if (next < 0) {
            if (await this.page(-1)) {
                await this.select(this.lines[this.lines.length - 1]?.id);
            }
            return;
        }
        await this.select(ids[next]);
    }

    toggleChecked(lineId) {
        if (lineId) {
            this.state.checked[lineId] = !this.state.checked[lineId];
        }
    }

    toggleAll(ev) {
        const on = ev.target.checked;
        for (const line of this.lines) {
            this.state.checked[line.id] = on;
        }
    }

    async onSearchKeydown(ev) {
        if (ev.key === "Enter") {
            ev.preventDefault();
            this.state.search = ev.target.value;
            this.state.offset = 0;
            this.state.selectedId = null;
            await this.load();
        } else if (ev.key === "Escape") {
            ev.target.blur();
        }
    }

    onWindowKeydown(ev) {
        if (ev.ctrlKey || ev.metaKey || ev.altKey || isEditable(ev.target)) {
            return;
        }
        if (this.ui.activeElement !== document || document.querySelector(".modal")) {
            return; // a dialog is open: its keys, not ours
        }
        if (ev.key === "/") {
            ev.preventDefault();
            this.searchRef.el?.focus();
            this.searchRef.el?.select();
        } else if (ev.key === "?") {
            ev.preventDefault();
            this.state.showHelp = !this.state.showHelp;
        }
    }

    onEscape() {
        if (this.state.showHelp) {
            this.state.showHelp = false;
        } else if (document.activeElement && isEditable(document.activeElement)) {
            document.activeElement.blur();
        }
    }

    // ------------------------------------------------------------------ one line
    async lineAction(method, args = [], lineId = this.state.selectedId) {
        if (!lineId || this.state.busy) {
            return;
        }
        this.state.busy = true;
        let result;
        try {
            // as a button would: an action the method returns comes back ready to run
            result = await this.rpc("/web/dataset/call_button", {
                model: LINE_MODEL,
                method,
                args: [[lineId], ...args],
                kwargs: { context: this.user.context },
            });
        } finally {
            this.state.busy = false;
        }
        if (result && typeof result === "object" && result.type) {
            await this.action.doAction(result, { onClose: () => this.reload() });
            return;
        }
        await this.reload();
    }

    validateSelected() {
        if (this.state.detail?.can.validate) {
            return this.lineAction("action_bankrec_validate");
        }
    }

    ignoreSelected() {
        if (this.checkedIds.length) {
            return this.ignoreChecked();
        }
        if (this.state.detail?.can.ignore) {
            return this.lineAction("action_bankrec_ignore");
        }
    }

    undoSelected() {
        if (this.state.detail?.can.undo) {
            return this.lineAction("action_bankrec_undo");
        }
    }

    onDetailAction(method) {
        return this.lineAction(method);
    }

    onChoose(index) {
        return this.lineAction("action_bankrec_choose", [index]);
    }

    onMatchItems(moveIds) {
        return this.lineAction("action_bankrec_workspace_match", [moveIds]);
    }

    openRun(runId) {
        return this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "bankrec.run",
            res_id: runId,
            views: [[false, "form"]],
        });
    }

    openMove(moveId) {
        return this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "account.move",
            res_id: moveId,
            views: [[false, "form"]],
        });
    }

    // ------------------------------------------------------------------ bulk
    async journalCall(method, kwargs = {}) {
        this.state.busy = true;
        try {
            return await this.orm.call("account.journal", method, [[this.state.journalId]], kwargs);
        } finally {
            this.state.busy = false;
        }
    }

    validateHigh() {
        const count = this.header.high_confidence;
        if (!count) {
            return;
        }
        this.dialog.add(ConfirmationDialog, {
            title: _t("Validate high-confidence suggestions"),
            body: _t(
                "Book the %s suggestions of high confidence (90 or more) as they stand?",
                count
            ),
            confirmLabel: _t("Validate"),
            confirm: async () => {
                const result = await this.journalCall("bankrec_workspace_validate_high");
                const failed = result.failed.length;
                this.notification.add(
                    failed
                        ? _t(
                              "%(validated)s validated; %(failed)s refused: %(why)s",
                              {
                                  validated: result.validated,
                                  failed,
                                  why: result.failed[0].message,
                              }
                          )
                        : _t("%s suggestions validated.", result.validated),
                    { type: failed ? "warning" : "success" }
                );
                await this.reload();
            },
            cancel: () => {},
        });
    }

    async ignoreChecked() {
        const ids = this.checkedIds;
        if (!ids.length) {
            return;
        }
        this.state.busy = true;
        try {
            await this.orm.call(LINE_MODEL, "action_bankrec_ignore", [ids]);
        } finally {
            this.state.busy = false;
        }
        this.state.checked = {};
        this.notification.add(_t("%s lines ignored.", ids.length), { type: "info" });
        await this.reload();
    }

    async rematch() {
        const ids = this.checkedIds;
        const runs = await this.journalCall("bankrec_workspace_rematch", {
            line_ids: ids.length ? ids : null,
        });
        const run = runs[0];
        if (run) {
            this.notification.add(
                _t(
                    "%(lines)s lines matched again: %(reconciled)s reconciled, %(suggested)s to review, %(unmatched)s without a match.",
                    run
                ),
                { type: "success" }
            );
        }
        this.state.checked = {};
        await this.reload();
    }

    async export(fmt) {
        const file = await this.journalCall("bankrec_workspace_export", {
            fmt,
            tab: this.state.tab,
            search: this.state.search,
            stale: this.state.stale,
        });
        const bytes = Uint8Array.from(atob(file.content), (c) => c.charCodeAt(0));
        await downloadFile(new Blob([bytes], { type: file.mimetype }), file.filename, file.mimetype);
    }

    // ------------------------------------------------------------------ runs and rules
    undoRun() {
        const run = this.header.last_run;
        if (!run || run.state === "undone") {
            return;
        }
        this.dialog.add(ConfirmationDialog, {
            title: _t("Undo this run"),
            body: _t(
                "Undo every line run %s booked? The invoices get their payment state back.",
                run.name
            ),
            confirmLabel: _t("Undo this run"),
            confirm: async () => {
                await this.journalCall("bankrec_workspace_undo_last_run", { run_id: run.id });
                this.notification.add(_t("Run %s undone.", run.name), { type: "info" });
                await this.reload();
            },
            cancel: () => {},
        });
    }

    openRuns() {
        return this.action.doAction("account_bank_reconcile_rules.bankrec_run_action", {
            additionalContext: { search_default_journal_id: this.state.journalId },
        });
    }

    openLearnedRules() {
        return this.action.doAction("account_bank_reconcile_rules.bankrec_learned_rule_action");
    }
}

registry.category("actions").add("bankrec_workspace", BankrecWorkspace);

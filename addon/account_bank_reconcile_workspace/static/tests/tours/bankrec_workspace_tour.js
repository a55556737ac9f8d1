/** @odoo-module **/
// Copyright 2026 bankrec contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
//
// The workspace in a real browser (tests/test_tour.py prepares the data): open a journal's
// workspace, read a suggestion's reasons and alternatives, validate it with the keyboard,
// ignore a fee, book a line as an expense, undo it, undo the run, and watch the counts and
// the balance difference change; then the runs list, the learned rules and the dashboard.
// Steps named "screenshot" save a PNG when the test asked for them (BANKREC_SCREENSHOTS).

import { registry } from "@web/core/registry";
import { screenshot } from "@account_bank_reconcile_rules/../tests/tours/screenshot";

const WS = ".o_bankrec_workspace";
const line = (label) => `${WS} tr.o_bankrec_line:contains("${label}")`;
const countIs = (tab, n) => `${WS} .o_bankrec_tab[data-tab="${tab}"] .o_bankrec_tab_count[data-count="${n}"]`;

function press(key, content) {
    return {
        content: content || `press ${key}`,
        trigger: `${WS} .o_bankrec_detail`,
        run: () => {
            const target = document.activeElement && document.activeElement !== document.body
                ? document.activeElement
                : document.body;
            target.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true }));
            target.dispatchEvent(new KeyboardEvent("keyup", { key, bubbles: true, cancelable: true }));
        },
    };
}

registry.category("web_tour.tours").add("bankrec_workspace_tour", {
    test: true,
    steps: () => [
        {
            content: "the workspace opens on the lines to review, with counts and the header",
            trigger: `${WS} .o_bankrec_line`,
            extra_trigger: `${countIs("to_review", 4)}`,
            run: () => {},
        },
        {
            content: "one line was reconciled by the run",
            trigger: `${countIs("reconciled", 1)}`,
            extra_trigger: `${WS} .o_bankrec_matched_lines:contains("1 / 5")`,
            run: () => {},
        },
        {
            content: "confidence badges are coloured by band",
            trigger: `${line("Transfer")} .o_bankrec_badge[data-band].text-bg-success, ${line("Transfer")} .o_bankrec_badge[data-band].text-bg-info, ${line("Transfer")} .o_bankrec_badge[data-band].text-bg-warning, ${line("Transfer")} .o_bankrec_badge[data-band].text-bg-danger`,
            run: () => {},
        },
        screenshot("workspace", `${WS} .o_bankrec_detail`),
        {
            content: "open the line paid to one of two identical invoices",
            trigger: line("Transfer"),
        },
        {
            content: "its suggestion shows every reason with its points",
            trigger: `${WS} .o_bankrec_detail .o_bankrec_suggestion .o_bankrec_reason .o_bankrec_points`,
            extra_trigger: `${WS} .o_bankrec_detail_label:contains("Transfer")`,
            run: () => {},
        },
        {
            content: "and the alternative with its reasons",
            trigger: `${WS} .o_bankrec_alternative .o_bankrec_reason`,
            run: () => {},
        },
        screenshot("line_detail", `${WS} .o_bankrec_alternative`),
        {
            content: "the help lists the keys",
            trigger: `${WS} .o_bankrec_help_button`,
        },
        {
            content: "help is open",
            trigger: `${WS} .o_bankrec_help:contains("Validate the suggestion")`,
            run: () => {},
        },
        screenshot("keyboard_help", `${WS} .o_bankrec_help`),
        {
            content: "close the help",
            trigger: `${WS} .o_bankrec_help_close`,
        },
        {
            content: "the difference before validating",
            trigger: `${WS} .o_bankrec_difference:contains("1,184.50")`,
            run: () => {},
        },
        press("v", "validate with the keyboard"),
        {
            content: "the line left the tab: 3 to review, 2 reconciled",
            trigger: `${countIs("to_review", 3)}`,
            extra_trigger: `${countIs("reconciled", 2)}`,
            run: () => {},
        },
        {
            content: "and the difference fell by its amount",
            trigger: `${WS} .o_bankrec_difference:contains("684.50")`,
            extra_trigger: `${WS} .o_bankrec_matched_lines:contains("2 / 5")`,
            run: () => {},
        },
        {
            content: "open the bank fee",
            trigger: line("FRAIS TENUE DE COMPTE"),
        },
        {
            content: "it says why there is no match",
            trigger: `${WS} .o_bankrec_why_no_match:contains("No open item is at 12.50")`,
            extra_trigger: `${WS} .o_bankrec_detail_label:contains("FRAIS")`,
            run: () => {},
        },
        press("i", "ignore it with the keyboard"),
        {
            content: "it is ignored",
            trigger: `${countIs("ignored", 1)}`,
            extra_trigger: `${countIs("to_review", 2)}`,
            run: () => {},
        },
        {
            content: "a line in another currency says why it found nothing",
            trigger: line("Zahlung Auftrag"),
        },
        {
            content: "the only open item at this amount is in another currency",
            trigger: `${WS} .o_bankrec_why_no_match:contains("The only open item at this amount is")`,
            run: () => {},
        },
        screenshot("no_match", `${WS} .o_bankrec_why_no_match`),
        {
            content: "look for another open item by amount",
            trigger: `${WS} input.o_bankrec_item_query`,
            run: "text 777",
        },
        {
            content: "search",
            trigger: `${WS} .o_bankrec_item_search_button`,
        },
        {
            content: "pick the invoice in the other currency",
            trigger: `${WS} .o_bankrec_item_result:contains("777")`,
        },
        {
            content: "match the line with it by hand",
            trigger: `${WS} .o_bankrec_match_picked:not([disabled])`,
        },
        {
            content: "the manual match opens with the item",
            trigger: `.o_data_row:contains("Gletscher")`,
            run: () => {},
        },
        {
            content: "leave it",
            trigger: `.modal-footer button:contains("Cancel")`,
        },
        {
            content: "back in the workspace",
            trigger: `body:not(:has(.modal)) ${WS} .o_bankrec_why_no_match`,
            run: () => {},
        },
        {
            content: "open the office supplies line",
            trigger: line("Office supplies"),
        },
        {
            content: "book it as an expense",
            trigger: `${WS} .o_bankrec_detail_label:contains("Office supplies")`,
            run: () => {},
        },
        {
            content: "book it as an expense",
            trigger: `${WS} .o_bankrec_expense`,
        },
        {
            content: "choose the account",
            trigger: `div[name="account_id"] input`,
            run: "text 612345",
        },
        {
            content: "pick it",
            trigger: `.ui-menu-item a:contains("612345")`,
        },
        {
            content: "book",
            trigger: `.modal-footer button[name="action_book"]`,
        },
        {
            content: "it is reconciled: 1 to review, 3 reconciled",
            trigger: `${countIs("reconciled", 3)}`,
            extra_trigger: `${countIs("to_review", 1)}`,
            run: () => {},
        },
        {
            content: "see the reconciled lines",
            trigger: `${WS} .o_bankrec_tab[data-tab="reconciled"]`,
        },
        {
            content: "open the expense",
            trigger: line("Office supplies"),
        },
        {
            content: "it says what it was booked to",
            trigger: `${WS} .o_bankrec_reconciled_with:contains("612345")`,
            extra_trigger: `${WS} .o_bankrec_detail_label:contains("Office supplies")`,
            run: () => {},
        },
        press("u", "undo it with the keyboard"),
        {
            content: "it is open again",
            trigger: `${countIs("reconciled", 2)}`,
            extra_trigger: `${countIs("to_review", 2)}`,
            run: () => {},
        },
        {
            content: "move through the lines with j",
            trigger: `${WS} tr.o_bankrec_line.o_bankrec_selected`,
            run: () => {},
        },
        press("j"),
        press("k"),
        press("/", "/ goes to the search box"),
        {
            content: "search for a label",
            trigger: `${WS} input.o_bankrec_search`,
            run: function () {
                const input = this.$anchor[0];
                if (document.activeElement !== input) {
                    console.error("/ did not put the focus in the search box");
                }
                input.value = "Zahlung";
                input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
            },
        },
        {
            content: "only that line is left, the tabs count the search",
            trigger: `${countIs("to_review", 1)}`,
            extra_trigger: `${countIs("all", 1)}`,
            run: () => {},
        },
        {
            content: "clear the search",
            trigger: `${WS} input.o_bankrec_search`,
            run: function () {
                const input = this.$anchor[0];
                input.value = "";
                input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
                input.blur();
            },
        },
        {
            content: "every line again",
            trigger: `${countIs("all", 5)}`,
            run: () => {},
        },
        {
            content: "undo the whole run",
            trigger: `${WS} .o_bankrec_undo_run`,
        },
        {
            content: "confirm",
            trigger: `.modal-footer .btn-primary`,
        },
        {
            content: "everything the run booked is undone, the suggestion validated from it too",
            trigger: `${countIs("reconciled", 0)}`,
            extra_trigger: `${WS} .o_bankrec_runs .badge:contains("undone")`,
            run: () => {},
        },
        {
            content: "and the difference grew back",
            trigger: `${WS} .o_bankrec_difference:contains("2,184.50")`,
            run: () => {},
        },
        {
            content: "match the open lines again",
            trigger: `${WS} .o_bankrec_rematch`,
        },
        {
            content: "the new run books the sure line again",
            trigger: `${countIs("reconciled", 1)}`,
            extra_trigger: `${WS} .o_bankrec_undo_run`,
            run: () => {},
        },
        {
            content: "the runs",
            trigger: `${WS} .o_bankrec_open_runs`,
        },
        {
            content: "each run can be undone from the list",
            trigger: `.o_list_view .o_data_row`,
            extra_trigger: `.o_list_view .o_bankrec_run_undo`,
            run: () => {},
        },
        screenshot("runs", ".o_list_view .o_data_row"),
        {
            content: "back to the workspace",
            trigger: `.o_breadcrumb .o_back_button a, .o_breadcrumb .breadcrumb-item a`,
        },
        {
            content: "the learned rules",
            trigger: `${WS} .o_bankrec_open_rules`,
        },
        {
            content: "the learned rules list",
            trigger: `.o_list_view .o_data_row:contains("HAFEN")`,
            run: () => {},
        },
        screenshot("learned_rules", ".o_list_view .o_data_row"),
        {
            content: "preview which past lines a rule hits",
            trigger: `.o_list_view .o_data_row:contains("GLETSCHER") .o_bankrec_rule_preview`,
        },
        {
            content: "the preview lists them",
            trigger: `.o_bankrec_preview_summary:contains("of")`,
            extra_trigger: `.modal .o_data_row`,
            run: () => {},
        },
        screenshot("rule_preview", ".o_data_row"),
        {
            content: "close",
            trigger: `.modal-footer button:contains("Close")`,
        },
        {
            content: "closed",
            trigger: `body:not(:has(.modal))`,
            run: () => {},
        },
    ],
});

registry.category("web_tour.tours").add("bankrec_dashboard_tour", {
    test: true,
    steps: () => [
        {
            content: "the bank card shows the lines to review",
            trigger: `.o_bankrec_dashboard_review:contains("to review")`,
            extra_trigger: `.o_bankrec_dashboard_stale`,
            run: () => {},
        },
        screenshot("dashboard", ".o_bankrec_dashboard"),
        {
            content: "one click on the alert opens the workspace filtered to them",
            trigger: `.o_bankrec_dashboard_stale`,
        },
        {
            content: "the workspace shows the stale lines only",
            trigger: `${WS} .o_bankrec_stale_filter`,
            extra_trigger: `${countIs("to_review", 1)}`,
            run: () => {},
        },
        {
            content: "they are flagged",
            trigger: `${WS} tr.o_bankrec_line.o_bankrec_stale`,
            run: () => {},
        },
        {
            content: "remove the filter",
            trigger: `${WS} .o_bankrec_stale_filter a`,
        },
        {
            content: "every line to review again",
            trigger: `${countIs("to_review", 4)}`,
            run: () => {},
        },
    ],
});

/** @odoo-module **/
// Copyright 2026 bankrec contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
//
// A bank feed connected and synchronised in a real browser (tests/test_tour.py starts the
// fake Enable Banking and gives its account three transactions): "Connect a bank" on the
// journal's dashboard card, the wizard (provider, country, "Find banks", the bank,
// "Connect"), the fake bank's consent page, which answers 302 back to Odoo's
// /bankrec/feeds/return, the journal the controller redirects to, then the card again and
// "Synchronise now".
//
// The consent is a real page load on another origin (the fake listens on another port of
// 127.0.0.1): the tour's state lives in Odoo's localStorage, which that origin cannot see,
// but the fake redirects straight back to Odoo's origin (web.base.url, the origin the tour
// started on), where the tour resumes at the step after "Connect".
// Steps named "screenshot" save a PNG when the test asked for them (BANKREC_SCREENSHOTS).

import { registry } from "@web/core/registry";
import { screenshot } from "@account_bank_reconcile_rules/../tests/tours/screenshot";

// what tests/test_tour.py prepared: the journal's name and its account number (the IBAN
// tests/common.py gives it, iban_for("bankrec feeds test account", "FR"))
const JOURNAL = "BNP Paribas Pro";
const IBAN = "FR9358940737250724257103964";

const CARD = `.o_kanban_record:has(.o_kanban_card_header_title .o_primary:contains("${JOURNAL}"))`;
// the wizard's dialog (a step's trigger is looked for inside the open dialog, so this
// names an element in it, not the .modal itself)
const WIZARD = `.modal-content:has(.o_form_view div[name="provider"])`;

registry.category("web_tour.tours").add("bankrec_feeds_tour", {
    test: true,
    steps: () => [
        {
            content: "the bank journal's card offers to connect its bank",
            trigger: `${CARD} a.o_bankrec_feed_connect:contains("Connect a bank")`,
            extra_trigger: `${CARD}:not(:has(.o_bankrec_feed_sync))`,
        },
        {
            content: "the wizard opens on the journal",
            trigger: `${WIZARD} div[name="journal_id"]:contains("${JOURNAL}")`,
            run: () => {},
        },
        {
            content: "choose Enable Banking",
            trigger: `${WIZARD} div[name="provider"] select`,
            run: function () {
                const select = this.$anchor[0];
                const option = [...select.options].find((o) => o.textContent.trim() === "Enable Banking");
                if (!option) {
                    console.error("the provider list has no Enable Banking");
                    return;
                }
                select.value = option.value;
                select.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "the country: France",
            trigger: `${WIZARD} div[name="country_id"] input`,
            extra_trigger: `${WIZARD} div[name="provider"] select:has(option:selected:contains("Enable Banking"))`,
            run: "text France",
        },
        {
            content: "pick France",
            trigger: `${WIZARD} div[name="country_id"] .o-autocomplete--dropdown-item a:contains("France")`,
        },
        {
            content: "ask Enable Banking for the French banks",
            trigger: `${WIZARD} .modal-footer button[name="action_find_banks"]:contains("Find banks")`,
            extra_trigger: `${WIZARD} div[name="country_id"] input:propValue("France")`,
        },
        {
            content: "the banks found: choose one",
            trigger: `${WIZARD} div[name="bank_line_id"] input`,
            extra_trigger: `${WIZARD} .modal-footer button[name="action_connect"]`,
            run: "text BNP",
        },
        {
            content: "pick BNP Paribas",
            trigger: `${WIZARD} div[name="bank_line_id"] .o-autocomplete--dropdown-item a:contains("BNP Paribas")`,
        },
        {
            content: "the consent lasts 90 days unless changed",
            trigger: `${WIZARD} div[name="consent_days"] input:propValue("90")`,
            extra_trigger: `${WIZARD} div[name="bank_line_id"] input:propValue("BNP Paribas")`,
            run: () => {},
        },
        screenshot("feeds_connect_wizard", `${WIZARD} .modal-footer button[name="action_connect"]`),
        {
            content: "connect: off to the bank's consent page, which sends us back to Odoo",
            trigger: `${WIZARD} .modal-footer button[name="action_connect"]`,
        },
        // ---- a new page: the journal /bankrec/feeds/return redirected to (tour resumed)
        {
            content: "back on the journal: its bank feed tab",
            trigger: `.o_form_view .o_notebook_headers a[name="bankrec_feed"]`,
            extra_trigger: `.o_form_view .o_field_widget[name="name"]:contains("${JOURNAL}"), .o_form_view .o_field_widget[name="name"] input:propValue("${JOURNAL}")`,
        },
        {
            content: "the feed is active",
            trigger: `.o_form_view .o_field_widget[name="bankrec_feed_state"]:contains("Active")`,
            run: () => {},
        },
        {
            content: "the account with the journal's IBAN feeds it, through BNP Paribas",
            trigger: `.o_form_view .o_field_widget[name="bankrec_feed_account_ids"] .o_data_row:contains("${IBAN}"):contains("BNP Paribas (Enable Banking)"):contains("Active")`,
            run: () => {},
        },
        {
            content: "only that account: the bank's other account feeds no journal",
            trigger: `.o_form_view .o_field_widget[name="bankrec_feed_account_ids"] tbody:not(:has(.o_data_row:not(:contains("${IBAN}"))))`,
            run: () => {},
        },
        screenshot("feeds_journal", `.o_form_view .o_field_widget[name="bankrec_feed_account_ids"]`),
        {
            content: "to the accounting dashboard",
            trigger: `.o_navbar_apps_menu button`,
        },
        {
            content: "the accounting app opens on its dashboard",
            trigger: `.o_navbar_apps_menu .o_app[data-menu-xmlid="account.menu_finance"]`,
        },
        {
            content: "the card shows the feed: never synced yet",
            trigger: `${CARD} .o_bankrec_feed:contains("Synced") .o_bankrec_feed_last_sync:contains("never")`,
            extra_trigger: `${CARD}:not(:has(.o_bankrec_feed_connect))`,
            run: () => {},
        },
        {
            content: "and until when the bank lets us read the account",
            trigger: `${CARD} .o_bankrec_feed:contains("Consent until") .o_bankrec_feed_valid_until`,
            run: function () {
                if (!/\d/.test(this.$anchor.text())) {
                    console.error(`no consent end on the card: "${this.$anchor.text()}"`);
                }
            },
        },
        {
            content: "synchronise now",
            trigger: `${CARD} a.o_bankrec_feed_sync:contains("Synchronise now")`,
        },
        {
            content: "the notification says what came in and that reconciliation started",
            trigger: `.o_notification:contains("Bank feeds"):contains("BNP Paribas (Enable Banking): 3 new lines, 0 imported before; reconciliation started")`,
            run: () => {},
        },
        {
            content: "the card now shows when it was synced",
            trigger: `${CARD} .o_bankrec_feed:contains("Synced") .o_bankrec_feed_last_sync:not(:contains("never"))`,
            extra_trigger: `${CARD} .o_bankrec_feed:contains("Consent until")`,
            run: function () {
                if (!/\d/.test(this.$anchor.text())) {
                    console.error(`no sync time on the card: "${this.$anchor.text()}"`);
                }
            },
        },
        screenshot("feeds_dashboard_card", `${CARD} .o_bankrec_feed`),
    ],
});

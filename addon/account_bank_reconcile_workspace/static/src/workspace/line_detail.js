/** @odoo-module **/
// Copyright 2026 bankrec contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import { Component, useRef, useState } from "@odoo/owl";
import { useService } from "@web/core/utils/hooks";
import { bandClass, bandLabel, money, statusClass } from "./bands";

/**
 * The right pane: one line with bankrec's suggestion (every reason with its points), the
 * alternatives with theirs, why there is no match, what the line was reconciled with, the
 * actions, and a search for any other open item.
 */
export class BankrecLineDetail extends Component {
    static template = "account_bank_reconcile_workspace.LineDetail";
    static props = {
        detail: Object,
        onAction: Function,
        onChoose: Function,
        onMatchItems: Function,
        onOpenRun: Function,
        onOpenMove: Function,
    };

    setup() {
        this.orm = useService("orm");
        this.queryRef = useRef("itemQuery");
        this.search = useState({ query: "", items: null, picked: {}, busy: false });
        this.bandClass = bandClass;
        this.bandLabel = bandLabel;
        this.statusClass = statusClass;
    }

    get d() {
        return this.props.detail;
    }

    money(value, currencyId) {
        return money(value, currencyId || this.d.currency_id);
    }

    pointsClass(points) {
        if (points === null || points === undefined) {
            return "bg-transparent";
        }
        return points > 0 ? "text-bg-success" : points < 0 ? "text-bg-danger" : "text-bg-light";
    }

    pointsText(points) {
        return points > 0 ? `+${points}` : `${points}`;
    }

    async searchItems() {
        this.search.busy = true;
        try {
            this.search.items = await this.orm.call(
                "account.bank.statement.line",
                "bankrec_workspace_search_items",
                [[this.d.id]],
                { query: this.search.query }
            );
            this.search.picked = {};
        } finally {
            this.search.busy = false;
        }
    }

    onQueryKeydown(ev) {
        if (ev.key === "Enter") {
            ev.preventDefault();
            this.searchItems();
        } else if (ev.key === "Escape") {
            ev.target.blur();
        }
    }

    togglePicked(moveId) {
        this.search.picked[moveId] = !this.search.picked[moveId];
    }

    get pickedIds() {
        return Object.keys(this.search.picked)
            .filter((id) => this.search.picked[id])
            .map((id) => parseInt(id));
    }

    matchPicked() {
        if (this.pickedIds.length) {
            this.props.onMatchItems(this.pickedIds);
        }
    }
}

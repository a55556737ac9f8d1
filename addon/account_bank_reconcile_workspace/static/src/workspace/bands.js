/** @odoo-module **/
// Copyright 2026 bankrec contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import { _t } from "@web/core/l10n/translation";
import { formatMonetary } from "@web/views/fields/formatters";

/** Confidence bands as bankrec defines them: 90–100 high, 70–89 probable, 50–69
 * possible, below 50 low. */
export const BAND_CLASSES = {
    high: "text-bg-success",
    probable: "text-bg-info",
    possible: "text-bg-warning",
    low: "text-bg-danger",
};

export function bandLabel(band) {
    return (
        {
            high: _t("High confidence (90–100)"),
            probable: _t("Probable (70–89)"),
            possible: _t("Possible (50–69)"),
            low: _t("Low confidence (below 50)"),
        }[band] || ""
    );
}

export function bandClass(band) {
    return `o_bankrec_band_${band} ${BAND_CLASSES[band] || "text-bg-light"}`;
}

export const STATUS_CLASSES = {
    new: "text-bg-light",
    to_review: "text-bg-warning",
    unmatched: "text-bg-danger",
    ignored: "text-bg-secondary",
    reconciled: "text-bg-success",
};

export function statusClass(status) {
    return `o_bankrec_status_${status} ${STATUS_CLASSES[status] || "text-bg-light"}`;
}

export function money(value, currencyId) {
    return formatMonetary(value, { currencyId });
}

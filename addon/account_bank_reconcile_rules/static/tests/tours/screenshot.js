/** @odoo-module **/
// Copyright 2026 bankrec contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
//
// The screenshot step of the bankrec add-ons' tours (the workspace's and the feeds'): the
// page logs "bankrec-screenshot:<name>", the test (tests/browser.py of this add-on) saves
// the PNG through the DevTools protocol and marks the page when it is written.

/** Ask the test for a screenshot named `name` and wait until it is saved (nothing happens
 * unless the test set sessionStorage.bankrec_screenshots). */
export function screenshot(name, trigger = "body") {
    return {
        content: `screenshot ${name}`,
        trigger,
        run: async () => {
            if (!window.sessionStorage.getItem("bankrec_screenshots")) {
                return;
            }
            // no toasts over the picture; let the last render and transitions settle
            for (const close of document.querySelectorAll(".o_notification_close")) {
                close.click();
            }
            await new Promise((resolve) => setTimeout(resolve, 400));
            console.log(`bankrec-screenshot:${name}`);
            for (let i = 0; i < 80 && document.body.dataset.bankrecShot !== name; i++) {
                await new Promise((resolve) => setTimeout(resolve, 100));
            }
        },
    };
}

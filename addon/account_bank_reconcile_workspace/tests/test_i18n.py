# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
from pathlib import Path

from odoo.tests import tagged

from .common import WorkspaceCommon

I18N = Path(__file__).resolve().parent.parent / "i18n"
ENTRY_RE = re.compile(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', re.M)


def entries(path):
    """``{msgid: msgstr}`` of a .po/.pot file (the header left out)."""
    text = path.read_text(encoding="utf-8")
    out = {}
    for msgid, msgstr in ENTRY_RE.findall(text):
        key = "".join(re.findall(r'"(.*)"', msgid))
        if key:
            out[key] = "".join(re.findall(r'"(.*)"', msgstr))
    return out


@tagged("post_install", "-at_install")
class TestTranslations(WorkspaceCommon):
    def test_french_and_german_translate_every_term_of_the_template(self):
        template = entries(I18N / "account_bank_reconcile_workspace.pot")
        self.assertGreater(len(template), 100)
        for lang in ("fr", "de"):
            translated = entries(I18N / f"{lang}.po")
            self.assertEqual(set(translated), set(template), lang)
            empty = [k for k, v in translated.items() if not v]
            self.assertEqual(empty, [], lang)
            for key, value in translated.items():  # placeholders survive translation
                self.assertEqual(
                    sorted(re.findall(r"%\(\w+\)s|%s", key)),
                    sorted(re.findall(r"%\(\w+\)s|%s", value)),
                    f"{lang}: {key}",
                )

    def test_the_server_side_speaks_french_and_german(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(
            ["account_bank_reconcile_workspace"], ["fr_FR", "de_DE"], overwrite=True
        )
        Journal = self.env["account.journal"]
        self.assertEqual(
            Journal.with_context(lang="fr_FR")._bankrec_status_labels()["to_review"], "À vérifier"
        )
        self.assertEqual(
            Journal.with_context(lang="de_DE")._bankrec_status_labels()["to_review"], "Zu prüfen"
        )
        line = self.line(-12.34, "FRAIS", "")
        (why,) = line.with_context(lang="fr_FR")._bankrec_why_no_match()
        self.assertIn("Aucun poste ouvert n'est à 12.34", why)

# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import BankrecCommon

ENTRY = """
      <Ntry>
        <Amt Ccy="{ccy}">{amount}</Amt><CdtDbtInd>{sign}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-11-10</Dt></BookgDt><AcctSvcrRef>{ref}</AcctSvcrRef>
        <NtryDtls><TxDtls>
          <RltdPties><Dbtr><Pty><Nm>{party}</Nm></Pty></Dbtr></RltdPties>
          <RmtInf><Ustrd>{label}</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>"""


def camt(ccy, opening, closing, entries):
    body = "".join(ENTRY.format(ccy=ccy, **e) for e in entries)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-11T06:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>STMT-2026-11-10</Id><CreDtTm>2026-11-11T06:00:00</CreDtTm>
      <Acct><Id><IBAN>CH9300762011623852957</IBAN></Id><Ccy>{ccy}</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="{ccy}">{opening}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-09</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="{ccy}">{closing}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-10</Dt></Dt></Bal>{body}
    </Stmt>
  </BkToCstmrStmt>
</Document>
""".encode()


@tagged("post_install", "-at_install")
class TestStatementImport(BankrecCommon):
    def setUp(self):
        super().setUp()
        self.inv = self.invoice(750.0)
        self.entries = [
            {
                "amount": "750.00",
                "sign": "CRDT",
                "ref": "R1",
                "party": "Gletscher Bergbahnen AG",
                "label": f"Rechnung {self.inv.name}",
            },
            {"amount": "12.50", "sign": "DBIT", "ref": "R2", "party": "Bank", "label": "FRAIS"},
        ]
        self.ccy = self.currency.name

    def wizard(self, data, name="statement.xml", reconcile=False):
        return (
            self.env["bankrec.statement.import"]
            .with_user(self.reviewer)
            .create(
                {
                    "journal_id": self.bank.id,
                    "data_file": base64.b64encode(data),
                    "filename": name,
                    "reconcile": reconcile,
                }
            )
        )

    def test_a_camt_statement_becomes_a_statement_with_its_balances_and_lines(self):
        data = camt(self.ccy, "100.00", "837.50", self.entries)
        self.wizard(data).action_import()
        statement = self.env["account.bank.statement"].search([("journal_id", "=", self.bank.id)])
        self.assertEqual(len(statement), 1)
        self.assertAlmostEqual(statement.balance_start, 100.0)
        self.assertAlmostEqual(statement.balance_end_real, 837.5)
        self.assertEqual(sorted(statement.line_ids.mapped("amount")), [-12.5, 750.0])
        self.assertTrue(statement.is_complete)

    def test_importing_the_same_file_again_creates_nothing(self):
        data = camt(self.ccy, "100.00", "837.50", self.entries)
        self.wizard(data).action_import()
        count = self.StLine.search_count([("journal_id", "=", self.bank.id)])
        self.wizard(data).action_import()
        self.assertEqual(self.StLine.search_count([("journal_id", "=", self.bank.id)]), count)
        self.assertEqual(
            self.env["account.bank.statement"].search_count([("journal_id", "=", self.bank.id)]), 1
        )

    def test_an_unbalanced_statement_is_refused_and_nothing_is_created(self):
        data = camt(self.ccy, "100.00", "999.99", self.entries)
        with self.assertRaises(UserError) as caught:
            self.wizard(data).action_import()
        self.assertIn("do not balance", str(caught.exception))
        self.assertFalse(self.StLine.search([("journal_id", "=", self.bank.id)]))

    def test_a_broken_file_is_refused_with_the_importers_message(self):
        data = camt(self.ccy, "100.00", "837.50", self.entries).replace(b"750.00", b"7,50.00")
        with self.assertRaises(UserError) as caught:
            self.wizard(data, name="broken.xml").action_import()
        self.assertIn("broken.xml", str(caught.exception))
        self.assertIn("Amt", str(caught.exception))
        self.assertFalse(self.StLine.search([("journal_id", "=", self.bank.id)]))

    def test_import_then_reconcile_books_the_payment(self):
        data = camt(self.ccy, "100.00", "837.50", self.entries)
        action = self.wizard(data, reconcile=True).action_import()
        run = self.env["bankrec.run"].browse(action["res_id"])
        self.assertEqual(run.trigger, "import")
        self.assertEqual(self.inv.payment_state, "paid")

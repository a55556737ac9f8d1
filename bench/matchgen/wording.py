"""Bank statement wording per country: how a payment, a fee or a card purchase reads.

Our bank decides the wording (a French account speaks CFONB: ``VIR SEPA RECU /DE …``; a
German one ``SEPA-Gutschrift``; a UK one ``FASTER PAYMENT``/``BGC``), so the templates are
keyed by the country of *our* account, not of the partner.
"""

from __future__ import annotations

import datetime as dt
import random

_IN = {
    "FR": ("VIR SEPA RECU /DE {name} /MOTIF {rem} /REF {e2e}",
           "VIREMENT RECU {name} {rem}",
           "VIR INST RECU DE: {name} MOTIF: {rem}",
           "VIR SEPA RECU /DE {name} /MOTIF {rem}"),
    "DE": ("SEPA-Gutschrift {name} Verwendungszweck: {rem}",
           "Gutschrift {name} {rem}",
           "GUTSCHR. UEBERW. {name} SVWZ+{rem} EREF+{e2e}",
           "Überweisungsgutschrift {name} {rem}"),
    "BE": ("Virement européen de {name} Communication : {rem}",
           "EUROPESE OVERSCHRIJVING VAN {name} MEDEDELING: {rem}",
           "Virement européen reçu {name} {rem} Réf. banque {e2e}"),
    "CH": ("Gutschrift {name} Mitteilung: {rem}",
           "Crédit {name} Communication: {rem}",
           "Virement de {name} {rem}",
           "Gutschrift Auftraggeber: {name} {rem}"),
    "UK": ("FASTER PAYMENT {name} REF {rem}",
           "BGC {name} {rem}",
           "BACS CREDIT {name} {rem}",
           "FASTER PAYMENTS RECEIPT FROM {name} REF {rem}"),
}  # fmt: skip

_OUT = {
    "FR": ("VIR SEPA EMIS /A {name} /MOTIF {rem} /REF {e2e}",
           "PRLV SEPA {name} ECH/{ddmmyy} {rem}",
           "VIREMENT EMIS VERS {name} {rem}"),
    "DE": ("Überweisung an {name} Verwendungszweck: {rem}",
           "SEPA-Überweisung {name} {rem}",
           "SEPA-LASTSCHRIFT {name} {rem} Mandat {e2e}"),
    "BE": ("Virement européen vers {name} Communication : {rem}",
           "Domiciliation européenne {name} {rem}",
           "EUROPESE OVERSCHRIJVING NAAR {name} {rem}"),
    "CH": ("E-Banking Auftrag {name} {rem}",
           "Ordre e-banking {name} {rem}",
           "Zahlung QR-Rechnung {name} {rem}"),
    "UK": ("FPO {name} {rem}",
           "DD {name} {rem}",
           "BILL PAYMENT TO {name} REF {rem}"),
}  # fmt: skip

INVOICE_WORDS = {
    "FR": ("FACTURE ", "FACT ", "FACT. ", "FA ", "REGLEMENT FACTURE ", ""),
    "DE": ("Rechnung ", "RE ", "Rechnungsnr. ", "RG-NR ", ""),
    "BE": ("Facture ", "Factuur ", "FACT ", ""),
    "CH": ("Rechnung ", "Facture ", "RE ", ""),
    "UK": ("INV ", "INVOICE ", "", ""),
}

MULTI_JOINERS = (" ", ", ", " + ", " ET ", "/ ")

NO_NUMBER_REMITTANCE = {
    "FR": ("REGLEMENT", "PAIEMENT FACTURES", "REGLEMENT FACT DU MOIS", "SOLDE", ""),
    "DE": ("Zahlung", "Sammelzahlung", "Rechnungen", "Ausgleich", ""),
    "BE": ("Paiement", "Betaling facturen", "Règlement", ""),
    "CH": ("Zahlung", "Paiement", "Sammelauftrag", ""),
    "UK": ("PAYMENT", "INVOICES", "ACCOUNT SETTLEMENT", ""),
}

ADVANCE_WORDS = {
    "FR": ("ACOMPTE COMMANDE", "AVANCE SUR COMMANDE", "ARRHES"),
    "DE": ("Anzahlung Auftrag", "Vorauszahlung", "Anzahlung"),
    "BE": ("Acompte commande", "Voorschot bestelling"),
    "CH": ("Anzahlung", "Acompte"),
    "UK": ("DEPOSIT", "ADVANCE PAYMENT ORDER"),
}

INSTALMENT_WORDS = {
    "FR": "ACOMPTE {i}/{n} ",
    "DE": "Rate {i}/{n} ",
    "BE": "Acompte {i}/{n} ",
    "CH": "Teilzahlung {i}/{n} ",
    "UK": "INSTALMENT {i} OF {n} ",
}

REFUND_WORDS = {
    "FR": "AVOIR ",
    "DE": "Gutschrift zu ",
    "BE": "Note de crédit ",
    "CH": "Rückerstattung ",
    "UK": "CREDIT NOTE ",
}

# Bank fees: the rules shipped with a generated data set ignore these.
FEE_LABELS = {
    "FR": ("FRAIS TENUE DE COMPTE", "COMMISSION D'INTERVENTION", "FRAIS VIR SEPA EMIS",
           "FRAIS CARTE BUSINESS", "COMMISSION MOUVEMENT"),
    "DE": ("Kontoführungsgebühr {month}", "GEBÜHREN AUSLANDSÜBERWEISUNG",
           "Entgelt Kontoführung Gebühr", "Gebühr Kartenzahlung"),
    "BE": ("Frais de gestion compte", "FRAIS PAIEMENT INTERNATIONAL", "Commission domiciliation"),
    "CH": ("Spesen Kontoführung", "Frais de tenue de compte", "Spesen Auslandzahlung"),
    "UK": ("BANK CHARGES {month}", "ACCOUNT FEE {month}", "BANK CHARGE INTL PAYMENT"),
}  # fmt: skip

# Expenses: (label, rule account); the generated rules book them on the account.
EXPENSE_LABELS = {
    "FR": (("PRLV SEPA ELECTRICITE DE FRANCE ECH/{ddmmyy} CONTRAT {e2e}", "606100"),
           ("CB SHELL STATION {ddmm} PARIS 15", "606140"),
           ("CB TOTAL STATION {ddmm} LYON", "606140")),
    "DE": (("SEPA-LASTSCHRIFT TELEKOM DEUTSCHLAND GMBH Kundennr {e2e}", "626000"),
           ("Kartenzahlung ARAL STATION {ddmm}", "606140")),
    "BE": (("Domiciliation européenne PROXIMUS {e2e}", "626000"),),
    "CH": (("LSV SWISSCOM (SCHWEIZ) AG {e2e}", "626000"),),
    "UK": (("DD HMRC VAT {e2e}", "445000"), ("DD BRITISH TELECOM {e2e}", "626000")),
}  # fmt: skip

# Lines nobody should match: card purchases, cash, private people; names not partners.
NOISE_OUT = {
    "FR": ("CB CARREFOUR {ddmm} MARSEILLE", "RETRAIT DAB {ddmm} 14H32", "CB SNCF INTERNET {ddmm}",
           "CB AMAZON PAYMENTS {ddmm}", "VIR SEPA EMIS /A {person} /MOTIF AVANCE DEPLACEMENT"),
    "DE": ("Kartenzahlung REWE Markt {ddmm}", "Bargeldauszahlung GA {ddmm}",
           "Kartenzahlung DB Vertrieb {ddmm}", "Überweisung an {person} Auslagen"),
    "BE": ("Paiement Bancontact DELHAIZE {ddmm}", "Retrait Bancontact {ddmm}"),
    "CH": ("Einkauf MIGROS {ddmm}", "Bezug Bancomat {ddmm}", "Achat COOP PRONTO {ddmm}"),
    "UK": ("CARD PAYMENT TESCO STORES {ddmm}", "CASH ATM {ddmm}", "CARD PAYMENT TFL TRAVEL"),
}  # fmt: skip
NOISE_IN = {
    "FR": ("VIR SEPA RECU /DE {person} /MOTIF REMBOURSEMENT", "REMISE CHEQUE {e2e}",
           "VIR SEPA RECU /DE {person} /MOTIF DEPOT GARANTIE"),
    "DE": ("Gutschrift {person} Erstattung", "Bareinzahlung {ddmm}"),
    "BE": ("Virement européen de {person} Communication : remboursement",),
    "CH": ("Gutschrift {person} Rückzahlung", "Einzahlung Schalter {ddmm}"),
    "UK": ("BGC {person} REFUND", "CASH DEPOSIT {ddmm}", "FASTER PAYMENT {person} LOAN REPAY"),
}  # fmt: skip

# Private people in noise lines: surnames that no partner name uses.
PERSONS = (
    "JEAN-LUC PETITJEAN", "ANNA KOWALSKA", "MARIE OKONKWO", "PIETRO ROSSINI",
    "HANNAH LINDQVIST", "OMAR HADDAD", "SOFIA PAPADOPOULOS", "LUCAS NAKAMURA",
    "EMMA VAN DER LINDE", "TOMASZ WISNIEWSKI", "AISHA BELKACEM", "IVAN PETROVIC",
)  # fmt: skip

TRANSFER_MOTIFS = ("VIREMENT INTERNE", "TRESORERIE", "Übertrag", "Kontoübertrag",
                   "INTERNAL TRANSFER", "Virement compte à compte", "Umbuchung")  # fmt: skip


def fill(template: str, rng: random.Random, date: dt.date, **values: str) -> str:
    """Fill a template; dates and bank references are made up here, names passed in."""
    e2e = f"{rng.randrange(10**11):011d}"
    text = template.format(
        e2e=e2e,
        ddmmyy=date.strftime("%d%m%y"),
        ddmm=date.strftime("%d/%m"),
        month=date.strftime("%m/%Y"),
        person=rng.choice(PERSONS),
        **values,
    )
    return " ".join(text.split())


def payment_label(style: str, incoming: bool, rng: random.Random, date: dt.date,
                  name: str, remittance: str) -> str:  # fmt: skip
    """A payment's label on our ``style`` account, with the payer's name and remittance."""
    templates = _IN[style] if incoming else _OUT[style]
    return fill(rng.choice(templates), rng, date, name=name, rem=remittance)

"""Partner names as unseen bank wording writes them (the independent evaluation's name class).

Initials (``J PERRIN``), surname first (``WILSON AMELIA``), an address appended or the name
cut at 35 characters, legal forms respelt (``LTD``/``LIMITED``) -- and the reverse trap:
partners whose names differ only by their legal form never tie, the form the bank wrote
decides, and without one a person does.
"""

from __future__ import annotations

import pytest

from bankrec.matching import match
from bankrec.matching.config import MatchConfig
from bankrec.matching.index import ItemIndex, name_part
from bankrec.matching.normalize import legal_form, words
from bankrec.model import Status

from .helpers import item, tx

PERRINS = [item("I1", "Jérôme Perrin", "480.00"), item("I2", "Émilie Perrin", "480.00")]


@pytest.mark.parametrize(
    ("counterparty", "label"),
    [
        ("J PERRIN", "VIR SEPA PAIEMENT"),
        ("PERRIN J", "VIR SEPA PAIEMENT"),
        ("PERRIN JEROME", "VIR SEPA PAIEMENT"),
        ("", "VIR SEPA RECU /DE J PERRIN /MOTIF LOYER MARS"),
        ("", "GUTSCHRIFT VON PERRIN JEROME MITTEILUNGEN: MIETE"),
    ],
)
def test_an_initial_or_the_first_name_picks_the_right_perrin(counterparty: str, label: str) -> None:
    d = match([tx("T1", "480.00", label, counterparty=counterparty)], PERRINS).decisions[0]
    assert d.status is Status.RECONCILED, d.reasons
    assert d.allocations[0].item_id == "I1"


def test_a_surname_two_partners_share_is_never_certain() -> None:
    d = match([tx("T1", "480.00", "VIR SEPA", counterparty="PERRIN")], PERRINS).decisions[0]
    assert d.status is Status.SUGGESTED
    assert d.confidence < 90


def test_an_initial_of_nobody_recognises_nobody_for_sure() -> None:
    d = match([tx("T1", "480.00", "VIR SEPA", counterparty="M PERRIN")], PERRINS).decisions[0]
    assert d.status is not Status.RECONCILED


@pytest.mark.parametrize(
    ("counterparty", "label"),
    [
        ("WILSON AMELIA", "FP PAYMENT RENT"),
        ("", "FP WILSON AMELIA RENT MARCH"),
        ("", "CREDIT WILSON A REF RENT"),
    ],
)
def test_surname_first_names_the_person(counterparty: str, label: str) -> None:
    items = [item("I1", "Amelia Wilson", "950.00"), item("I2", "Oliver Wilson", "950.00")]
    d = match([tx("T1", "950.00", label, counterparty=counterparty)], items).decisions[0]
    assert d.status is Status.RECONCILED, d.reasons
    assert d.allocations[0].item_id == "I1"


def test_a_longer_name_holding_a_person_name_is_not_that_person() -> None:
    items = [
        item("I1", "Marchand & Fontaine Cabinet SAS", "700.00"),
        item("I2", "Cabinet Fontaine SARL", "700.00"),
    ]
    d = match([tx("T1", "700.00", "VIR MARCCHAND FONTAINE CABINET SAS REGLEMENT")], items)
    assert d.decisions[0].allocations[0].item_id == "I1"


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("MUELLER GMBH BAHNHOFSTR 12 8001 ZUERICH", "MUELLER GMBH"),
        ("DUPONT SARL 12 RUE DE LA PAIX 75002 PARIS", "DUPONT SARL"),
        ("HOLLOWAY PRINT LTD 12 HIGH STREET LEEDS LS1 4AP", "HOLLOWAY PRINT LTD"),
        ("JANSSENS BV KERKSTRAAT 14 2000 ANTWERPEN", "JANSSENS BV"),
        ("SCHMIDT LOGISTIK GMBH HAUPTSTRASSE", "SCHMIDT LOGISTIK GMBH"),
        ("DUPONT TRANSPORTS 42 SAS", "DUPONT TRANSPORTS 42 SAS"),  # a number of the name
    ],
)
def test_an_appended_address_is_not_part_of_the_name(written: str, kept: str) -> None:
    assert " ".join(name_part(words(written))) == " ".join(words(kept))


@pytest.mark.parametrize(
    "written",
    [
        "MUELLER GMBH BAHNHOFSTR 12 8001 ZUERICH",
        "MUELLER GMBH BAHNHOFSTR 12 8001 ZU",  # the address cut at 35
        "MULLER GMBH",
    ],
)
def test_a_name_with_its_address_names_the_partner(written: str) -> None:
    items = [item("I1", "Müller GmbH", "900.00"), item("I2", "Müller Logistik GmbH", "900.00")]
    d = match([tx("T1", "900.00", "GUTSCHRIFT", counterparty=written)], items).decisions[0]
    assert d.status is Status.RECONCILED, d.reasons
    assert d.allocations[0].item_id == "I1"


def test_a_name_cut_at_35_characters_names_the_partner() -> None:
    items = [
        item("I1", "Boulangerie Lambertin Distribution et Services Associés SAS", "210.00"),
        item("I2", "Boulangerie Lambertin SARL", "210.00"),
    ]
    cut = "BOULANGERIE LAMBERTIN DISTRIBUTION"  # 35 characters
    d = match([tx("T1", "210.00", "VIR SEPA", counterparty=cut)], items).decisions[0]
    assert d.allocations[0].item_id == "I1"
    assert d.status is Status.RECONCILED, d.reasons


@pytest.mark.parametrize(
    ("name", "form"),
    [
        ("Acme Limited", "LTD"),
        ("ACME LTD.", "LTD"),
        ("Acme P.L.C.", "PLC"),
        ("Bauer GmbH & Co. KG", "GMBH CO KG"),
        ("Schmidt Handelsgesellschaft mbH", "GMBH"),
        ("Dupont S.A.R.L.", "SARL"),
        ("Jérôme Perrin", ""),
    ],
)
def test_legal_forms_have_one_spelling(name: str, form: str) -> None:
    assert legal_form(name) == form


@pytest.mark.parametrize("written", ["WHITFIELD JOINERY LTD", "WHITFIELD JOINERY LIMITED"])
def test_ltd_and_limited_are_one_legal_form(written: str) -> None:
    items = [
        item("I1", "Whitfield Joinery Limited", "700.00"),
        item("I2", "Kingsley Print Ltd", "700.00"),
    ]
    d = match([tx("T1", "700.00", "FP", counterparty=written)], items).decisions[0]
    assert d.status is Status.RECONCILED and d.allocations[0].item_id == "I1"


TWINS = [
    ([item("I1", "Acme plc", "700.00"), item("I2", "Acme Limited", "700.00")],
     {"ACME PLC": "I1", "ACME P.L.C.": "I1", "ACME LTD": "I2", "ACME LIMITED": "I2"}),
    ([item("I1", "Bauer GmbH", "700.00"), item("I2", "Bauer GmbH & Co. KG", "700.00")],
     {"BAUER GMBH": "I1", "BAUER GMBH & CO KG": "I2", "BAUER GMBH + CO. KG": "I2"}),
    ([item("I1", "Dupont SARL", "700.00"), item("I2", "Dupont SAS", "700.00")],
     {"DUPONT SARL": "I1", "DUPONT S.A.R.L.": "I1", "DUPONT SAS": "I2"}),
]  # fmt: skip


CASES = [(items, w, e) for items, forms in TWINS for w, e in forms.items()]


@pytest.mark.parametrize(("items", "written", "expected"), CASES)
@pytest.mark.parametrize("where", ["counterparty", "label"])
def test_the_legal_form_the_bank_wrote_picks_the_twin_clearly(
    items: list, written: str, expected: str, where: str
) -> None:
    line = (
        tx("T1", "700.00", "VIR SEPA PAIEMENT", counterparty=written)
        if where == "counterparty"
        else tx("T1", "700.00", f"VIR SEPA {written} PAIEMENT")
    )
    d = match([line], items).decisions[0]
    assert d.status is Status.RECONCILED, d.reasons
    assert d.allocations[0].item_id == expected
    assert all(d.confidence - alt.confidence >= 20 for alt in d.alternatives)


@pytest.mark.parametrize(("items", "written"),
                         [(TWINS[0][0], "ACME"), (TWINS[1][0], "BAUER"), (TWINS[2][0], "DUPONT"),
                          (TWINS[0][0], "ACME SA")])  # fmt: skip
def test_without_a_legal_form_twins_stay_a_suggestion(items: list, written: str) -> None:
    for line in (
        tx("T1", "700.00", "VIR SEPA PAIEMENT", counterparty=written),
        tx("T1", "700.00", f"VIR SEPA {written} PAIEMENT"),
    ):
        d = match([line], items).decisions[0]
        assert d.status is Status.SUGGESTED, d.reasons


def test_a_legal_form_cut_at_35_characters_does_not_pick_the_shorter_twin() -> None:
    items = [
        item("I1", "Hartmann Werkzeugbau Nord GmbH", "700.00"),
        item("I2", "Hartmann Werkzeugbau Nord GmbH & Co. KG", "700.00"),
    ]
    cut = "HARTMANN WERKZEUGBAU NORD GMBH & CO"[:35]
    d = match([tx("T1", "700.00", "GUTSCHRIFT", counterparty=cut)], items).decisions[0]
    assert d.status is Status.SUGGESTED


def test_twins_keep_their_own_keys_in_the_index() -> None:
    index = ItemIndex(TWINS[0][0], MatchConfig())
    assert len(set(index.partner_key)) == 2
    single = ItemIndex([item("I1", "Acme plc", "1.00")], MatchConfig())
    assert single.partner_key == ["ACME"]  # a partner without a twin keeps its plain key


def test_an_initial_among_namesakes_and_companies_of_that_name() -> None:
    items = [
        item("I1", "Geert Willems", "501.00"),
        item("I2", "Els Willems", "501.00"),
        item("I3", "Willems Transport Gent NV", "501.00"),
    ]
    for line in (
        tx("T1", "501.00", "VIREMENT SEPA RECU G. WILLEMS COMMUNICATION COTISATION"),
        tx("T1", "501.00", "VIREMENT SEPA", counterparty="G WILLEMS"),
    ):
        d = match([line], items).decisions[0]
        assert d.status is Status.RECONCILED, d.reasons
        assert d.allocations[0].item_id == "I1"


def test_a_particle_before_a_reversed_name_is_wording_not_another_name() -> None:
    items = [item("I1", "Ann Claes", "966.78"), item("I2", "Pieter Van den Broeck", "966.78")]
    label = "EUROPESE OVERSCHRIJVING VAN CLAES ANN MEDEDELING HUUR"
    d = match([tx("T1", "966.78", label)], items).decisions[0]
    assert d.status is Status.RECONCILED, d.reasons
    assert d.allocations[0].item_id == "I1"

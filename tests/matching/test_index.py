from __future__ import annotations

from bankrec.matching import MatchConfig
from bankrec.matching.index import ItemIndex

from .helpers import item

LONG = "Compagnie Européenne de Transports et de Services Dupont SAS"


def _index(*names: str, known: dict[str, str] | None = None) -> ItemIndex:
    items = [item(f"I{i}", name, "100.00") for i, name in enumerate(names)]
    return ItemIndex(items, MatchConfig(), known)


def test_counterparty_with_city_and_punctuated_legal_form() -> None:
    hits = _index("ACME SA", "Boulangerie Dupont SARL").recognise("ACME S.A. PARIS", "", "")
    assert hits[0].name == "ACME SA"
    assert hits[0].similarity >= 90


def test_misspelled_counterparty_is_still_close() -> None:
    hits = _index("Imprimerie Lemaire SARL").recognise("IMPRIMREIE LEMAIRE", "", "")
    assert hits and hits[0].name == "Imprimerie Lemaire SARL"
    assert 75 <= hits[0].similarity < 100


def test_name_cut_at_35_characters_matches_by_prefix() -> None:
    cut = "FIDUCIAIRE ROMANDE DE GESTION ET DE"  # 35 characters
    assert len(cut) == 35
    hits = _index(
        "Fiduciaire Romande de Gestion et de Comptabilité Sàrl", "Garage Martin"
    ).recognise(cut, "", "")
    assert hits[0].name.startswith("Fiduciaire Romande")
    assert hits[0].similarity == 100


def test_cut_name_shared_by_several_partners_is_not_recognised_for_sure() -> None:
    index = _index(LONG, LONG.replace("Dupont", "Martin"))
    hits = index.recognise("COMPAGNIE EUROPEENNE DE TRANSPORTS", "", "")
    assert len(hits) == 2
    assert all(h.similarity < MatchConfig().partner_full_similarity for h in hits)


def test_partner_found_inside_label_among_bank_wording() -> None:
    hits = _index("Van den Berg BV", "Garage Martin").recognise(
        "", "OVERSCHRIJVING VAN DEN BERG B.V. FACTUUR 2026 0105", ""
    )
    assert hits[0].name == "Van den Berg BV"
    assert hits[0].similarity == 100


def test_full_name_in_label_beats_names_sharing_words() -> None:
    index = _index(LONG, LONG.replace("Dupont", "Martin"))
    hits = index.recognise("", f"VIR SEPA RECU /DE {LONG.upper()} /MOTIF FACT", "")
    assert hits[0].name == LONG and hits[0].similarity == 100
    assert all(h.similarity < 90 for h in hits[1:])


def test_known_iban_names_the_partner() -> None:
    index = _index("Müller GmbH", known={"DE89 3704 0044 0532 0130 00": "Müller GmbH"})
    hits = index.recognise("", "", "DE89370400440532013000")
    assert hits[0].name == "Müller GmbH"
    assert hits[0].source.startswith("IBAN")


def test_unrelated_text_recognises_nobody() -> None:
    assert _index("ACME SA", "Garage Martin").recognise("JEAN DUPUIS", "CADEAU", "") == []


def test_number_and_reference_indexes() -> None:
    items = [
        item("A", "ACME SA", "10.00", number="FA-2026-0012"),
        item("B", "ACME SA", "10.00", reference="RF18 5390 0754 7034"),
    ]
    index = ItemIndex(items, MatchConfig())
    assert index.by_number["FA20260012"] == (0,)
    assert index.by_number["FA202612"] == (0,)  # zeros dropped inside the group
    assert index.by_reference["RF18539007547034"] == [1]
    assert "2026" not in index.by_number

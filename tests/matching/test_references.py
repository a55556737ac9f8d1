from __future__ import annotations

from bankrec.matching.references import Reference, find_references, parse_reference


def test_rf_reference_is_validated_and_compacted() -> None:
    assert parse_reference("RF18 5390 0754 7034") == Reference("rf", "RF18539007547034")
    assert parse_reference("RF17 5390 0754 7034") is None  # wrong check digits


def test_swiss_qr_reference_mod10() -> None:
    ref = parse_reference("21 00000 00003 13947 14300 09017")
    assert ref == Reference("qr", "210000000003139471430009017")
    assert parse_reference("210000000003139471430009016") is None


def test_belgian_structured_communication_mod97() -> None:
    assert parse_reference("+++010/8068/17183+++") == Reference("be", "010806817183")
    assert parse_reference("***010/8068/17183***") == Reference("be", "010806817183")
    assert parse_reference("+++010/8068/17180+++") is None


def test_formats_for_display() -> None:
    assert str(Reference("be", "010806817183")) == "+++010/8068/17183+++"
    assert str(Reference("rf", "RF18539007547034")) == "RF18 5390 0754 7034"


def test_find_references_in_free_text_keeps_only_valid_ones() -> None:
    text = "VIR RF18 5390 0754 7034 FACT +++010/8068/17183+++ and RF17 5390 0754 7034"
    found = find_references(text)
    assert Reference("rf", "RF18539007547034") in found
    assert Reference("be", "010806817183") in found
    assert all(r.value != "RF17539007547034" for r in found)


def test_rf_followed_by_words_is_cut_at_a_group_boundary() -> None:
    found = find_references("RF18 5390 0754 7034 VIR SEPA RECU")
    assert Reference("rf", "RF18539007547034") in found


def test_qr_reference_with_spaces_inside_a_label() -> None:
    found = find_references("Zahlung QR 21 00000 00003 13947 14300 09017 danke")
    assert found == [Reference("qr", "210000000003139471430009017")]

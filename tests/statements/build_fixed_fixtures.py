"""Writes tests/fixtures/coda/*.cod and tests/fixtures/cfonb120/*.txt from the layouts.

Run ``python -m tests.statements.build_fixed_fixtures`` after changing a fixture here;
``test_fixtures_are_built_from_this_script`` checks the files on disk match.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from tests.statements.fixedrecords import cfonb_amount, coda_amount, record

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
COMM2 = "PAYMENT FOR INVOICE 2024/117 OFFICE SUPPLIES AND DELIVERY COSTS"


def c(*fields: tuple[int, str]) -> str:
    return record(128, *fields)


def coda_movement(seq: str, detail: str, ref: str, amount: D, code: str, comm: str,
                  *, structured: bool = False, more: bool = False, info: bool = False
                  ) -> str:  # fmt: skip
    sign, digits = coda_amount(amount)
    return c((1, "21"), (3, seq), (7, detail), (11, ref), (32, sign), (33, digits),
             (48, "010324"), (54, code), (62, "1" if structured else "0"), (63, comm[:53]),
             (116, "010324"), (122, "042"), (125, "0"), (126, "1" if more else "0"),
             (128, "1" if info else "0"))  # fmt: skip


def coda_be() -> str:
    """Two files in one: an EUR IBAN account (structured reference, globalisation, type 8
    detail, information record, free communication) and a USD foreign account."""
    s0, old = coda_amount(D("1000.00"))
    s8, new = coda_amount(D("987.66"))
    lines = [
        c((1, "0000"), (6, "010324"), (12, "725"), (15, "05"), (25, "0000000001"),
          (35, "BANKREC TEST SA"), (61, "BBRUBEBB"), (72, "00123456789"), (84, "00000"),
          (128, "2")),
        c((1, "1"), (2, "2"), (3, "042"), (6, "BE68539007547034"), (40, "EUR"), (43, s0),
          (44, old), (59, "290224"), (65, "BANKREC TEST SA"), (91, "Compte courant"),
          (126, "042")),
        # 1: credit with a Belgian structured communication, counterparty in 22/23
        coda_movement("0001", "0000", "REF0001-A", D("250.00"), "00150000", "101090933755493",
                      structured=True, more=True),
        c((1, "22"), (3, "0001"), (7, "0000"), (64, "E2E-INV-2024-0042"), (99, "GEBABEBB"),
          (126, "1")),
        c((1, "23"), (3, "0001"), (7, "0000"), (11, "BE71096123456769"), (45, "EUR"),
          (48, "ACME TRADING NV")),
        # 2: debit, free communication continued in 22, information record 31
        coda_movement("0002", "0000", "REF0002-B", D("-12.34"), "00150000", COMM2, more=True),
        c((1, "22"), (3, "0002"), (7, "0000"), (11, COMM2[53:]), (128, "1")),
        c((1, "31"), (3, "0002"), (7, "0001"), (11, "REF0002-B"), (32, "00150000"), (40, "1"),
          (41, "001"), (44, "OFFICE DEPOT BELGIUM")),
        # 3: a total grouped by the customer (type 1) and its two details (type 5)
        coda_movement("0003", "0000", "REF0003-G", D("-300.00"), "10150000",
                      "SALARIES MARCH BATCH", more=True),
        coda_movement("0003", "0001", "REF0003-G", D("-100.00"), "50150000",
                      "SALARY J. PEETERS", more=True),
        coda_movement("0003", "0002", "REF0003-G", D("-200.00"), "50150000",
                      "SALARY A. JANSSENS"),
        # 4: a simple amount with detail data (type 3) and its informative detail (type 8)
        coda_movement("0004", "0000", "REF0004-F", D("50.00"), "30150000", "FOREIGN PAYMENT",
                      more=True),
        coda_movement("0004", "0001", "REF0004-F", D("50.00"), "80150100", "GROSS AMOUNT"),
        c((1, "4"), (3, "0005"), (7, "0000"), (33, "END OF MONTH NOTICE")),
        c((1, "8"), (2, "042"), (5, "BE68539007547034"), (39, "EUR"), (42, s8), (43, new),
          (58, "010324")),
        c((1, "9"), (17, "000014"), (23, f"{312340:015d}"), (38, f"{300000:015d}"),
          (128, "1")),
        # second file: foreign (non-IBAN) USD account
        c((1, "0000"), (6, "010324"), (12, "725"), (15, "05"), (35, "BANKREC TEST SA"),
          (61, "BBRUBEBB"), (128, "2")),
        c((1, "1"), (2, "1"), (3, "007"), (6, "1234567890123"), (40, "USD"), (43, "0"),
          (44, f"{500000:015d}"), (59, "290224"), (65, "BANKREC TEST SA"), (126, "007")),
        coda_movement("0001", "0000", "REF-USD-1", D("-0.50"), "00450000", "CARD FEE"),
        c((1, "8"), (2, "007"), (5, "1234567890123"), (39, "USD"), (42, "0"),
          (43, f"{499500:015d}"), (58, "010324")),
        c((1, "9"), (17, "000003"), (23, f"{500:015d}"), (38, f"{0:015d}"), (128, "2")),
    ]  # fmt: skip
    return "\r\n".join(lines) + "\r\n"


def f(*fields: tuple[int, str]) -> str:
    return record(120, *fields)


def cfonb_prefix(code: str, account: str = "00010234567", currency: str = "EUR",
                 decimals: str = "2") -> tuple[tuple[int, str], ...]:  # fmt: skip
    return ((1, code), (3, "30004"), (12, "00823"), (17, currency), (20, decimals),
            (22, account))  # fmt: skip


def cfonb_fr() -> str:
    """An EUR statement (debit with NBE/RCN/LIB, credit with NPY/LCS) and an XPF one."""
    x = ("00098765432", "XPF", "0")
    lines = [
        f(*cfonb_prefix("01"), (35, "010324"), (91, cfonb_amount(D("1234.56")))),
        f(*cfonb_prefix("04"), (8, "0117"), (33, "B1"), (35, "020324"), (43, "020324"),
          (49, "PRLV SEPA EDF"), (82, "0000123"), (91, cfonb_amount(D("-45.10"))),
          (105, "FAC2024-7788")),
        f(*cfonb_prefix("05"), (8, "0117"), (33, "B1"), (35, "020324"), (46, "NBE"),
          (49, "EDF CLIENTS PARTICULIERS")),
        f(*cfonb_prefix("05"), (8, "0117"), (33, "B1"), (35, "020324"), (46, "RCN"),
          (49, "E2E-EDF-0001".ljust(35) + "ELECTRICITE")),
        f(*cfonb_prefix("05"), (8, "0117"), (33, "B1"), (35, "020324"), (46, "LIB"),
          (49, "ECHEANCE MARS")),
        f(*cfonb_prefix("04"), (8, "0158"), (33, "05"), (35, "020324"), (43, "030324"),
          (49, "VIR SEPA CLIENT SA"), (82, "0000124"), (91, cfonb_amount(D("1000.00")))),
        f(*cfonb_prefix("05"), (8, "0158"), (33, "05"), (35, "020324"), (46, "NPY"),
          (49, "CLIENT SA")),
        f(*cfonb_prefix("05"), (8, "0158"), (33, "05"), (35, "020324"), (46, "LCS"),
          (49, "RF18539007547034")),
        f(*cfonb_prefix("07"), (35, "020324"), (91, cfonb_amount(D("2189.46")))),
        f(*cfonb_prefix("01", *x), (35, "010324"), (91, cfonb_amount(D("10000"), 0))),
        f(*cfonb_prefix("04", *x), (33, "62"), (35, "020324"), (43, "020324"),
          (49, "FRAIS TENUE DE COMPTE"), (91, cfonb_amount(D("-2500"), 0))),
        f(*cfonb_prefix("07", *x), (35, "020324"), (91, cfonb_amount(D("7500"), 0))),
    ]  # fmt: skip
    return "\n".join(lines) + "\n"


BUILT = {
    FIXTURES / "coda" / "be-two-accounts.cod": coda_be,
    FIXTURES / "cfonb120" / "fr-two-accounts.txt": cfonb_fr,
}


def main() -> None:
    for path, build in BUILT.items():
        path.write_bytes(build().encode("latin-1"))


if __name__ == "__main__":
    main()

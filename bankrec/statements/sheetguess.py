"""Guess a mapping profile from a sample CSV/XLSX export (``bankrec import --detect``).

The guess is a starting point a person checks, so it is written as commented YAML that
says what was guessed from what. Column roles come from header words in English, French,
German and Dutch, confirmed by the values below them (a "Valuta" column holding dates is
a value date, holding ``EUR`` it is a currency); date format and decimal style are the
ones every sampled value fits.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from bankrec.statements.sheettable import Cell, Table, read_table

SAMPLE_ROWS = 200
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y", "%Y/%m/%d",
                "%d.%m.%y", "%d/%m/%y", "%m/%d/%y", "%d-%m-%y", "%Y%m%d")  # fmt: skip

# header words per role (compared case-folded, whitespace collapsed); first role wins
KEYWORDS: dict[str, tuple[str, ...]] = {
    "value_date": ("value date", "valuta", "valutadatum", "wertstellung", "wertstellungsdatum",
                   "valuta datum", "date de valeur", "date valeur", "rentedatum",
                   "valeurdatum", "valeur"),
    "date": ("date", "booking date", "transaction date", "posting date", "buchung",
             "buchungsdatum", "buchungstag", "datum", "date opération", "date d'opération",
             "date operation", "date comptable", "boekdatum", "boekingsdatum", "fecha",
             "started date", "completed date"),
    "direction": ("d/c", "dc", "debit/credit", "cr/dr", "soll/haben", "s/h", "af bij",
                  "af/bij", "sens", "credit/debit"),
    "debit": ("debit", "débit", "debit amount", "soll", "af", "withdrawal", "withdrawals",
              "money out", "paid out", "debet", "ausgang", "montant débit"),
    "credit": ("credit", "crédit", "credit amount", "haben", "bij", "deposit", "deposits",
               "money in", "paid in", "eingang", "montant crédit"),
    "charges": ("fee", "fees", "gebühr", "gebühren", "frais", "kosten", "commission"),
    "balance": ("balance", "saldo", "solde", "kontostand", "running balance",
                "balance after"),
    "amount": ("amount", "betrag", "montant", "bedrag", "net", "umsatz", "importe", "value",
               "transaction amount"),
    "currency": ("currency", "währung", "waehrung", "devise", "munt", "valuta", "ccy",
                 "monnaie"),
    "iban": ("iban", "counterparty iban", "bank account", "account number", "kontonummer",
             "tegenrekening", "iban tegenpartij", "auftraggeber iban/kto.nr.",
             "empfänger iban/kto.nr.", "compte", "compte contrepartie", "iban/kontonummer",
             "counterparty account"),
    "bic": ("bic", "swift", "bic/swift", "auftraggeber bic/blz", "empfänger bic/blz",
            "bic/blz"),
    "counterparty": ("name", "partner name", "payee", "payer", "counterparty", "beneficiary",
                     "auftraggeber/empfänger", "empfänger", "auftraggeber",
                     "auftraggebername", "empfängername", "beguenstigter/zahlungspflichtiger",
                     "zahlungsempfänger", "tiers", "bénéficiaire", "contrepartie", "naam",
                     "naam tegenpartij", "tegenpartij", "name / description",
                     "counterparty name"),
    "reference": ("reference", "référence", "referenz", "invoice number", "kundenreferenz",
                  "payment reference", "zahlungsreferenz", "kenmerk", "end-to-end reference",
                  "mandate reference", "ref"),
    "id": ("transaction id", "id", "transaktions-id", "transaction number", "fitid"),
    "label": ("label", "description", "verwendungszweck", "buchungstext", "libellé", "libelle",
              "omschrijving", "mededelingen", "mededeling", "text", "memo", "details",
              "narrative", "communication", "subject", "note", "type", "buchungsdetails",
              "detail", "informations complémentaires", "transaction type", "vorgang"),
}  # fmt: skip
NUMBER_RE = re.compile(r"^\(?[+-]?[€$£]?\s?\d[\d.,' \u00a0]*\)?-?\s?[€$£]?$")
CODE_RE = re.compile(r"^[A-Z]{3}$")
SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP"}


def _text(cell: Cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _norm(text: str) -> str:
    return " ".join(text.replace("\ufeff", "").split()).casefold()


def _values(rows: Sequence[Sequence[Cell]], col: int) -> list[Cell]:
    return [r[col] for r in rows if col < len(r) and _text(r[col])]


def guess_date_format(values: Sequence[Cell]) -> str | None:
    """The first format every value fits (workbook date cells fit any); None if none fits."""
    texts = [_text(v) for v in values if not isinstance(v, dt.date)]
    if values and not texts:
        return "%Y-%m-%d"
    if not texts:
        return None
    for fmt in DATE_FORMATS:
        try:
            for t in texts:
                dt.datetime.strptime(t, fmt)
        except ValueError:
            continue
        return fmt
    return None


def guess_date_format_in(values: Sequence[Cell], fmt: str) -> bool:
    """Whether every value parses with ``fmt``."""
    try:
        for v in values:
            dt.datetime.strptime(_text(v), fmt)
    except ValueError:
        return False
    return True


def is_numeric(values: Sequence[Cell]) -> bool:
    """All values are numbers (workbook numbers, or text like -1.234,56)."""
    return bool(values) and all(
        (isinstance(v, int | float) and not isinstance(v, bool)) or
        (isinstance(v, str) and NUMBER_RE.match(v.strip()) is not None)
        for v in values
    )  # fmt: skip


def guess_decimal(values: Sequence[Cell]) -> tuple[str, str]:
    """(decimal mark, thousands separator) that fit the sampled amount texts."""
    texts = [v.strip() for v in values if isinstance(v, str)]
    comma = any(re.search(r"\d,\d{1,2}\)?-?\s?[€$£]?$", t) for t in texts)
    dot = any(re.search(r"\d\.\d{1,2}\)?-?\s?[€$£]?$", t) for t in texts)
    if comma and not dot:
        return ",", "."
    if any(re.search(r"\d'\d{3}", t) for t in texts):
        return ".", "'"
    return ".", ","


def _role_for(header: str) -> str | None:
    name = _norm(header)
    for role, words in KEYWORDS.items():
        if name in words:
            return role
    for role, words in KEYWORDS.items():
        if any(len(w) >= 5 and (name.startswith(w) or f" {w}" in name) for w in words):
            return role
    return None


def _fits(role: str, values: Sequence[Cell]) -> bool:
    if not values:
        return role not in ("date", "amount")
    if role in ("date", "value_date"):
        return guess_date_format(values) is not None
    if role in ("amount", "debit", "credit", "balance", "charges"):
        return is_numeric(values)
    if role == "currency":
        return all(CODE_RE.match(_text(v)) for v in values)
    return True


def _looks_like_header(cells: Sequence[Cell]) -> bool:
    texts = [_text(c) for c in cells if _text(c)]
    data_like = sum(
        1 for c in cells if _text(c) and (is_numeric([c]) or guess_date_format([c]) is not None)
    )
    return bool(texts) and data_like * 2 < len(texts)


def _header_row(table: Table) -> tuple[int, bool]:
    """Index of the header (or first data) row, and whether it is a header."""
    widths = Counter(len(cells) for _, cells in table.rows
                     if sum(1 for c in cells if _text(c)) >= 2)  # fmt: skip
    width = widths.most_common(1)[0][0] if widths else 0
    for i, (_, cells) in enumerate(table.rows):
        if len(cells) == width and sum(1 for c in cells if _text(c)) >= 2:
            return i, _looks_like_header(cells)
    return 0, _looks_like_header(table.rows[0][1]) if table.rows else False


def _assign(header: Sequence[Cell] | None, rows: Sequence[Sequence[Cell]]
            ) -> dict[str, list[int]]:  # fmt: skip
    width = max((len(r) for r in rows), default=len(header or []))
    roles: dict[str, list[int]] = {}
    if header is not None:
        for i, cell in enumerate(header):
            role = _role_for(_text(cell))
            if role is None:
                continue
            values = _values(rows, i)
            if not _fits(role, values):
                if role == "currency" and _fits("value_date", values):
                    role = "value_date"
                elif role in ("value_date",) and _fits("currency", values):
                    role = "currency"
                else:
                    continue
            multi = role in ("label", "counterparty", "iban", "bic", "reference")
            if role in roles and not multi:
                continue
            roles.setdefault(role, []).append(i)
        return roles
    # no header: roles from the values alone
    for i in range(width):
        values = _values(rows, i)
        if not values:
            continue
        if guess_date_format(values) is not None:
            roles.setdefault("date" if "date" not in roles else "value_date", []).append(i)
        elif is_numeric(values) and "amount" not in roles:
            roles["amount"] = [i]
        elif all(CODE_RE.match(_text(v)) for v in values) and "currency" not in roles:
            roles["currency"] = [i]
    texts = [i for i in range(width) if i not in {c for cs in roles.values() for c in cs}]
    lengths = {i: sum(len(_text(v)) for v in _values(rows, i)) for i in texts}
    best = max(lengths, key=lambda i: lengths[i], default=None)
    if best is not None and lengths[best]:
        roles["label"] = [best]
    return roles


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _first_row_pattern(cells: Sequence[Cell], delimiter: str) -> str:
    parts = []
    for cell in cells:
        text = _text(cell)
        if not text:
            parts.append("")
        elif guess_date_format([text]) is not None:
            parts.append(re.sub(r"\d", r"\\d", re.escape(text)))
        elif is_numeric([text]):
            parts.append(r"[-+]?[\d.,' ]+")
        elif CODE_RE.match(text):
            parts.append("[A-Z]{3}")
        else:
            parts.append(f"[^{re.escape(delimiter)}]*")
    return "^" + re.escape(delimiter).join(parts) + "$"


def propose_profile(path: Path) -> str:
    """A commented YAML profile guessed from the sample ``path`` (to check, then use)."""
    table = read_table(path)
    lines = [f"# bankrec CSV/XLSX profile proposed from {path.name} -- check every line, then",
             f"# import with: bankrec import --profile THIS.yaml {path.name}",
             f"name: {_q(path.stem)}"]  # fmt: skip
    if not table.rows:
        return "\n".join([*lines, "# the file holds no rows: nothing to guess from", ""])
    start, has_header = _header_row(table)
    header = table.rows[start][1] if has_header else None
    data = [cells for _, cells in table.rows[start + (1 if has_header else 0) :]][:SAMPLE_ROWS]
    roles = _assign(header, data)

    def ref(i: int) -> str:
        if header is None:
            return str(i + 1)
        name = _text(header[i])
        first = next(j for j, c in enumerate(header) if _norm(_text(c)) == _norm(name))
        return _q(name) if first == i else str(i + 1)

    if table.kind == "csv":
        lines += [f"encoding: {_q(table.encoding)}   # detected",
                  f"delimiter: {_q(table.delimiter)}   # detected"]  # fmt: skip
    if has_header:
        names = [_text(header[i]) for cs in roles.values() for i in cs] if header else []
        lines.append(f"header_row: {table.rows[start][0]}   # line of the column names"
                     + (f" ({start} preamble row(s) above it)" if start else ""))  # fmt: skip
        lines.append("match_header: [" + ", ".join(_q(n) for n in dict.fromkeys(names)) + "]"
                     "   # columns that identify this layout")  # fmt: skip
    else:
        lines.append("header_row: 0   # no header row: columns by position (1 = first)")
        lines.append(f"match_first_row: {_q(_first_row_pattern(data[0], table.delimiter))}")
    date_values = _values(data, roles["date"][0]) if "date" in roles else []
    fmt = guess_date_format(date_values) or "%Y-%m-%d"
    cells = date_values and all(isinstance(v, dt.date) for v in date_values)
    note = "   # workbook date cells" if cells else "   # fits every sampled date"
    swapped = {"%d/%m/%Y": "%m/%d/%Y", "%m/%d/%Y": "%d/%m/%Y", "%d.%m.%Y": "%m.%d.%Y"}
    texts = [v for v in date_values if not isinstance(v, dt.date)]
    if fmt in swapped and texts and guess_date_format_in(texts, swapped[fmt]):
        note = "   # AMBIGUOUS: day/month order could not be told apart -- check"
    lines.append(f"date_format: {_q(fmt)}{note}")
    money_cols = [i for r in ("amount", "debit", "credit", "balance", "charges")
                  for i in roles.get(r, [])]  # fmt: skip
    money = [v for i in money_cols for v in _values(data, i)]
    decimal, thousands = guess_decimal(money)
    lines += [f"decimal: {_q(decimal)}", f"thousands: {_q(thousands)}"]
    if "currency" not in roles:
        symbol = next((c for v in money for c in _text(v) if c in SYMBOLS), "")
        code = SYMBOLS.get(symbol, "EUR")
        why = f"from the {symbol} sign" if symbol else "ASSUMED -- no currency column: check"
        lines.append(f"currency: {code}   # {why}")
    if "debit" in roles:
        lines.append("# debit/credit columns: debit amounts are booked as money out")
    lines.append("columns:")
    if "amount" not in roles and not ("debit" in roles and "credit" in roles):
        lines.append("  amount: 0   # NOT FOUND: no amount column recognised -- set it")
    for role in ("date", "value_date", "amount", "debit", "credit", "direction", "currency",
                 "label", "counterparty", "iban", "bic", "reference", "balance", "charges",
                 "id"):  # fmt: skip
        if role not in roles or (role in ("debit", "credit") and "amount" in roles):
            continue
        cols = roles[role]
        if len(cols) == 1:
            lines.append(f"  {role}: {ref(cols[0])}")
        else:
            lines.append(f"  {role}: [" + ", ".join(ref(i) for i in cols) + "]")
    if "date" not in roles:
        lines.append("  date: 0   # NOT FOUND: no date column recognised -- set it")
    return "\n".join(lines) + "\n"

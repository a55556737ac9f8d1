"""Partner names with legal forms, and the ways banks and payers garble them.

Names are built per country (FR, DE, CH, BE, UK) from surnames, trades and legal forms, a
share of them longer than 35 characters so that the 35/70-character truncation of bank
formats bites. :func:`bank_name` then writes a name as it shows up on a statement: upper
case, accents dropped, truncated, one typo, legal form dropped or respelt.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field

from bench.matchgen.references import make_iban

COUNTRIES = ("FR", "DE", "CH", "BE", "UK")

_SURNAMES = {
    "FR": ("Dupont", "Lefèvre", "Martinez", "Bernardin", "Moreau", "Girard", "Rousseau",
           "Fontaine", "Chevalier", "Lambertin", "Faure", "Mercier", "Blanchard", "Gauthier",
           "Bérenger", "Lemaître", "Ducrocq", "Périer", "Guérin", "Boucher", "Rochefort",
           "Vasseur", "Delacroix", "Marchand", "Lacombe", "Barthélemy", "Carpentier"),
    "DE": ("Müller", "Schmidt", "Schneider", "Fischer", "Weiß", "Schröder", "Köhler",
           "Hoffmann", "Krüger", "Wagner", "Groß", "Jäger", "Böhm", "Neumann", "Schäfer",
           "Zimmermann", "Hartmann", "Lehmann", "Braun", "Vogel", "Friedrich", "Günther"),
    "CH": ("Zürcher", "Keller", "Brunner", "Baumann", "Favre", "Rochat", "Steiner", "Frei",
           "Gerber", "Bühler", "Meier", "Huber", "Moser", "Sutter", "Aebischer", "Gasser",
           "Wyss", "Ammann", "Perrin", "Jaquet"),
    "BE": ("Janssens", "Peeters", "Maes", "Jacobs", "Willems", "Claes", "Goossens", "Wouters",
           "De Smet", "Van den Broeck", "Dubois", "Dupuis", "Vermeulen", "Mertens", "Hermans",
           "Van Damme", "De Backer", "Lemmens", "Declercq"),
    "UK": ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Davies", "Evans",
           "Thomas", "Hargreaves", "Whitfield", "O'Brien", "Fletcher", "Ashworth", "Pembroke",
           "Cartwright", "Holloway", "Fairbairn", "Kingsley"),
}  # fmt: skip

_TRADES = {
    "FR": ("Transports", "Boulangerie", "Menuiserie", "Imprimerie", "Garage", "Cabinet",
           "Ateliers", "Établissements", "Laboratoires", "Éditions", "Pharmacie", "Plomberie",
           "Électricité Générale", "Charpente", "Traiteur"),
    "DE": ("Maschinenbau", "Logistik", "Bäckerei", "Elektrotechnik", "Immobilien",
           "Steuerberatung", "Metallbau", "Gebäudereinigung", "Spedition", "Werkzeugbau",
           "Druckerei", "Holzhandel", "Autohaus"),
    "CH": ("Treuhand", "Holzbau", "Uhren", "Informatique", "Fiduciaire", "Architectes",
           "Transporte", "Käserei", "Gartenbau", "Électricité", "Sanitär", "Horlogerie"),
    "BE": ("Brasserie", "Bouwbedrijf", "Transport", "Drukkerij", "Immo", "Ateliers",
           "Boulangerie", "Schrijnwerkerij", "Garage", "Chocolaterie", "Verhuizingen"),
    "UK": ("Consulting", "Logistics", "Engineering", "Catering", "Builders", "Print",
           "Software", "Holdings", "Joinery", "Plumbing", "Haulage", "Surveyors"),
}  # fmt: skip

_FIRST_NAMES = {  # first names of people paying or paid (sole traders, tenants, staff)
    "FR": ("Jérôme", "Émilie", "Nathalie", "Olivier", "Sébastien", "Camille", "Hélène", "Luc"),
    "DE": ("Jürgen", "Anna", "Matthias", "Katrin", "Uwe", "Sabine", "Florian", "Heike"),
    "CH": ("Reto", "Céline", "Urs", "Béatrice", "Daniel", "Corinne", "Marc", "Nicole"),
    "BE": ("Pieter", "Els", "Geert", "Sofie", "Wim", "Lieve", "Koen", "Ann"),
    "UK": ("Amelia", "Oliver", "Harry", "Isla", "George", "Emily", "Jack", "Sophie"),
}
# Legal forms that a near-identical partner may carry instead (``Acme plc`` / ``Acme Ltd``)
TWIN_FORMS = {
    "FR": (("SARL", "SAS"), ("SA", "SAS"), ("SARL", "EURL")),
    "DE": (("GmbH", "GmbH & Co. KG"), ("GmbH", "AG"), ("KG", "GmbH & Co. KG")),
    "CH": (("AG", "GmbH"), ("SA", "Sàrl")),
    "BE": (("NV", "BV"), ("SA", "SRL")),
    "UK": (("plc", "Limited"), ("Ltd", "LLP")),
}
# How banks write a legal form: every spelling of one form (``LIMITED`` is ``LTD``)
FORM_SPELLINGS = {
    "SARL": ("SARL", "S.A.R.L."), "SAS": ("SAS", "S.A.S."), "SA": ("SA", "S.A."),
    "EURL": ("EURL",), "GmbH": ("GMBH",), "GmbH & Co. KG": ("GMBH & CO. KG", "GMBH + CO KG",
    "GMBH U. CO. KG"), "AG": ("AG",), "KG": ("KG",), "Sàrl": ("SARL", "S.A R.L."),
    "NV": ("NV", "N.V."), "BV": ("BV", "B.V."), "SRL": ("SRL",), "plc": ("PLC", "P.L.C."),
    "Limited": ("LIMITED", "LTD"), "Ltd": ("LTD", "LIMITED", "LTD."), "LLP": ("LLP",),
}  # fmt: skip

_PLACES = {
    "FR": ("Lyonnaise", "Parisienne", "Bretonne", "Normande", "du Sud-Ouest", "Alsacienne"),
    "DE": ("Rhein-Main", "Nord", "Süd", "Ostfriesland", "Bodensee", "Schwaben"),
    "CH": ("Zürich", "Genève", "Lausanne", "Bern", "Basel", "Luzern", "Neuchâtel"),
    "BE": ("Antwerpen", "Liège", "Gent", "Namur", "Brugge", "Bruxelles"),
    "UK": ("Northern", "Thames Valley", "Yorkshire", "Highland", "Cotswold", "Mersey"),
}

LEGAL_FORMS = {
    "FR": ("SA", "SARL", "SAS", "SASU", "EURL", "SNC"),
    "DE": ("GmbH", "AG", "KG", "GmbH & Co. KG", "OHG", "e.K."),
    "CH": ("AG", "GmbH", "SA", "Sàrl"),
    "BE": ("NV", "BV", "SA", "SRL", "SPRL", "BVBA", "CommV"),
    "UK": ("Ltd", "Limited", "PLC", "LLP"),
}

_LONG_PATTERNS = {  # long names, for the 35/70-character cuts; some share a long prefix
    "FR": ("Compagnie Européenne de {trade} et de Services {surname}",
           "{surname} {trade} Distribution et Services Associés",
           "Société Nouvelle des {trade} {surname} et Compagnie"),
    "DE": ("{surname} {trade} und Vertriebsgesellschaft",
           "{trade} {surname} Beteiligungs- und Verwaltungsgesellschaft",
           "Gesellschaft für {trade} {surname} und Partner"),
    "CH": ("{surname} {trade} Beratungs- und Handelsgesellschaft",
           "{trade} {surname} Immobilien- und Verwaltungsgesellschaft",
           "Société Romande de {trade} {surname} et Fils"),
    "BE": ("Société Internationale de {trade} {surname} et Associés",
           "{surname} {trade} Internationale Handelsonderneming",
           "Algemene {trade} Onderneming {surname} en Zonen"),
    "UK": ("{surname} International {trade} and Facilities Management",
           "The {surname} {trade} Group Holdings International",
           "{trade} Services of {surname} and Sons"),
}  # fmt: skip

# Every token a legal form is written with, lower case, for the dedup key below.
_LEGAL_TOKENS = frozenset(
    t
    for forms in LEGAL_FORMS.values()
    for form in forms
    for t in re.split(r"[\s.&]+", form.lower())
    if t
) | {"co", "s", "a", "r", "l", "sprl", "limited"}

ACCENT_FREE = str.maketrans({"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "œ": "oe", "Œ": "OE"})


def strip_accents(text: str) -> str:
    """``Müller Bäckerei`` → ``Muller Backerei``, as most bank formats transmit names."""
    decomposed = unicodedata.normalize("NFKD", text.translate(ACCENT_FREE))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_key(name: str) -> str:
    """A name with accents, case, punctuation and legal forms removed.

    Two partners with the same key cannot be told apart by name at all, so the generator
    keeps keys unique: similar names are a hard case, identical ones would be noise.
    """
    tokens = re.split(r"[^a-z0-9]+", strip_accents(name).lower())
    return " ".join(t for t in tokens if t and t not in _LEGAL_TOKENS)


@dataclass(slots=True)
class Partner:
    """A customer or supplier of ours, with its bank account and whether our ERP knows it."""

    name: str
    country: str
    iban: str
    iban_known: bool  # the ERP has the IBAN on the partner (open items carry it)
    surname: str
    trade: str
    amounts: dict[tuple[str, str], set[int]] = field(default_factory=dict)

    def has_amount(self, currency: str, direction: str, cents: int) -> bool:
        """True when one of this partner's open items already has this amount."""
        return cents in self.amounts.get((currency, direction), set())

    def add_amount(self, currency: str, direction: str, cents: int) -> None:
        """Remember an open item amount, to keep same-partner twins deliberate."""
        self.amounts.setdefault((currency, direction), set()).add(cents)


_IBAN_COUNTRY = {"FR": "FR", "DE": "DE", "CH": "CH", "BE": "BE", "UK": "GB"}


class PartnerFactory:
    """Makes partners with unique name keys; can make a *sibling* with a similar name."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.keys: set[str] = set()

    def make(self, country: str) -> Partner:
        """A new partner of ``country`` whose name key no other partner has."""
        rng = self.rng
        for attempt in range(10_000):
            surname = rng.choice(_SURNAMES[country])
            trade = rng.choice(_TRADES[country])
            if attempt < 12:
                name = self._compose(country, surname, trade)
            else:  # the plain patterns are used up (large sets): add a region and a number
                place = rng.choice(_PLACES[country])
                legal = rng.choice(LEGAL_FORMS[country])
                name = f"{surname} {trade} {place} {rng.randrange(100, 100_000)} {legal}"
            if name_key(name) not in self.keys:
                return self._register(name, country, surname, trade)
        raise RuntimeError(f"ran out of distinct {country} partner names")

    def sibling(self, partner: Partner) -> Partner:
        """A partner sharing ``partner``'s surname but in another trade: a name decoy."""
        rng = self.rng
        country = partner.country
        for _ in range(200):
            trade = rng.choice(_TRADES[country])
            if trade == partner.trade:
                continue
            name = self._compose(country, partner.surname, trade, long_ok=False)
            if name_key(name) not in self.keys:
                return self._register(name, country, partner.surname, trade)
        return self.make(country)

    def people(self, country: str) -> tuple[Partner, Partner]:
        """Two people sharing a surname, first names with different initials (``Jérôme
        Perrin`` / ``Émilie Perrin``): only the first name or its initial tells them apart."""
        rng = self.rng
        for _ in range(1000):
            surname = rng.choice(_SURNAMES[country])
            first, second = rng.sample(_FIRST_NAMES[country], 2)
            if strip_accents(first)[0] == strip_accents(second)[0]:
                continue
            names = (f"{first} {surname}", f"{second} {surname}")
            if all(name_key(n) not in self.keys for n in names):
                a, b = (self._register(n, country, surname, "") for n in names)
                return a, b
        raise RuntimeError(f"ran out of distinct {country} people")

    def legal_twins(self, country: str) -> tuple[Partner, Partner, str, str]:
        """Two partners whose names differ only by their legal form (``Acme plc`` and
        ``Acme Limited``), with those forms. They share a name key on purpose."""
        rng = self.rng
        for _ in range(1000):
            surname = rng.choice(_SURNAMES[country])
            trade = rng.choice(_TRADES[country])
            base = f"{surname} {trade}" if country in ("DE", "CH", "UK") else f"{trade} {surname}"
            if name_key(base) in self.keys:
                continue
            first, second = rng.choice(TWIN_FORMS[country])
            a = self._register(f"{base} {first}", country, surname, trade)
            b = self._register(f"{base} {second}", country, surname, trade)
            return a, b, first, second
        raise RuntimeError(f"ran out of distinct {country} names for legal twins")

    def _compose(self, country: str, surname: str, trade: str, *, long_ok: bool = True) -> str:
        rng = self.rng
        legal = rng.choice(LEGAL_FORMS[country])
        pick = rng.randrange(100)
        if long_ok and pick < 18:
            base = rng.choice(_LONG_PATTERNS[country]).format(surname=surname, trade=trade)
        elif pick < 55:
            base = f"{surname} {trade}" if country in ("DE", "CH", "UK") else f"{trade} {surname}"
        elif pick < 70:
            other = rng.choice(_SURNAMES[country])
            joiner = {"FR": "&", "DE": "&", "CH": "&", "BE": "&", "UK": "&"}[country]
            base = f"{surname} {joiner} {other} {trade}"
        elif pick < 85:
            base = f"{trade} {rng.choice(_PLACES[country])} {surname}"
        else:
            number = rng.randrange(2, 99)
            base = f"{surname} {trade} {number}"
        return f"{base} {legal}"

    def _register(self, name: str, country: str, surname: str, trade: str) -> Partner:
        self.keys.add(name_key(name))
        iban = make_iban(_IBAN_COUNTRY[country], self.rng)
        return Partner(name, country, iban, self.rng.random() < 0.5, surname, trade)


_LEGAL_RESPELLINGS = {
    "SA": ("S.A.", "S A", ""),
    "SARL": ("S.A.R.L.", "Sarl", ""),
    "Sàrl": ("SARL", "Sarl", "S.à r.l.", ""),
    "GmbH": ("GMBH", "Gmbh", ""),
    "AG": ("A.G.", ""),
    "Ltd": ("LTD.", "Limited", ""),
    "Limited": ("Ltd", "LTD", ""),
    "NV": ("N.V.", ""),
    "BV": ("B.V.", "BVBA", ""),
    "PLC": ("P.L.C.", ""),
}


def misspell(name: str, rng: random.Random) -> str:
    """One typo in the longest word: swapped, dropped, doubled or replaced letter."""
    words = name.split(" ")
    index = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[index]
    if len(word) < 5:
        return name
    pos = rng.randrange(1, len(word) - 2)
    edit = rng.randrange(4)
    if edit == 0:
        word = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]
    elif edit == 1:
        word = word[:pos] + word[pos + 1 :]
    elif edit == 2:
        word = word[:pos] + word[pos] + word[pos:]
    else:
        swap = {"e": "a", "a": "e", "i": "y", "y": "i", "o": "u", "u": "o"}
        word = word[:pos] + swap.get(word[pos].lower(), "e") + word[pos + 1 :]
    words[index] = word
    return " ".join(words)


def bank_name(name: str, rng: random.Random, *, truncate: bool = True) -> str:
    """``name`` as it arrives on a bank statement, garbled the way banks garble names.

    ``truncate=False`` keeps the whole name, for cases where the name is the only evidence
    and cutting it would make the truth itself ambiguous.
    """
    text = name
    for form, spellings in _LEGAL_RESPELLINGS.items():
        if text.endswith(" " + form) and rng.random() < 0.35:
            text = (text[: -len(form)] + rng.choice(spellings)).rstrip()
            break
    if " & " in text and rng.random() < 0.3:
        text = text.replace(" & ", rng.choice((" ET ", " UND ", " AND ", " + ")))
    if rng.random() < 0.15:
        text = misspell(text, rng)
    if rng.random() < 0.7:
        text = strip_accents(text)
    if rng.random() < 0.75:
        text = text.upper()
    if truncate and len(text) > 35:
        text = text[: rng.choice((35, 35, 70))].rstrip()
    return text

"""Indexes over the open items, so that each transaction only meets plausible items.

Scanning every item for every bank line is O(lines × items) and does not scale to 100k ×
150k; instead each kind of evidence has a dictionary: structured reference -> items,
normalised number -> items, (currency, direction, residual in minor units) -> items,
normalised partner -> items, IBAN -> partner, and a token/prefix block index that narrows
fuzzy name matching to partners sharing a word with the bank text.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from rapidfuzz import fuzz, process

from bankrec.matching.amounts import minor as to_minor
from bankrec.matching.config import MatchConfig
from bankrec.matching.normalize import (
    BANK_WORDS,
    LEGAL_FORMS,
    canonical_form,
    label_text,
    legal_form,
    normalize_iban,
    normalize_name,
    number_keys,
    words,
)
from bankrec.matching.references import parse_reference
from bankrec.model import Direction, OpenItem

_DOCUMENT_LAG = dt.timedelta(days=7)  # a document may be dated a few days after its payment
_SUBSET_SCAN = 60  # items of one partner a subset-sum pool is drawn from, at most
_COMMON_BLOCK = 100  # a word in more names than this narrows little
_NEAR = 40  # candidate names compared in full per look-up
_MAX_BLOCK = 2000  # a word shared by more partners than this does not narrow anything
_TIE_SIMILARITY = 3  # names this close in similarity are told apart by nothing
_AMBIGUOUS_SIMILARITY = 85  # what each of several equally fitting names is worth
_CUT_PREFIX = 20  # a cut name must show at least this many characters of its start
_INITIALS = 94  # a name written with initials (``J PERRIN``): sure when only one name fits
_REORDERED = 96  # a name's words all in the label, in another order (``WILSON AMELIA``)
_OTHER_FORM = 80  # a name the bank wrote with another partner's legal form
_CUT_LABEL = frozenset((34, 35, 69, 70, 139, 140))  # label lengths banks cut at
_FORM_MARK = " #"  # joins a name and its legal form in the key of a partner with a twin


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that start an address appended to a name (``BAHNHOFSTR 12``, ``12 RUE ...``)
_STREET_WORDS = _wordset(
    """RUE AVENUE AV BD BOULEVARD CHEMIN CH ROUTE RTE PLACE PL QUAI ALLEE IMPASSE ROAD RD
    STREET ST LANE LN DRIVE WAY SQUARE STRASSE STR PLATZ GASSE WEG STRAAT LAAN STEENWEG
    PLEIN DREEF VIA VIALE CORSO PIAZZA CALLE"""
)
# Two-letter words of names and labels that are no initials (``DUBOIS ET MAES``)
_PARTICLES = _wordset("ET DE DU LA LE EN OF AN UK EU ST DI DA EL Y VON VAN DER")
# Label wording around a payer's name that BANK_WORDS does not list (field tags, ...)
_LABEL_WORDS = _wordset(
    """SVWZ ABWA EREF KREF MREF CRED MITTEILUNGEN MITTEILUNG CLIENT REMISE INST RECU RECUE
    EUROPESE EUROPEEN VIREMENT GIRO FASTER CREDIT BACS CHAPS REGLEMENT SOLDE REMITTANCE
    RECHNUNGSNR MOTIF ORDER AUFTRAG"""
)
_JOINERS = _wordset("AND ET UND EN E Y U")  # ``GIRARD AND BLANCHARD``
_STREET_ENDINGS = ("STRASSE", "STR", "STRAAT", "GASSE", "WEG", "PLATZ", "LAAN", "STEENWEG")


def partner_key(base: str, form: str) -> str:
    """The key of a partner whose name (``base``, normalised) another partner shares with a
    different legal form: the form is part of the key, so the two never merge."""
    return f"{base}{_FORM_MARK}{form}"


def name_part(tokens: list[str]) -> list[str]:
    """The words of a counterparty before an appended address: ``MUELLER GMBH BAHNHOFSTR
    12 8001 ZUERICH`` -> ``MUELLER GMBH``. The tail counts as an address only when it
    starts with a street word or a house number and holds a number (or a street word):
    ``DUPONT TRANSPORTS 42`` keeps its number."""
    for k in range(1, len(tokens)):
        token = tokens[k]
        street = token in _STREET_WORDS or (
            len(token) > 5 and token.isalpha() and token.endswith(_STREET_ENDINGS)
        )
        if not street and not token[:1].isdigit():
            continue
        tail = tokens[k:]
        postcode = any(t.isdigit() and len(t) >= 4 for t in tail)
        numbered = any(t[:1].isdigit() for t in tail)
        if (street and (numbered or k == len(tokens) - 1)) or (
            token[:1].isdigit() and (postcode or any(t in _STREET_WORDS for t in tail))
        ):
            return tokens[:k]
    return tokens


def _aligned(query: list[str], key: list[str]) -> int:
    """How a person-style name fits a partner name word by word, in any order.

    Every word of both must pair up: equal words, or an initial (``J``, ``JP``) with the
    words it starts. Returns 100 (same words), :data:`_INITIALS` (initials used), -1 when
    the words agree but an initial names someone else (``J PERRIN`` for ``EMILIE PERRIN``),
    or 0 when the names do not align.
    """
    if len(query) > len(key) or len(key) > 6:
        return 0
    free = list(key)
    rest: list[str] = []
    exact = 0
    for word in query:
        if word in free:
            free.remove(word)
            exact += len(word) >= 3
        else:
            rest.append(word)
    if not exact:
        return 0
    if not rest:
        return 100 if not free else 0
    if not all(len(w) == 1 or (len(w) == 2 and w.isalpha() and w not in _PARTICLES) for w in rest):
        return 0
    order = [w for w in key if w in free]  # the unpaired words, in the name's order
    for initials in rest:
        for start in range(len(order) - len(initials) + 1):
            run = order[start : start + len(initials)]
            if "".join(w[0] for w in run) == initials:
                del order[start : start + len(initials)]
                break
        else:
            # only a lone initial letter that starts none of the other words contradicts
            single = all(len(w) == 1 for w in rest) and len(order) == len(rest)
            return -1 if single else 0
    return _INITIALS if not order else 0


@dataclass(frozen=True, slots=True)
class PartnerHit:
    """A partner recognised in a transaction, with how sure and from what."""

    key: str  # normalised partner name
    name: str  # the partner as the open items spell it
    similarity: int  # 0..100
    source: str  # human-readable origin: "counterparty 'ACME S.A. PARIS'", "IBAN …", "rule …"


class PartnerIndex:
    """Normalised partner names with a word/prefix block index for fuzzy look-ups."""

    def __init__(self, names: Mapping[str, str]) -> None:
        """``names`` maps normalised name -> display name."""
        self.display = dict(names)
        # fuzzy matching runs on names without their legal form ("bases"); a base that
        # several partners share (``ACME`` of ``Acme plc`` and ``Acme Ltd``) lists them
        self._members: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for key in self.display:
            if _FORM_MARK in key:
                base, form = key.split(_FORM_MARK, 1)
                self._members[base].append((form, key))
        self._members = dict(self._members)
        self.keys = sorted({key.split(_FORM_MARK, 1)[0] for key in self.display})
        self._bases = frozenset(self.keys)
        blocks: dict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(self.keys):
            for block in _blocks(key):
                blocks[block].append(i)
        self._blocks = {b: ids for b, ids in blocks.items() if len(ids) <= _MAX_BLOCK}
        # one run sees the same counterparty spelling many times
        self._name_cache: dict[tuple[str, tuple[int, ...], int], list[tuple[str, int]]] = {}
        self._near_cache: dict[tuple[str, ...], list[str]] = {}

    def _near(self, query: str) -> list[str]:
        """Partner names sharing the most distinctive words with ``query`` (at most _NEAR).

        A shared rare word counts more than a shared common one ("COMPAGNIE" is in many
        names, "SCHRIJNWERKERIJ" in few), so boilerplate cannot crowd out the right name.
        The answer depends only on the blocks the index knows, taken rarest first (then
        alphabetically, so it never depends on set order), and is cached per run: many
        labels of one payer differ only in numbers, which are no blocks of any name.
        The returned list is shared: callers must not change it.
        """
        index = self._blocks
        present = tuple(
            sorted((b for b in _blocks(query) if b in index), key=lambda b: (len(index[b]), b))
        )
        cached = self._near_cache.get(present)
        if cached is None:
            cached = self._near_cache[present] = self._near_blocks(present)
        return cached

    def _near_blocks(self, present: tuple[str, ...]) -> list[str]:
        weight: dict[int, float] = defaultdict(float)
        for block in present:
            ids = self._blocks[block]
            if len(ids) > _COMMON_BLOCK and weight:
                break  # common words only add noise (and time) once rarer ones matched
            share = 1.0 / len(ids)
            for i in ids:
                weight[i] += share
        keys = self.keys
        if len(weight) > _NEAR:
            # the _NEAR heaviest, ties to the lower position: everything above the
            # _NEAR-th weight, then the first positions at exactly that weight
            cutoff = sorted(weight.values(), reverse=True)[_NEAR - 1]
            best = [i for i, w in weight.items() if w > cutoff]
            ties = sorted(i for i, w in weight.items() if w == cutoff)
            best.extend(ties[: _NEAR - len(best)])
            return [keys[i] for i in sorted(best)]
        return [keys[i] for i in sorted(weight)]

    def lookup_name(
        self, raw: str, truncation_lengths: Sequence[int], min_similarity: int
    ) -> list[tuple[str, int]]:
        """Partners a counterparty name may denote, best first: (key, similarity).

        A name cut by the bank (its raw length is one of ``truncation_lengths``) is
        compared with the same-length prefix of each partner name.
        """
        cache_key = (raw, tuple(truncation_lengths), min_similarity)
        cached = self._name_cache.get(cache_key)
        if cached is None:
            cached = self._name_cache[cache_key] = self._lookup_name(
                raw, truncation_lengths, min_similarity
            )
        return cached

    def _lookup_name(
        self, raw: str, truncation_lengths: Sequence[int], min_similarity: int
    ) -> list[tuple[str, int]]:
        length = len(raw.strip())
        truncated = any(cut - 1 <= length <= cut for cut in truncation_lengths)
        tokens = words(raw)
        named = name_part(tokens)
        form = canonical_form(named)
        query = normalize_name(raw)
        if not query:
            return []
        short = normalize_name(" ".join(named)) if len(named) < len(tokens) else query
        for exact in (query, short):
            if exact in self._bases:
                return _unambiguous(_best(self._expand([(exact, 100)], form, truncated)))
        results = self._fuzzy_name(query, truncated, min_similarity)
        if short != query and short:
            results.extend(self._fuzzy_name(short, False, min_similarity))
        return _unambiguous(_best(self._expand(results, form, truncated)))

    def _expand(
        self, results: list[tuple[str, int]], form: str, cut: bool
    ) -> list[tuple[str, int]]:
        """Names (bases) found -> partner keys: a base several partners share goes to the
        one whose legal form the bank wrote; without a form (or a form that may have been
        cut, ``GMBH`` of ``GMBH CO KG``) none of them is sure."""
        members = self._members
        if not members:
            return results
        out: list[tuple[str, int]] = []
        for base, score in results:
            twins = members.get(base)
            if twins is None:
                out.append((base, score))
                continue
            agree = bool(form) and any(f == form for f, _ in twins)
            if agree and cut and any(f != form and f.startswith(form) for f, _ in twins):
                agree = False
            for twin_form, key in twins:
                if agree:
                    out.append((key, score if twin_form == form else min(score, _OTHER_FORM)))
                else:
                    out.append((key, min(score, _AMBIGUOUS_SIMILARITY)))
        return out

    def _fuzzy_name(
        self, query: str, truncated: bool, min_similarity: int
    ) -> list[tuple[str, int]]:
        near = self._near(query)
        if not near:
            return []
        found = process.extract(
            query, near, scorer=fuzz.token_set_ratio, score_cutoff=min_similarity, limit=10
        )
        results: list[tuple[str, int]] = []
        for key, set_score, _ in found:
            score = max(fuzz.token_sort_ratio(query, key), min(set_score, 92.0))
            if truncated and len(key) > len(query) >= 8:
                score = max(score, fuzz.ratio(query, key[: len(query)]))
            if score >= min_similarity:
                results.append((key, round(score)))
        if truncated:  # the cut may have fallen inside the one distinctive word
            for key in near:
                if len(key) > len(query) >= 8 and key.startswith(query):
                    results.append((key, 100))
        # names of people: initials (``J PERRIN``), surname first (``WILSON AMELIA``)
        query_words = query.split()
        if len(query_words) >= 2:
            contradicted: set[str] = set()
            aligned: list[tuple[str, int]] = []
            for key in near:
                fit = _aligned(query_words, key.split())
                if fit > 0:
                    aligned.append((key, fit))
                elif fit < 0:
                    contradicted.add(key)
            if aligned:  # every word written is explained: mere look-alikes fall back
                names = {k for k, _ in aligned}
                results = [(k, min(score, _OTHER_FORM)) for k, score in results if k not in names]
                results.extend(aligned)
            if contradicted:
                results = [(k, score) for k, score in results if k not in contradicted]
        if any(score == 100 for _, score in results):
            # a name that explains every word written (or the whole cut start) beats names
            # that only share some of them (``BOULANGERIE LAMBERTIN`` in a cut longer name)
            results = [(k, score if score == 100 else min(score, 80)) for k, score in results]
        return results

    def lookup_label(self, raw: str, min_similarity: int) -> list[tuple[str, int]]:
        """Partners whose name appears inside free label text, best first.

        The name may be cut (banks keep 35 or 70 characters), carry a typo, or sit among
        bank wording, so a partner counts as found when its whole name is in the label,
        when a long enough start of its name is (a cut name), or when a fuzzy alignment of
        its name (or of its start) with the label is close.
        """
        text = label_text(raw)
        if not text:
            return []
        padded = f" {text} "
        blocks = " ".join(w for w in text.split() if w not in BANK_WORDS)
        near = [k for k in self._near(blocks) if len(k) >= 4]
        results: list[tuple[str, int]] = []
        fuzzy: list[str] = []
        cuts: list[tuple[int, str]] = []
        forms: dict[str, tuple[str, bool]] = {}  # base -> the legal form written after it
        aligned = False
        tokens = text.split()
        shared: dict[str, int] = defaultdict(int)  # word -> near names holding it
        for key in near:
            for word in set(key.split()):
                shared[word] += 1
        for key in near:
            if f" {key} " in padded:
                results.append((key, 100))
                if key in self._members:
                    forms[key] = _form_after(padded, key)
                continue
            shown = _cut_length(key, padded)
            if shown:
                cuts.append((shown, key))
                continue
            fit = _aligned_in(tokens, key.split(), shared)
            if fit > 0:  # a person's name, surname first or with initials
                results.append((key, min(fit, _REORDERED)))
                aligned = True
            elif fit == 0:  # (an initial naming someone else rules the name out)
                fuzzy.append(key)
        if cuts:  # several names may share a start: the one shown longest is the one cut
            longest = max(n for n, _ in cuts)
            results.extend((key, 96 if n == longest else 80) for n, key in cuts)
        full = [k for k, score in results if score == 100]
        results = [  # "ACME" inside "ACME INDUSTRIES": the longer name is the one written
            (k, 80 if score == 100 and any(k != o and k in o for o in full) else score)
            for k, score in results
        ]
        if fuzzy and not any(score >= 96 for _, score in results):  # typo'd names only
            for key, score, _ in process.extract(
                text, fuzzy, scorer=fuzz.partial_ratio, score_cutoff=min_similarity, limit=10
            ):
                if len(key) >= 8:
                    results.append((key, min(round(score), _OTHER_FORM if aligned else 95)))
        if any(score == 100 for _, score in results):
            # a name written out in full beats names that merely look alike (shared words)
            results = [(k, score if score == 100 else min(score, 80)) for k, score in results]
        if self._members:
            results = [
                hit
                for base, score in _best(results)
                for hit in self._expand([(base, score)], *forms.get(base, ("", False)))
            ]
        return _unambiguous(_best(results))


def _form_after(padded: str, base: str) -> tuple[str, bool]:
    """The legal form a label writes right after a name, and whether the label ends with
    it (then it may have been cut: ``GMBH`` of ``GMBH CO KG``)."""
    after = padded[padded.find(f" {base} ") + len(base) + 2 :].split()
    taken = 0
    while taken < len(after) and after[taken] in LEGAL_FORMS:
        taken += 1
    at_end = taken > 0 and taken == len(after)
    return canonical_form(after[:taken]), at_end and len(padded.strip()) in _CUT_LABEL


def _aligned_in(tokens: list[str], key: list[str], shared: Mapping[str, int]) -> int:
    """:func:`_aligned` of a partner name against the best run of label words: 100, the
    initials score, -1 when an initial names someone else, or 0 (the label's fuzzy
    comparison then decides). A run after a word
    that may start a name (a name-like word or a joiner: ``MARCHAND | FONTAINE CABINET``),
    before a joiner, or next to a word of another candidate name (``SOCIETE ROMANDE DE |
    FIDUCIAIRE WYSS``) is part of a longer name, not this one; ``shared`` counts the
    candidate names holding each word. Remittance text may follow a name (``RENT``)."""
    if not 2 <= len(key) <= 4:
        return 0
    # a label word that is neither a word of the name nor an initial: no run holding it
    # can align (``_aligned`` would say 0), so runs across it are not tried
    if not any(len(t) >= 3 and t in key for t in tokens):
        return 0
    fits = [t in key or (len(t) <= 2 and t.isalpha()) for t in tokens]
    best = 0
    contradicted = False
    for pos, token in enumerate(tokens):
        if len(token) < 3 or token not in key:
            continue
        for size in range(2, len(key) + 1):
            for start in range(max(0, pos - size + 1), min(pos, len(tokens) - size) + 1):
                end = start + size
                if not all(fits[start:end]):
                    continue
                if _name_like(tokens, start - 1) or (end < len(tokens) and tokens[end] in _JOINERS):
                    continue  # part of a longer name (``MARCHAND FONTAINE CABINET``)
                if _continues(tokens, start - 1, -1, key, shared) or _continues(
                    tokens, end, 1, key, shared
                ):
                    continue  # ... or of another candidate's name
                fit = _aligned(tokens[start:end], key)
                best = max(best, fit)
                contradicted = contradicted or fit < 0
    return best or (-1 if contradicted else 0)


def _continues(
    tokens: list[str], at: int, step: int, key: list[str], shared: Mapping[str, int]
) -> bool:
    """Whether the label word at ``at`` belongs to another candidate's name: a word of one
    (a particle like ``DE``/``VAN`` only when the next word out is one too)."""

    def other(pos: int) -> bool:
        return 0 <= pos < len(tokens) and shared.get(tokens[pos], 0) > (tokens[pos] in key)

    if not other(at):
        return False
    return tokens[at] not in BANK_WORDS or other(at + step)


def _name_like(tokens: list[str], pos: int) -> bool:
    """Whether the label word at ``pos`` could belong to a name (not wording, a number,
    a legal form or the label's edge)."""
    if not 0 <= pos < len(tokens):
        return False
    token = tokens[pos]
    if token in _JOINERS:
        return True
    return (
        len(token) >= 3
        and token.isalpha()
        and token not in BANK_WORDS
        and token not in LEGAL_FORMS
        and token not in _LABEL_WORDS
    )


def _cut_length(key: str, padded: str) -> int:
    """How much of ``key``'s start the label shows when the bank cut the name, else 0.

    The longest start of the name found at a word start in the label counts as a cut only
    when the label goes on with bank wording, a number or nothing (not another name), or
    the cut fell inside a word.
    """
    if len(key) <= _CUT_PREFIX or f" {key[:_CUT_PREFIX]}" not in padded:
        return 0  # shortcut: presence is monotonic, so no longer start can be present
    low, high = 0, len(key)
    while low < high:  # longest prefix present (presence is monotonic in the length)
        mid = (low + high + 1) // 2
        if f" {key[:mid]}" in padded:
            low = mid
        else:
            high = mid - 1
    if low < _CUT_PREFIX or low >= len(key):
        return 0
    after = padded[padded.find(f" {key[:low]}") + 1 + low :]
    if key[low] != " " and after.startswith(" "):
        return low  # cut inside a word: "…SCHRIJNWE" then the rest of the label
    if key[low] == " " and after.startswith(" "):
        following = after.split()
        if not following or following[0] in BANK_WORDS or any(c.isdigit() for c in following[0]):
            return low
    return 0


def _unambiguous(results: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """When several names fit (almost) equally, none of them is recognised for sure.

    A name cut at 35 characters often shows only what many partners share ("COMPAGNIE
    EUROPEENNE DE IMPRIMERIE ..."): each then keeps a similarity below the full-points
    threshold, and the other evidence (number, amount) decides.
    """
    if len(results) < 2:
        return results
    top = results[0][1]
    tied = sum(1 for _, score in results if score >= top - _TIE_SIMILARITY)
    if tied < 2 or top < 90:
        return results
    return [(k, min(score, _AMBIGUOUS_SIMILARITY)) for k, score in results]


def _best(results: list[tuple[str, int]]) -> list[tuple[str, int]]:
    best: dict[str, int] = {}
    for key, score in results:
        best[key] = max(score, best.get(key, 0))
    return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))


def _blocks(name: str) -> set[str]:
    """Blocking keys of a name: its words, their 4-letter starts, and word pairs.

    A pair ("MARTIN TRANSPORTS") is rare even when both words are common, so the right
    name is found without walking the long lists of the common words.
    """
    out: set[str] = set()
    previous = ""
    for word in name.split():
        if len(word) >= 3 and not word.isdigit():
            out.add(word)
            out.add(word[:4] + "*")
            if previous:
                out.add(f"{previous} {word}")
            previous = word
    return out


class ItemIndex:
    """All look-ups the candidate search needs, built once per run from the open items."""

    def __init__(
        self,
        items: Sequence[OpenItem],
        config: MatchConfig,
        known_ibans: Mapping[str, str] | None = None,
    ) -> None:
        self.items = list(items)
        self.config = config
        self.by_id = {item.id: i for i, item in enumerate(self.items)}
        self.by_reference: dict[str, list[int]] = defaultdict(list)
        by_number: dict[str, list[int]] = defaultdict(list)
        by_amount: dict[tuple[str, str, int], list[int]] = defaultdict(list)
        self.by_partner: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.partner_key: list[str] = []
        # per-item facts the hot loops read by position, computed once
        self.directions = [item.kind.direction for item in self.items]
        self.currencies = [item.currency for item in self.items]
        self.numbers = [item.number for item in self.items]
        self.ids = [item.id for item in self.items]
        self._minor_memo: dict[str, dict[Decimal, int]] = {}
        self.iban_partner: dict[str, str] = {}
        names: dict[str, str] = {}
        # partners whose names differ only by their legal form (``Acme plc``, ``Acme Ltd``)
        # keep it in their keys (see partner_key); every other partner is its plain name
        forms_of: dict[str, set[str]] = defaultdict(set)
        for partner in {item.partner for item in self.items} | set((known_ibans or {}).values()):
            base = normalize_name(partner)
            if base:
                forms_of[base].add(legal_form(partner))
        self._twins = frozenset(base for base, forms in forms_of.items() if len(forms) > 1)
        keys_of: dict[str, str] = {}  # partner text -> normalised (many items per partner)
        minors: list[int] = []  # each item's residual in minor units
        for i, item in enumerate(self.items):
            key = keys_of.get(item.partner)
            if key is None:
                key = keys_of[item.partner] = self.key_of(item.partner)
            self.partner_key.append(key)
            if key:
                names.setdefault(key, item.partner)
                self.by_partner[(key, item.currency)].append(i)
            ref = parse_reference(item.reference)
            if ref is not None:
                self.by_reference[ref.value].append(i)
            for number_key in number_keys(item.number):
                by_number[number_key].append(i)
            if ref is None and item.reference:
                for number_key in number_keys(item.reference):
                    if i not in by_number[number_key]:
                        by_number[number_key].append(i)
            minor = self.minor(item.residual, item.currency)
            minors.append(minor)
            by_amount[(item.currency, self.directions[i].value, minor)].append(i)
            for iban in item.partner_ibans:
                self.iban_partner.setdefault(normalize_iban(iban), key)
        # (currency, direction value, residual in minor units) -> items; tuples of plain
        # values, which the garbage collector stops tracking (it rescans tracked ones)
        self.by_amount = {key: tuple(ids) for key, ids in by_amount.items()}
        # every written form of every number -> items (normalize.number_keys); a key held
        # by one item only is a unique number, the strongest evidence short of a reference
        self.by_number: dict[str, tuple[int, ...]] = {
            key: tuple(ids) for key, ids in by_number.items()
        }
        # each item's own residual (the very object), its minor units and whether it is open
        self.residuals = [item.residual for item in self.items]
        self.minor_residuals = minors
        self.positive = [item.residual > 0 for item in self.items]
        for iban, partner in sorted((known_ibans or {}).items()):
            key = self.key_of(partner)
            if key:
                self.iban_partner[normalize_iban(iban)] = key
                names.setdefault(key, partner)
        # partner items sorted by residual, per direction, for amount-range queries
        # tuples of plain values throughout: the garbage collector stops tracking them
        self._partner_residuals: dict[tuple[str, str, str], tuple[tuple[int, ...], ...]] = {}
        for (key, currency), ids in self.by_partner.items():
            ids.sort(key=lambda i: (self.items[i].due_date or self.items[i].date, self.items[i].id))
            for direction in Direction:
                same = [i for i in ids if self.directions[i] is direction]
                same.sort(key=lambda i: (self.items[i].residual, self.items[i].id))
                minors = [self.minor_residuals[i] for i in same]
                self._partner_residuals[(key, currency, direction.value)] = (
                    tuple(minors),
                    tuple(same),
                )
        self._partner_by_date: dict[tuple[str, str], tuple[tuple[int, ...], tuple[dt.date, ...]]]
        self._partner_by_date = {}
        for k, ids in self.by_partner.items():
            by_date = sorted(ids, key=lambda i: (self.items[i].date, self.items[i].id))
            self._partner_by_date[k] = (tuple(by_date), tuple(self.items[i].date for i in by_date))
        self.partners = PartnerIndex(names)

    def key_of(self, partner: str) -> str:
        """The key of a partner name: its normalised name, with its legal form when another
        partner has the same name with a different form."""
        base = normalize_name(partner)
        if base in self._twins:
            return partner_key(base, legal_form(partner))
        return base

    def minor(self, amount: Decimal, currency: str) -> int:
        """``amount`` in integer minor units of ``currency``, memoised for this run.

        The same residuals are converted again and again (every scoring of every
        candidate); equal Decimals give equal minor units, so a per-run dictionary is exact.
        """
        memo = self._minor_memo.get(currency)
        if memo is None:
            memo = self._minor_memo[currency] = {}
        value = memo.get(amount)
        if value is None:
            value = memo[amount] = to_minor(amount, currency)
        return value

    def minor_residual(self, i: int, residual: Decimal, currency: str) -> int:
        """:meth:`minor` of item ``i``'s running ``residual``; its untouched residual (the
        very object the item holds) is read from a table built with the index."""
        if residual is self.residuals[i]:
            return self.minor_residuals[i]
        return self.minor(residual, currency)

    def partner_items_between(
        self, partner: str, currency: str, direction: Direction, low: int, high: int
    ) -> tuple[int, ...]:
        """Items of one partner whose residual (minor units) lies in ``[low, high]``."""
        minors, ids = self._partner_residuals.get((partner, currency, direction.value), ((), ()))
        return ids[bisect.bisect_left(minors, low) : bisect.bisect_right(minors, high)]

    def partner_items(self, partner: str, currency: str) -> list[int]:
        """Every item of one partner in one currency, oldest due date first."""
        return self.by_partner.get((partner, currency), [])

    def partner_items_near(self, partner: str, currency: str, day: dt.date) -> tuple[int, ...]:
        """A bounded slice of one partner's items: the latest documents dated up to ``day``.

        A payment settles documents that exist already, usually recent ones: the scan
        starts at ``day`` (plus a few days of booking lag) and walks back in document-date
        order, so a partner with thousands of open items costs no more than one with ten.
        """
        ids, dates = self._partner_by_date.get((partner, currency), ((), ()))
        pos = bisect.bisect_right(dates, day + _DOCUMENT_LAG)
        return ids[max(0, pos - _SUBSET_SCAN) : pos][::-1]

    def recognise(self, counterparty: str, label: str, iban: str) -> list[PartnerHit]:
        """Partners named by the transaction's IBAN, counterparty or label, best first."""
        cfg = self.config
        hits: dict[str, PartnerHit] = {}

        def add(key: str, score: int, source: str) -> None:
            old = hits.get(key)
            if old is None or score > old.similarity:
                hits[key] = PartnerHit(key, self.partners.display.get(key, key), score, source)

        account = normalize_iban(iban)
        if account and account in self.iban_partner:
            add(self.iban_partner[account], 100, f"IBAN {account}")
        if counterparty.strip():
            for key, score in self.partners.lookup_name(
                counterparty, cfg.truncation_lengths, cfg.partner_min_similarity
            ):
                add(key, score, f"counterparty {counterparty.strip()!r}")
        if label.strip() and not any(
            h.similarity >= cfg.partner_full_similarity for h in hits.values()
        ):
            for key, score in self.partners.lookup_label(label, cfg.partner_min_similarity):
                add(key, score, f"label {label.strip()!r}")
        return sorted(hits.values(), key=lambda h: (-h.similarity, h.key))[:5]

    def partner_for_rule(self, party: str) -> str:
        """The normalised partner a rule's ``party`` names (exact normalised match or fuzzy)."""
        key = self.key_of(party)
        if key in self.partners.display:
            return key
        found = self.partners.lookup_name(party, (), self.config.partner_full_similarity)
        return found[0][0] if found else key

"""Hostile-XML defences shared by the XML statement readers.

Bank files come from outside; an XML file can carry a document type declaration whose
entities expand to gigabytes ("billion laughs") or pull local files and URLs into the
document (external entities, XXE). No bank statement format needs a DTD, so, like
defusedxml, we refuse any ``<!DOCTYPE`` or ``<!ENTITY`` outright -- once on the raw
bytes *before* parsing, and again on the parsed prolog (in case the declaration hides
behind a long comment or an unusual encoding) -- and parse with a libxml2 configured to
never load DTDs, never resolve entities, never touch the network and keep its size limits.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from lxml import etree

from bankrec.errors import Location, StatementError

PROLOG_BYTES = 65536
_FORBIDDEN = ("<!DOCTYPE", "<!ENTITY")


def _decode_head(head: bytes) -> str:
    """Best-effort text of the first bytes, whatever the (BOM-announced) encoding."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="replace")
    if head[:4] in (b"<\x00?\x00", b"\x00<\x00?"):  # UTF-16 without BOM
        return head.decode("utf-16-le" if head[0] == 0x3C else "utf-16-be", errors="replace")
    return head.decode("latin-1")


def forbidden_declaration(head: bytes) -> str:
    """The DTD/entity declaration found in ``head`` (upper-cased), or ``""`` when none."""
    text = _decode_head(head).upper()
    for token in _FORBIDDEN:
        if token in text:
            return token
    return ""


def check_prolog(path: Path) -> None:
    """Refuse a file whose first bytes declare a DTD or entities, before any parsing."""
    try:
        with path.open("rb") as handle:
            head = handle.read(PROLOG_BYTES)
    except OSError as exc:
        raise StatementError(f"cannot read file: {exc.strerror}", Location(str(path))) from None
    token = forbidden_declaration(head)
    if token:
        text = _decode_head(head)
        line = text[: text.upper().find(token)].count("\n") + 1
        raise StatementError(
            f"refusing XML with a {token} declaration (entity expansion / external entity risk)",
            Location(str(path), line),
            "a plain XML document without DTD or entity declarations",
        )


def check_docinfo(element: etree._Element, path: Path) -> None:
    """Second line of defence: refuse if the parser saw any document type declaration."""
    docinfo = element.getroottree().docinfo
    if (
        getattr(docinfo, "doctype", "")
        or docinfo.internalDTD is not None
        or docinfo.externalDTD is not None
    ):
        raise StatementError(
            "refusing XML with a <!DOCTYPE declaration (entity expansion / external entity risk)",
            Location(str(path), 1),
            "a plain XML document without DTD or entity declarations",
        )


def safe_iterparse(
    path: Path, events: tuple[str, ...], tags: tuple[str, ...] | None
) -> etree.iterparse:
    """An lxml streaming parser over ``path`` with every dangerous feature switched off.

    ``huge_tree=False`` keeps libxml2's limits on text size and nesting depth.
    """
    return etree.iterparse(
        str(path),
        events=events,
        tag=tags,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )

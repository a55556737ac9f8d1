"""Hostile-XML defences shared by the XML statement readers.

Bank files come from outside; an XML file can carry a document type declaration whose
entities expand to gigabytes ("billion laughs") or pull local files and URLs into the
document (external entities, XXE). No bank statement format needs a DTD, so, like
defusedxml, we refuse any ``<!DOCTYPE`` or ``<!ENTITY`` outright, in our own words, and we
do it ourselves rather than rely on what a given libxml2 version says or does: libxml2 2.14
stops a billion-laughs file with its own "entity amplification" error before lxml can show
us the doctype, older versions expand nothing and let us see it afterwards -- a guarantee
that moves with the library is no guarantee.

So the prolog (everything before the root element: XML declaration, comments, processing
instructions, whitespace -- and the DOCTYPE, which can only stand there) is walked by
:class:`PrologGuard`, chunk by chunk, *before* each chunk reaches the parser:

* :func:`check_prolog` runs it over a file before any parsing (:func:`check_prolog_bytes`
  and :func:`check_prolog_stream` for OFX 2.x and the XML parts of an XLSX workbook,
  which are parsed by other code);
* :func:`safe_iterparse`, the only way our readers parse XML, runs it again on the very
  bytes it feeds to libxml2, so no reader can parse without it;
* :func:`check_docinfo` is a last line of defence on the parser's own view of the prolog.

The parser itself is configured to never load DTDs, never resolve entities, never touch the
network and keep its size limits.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Literal, cast

from lxml import etree

from bankrec.errors import Location, StatementError
from bankrec.statements.textfile import open_binary, reading

PROLOG_BYTES = 65536  # what forbidden_declaration callers usually look at
CHUNK_BYTES = 65536  # bytes read and fed to the parser at a time
_HEAD_BYTES = 4096  # enough for the XML declaration in any encoding (UTF-32 included)
_FORBIDDEN = ("<!DOCTYPE", "<!ENTITY")
_REFUSAL = "refusing XML with a {token} declaration (entity expansion / external entity risk)"
_EXPECTED = "a plain XML document without DTD or entity declarations"
_DECLARED_RE = re.compile(r"^\ufeff?\s*<\?xml\s[^>]*?encoding\s*=\s*[\"']([A-Za-z][\w.:-]*)[\"']")
# XML 1.0 appendix F: what the first bytes say about the encoding, BOMs first
_SIGNATURES = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x4c\x6f\xa7\x94", "cp037"),  # "<?xm" in EBCDIC
)


def _decode_head(head: bytes) -> str:
    """Best-effort text of the first bytes, whatever the (BOM-announced) encoding."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="replace")
    if head[:4] in (b"<\x00?\x00", b"\x00<\x00?"):  # UTF-16 without BOM
        return head.decode("utf-16-le" if head[0] == 0x3C else "utf-16-be", errors="replace")
    return head.decode("latin-1")


def forbidden_declaration(head: bytes) -> str:
    """The DTD/entity declaration found anywhere in ``head`` (upper-cased), or ``""``.

    A plain substring search of the first bytes, for sniffers and quick checks; the
    authoritative check is :class:`PrologGuard`, which walks the whole prolog.
    """
    text = _decode_head(head).upper()
    for token in _FORBIDDEN:
        if token in text:
            return token
    return ""


class _PrologScanner:
    """Walks decoded prolog text, piece by piece, until the root element starts.

    Only what XML allows before the root is understood -- whitespace, ``<?...?>``,
    ``<!--...-->`` -- so a DOCTYPE after a megabyte of comment is found as surely as one on
    line 2, and a ``<!DOCTYPE`` *inside* a comment is (rightly) not a declaration. Anything
    else ends the walk: the root element, or text the parser will reject on its own.
    Memory stays constant: at most a few characters of an unfinished token are kept.
    """

    def __init__(self) -> None:
        self.done = False
        self.found = ""  # the forbidden declaration seen, e.g. "<!DOCTYPE"
        self.line = 1  # its line
        self._pending = ""  # text not decided yet
        self._state = ""  # "", "pi" (inside <?...?>) or "comment" (inside <!--...-->)
        self._lines = 1  # line number at the start of _pending

    def feed(self, text: str, final: bool = False) -> None:
        """Scan the next piece of text; ``final`` says no more will come."""
        if self.done:
            return
        buf = self._pending + text
        pos = 0
        keep = len(buf)
        while True:
            if self._state:
                closer = "?>" if self._state == "pi" else "-->"
                end = buf.find(closer, pos)
                if end < 0:  # keep a partial closer that the next piece may complete
                    keep = max(pos, len(buf) - len(closer) + 1)
                    break
                pos, self._state = end + len(closer), ""
                continue
            while pos < len(buf) and buf[pos] in " \t\r\n\ufeff":
                pos += 1
            head = buf[pos : pos + len("<!DOCTYPE")]
            if not head:
                keep = pos
                break
            upper = head.upper()
            if any(upper.startswith(token) for token in _FORBIDDEN):
                self.found = next(t for t in _FORBIDDEN if upper.startswith(t))
                self.line = self._lines + buf.count("\n", 0, pos)
                self.done = True
                return
            undecided = any(
                len(upper) < len(token) and token.startswith(upper)
                for token in ("<?", "<!--", *_FORBIDDEN)
            )
            if undecided and not final:
                keep = pos
                break
            if head.startswith("<?"):
                pos, self._state = pos + 2, "pi"
            elif head.startswith("<!--"):
                pos, self._state = pos + 4, "comment"
            else:  # the root element (or garbage the parser will refuse): prolog over
                self.done = True
                return
        self._lines += buf.count("\n", 0, keep)
        self._pending = buf[keep:]
        if final:
            self.done = True


class _View:
    """The prolog as one decoding of the bytes sees it."""

    def __init__(self, codec: str) -> None:
        self.decoder = codecs.getincrementaldecoder(codec)(errors="replace")
        self.scanner = _PrologScanner()

    def feed(self, data: bytes, final: bool) -> None:
        self.scanner.feed(self.decoder.decode(data, final), final)


class PrologGuard:
    """Refuses a DTD or entity declaration in the prolog of XML fed to it in chunks.

    The bytes are looked at in every way the parser might read them: as the bytes they are
    (every ASCII-compatible charset, and any charset Python does not know), and decoded with
    the encoding the byte-order mark, the first bytes (XML 1.0 appendix F: UTF-16/32
    without BOM, EBCDIC) or the XML declaration announce -- which catches a DOCTYPE written
    in UTF-16 or smuggled as ``+ADw-!DOCTYPE`` in UTF-7 (libxml2 reads UTF-7 through iconv).
    The first view that sees a declaration refuses the file. Cost: the prolog only;
    once every view has reached the root element, :meth:`feed` just passes bytes on.

    :meth:`feed` returns the bytes the parser may see now: nothing until the first
    ``_HEAD_BYTES`` have told the encoding, then each chunk once it has been scanned. A
    chunk may end in the middle of a token (``<!DOC``); that is passed on, as libxml2 does
    nothing with an incomplete declaration, and the next chunk completes it here first.
    """

    def __init__(self, file: str, where: str = "") -> None:
        self.file = file
        self.where = where  # a part of the file, e.g. a workbook's xl/worksheets/sheet1.xml
        self.done = False
        self._head = b""
        self._views: list[_View] | None = None

    def feed(self, chunk: bytes, final: bool = False) -> bytes:
        """Look at the next bytes; raise :class:`StatementError` on a declaration."""
        if self.done:
            return chunk
        if self._views is None:
            self._head += chunk
            if len(self._head) < _HEAD_BYTES and not final:
                return b""
            self._views = _views(self._head)
            chunk, self._head = self._head, b""
        for view in self._views:
            try:
                view.feed(chunk, final)
            except (UnicodeError, LookupError, TypeError, ValueError):
                view.scanner.done = True  # a codec that cannot decode: the others still look
            if view.scanner.found:
                raise StatementError(
                    _REFUSAL.format(token=view.scanner.found),
                    Location(self.file, view.scanner.line, None, self.where),
                    _EXPECTED,
                )
        self.done = all(view.scanner.done for view in self._views)
        return chunk


def _views(head: bytes) -> list[_View]:
    views: list[_View] = []
    for codec in _codecs(head):
        try:
            views.append(_View(codec))
        except (LookupError, TypeError, ValueError):  # pragma: no cover - latin-1 never fails
            continue
    return views


def _codecs(head: bytes) -> list[str]:
    """The decodings the prolog is scanned in: latin-1 (the raw bytes), plus the announced one."""
    announced = ""
    for signature, codec in _SIGNATURES:
        if head.startswith(signature):
            announced = codec
            break
    if announced.startswith(("utf-16", "utf-32", "utf-8")):
        return ["latin-1", announced]  # a BOM or a 16/32-bit pattern decides, not the text
    declared = _DECLARED_RE.match(head.decode(announced or "latin-1", errors="replace"))
    if declared:
        try:
            info = codecs.lookup(declared.group(1))
        except LookupError:  # unknown to Python: the raw-bytes view still looks
            info = None
        # text codecs only (not base64/zlib); 16/32-bit declarations over 8-bit bytes are
        # wrong and refused by the parser, the raw-bytes view covers them meanwhile
        if (
            info is not None
            and getattr(info, "_is_text_encoding", True)
            and not info.name.startswith(("utf-16", "utf-32"))
        ):
            announced = info.name
    return ["latin-1", announced] if announced and announced != "latin-1" else ["latin-1"]


def _chunks(handle: IO[bytes]) -> Iterator[bytes]:
    while chunk := handle.read(CHUNK_BYTES):
        yield chunk


def check_prolog(path: Path) -> None:
    """Refuse a file whose prolog declares a DTD or entities, before any parsing.

    Reads only as far as the root element (however long the comments before it are).
    """
    with reading(path), path.open("rb") as handle:
        check_prolog_stream(handle, str(path))


def check_prolog_stream(handle: IO[bytes], file: str, where: str = "") -> None:
    """:func:`check_prolog` on an open binary stream (``where``: the part of ``file`` it is,
    such as a workbook member, for the error's location)."""
    guard = PrologGuard(file, where)
    for chunk in _chunks(handle):
        guard.feed(chunk)
        if guard.done:
            return
    guard.feed(b"", final=True)


def check_prolog_bytes(data: bytes, file: str) -> None:
    """:func:`check_prolog` for a document already in memory (readers that tokenize XML
    themselves, such as OFX 2.x, so that every XML format refuses DTDs the same way)."""
    check_prolog_stream(io.BytesIO(data), file)  # in chunks: stops at the root element


def check_docinfo(element: etree._Element, path: Path) -> None:
    """Last line of defence: refuse if the parser saw any document type declaration."""
    docinfo = element.getroottree().docinfo
    if (
        getattr(docinfo, "doctype", "")
        or docinfo.internalDTD is not None
        or docinfo.externalDTD is not None
    ):
        raise StatementError(_REFUSAL.format(token="<!DOCTYPE"), Location(str(path), 1), _EXPECTED)


Event = Literal["start", "end"]


def safe_iterparse(
    path: Path, events: tuple[Event, ...], tags: tuple[str, ...] | None
) -> Iterator[tuple[str, etree._Element]]:
    """Stream ``(event, element)`` pairs of ``path`` with every dangerous feature off.

    Like ``lxml.etree.iterparse`` (which also feeds a parser chunk by chunk), except that
    each chunk passes the :class:`PrologGuard` before libxml2 sees it, so a DTD is refused
    by us before the parser could expand -- or report on -- anything in it.
    ``huge_tree=False`` keeps libxml2's limits on text size and nesting depth. Parse errors
    are raised as lxml raises them (``XMLSyntaxError``), after the events read before them.
    """
    parser = etree.XMLPullParser(
        events=events,
        tag=tags,
        base_url=str(path),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    guard = PrologGuard(str(path))
    with open_binary(path) as handle:
        for chunk in _chunks(handle):
            yield from _fed(parser, guard.feed(chunk))
        yield from _fed(parser, guard.feed(b"", final=True))
    parser.close()  # on a truncated file this raises; the end events it would add are not real
    yield from _events(parser)


def _fed(parser: etree.XMLPullParser, data: bytes) -> Iterator[tuple[str, etree._Element]]:
    """Feed ``data``; yield the events it completed, even those before a syntax error."""
    if not data:
        return
    try:
        parser.feed(data)
    except etree.XMLSyntaxError:
        yield from _events(parser)
        raise
    yield from _events(parser)


def _events(parser: etree.XMLPullParser) -> Iterator[tuple[str, etree._Element]]:
    # only start/end events are asked for, and those carry elements
    for event, element in parser.read_events():
        yield event, cast(etree._Element, element)

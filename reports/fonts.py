"""The bundled fonts, registered with ReportLab once per process.

Every document this package renders is set in BIZ UDPGothic (regular and bold),
embedded as subsets, so a slip prints the same on any machine.  ReportLab falls back
to Helvetica (not embedded, and without Japanese glyphs) wherever a font is left
unset: create canvases with ``initialFontName=REGULAR`` and name a font in every
style and table style.

BIZ UDPGothic covers JIS X 0213, not every character of a real name: 𠮷 (U+20BB7)
and most of CJK Extensions B to F are missing.  Those characters are set in the
fallback face, HanaMinB (Hanazono Mincho B), which covers Extensions B–F.  No text
that may hold a name is given to ReportLab directly: Paragraph markup goes through
:func:`markup` (``layout.esc``), and canvas strings through :func:`draw_string`
(measured with :func:`string_width`); both switch to the fallback for each run of
characters the main face lacks.  The fallback (31 MB) is read only when a text first
needs it.  A character neither face
has stays with the main face (and prints as its box): :func:`missing_glyphs` finds
them.  Variation selectors and other invisible format characters that no face maps
are left out of the drawing, as Unicode asks of a renderer that cannot show them, so
葛 followed by VS17 (U+E0100) prints 葛, not 葛 and a box.

A translation of the customer-facing texts (desktop.languages) is set in the face of
its own script where BIZ UDPGothic's would be wrong or missing: Droid Sans Fallback for
simplified Chinese (Chinese, not Japanese, glyph forms) and Hangul, Noto Sans for
Vietnamese (its stacked diacritics), Noto Sans Devanagari for Nepali, whose conjuncts
need shaping (``SHAPED_LANGUAGES``: ReportLab shapes through uharfbuzz when a
paragraph style asks for it).  ``markup(text, lang)`` sets each character the
language's face maps in that face and the rest (kana of a Japanese button label,
Latin in a Chinese sentence) as above; Filipino, Portuguese and Indonesian need no
face of their own.  The language faces are read only when a text in that language
is first drawn.
"""

from __future__ import annotations

import re
import threading
import unicodedata
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfdoc, pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]

FONT_DIR = Path(__file__).with_name("fonts")
REGULAR = "BIZUDPGothic"
BOLD = "BIZUDPGothic-Bold"
FALLBACK = "RevokeDeskFallback"
_FILES = {REGULAR: "BIZUDPGothic-Regular.ttf", BOLD: "BIZUDPGothic-Bold.ttf"}
FALLBACK_FILE = "HanaMinB.ttf"

# The face that sets a translation's script, per language code (reports/fonts/README.md).
LANGUAGE_FONTS = {
    "zh-Hans": ("RevokeDeskHans", "DroidSansFallback.ttf"),
    "ko": ("RevokeDeskHans", "DroidSansFallback.ttf"),
    "vi": ("RevokeDeskLatin", "NotoSans-Regular.ttf"),
    "ne": ("RevokeDeskDeva", "NotoSansDevanagari-Regular.ttf"),
}
# Languages whose script needs shaping (conjuncts, reordered vowel signs).
SHAPED_LANGUAGES = frozenset({"ne"})
# Languages written without spaces between words: they wrap like Japanese.
UNSPACED_LANGUAGES = frozenset({"zh-Hans"})

_lock = threading.Lock()
_registered = False
_fallback_loaded = False
_main_chars: frozenset[int] = frozenset()  # code points both main faces map
_fallback_chars: frozenset[int] = frozenset()
_font_chars: dict[str, frozenset[int]] = {}  # per registered font name, for draw_string


class Lru:
    """A small thread-safe LRU map (the GUI renders slips on a worker thread)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


# Font programs of subsets per face, and their compressed streams: a slip's fixed texts
# (its statement, notices, headings) fill the first subsets of a face the same way on
# every slip (see reports.layout.FixedBlock), so those are made and compressed once.
SUBSET_CACHE_SIZE = 64
COMPRESSED_CACHE_SIZE = 128  # font programs and their ToUnicode maps: a few MB at most


class _CachedFlate:
    """ReportLab's FlateDecode filter, keeping the compressed bytes of what it was given.

    Keyed by the uncompressed bytes themselves, so a hit can only return the
    compression of the very same content; used for the font streams only (a page's
    content differs from slip to slip).
    """

    pdfname = "FlateDecode"

    def __init__(self, size: int) -> None:
        self._done = Lru(size)

    def encode(self, content: bytes | str) -> bytes:
        data = content.encode("utf8") if isinstance(content, str) else content
        made = self._done.get(data)
        if made is None:
            made = zlib.compress(data)
            self._done.put(data, made)
        return made  # type: ignore[no-any-return]

    def decode(self, encoded: bytes) -> bytes:
        return zlib.decompress(encoded)

    def clear(self) -> None:
        self._done.clear()


FONT_STREAM_FLATE = _CachedFlate(COMPRESSED_CACHE_SIZE)


class _Formatted(pdfdoc.PDFObject):  # type: ignore[misc]
    """A direct PDF object already written out (it holds no references)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: Any) -> bytes:
        return self.data


def _to_unicode_cmap(font_name: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode CMap, with every code point written as UTF-16BE.

    ReportLab writes ``<%04X>`` of the code point, so 𠮷 (U+20BB7) comes out as
    ``<20BB7>``, which a reader takes for ₻ (U+20BB): the PDF would show the right
    glyph but copy and search as the wrong character.  For the BMP both agree.
    """
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({font_name})",
        f"/Ordering ({font_name})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{font_name} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(
            f"<{i:02X}> <{chr(code).encode('utf-16-be', 'surrogatepass').hex().upper()}>"
            for i, code in enumerate(subset)
        ),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(lines)


class _TTFont(TTFont):  # type: ignore[misc]
    """A TrueType font whose text extracts right beyond the BMP (see ``_to_unicode_cmap``).

    Subsets holding only BMP characters keep ReportLab's own CMap, byte for byte.

    Only a face made with ``shaped=True`` (Devanagari) is ever shaped: ReportLab shapes
    every word of a shaping paragraph, and BIZ UDPGothic's discretionary ligatures
    would turn the ページ of a Japanese button label in a Nepali step into ㌻.
    ReportLab leaves a word unshaped when its face has no HarfBuzz font to give.
    """

    def __init__(self, name: str, filename: str, *, shaped: bool = False) -> None:
        super().__init__(name, filename)
        self._shaped = shaped
        self._subsets = Lru(SUBSET_CACHE_SIZE)
        self._widths = Lru(SUBSET_CACHE_SIZE)
        face = self.face
        make_subset = face.makeSubset

        def cached_subset(subset: list[int]) -> bytes:
            # A subset's font program is a function of this face and of the code
            # points in code order, and of nothing else: every slip whose fixed texts
            # fill a subset the same way makes the same bytes, so they are made once.
            key = tuple(subset)
            made = self._subsets.get(key)
            if made is None:
                made = make_subset(subset)
                self._subsets.put(key, made)
            return made  # type: ignore[no-any-return]

        face.makeSubset = cached_subset

    def hbFont(self, fontSize: float = 10) -> Any:
        if not self._shaped:
            raise AttributeError(f"{self.fontName} is not shaped")
        return super().hbFont(fontSize)

    def addObjects(self, doc: Any) -> None:
        # ReportLab drops the document's state at the end of addObjects: read it first.
        beyond_bmp = [
            (self.getSubsetInternalName(n, doc)[1:], list(subset))
            for n, subset in enumerate(self.state[doc].subsets)
            if max(subset, default=0) > 0xFFFF
        ]
        subsets = [
            (self.getSubsetInternalName(n, doc)[1:], tuple(subset))
            for n, subset in enumerate(self.state[doc].subsets)
        ]
        super().addObjects(doc)
        fonts = doc.idToObject["BasicFonts"].dict
        for internal_name, subset in beyond_bmp:
            pdf_font = fonts[internal_name]
            stream = doc.idToObject[pdf_font.ToUnicode.name]
            stream.content = _to_unicode_cmap(pdf_font.BaseFont, subset)
        for internal_name, codes in subsets:
            pdf_font = fonts[internal_name]
            # The widths of a subset, like its font program, are this face's widths of
            # its code points: formatted once per subset (ReportLab formats each of the
            # 256 numbers anew for every document otherwise).
            widths = self._widths.get(codes)
            if widths is None:
                widths = _Formatted(pdfdoc.format(pdf_font.Widths, doc))
                self._widths.put(codes, widths)
            pdf_font.Widths = widths
            if doc.compression:
                descriptor = doc.idToObject[pdf_font.FontDescriptor.name]
                for ref in (pdf_font.ToUnicode, descriptor.dict["FontFile2"]):
                    doc.idToObject[ref.name].filters = [FONT_STREAM_FLATE]


def _chars(font: Any) -> frozenset[int]:
    return frozenset(font.face.charToGlyph)


def register_fonts() -> None:
    """Register the regular and bold faces (idempotent, thread-safe).

    Also maps ``<b>`` in Paragraph markup to the bold face; there is no italic, so
    ``<i>`` maps to the upright faces rather than to a Helvetica fallback.
    """
    global _registered, _main_chars  # noqa: PLW0603 - a once-per-process latch
    if _registered:
        return
    with _lock:
        if _registered:
            return
        covered: list[frozenset[int]] = []
        for name, filename in _FILES.items():
            font = _TTFont(name, str(FONT_DIR / filename))
            pdfmetrics.registerFont(font)
            covered.append(_font_chars.setdefault(name, _chars(font)))
        _main_chars = frozenset.intersection(*covered)
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, REGULAR)
        addMapping(REGULAR, 1, 1, BOLD)
        addMapping(BOLD, 0, 0, BOLD)
        addMapping(BOLD, 1, 0, BOLD)
        addMapping(BOLD, 0, 1, BOLD)
        addMapping(BOLD, 1, 1, BOLD)
        _registered = True


def register_fallback() -> None:
    """Register the fallback face (idempotent, thread-safe); the text helpers call it
    the first time a text holds a character the main face lacks.

    It has one weight: inside ``<b>`` it stays regular rather than break the markup.
    """
    global _fallback_loaded, _fallback_chars  # noqa: PLW0603 - a once-per-process latch
    register_fonts()
    if _fallback_loaded:
        return
    with _lock:
        if _fallback_loaded:
            return
        font = _TTFont(FALLBACK, str(FONT_DIR / FALLBACK_FILE))
        pdfmetrics.registerFont(font)
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(FALLBACK, bold, italic, FALLBACK)
        _fallback_chars = _font_chars.setdefault(FALLBACK, _chars(font))
        _fallback_loaded = True


def language_font(lang: str | None) -> str | None:
    """The registered face of ``lang``'s script, or None if the main face sets it."""
    if lang not in LANGUAGE_FONTS:
        return None
    name, filename = LANGUAGE_FONTS[lang]
    register_fonts()
    if name in _font_chars:
        return name
    with _lock:
        if name not in _font_chars:
            font = _TTFont(name, str(FONT_DIR / filename), shaped=lang in SHAPED_LANGUAGES)
            pdfmetrics.registerFont(font)
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(name, bold, italic, name)
            _font_chars[name] = _chars(font)
    return name


def language_font_file(lang: str) -> Path | None:
    """The font file of ``lang``'s own face (for the screen: Qt loads the same file)."""
    entry = LANGUAGE_FONTS.get(lang)
    return FONT_DIR / entry[1] if entry else None


def _language_runs(text: str, lang: str | None) -> Iterator[tuple[str | None, str]]:
    """(face, run) pairs: the language's face for what it maps, None for the rest
    (which the main face and its fallback then share out)."""
    face = language_font(lang)
    if face is None:
        yield None, text
        return
    covered = _font_chars[face]
    # ReportLab shapes a word with the face of its first character, so in a shaped
    # script a word goes to one face whole: the language's if it maps all of it
    # ("रद्द।"), else the main one ("iPhone," or "「マイページ」").
    units = re.split(r"(\s+)", text) if lang in SHAPED_LANGUAGES else list(text)
    run: list[str] = []
    current: str | None = None
    for unit in units:
        if not unit:
            continue
        use = face if all(ord(ch) in covered for ch in unit) else None
        if use != current and run:
            yield current, "".join(run)
            run = []
        current = use
        run.append(unit)
    if run:
        yield current, "".join(run)


def _invisible(code: int) -> bool:
    """A variation selector or another format character: nothing of its own to draw."""
    return (
        0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
        or unicodedata.category(chr(code)) == "Cf"
    )


def _covered_by(font: str) -> frozenset[int] | None:
    """The code points ``font`` maps, or None if it is not a TrueType font."""
    register_fonts()
    if font not in _font_chars:
        face = getattr(pdfmetrics.getFont(font), "face", None)
        cmap = getattr(face, "charToGlyph", None)
        if cmap is None:
            return None
        _font_chars[font] = frozenset(cmap)
    return _font_chars[font]


def _runs(text: str, main: frozenset[int]) -> Iterator[tuple[bool, str]]:
    """``text`` cut into runs: (True, run) for the fallback face, (False, run) for the
    main one.  White space and characters neither face has stay with the main face;
    invisible characters no face maps are dropped."""
    if all(ord(ch) in main or ch.isspace() for ch in text):
        yield False, text
        return
    register_fallback()
    run: list[str] = []
    in_fallback = False
    for ch in text:
        code = ord(ch)
        if code in main or ch.isspace():
            use_fallback = False
        elif code in _fallback_chars:
            use_fallback = True
        elif _invisible(code):
            continue
        else:
            use_fallback = False
        if use_fallback != in_fallback and run:
            yield in_fallback, "".join(run)
            run = []
        in_fallback = use_fallback
        run.append(ch)
    if run:
        yield in_fallback, "".join(run)


def markup(text: str, lang: str | None = None) -> str:
    """``text`` escaped for Paragraph markup, each run of characters the main face
    lacks (and the fallback has) wrapped in ``<font name="RevokeDeskFallback">``; with
    ``lang``, what that language's face maps is wrapped in that face first.

    Text the main face covers comes back exactly as ``xml.sax.saxutils.escape`` gives it.
    """
    register_fonts()
    out: list[str] = []
    for face, part in _language_runs(text, lang):
        if face is not None:
            out.append(f'<font name="{face}">{escape(part)}</font>')
            continue
        out += (
            f'<font name="{FALLBACK}">{escape(run)}</font>' if fallback else escape(run)
            for fallback, run in _runs(part, _main_chars)
        )
    return "".join(out)


def _faced_runs(text: str, font: str) -> Iterator[tuple[str, str]]:
    """(face, run) pairs: ``font``, or the fallback for what ``font`` lacks."""
    covered = _covered_by(font)
    if covered is None:  # a standard PDF font: no map to consult, no fallback
        yield font, text
        return
    for fallback, run in _runs(text, covered):
        yield (FALLBACK if fallback else font), run


def string_width(text: str, font: str, size: float, lang: str | None = None) -> float:
    """The width of ``text`` as :func:`draw_string` draws it (unshaped), or as
    :func:`markup` sets it for ``lang``."""
    total = 0.0
    for face, part in _language_runs(text, lang):
        if face is not None:
            total += pdfmetrics.stringWidth(part, face, size)
            continue
        total += sum(pdfmetrics.stringWidth(run, f, size) for f, run in _faced_runs(part, font))
    return float(total)


def draw_string(  # noqa: PLR0917 - drawString's own arguments, then setFont's
    canvas: Any, x: float, y: float, text: str, font: str, size: float
) -> None:
    """``canvas.drawString`` in ``font``, switching to the fallback face for the runs
    of characters ``font`` lacks.  Leaves the canvas set to ``font`` and ``size``."""
    runs = list(_faced_runs(text, font))
    for face, run in runs:
        canvas.setFont(face, size)
        canvas.drawString(x, y, run)
        x += pdfmetrics.stringWidth(run, face, size)
    if not runs or runs[-1][0] != font:
        canvas.setFont(font, size)


def missing_glyphs(text: str, lang: str | None = None) -> set[str]:
    """The characters of ``text`` that neither ``lang``'s face nor the main faces nor
    the fallback can draw (white space and invisible format characters aside): each
    would print as the main face's box."""
    register_fallback()
    face = language_font(lang)
    own = _font_chars[face] if face else frozenset()
    return {
        ch
        for ch in text
        if ord(ch) not in own
        and ord(ch) not in _main_chars
        and ord(ch) not in _fallback_chars
        and not ch.isspace()
        and not _invisible(ord(ch))
    }

"""Building blocks of the slips: sizes per format, paragraph styles, and the few
flowables ReportLab lacks (a vector QR code, the signature, stamps, the cut line).

Nothing here knows about law or wording: texts arrive from the snapshot, and the
only words written here are headings and labels (Japanese first, English smaller).
"""

from __future__ import annotations

import re
import threading
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_CENTER  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfdoc import (  # type: ignore[import-untyped]
    PDFDictionary,
    PDFFormXObject,
    PDFName,
    PDFStream,
)
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    Flowable,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Paragraph as ReportLabParagraph
from reportlab.platypus.paragraph import (  # type: ignore[import-untyped]
    ParaLines,
    _handleBulletWidth,
    cjkU,
    makeCJKParaLine,
)
from reportlab.rl_config import _FUZZ  # type: ignore[import-untyped]
from segno import consts as qr_consts
from segno import encoder as _segno_encoder

from reports.fonts import (
    BOLD,
    REGULAR,
    SHAPED_LANGUAGES,
    UNSPACED_LANGUAGES,
    Lru,
    markup,
    string_width,
)
from reports.snapshot import Stroke, Text

qr_encoder: Any = _segno_encoder  # segno's internals (unannotated): see qr_modules
qr_encoder_consts: Any = qr_consts

BLACK = colors.black
WHITE = colors.white

# The quiet zone a QR code needs around it, in modules (ISO/IEC 18004).
QR_QUIET_MODULES = 4
QR_MASK = 0  # the mask pattern of every code (see qr_modules)
# The signature pad's strokes are drawn with round ends, so a tap shows as a dot.
SIGNATURE_LINE_WIDTH = 1.1
# Inner margin between a box's border and what is drawn inside it.
BOX_PADDING = 2 * mm
RULE_WIDTH = 0.6
LABEL_GAP = 2.5 * mm  # between a key/value table's label and its value
LABEL_MAX = 0.45  # the most of a key/value table's width its labels may take
BOX_LINE_WIDTH = 0.8


# 禁則処理 (JIS X 4051, simplified): characters that may not begin a line (closing
# brackets, the small kana, 。、 and other trailing punctuation) and that may not end
# one (opening brackets, currency signs).  ReportLab's own CJK wrapping only hangs one
# closing character into the margin and ignores opening brackets altogether.
CANNOT_START = frozenset(
    "、。，．・：；？！゛゜ヽヾゝゞ々ー―‐〜～…‥"
    "）」』】〕〉》〙〗］｝"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"
    ")]},.:;!?%"
)
CANNOT_END = frozenset("（「『【〔〈《〘〖［｛([{‘“¥$£#")
NO_BREAK_SPACE = "\u00a0"
CJK_START = 0x2E80  # from here on (radicals, kana, kanji, full-width forms) a break may fall


def _is_space(char: str) -> bool:
    return char != NO_BREAK_SPACE and unicodedata.category(char) == "Zs"


def _may_break_before(units: Sequence[str], k: int) -> bool:
    """May a line end before ``units[k]`` (with ``units[k - 1]`` as its last character)?"""
    before, after = units[k - 1], units[k]
    if not before or not after:  # an empty unit (markup) is neutral
        return True
    if after in CANNOT_START or before in CANNOT_END:
        return False
    if NO_BREAK_SPACE in (before, after) or _is_space(after):
        return False  # glue; and a space ends the line rather than starting the next
    if _is_space(before):
        return True
    # Inside a run of Latin letters, digits and signs (a word, 0120-95-0178): never.
    return ord(before) >= CJK_START or ord(after) >= CJK_START


def kinsoku_break(units: Sequence[str], start: int, overflow: int) -> int:
    """Where the line that began at ``start`` ends when ``units[overflow]`` does not fit:
    the index the next line starts at, ``start < result <= overflow + 1``.

    The break moves back until it is allowed (追い出し): a closing bracket or 。 goes to
    the next line with the character before it, an opening bracket with the one after it.
    A space that overflows stays at the end of the line, where it is invisible.
    """
    if _is_space(units[overflow]):
        return overflow + 1
    for k in range(overflow, start, -1):
        if _may_break_before(units, k):
            return k
    return overflow  # nowhere allowed (one long word): cut where it overflows


def _line_width(units: Sequence[Any]) -> float:
    """The width of a line's units, trailing spaces excluded."""
    end = len(units)
    while end and units[end - 1] and _is_space(units[end - 1]):
        end -= 1
    return float(sum(u.width for u in units[:end]))


# A last line of at most this many characters, its trailing punctuation not counted
# (「た」, 「付）。」), is a widow.
WIDOW_MAX = 2


def _is_widow(units: Sequence[str]) -> bool:
    text = "".join(units).strip()
    core = [char for char in text if char not in CANNOT_START]
    return bool(text) and len(core) <= WIDOW_MAX and ord(text[0]) >= CJK_START


def kinsoku_lines(frags: Sequence[Any], max_widths: Sequence[float], calc_bounds: bool) -> Any:
    """ReportLab's ``cjkFragSplit`` with the line-break rules of :func:`kinsoku_break`,
    and no Japanese widow: a paragraph's last line of one or two characters (「た」)
    takes a character or two more from the line above."""
    units: list[Any] = []
    for frag in frags:
        text = frag.text.decode("utf8") if isinstance(frag.text, bytes) else frag.text
        units.extend(
            [cjkU(char, frag, "utf8") for char in text] if text else [cjkU("", frag, "utf8")]
        )

    def width_of(line: int) -> float:
        return max_widths[min(line, len(max_widths) - 1)]

    breaks: list[tuple[int, int, bool]] = []  # (start, end, ends with a <br/>)

    def close(start: int, end: int, hard: bool) -> None:
        # A widow takes characters from the line above, one allowed break at a time,
        # while that line keeps more than twice as many as the widow may have.
        while breaks and not breaks[-1][2] and _is_widow(units[start:end]):
            before_start, before_end, _ = breaks[-1]
            if before_end - before_start <= 2 * WIDOW_MAX:
                break
            moved = kinsoku_break(units, before_start, before_end - 1)
            fits = _line_width(units[moved:end]) <= width_of(len(breaks)) + _FUZZ
            if not (before_start < moved < before_end and fits):
                break
            breaks[-1] = (before_start, moved, False)
            start = moved
        breaks.append((start, end, hard))

    start = i = 0
    used = 0.0
    while i < len(units):
        unit = units[i]
        if hasattr(unit.frag, "lineBreak"):  # <br/>
            i += 1
            close(start, i, True)
            start, used = i, 0.0
            continue
        if used + unit.width > width_of(len(breaks)) + _FUZZ and i > start:
            end = kinsoku_break(units, start, i)
            breaks.append((start, end, False))
            start = end
            used = float(sum(u.width for u in units[start:i]))
            i = max(i, start)
            continue
        used += unit.width
        i += 1
    if start < len(units):
        close(start, len(units), False)
    lines = []
    for n, (first, end, hard) in enumerate(breaks):
        width = width_of(n)
        used = _line_width(units[first:end])
        lines.append(
            makeCJKParaLine(units[first:end], width, used, width - used, hard, calc_bounds)
        )
    return ParaLines(kind=1, lines=lines)


# Most of a slip's paragraphs are the same on every slip: the statement of a text
# version, the clerk's declaration, the notices, the headings and labels.  Parsing their
# markup and breaking their lines (禁則, two or three times per paragraph as the tables
# measure their cells) was most of a slip's render time, so both are kept, keyed by what
# they depend on and nothing else: the markup, the style's values and the width.  A
# paragraph that differs per slip (a receipt number, a date) simply misses.  Bounded:
# the oldest entries go first.
PARSED = Lru(2048)  # (markup, style key) → the parsed (text, frags, style)
WRAPPED = Lru(4096)  # (markup, style key, width) → (line widths, lines, height)
_STYLE_KEY = "_revoke_desk_style_key"


def style_key(style: Any) -> tuple[tuple[str, str], ...]:
    """A style's values (not its name), as a hashable key.

    Remembered on the style with its id: ``clone()`` copies the attributes, and the
    copied key, recorded under another object's id, is then computed anew.
    """
    remembered = style.__dict__.get(_STYLE_KEY)
    if remembered is not None and remembered[0] == id(style):
        return remembered[1]  # type: ignore[no-any-return]
    key = tuple(
        sorted(
            (name, repr(value))
            for name, value in style.__dict__.items()
            if name not in ("name", "parent", _STYLE_KEY)
        )
    )
    style.__dict__[_STYLE_KEY] = (id(style), key)
    return key


class Paragraph(ReportLabParagraph):  # type: ignore[misc]
    """A Paragraph whose CJK wrapping (``wordWrap="CJK"``) keeps the 禁則 rules: no line
    starts with 「）」「。」「、」 or a small kana, none ends with 「（」, and a run of Latin
    text or digits (a phone number, an English note) breaks only at its spaces.

    Its parsed markup and its lines at a width are shared with every equal paragraph
    (:data:`PARSED`, :data:`WRAPPED`): both are only read once made, when the paragraph
    is drawn, and a slip never splits a paragraph across pages.
    """

    _cache_key: tuple[Any, ...] | None = None
    # Set by ReportLab's Paragraph (untyped); declared for the caches below.
    text: Any
    frags: Any
    style: Any
    blPara: Any
    height: float
    _wrapWidths: list[float]

    def _setup(self, text: Any, style: Any, bulletText: Any, frags: Any, cleaner: Any) -> None:
        if frags is not None or bulletText is not None or not isinstance(text, str):
            super()._setup(text, style, bulletText, frags, cleaner)
            return
        key = (text, style_key(style), self.caseSensitive, self.encoding)
        parsed = PARSED.get(key)
        if parsed is None:
            super()._setup(text, style, bulletText, frags, cleaner)
            PARSED.put(key, (self.text, self.frags, self.style))
        else:
            self.text, self.frags, self.style = parsed
            self.bulletText = None
            self.debug = 0
        self._cache_key = key

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        key = self._cache_key
        if key is None or availWidth < _FUZZ or hasattr(self, "autoLeading"):
            return super().wrap(availWidth, availHeight)  # type: ignore[no-any-return]
        wrapped = WRAPPED.get((key, availWidth))
        if wrapped is None:
            size = super().wrap(availWidth, availHeight)
            WRAPPED.put((key, availWidth), (tuple(self._wrapWidths), self.blPara, self.height))
            return size  # type: ignore[no-any-return]
        widths, lines, height = wrapped
        self.blPara = lines
        self.height = height
        self.width = availWidth
        self._wrapWidths = list(widths)
        return availWidth, height

    def breakLinesCJK(self, maxWidths: Any) -> Any:  # ReportLab names it
        style = self.style
        frags = self.frags
        if (
            (hasattr(self, "blPara") and bool(getattr(self, "_splitpara", False)))
            or not frags
            or style.endDots
            or any(hasattr(frag, "cbDefn") for frag in frags)
        ):
            return super().breakLinesCJK(maxWidths)
        widths = list(maxWidths) if isinstance(maxWidths, (list, tuple)) else [maxWidths]
        self.height = 0
        _handleBulletWidth(self.bulletText, style, widths)
        auto_leading = getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
        return kinsoku_lines(frags, widths, auto_leading not in ("", "off"))


@dataclass(frozen=True)
class Metrics:
    """The sizes (points) of one paper format.  Everything a renderer measures is here."""

    width: float  # usable width of one copy
    shop_name: float
    title: float
    heading: float
    body: float  # Japanese body text
    body_en: float  # English beneath it
    small: float  # notices, the privacy text
    small_en: float
    label_en: float  # the English half of a label
    receipt: float  # the receipt number (shrunk to fit the width if need be)
    statement_ja: float
    statement_en: float
    hotline: float
    hotline_foreign: float
    stamp: float  # the 再発行 mark
    void_stamp: float  # the 取消 VOID mark
    label_col: float  # the narrowest label column of the key/value tables
    qr_module: float  # one QR module; a dot multiple on a 203-dpi head
    qr_min: float  # the smallest QR symbol (without its quiet zone)
    signature_height: float
    gap: float  # space between sections
    muted: Any  # colour of secondary (English) text
    inline_labels: bool  # a label's English beside its Japanese (A4), not beneath (roll)

    def leading(self, size: float) -> float:
        return round(size * 1.38, 2)


THERMAL = Metrics(
    width=72 * mm,
    shop_name=11,
    title=12,
    heading=8.5,
    body=8.5,
    body_en=6.8,
    small=7,
    small_en=6.2,
    label_en=5.8,
    receipt=21,
    statement_ja=9.5,
    statement_en=7.4,
    hotline=19,
    hotline_foreign=14,
    stamp=9,
    void_stamp=22,
    label_col=17 * mm,
    qr_module=0.5 * mm,  # four dots at 8 dots/mm
    qr_min=26 * mm,
    signature_height=26 * mm,
    gap=2.6 * mm,
    muted=BLACK,  # a thermal head has no grey: dithered grey text is hard to read
    inline_labels=False,
)

A4 = Metrics(
    width=186 * mm,
    shop_name=11,
    title=12,
    heading=8,
    body=8,
    body_en=6.4,
    small=6.8,
    small_en=6,
    label_en=5.6,
    receipt=20,
    statement_ja=9.5,
    statement_en=7.2,
    hotline=17,
    hotline_foreign=12.5,
    stamp=8.5,
    void_stamp=20,
    label_col=15 * mm,
    qr_module=0.5 * mm,
    qr_min=27 * mm,
    signature_height=22 * mm,
    gap=2 * mm,
    muted=colors.HexColor("#333333"),
    inline_labels=True,
)


def esc(text: str, lang: str | None = None) -> str:
    """Escape a snapshot text for Paragraph markup, setting the characters BIZ UDPGothic
    lacks (𠮷 and the like) in the fallback face (``reports.fonts.markup``), and a
    translation (``lang``) in its script's face."""
    return markup(text, lang)


# A translation is the customer's own reading, not a gloss beneath the Japanese: it is
# set a little larger than the English, and Devanagari (whose letters are small for
# their body size) larger again.
_SECOND_SCALE = {"en": 1.0, "ne": 1.25}
_TRANSLATION_SCALE = 1.15


def second_scale(lang: str | None) -> float:
    """The size of ``lang``'s text relative to the English styles it is set in."""
    if lang is None:
        return 1.0
    return _SECOND_SCALE.get(lang, _TRANSLATION_SCALE)


def _hex(color: Any) -> str:
    return str(color.hexval()).replace("0x", "#")


class Styles:
    """The paragraph styles of one format.  Japanese text wraps CJK-style; English by word.

    :meth:`of` gives the one set of a format: the styles are never changed once made
    (a renderer clones one to vary it), and sharing them spares each copy of each slip
    making them and the paragraph caches keying them anew.
    """

    _made: ClassVar[dict[Metrics, Styles]] = {}
    _made_lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def of(cls, m: Metrics) -> Styles:
        with cls._made_lock:
            styles = cls._made.get(m)
            if styles is None:
                styles = cls._made[m] = cls(m)
            return styles

    def __init__(self, m: Metrics) -> None:
        self.m = m

        def style(
            name: str, size: float, *, bold: bool = False, cjk: bool = True, **kw: Any
        ) -> Any:
            return ParagraphStyle(
                name,
                fontName=BOLD if bold else REGULAR,
                fontSize=size,
                leading=kw.pop("leading", m.leading(size)),
                wordWrap="CJK" if cjk else None,
                textColor=kw.pop("textColor", BLACK),
                **kw,
            )

        self.shop_name = style("shop_name", m.shop_name, bold=True, leading=m.shop_name * 1.25)
        self.shop_line = style("shop_line", m.small, leading=m.small * 1.35)
        self.title = style("title", m.title, bold=True, leading=m.title * 1.2)
        self.title_en = style("title_en", m.body_en, cjk=False, textColor=m.muted)
        self.heading = style("heading", m.heading, bold=True, leading=m.heading * 1.3)
        self.label_style = style("label", m.body * 0.92, leading=m.body * 1.15)
        self.body = style("body", m.body)
        self.body_bold = style("body_bold", m.body, bold=True)
        self.section_heading = style("section_heading", m.body + 0.5, bold=True)
        self.body_en = style("body_en", m.body_en, cjk=False, textColor=m.muted)
        self.small = style("small", m.small)
        self.small_en = style("small_en", m.small_en, cjk=False, textColor=m.muted)
        self.statement_ja = style("statement_ja", m.statement_ja, leading=m.statement_ja * 1.45)
        self.statement_en = style("statement_en", m.statement_en, cjk=False, textColor=m.muted)
        self.centered_small = style("centered_small", m.small, alignment=TA_CENTER)
        self.centered_en = style(
            "centered_en", m.small_en, cjk=False, alignment=TA_CENTER, textColor=m.muted
        )
        self.hotline = style("hotline", m.hotline, bold=True, leading=m.hotline * 1.15)
        self.hotline_foreign = style(
            "hotline_foreign", m.hotline_foreign, bold=True, leading=m.hotline_foreign * 1.2
        )
        self.mono = style("mono", m.small, cjk=False, leading=m.small * 1.3)

    def en_span(self, en: str, size: float | None = None, lang: str | None = None) -> str:
        """Markup for English (or ``lang``) set smaller (and muted) after or beneath Japanese."""
        size = (size or self.m.label_en) * second_scale(lang)
        return f'<font size="{size}" color="{_hex(self.m.muted)}">{esc(en, lang)}</font>'

    def second(self, style: Any, lang: str) -> Any:
        """``style`` (an English one) as the second language's text needs it: wrapped
        like Japanese for a language without spaces, shaped for Devanagari."""
        if lang in UNSPACED_LANGUAGES:
            return style.clone(f"{style.name}_{lang}", wordWrap="CJK")
        if lang in SHAPED_LANGUAGES:
            return style.clone(f"{style.name}_{lang}", shaping=1)
        return style

    def joint(self, lang: str) -> str:
        """What joins Japanese and its second language on one line: two no-break
        spaces, or for a shaped script (which ReportLab shapes a word at a time, in
        the face of its first letter) a plain space, so no word spans both."""
        return " " if lang in SHAPED_LANGUAGES else "&nbsp;&nbsp;"

    def tr(self, text: Text, style: Any) -> Any:
        """The second-language half of ``text`` as a paragraph in ``style`` (scaled up
        for a translation: see :func:`second_scale`)."""
        second = self.second(style, text.lang)
        scale = second_scale(text.lang)
        if scale != 1:
            second = second.clone(
                f"{second.name}_x{scale:g}",
                fontSize=second.fontSize * scale,
                leading=second.leading * scale,
            )
        return Paragraph(esc(text.en, text.lang), second)

    def label(self, ja: str, en: str) -> Any:
        """A table label: Japanese, English beside or beneath it in small type (if any)."""
        if not en:
            return Paragraph(esc(ja), self.label_style)
        joint = "&nbsp;" if self.m.inline_labels else "<br/>"
        return Paragraph(f"{esc(ja)}{joint}{self.en_span(en)}", self.label_style)

    def inline(self, text: Text, width: float, *, bold: bool = False) -> list[Any]:
        """A bilingual value: on one line (Japanese, then English smaller) if it fits
        in ``width``, else English beneath.  Once only if both are the same."""
        style = self.body_bold if bold else self.body
        if text.en == text.ja:
            return [Paragraph(esc(text.ja), style)]
        font = BOLD if bold else REGULAR
        needed = (
            string_width(text.ja, font, self.m.body)
            + string_width(text.en, REGULAR, self.m.body_en * second_scale(text.lang), text.lang)
            + 2 * self.m.body
        )
        if needed > width or text.lang in SHAPED_LANGUAGES:
            return [Paragraph(esc(text.ja), style), self.tr(text, self.body_en)]
        return [
            Paragraph(
                f"{esc(text.ja)}&nbsp;&nbsp;{self.en_span(text.en, self.m.body_en, text.lang)}",
                style,
            )
        ]

    def run_on(self, text: Text, style: Any = None, en_size: float | None = None) -> Any:
        """Japanese, then the English in smaller type in the same paragraph (wide pages)."""
        if text.lang in SHAPED_LANGUAGES:
            # ReportLab shapes only paragraphs wrapped by word, and Japanese must wrap
            # like Japanese: the two halves go one beneath the other instead.
            return Stack([Paragraph(esc(text.ja), style or self.body), self.tr(text, self.body_en)])
        style = self.second(style or self.body, text.lang) if text.lang != "en" else style
        return Paragraph(
            f"{esc(text.ja)}{self.joint(text.lang)}"
            f"{self.en_span(text.en, en_size or self.m.body_en, text.lang)}",
            style or self.body,
        )

    def heading_para(self, ja: str, en: str) -> Any:
        return Paragraph(
            f"{esc(ja)}&nbsp;&nbsp;{self.en_span(en, self.m.body_en)}",
            self.heading,
        )

    def text(self, text: Text, ja_style: Any = None, en_style: Any = None) -> list[Any]:
        """A bilingual text: Japanese, then English beneath in smaller type."""
        return [
            Paragraph(esc(text.ja), ja_style or self.body),
            self.tr(text, en_style or self.body_en),
        ]


def table_style(*commands: tuple[Any, ...], padding: float = 0) -> Any:
    """A table style that names the font (the default would put Helvetica in the PDF)."""
    return TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), REGULAR),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), padding),
            ("RIGHTPADDING", (0, 0), (-1, -1), padding),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            *commands,
        ]
    )


def section(
    styles: Styles,
    ja: str,
    en: str,
    body: Sequence[Any],
    width: float,
    *,
    lead: bool = True,
    aside: Any = None,
) -> list[Any]:
    """A heading with a thin rule beneath it, then the body.

    ``lead``: leave the section gap above it; ``aside``: a flowable set at the right
    end of the heading line.
    """
    m = styles.m
    heading = styles.heading_para(ja, en)
    row, widths = ([heading], [width]) if aside is None else ([heading, aside], [width / 2] * 2)
    head = Table(
        [row],
        colWidths=widths,
        style=table_style(
            ("LINEBELOW", (0, 0), (-1, -1), RULE_WIDTH, BLACK),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ),
    )
    head.hAlign = "LEFT"
    return [*([Spacer(0, m.gap)] if lead else []), head, Spacer(0, 1.4 * mm), *body]


def boxed(content: Sequence[Any], width: float, *, line_width: float = BOX_LINE_WIDTH) -> Any:
    """Content inside a single-line border."""
    box = Table(
        [[list(content)]],
        colWidths=[width],
        style=table_style(
            ("BOX", (0, 0), (-1, -1), line_width, BLACK),
            ("TOPPADDING", (0, 0), (-1, -1), BOX_PADDING * 0.8),
            ("BOTTOMPADDING", (0, 0), (-1, -1), BOX_PADDING),
            padding=BOX_PADDING,
        ),
    )
    box.hAlign = "LEFT"
    return box


def label_column(styles: Styles, labels: Sequence[tuple[str, str]], width: float) -> float:
    """The label column of a key/value table: as wide as its widest label (so that no
    label breaks in the middle of a word), but never more than ``LABEL_MAX`` of it."""
    m = styles.m
    ja_size, en_size = styles.label_style.fontSize, m.label_en
    widths = []
    for ja, en in labels:
        ja_w = stringWidth(ja, REGULAR, ja_size)
        en_w = stringWidth(en, REGULAR, en_size) if en else 0.0
        widths.append(ja_w + en_w + en_size if m.inline_labels and en else max(ja_w, en_w))
    return float(min(max(m.label_col, max(widths) + LABEL_GAP), width * LABEL_MAX))


def key_values(
    styles: Styles,
    rows: Sequence[tuple[str, str, Sequence[Any]]],
    width: float,
    *,
    label: Any = None,
) -> Any:
    """Label / value rows: the label bilingual in a narrow column, the value beside it.

    ``label(ja, en, width)`` makes a label's flowable (by default ``styles.label``)."""
    label_col = label_column(styles, [(ja, en) for ja, en, _ in rows], width)
    make_label = label or (lambda ja, en, _: styles.label(ja, en))
    data = [[make_label(ja, en, label_col), list(value)] for ja, en, value in rows]
    t = Table(
        data,
        colWidths=[label_col, width - label_col],
        style=table_style(
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
            ("TOPPADDING", (0, 0), (-1, -1), 1.2),
            ("LINEBELOW", (0, 0), (-1, -2), 0.25, colors.HexColor("#999999")),
        ),
    )
    t.hAlign = "LEFT"
    return t


def columns(cells: Sequence[Sequence[Any]], widths: Sequence[float], gap: float) -> Any:
    """Side-by-side columns of flowables, ``gap`` apart."""
    data: list[Any] = []
    col_widths: list[float] = []
    for i, (cell, w) in enumerate(zip(cells, widths, strict=True)):
        if i:
            data.append("")
            col_widths.append(gap)
        data.append(list(cell))
        col_widths.append(w)
    t = Table([data], colWidths=col_widths, style=table_style())
    t.hAlign = "LEFT"
    return t


def fit_font_size(text: str, font: str, size: float, width: float) -> float:
    """``size``, or smaller so that ``text`` fits on one line of ``width``."""
    natural = stringWidth(text, font, size)
    return size if natural <= width else size * width / natural


class Beside(Flowable):  # type: ignore[misc]
    """Columns of flowables side by side, top-aligned, ``gap`` apart: what
    :func:`columns` lays out, without a Table's per-cell styles and measuring (the
    roll's verification section, drawn on every slip)."""

    def __init__(self, cells: Sequence[Sequence[Any]], widths: Sequence[float], gap: float) -> None:
        super().__init__()
        self.cells = [list(cell) for cell in cells]
        self.widths = list(widths)
        self.gap = gap
        self._sizes: list[list[tuple[float, float]]] = []
        self.hAlign = "LEFT"

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        canv = getattr(self, "canv", None)
        self._sizes = [
            [f.wrapOn(canv, w, avail_height) for f in cell]
            for cell, w in zip(self.cells, self.widths, strict=True)
        ]
        self.width = sum(self.widths) + self.gap * (len(self.widths) - 1)
        self.height = max((sum(h for _, h in sizes) for sizes in self._sizes), default=0)
        return self.width, self.height

    def draw(self) -> None:
        x = 0.0
        for cell, sizes, w in zip(self.cells, self._sizes, self.widths, strict=True):
            y = self.height
            for flowable, (_, h) in zip(cell, sizes, strict=True):
                y -= h
                flowable.drawOn(self.canv, x, y)
            x += w + self.gap


class Stack(Flowable):  # type: ignore[misc]
    """Flowables one beneath the other, as one (a table cell or a story item takes it
    where it takes a single paragraph); it does not split across pages."""

    def __init__(self, flowables: Sequence[Any]) -> None:
        super().__init__()
        self.flowables = list(flowables)
        self._sizes: list[tuple[float, float]] = []

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._sizes = [f.wrap(avail_width, avail_height) for f in self.flowables]
        self.width = max((w for w, _ in self._sizes), default=0)
        self.height = sum(h for _, h in self._sizes)
        return self.width, self.height

    def draw(self) -> None:
        y = self.height
        for flowable, (_, h) in zip(self.flowables, self._sizes, strict=True):
            y -= h
            flowable.drawOn(self.canv, 0, y)


class Stamp(Flowable):  # type: ignore[misc]
    """A short text in a bordered box, centred: the 再発行 and 取消 marks, the copy band."""

    def __init__(
        self,
        lines: Sequence[tuple[str, str, float]],  # (text, font, size) per line
        *,
        max_width: float,
        border: float = 1.0,
        padding: float = 1.6 * mm,
        inverse: bool = False,
        full_width: bool = False,
    ) -> None:
        super().__init__()
        self.lines = [
            (text, font, fit_font_size(text, font, size, max_width - 2 * padding - border))
            for text, font, size in lines
        ]
        self.border = border
        self.padding = padding
        self.inverse = inverse
        self.box_width = (
            max_width
            if full_width
            else min(
                max_width,
                max(stringWidth(t, f, s) for t, f, s in self.lines) + 2 * padding + border,
            )
        )
        self.box_height = sum(s * 1.18 for _, _, s in self.lines) + 2 * padding * 0.75
        self.hAlign = "CENTER"

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.box_width, self.box_height

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setLineWidth(self.border)
        if self.inverse:
            c.setFillColor(BLACK)
            c.rect(0, 0, self.box_width, self.box_height, stroke=0, fill=1)
            c.setFillColor(WHITE)
        else:
            c.rect(0, 0, self.box_width, self.box_height, stroke=1, fill=0)
            c.setFillColor(BLACK)
        y = self.box_height - self.padding * 0.75
        for text, font, size in self.lines:
            y -= size * 1.18
            c.setFont(font, size)
            c.drawCentredString(self.box_width / 2, y + size * 0.22, text)
        c.restoreState()


CUT_LINE_LABEL = "きりとり線 / cut here"


def draw_cut_line(canvas: Any, x: float, y: float, width: float, size: float) -> None:
    """Draw the dashed cut line with its label, centred on ``y``."""
    label = CUT_LINE_LABEL
    label_width = stringWidth(label, REGULAR, size) + 3 * mm
    mid = x + width / 2
    canvas.saveState()
    canvas.setLineWidth(0.6)
    canvas.setDash(3, 2.2)
    canvas.line(x, y, mid - label_width / 2, y)
    canvas.line(mid + label_width / 2, y, x + width, y)
    canvas.setFont(REGULAR, size)
    canvas.setFillColor(BLACK)
    canvas.drawCentredString(mid, y - size * 0.35, label)
    canvas.restoreState()


@dataclass(frozen=True)
class _QrTemplate:
    """A QR version's symbol for an all-zero message (function patterns, format and
    version information, the data modules masked with :data:`QR_MASK`), and where each
    bit of the message goes: a message's symbol is this one with its set bits flipped."""

    rows: tuple[bytes, ...]
    positions: tuple[tuple[int, int], ...]


@lru_cache(maxsize=8)
def _qr_template(version: int, error: int) -> _QrTemplate:
    encoder = qr_encoder
    size = encoder.calc_matrix_size(version)

    def function_patterns() -> Any:
        matrix = encoder.make_matrix(size, size)
        encoder.add_finder_patterns(matrix, size, size)
        encoder.add_alignment_patterns(matrix, size, size)
        return matrix

    # The placement order: segno's own placement of markers (3, 4, …: never a module
    # value) into a copy of the matrix with room for them.
    free = sum(row.count(0x2) for row in function_patterns())
    marked = [list(row) for row in function_patterns()]
    encoder.add_codewords(marked, list(range(3, 3 + free)), version)
    where = {
        value - 3: (i, j)
        for i, row in enumerate(marked)
        for j, value in enumerate(row)
        if value >= 3
    }
    zero = function_patterns()
    encoder.add_codewords(zero, encoder.Buffer([0] * free), version)
    _, zero = encoder.find_and_apply_best_mask(zero, size, size, QR_MASK)
    encoder.add_format_info(zero, version, error, QR_MASK)
    encoder.add_version_info(zero, version)
    return _QrTemplate(tuple(bytes(row) for row in zero), tuple(where[n] for n in range(free)))


@lru_cache(maxsize=64)
def qr_modules(payload: str) -> tuple[tuple[bool, ...], ...]:
    """The QR symbol (error correction M) of ``payload``, row by row, dark = True.

    Encoded with segno (ReportLab's own encoder takes ~70 ms for the same symbol) with
    a fixed mask pattern: every one of the eight is valid (ISO/IEC 18004 §7.8), and
    segno's search for the one with the lowest penalty score took ~9 of its ~11 ms.
    The penalty only avoids patterns that might trouble a poor scanner; the slips'
    codes are large, printed at 4 dots a module, and read back in the tests.  Cached,
    since a slip draws the same code on both copies and A4 lays each copy out more
    than once.

    segno makes the message (segments, padding, error correction); the modules are
    then those of the version's all-zero symbol with the message's set bits flipped
    (:func:`_qr_template`), which is what segno's placement and masking give (the
    mask is a fixed XOR over the data modules), at a fraction of the cost.  A test
    compares the two for many payloads.
    """
    return tuple(tuple(bool(v) for v in row) for row in qr_rows(payload))


@lru_cache(maxsize=64)
def qr_rows(payload: str) -> tuple[bytes, ...]:
    """:func:`qr_modules` as bytes, one a row, 1 = dark (what the drawing reads)."""
    version, error, message = _qr_message(payload)
    template = _qr_template(version, error)
    rows = [bytearray(row) for row in template.rows]
    for (i, j), bit in zip(template.positions, message, strict=True):
        if bit:
            rows[i][j] ^= 1
    return tuple(bytes(row) for row in rows)


def clear_qr_caches() -> None:
    """Forget every QR symbol and path made so far (for benches and tests)."""
    qr_modules.cache_clear()
    qr_rows.cache_clear()
    qr_path_code.cache_clear()


def _qr_message(payload: str) -> tuple[int, int, bytes]:
    """The version, error level and final message bits segno encodes ``payload`` with
    (error correction M, as ``segno.make_qr(payload, error="m", boost_error=False)``)."""
    encoder = qr_encoder
    error = qr_consts.ERROR_LEVEL_M
    segments = encoder.prepare_data(payload, None, None)
    version = encoder.find_version(segments, error, eci=False, micro=False)
    buff = encoder.Buffer()
    ver_range = encoder.version_range(version)
    for segment in segments:
        encoder.write_segment(buff, segment, None, ver_range, False)
    capacity: int = qr_encoder_consts.SYMBOL_CAPACITY[version][error]
    encoder.write_terminator(buff, capacity, None, len(buff))
    encoder.write_padding_bits(buff, version, len(buff))
    encoder.write_pad_codewords(buff, version, capacity, len(buff))
    return version, error, _final_message(version, error, bytes(buff.getbits()))


_TO_DIGITS = bytes.maketrans(b"\x00\x01", b"01")
_FROM_DIGITS = bytes.maketrans(b"01", b"\x00\x01")


@lru_cache(maxsize=8)
def _rs_rows(error_words: int) -> tuple[int, ...]:
    """For each leading coefficient, what one step of the Reed–Solomon division XORs
    into the next ``error_words`` codewords, as one integer (big-endian bytes)."""
    log, exp = qr_encoder_consts.GALIOS_LOG, qr_encoder_consts.GALIOS_EXP
    gen = qr_encoder_consts.GEN_POLY[error_words]
    rows = [0]
    for coef in range(1, 256):
        rows.append(int.from_bytes(bytes(exp[log[coef] + g] for g in gen), "big"))
    return tuple(rows)


def _final_message(version: int, error: int, bits: bytes) -> bytes:
    """segno's ``make_final_message`` (ISO/IEC 18004 §7.5–7.6: the data codewords in
    blocks, each block's error correction codewords, interleaved, then the remainder
    bits), with the division done a whole row at a time."""
    data = int(bits.translate(_TO_DIGITS), 2).to_bytes(len(bits) // 8, "big")
    data_blocks: list[bytes] = []
    error_blocks: list[bytes] = []
    at = 0
    for info in qr_encoder_consts.ECC[version][error]:
        words = info.num_total - info.num_data
        rows = _rs_rows(words)
        mask = (1 << (8 * words)) - 1
        for _ in range(info.num_blocks):
            block = data[at : at + info.num_data]
            at += info.num_data
            remainder = 0
            for byte in block:
                lead = (remainder >> (8 * (words - 1))) ^ byte
                remainder = ((remainder << 8) & mask) ^ rows[lead]
            data_blocks.append(block)
            error_blocks.append(remainder.to_bytes(words, "big"))
    out = bytearray()
    for blocks in (data_blocks, error_blocks):
        for i in range(max(len(b) for b in blocks)):
            out.extend(b[i] for b in blocks if i < len(b))
    message = "".join(f"{byte:08b}" for byte in out).encode().translate(_FROM_DIGITS)
    return message + bytes(_REMAINDER_BITS.get(version, 0))


# ISO/IEC 18004 Table 1: the remainder bits after the final message, by version.
_REMAINDER_BITS = {
    **dict.fromkeys((2, 3, 4, 5, 6), 7),
    **dict.fromkeys((14, 15, 16, 17, 18, 19, 20, 28, 29, 30, 31, 32, 33, 34), 3),
    **dict.fromkeys((21, 22, 23, 24, 25, 26, 27), 4),
}


class QrCode(Flowable):  # type: ignore[misc]
    """A QR code (error correction M) drawn as vector rectangles, with its quiet zone.

    The module is ``module`` points, or larger so that the symbol is at least
    ``min_size`` across.  All dark modules are filled as one path, so no hairline
    seams show between neighbouring modules when rasterised.
    """

    def __init__(self, payload: str, *, module: float, min_size: float) -> None:
        super().__init__()
        self.payload = payload
        count = len(qr_rows(payload))
        self.module = max(module, min_size / count)
        self.symbol_size = count * self.module
        self.size = (count + 2 * QR_QUIET_MODULES) * self.module
        self.hAlign = "LEFT"

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setFillColor(BLACK)
        c.scale(self.module, self.module)  # the path counts in modules
        c.drawPath(_QrPath(qr_path_code(self.payload)), stroke=0, fill=1)
        c.restoreState()


@dataclass(frozen=True)
class _QrPath:
    """A path whose operators are made already (all ``Canvas.drawPath`` reads of one)."""

    code: str

    def getCode(self) -> str:  # ReportLab's name
        return self.code


@lru_cache(maxsize=16)
def qr_path_code(payload: str) -> str:
    """The path operators of the dark modules of ``payload``'s symbol in module units
    (drawn scaled to the module's size), one rectangle a run of a row, the quiet zone
    left around them; made once for both copies of a slip."""
    rows = qr_rows(payload)
    n = len(rows)
    quiet = QR_QUIET_MODULES
    return " ".join(
        f"{run.start() + quiet} {n - 1 - r + quiet} {run.end() - run.start()} 1 re"
        for r, row in enumerate(rows)
        for run in _DARK_RUN.finditer(row)
    )


_DARK_RUN = re.compile(rb"\x01+")


class Signature(Flowable):  # type: ignore[misc]
    """The customer's signature: the stored strokes, scaled to fit the box, aspect kept.

    The pad gives points with y growing downwards (screen coordinates); PDF y grows
    upwards, so the strokes are flipped.  With no strokes (none taken, or erased after
    the retention period) the box carries a note instead, so a blank is never mistaken
    for a missing print.
    """

    def __init__(
        self,
        strokes: Sequence[Stroke],
        *,
        width: float,
        height: float,
        note: tuple[str, str],
        note_size: float,
    ) -> None:
        super().__init__()
        self.strokes = [stroke for stroke in strokes if stroke]
        self.box_width = width
        self.box_height = height
        self.note = note
        self.note_size = note_size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.box_width, self.box_height

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setLineWidth(BOX_LINE_WIDTH)
        if not self.strokes:
            c.setDash(2, 2)
        c.rect(0, 0, self.box_width, self.box_height, stroke=1, fill=0)
        c.setDash()
        if self.strokes:
            self._draw_strokes()
        else:
            c.setFillColor(BLACK)
            c.setFont(REGULAR, self.note_size)
            mid = self.box_height / 2
            c.drawCentredString(self.box_width / 2, mid + 1, self.note[0])
            c.setFont(REGULAR, self.note_size * 0.85)
            c.drawCentredString(self.box_width / 2, mid - self.note_size, self.note[1])
        c.restoreState()

    def _draw_strokes(self) -> None:
        c = self.canv
        xs = [p[0] for stroke in self.strokes for p in stroke]
        ys = [p[1] for stroke in self.strokes for p in stroke]
        min_x, min_y = min(xs), min(ys)
        span_x, span_y = max(max(xs) - min_x, 1), max(max(ys) - min_y, 1)
        inner_w = self.box_width - 2 * BOX_PADDING
        inner_h = self.box_height - 2 * BOX_PADDING
        scale = min(inner_w / span_x, inner_h / span_y)
        # Centre the drawing in the box.
        off_x = BOX_PADDING + (inner_w - span_x * scale) / 2
        off_y = BOX_PADDING + (inner_h - span_y * scale) / 2

        def at(point: tuple[int, int, int]) -> tuple[float, float]:
            return (
                off_x + (point[0] - min_x) * scale,
                off_y + (min_y + span_y - point[1]) * scale,
            )

        c.setStrokeColor(BLACK)
        c.setLineWidth(SIGNATURE_LINE_WIDTH)
        c.setLineCap(1)
        c.setLineJoin(1)
        for stroke in self.strokes:
            path = c.beginPath()
            path.moveTo(*at(stroke[0]))
            if len(stroke) == 1:  # a tap: a dot
                path.lineTo(*at(stroke[0]))
            for point in stroke[1:]:
                path.lineTo(*at(point))
            c.drawPath(path, stroke=1, fill=0)


# --- fixed blocks: laid out and drawn once per text, replayed on every slip -----------
#
# Most of a roll slip is text that is the same on every slip of a shop, a kind and a
# text version: the copy band, the shop's lines, the title, the statement, the notices,
# the clerk's declaration, a guidance slip's steps.  A FixedBlock is such a run of
# flowables, built by a function of its key alone.  The first slip with a given
# sequence of fixed blocks (its *template*) lays them out and draws them once on a
# scratch canvas; every slip then appends the recorded PDF operators instead of laying
# out, breaking and drawing the same text again.
#
# The operators name glyphs by their code in the document's font subsets, and
# ReportLab gives a character its code in the order a document first uses it.  So a
# document that replays a template is *seeded* first, before anything is drawn: each
# font is named, and given the template's characters, in the order the scratch canvas
# used them.  The seeded codes are then exactly those the operators were recorded
# with, whatever the slip's own data (a name, an address) adds after them.


@dataclass(frozen=True)
class _Recorded:
    size: tuple[float, float]
    ops: str  # the block's operators
    stream: bytes | None  # and compressed (FlateDecode), if it is drawn as a form


# A recording at least this long is drawn as a form XObject, compressed once for every
# slip; a shorter one (a heading and its rule) is cheaper written into the page.
FORM_MIN_OPS = 2048


@dataclass(frozen=True)
class _FontSeed:
    name: str  # the registered font name
    dynamic: bool  # a TrueType font, subset per document
    chars: str  # its characters in the order of their codes (dynamic fonts only)


@dataclass(frozen=True)
class FixedTemplate:
    """The recordings of one sequence of fixed blocks, and the font seed they need."""

    seed: tuple[_FontSeed, ...]
    font_mapping: tuple[tuple[str, str], ...]  # doc.fontMapping after seeding
    assignments: dict[str, dict[int, int]]  # per dynamic font: its codes after seeding
    blocks: tuple[_Recorded, ...]


class FixedBlock(Flowable):  # type: ignore[misc]
    """A run of flowables that depends only on ``key``, drawn one beneath the other
    across ``width`` (each centred if its ``hAlign`` says so, as a roll page places
    them), and replayed from a :class:`FixedTemplate` once one is attached.

    ``build`` must make the flowables from what ``key`` holds and nothing else: the
    key is all a template is found by (see ``reports.slip``, which builds a block from
    an object that holds only the key's fields).
    """

    def __init__(self, key: tuple[Any, ...], width: float, build: Any) -> None:
        super().__init__()
        self.key = (*key, width)
        self.block_width = width
        self._build = build
        self._children: list[Any] | None = None
        self._placed: list[tuple[Any, float, float]] = []
        self.recorded: _Recorded | None = None
        self.form_name = ""  # the form XObject of the recording, in this document
        self.hAlign = "LEFT"

    def _layout(self) -> tuple[float, float]:
        if self._children is None:
            self._children = list(self._build())
        sizes = [child.wrapOn(self.canv, self.block_width, 1e6) for child in self._children]
        height = sum(h for _, h in sizes)
        y = height
        self._placed = []
        for child, (w, h) in zip(self._children, sizes, strict=True):
            y -= h
            centred = getattr(child, "hAlign", "LEFT") == "CENTER"
            self._placed.append((child, (self.block_width - w) / 2 if centred else 0, y))
        return self.block_width, height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if self.recorded is not None:
            return self.recorded.size
        return self._layout()

    def draw(self) -> None:
        if self.recorded is not None:
            if self.form_name:
                self.canv.doForm(self.form_name)
            else:
                self.canv._code.append(self.recorded.ops)
            return
        self._draw_live()

    def _draw_live(self) -> None:
        for child, x, y in self._placed:
            child.drawOn(self.canv, x, y)


TEMPLATES = Lru(64)  # template key (the blocks' keys in order) → FixedTemplate


def _font_state(name: str, doc: Any) -> Any:
    font = getFont(name)
    return font, (font.state.get(doc) if font._dynamicFont else None)


def _record(blocks: Sequence[FixedBlock], new_canvas: Any) -> FixedTemplate:
    """Lay out and draw ``blocks`` on a scratch canvas made like the slip's own, and
    keep their operators and the font codes they used."""
    scratch = new_canvas()
    doc = scratch._doc
    recorded = []
    for block in blocks:
        scratch.saveState()
        block.canv = scratch
        size = block._layout()
        start = len(scratch._code)
        block._draw_live()
        ops = "\n".join(scratch._code[start:])
        stream = zlib.compress(ops.encode("extpdfdoc")) if len(ops) >= FORM_MIN_OPS else None
        recorded.append(_Recorded(size, ops, stream))
        del block.canv
        scratch.restoreState()
    seed = []
    assignments = {}
    for name in doc.fontMapping:
        font, state = _font_state(name, doc)
        if state is None:
            seed.append(_FontSeed(name, dynamic=False, chars=""))
            continue
        fresh = type(state)(font._asciiReadable, font).assignments
        new = sorted((n, code) for code, n in state.assignments.items() if fresh.get(code) != n)
        seed.append(_FontSeed(name, dynamic=True, chars="".join(chr(c) for _, c in new)))
        assignments[name] = dict(state.assignments)
    return FixedTemplate(
        seed=tuple(seed),
        font_mapping=tuple(doc.fontMapping.items()),
        assignments=assignments,
        blocks=tuple(recorded),
    )


def _seed(canvas: Any, template: FixedTemplate) -> None:
    """Give ``canvas``'s document the template's font names and codes (see above)."""
    doc = canvas._doc
    for seed in template.seed:
        font, _ = _font_state(seed.name, doc)
        if seed.dynamic:
            font.splitString(seed.chars, doc)
            font.getSubsetInternalName(0, doc)
        else:
            doc.getInternalFontName(seed.name)
    for name, expected in template.assignments.items():
        _, state = _font_state(name, doc)
        if state.assignments != expected:
            raise RuntimeError(f"the seeded codes of {name} differ from the recorded ones")
        # The slip's own characters (a name, an address) start a subset of their own,
        # so that every seeded subset is the same on every slip of the template and
        # its font program is made and compressed once (reports.fonts): ReportLab
        # opens a new subset when its next code falls on a multiple of 256.
        if state.nextCode & 0xFF:
            state.nextCode = (state.nextCode | 0xFF) + 1
    if tuple(doc.fontMapping.items()) != template.font_mapping:
        raise RuntimeError("the seeded font names differ from the recorded ones")


def replay_fixed(canvas: Any, blocks: Sequence[FixedBlock], new_canvas: Any) -> None:
    """Attach the recorded template of ``blocks`` (made now if need be) and seed
    ``canvas`` with its font codes.  Call before anything is drawn on ``canvas``;
    ``new_canvas`` makes a canvas exactly as ``canvas`` was made."""
    if not blocks:
        return
    key = tuple(block.key for block in blocks)
    template = TEMPLATES.get(key)
    if template is None:
        template = _record(blocks, new_canvas)
        TEMPLATES.put(key, template)
    _seed(canvas, template)
    for n, (block, recorded) in enumerate(zip(blocks, template.blocks, strict=True)):
        block.recorded = recorded
        if recorded.stream is not None:
            block.form_name = f"RevokeDeskFixed{n}"
            canvas._doc.addForm(block.form_name, _form(recorded.size, recorded.stream))


# Room around a recorded block in its form's bounding box (which clips): a rule's
# half width, a descender, a stroke's round cap may reach past the block's own box.
FORM_MARGIN = 72.0


def _form(size: tuple[float, float], stream: bytes) -> Any:
    """A form XObject holding a recording's operators, compressed once already; its
    resources are the document's fonts, as ReportLab gives every form."""
    width, height = size
    form = PDFFormXObject(-FORM_MARGIN, -FORM_MARGIN, width + FORM_MARGIN, height + FORM_MARGIN)
    form.Contents = PDFStream(
        dictionary=PDFDictionary({"Filter": PDFName("FlateDecode")}), content=stream
    )
    return form

"""The day report: a pure function from a :class:`DayReportSnapshot` to unsigned PDF bytes.

One A4 document (more pages only when the exceptions list is long):

* the heading: shop, station, business day, when and by whom it was closed;
* the summary: intakes by outcome (voided ones apart, never counted as taken in), a
  table per purpose with the money total of the accepted intakes (買取・下取り・委託・
  修理受付), to check against the till, and the intakes by OS;
* two small bar charts: intakes per hour, and by revocation path, with the paths'
  titles listed under them by number;
* the chain head (seq and entry hash) and the station certificate's fingerprint,
  printed large and grouped so that a person can copy them by hand: the paper is a
  witness of the ledger's state (ARCHITECTURE.md, "The ledger");
* the exceptions: every refusal with its reason, every void, every reprint, and
  every entry made after its own day was closed (marked 締め後の記録 / LATE).

Every label arrives translated in the snapshot (``desktop.exports.report_snapshot``
reads ``desktop.domain`` and the catalogue): no raw id is printed.  Nothing runs off
the page: every text goes through :meth:`_Writer.text` or a table cell, which wrap it
with :func:`wrap_text` (Japanese line-breaking rules, 禁則), and is drawn by one
method, :meth:`_Writer._draw`.

Only the bundled BIZ UDPGothic is used (canvas created with ``initialFontName``,
every drawing string given a font), embedded as a subset.  The report holds no
personal data: receipts and reasons only (DOMAIN.md §5).
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib.colors import Color, black  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from reports.fonts import BOLD, REGULAR, draw_string, register_fonts, string_width

CREATOR = "Revoke Desk"
KEYWORDS_PREFIX = "revoke-desk-day-report:v1 "

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
RIGHT_EDGE = PAGE_WIDTH - MARGIN
TITLE_SIZE = 16
HEADING_SIZE = 11
BODY_SIZE = 9
SMALL_SIZE = 7.5
LINE = 4.6 * mm
LEADING = 1.4  # line height as a multiple of the font size
HEAD_SIZE = 15  # the chain head and fingerprint: large enough to copy by hand
HEAD_LINE = 7 * mm
HASH_GROUP = 8  # characters per group of a printed hash
INDENT = 6 * mm  # continuation lines of a wrapped paragraph
CELL_PAD = 2 * mm  # between table columns
CHART_HEIGHT = 38 * mm
CHART_GAP = 8 * mm
CHART_WIDTH = (CONTENT_WIDTH - CHART_GAP) / 2
CHART_LABEL_SIZE = 6.5
MIN_SIZE = 5  # the smallest a text is shrunk to before it wraps instead
BAR_COLOUR = Color(0.25, 0.35, 0.55)
GRID_COLOUR = Color(0.75, 0.75, 0.75)
RULE_COLOUR = Color(0.55, 0.55, 0.55)
FOOTER_SIZE = 7

# 禁則: no line starts with a closing bracket or mark, none ends with an opening one.
NO_LINE_START = frozenset(
    "、。，．,.・：；？！）」』］｝〕〉》】〙〗)]}｣ー々ゝゞヽヾぁぃぅぇぉっゃゅょゎゕゖ"
    "ァィゥェォッャュョヮヵヶ%％:;?!"
)
NO_LINE_END = frozenset("（「『［｛〔〈《【〘〖([{｢¥￥$＄#＃")
SPACES = frozenset(" \u3000")


@dataclass(frozen=True)
class Count:
    """One labelled count of a summary line."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class PurposeRow:
    """One purpose's line of the summary table."""

    key: str
    label: str  # e.g. "買取 / Purchase"
    accepted: int  # accepted, not voided
    refused: int  # refused, not voided
    voided: int
    amount_yen: int  # the accepted (not voided) intakes' prices


@dataclass(frozen=True)
class ExceptionLine:
    """One line of the exceptions list: a refusal, void, reprint or late entry."""

    kind: str  # "refusal" | "void" | "reprint" | "late"
    at: str  # shop-local "HH:MM" (or "YYYY-MM-DD HH:MM" for a late entry)
    receipt: str
    detail: str


@dataclass(frozen=True)
class DayReportSnapshot:
    """Everything the day report shows, as plain frozen values (labels translated)."""

    shop_name: str
    station: str
    day: str  # YYYY-MM-DD, shop-local
    closed_at: str  # YYYY-MM-DD HH:MM, shop-local
    manager: str
    total: int  # intakes of the day, voided ones left out
    outcomes: tuple[Count, ...]  # accepted, refused (not voided)
    voided_intakes: int  # the day's intakes voided before the close
    purposes: tuple[PurposeRow, ...]
    late_purposes: tuple[PurposeRow, ...]  # late intakes of earlier days (not in the totals)
    paths: tuple[Count, ...]  # label: the catalogue's Japanese title
    systems: tuple[Count, ...]
    per_hour: tuple[int, ...]  # 24 counts, hour 0 to 23
    voids: int  # void entries dated this day
    reprints: int
    late: int
    exceptions: tuple[ExceptionLine, ...]
    head_seq: int
    head_hash: str
    close_seq: int  # the seq the day_closed entry takes
    fingerprint: str


EXCEPTION_LABELS = {
    "refusal": "お断り / refused",
    "void": "取消 / void",
    "reprint": "再発行 / reprint",
    "late": "締め後の記録 / LATE",
}


def group(text: str, size: int = HASH_GROUP) -> str:
    """``abcd…`` → ``abcdefgh ijklmnop …``: easier to copy and compare by eye."""
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


def yen(amount: int) -> str:
    return f"¥{amount:,}"


# ---------------------------------------------------------------------------
# Line breaking


def _is_wide(char: str) -> bool:
    """A character Japanese text may break before or after (kana, kanji, full-width)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def _units(text: str) -> list[str]:
    """``text`` cut where a line may break: spaces apart, words of Latin script whole,
    wide characters one by one, with the 禁則 characters held to their neighbour."""
    units: list[str] = []
    glue_next = False  # the last unit ends with an opening bracket: the next joins it
    for char in text:
        if char in SPACES:
            units.append(char)
            glue_next = False
            continue
        previous = units[-1] if units else ""
        joins_previous = bool(previous) and previous[-1] not in SPACES
        if joins_previous and (
            glue_next
            or char in NO_LINE_START
            or not (_is_wide(char) or _is_wide(previous[-1]))  # within a Latin word
        ):
            units[-1] += char
        else:
            units.append(char)
        glue_next = char in NO_LINE_END
    return units


def wrap_text(
    text: str, width: float, measure: Callable[[str], float], rest_width: float | None = None
) -> list[str]:
    """``text`` broken into lines no wider than ``width`` (``rest_width`` after the first).

    Breaks at spaces, and between any two Japanese characters except before a closing
    bracket or mark (」）。、…) and after an opening one (「（…).  A word or a run held
    together that is wider than a line on its own is cut by character, so that
    nothing ever runs past the width.
    """
    lines: list[str] = []
    line = ""
    limit = width
    pending_space = ""

    def emit() -> None:
        nonlocal line, limit, pending_space
        lines.append(line)
        line, pending_space = "", ""
        limit = width if rest_width is None else rest_width

    for unit in _units(text):
        if unit in SPACES:
            if line:
                pending_space += unit
            continue
        candidate = line + pending_space + unit
        if measure(candidate) <= limit:
            line, pending_space = candidate, ""
            continue
        if line:
            emit()
        # The unit starts a line; cut it if it is wider than a line on its own.
        for char in unit:
            if line and measure(line + char) > limit:
                emit()
            line += char
    if line or not lines:
        lines.append(line)
    return lines


# ---------------------------------------------------------------------------
# The writer


class _Writer:
    """A cursor down the pages of one canvas.  Every text is drawn by :meth:`_draw`."""

    def __init__(self, canvas: Canvas, snapshot: DayReportSnapshot) -> None:
        self.canvas = canvas
        self.snapshot = snapshot
        self.page = 1
        self.y = PAGE_HEIGHT - MARGIN

    # The only two places that measure and draw text.
    def _width(self, text: str, font: str, size: float) -> float:
        return string_width(text, font, size)

    def _draw(self, x: float, y: float, text: str, font: str, size: float) -> None:
        # Every text of the report passes here: names beyond the main face (𠮷) take the fallback.
        draw_string(self.canvas, x, y, text, font, size)

    def _draw_right(self, right: float, y: float, text: str, font: str, size: float) -> None:
        self._draw(right - self._width(text, font, size), y, text, font, size)

    def _draw_centred(self, centre: float, y: float, text: str, font: str, size: float) -> None:
        self._draw(centre - self._width(text, font, size) / 2, y, text, font, size)

    def wrap(
        self,
        text: str,
        width: float,
        font: str,
        size: float,
        rest_width: float | None = None,
    ) -> list[str]:
        return wrap_text(text, width, lambda s: self._width(s, font, size), rest_width)

    def fit(self, text: str, font: str, size: float, width: float) -> float:
        """The size at which ``text`` fits ``width`` on one line (at least MIN_SIZE)."""
        while size > MIN_SIZE and self._width(text, font, size) > width:
            size -= 0.5
        return size

    def need(self, height: float) -> None:
        if self.y - height < MARGIN + LINE:
            self.new_page()

    def new_page(self) -> None:
        self.footer()
        self.canvas.showPage()
        self.page += 1
        self.y = PAGE_HEIGHT - MARGIN
        self.text(
            f"日次締め報告（続き） / Day close report (continued) — "
            f"{self.snapshot.station} {self.snapshot.day}",
            size=BODY_SIZE,
            font=BOLD,
        )

    def footer(self) -> None:
        text = f"{CREATOR} — {self.snapshot.station} {self.snapshot.day} — p. {self.page}"
        size = self.fit(text, REGULAR, FOOTER_SIZE, CONTENT_WIDTH)
        self._draw(MARGIN, MARGIN / 2, text, REGULAR, size)

    def text(
        self,
        line: str,
        *,
        size: float = BODY_SIZE,
        font: str = REGULAR,
        x: float = MARGIN,
        indent: float = INDENT,
    ) -> None:
        """One paragraph from ``x``, wrapped at the right margin (continuations indented)."""
        width = RIGHT_EDGE - x
        for i, part in enumerate(self.wrap(line, width, font, size, width - indent)):
            self.need(size * LEADING)
            self.y -= size * LEADING
            self._draw(x + (indent if i else 0), self.y, part, font, size)

    def gap(self, height: float = LINE / 2) -> None:
        self.y -= height

    def rule(self) -> None:
        """A thin line across the page, clear of the descenders above it."""
        self.y -= 3
        self.canvas.setStrokeColor(RULE_COLOUR)
        self.canvas.setLineWidth(0.5)
        self.canvas.line(MARGIN, self.y, RIGHT_EDGE, self.y)
        self.canvas.setStrokeColor(black)
        self.y -= 1

    def row(
        self,
        cells: Sequence[str],
        widths: Sequence[float],
        right: Sequence[bool],
        *,
        font: str = REGULAR,
        size: float = BODY_SIZE,
        x: float = MARGIN,
    ) -> None:
        """One table row: each cell wrapped in its column ("\n" starts a new line)."""
        wrapped = [
            [
                part
                for paragraph in cell.split("\n")
                for part in self.wrap(paragraph, width - CELL_PAD, font, size)
            ]
            for cell, width in zip(cells, widths, strict=True)
        ]
        height = max(len(lines) for lines in wrapped) * size * LEADING
        self.need(height)
        left = x
        for lines, width, flush_right in zip(wrapped, widths, right, strict=True):
            y = self.y
            for part in lines:
                y -= size * LEADING
                if flush_right:
                    self._draw_right(left + width - CELL_PAD, y, part, font, size)
                else:
                    self._draw(left, y, part, font, size)
            left += width
        self.y -= height

    def bar_chart(
        self, x: float, bottom: float, title: str, labels: list[str], values: list[int]
    ) -> None:
        """A small vertical bar chart in a CHART_WIDTH × CHART_HEIGHT box at (x, bottom)."""
        canvas = self.canvas
        top_pad, bottom_pad, left_pad = 9 * mm, 7 * mm, 6 * mm
        plot_w = CHART_WIDTH - left_pad
        plot_h = CHART_HEIGHT - top_pad - bottom_pad
        base = bottom + bottom_pad
        title_size = self.fit(title, BOLD, BODY_SIZE, CHART_WIDTH)
        self._draw(x, bottom + CHART_HEIGHT - 3 * mm, title, BOLD, title_size)
        peak = max(values, default=0)
        scale = max(peak, 1)
        canvas.setStrokeColor(GRID_COLOUR)
        canvas.setLineWidth(1)
        canvas.line(x + left_pad, base, x + CHART_WIDTH, base)
        canvas.setStrokeColor(black)
        self._draw(x, base + plot_h - 2, str(peak), REGULAR, CHART_LABEL_SIZE)
        self._draw(x, base, "0", REGULAR, CHART_LABEL_SIZE)
        slot = plot_w / max(len(values), 1)
        for i, (label, value) in enumerate(zip(labels, values, strict=True)):
            left = x + left_pad + i * slot
            centre = left + slot / 2
            height = plot_h * value / scale
            if value:
                canvas.setFillColor(BAR_COLOUR)
                canvas.rect(left + slot * 0.15, base, slot * 0.7, height, stroke=0, fill=1)
                canvas.setFillColor(black)
                self._draw_centred(centre, base + height + 1, str(value), REGULAR, CHART_LABEL_SIZE)
            size = self.fit(label, REGULAR, CHART_LABEL_SIZE, slot)
            self._draw_centred(centre, base - 3 * mm, label, REGULAR, size)


def _counts_line(counts: tuple[Count, ...]) -> str:
    return "　".join(f"{c.label} {c.count}" for c in counts) if counts else "—"


def _hour_window(per_hour: tuple[int, ...]) -> range:
    """The shop's opening hours as the data shows them, at least 9:00–20:00."""
    busy = [h for h, n in enumerate(per_hour) if n]
    first = min([9, *busy])
    last = max([20, *busy])
    return range(first, last + 1)


PURPOSE_COLUMNS = (62 * mm, 26 * mm, 26 * mm, 26 * mm, 40 * mm)
PURPOSE_RIGHT = (False, True, True, True, True)
PATH_COLUMNS = (8 * mm, CONTENT_WIDTH - 30 * mm, 22 * mm)


def _purpose_table(out: _Writer, rows: tuple[PurposeRow, ...]) -> None:
    out.row(
        ("区分\npurpose", "受付\naccepted", "お断り\nrefused", "取消\nvoided", "金額合計\ntotal"),
        PURPOSE_COLUMNS,
        PURPOSE_RIGHT,
        font=BOLD,
    )
    out.rule()
    for r in rows:
        out.row(
            (r.label, str(r.accepted), str(r.refused), str(r.voided), yen(r.amount_yen)),
            PURPOSE_COLUMNS,
            PURPOSE_RIGHT,
        )
    out.rule()
    out.row(
        (
            "計 / total",
            str(sum(r.accepted for r in rows)),
            str(sum(r.refused for r in rows)),
            str(sum(r.voided for r in rows)),
            "",
        ),
        PURPOSE_COLUMNS,
        PURPOSE_RIGHT,
        font=BOLD,
    )


def render_day_report(snapshot: DayReportSnapshot) -> bytes:
    """The unsigned day report PDF (``reports.signing.sign_pdf`` signs it afterwards)."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, initialFontName=REGULAR, pageCompression=1)
    canvas.setTitle(f"日次締め報告 {snapshot.station} {snapshot.day}")
    canvas.setAuthor(snapshot.shop_name)
    canvas.setCreator(CREATOR)
    canvas.setKeywords(
        f"{KEYWORDS_PREFIX}{snapshot.station} {snapshot.day} "
        f"{snapshot.head_seq} {snapshot.head_hash}"
    )
    out = _Writer(canvas, snapshot)
    out.text("日次締め報告 / Day close report", size=TITLE_SIZE, font=BOLD)
    out.gap()
    out.text(f"{snapshot.shop_name}　ステーション / station {snapshot.station}")
    out.text(f"営業日 / business day: {snapshot.day}")
    out.text(f"締め日時 / closed at: {snapshot.closed_at}　責任者 / manager: {snapshot.manager}")
    out.gap()

    out.text("集計 / Summary", size=HEADING_SIZE, font=BOLD)
    out.text(f"受付件数（取消を除く） / intakes, voided ones excluded: {snapshot.total}")
    out.text(
        f"結果 / outcome: {_counts_line(snapshot.outcomes)}　"
        f"（取消 / voided {snapshot.voided_intakes}）"
    )
    out.gap(LINE / 4)
    _purpose_table(out, snapshot.purposes)
    out.gap(LINE / 4)
    out.text(
        "金額合計は受付のみ（お断りと取消を除く）の金額です。レジと照合してください。"
        " / Totals of the accepted intakes only (refusals and voids excluded): "
        "check them against the till.",
        size=SMALL_SIZE,
    )
    late = [r for r in snapshot.late_purposes if r.accepted or r.refused or r.voided]
    if late:
        parts = "　".join(
            f"{r.label} 受付 {r.accepted}（{yen(r.amount_yen)}）・お断り {r.refused}・取消 {r.voided}"
            for r in late
        )
        out.text(
            "締め後の記録（前の営業日の分で、上の表には含みません） / "
            f"late entries of earlier days, not in the table: {parts}",
            size=SMALL_SIZE,
        )
    out.gap(LINE / 4)
    out.text(f"OS: {_counts_line(snapshot.systems)}")
    out.text(
        f"取消 / voids: {snapshot.voids}　再発行 / reprints: {snapshot.reprints}　"
        f"締め後の記録 / late entries: {snapshot.late}"
    )
    out.gap()

    hours = _hour_window(snapshot.per_hour)
    out.need(CHART_HEIGHT)
    out.y -= CHART_HEIGHT
    out.bar_chart(
        MARGIN,
        out.y,
        "時間帯別の受付 / intakes per hour",
        [str(h) for h in hours],
        [snapshot.per_hour[h] for h in hours],
    )
    out.bar_chart(
        MARGIN + CHART_WIDTH + CHART_GAP,
        out.y,
        "失効経路 / revocation paths",
        [str(i + 1) for i in range(len(snapshot.paths))],
        [c.count for c in snapshot.paths],
    )
    out.gap()
    out.text("失効経路 / Revocation paths（グラフの番号 / chart numbers）", font=BOLD)
    if not snapshot.paths:
        out.text("なし / none")
    for i, path in enumerate(snapshot.paths):
        out.row((str(i + 1), path.label, f"{path.count} 件"), PATH_COLUMNS, (True, False, True))
    out.gap()

    out.text("台帳の状態 / Ledger state at close", size=HEADING_SIZE, font=BOLD)
    out.text(f"チェーンの先頭 / chain head: #{snapshot.head_seq}", size=HEAD_SIZE, font=BOLD)
    for half in (snapshot.head_hash[:32], snapshot.head_hash[32:]):
        out.need(HEAD_LINE)
        out.y -= HEAD_LINE
        out._draw(MARGIN + 6 * mm, out.y, group(half), BOLD, HEAD_SIZE)
    out.text(f"この締め記録 / this close: 台帳 / ledger entry #{snapshot.close_seq}")
    # The head as `verify --checkpoint` takes it, to be typed back from this paper.
    out.text(
        "照合用チェックポイント / checkpoint for verify --checkpoint: "
        f"{snapshot.station}:{snapshot.head_seq}:{snapshot.head_hash[:16]}",
        font=BOLD,
    )
    out.text("証明書フィンガープリント / station certificate SHA-256:")
    for half in (snapshot.fingerprint[:32], snapshot.fingerprint[32:]):
        out.text(group(half), size=BODY_SIZE + 2, x=MARGIN + 6 * mm)
    out.gap()

    out.text(f"例外一覧 / Exceptions ({len(snapshot.exceptions)})", size=HEADING_SIZE, font=BOLD)
    if not snapshot.exceptions:
        out.text("なし / none")
    for item in snapshot.exceptions:
        label = EXCEPTION_LABELS.get(item.kind, item.kind)
        out.text(f"{item.at}　{label}　{item.receipt}　{item.detail}", indent=8 * mm)
    out.footer()
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()

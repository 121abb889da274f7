"""The day report: a pure function from a :class:`DayReportSnapshot` to unsigned PDF bytes.

One A4 document (more pages only when the exceptions list is long):

* the heading: shop, station, business day, when and by whom it was closed;
* the summary: intakes by outcome, purpose, revocation path and OS;
* two small bar charts (``reportlab.graphics``): intakes per hour, and by path;
* the exceptions: every refusal with its reason, every void, every reprint, and
  every entry made after its own day was closed (marked 締め後の記録 / LATE);
* the chain head (seq and entry hash) and the station certificate's fingerprint,
  printed large and grouped so that a person can copy them by hand: the paper is a
  witness of the ledger's state (ARCHITECTURE.md, "The ledger").

Only the bundled BIZ UDPGothic is used (canvas created with ``initialFontName``,
every drawing string given a font), embedded as a subset.  The report holds no
personal data: receipts and reasons only (DOMAIN.md §5).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.graphics import renderPDF  # type: ignore[import-untyped]
from reportlab.graphics.shapes import Drawing, Line, Rect, String  # type: ignore[import-untyped]
from reportlab.lib.colors import Color  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.lib.utils import simpleSplit  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from reports.fonts import BOLD, REGULAR, draw_string, register_fonts

CREATOR = "Revoke Desk"
KEYWORDS_PREFIX = "revoke-desk-day-report:v1 "

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
TITLE_SIZE = 16
HEADING_SIZE = 11
BODY_SIZE = 9
LINE = 4.6 * mm
HEAD_SIZE = 15  # the chain head and fingerprint: large enough to copy by hand
HEAD_LINE = 7 * mm
HASH_GROUP = 8  # characters per group of a printed hash
CHART_HEIGHT = 38 * mm
CHART_GAP = 8 * mm
CHART_WIDTH = (CONTENT_WIDTH - CHART_GAP) / 2
CHART_LABEL_SIZE = 6.5
BAR_COLOUR = Color(0.25, 0.35, 0.55)
GRID_COLOUR = Color(0.75, 0.75, 0.75)
FOOTER_SIZE = 7


@dataclass(frozen=True)
class Count:
    """One labelled count of a summary table."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class ExceptionLine:
    """One line of the exceptions list: a refusal, void, reprint or late entry."""

    kind: str  # "refusal" | "void" | "reprint" | "late"
    at: str  # shop-local "HH:MM" (or "YYYY-MM-DD HH:MM" for a late entry)
    receipt: str
    detail: str


@dataclass(frozen=True)
class DayReportSnapshot:
    """Everything the day report shows, as plain frozen values."""

    shop_name: str
    station: str
    day: str  # YYYY-MM-DD, shop-local
    closed_at: str  # YYYY-MM-DD HH:MM, shop-local
    manager: str
    total: int
    outcomes: tuple[Count, ...]
    purposes: tuple[Count, ...]
    paths: tuple[Count, ...]
    systems: tuple[Count, ...]
    per_hour: tuple[int, ...]  # 24 counts, hour 0 to 23
    voided: int
    reprints: int
    late: int
    exceptions: tuple[ExceptionLine, ...]
    head_seq: int
    head_hash: str
    close_seq: int  # the seq the day_closed entry takes
    fingerprint: str


EXCEPTION_LABELS = {
    "refusal": "受付不可 refused",
    "void": "取消 void",
    "reprint": "再発行 reprint",
    "late": "締め後の記録 LATE",
}


def group(text: str, size: int = HASH_GROUP) -> str:
    """``abcd…`` → ``abcdefgh ijklmnop …``: easier to copy and compare by eye."""
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


class _Writer:
    """A cursor down the pages of one canvas."""

    def __init__(self, canvas: Canvas, snapshot: DayReportSnapshot) -> None:
        self.canvas = canvas
        self.snapshot = snapshot
        self.page = 1
        self.y = PAGE_HEIGHT - MARGIN

    def need(self, height: float) -> None:
        if self.y - height < MARGIN + LINE:
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
        draw_string(
            self.canvas,
            MARGIN,
            MARGIN / 2,
            f"{CREATOR} — {self.snapshot.station} {self.snapshot.day} — p. {self.page}",
            REGULAR,
            FOOTER_SIZE,
        )

    def text(
        self, line: str, *, size: float = BODY_SIZE, font: str = REGULAR, x: float = MARGIN
    ) -> None:
        self.need(size * 1.4)
        self.y -= size * 1.4
        draw_string(self.canvas, x, self.y, line, font, size)

    def gap(self, height: float = LINE / 2) -> None:
        self.y -= height


def _counts_line(counts: tuple[Count, ...]) -> str:
    return "　".join(f"{c.label} {c.count}" for c in counts) if counts else "—"


def _bar_chart(title: str, labels: list[str], values: list[int]) -> Drawing:
    """A small vertical bar chart drawn with shapes, every string in the bundled font."""
    drawing = Drawing(CHART_WIDTH, CHART_HEIGHT)
    # The renderer starts every drawing in Helvetica (and so puts it in the PDF)
    # unless the drawing names its own initial font.
    drawing.initialFontName = REGULAR
    drawing.initialFontSize = CHART_LABEL_SIZE
    top_pad, bottom_pad, left_pad = 9 * mm, 7 * mm, 6 * mm
    plot_w = CHART_WIDTH - left_pad
    plot_h = CHART_HEIGHT - top_pad - bottom_pad
    drawing.add(String(0, CHART_HEIGHT - 3 * mm, title, fontName=BOLD, fontSize=BODY_SIZE))
    peak = max(values, default=0)
    scale = max(peak, 1)
    drawing.add(Line(left_pad, bottom_pad, CHART_WIDTH, bottom_pad, strokeColor=GRID_COLOUR))
    drawing.add(
        String(0, bottom_pad + plot_h - 2, str(peak), fontName=REGULAR, fontSize=CHART_LABEL_SIZE)
    )
    drawing.add(String(0, bottom_pad, "0", fontName=REGULAR, fontSize=CHART_LABEL_SIZE))
    slot = plot_w / max(len(values), 1)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left_pad + i * slot
        height = plot_h * value / scale
        if value:
            drawing.add(
                Rect(
                    x + slot * 0.15,
                    bottom_pad,
                    slot * 0.7,
                    height,
                    fillColor=BAR_COLOUR,
                    strokeColor=None,
                )
            )
            drawing.add(
                String(
                    x + slot / 2,
                    bottom_pad + height + 1,
                    str(value),
                    fontName=REGULAR,
                    fontSize=CHART_LABEL_SIZE,
                    textAnchor="middle",
                )
            )
        drawing.add(
            String(
                x + slot / 2,
                bottom_pad - 3 * mm,
                label,
                fontName=REGULAR,
                fontSize=CHART_LABEL_SIZE,
                textAnchor="middle",
            )
        )
    return drawing


def _hour_window(per_hour: tuple[int, ...]) -> range:
    """The shop's opening hours as the data shows them, at least 9:00–20:00."""
    busy = [h for h, n in enumerate(per_hour) if n]
    first = min([9, *busy])
    last = max([20, *busy])
    return range(first, last + 1)


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
    out.text(f"受付件数 / intakes: {snapshot.total}")
    out.text(f"結果 / outcome: {_counts_line(snapshot.outcomes)}")
    out.text(f"種別 / purpose: {_counts_line(snapshot.purposes)}")
    out.text(f"OS: {_counts_line(snapshot.systems)}")
    out.text(f"失効経路 / path: {_counts_line(snapshot.paths)}")
    out.text(
        f"取消 / voids: {snapshot.voided}　再発行 / reprints: {snapshot.reprints}　"
        f"締め後の記録 / late entries: {snapshot.late}"
    )
    out.gap()

    hours = _hour_window(snapshot.per_hour)
    hour_chart = _bar_chart(
        "時間帯別の受付 / intakes per hour",
        [str(h) for h in hours],
        [snapshot.per_hour[h] for h in hours],
    )
    path_chart = _bar_chart(
        "失効経路 / revocation paths",
        [str(i + 1) for i in range(len(snapshot.paths))],
        [c.count for c in snapshot.paths],
    )
    out.need(CHART_HEIGHT)
    out.y -= CHART_HEIGHT
    renderPDF.draw(hour_chart, canvas, MARGIN, out.y)
    renderPDF.draw(path_chart, canvas, MARGIN + CHART_WIDTH + CHART_GAP, out.y)
    out.text(
        "経路 / paths: "
        + "　".join(f"{i + 1}={c.key}" for i, c in enumerate(snapshot.paths) if c.count),
        size=CHART_LABEL_SIZE,
    )
    out.gap()

    out.text("台帳の状態 / Ledger state at close", size=HEADING_SIZE, font=BOLD)
    out.text(f"チェーンの先頭 / chain head: #{snapshot.head_seq}", size=HEAD_SIZE, font=BOLD)
    for half in (snapshot.head_hash[:32], snapshot.head_hash[32:]):
        out.need(HEAD_LINE)
        out.y -= HEAD_LINE
        draw_string(canvas, MARGIN + 6 * mm, out.y, group(half), BOLD, HEAD_SIZE)
    out.text(f"この締め記録 / this close: 台帳 / ledger entry #{snapshot.close_seq}")
    out.text("証明書フィンガープリント / station certificate SHA-256:")
    for half in (snapshot.fingerprint[:32], snapshot.fingerprint[32:]):
        out.text(group(half), size=BODY_SIZE + 2, x=MARGIN + 6 * mm)
    out.gap()

    out.text(f"例外一覧 / Exceptions ({len(snapshot.exceptions)})", size=HEADING_SIZE, font=BOLD)
    if not snapshot.exceptions:
        out.text("なし / none")
    for item in snapshot.exceptions:
        label = EXCEPTION_LABELS.get(item.kind, item.kind)
        line = f"{item.at}　{label}　{item.receipt}　{item.detail}"
        for i, part in enumerate(simpleSplit(line, REGULAR, BODY_SIZE, CONTENT_WIDTH - 8 * mm)):
            out.text(part, x=MARGIN + (8 * mm if i else 0))
    out.footer()
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()

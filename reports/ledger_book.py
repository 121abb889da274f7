"""The 古物台帳 (ledger book) as an A4-landscape PDF and as CSV: pure functions of a snapshot.

``desktop.ledger_book`` chooses every text (labels, notes, the ID-check wording)
and builds a :class:`LedgerBookSnapshot`; the renderers here only lay it out.  The
PDF embeds only the bundled BIZ UDPGothic (and its fallback face for the characters
of a name it lacks, such as 𠮷: ``reports.fonts``), repeats the column headings on
every page, numbers the pages ("n / N"), strikes a voided row through with its void
note beneath, frames the phones of one transaction together and marks a phone flagged
不正品 in its features.  It is unsigned: the caller signs it (``reports.signing.sign_pdf``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sized
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_LEFT  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4, landscape  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    Flowable,
    Paragraph,
    Table,
    TableStyle,
)

from reports.csv_safe import safe_cell
from reports.fonts import BOLD, REGULAR, draw_string, register_fonts, string_width
from reports.layout import esc

CREATOR = "Revoke Desk"
TITLE_JA = "古物台帳"
TITLE_EN = "Second-hand dealer's ledger"
PAGE = landscape(A4)
MARGIN = 10 * mm
BODY_SIZE = 7
NOTE_HEX = "#b00020"  # alerts: the 不正品 flag, voids and corrections
NOTE_COLOUR = colors.HexColor(NOTE_HEX)
LEADING = BODY_SIZE * 1.3
VOID_FILL = colors.HexColor("#eeeeee")
TRANSACTION_FRAME = 1.4  # points: the frame around the phones of one transaction
STOLEN_MARK = "【不正品の疑い】"

# (heading ja, heading en, snapshot attribute, relative width)
COLUMNS: tuple[tuple[str, str, str, float], ...] = (
    ("受付番号", "Receipt", "receipt", 11.5),
    ("年月日時", "Date", "date", 7),
    ("区別", "Kind", "kind", 4.5),
    ("品目", "Item", "item", 8.5),
    ("特徴（色・容量・IMEI・製造番号）", "Features", "features", 14),
    ("数量", "Qty", "quantity", 3),
    ("代価", "Price", "price", 5.5),
    ("住所", "Address", "address", 11),
    ("氏名", "Name", "name", 8),
    ("職業", "Occupation", "occupation", 7),
    ("年齢", "Age", "age", 8.5),
    ("確認方法", "ID check", "id_check", 11),
)


@dataclass(frozen=True)
class LedgerBookLine:
    """One row of the book, every cell already as text."""

    receipt: str
    date: str
    kind: str
    item: str
    features: str
    quantity: str
    price: str
    address: str
    name: str
    occupation: str
    age: str
    id_check: str
    voided: bool
    notes: tuple[str, ...]  # alerts, in red: the 不正品 flag, the void, the corrections
    remarks: tuple[str, ...] = ()  # in black: transaction, consent, exemption
    transaction: str = ""  # the transaction's first receipt; "" for a phone sold alone
    suspected_stolen: bool = False  # 不正品の疑い


@dataclass(frozen=True)
class LedgerBookSnapshot:
    shop_name: str
    license_no: str
    commission: str
    period: str  # "YYYY-MM-DD 〜 YYYY-MM-DD"
    generated_at: str  # shop-local time
    # The rows, oldest first: a tuple, or a stream read once while rendering (then
    # ``count`` says how many it gives, for the header printed before them).
    lines: Iterable[LedgerBookLine]
    count: int | None = None

    @property
    def total(self) -> int:
        if self.count is not None:
            return self.count
        return len(self.lines) if isinstance(self.lines, Sized) else sum(1 for _ in self.lines)


def _cells(line: LedgerBookLine) -> list[str]:
    return [str(getattr(line, attribute)) for _, _, attribute, _ in COLUMNS]


# --- CSV ----------------------------------------------------------------------------

CSV_HEADINGS = (
    "同一取引 / Transaction",
    "不正品の疑い / Suspected stolen",
    "取消 / Void",
    "備考 / Notes",
)


def render_ledger_csv(snapshot: LedgerBookSnapshot) -> bytes:
    """UTF-8 with BOM (Excel opens it as Japanese), CRLF, every cell through safe_cell.

    Written a line at a time into the bytes: memory holds the file, never the rows.
    """
    out = io.BytesIO()
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=False)
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(
        [safe_cell(f"{ja} / {en}") for ja, en, _, _ in COLUMNS]
        + [safe_cell(heading) for heading in CSV_HEADINGS]
    )
    for line in snapshot.lines:
        writer.writerow(
            [safe_cell(cell) for cell in _cells(line)]
            + [
                safe_cell(line.transaction),
                safe_cell("あり" if line.suspected_stolen else ""),
                safe_cell("取消" if line.voided else ""),
                safe_cell(" | ".join((*line.notes, *line.remarks))),
            ]
        )
    text.flush()
    data = out.getvalue()
    text.detach()
    return data


# --- PDF ----------------------------------------------------------------------------

CELL_PADDING_X = 2
CELL_PADDING_Y = 1.5
# The grid, heading shade and padding every page's table shares.
TABLE_STYLE: tuple[tuple[Any, ...], ...] = (
    ("FONTNAME", (0, 0), (-1, -1), REGULAR),
    ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dddddd")),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING_X),
    ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING_X),
    ("TOPPADDING", (0, 0), (-1, -1), CELL_PADDING_Y),
    ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PADDING_Y),
)
# Below the frame's top and above its bottom, as the page template had (6 pt).
FRAME_INSET = 6
TOTAL_FORM = "ledger-page-total"  # a form drawn on every page, filled in at the end
TOTAL_BOX = 28  # points kept for the page total on the right of the footer


def _styles() -> tuple[Any, Any]:
    """The Paragraph styles of the book's opening lines (its cells are ``_TextCell``)."""
    body = ParagraphStyle(
        "ledger-body",
        fontName=REGULAR,
        fontSize=BODY_SIZE,
        leading=LEADING,
        wordWrap="CJK",
        alignment=TA_LEFT,
    )
    title = ParagraphStyle("ledger-title", parent=body, fontName=BOLD, fontSize=13, leading=17)
    return body, title


# A cell's text a line at a time: (text, face, colour or None for black).  Each line
# wraps on its own to the column's width.
_CellLine = tuple[str, str, Any]
_TOKENS = re.compile(r"[!-~]+|\s+|.", re.DOTALL)


class _TextCell(Flowable):  # type: ignore[misc]
    """The text of one table cell, laid out by the book itself.

    A ``Paragraph`` parses markup and re-breaks its lines at every ``wrap``; a ledger
    cell is a few short lines of plain text, so it is broken once per width (a run of
    ASCII at its spaces, Japanese at any character, as CJK wrapping does) and drawn
    with ``reports.fonts.draw_string``, which sets what BIZ UDPGothic lacks in the
    fallback face.  Struck through for a voided row.
    """

    def __init__(self, lines: list[_CellLine], *, strike: bool = False) -> None:
        super().__init__()
        self.lines = lines
        self.strike = strike
        self._width = -1.0
        self._wrapped: list[_CellLine] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if availWidth != self._width:
            self._width = availWidth
            self._wrapped = [
                (piece, face, colour)
                for text, face, colour in self.lines
                for piece in _broken(text, face, availWidth)
            ]
        self.width = availWidth
        self.height = len(self._wrapped) * LEADING
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        y = self.height
        for text, face, colour in self._wrapped:
            y -= LEADING
            baseline = y + (LEADING - BODY_SIZE) + BODY_SIZE * 0.12
            if colour is not None:
                canvas.setFillColor(colour)
            draw_string(canvas, 0, baseline, text, face, BODY_SIZE)
            if self.strike:
                canvas.setLineWidth(0.5)
                middle = baseline + BODY_SIZE * 0.3
                canvas.line(0, middle, string_width(text, face, BODY_SIZE), middle)
            if colour is not None:
                canvas.setFillColor(colors.black)


def _broken(text: str, face: str, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` (at least one character each)."""
    if not text:
        return []
    if string_width(text, face, BODY_SIZE) <= width:
        return [text]
    lines: list[str] = []
    line, used = "", 0.0
    for token in _TOKENS.findall(text):
        size = string_width(token, face, BODY_SIZE)
        if used + size <= width:
            line, used = line + token, used + size
            continue
        if token.isspace():
            continue  # a space at a break disappears
        if line.strip():
            lines.append(line.rstrip())
        line, used = "", 0.0
        if size <= width:
            line, used = token, size
            continue
        for char in token:  # a word wider than the column: broken at any character
            char_size = string_width(char, face, BODY_SIZE)
            if line and used + char_size > width:
                lines.append(line)
                line, used = "", 0.0
            line, used = line + char, used + char_size
    if line.strip():
        lines.append(line.rstrip())
    return lines


@dataclass
class _Unit:
    """One line of the book as the page lays it: its row, and the notes row under it."""

    cells: list[Any]  # Paragraphs
    under: Any | None  # the Paragraph of the notes row, spanning every column
    heights: tuple[float, ...]  # of the row, and of the notes row when there is one
    voided: bool
    transaction: str

    @property
    def height(self) -> float:
        return sum(self.heights)


class _Book:
    """Lays the lines out a page at a time: one ReportLab ``Table`` per page.

    A line and its notes stay together on one page, and the phones of a transaction
    are framed on each page they print on.  Nothing of a page is kept once it is
    drawn, so the time and the memory grow with the lines, never faster.
    """

    def __init__(self, snapshot: LedgerBookSnapshot, out: io.BytesIO) -> None:
        self.snapshot = snapshot
        self.body, self.title = _styles()
        self.width = PAGE[0] - 2 * MARGIN
        total = sum(column[3] for column in COLUMNS)
        self.widths = [self.width * column[3] / total for column in COLUMNS]
        self.canvas = Canvas(
            out,
            pagesize=PAGE,
            invariant=1,
            pageCompression=1,
            initialFontName=REGULAR,
            initialFontSize=BODY_SIZE,
        )
        self.canvas.setTitle(f"Revoke Desk {TITLE_JA} {snapshot.period}")
        self.canvas.setAuthor(snapshot.shop_name)
        self.canvas.setSubject(f"{TITLE_JA} / {TITLE_EN}")
        self.canvas.setCreator(CREATOR)
        self.footer = (
            f"{snapshot.shop_name}　{TITLE_JA} {snapshot.period}　作成 {snapshot.generated_at}"
        )
        self.features = [attribute for _, _, attribute, _ in COLUMNS].index("features")
        header = [_TextCell([(ja, BOLD, None), (en, BOLD, None)]) for ja, en, _, _ in COLUMNS]
        self.header = _Unit(header, None, (self._row_height(header),), False, "")
        self.pages = 0

    def _row_height(self, cells: list[Any]) -> float:
        tallest = 0.0
        for cell, width in zip(cells, self.widths, strict=True):
            _, height = cell.wrap(width - 2 * CELL_PADDING_X, PAGE[1])
            tallest = max(tallest, height)
        return tallest + 2 * CELL_PADDING_Y

    def _spanning_height(self, paragraph: Any) -> float:
        _, height = paragraph.wrap(self.width - 2 * CELL_PADDING_X, PAGE[1])
        return float(height) + 2 * CELL_PADDING_Y

    def unit(self, line: LedgerBookLine) -> _Unit:
        # " / " separates the parts of a cell (features, age): one part a line, so an
        # IMEI is never broken across lines.
        cells: list[list[_CellLine]] = [
            [(part, REGULAR, None) for part in cell.split(" / ")] for cell in _cells(line)
        ]
        if line.suspected_stolen:
            cells[self.features].insert(0, (STOLEN_MARK, BOLD, NOTE_COLOUR))
        flowables = [_TextCell(cell, strike=line.voided) for cell in cells]
        heights = [self._row_height(flowables)]
        notes: list[_CellLine] = [(note, REGULAR, NOTE_COLOUR) for note in line.notes]
        notes += [(remark, REGULAR, None) for remark in line.remarks]
        under = None
        if notes:
            under = _TextCell(notes)
            heights.append(self._spanning_height(under))
        return _Unit(flowables, under, tuple(heights), line.voided, line.transaction)

    def opening(self) -> float:
        """Draw the title and the book's details at the top of page 1; the y below them."""
        snapshot = self.snapshot
        licence = " ".join(part for part in (snapshot.commission, snapshot.license_no) if part)
        y: float = PAGE[1] - MARGIN - FRAME_INSET
        for paragraph in (
            Paragraph(f"{esc(TITLE_JA)} <font size=9>{esc(TITLE_EN)}</font>", self.title),
            Paragraph(
                esc(
                    f"{snapshot.shop_name}　古物商許可番号 {licence or '—'}　"
                    f"期間 {snapshot.period}　作成 {snapshot.generated_at}　"
                    f"{snapshot.total} 件"
                ),
                self.body,
            ),
        ):
            _, height = paragraph.wrap(self.width, PAGE[1])
            y -= float(height)
            paragraph.drawOn(self.canvas, MARGIN, y)
        return y

    def page(self, units: list[_Unit], top: float) -> None:
        """Draw one page: the headings, ``units``, and the footer; then start the next."""
        data: list[list[Any]] = []
        heights: list[float] = []
        commands: list[tuple[Any, ...]] = list(TABLE_STYLE)
        # The phones of one transaction follow each other: [first table row, last, key].
        frames: list[list[Any]] = []
        for unit in [self.header, *units]:
            row = len(data)
            data.append(unit.cells)
            heights.append(unit.heights[0])
            last = row
            if unit.under is not None:
                data.append([unit.under] + [""] * (len(COLUMNS) - 1))
                heights.append(unit.heights[1])
                commands.append(("SPAN", (0, row + 1), (-1, row + 1)))
                last = row + 1
            if unit.voided:
                commands.append(("BACKGROUND", (0, row), (-1, last), VOID_FILL))
            if unit.transaction:
                if frames and frames[-1][2] == unit.transaction and frames[-1][1] == row - 1:
                    frames[-1][1] = last
                else:
                    frames.append([row, last, unit.transaction])
        commands.extend(
            ("BOX", (0, first), (-1, last), TRANSACTION_FRAME, colors.black)
            for first, last, _ in frames
        )
        table = Table(data, colWidths=self.widths, rowHeights=heights)
        table.setStyle(TableStyle(commands))
        _, height = table.wrapOn(self.canvas, self.width, top)
        table.drawOn(self.canvas, MARGIN, top - height)
        self.finish_page()

    def finish_page(self) -> None:
        self.pages += 1
        canvas = self.canvas
        draw_string(canvas, MARGIN, MARGIN / 2, self.footer, REGULAR, BODY_SIZE)
        canvas.setFont(REGULAR, BODY_SIZE)
        right = PAGE[0] - MARGIN - TOTAL_BOX
        canvas.drawRightString(right, MARGIN / 2, f"{self.pages} / ")
        # "n / N": N is known only at the end, so every page draws the same form,
        # which is filled in once the last page is done.
        canvas.saveState()
        canvas.translate(right, MARGIN / 2)
        canvas.doForm(TOTAL_FORM)
        canvas.restoreState()
        canvas.showPage()

    def empty_page(self, top: float) -> None:
        none = _TextCell([("該当する記録はありません / no entries", REGULAR, None)])
        unit = _Unit(
            [none] + [""] * (len(COLUMNS) - 1), None, (self._spanning_height(none),), False, ""
        )
        self.page_with_span(unit, top)

    def page_with_span(self, unit: _Unit, top: float) -> None:
        data = [self.header.cells, unit.cells]
        table = Table(data, colWidths=self.widths, rowHeights=[self.header.height, unit.height])
        table.setStyle(
            TableStyle(
                [
                    *TABLE_STYLE,
                    ("SPAN", (0, 1), (-1, 1)),
                ]
            )
        )
        _, height = table.wrapOn(self.canvas, self.width, top)
        table.drawOn(self.canvas, MARGIN, top - height)
        self.finish_page()

    def close(self) -> None:
        canvas = self.canvas
        canvas.beginForm(TOTAL_FORM)
        canvas.setFont(REGULAR, BODY_SIZE)
        canvas.drawString(0, 0, str(self.pages))
        canvas.endForm()
        canvas.save()


def render_ledger_book(snapshot: LedgerBookSnapshot) -> bytes:
    """The unsigned A4-landscape PDF of ``snapshot``, its lines read once, in order."""
    register_fonts()
    out = io.BytesIO()
    book = _Book(snapshot, out)
    top = book.opening()
    bottom = MARGIN + FRAME_INSET
    units: list[_Unit] = []
    room = top - bottom - book.header.height
    drawn = False
    for line in snapshot.lines:
        unit = book.unit(line)
        if units and unit.height > room:
            book.page(units, top)
            drawn = True
            top = PAGE[1] - MARGIN - FRAME_INSET
            units, room = [], top - bottom - book.header.height
        # A line taller than a whole page (never seen: a few lines of text) is
        # drawn on a page of its own, running over the footer rather than lost.
        units.append(unit)
        room -= unit.height
    if units:
        book.page(units, top)
    elif not drawn:
        book.empty_page(top)
    book.close()
    return out.getvalue()

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
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_LEFT  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4, landscape  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    Paragraph,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

from reports.csv_safe import safe_cell
from reports.fonts import BOLD, REGULAR, draw_string, register_fonts
from reports.layout import esc

CREATOR = "Revoke Desk"
TITLE_JA = "古物台帳"
TITLE_EN = "Second-hand dealer's ledger"
PAGE = landscape(A4)
MARGIN = 10 * mm
BODY_SIZE = 7
HEADING_SIZE = 7
NOTE_HEX = "#b00020"  # alerts: the 不正品 flag, voids and corrections
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
    lines: tuple[LedgerBookLine, ...]


def _cells(line: LedgerBookLine) -> list[str]:
    return [str(getattr(line, attribute)) for _, _, attribute, _ in COLUMNS]


# --- CSV ----------------------------------------------------------------------------


def render_ledger_csv(snapshot: LedgerBookSnapshot) -> bytes:
    """UTF-8 with BOM (Excel opens it as Japanese), CRLF, every cell through safe_cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [safe_cell(f"{ja} / {en}") for ja, en, _, _ in COLUMNS]
        + [
            safe_cell(heading)
            for heading in (
                "同一取引 / Transaction",
                "不正品の疑い / Suspected stolen",
                "取消 / Void",
                "備考 / Notes",
            )
        ]
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
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- PDF ----------------------------------------------------------------------------


def _styles() -> tuple[Any, Any, Any]:
    body = ParagraphStyle(
        "ledger-body",
        fontName=REGULAR,
        fontSize=BODY_SIZE,
        leading=BODY_SIZE * 1.3,
        wordWrap="CJK",
        alignment=TA_LEFT,
    )
    heading = ParagraphStyle("ledger-heading", parent=body, fontName=BOLD, fontSize=HEADING_SIZE)
    title = ParagraphStyle("ledger-title", parent=body, fontName=BOLD, fontSize=13, leading=17)
    return body, heading, title


def _numbered_canvas(snapshot: LedgerBookSnapshot) -> type[Any]:
    footer = f"{snapshot.shop_name}　{TITLE_JA} {snapshot.period}　作成 {snapshot.generated_at}"

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        """Defers each page so the footer can say "n / N"."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                draw_string(self, MARGIN, MARGIN / 2, footer, REGULAR, BODY_SIZE)
                self.drawRightString(PAGE[0] - MARGIN, MARGIN / 2, f"{number} / {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def render_ledger_book(snapshot: LedgerBookSnapshot) -> bytes:
    """The unsigned A4-landscape PDF of ``snapshot``."""
    register_fonts()
    body, heading, title = _styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"Revoke Desk {TITLE_JA} {snapshot.period}",
        author=snapshot.shop_name,
        subject=f"{TITLE_JA} / {TITLE_EN}",
        creator=CREATOR,
        invariant=1,
        # The template hands these to the canvas (as None unless set here, which would
        # start every page in Helvetica and put that unembedded font in the PDF).
        initialFontName=REGULAR,
        initialFontSize=BODY_SIZE,
    )
    width = PAGE[0] - 2 * MARGIN
    total = sum(column[3] for column in COLUMNS)
    widths = [width * column[3] / total for column in COLUMNS]

    licence = " ".join(part for part in (snapshot.commission, snapshot.license_no) if part)
    story: list[Any] = [
        Paragraph(f"{esc(TITLE_JA)} <font size=9>{esc(TITLE_EN)}</font>", title),
        Paragraph(
            esc(
                f"{snapshot.shop_name}　古物商許可番号 {licence or '—'}　"
                f"期間 {snapshot.period}　作成 {snapshot.generated_at}　"
                f"{len(snapshot.lines)} 件"
            ),
            body,
        ),
    ]
    header = [Paragraph(f"{esc(ja)}<br/>{esc(en)}", heading) for ja, en, _, _ in COLUMNS]
    data: list[list[Any]] = [header]
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dddddd")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    features = [attribute for _, _, attribute, _ in COLUMNS].index("features")
    # The phones of one transaction follow each other: (first table row, last, key).
    frames: list[list[Any]] = []
    for line in snapshot.lines:
        # " / " separates the parts of a cell (features, age): one part a line, so an
        # IMEI is never broken across lines.
        cells = ["<br/>".join(esc(part) for part in cell.split(" / ")) for cell in _cells(line)]
        if line.voided:
            cells = [
                f"<strike>{cell.replace('<br/>', '</strike><br/><strike>')}</strike>"
                for cell in cells
            ]
        if line.suspected_stolen:
            mark = f'<font name="{BOLD}" color="{NOTE_HEX}">{STOLEN_MARK}</font>'
            cells[features] = f"{mark}<br/>{cells[features]}"
        row = len(data)
        under = [f'<font color="{NOTE_HEX}">{esc(n)}</font>' for n in line.notes]
        under += [esc(remark) for remark in line.remarks]
        if line.transaction:
            if frames and frames[-1][2] == line.transaction and frames[-1][1] == row - 1:
                frames[-1][1] = row + (1 if under else 0)
            else:
                frames.append([row, row + (1 if under else 0), line.transaction])
        data.append([Paragraph(cell, body) for cell in cells])
        if line.voided:
            commands.append(("BACKGROUND", (0, row), (-1, row), VOID_FILL))
        if under:
            data.append([Paragraph("<br/>".join(under), body)] + [""] * (len(COLUMNS) - 1))
            commands.append(("SPAN", (0, row + 1), (-1, row + 1)))
            if line.voided:
                commands.append(("BACKGROUND", (0, row + 1), (-1, row + 1), VOID_FILL))
    commands.extend(
        ("BOX", (0, first), (-1, last), TRANSACTION_FRAME, colors.black)
        for first, last, _ in frames
    )
    if not snapshot.lines:
        data.append(
            [Paragraph("該当する記録はありません / no entries", body)] + [""] * (len(COLUMNS) - 1)
        )
        commands.append(("SPAN", (0, 1), (-1, 1)))
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(commands))
    story.append(table)
    doc.build(story, canvasmaker=_numbered_canvas(snapshot))
    return out.getvalue()

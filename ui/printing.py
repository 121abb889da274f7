"""Printing the signed slip PDF exactly as it was issued, and its print preview.

The slip is rendered, signed and ledgered before it is printed (desktop.slips); what
reaches the printer is that very PDF, page by page, rasterised by QtPdf at the
printer's resolution.  Printing never raises into the caller: it returns a
:class:`PrintResult`, and on failure the caller keeps the committed record and offers
a reprint (ARCHITECTURE.md, "The flow of one intake", step 4).

Which printer: the station settings name one per slip format (PRINTER_THERMAL for the
80 mm roll, PRINTER_A4 for sheets).  An empty name asks with the print dialog; a name
of the form ``pdf:<folder>`` (or ``pdf:<file>.pdf``) writes a PDF file instead, for a
shop without a roll printer and for the tests.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMarginsF,
    QObject,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.settings import PRINTER_A4, PRINTER_THERMAL, Setting, StationSettings
from reports.snapshot import SlipFormat
from ui.services import Services

log = logging.getLogger(__name__)

PDF_FILE_PREFIX = "pdf:"
# Raster resolution cap: thermal heads print at 203 dpi and office printers show no
# gain above 300 dpi for a slip, while an A4 page at 1200 dpi would be a 550 MB image.
MAX_RENDER_DPI = 300
POINTS_PER_INCH = 72
PRINTER_SETTINGS: dict[SlipFormat, Setting[str]] = {
    SlipFormat.THERMAL: PRINTER_THERMAL,
    SlipFormat.A4: PRINTER_A4,
}

PrinterChooser = Callable[[QPrinter, QWidget | None], bool]


class PrintStatus(StrEnum):
    PRINTED = "printed"
    CANCELLED = "cancelled"
    PRINTER_NOT_FOUND = "printer_not_found"
    FAILED = "failed"


@dataclass(frozen=True)
class PrintResult:
    """What became of one print job, in words for the clerk (Japanese and English)."""

    status: PrintStatus
    ja: str
    en: str
    printer: str = ""
    pages: int = 0

    @property
    def ok(self) -> bool:
        return self.status is PrintStatus.PRINTED

    def __bool__(self) -> bool:
        """True only if the slip was printed, so ``if service.print_pdf(...):`` reads right."""
        return self.ok

    def line(self) -> str:
        return f"{self.ja} / {self.en}"


_KEPT_JA = "記録は保存済みです。履歴から再印刷できます。"
_KEPT_EN = "The record is saved; you can reprint the slip from the history."


def printed(printer: str, pages: int) -> PrintResult:
    return PrintResult(
        PrintStatus.PRINTED,
        f"{printer} に {pages} ページ印刷しました。",
        f"Printed {pages} page(s) on {printer}.",
        printer,
        pages,
    )


def cancelled() -> PrintResult:
    return PrintResult(
        PrintStatus.CANCELLED,
        f"印刷を取り消しました。{_KEPT_JA}",
        f"Printing was cancelled. {_KEPT_EN}",
    )


def printer_not_found(name: str) -> PrintResult:
    return PrintResult(
        PrintStatus.PRINTER_NOT_FOUND,
        f"プリンター「{name}」が見つかりません。電源と接続を確かめるか、設定で別のプリンターを選んでください。{_KEPT_JA}",
        f'Printer "{name}" was not found. Check that it is on and connected, or choose another printer in Settings. {_KEPT_EN}',
        name,
    )


def failed(printer: str, ja_reason: str, en_reason: str) -> PrintResult:
    return PrintResult(
        PrintStatus.FAILED,
        f"印刷できませんでした（{ja_reason}）。{_KEPT_JA}",
        f"Printing failed ({en_reason}). {_KEPT_EN}",
        printer,
    )


class PrintError(Exception):
    """A print step that failed, with its reason in both languages."""

    def __init__(self, ja: str, en: str) -> None:
        super().__init__(en)
        self.ja = ja
        self.en = en


def load_pdf_document(pdf: bytes, parent: QObject | None = None) -> QPdfDocument:
    """The PDF bytes as a QtPdf document (read from memory; nothing touches the disk)."""
    document = QPdfDocument(parent) if parent is not None else QPdfDocument()
    buffer = QBuffer(document)  # owned by the document: the document reads it lazily
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
        raise PrintError(
            "控えのPDFを読み込めません",
            f"the slip PDF cannot be read: {document.error().name}",
        )
    return document


def ask_with_print_dialog(printer: QPrinter, parent: QWidget | None) -> bool:
    """The system print dialog: True once the clerk pressed Print."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("印刷 / Print")
    return dialog.exec() == QDialog.DialogCode.Accepted


class PrintService:
    """Sends signed slip PDFs to this station's printers, and shows print previews.

    Built with the screen's :class:`~ui.services.Services` (or just the station
    settings) and the widget its dialogs belong to.  ``chooser`` is asked when the
    station names no printer for a format (the print dialog by default; tests pass
    their own); ``available_printers`` lists the printers the system knows.  Every
    method that prints returns a :class:`PrintResult` (true only if printed) and
    never raises.
    """

    def __init__(
        self,
        settings: StationSettings | Services,
        parent: QWidget | None = None,
        *,
        chooser: PrinterChooser = ask_with_print_dialog,
        available_printers: Callable[[], list[str]] = QPrinterInfo.availablePrinterNames,
        max_dpi: int = MAX_RENDER_DPI,
    ) -> None:
        self._settings = settings.settings if isinstance(settings, Services) else settings
        self._parent = parent
        self._chooser = chooser
        self._available_printers = available_printers
        self._max_dpi = max_dpi

    def printer_setting(self, fmt: SlipFormat | str) -> str:
        """The station's printer for ``fmt``: a name, ``pdf:<path>``, or '' (ask)."""
        return self._settings.get(PRINTER_SETTINGS[SlipFormat(fmt)]).strip()

    def print_pdf(
        self,
        pdf: bytes,
        fmt: SlipFormat | str,
        *,
        parent: QWidget | None = None,
        job_name: str | None = None,
    ) -> PrintResult:
        """Print ``pdf`` on the station's printer for ``fmt`` ('thermal' or 'a4').

        ``job_name`` names the print job (and a saved PDF file); by default the PDF's
        title, e.g. "Revoke Desk slip S01-20261127-0007".
        """
        try:
            document = load_pdf_document(pdf)
            try:
                job_name = job_name or document_title(document)
                printer = self._printer_for(SlipFormat(fmt), parent or self._parent, job_name)
                if isinstance(printer, PrintResult):
                    return printer
                return self._print_document(document, printer)
            finally:
                document.close()
        except PrintError as error:
            return failed("", error.ja, error.en)
        except Exception as error:  # a failed print must never reach the caller
            log.exception("printing %s failed", job_name or "a slip")
            return failed("", "予期しないエラー", f"unexpected error: {error}")

    def print_to(self, pdf: bytes, printer: QPrinter) -> PrintResult:
        """Print ``pdf`` on a printer the caller set up. Never raises."""
        try:
            document = load_pdf_document(pdf)
            try:
                return self._print_document(document, printer)
            finally:
                document.close()
        except PrintError as error:
            return failed(_printer_label(printer), error.ja, error.en)
        except Exception as error:
            log.exception("printing to %s failed", _printer_label(printer))
            return failed(_printer_label(printer), "予期しないエラー", f"unexpected error: {error}")

    def open_preview(
        self,
        pdf: bytes,
        fmt: SlipFormat | str = SlipFormat.THERMAL,
        parent: QWidget | None = None,
        *,
        job_name: str | None = None,
    ) -> PrintPreviewDialog:
        """Open a preview of ``pdf`` with Print and Close, without waiting for it."""
        dialog = PrintPreviewDialog(
            self, pdf, SlipFormat(fmt), parent or self._parent, job_name=job_name
        )
        dialog.open()
        return dialog

    def preview(
        self,
        pdf: bytes,
        fmt: SlipFormat | str = SlipFormat.THERMAL,
        parent: QWidget | None = None,
        *,
        job_name: str | None = None,
    ) -> PrintResult:
        """Show the preview and wait: what became of the slip once the dialog closed.

        Closing without printing is ``cancelled``; a print that failed and was then
        closed is that failure.
        """
        dialog = PrintPreviewDialog(
            self, pdf, SlipFormat(fmt), parent or self._parent, job_name=job_name
        )
        try:
            dialog.exec()
            result = dialog.last_result()
            return cancelled() if result is None else result
        finally:
            dialog.deleteLater()

    # --- the steps ------------------------------------------------------------------

    def _printer_for(
        self, fmt: SlipFormat, parent: QWidget | None, job_name: str
    ) -> QPrinter | PrintResult:
        name = self.printer_setting(fmt)
        if name.startswith(PDF_FILE_PREFIX):
            return _pdf_file_printer(name.removeprefix(PDF_FILE_PREFIX), job_name)
        if name:
            if name not in self._available_printers():
                return printer_not_found(name)
            printer = QPrinter(QPrinterInfo.printerInfo(name), QPrinter.PrinterMode.HighResolution)
            if not printer.isValid():
                return printer_not_found(name)
        else:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            if not self._chooser(printer, parent):
                return cancelled()
        printer.setDocName(job_name)
        return printer

    def _print_document(self, document: QPdfDocument, printer: QPrinter) -> PrintResult:
        """Draw every page of ``document`` on ``printer``, each at its own paper size."""
        label = _printer_label(printer)
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
            problem = _cannot_write(printer.outputFileName())
            if problem is not None:
                return failed(label, *problem)
        printer.setFullPage(True)  # the slip has its own margins
        printer.setPageLayout(_page_layout(document, 0))
        painter = QPainter()
        if not painter.begin(printer):
            return failed(label, "プリンターが応答しません", "the printer did not start the job")
        try:
            for page in range(document.pageCount()):
                if page:
                    printer.setPageLayout(_page_layout(document, page))
                    if not printer.newPage():
                        return failed(label, "ページを送れません", "the printer refused a new page")
                self._draw_page(painter, printer, document, page)
        finally:
            painter.end()
        if printer.printerState() in (QPrinter.PrinterState.Error, QPrinter.PrinterState.Aborted):
            return failed(label, "プリンターがエラーを返しました", "the printer reported an error")
        return printed(label, document.pageCount())

    def _draw_page(
        self, painter: QPainter, printer: QPrinter, document: QPdfDocument, page: int
    ) -> None:
        points = document.pagePointSize(page)
        dpi = min(printer.resolution(), self._max_dpi)
        pixels = QSize(
            max(1, round(points.width() * dpi / POINTS_PER_INCH)),
            max(1, round(points.height() * dpi / POINTS_PER_INCH)),
        )
        target = _fit(
            QRectF(printer.pageRect(QPrinter.Unit.DevicePixel)), points.width(), points.height()
        )
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
            _draw_text_layer(painter, document, page, target, points.width())
        painter.drawImage(target, _on_white(document.render(page, pixels)))


def _printer_label(printer: QPrinter) -> str:
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
        return printer.outputFileName() or "PDF"
    return printer.printerName()


def _pdf_file_printer(where: str, job_name: str) -> QPrinter | PrintResult:
    path = Path(where).expanduser()
    if path.suffix.lower() != ".pdf":
        path = path / f"{_file_stem(job_name)}.pdf"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return failed(str(path), "PDFの保存先を作れません", f"cannot create the folder: {error}")
    path = _unused(path)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setDocName(job_name)
    return printer


def _file_stem(job_name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", job_name).strip("._") or "slip"


def _unused(path: Path) -> Path:
    """``path``, or ``name-2.pdf``, ``name-3.pdf`` …: a saved copy is never overwritten."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate


def document_title(document: QPdfDocument) -> str:
    """The PDF's own title (the slip renderer puts the receipt number in it), or 'slip'."""
    title = document.metaData(QPdfDocument.MetaDataField.Title)
    return str(title).strip() if title else "slip"


def _cannot_write(file_name: str) -> tuple[str, str] | None:
    """Why a PDF file cannot be written there, checked before Qt tries (and only warns)."""
    if not file_name:
        return "保存先のファイル名がありません", "no output file name"
    try:
        with open(file_name, "ab"):
            pass
    except OSError as error:
        return "PDFファイルに書き込めません", f"cannot write {file_name}: {error.strerror}"
    return None


def _page_layout(document: QPdfDocument, page: int) -> QPageLayout:
    """Paper of exactly the PDF page's size (80 mm × the slip's length, or A4), no margins."""
    size = QPageSize(
        document.pagePointSize(page),
        QPageSize.Unit.Point,
        "",
        QPageSize.SizeMatchPolicy.ExactMatch,
    )
    return QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))


def _fit(paper: QRectF, width: float, height: float) -> QRectF:
    """The largest rectangle of the page's proportions on the paper, top-centred.

    A roll printer whose driver ignores the custom length still gets the whole slip,
    scaled to the roll's width.
    """
    scale = min(paper.width() / width, paper.height() / height)
    shown = QRectF(0, 0, width * scale, height * scale)
    shown.moveTop(paper.top())
    shown.moveLeft(paper.left() + (paper.width() - shown.width()) / 2)
    return shown


def _on_white(image: QImage) -> QImage:
    """QtPdf renders onto transparency; paper is white."""
    page = QImage(image.size(), QImage.Format.Format_RGB32)
    page.fill(QColor("white"))
    painter = QPainter(page)
    painter.drawImage(0, 0, image)
    painter.end()
    if page.allGray():  # the slips are black and grey: a third of the data
        return page.convertToFormat(QImage.Format.Format_Grayscale8)
    return page


def _draw_text_layer(
    painter: QPainter, document: QPdfDocument, page: int, target: QRectF, page_width: float
) -> None:
    """The page's text, line by line where the PDF has it, drawn under the page image.

    Only for a PDF file: like a scanned document with its OCR layer, the saved file
    then stays searchable (the receipt number, the names) although it shows the
    printed picture.  The image is opaque and drawn over it, so nothing of this shows.
    """
    scale = target.width() / page_width
    text = document.getAllText(page).text()
    painter.save()
    painter.setPen(QColor("black"))
    for line in re.finditer(r"[^\r\n]+", text):
        if not line.group().strip():
            continue
        bounds = document.getSelectionAtIndex(
            page, line.start(), len(line.group())
        ).boundingRectangle()
        if bounds.isEmpty():
            continue
        box = QRectF(
            target.left() + bounds.left() * scale,
            target.top() + bounds.top() * scale,
            bounds.width() * scale,
            bounds.height() * scale,
        )
        font = QFont()
        font.setPixelSize(max(1, round(box.height() * 0.8)))
        painter.setFont(font)
        painter.drawText(
            box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, line.group()
        )
    painter.restore()


class PrintPreviewDialog(QDialog):
    """The pages of the very PDF that will be printed, with Print and Close.

    Print sends the same bytes through the :class:`PrintService`; the result is shown
    in the dialog (a failure never closes it, so the clerk can try again) and
    announced.

    Signals:
        printed(PrintResult): the Print button was pressed; what became of the job.
    """

    printed = Signal(object)

    def __init__(
        self,
        service: PrintService,
        pdf: bytes,
        fmt: SlipFormat,
        parent: QWidget | None = None,
        *,
        job_name: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._pdf = pdf
        self._format = fmt
        self._job_name = job_name
        self._last_result: PrintResult | None = None
        self._view = QPdfView(self)
        self._view.setPageMode(QPdfView.PageMode.MultiPage)
        self._view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._view.setPageSpacing(16)
        self._view.setDocumentMargins(QMarginsF(12, 12, 12, 12).toMargins())
        self._status = QLabel()
        self._status.setWordWrap(True)
        self._print = QPushButton("印刷 / Print")
        self._print.setDefault(True)
        self._print.setMinimumHeight(44)
        self._print.clicked.connect(self._on_print_clicked)
        self._close = QPushButton("閉じる / Close")
        self._close.setMinimumHeight(44)
        self._close.clicked.connect(self._on_close_clicked)
        try:
            self._document: QPdfDocument | None = load_pdf_document(pdf, self)
        except PrintError as error:
            self._document = None
            self._print.setEnabled(False)
            self._show_status(f"{error.ja} / {error.en}", ok=False)
        else:
            self._view.setDocument(self._document)
            self._job_name = job_name or document_title(self._document)
            pages = self._document.pageCount()
            self._status.setText(f"{pages} ページ / {pages} page(s)")

        self.setWindowTitle(f"印刷プレビュー / Print preview — {self._job_name or ''}".rstrip(" —"))
        buttons = QHBoxLayout()
        buttons.addWidget(self._status, 1)
        buttons.addWidget(self._close)
        buttons.addWidget(self._print)
        layout = QVBoxLayout(self)
        layout.addWidget(self._view, 1)
        layout.addLayout(buttons)
        if fmt is SlipFormat.THERMAL:
            self.resize(560, 820)  # a narrow roll: its width fills the view
        else:
            self.resize(760, 900)

    def document(self) -> QPdfDocument | None:
        """The previewed document (None if the PDF could not be read)."""
        return self._document

    def page_count(self) -> int:
        return self._document.pageCount() if self._document is not None else 0

    def status_text(self) -> str:
        return self._status.text()

    def last_result(self) -> PrintResult | None:
        """What the last press of Print came to (None if Print was not pressed)."""
        return self._last_result

    def _show_status(self, text: str, *, ok: bool) -> None:
        self._status.setText(text)
        self._status.setStyleSheet("" if ok else "color: #9a2b1c;")

    def _on_print_clicked(self) -> None:
        result = self._service.print_pdf(
            self._pdf, self._format, parent=self, job_name=self._job_name
        )
        self._last_result = result
        self._show_status(result.line(), ok=result.ok)
        self.printed.emit(result)
        if result.ok:
            self.accept()

    def _on_close_clicked(self) -> None:
        self.reject()

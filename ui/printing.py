"""Printing the signed slip PDF exactly as it was issued, and its print preview.

The slip is rendered and signed before it is printed (desktop.slips).  A PDF file —
a ``pdf:`` printer, or "print to file" chosen in the print dialog — gets the signed
bytes themselves, so the file verifies with ``verify-slip`` and poppler's ``pdfsig``
(QtPdf re-rendering it would make a new, unsigned document with the whole font in
it).  A real printer gets that PDF page by page, rasterised by QtPdf at the
printer's resolution: paper carries no signature, its QR code points at the record.
The customer can also take the signed file itself: :meth:`PrintService.save_pdf`,
the preview's "save to a folder" button (a USB stick).

A copy is counted when it reaches the customer: the callers pass ``record`` (which
ledgers the copy, desktop.slips.record_slip) and it is called once the slip was
printed or saved, never for a cancelled print.  Printing never raises into the
caller: it returns a :class:`PrintResult`, and on failure the caller keeps the
committed record and offers a reprint (ARCHITECTURE.md, "The flow of one intake",
step 4).

Which printer: the station settings name one per slip format (PRINTER_THERMAL for the
80 mm roll, PRINTER_A4 for sheets).  An empty name asks with the print dialog; a name
of the form ``pdf:<folder>`` (or ``pdf:<file>.pdf``) writes the PDF file instead, for
a shop without a roll printer and for the tests.
"""

from __future__ import annotations

import logging
import os
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
    QRect,
    QRectF,
    QSize,
    Signal,
)
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPageLayout, QPageSize, QPainter
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

from desktop.errors import UserError
from desktop.files import write_atomically
from desktop.settings import PRINTER_A4, PRINTER_THERMAL, Setting, StationSettings
from desktop.slips import IssuedSlip, record_slip
from reports.snapshot import SlipFormat
from ui import palette
from ui.services import DialogService, Services

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

# The print preview on the counter's screen (1366×768 less a taskbar is 1366×728):
# its preferred size, shrunk to the screen's free area less the window's frame.
PREVIEW_SIZES = {SlipFormat.THERMAL: QSize(560, 820), SlipFormat.A4: QSize(760, 900)}
PREVIEW_FRAME = QSize(16, 48)  # a title bar and borders, which the free area must hold too

PrinterChooser = Callable[[QPrinter, QWidget | None], bool]
# Ledgers the copy once it is in the customer's hands; raises UserError if it cannot.
Recorder = Callable[[], None]


class PrintStatus(StrEnum):
    PRINTED = "printed"
    SAVED = "saved"
    CANCELLED = "cancelled"
    PRINTER_NOT_FOUND = "printer_not_found"
    FAILED = "failed"
    NOT_RECORDED = "not_recorded"


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
        """The slip was printed (or, by :meth:`PrintService.save_pdf`, saved) and recorded."""
        return self.status in (PrintStatus.PRINTED, PrintStatus.SAVED)

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


def saved(path: Path, pages: int) -> PrintResult:
    return PrintResult(
        PrintStatus.SAVED,
        f"署名付きの控え（PDF）を {path} に保存しました。",
        f"Saved the signed slip (PDF) as {path}.",
        str(path),
        pages,
    )


def not_recorded(done: PrintResult, error: UserError) -> PrintResult:
    """Printed or saved, but the ledger refused the copy: it is not counted, and a
    saved file (removed again) would not verify."""
    return PrintResult(
        PrintStatus.NOT_RECORDED,
        f"{done.ja}ただし、この控えは記録できませんでした（{error.ja}）。",
        f"{done.en} But this copy could not be recorded ({error.en}).",
        done.printer,
        done.pages,
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
    their own); ``available_printers`` lists the printers the system knows; the
    folder for a saved copy is asked through the screen's
    :class:`~ui.services.DialogService` (``dialogs``, or the one in ``Services``).
    Every method that prints returns a :class:`PrintResult` (true only if printed or
    saved) and never raises.
    """

    def __init__(
        self,
        settings: StationSettings | Services,
        parent: QWidget | None = None,
        *,
        chooser: PrinterChooser = ask_with_print_dialog,
        available_printers: Callable[[], list[str]] = QPrinterInfo.availablePrinterNames,
        max_dpi: int = MAX_RENDER_DPI,
        dialogs: DialogService | None = None,
    ) -> None:
        self._settings = settings.settings if isinstance(settings, Services) else settings
        if dialogs is None:
            dialogs = settings.dialogs if isinstance(settings, Services) else DialogService()
        self.dialogs = dialogs
        self._parent = parent
        self._chooser = chooser
        self._available_printers = available_printers
        self._max_dpi = max_dpi
        self._save_folder: Path | None = None  # where the last copy was saved

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
        record: Recorder | None = None,
    ) -> PrintResult:
        """Print ``pdf`` on the station's printer for ``fmt`` ('thermal' or 'a4').

        ``job_name`` names the print job (and a written PDF file); by default the PDF's
        title, e.g. "Revoke Desk slip S01-20261127-0007".  ``record`` is called once
        the slip was printed (not if the print was cancelled or failed).
        """
        try:
            document = load_pdf_document(pdf)
            try:
                job_name = job_name or document_title(document)
                printer = self._printer_for(SlipFormat(fmt), parent or self._parent, job_name)
                if isinstance(printer, PrintResult):
                    return printer
                result = self._print_document(pdf, document, printer)
            finally:
                document.close()
        except PrintError as error:
            return failed("", error.ja, error.en)
        except Exception as error:  # a failed print must never reach the caller
            log.exception("printing %s failed", job_name or "a slip")
            return failed("", "予期しないエラー", f"unexpected error: {error}")
        return _recorded(result, record)

    def print_to(self, pdf: bytes, printer: QPrinter) -> PrintResult:
        """Print ``pdf`` on a printer the caller set up. Never raises."""
        try:
            document = load_pdf_document(pdf)
            try:
                return self._print_document(pdf, document, printer)
            finally:
                document.close()
        except PrintError as error:
            return failed(_printer_label(printer), error.ja, error.en)
        except Exception as error:
            log.exception("printing to %s failed", _printer_label(printer))
            return failed(_printer_label(printer), "予期しないエラー", f"unexpected error: {error}")

    def print_as_picture(self, pdf: bytes, printer: QPrinter) -> PrintResult:
        """What a real printer gets: every page rasterised, even on a PDF printer.

        For looking at what paper will show (and for the tests, which have no printer);
        a PDF file made so is a picture, not the signed slip.  Never raises.
        """
        try:
            document = load_pdf_document(pdf)
            try:
                return self._rasterise(document, printer)
            finally:
                document.close()
        except PrintError as error:
            return failed(_printer_label(printer), error.ja, error.en)
        except Exception as error:
            log.exception("rasterising to %s failed", _printer_label(printer))
            return failed(_printer_label(printer), "予期しないエラー", f"unexpected error: {error}")

    def save_pdf(
        self,
        pdf: bytes,
        folder: Path,
        *,
        job_name: str | None = None,
        record: Recorder | None = None,
    ) -> PrintResult:
        """Write the signed ``pdf`` itself into ``folder`` (a USB stick), for the customer.

        Named after ``job_name`` (or the PDF's title); an existing file is never
        overwritten.  ``record`` is called once the file is written; if it refuses, the
        file is removed again (it would not verify).  Never raises.
        """
        try:
            document = load_pdf_document(pdf)
            try:
                pages = document.pageCount()
                job_name = job_name or document_title(document)
            finally:
                document.close()
        except PrintError as error:
            return failed(str(folder), error.ja, error.en)
        path = _unused(Path(folder).expanduser().absolute() / f"{_file_stem(job_name)}.pdf")
        problem = _write_pdf(path, pdf)
        if problem is not None:
            return PrintResult(
                PrintStatus.FAILED,
                f"保存できませんでした（{problem[0]}）。",
                f"The slip could not be saved ({problem[1]}).",
                str(path),
            )
        self._save_folder = path.parent
        result = _recorded(saved(path, pages), record)
        if result.status is PrintStatus.NOT_RECORDED:
            path.unlink(missing_ok=True)
        return result

    def save_folder_to_offer(self) -> Path:
        """Where the folder picker starts: the last folder saved to, else removable media."""
        if self._save_folder is not None and self._save_folder.is_dir():
            return self._save_folder
        return removable_media_folder()

    def open_preview(
        self,
        pdf: bytes,
        fmt: SlipFormat | str = SlipFormat.THERMAL,
        parent: QWidget | None = None,
        *,
        job_name: str | None = None,
        record: Recorder | None = None,
    ) -> PrintPreviewDialog:
        """Open a preview of ``pdf`` with Print, Save and Close, without waiting for it.

        ``record`` is called once, the first time the slip is printed or saved from it.
        """
        dialog = PrintPreviewDialog(
            self, pdf, SlipFormat(fmt), parent or self._parent, job_name=job_name, record=record
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
        record: Recorder | None = None,
    ) -> PrintResult:
        """Show the preview and wait: what became of the slip once the dialog closed.

        Closing without printing is ``cancelled``; a print that failed and was then
        closed is that failure.
        """
        dialog = PrintPreviewDialog(
            self, pdf, SlipFormat(fmt), parent or self._parent, job_name=job_name, record=record
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

    def _print_document(self, pdf: bytes, document: QPdfDocument, printer: QPrinter) -> PrintResult:
        """A PDF file gets the signed bytes; a printer every page of ``document``,
        each at its own paper size."""
        label = _printer_label(printer)
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
            file_name = printer.outputFileName()
            if not file_name:
                return failed(label, "保存先のファイル名がありません", "no output file name")
            problem = _write_pdf(Path(file_name).expanduser().absolute(), pdf)
            if problem is not None:
                return failed(label, *problem)
            return printed(label, document.pageCount())
        return self._rasterise(document, printer)

    def _rasterise(self, document: QPdfDocument, printer: QPrinter) -> PrintResult:
        """Draw every page of ``document`` on ``printer``, each at its own paper size."""
        label = _printer_label(printer)
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
        painter.drawImage(target, _on_white(document.render(page, pixels)))


def _recorded(result: PrintResult, record: Recorder | None) -> PrintResult:
    """``result``, once ``record`` (if any) has counted a printed or saved copy."""
    if record is None or not result.ok:
        return result
    try:
        record()
    except UserError as error:
        return not_recorded(result, error)
    except Exception as error:  # the copy is out; say that it is not counted
        log.exception("recording the copy printed on %s failed", result.printer)
        return not_recorded(result, UserError("予期しないエラー", f"unexpected error: {error}"))
    return result


def slip_recorder(services: Services, slip: IssuedSlip) -> Recorder:
    """Ledgers ``slip`` (prepared by desktop.slips.prepare_slip) in its own transaction,
    once: the ``record`` for a copy that counts only when it reaches the customer."""
    done = False

    def record() -> None:
        nonlocal done
        if done:
            return
        ctx = services.ctx
        clerk = services.state.clerk
        with ctx.transaction() as session:
            record_slip(
                session, ctx.signer(), slip, now=ctx.clock(), by=clerk.code if clerk else ""
            )
        done = True
        services.events.intakes_changed.emit()

    return record


def _write_pdf(path: Path, pdf: bytes) -> tuple[str, str] | None:
    """Write ``pdf`` whole to ``path``; why not, in both languages, if it cannot be."""
    try:
        write_atomically(path, pdf)
    except UserError as error:
        return error.ja, error.en
    except OSError as error:
        return "PDFファイルに書き込めません", f"cannot write {path}: {error.strerror or error}"
    return None


def removable_media_folder() -> Path:
    """Where USB sticks appear on this system (Linux desktops), else the home folder."""
    user = os.environ.get("USER") or os.environ.get("USERNAME") or ""
    for folder in (Path("/run/media") / user, Path("/media") / user):
        if user and folder.is_dir():
            return folder
    return Path.home()


def preview_size(fmt: SlipFormat, available: QRect) -> QSize:
    """The preview's size: its preferred one, within the screen's free area less a frame."""
    room = available.size() - PREVIEW_FRAME
    wanted = PREVIEW_SIZES[fmt]
    return QSize(
        max(min(wanted.width(), room.width()), 1), max(min(wanted.height(), room.height()), 1)
    )


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


def _once(record: Recorder) -> Recorder:
    """``record``, run until it has succeeded once, then never again."""
    done = False

    def run() -> None:
        nonlocal done
        if not done:
            record()
            done = True

    return run


class PrintPreviewDialog(QDialog):
    """The pages of the very PDF that will be printed, with Print, Save and Close.

    Print sends the same bytes through the :class:`PrintService`; Save writes them, the
    signed file itself, into a folder chosen with the service's ``DialogService``
    (a USB stick the customer takes away).  The result is shown in the dialog (a
    failure never closes it, so the clerk can try again; a save leaves it open for
    the print) and announced.  ``record`` is called once, at the first print or save
    that succeeds.  The dialog is sized to the free area of its screen.

    Signals:
        printed(PrintResult): the Print button was pressed; what became of the job.
        saved(PrintResult): the Save button was pressed and a folder chosen; what
            became of the file.
    """

    printed = Signal(object)
    saved = Signal(object)

    PRINT_TEXT = "印刷 / Print"
    SAVE_TEXT = "USBメモリに保存 / Save to USB…"
    CLOSE_TEXT = "閉じる / Close"

    def __init__(
        self,
        service: PrintService,
        pdf: bytes,
        fmt: SlipFormat,
        parent: QWidget | None = None,
        *,
        job_name: str | None = None,
        record: Recorder | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._pdf = pdf
        self._format = fmt
        self._job_name = job_name
        self._record = _once(record) if record is not None else None
        self._last_result: PrintResult | None = None
        self._last_saved: PrintResult | None = None
        self._view = QPdfView(self)
        self._view.setPageMode(QPdfView.PageMode.MultiPage)
        self._view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._view.setPageSpacing(16)
        self._view.setDocumentMargins(QMarginsF(12, 12, 12, 12).toMargins())
        self._status = QLabel()
        self._status.setWordWrap(True)
        self._print = QPushButton(self.PRINT_TEXT)
        self._print.setDefault(True)
        self._print.setMinimumHeight(44)
        self._print.clicked.connect(self._on_print_clicked)
        self._save = QPushButton(self.SAVE_TEXT)
        self._save.setMinimumHeight(44)
        self._save.setToolTip(
            "署名付きの控えをPDFファイルのまま、お客様のUSBメモリや店舗のフォルダに保存します。"
            "verify-slip と pdfsig で確かめられます。\n"
            "Saves the signed slip itself as a PDF file, on the customer's USB stick or in a "
            "folder of the shop; it verifies with verify-slip and pdfsig."
        )
        self._save.clicked.connect(self._on_save_clicked)
        self._close = QPushButton(self.CLOSE_TEXT)
        self._close.setMinimumHeight(44)
        self._close.clicked.connect(self._on_close_clicked)
        try:
            self._document: QPdfDocument | None = load_pdf_document(pdf, self)
        except PrintError as error:
            self._document = None
            self._print.setEnabled(False)
            self._save.setEnabled(False)
            self._show_status(f"{error.ja} / {error.en}", ok=False)
        else:
            self._view.setDocument(self._document)
            self._job_name = job_name or document_title(self._document)
            pages = self._document.pageCount()
            self._status.setText(f"{pages} ページ / {pages} page(s)")

        self.setWindowTitle(f"印刷プレビュー / Print preview — {self._job_name or ''}".rstrip(" —"))
        buttons = QHBoxLayout()
        buttons.addWidget(self._save)
        buttons.addStretch(1)
        buttons.addWidget(self._close)
        buttons.addWidget(self._print)
        layout = QVBoxLayout(self)
        layout.addWidget(self._view, 1)
        layout.addWidget(self._status)
        layout.addLayout(buttons)
        self.resize(preview_size(fmt, self._available_geometry(parent)))

    def _available_geometry(self, parent: QWidget | None) -> QRect:
        """The free area (taskbar excluded) of the screen the dialog will open on."""
        screen = (parent.screen() if parent is not None else None) or (
            QGuiApplication.primaryScreen()
        )
        if screen is None:  # no screen at all: the preferred size
            return QRect(0, 0, 1 << 14, 1 << 14)
        return screen.availableGeometry()

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

    def last_saved(self) -> PrintResult | None:
        """What the last save came to (None if no file was saved or tried)."""
        return self._last_saved

    def _show_status(self, text: str, *, ok: bool) -> None:
        self._status.setText(text)
        self._status.setStyleSheet("" if ok else f"color: {palette.PROBLEM};")

    def _on_print_clicked(self) -> None:
        result = self._service.print_pdf(
            self._pdf, self._format, parent=self, job_name=self._job_name, record=self._record
        )
        self._last_result = result
        self._show_status(result.line(), ok=result.ok)
        self.printed.emit(result)
        if result.ok:
            self.accept()

    def _on_save_clicked(self) -> None:
        folder = self._service.dialogs.choose_folder(
            self,
            "控えの保存先（USBメモリなど） / Where to save the slip (a USB stick)",
            self._service.save_folder_to_offer(),
        )
        if folder is None:  # the picker was cancelled: nothing saved, nothing counted
            return
        result = self._service.save_pdf(
            self._pdf, folder, job_name=self._job_name, record=self._record
        )
        self._last_saved = result
        self._show_status(result.line(), ok=result.ok)
        self.saved.emit(result)

    def _on_close_clicked(self) -> None:
        self.reject()

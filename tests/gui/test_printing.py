"""ui.printing: the signed slip PDF reaches the printer as it is; failures only report."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter
from PySide6.QtCore import Qt, QTimer
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from reportlab.pdfgen import canvas

from desktop.settings import PRINTER_A4, PRINTER_THERMAL, StationSettings
from desktop.slips import IssuedSlip, issue_slip
from reports.snapshot import SlipFormat
from tests.conftest import example_document
from tests.support.intakes import commit_document
from tests.support.pdfs import decode_qr, pdf_text, squeeze
from ui.printing import (
    PrintPreviewDialog,
    PrintService,
    PrintStatus,
    load_pdf_document,
)
from ui.services import AppEvents, DialogService, Services

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "docs" / "images"
LEFT = Qt.MouseButton.LeftButton


def issue(ctx, receipt: str, fmt: SlipFormat) -> IssuedSlip:
    with ctx.transaction() as session:
        return issue_slip(
            session,
            ctx.signer(),
            receipt=receipt,
            fmt=fmt,
            reprint=False,
            catalogue=ctx.catalogue(),
            now=ctx.clock(),
        )


@pytest.fixture
def receipt(ctx) -> str:
    return commit_document(ctx, example_document()).number


@pytest.fixture
def slip(ctx, receipt) -> IssuedSlip:
    """The thermal slip of a committed intake, signed and ledgered as the counter issues it."""
    return issue(ctx, receipt, SlipFormat.THERMAL)


@pytest.fixture
def settings(tmp_path) -> StationSettings:
    return StationSettings(tmp_path / "settings-S01.json")


class Chooser:
    """Stands in for the print dialog: records the call, then prints to a file or cancels."""

    def __init__(self, output: Path | None) -> None:
        self.output = output
        self.calls: list[tuple[QPrinter, object]] = []

    def __call__(self, printer: QPrinter, parent) -> bool:
        self.calls.append((printer, parent))
        if self.output is None:
            return False
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(self.output))
        return True


def pdf_printer(path: Path) -> QPrinter:
    """'A PDF printer': the same QPrinter a shop without a roll printer uses."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    document = load_pdf_document(pdf)
    sizes = [
        (document.pagePointSize(i).width(), document.pagePointSize(i).height())
        for i in range(document.pageCount())
    ]
    document.close()
    return sizes


def rasterise(path: Path, out: Path, dpi: int = 100) -> Image.Image:
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(path), str(out)], check=True
    )
    with Image.open(out.with_suffix(".png")) as image:
        return image.convert("L")


def never_asked(printer, parent) -> bool:
    raise AssertionError("the print dialog must not be shown")


# --- printing ----------------------------------------------------------------------------


def test_the_printed_pdf_carries_the_receipt_number(slip, settings, tmp_path) -> None:
    out = tmp_path / "printed.pdf"
    result = PrintService(settings).print_to(slip.pdf, pdf_printer(out))

    assert result.status is PrintStatus.PRINTED
    assert result.ok
    assert result.pages == 1
    assert result.printer == str(out)
    assert slip.receipt in squeeze(pdf_text(out))
    # the paper is the slip's own: the 80 mm roll, as long as the slip
    ((width, height),) = page_sizes(out.read_bytes())
    ((slip_width, slip_height),) = page_sizes(slip.pdf)
    assert width == pytest.approx(slip_width, abs=1)
    assert height == pytest.approx(slip_height, abs=1)


def test_what_is_printed_is_the_signed_slip_itself(slip, settings, tmp_path) -> None:
    """The printed picture is the slip: same QR payload, the same ink in the same places."""
    original = tmp_path / "original.pdf"
    original.write_bytes(slip.pdf)
    out = tmp_path / "printed.pdf"
    assert PrintService(settings).print_to(slip.pdf, pdf_printer(out)).ok

    (tmp_path / "qr-original").mkdir()
    (tmp_path / "qr-printed").mkdir()
    payloads = decode_qr(original, tmp_path / "qr-original")
    assert payloads and payloads[0].startswith("RD1:S01:")
    assert decode_qr(out, tmp_path / "qr-printed") == payloads

    expected = rasterise(original, tmp_path / "expected")
    printed = rasterise(out, tmp_path / "printed").resize(expected.size)
    ink = sum(expected.histogram()[:128]) / (expected.width * expected.height)
    assert ink > 0.03  # the slip is not blank, so the comparison means something
    blur = ImageFilter.GaussianBlur(1)
    difference = ImageChops.difference(expected.filter(blur), printed.filter(blur))
    strongly_different = sum(difference.histogram()[96:]) / (expected.width * expected.height)
    assert strongly_different < 0.005


def test_the_station_setting_can_name_a_pdf_folder(slip, settings, tmp_path) -> None:
    settings.set(PRINTER_THERMAL, f"pdf:{tmp_path / 'roll'}")
    service = PrintService(settings, chooser=never_asked)
    first = service.print_pdf(slip.pdf, SlipFormat.THERMAL)
    second = service.print_pdf(slip.pdf, SlipFormat.THERMAL)

    # named after the slip's own title, and a second copy never overwrites the first
    written = tmp_path / "roll" / f"Revoke_Desk_slip_{slip.receipt}.pdf"
    again = tmp_path / "roll" / f"Revoke_Desk_slip_{slip.receipt}-2.pdf"
    assert first.ok, first.line()
    assert (first.printer, second.printer) == (str(written), str(again))
    assert slip.receipt in squeeze(pdf_text(written))
    assert slip.receipt in squeeze(pdf_text(again))


def test_each_format_goes_to_its_own_printer(ctx, receipt, settings, tmp_path) -> None:
    a4 = issue(ctx, receipt, SlipFormat.A4)
    settings.set(PRINTER_THERMAL, f"pdf:{tmp_path / 'roll'}")
    settings.set(PRINTER_A4, f"pdf:{tmp_path / 'sheets' / 'copy.pdf'}")
    result = PrintService(settings, chooser=never_asked).print_pdf(
        a4.pdf, SlipFormat.A4, job_name=receipt
    )
    assert result.ok, result.line()
    assert (tmp_path / "sheets" / "copy.pdf").is_file()
    assert not (tmp_path / "roll").exists()
    sizes = page_sizes((tmp_path / "sheets" / "copy.pdf").read_bytes())
    # Two A4 sheets: the customer copy and the shop copy.
    assert [(round(width), round(height)) for width, height in sizes] == [(595, 842)] * 2


def test_a_printer_that_is_not_there_is_reported_not_raised(slip, settings) -> None:
    settings.set(PRINTER_THERMAL, "TM-T88VI 店頭レジ")
    result = PrintService(settings, chooser=never_asked).print_pdf(slip.pdf, SlipFormat.THERMAL)

    assert result.status is PrintStatus.PRINTER_NOT_FOUND
    assert not result.ok
    assert "TM-T88VI 店頭レジ" in result.ja and "TM-T88VI 店頭レジ" in result.en
    assert "見つかりません" in result.ja
    assert "was not found" in result.en
    assert "reprint" in result.en  # the record stands; the clerk is told so


def test_the_printer_list_decides_whether_a_printer_is_there(slip, settings) -> None:
    """A printer the system lists is used; here it is the only check before printing."""
    settings.set(PRINTER_THERMAL, "Roll")
    service = PrintService(settings, chooser=never_asked, available_printers=lambda: ["A4 Office"])
    assert service.print_pdf(slip.pdf, SlipFormat.THERMAL).status is PrintStatus.PRINTER_NOT_FOUND


def test_with_no_printer_named_the_clerk_is_asked(slip, settings, tmp_path) -> None:
    chooser = Chooser(tmp_path / "chosen.pdf")
    result = PrintService(settings, chooser=chooser).print_pdf(
        slip.pdf, SlipFormat.THERMAL, job_name=slip.receipt
    )
    assert result.ok, result.line()
    assert len(chooser.calls) == 1
    printer, parent = chooser.calls[0]
    assert parent is None
    assert printer.docName() == slip.receipt
    assert slip.receipt in squeeze(pdf_text(tmp_path / "chosen.pdf"))


def test_a_cancelled_print_dialog_is_a_result_not_an_error(slip, settings, tmp_path) -> None:
    result = PrintService(settings, chooser=Chooser(None)).print_pdf(slip.pdf, SlipFormat.THERMAL)
    assert result.status is PrintStatus.CANCELLED
    assert result.ja.startswith("印刷を取り消しました")
    assert result.en.startswith("Printing was cancelled")
    assert list(tmp_path.glob("*.pdf")) == []


def test_a_printer_that_cannot_write_fails_with_a_message(slip, settings, tmp_path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    out = tmp_path / "a-file" / "printed.pdf"
    result = PrintService(settings).print_to(slip.pdf, pdf_printer(out))
    assert result.status is PrintStatus.FAILED
    assert "印刷できませんでした" in result.ja
    assert "Printing failed" in result.en and "cannot write" in result.en


def test_a_pdf_folder_that_cannot_be_made_fails_with_a_message(slip, settings, tmp_path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    settings.set(PRINTER_THERMAL, f"pdf:{tmp_path / 'a-file' / 'roll'}")
    result = PrintService(settings, chooser=never_asked).print_pdf(slip.pdf, SlipFormat.THERMAL)
    assert result.status is PrintStatus.FAILED
    assert "cannot create the folder" in result.en


def test_bytes_that_are_not_a_pdf_fail_with_a_message(settings, tmp_path) -> None:
    result = PrintService(settings, chooser=Chooser(tmp_path / "x.pdf")).print_pdf(
        b"%PDF-1.7 truncated", SlipFormat.THERMAL
    )
    assert result.status is PrintStatus.FAILED
    assert "PDFを読み込めません" in result.ja
    assert "cannot be read" in result.en
    assert not (tmp_path / "x.pdf").exists()


def test_an_unexpected_error_while_printing_is_reported_not_raised(slip, settings) -> None:
    def broken_dialog(printer, parent) -> bool:
        raise RuntimeError("driver crashed")

    result = PrintService(settings, chooser=broken_dialog).print_pdf(slip.pdf, SlipFormat.THERMAL)
    assert result.status is PrintStatus.FAILED
    assert "driver crashed" in result.en


def test_every_page_is_printed_on_paper_of_its_own_size(settings, tmp_path) -> None:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.setPageSize((595, 842))
    pdf.drawString(72, 700, "FIRST-PAGE-A4")
    pdf.showPage()
    pdf.setPageSize((227, 600))
    pdf.drawString(20, 500, "SECOND-PAGE-ROLL")
    pdf.showPage()
    pdf.save()
    out = tmp_path / "two.pdf"

    result = PrintService(settings).print_to(buffer.getvalue(), pdf_printer(out))
    assert result.ok and result.pages == 2
    assert [(round(w), round(h)) for w, h in page_sizes(out.read_bytes())] == [
        (595, 842),
        (227, 600),
    ]
    text = squeeze(pdf_text(out))
    assert text.index("FIRST-PAGE-A4") < text.index("SECOND-PAGE-ROLL")


# --- the preview ------------------------------------------------------------------------


def button(dialog: PrintPreviewDialog, text: str) -> QPushButton:
    (found,) = [b for b in dialog.findChildren(QPushButton) if b.text() == text]
    return found


def rendered(dialog: PrintPreviewDialog) -> bool:
    """Has the view drawn the page yet (QtPdf renders in the background)?"""
    image = dialog.grab().toImage()
    dark = 0
    for y in range(0, image.height() // 2, 4):
        for x in range(0, image.width(), 4):
            dark += image.pixelColor(x, y).lightness() < 80
    return dark > 50


@pytest.fixture
def service(settings, tmp_path) -> PrintService:
    return PrintService(settings, chooser=Chooser(tmp_path / "from-preview.pdf"))


@pytest.fixture
def screenshots(tmp_path) -> Path:
    """docs/images/ with REVOKE_DESK_SCREENSHOTS=1 (for the README), else a temporary folder."""
    out = IMAGES if os.environ.get("REVOKE_DESK_SCREENSHOTS") == "1" else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    return out


def test_the_preview_shows_the_pages_of_that_same_pdf(qtbot, slip, service, screenshots) -> None:
    dialog = service.open_preview(slip.pdf, job_name=slip.receipt)  # opened, not exec()'d
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)

    expected = load_pdf_document(slip.pdf)
    assert dialog.document() is not None
    assert dialog.page_count() == expected.pageCount() == 1
    assert dialog.isVisible()
    assert slip.receipt in dialog.windowTitle()
    qtbot.waitUntil(lambda: rendered(dialog), timeout=5000)

    assert dialog.grab().save(str(screenshots / "preview.png"))

    with qtbot.waitSignal(dialog.rejected, timeout=1000):
        qtbot.mouseClick(button(dialog, "閉じる / Close"), LEFT)
    assert not dialog.isVisible()


def test_print_from_the_preview_prints_the_same_bytes(qtbot, slip, service, tmp_path) -> None:
    dialog = service.open_preview(slip.pdf, job_name=slip.receipt)
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)

    with qtbot.waitSignal(dialog.printed, timeout=5000) as blocker:
        qtbot.mouseClick(button(dialog, "印刷 / Print"), LEFT)
    (result,) = blocker.args
    assert result.ok, result.line()
    assert slip.receipt in squeeze(pdf_text(tmp_path / "from-preview.pdf"))
    assert dialog.result() == dialog.DialogCode.Accepted
    assert not dialog.isVisible()


def test_a_failed_print_keeps_the_preview_open_to_try_again(qtbot, slip, settings) -> None:
    settings.set(PRINTER_THERMAL, "Unplugged Roll")
    dialog = PrintService(settings, chooser=never_asked).open_preview(slip.pdf)
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)

    with qtbot.waitSignal(dialog.printed, timeout=5000) as blocker:
        qtbot.mouseClick(button(dialog, "印刷 / Print"), LEFT)
    assert blocker.args[0].status is PrintStatus.PRINTER_NOT_FOUND
    assert dialog.isVisible()
    assert "Unplugged Roll" in dialog.status_text()
    assert button(dialog, "印刷 / Print").isEnabled()


def test_a_preview_of_unreadable_bytes_says_so_and_cannot_print(qtbot, service) -> None:
    dialog = service.open_preview(b"not a pdf at all")
    qtbot.addWidget(dialog)
    assert dialog.document() is None
    assert dialog.page_count() == 0
    assert "cannot be read" in dialog.status_text()
    assert not button(dialog, "印刷 / Print").isEnabled()


def click_in_modal_preview(text: str) -> None:
    """Press a button of the preview that exec() is showing (run from inside its loop)."""
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, PrintPreviewDialog)
    button(dialog, text).click()


def test_the_waiting_preview_returns_what_became_of_the_print(
    qtbot, slip, service, tmp_path
) -> None:
    """The intake's 'preview first' waits for the clerk; a timer plays the clerk here."""
    QTimer.singleShot(0, lambda: click_in_modal_preview("印刷 / Print"))
    result = service.preview(slip.pdf, "thermal", job_name=slip.receipt)
    assert result.ok, result.line()
    assert slip.receipt in squeeze(pdf_text(tmp_path / "from-preview.pdf"))


def test_the_waiting_preview_closed_without_printing_is_cancelled(
    qtbot, slip, service, tmp_path
) -> None:
    QTimer.singleShot(0, lambda: click_in_modal_preview("閉じる / Close"))
    result = service.preview(slip.pdf, SlipFormat.THERMAL)
    assert result.status is PrintStatus.CANCELLED
    assert not result
    assert not (tmp_path / "from-preview.pdf").exists()


def test_the_waiting_preview_reports_a_failed_print_after_closing(qtbot, slip, settings) -> None:
    settings.set(PRINTER_THERMAL, "Unplugged Roll")

    def print_then_close() -> None:
        click_in_modal_preview("印刷 / Print")
        click_in_modal_preview("閉じる / Close")

    QTimer.singleShot(0, print_then_close)
    result = PrintService(settings, chooser=never_asked).preview(slip.pdf, "thermal")
    assert result.status is PrintStatus.PRINTER_NOT_FOUND
    assert not result


def test_the_service_takes_the_screens_services_and_the_format_by_name(
    qtbot, ctx, slip, settings, tmp_path
) -> None:
    """As the intake and history screens build it: PrintService(services, parent)."""
    owner = QWidget()
    qtbot.addWidget(owner)
    services = Services(ctx=ctx, settings=settings, events=AppEvents(), dialogs=DialogService())
    settings.set(PRINTER_THERMAL, f"pdf:{tmp_path / 'roll'}")
    service = PrintService(services, owner)
    assert service.printer_setting("thermal") == f"pdf:{tmp_path / 'roll'}"
    assert service.printer_setting(SlipFormat.A4) == ""
    result = service.print_pdf(slip.pdf, "thermal", job_name=slip.receipt)
    assert result
    assert (tmp_path / "roll" / f"{slip.receipt}.pdf").is_file()

"""ui.printing: the signed slip PDF reaches the printer, the file and the customer as it
is; a copy counts once printed or saved; failures only report."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter
from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from reportlab.pdfgen import canvas
from sqlalchemy import select

from db.models import LedgerEntry
from desktop.settings import PRINTER_A4, PRINTER_THERMAL, StationSettings
from desktop.slips import IssuedSlip, issue_slip, prepare_slip, verify_slip
from reports.snapshot import SlipFormat
from tests.conftest import example_document
from tests.gui.helpers import show
from tests.support.intakes import commit_document
from tests.support.pdfs import decode_qr, pdf_text, pdfsig, squeeze
from ui.history import HistoryView
from ui.printing import (
    PREVIEW_FRAME,
    PrintPreviewDialog,
    PrintService,
    PrintStatus,
    load_pdf_document,
    preview_size,
    slip_recorder,
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


def verified(ctx, path: Path) -> str:
    """verify-slip's verdict on a file (it must be OK), after poppler's pdfsig agrees."""
    report = pdfsig(path)
    assert "Signature is Valid" in report, report
    assert "Total document signed" in report, report
    with ctx.reading() as session:
        verdict = verify_slip(session, path.read_bytes())
    assert verdict.ok, verdict.reason
    return verdict.reason


def test_a_pdf_printer_gets_the_signed_slip_itself(ctx, slip, settings, tmp_path) -> None:
    """Print to a PDF file: the very bytes issued, so it verifies; small, the font a subset."""
    out = tmp_path / "printed.pdf"
    result = PrintService(settings).print_to(slip.pdf, pdf_printer(out))

    assert result.status is PrintStatus.PRINTED
    assert result.ok
    assert result.pages == 2  # the customer copy and the shop copy
    assert result.printer == str(out)
    assert out.read_bytes() == slip.pdf
    assert "thermal first issue" in verified(ctx, out)
    assert out.stat().st_size < 300_000  # re-rendered by Qt it was 2 MB, the whole font in it
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True)
    embedded = [line.split() for line in fonts.stdout.splitlines()[2:]]
    assert embedded and all(row[-5:-3] == ["yes", "yes"] for row in embedded)  # emb, sub
    # the paper is the slip's own: the 80 mm roll, each copy as long as it is
    assert page_sizes(out.read_bytes()) == page_sizes(slip.pdf)


def test_print_to_file_from_the_print_dialog_writes_the_signed_slip(
    ctx, slip, settings, tmp_path
) -> None:
    """The print dialog's "Print to File (PDF)": the file verifies, with verify-slip and pdfsig."""
    chosen = tmp_path / "from-the-dialog.pdf"
    result = PrintService(settings, chooser=Chooser(chosen)).print_pdf(
        slip.pdf, SlipFormat.THERMAL, job_name=slip.receipt
    )
    assert result.ok, result.line()
    assert chosen.read_bytes() == slip.pdf
    assert verified(ctx, chosen).startswith(f"{slip.receipt}: genuine")
    assert chosen.stat().st_size < 300_000


def test_what_a_printer_gets_is_the_signed_slip_as_a_picture(slip, settings, tmp_path) -> None:
    """Paper is the slip rasterised: same QR payload, the same ink in the same places."""
    original = tmp_path / "original.pdf"
    original.write_bytes(slip.pdf)
    out = tmp_path / "printed.pdf"
    result = PrintService(settings).print_as_picture(slip.pdf, pdf_printer(out))
    assert result.ok and result.pages == 2
    assert out.read_bytes() != slip.pdf
    rounded = [(round(w), round(h)) for w, h in page_sizes(out.read_bytes())]
    assert rounded == [(round(w), round(h)) for w, h in page_sizes(slip.pdf)]

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


def test_the_station_setting_can_name_a_pdf_folder(ctx, slip, settings, tmp_path) -> None:
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
    assert written.read_bytes() == again.read_bytes() == slip.pdf
    verified(ctx, written)


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

    result = PrintService(settings).print_as_picture(buffer.getvalue(), pdf_printer(out))
    assert result.ok and result.pages == 2
    assert [(round(w), round(h)) for w, h in page_sizes(out.read_bytes())] == [
        (595, 842),
        (227, 600),
    ]
    # Paper gets pictures (no text layer): each page carries its own ink.
    subprocess.run(["pdftoppm", "-r", "50", "-gray", str(out), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.pgm"))
    assert len(pages) == 2
    for page in pages:
        with Image.open(page) as image:
            assert image.getextrema()[0] < 128, page.name


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
    assert dialog.page_count() == expected.pageCount() == 2  # customer copy, shop copy
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


# --- the customer takes the signed file ---------------------------------------------------


def kinds(ctx, receipt: str) -> list[str]:
    with ctx.reading() as session:
        rows = session.scalars(
            select(LedgerEntry.kind).where(LedgerEntry.subject == receipt).order_by(LedgerEntry.seq)
        )
        return list(rows)


def open_dialog(qtbot, service: PrintService, pdf: bytes, **kwargs) -> PrintPreviewDialog:
    dialog = service.open_preview(pdf, **kwargs)
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    return dialog


def test_the_preview_saves_the_signed_slip_in_a_folder_the_shop_chooses(
    qtbot, ctx, services, slip, tmp_path
) -> None:
    stick = tmp_path / "USB-STICK"
    stick.mkdir()
    services.dialogs.next_path = stick  # the folder picker (DialogService.choose_folder)
    dialog = open_dialog(
        qtbot, PrintService(services, chooser=never_asked), slip.pdf, job_name=slip.receipt
    )

    with qtbot.waitSignal(dialog.saved, timeout=5000) as blocker:
        qtbot.mouseClick(button(dialog, PrintPreviewDialog.SAVE_TEXT), LEFT)
    (result,) = blocker.args
    assert result.status is PrintStatus.SAVED and result.ok
    saved = stick / f"{slip.receipt}.pdf"
    assert result.printer == str(saved)
    assert saved.read_bytes() == slip.pdf
    assert "thermal first issue" in verified(ctx, saved)
    assert str(saved) in dialog.status_text()
    assert dialog.isVisible()  # still open: the clerk may print it too
    # The first copy was recorded when it was issued: the same file adds nothing.
    assert kinds(ctx, slip.receipt) == ["intake", "slip_issued"]

    # A second save never overwrites the first file.
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        qtbot.mouseClick(button(dialog, PrintPreviewDialog.SAVE_TEXT), LEFT)
    assert (stick / f"{slip.receipt}-2.pdf").read_bytes() == slip.pdf


def test_a_cancelled_folder_picker_saves_nothing(qtbot, services, dialogs, slip, tmp_path):
    dialogs.next_path = None
    dialog = open_dialog(qtbot, PrintService(services, chooser=never_asked), slip.pdf)
    with qtbot.assertNotEmitted(dialog.saved):
        qtbot.mouseClick(button(dialog, PrintPreviewDialog.SAVE_TEXT), LEFT)
    assert dialog.last_saved() is None
    assert list(tmp_path.rglob("*.pdf")) == []


def test_a_folder_that_cannot_be_written_is_reported(services, slip, tmp_path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    result = PrintService(services).save_pdf(slip.pdf, tmp_path / "a-file", job_name="x")
    assert result.status is PrintStatus.FAILED and not result
    assert "保存できませんでした" in result.ja
    assert "could not be saved" in result.en


# --- a reprint counts once it is printed or saved -------------------------------------------


def prepared_reprint(ctx, receipt: str) -> IssuedSlip:
    with ctx.reading() as session:
        return prepare_slip(
            session,
            ctx.signer(),
            receipt=receipt,
            fmt=SlipFormat.THERMAL,
            reprint=True,
            catalogue=ctx.catalogue(),
            now=ctx.clock(),
        )


def test_a_reprint_previewed_and_closed_records_nothing(qtbot, ctx, services, slip) -> None:
    reprint = prepared_reprint(ctx, slip.receipt)
    record = slip_recorder(services, reprint)
    dialog = open_dialog(
        qtbot, PrintService(services, chooser=never_asked), reprint.pdf, record=record
    )
    with qtbot.waitSignal(dialog.rejected, timeout=1000):
        qtbot.mouseClick(button(dialog, "閉じる / Close"), LEFT)
    assert kinds(ctx, slip.receipt) == ["intake", "slip_issued"]


def test_a_reprint_saved_then_printed_counts_once_and_both_files_verify(
    qtbot, ctx, services, slip, tmp_path
) -> None:
    reprint = prepared_reprint(ctx, slip.receipt)
    services.settings.set(PRINTER_THERMAL, f"pdf:{tmp_path / 'roll'}")
    services.dialogs.next_path = tmp_path / "stick"
    (tmp_path / "stick").mkdir()
    dialog = open_dialog(
        qtbot,
        PrintService(services, chooser=never_asked),
        reprint.pdf,
        job_name="reprint",
        record=slip_recorder(services, reprint),
    )
    with qtbot.waitSignal(services.events.intakes_changed, timeout=5000):
        qtbot.mouseClick(button(dialog, PrintPreviewDialog.SAVE_TEXT), LEFT)
    assert kinds(ctx, slip.receipt) == ["intake", "slip_issued", "reprint"]
    with qtbot.waitSignal(dialog.printed, timeout=5000) as blocker:
        qtbot.mouseClick(button(dialog, "印刷 / Print"), LEFT)
    assert blocker.args[0].ok
    assert kinds(ctx, slip.receipt) == ["intake", "slip_issued", "reprint"]
    for path in (tmp_path / "stick" / "reprint.pdf", tmp_path / "roll" / "reprint.pdf"):
        assert "thermal reprint #1" in verified(ctx, path)


def test_a_printed_copy_the_ledger_refuses_is_reported_and_a_saved_one_removed(
    ctx, services, slip, tmp_path
) -> None:
    """Another window recorded copy 2 meanwhile: this copy is not counted, and says so."""
    here, other = prepared_reprint(ctx, slip.receipt), prepared_reprint(ctx, slip.receipt)
    slip_recorder(services, other)()
    service = PrintService(services, chooser=Chooser(tmp_path / "printed.pdf"))
    result = service.print_pdf(here.pdf, "thermal", record=slip_recorder(services, here))
    assert result.status is PrintStatus.NOT_RECORDED and not result
    assert "記録できませんでした" in result.ja and "recorded meanwhile" in result.en
    (tmp_path / "stick").mkdir()
    result = service.save_pdf(
        here.pdf, tmp_path / "stick", job_name="x", record=slip_recorder(services, here)
    )
    assert result.status is PrintStatus.NOT_RECORDED
    assert not (tmp_path / "stick" / "x.pdf").exists()  # it would not verify
    assert kinds(ctx, slip.receipt) == ["intake", "slip_issued", "reprint"]


def test_a_reprint_from_the_history_counts_when_printed_not_when_the_dialog_opens(
    qtbot, ctx, services, slip, tmp_path
) -> None:
    print_dialog = Chooser(None)  # the clerk cancels the print dialog
    view = HistoryView(services, printer=PrintService(services, chooser=print_dialog))
    qtbot.addWidget(view)
    view.resize(1280, 800)
    show(qtbot, view)
    assert view.model.wait()  # the rows arrive from the background reader
    qtbot.waitUntil(lambda: view.panel.values["slips"].text() == "レシート 1枚（再発行 0）")

    qtbot.keyClick(view.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert len(print_dialog.calls) == 1  # the dialog was open
    assert kinds(ctx, slip.receipt) == ["intake", "slip_issued"]  # and nothing counted
    assert "印刷を取り消しました" in view.panel.status.text()
    assert view.panel.values["slips"].text() == "レシート 1枚（再発行 0）"

    print_dialog.output = tmp_path / "reprint.pdf"  # this time the clerk prints
    qtbot.keyClick(view.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert kinds(ctx, slip.receipt) == ["intake", "slip_issued", "reprint"]
    assert "thermal reprint #1" in verified(ctx, tmp_path / "reprint.pdf")
    assert "再発行" in pdf_text(tmp_path / "reprint.pdf")
    assert view.panel.values["slips"].text() == "レシート 2枚（再発行 1）"


# --- the preview fits the counter's screen ------------------------------------------------


@pytest.mark.parametrize("fmt", list(SlipFormat))
@pytest.mark.parametrize(("width", "height"), [(1366, 728), (1280, 680), (800, 560)])
def test_the_preview_fits_the_free_area_of_a_counter_screen(fmt, width, height) -> None:
    """1366×768 and 1280×720 less a 40 px taskbar, and a small screen."""
    size = preview_size(fmt, QRect(0, 0, width, height))
    assert size.width() + PREVIEW_FRAME.width() <= width
    assert size.height() + PREVIEW_FRAME.height() <= height
    assert size.height() >= min(height - PREVIEW_FRAME.height(), 820 if fmt == "thermal" else 900)


def test_the_preview_window_fits_its_screen_with_its_buttons(qtbot, slip, service) -> None:
    dialog = open_dialog(qtbot, service, slip.pdf)
    free = dialog.screen().availableGeometry()
    assert dialog.height() + PREVIEW_FRAME.height() <= free.height()
    assert dialog.width() <= free.width()
    for limit in (dialog.minimumSize(), dialog.minimumSizeHint()):
        assert limit.width() <= 1366 and limit.height() <= 728
    for text in ("印刷 / Print", PrintPreviewDialog.SAVE_TEXT, "閉じる / Close"):
        shown = button(dialog, text)
        assert shown.isVisible()
        assert dialog.rect().contains(shown.geometry())


FIT_SCRIPT = """
import io, json, sys
from pathlib import Path
from reportlab.pdfgen import canvas
from PySide6.QtWidgets import QApplication
app = QApplication([])
from desktop.settings import StationSettings
from ui.printing import PrintService
buffer = io.BytesIO()
pdf = canvas.Canvas(buffer, pagesize=(227, 1300))
pdf.drawString(20, 1200, "ROLL")
pdf.showPage()
pdf.save()
service = PrintService(StationSettings(Path(sys.argv[1])))
sizes = {}
for fmt in ("thermal", "a4"):
    dialog = service.open_preview(buffer.getvalue(), fmt)
    app.processEvents()
    sizes[fmt] = [dialog.width(), dialog.height(), dialog.minimumSizeHint().height()]
    dialog.close()
screen = app.primaryScreen().availableGeometry()
print(json.dumps({"screen": [screen.width(), screen.height()], "sizes": sizes}))
"""


def test_on_a_real_1366_by_768_screen_the_preview_is_no_taller_than_it(tmp_path) -> None:
    """The report's screen, in a process of its own (Qt's offscreen screen set to 1366×768)."""
    geometry = tmp_path / "screen.json"
    geometry.write_text(
        '{"screens": [{"name": "counter", "x": 0, "y": 0, "width": 1366, "height": 768}]}'
    )
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={geometry}",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", FIT_SCRIPT, str(tmp_path / "settings.json")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    found = json.loads(done.stdout.splitlines()[-1])
    assert found["screen"] == [1366, 768]
    for width, height, minimum in found["sizes"].values():
        assert width <= 1366 and height + PREVIEW_FRAME.height() <= 768  # was 560×820
        assert minimum <= 728

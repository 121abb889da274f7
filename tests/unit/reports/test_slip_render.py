"""The slip renderer, read back the way a person or a verifier reads a slip.

Each sample is rendered once per module (``rendered``); the PDFs are read back with
poppler (``pdftotext -layout``, ``pdffonts``, ``pdftoppm``), zbar and pyHanko.  Text
comparisons squeeze out white space, because wrapping splits lines anywhere.
"""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.pathobject import PDFPathObject

from reports.layout import BOX_PADDING, Signature
from reports.slip import (
    A4_BOTTOM_MARGIN,
    A4_CUSTOMER_SHARE,
    A4_TOP_MARGIN,
    THERMAL_PAGE_WIDTH,
    Copy,
    fit_a4_copy,
    group_fingerprint,
    mask_imei,
    render_slip,
)
from reports.snapshot import SlipFormat, SlipSnapshot
from tests.support import snapshots

FORMATS = list(SlipFormat)
CUT = "きりとり線"
SAMPLES: dict[str, Callable[[], SlipSnapshot]] = {
    "confirmation": snapshots.confirmation,
    "worst": snapshots.worst_case,
    "reprint": snapshots.reprint,
    "voided": snapshots.voided_reprint,
    "unsigned": snapshots.unsigned,
    "guidance": snapshots.guidance,
    "worst_guidance": snapshots.worst_case_guidance,
}


def squeeze(text: str) -> str:
    return "".join(text.split())


class Rendered:
    """One sample in one format: the snapshot, the PDF, and what reads back from it."""

    def __init__(self, snapshot: SlipSnapshot, fmt: SlipFormat, directory: Path) -> None:
        self.snapshot = snapshot
        self.fmt = fmt
        self.pdf = render_slip(snapshot, fmt)
        self.path = directory / f"slip-{fmt}.pdf"
        self.path.write_bytes(self.pdf)
        self._text: dict[bool, str] = {}

    def _pdftotext(self, *, layout: bool) -> str:
        if layout not in self._text:
            args = ["pdftotext", "-layout" if layout else "-raw", str(self.path), "-"]
            self._text[layout] = subprocess.run(
                args, capture_output=True, text=True, check=True
            ).stdout
        return self._text[layout]

    @property
    def text(self) -> str:
        """The page as laid out: lines across the whole width."""
        return self._pdftotext(layout=True)

    @property
    def text_flow(self) -> str:
        """The page in drawing order: each paragraph whole, whatever stands beside it."""
        return self._pdftotext(layout=False)

    def copies(self) -> tuple[str, str]:
        """The squeezed text of the customer copy (above the cut) and the shop copy."""
        customer, cut, shop = self.text.partition(CUT)
        assert cut, "no cut line in the text"
        return squeeze(customer), squeeze(shop)

    def fonts(self) -> list[list[str]]:
        out = subprocess.run(
            ["pdffonts", str(self.path)], capture_output=True, text=True, check=True
        ).stdout
        return [line.split() for line in out.splitlines()[2:] if line.strip()]

    def qr_codes(self) -> list[str]:
        """Every QR code zbar finds on the page rendered at 300 dpi."""
        image = self.path.with_suffix("")
        # A grey-scale PGM reads the same as a PNG and skips the PNG compression.
        subprocess.run(
            ["pdftoppm", "-r", "300", "-gray", "-singlefile", str(self.path), str(image)],
            check=True,
        )
        result = subprocess.run(
            ["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", f"{image}.pgm"],
            capture_output=True,
            text=True,
            check=False,
        )
        return [line for line in result.stdout.splitlines() if line]

    def reader(self) -> PdfFileReader:
        return PdfFileReader(io.BytesIO(self.pdf), strict=True)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, SlipFormat], Rendered]:
    cache: dict[tuple[str, SlipFormat], Rendered] = {}

    def get(name: str, fmt: SlipFormat) -> Rendered:
        if (name, fmt) not in cache:
            directory = tmp_path_factory.mktemp(name)
            cache[name, fmt] = Rendered(SAMPLES[name](), fmt, directory)
        return cache[name, fmt]

    return get


# --- small rules --------------------------------------------------------------------


def test_mask_keeps_the_type_allocation_code_and_the_last_two_digits():
    assert mask_imei("356938035643809") == "35693803•••••09"
    assert mask_imei("1234") == "••34"


def test_fingerprint_prints_in_upper_case_groups_of_four():
    lines = group_fingerprint("ab" * 32)
    assert lines == ["ABAB ABAB ABAB ABAB"] * 4


# --- content ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_both_copies_carry_the_receipt_number(rendered, fmt):
    slip = rendered("confirmation", fmt)
    customer, shop = slip.copies()
    assert snapshots.confirmation().receipt in customer
    assert snapshots.confirmation().receipt in shop


@pytest.mark.parametrize("fmt", FORMATS)
def test_customer_copy_masks_the_imei_and_the_shop_copy_prints_it(rendered, fmt):
    slip = rendered("confirmation", fmt)
    customer, shop = slip.copies()
    assert mask_imei(snapshots.IMEI) in customer
    assert snapshots.IMEI not in customer
    assert snapshots.IMEI in shop
    assert mask_imei(snapshots.IMEI) not in shop
    assert squeeze(slip.text).count(snapshots.IMEI) == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_both_imeis_of_a_dual_sim_phone_are_printed(rendered, fmt):
    customer, shop = rendered("worst", fmt).copies()
    for imei in (snapshots.IMEI, snapshots.IMEI_2):
        assert mask_imei(imei) in customer
        assert imei not in customer
        assert imei in shop


@pytest.mark.parametrize("fmt", FORMATS)
def test_statement_is_printed_in_both_languages_on_both_copies(rendered, fmt):
    slip = rendered("confirmation", fmt)
    statement = slip.snapshot.statement
    for copy in slip.copies():
        assert squeeze(statement.ja) in copy
        assert squeeze(statement.en) in copy
        assert squeeze(slip.snapshot.clerk_declaration.ja) in copy
        assert slip.snapshot.statement_version in copy


@pytest.mark.parametrize("fmt", FORMATS)
def test_confirmation_names_the_path_and_carries_the_notices(rendered, fmt):
    slip = rendered("confirmation", fmt)
    s = slip.snapshot
    customer, shop = slip.copies()
    for copy in (customer, shop):
        assert squeeze(s.path.title.ja) in copy
        assert squeeze(s.path.title.en) in copy
        assert squeeze(s.shop.name) in copy
    for notice in (s.reset_reminder, s.privacy_notice):
        assert squeeze(notice.ja) in customer
    # What is addressed to the customer only stays off the shop copy.
    assert squeeze(s.privacy_notice.ja) not in shop
    assert squeeze(s.shop.license_no) in customer


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_signature_is_said_so_not_left_blank(rendered, fmt):
    assert squeeze(rendered("unsigned", fmt).text).count("署名の記録はありません") == 2
    assert "署名の記録はありません" not in squeeze(rendered("confirmation", fmt).text)


# --- marks --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_reprint_carries_its_mark_and_count_on_every_copy(rendered, fmt):
    for copy in rendered("reprint", fmt).copies():
        assert "再発行REPRINT（2回目/#2）" in copy
    assert "再発行" not in rendered("confirmation", fmt).text


@pytest.mark.parametrize("fmt", FORMATS)
def test_voided_reprint_carries_the_void_mark_on_every_copy(rendered, fmt):
    for copy in rendered("voided", fmt).copies():
        assert "取消VOID" in copy
        assert "再発行REPRINT（1回目/#1）" in copy
    assert "VOID" not in rendered("reprint", fmt).text


# --- the guidance slip --------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_guidance_slip_gives_the_reason_the_steps_and_the_hotlines(rendered, fmt):
    slip = rendered("guidance", fmt)
    s = slip.snapshot
    customer, shop = slip.copies()
    assert s.refusal_reason is not None
    for copy in (customer, shop):
        assert s.receipt in copy
        assert squeeze(s.refusal_reason.ja) in copy
    assert "0120-95-0178" in customer
    assert "0120-0178-27" in customer
    for i, step in enumerate(s.path.steps, start=1):
        assert f"{i}.{squeeze(step.ja)}" in customer
        assert squeeze(step.en) in customer
    # On A4 the notes stand beside the hotline box: read them in drawing order.
    flow = squeeze(slip.text_flow.partition(CUT)[0])
    for note in s.guidance_notes:
        assert squeeze(note.ja) in flow
        assert squeeze(note.en) in flow
    assert "ご署名" not in squeeze(slip.text)


# --- fonts, metadata, QR --------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", ["confirmation", "guidance"])
def test_only_the_bundled_font_is_used_and_it_is_embedded(rendered, name, fmt):
    fonts = rendered(name, fmt).fonts()
    assert fonts
    for row in fonts:
        # name type encoding emb sub uni object-id
        assert row[0].split("+")[-1].startswith("BIZUDPGothic"), row
        assert "+" in row[0], row  # a subset
        assert row[-5:-2] == ["yes", "yes", "yes"], row
    assert "Helvetica" not in rendered(name, fmt).pdf.decode("latin-1")


@pytest.mark.parametrize("fmt", FORMATS)
def test_metadata_carries_the_verification_payload(rendered, fmt):
    slip = rendered("confirmation", fmt)
    info = slip.reader().trailer_view["/Info"]
    assert str(info["/Keywords"]) == "revoke-desk-slip:v1 " + snapshots.QR_PAYLOAD
    assert str(info["/Title"]) == f"Revoke Desk slip {slip.snapshot.receipt}"
    assert str(info["/Subject"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_pdf_takes_a_signature_field_in_an_incremental_update(rendered, fmt):
    original = rendered("confirmation", fmt).pdf
    writer = IncrementalPdfFileWriter(io.BytesIO(original), strict=True)
    fields.append_signature_field(writer, fields.SigFieldSpec("Signature1"))
    out = io.BytesIO()
    writer.write(out)
    updated = out.getvalue()
    assert updated.startswith(original)  # appended, not rewritten
    reader = PdfFileReader(io.BytesIO(updated), strict=True)
    assert [name for name, *_ in fields.enumerate_sig_fields(reader)] == ["Signature1"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_qr_code_on_each_copy_reads_back_as_the_payload(rendered, fmt):
    assert rendered("confirmation", fmt).qr_codes() == [snapshots.QR_PAYLOAD] * 2


# --- fitting --------------------------------------------------------------------------


def _pages(slip: Rendered) -> int:
    return int(slip.reader().root["/Pages"]["/Count"])


def test_thermal_roll_is_80mm_wide_and_as_long_as_its_content(rendered):
    normal = rendered("confirmation", SlipFormat.THERMAL).reader().root["/Pages"]["/Kids"][0]
    worst = rendered("worst", SlipFormat.THERMAL).reader().root["/Pages"]["/Kids"][0]
    normal_box = [float(v) for v in normal["/MediaBox"]]
    worst_box = [float(v) for v in worst["/MediaBox"]]
    assert normal_box[2] == pytest.approx(THERMAL_PAGE_WIDTH)
    assert worst_box[2] == pytest.approx(THERMAL_PAGE_WIDTH)
    assert worst_box[3] > normal_box[3] > 300 * mm


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", ["worst", "worst_guidance"])
def test_worst_case_fits_one_page_with_nothing_clipped(rendered, name, fmt):
    slip = rendered(name, fmt)
    s = slip.snapshot
    assert _pages(slip) == 1
    # Long fields wrap beside their labels and other columns: read them in drawing order.
    customer, _, shop = (squeeze(part) for part in slip.text_flow.partition(CUT))
    assert squeeze(s.shop.name) in customer
    assert squeeze(s.shop.address) in customer
    assert squeeze(s.device.model) in customer
    assert squeeze(s.device.model) in shop
    # The customer copy's last paragraph, and the shop copy's.
    assert squeeze(s.privacy_notice.en) in customer
    assert squeeze(group_fingerprint(s.certificate_fingerprint)[-1]) in shop
    assert "取消VOID" in customer
    assert "取消VOID" in shop


@pytest.mark.parametrize("fmt", FORMATS)
def test_worst_case_qr_codes_still_read(rendered, fmt):
    assert rendered("worst", fmt).qr_codes() == [snapshots.QR_PAYLOAD] * 2


@pytest.mark.parametrize("name", ["worst", "worst_guidance"])
@pytest.mark.parametrize("copy", list(Copy))
def test_a_shrunk_a4_copy_keeps_its_qr_code_at_least_25mm(name, copy):
    snapshot = SAMPLES[name]()
    page = 297 * mm
    share = A4_CUSTOMER_SHARE[snapshot.kind]
    part = page * (share if copy is Copy.CUSTOMER else 1 - share)
    fitted = fit_a4_copy(snapshot, copy, part - A4_TOP_MARGIN - A4_BOTTOM_MARGIN)
    assert fitted.scale < 0.9  # the worst case does need shrinking
    assert fitted.height * fitted.scale <= part - A4_TOP_MARGIN - A4_BOTTOM_MARGIN + 0.01
    assert fitted.qr_size >= 25 * mm


def test_an_ordinary_a4_confirmation_is_barely_shrunk():
    snapshot = snapshots.confirmation()
    page = 297 * mm
    share = A4_CUSTOMER_SHARE[snapshot.kind]
    fitted = fit_a4_copy(snapshot, Copy.CUSTOMER, page * share - A4_TOP_MARGIN - A4_BOTTOM_MARGIN)
    assert fitted.scale >= 0.95


class _RecordingPath(PDFPathObject):  # type: ignore[misc]
    def __init__(self, points: list[tuple[float, float]]) -> None:
        super().__init__()
        self.points = points

    def moveTo(self, x: float, y: float) -> None:
        self.points.append((x, y))
        super().moveTo(x, y)

    def lineTo(self, x: float, y: float) -> None:
        self.points.append((x, y))
        super().lineTo(x, y)


def test_signature_strokes_are_scaled_into_the_box_keeping_their_shape():
    points: list[tuple[float, float]] = []
    canvas = Canvas(io.BytesIO())
    canvas.beginPath = lambda: _RecordingPath(points)
    # Pad coordinates grow downwards: from the top-left corner to a point 100 right, 50 down.
    signature = Signature(
        [((10, 10, 0), (110, 60, 16))], width=200, height=100, note=("", ""), note_size=7
    )
    signature.wrapOn(canvas, 200, 100)
    signature.drawOn(canvas, 0, 0)
    (x0, y0), (x1, y1) = points
    assert y0 > y1  # flipped: the pad's top is the page's top
    assert (x1 - x0) / (y0 - y1) == pytest.approx(2.0)  # aspect ratio kept
    for x, y in points:
        assert BOX_PADDING - 0.01 <= x <= 200 - BOX_PADDING + 0.01
        assert BOX_PADDING - 0.01 <= y <= 100 - BOX_PADDING + 0.01
    # The height limits the scale here: the drawing fills the box's inner height.
    assert y0 - y1 == pytest.approx(100 - 2 * BOX_PADDING)

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
    THERMAL_PAGE_WIDTH,
    Copy,
    a4_parts,
    fit_a4_copy,
    group_fingerprint,
    mask_imei,
    render_slip,
)
from reports.snapshot import SlipFormat, SlipSnapshot
from tests.support import snapshots
from tests.support.pdfs import pdf_lines

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

    def copies(self, *, flow: bool = False) -> tuple[str, str]:
        """The squeezed text of the customer copy and the shop copy: the first and the
        second page (of the roll, or A4 sheets).  ``flow``: in drawing order
        (paragraphs whole, whatever stands beside them)."""
        text = self.text_flow if flow else self.text
        customer, feed, shop = text.partition("\f")
        assert feed and CUT not in text, "one page per copy, no cut line"
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
        subprocess.run(["pdftoppm", "-r", "300", "-gray", str(self.path), str(image)], check=True)
        found: list[str] = []
        for page in sorted(self.path.parent.glob(f"{image.name}-*.pgm")):
            result = subprocess.run(
                ["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(page)],
                capture_output=True,
                text=True,
                check=False,
            )
            found += [line for line in result.stdout.splitlines() if line]
        return found

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
    assert len(s.path.sections) == 3  # Android: the app, the fallback, the hotline
    for section in s.path.sections:
        assert squeeze(f"■ {section.heading.ja}") in customer
        for i, step in enumerate(section.steps, start=1):
            assert f"{i}.{squeeze(step.ja)}" in customer
            assert squeeze(step.en) in customer
    assert squeeze(s.path.heading.ja) in shop  # the shop copy names the guidance given
    # On A4 the notes stand beside the hotline box: read them in drawing order.
    flow = slip.copies(flow=True)[0]
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


def _media_boxes(slip: Rendered) -> list[list[float]]:
    kids = slip.reader().root["/Pages"]["/Kids"]
    return [[float(v) for v in kid.get_object()["/MediaBox"]] for kid in kids]


def test_thermal_roll_is_80mm_wide_and_each_copy_as_long_as_its_content(rendered):
    normal = _media_boxes(rendered("confirmation", SlipFormat.THERMAL))
    worst = _media_boxes(rendered("worst", SlipFormat.THERMAL))
    assert len(normal) == len(worst) == 2  # the customer copy, then the shop copy
    for box in normal + worst:
        assert box[2] == pytest.approx(THERMAL_PAGE_WIDTH)
    for copy in (0, 1):
        assert worst[copy][3] > normal[copy][3] > 250 * mm
    # The customer copy carries the notices the shop copy leaves out: it is longer.
    assert normal[0][3] > normal[1][3]


@pytest.mark.parametrize("name", ["confirmation", "guidance"])
def test_the_roll_prints_each_copy_on_a_page_of_its_own_for_the_cutter(rendered, name):
    """An auto-cutter cuts at the end of each page: the customer copy comes off alone."""
    slip = rendered(name, SlipFormat.THERMAL)
    assert _pages(slip) == 2
    pages = slip.text.split("\f")
    customer, shop = squeeze(pages[0]), squeeze(pages[1])
    assert customer.startswith("お客様控えCUSTOMERCOPY")
    assert shop.startswith("店舗控えSHOPCOPY")
    assert "SHOPCOPY" not in customer and "CUSTOMERCOPY" not in shop
    s = slip.snapshot
    assert s.receipt in customer and s.receipt in shop
    imei = s.device.imeis[0]
    assert imei not in customer and imei in shop  # masked on the customer's page only
    assert squeeze(s.privacy_notice.ja) in customer
    assert squeeze(s.privacy_notice.ja) not in shop
    assert CUT not in slip.text


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", ["worst", "worst_guidance"])
def test_worst_case_fits_with_nothing_clipped(rendered, name, fmt):
    """One page per copy (of the roll, or A4 sheets), never more."""
    slip = rendered(name, fmt)
    s = slip.snapshot
    assert _pages(slip) == 2
    # Long fields wrap beside their labels and other columns: read them in drawing order.
    customer, shop = slip.copies(flow=True)
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


def _part(snapshot: SlipSnapshot, copy: Copy) -> float:
    return next(part.avail for part in a4_parts(snapshot.kind) if part.copy is copy)


@pytest.mark.parametrize("name", ["worst", "worst_guidance"])
@pytest.mark.parametrize("copy", list(Copy))
def test_a_shrunk_a4_copy_keeps_its_qr_code_at_least_25mm(name, copy):
    snapshot = SAMPLES[name]()
    avail = _part(snapshot, copy)
    fitted = fit_a4_copy(snapshot, copy, avail)
    if name == "worst_guidance" and copy is Copy.CUSTOMER:
        assert fitted.scale < 0.9  # the longest guidance does need shrinking
    assert fitted.height * fitted.scale <= avail + 0.01
    assert fitted.qr_size >= 25 * mm


@pytest.mark.parametrize("name", ["confirmation", "guidance"])
@pytest.mark.parametrize("copy", list(Copy))
def test_an_ordinary_a4_copy_is_barely_shrunk(name, copy):
    """A4 gives each copy a sheet: an ordinary confirmation and an Android guidance
    (three sections of steps) print at (nearly) full size."""
    snapshot = SAMPLES[name]()
    fitted = fit_a4_copy(snapshot, copy, _part(snapshot, copy))
    assert fitted.scale >= 0.9


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


# --- every path × OS × outcome, read back ------------------------------------------

# Accepted: every attestable path on each phone it applies to, the purposes in turn.
CONFIRMATIONS = [
    ("never_used", "android", "purchase"),
    ("never_used", "iphone", "repair"),
    ("app_revoked", "android", "purchase"),
    ("app_uninstalled", "android", "consignment"),
    ("reinstalled_after_reset", "android", "trade_in"),
    ("hotline_suspended", "android", "purchase"),
    ("hotline_suspended", "iphone", "trade_in"),
    ("iphone_removed", "iphone", "purchase"),
    ("model_changed", "android", "trade_in"),
    ("model_changed", "iphone", "repair"),
]
# Refused: the path named and the reason, on each phone.
GUIDANCE = [
    (path, os, reason, purpose)
    for os in ("android", "iphone")
    for path, reason, purpose in (
        ("not_done", "not_done", "purchase"),
        ("check_first", "certificate_unknown", "trade_in"),
        ("app_revoked" if os == "android" else "iphone_removed", "performed_by_other", "purchase"),
        ("not_done", "holder_not_present", "consignment"),
        ("hotline_suspended", "clerk_assisted", "repair"),
    )
]
KINSOKU_NO_START = ("）", "。", "、")
KINSOKU_NO_END = ("（",)


def _render(snapshot: SlipSnapshot, fmt: SlipFormat, tmp_path: Path) -> Rendered:
    return Rendered(snapshot, fmt, tmp_path)


def _common(slip: Rendered, purpose: str) -> None:
    s = slip.snapshot
    text = squeeze(slip.text)
    customer, shop = slip.copies(flow=True)
    for copy in (customer, shop):
        assert squeeze(s.outcome.ja) in copy
    # お預かり (custody) is only right for a repair.
    assert ("預か" in text) == (purpose == "repair"), purpose
    assert "持ち主" not in text
    for line in pdf_lines(slip.path):
        assert not line.startswith(KINSOKU_NO_START), line
        assert not line.endswith(KINSOKU_NO_END), line


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("path_id", "os", "purpose"), CONFIRMATIONS)
def test_every_confirmation_reads_back(tmp_path, fmt, path_id, os, purpose):
    language = "en" if path_id == "app_uninstalled" else "ja"
    suspended_by = "other" if path_id == "hotline_suspended" else ""
    s = snapshots.confirmation_for(
        path_id, os, purpose, language=language, suspended_by=suspended_by
    )
    slip = _render(s, fmt, tmp_path)
    _common(slip, purpose)
    customer, shop = slip.copies(flow=True)
    expected = {
        "purchase": "買取いたしました",
        "trade_in": "下取りとしてお引き取りしました",
        "consignment": "委託をお受けしました",
        "repair": "修理のためお預かりしました",
    }[purpose]
    fact = {
        "never_used": "電子証明書が搭載されていないことを確認しました",
        "model_changed": "機種変更により失効したことを確認しました",
    }.get(path_id, "電子証明書の失効を確認しました")
    shown = "英語" if language == "en" else "日本語"
    for copy in (customer, shop):
        assert expected in copy
        assert fact in copy
        assert squeeze(s.path.title.ja) in copy
        assert squeeze(s.statement.ja) in copy
        assert f"署名時の表示言語:{shown}" in copy
        assert squeeze(f"Language shown and signed: {s.statement_language.en}") in copy
    assert "失効確認済み" not in squeeze(slip.text)
    # The shop copy names the signer; the customer copy does not need to.
    assert squeeze(snapshots.SELLER) in shop
    assert squeeze(snapshots.SELLER) not in customer
    if path_id == "hotline_suspended":
        for copy in (customer, shop):
            assert "一時停止:ご家族など" in copy
            assert "失効:名義人ご本人" in copy


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", GUIDANCE, ids="-".join)
def test_every_guidance_slip_reads_back(tmp_path, fmt, case):
    path_id, os, reason, purpose = case
    s = snapshots.guidance_for(path_id, os, reason, purpose)
    slip = _render(s, fmt, tmp_path)
    _common(slip, purpose)
    customer, shop = slip.copies(flow=True)
    text = squeeze(slip.text)
    assert s.refusal_heading is not None
    assert squeeze(s.refusal_heading.ja) in customer
    for section in s.path.sections:
        assert squeeze(section.heading.ja) in customer
        for step in section.steps:
            assert squeeze(step.ja) in customer
    assert "0120-95-0178" in customer
    assert "0120-0178-27" in customer
    assert "状況に合った" not in text  # the steps themselves, never "the ones that fit"
    assert squeeze(snapshots.SELLER) in shop  # to whom the guidance was given
    if os == "android":
        assert "初期化の前に失効してください" in customer  # revoke before you reset
        assert "インターネットにつながっている必要" in customer
        if reason in ("not_done", "holder_not_present"):
            for words in ("マイページ", "はじめる", "半角英大文字と数字を含む6〜16文字"):
                assert words in customer
            assert "パスワードを忘れた場合" in customer
    else:
        assert "スマホ用電子証明書" not in text  # never the Android wording on an iPhone
        assert "Wallet" in customer
        assert "iPhoneのマイナンバーカード" in customer
    if reason in ("performed_by_other", "clerk_assisted"):
        assert "すでに失効している可能性" in customer
        assert "まだ有効であれば" in customer or "まだ残っていれば" in customer
    if reason == "holder_not_present":
        assert "名義人様へ" in customer
    if reason == "certificate_unknown" and os == "android":
        assert "スマホ用電子証明書の有効性確認" in customer


def test_kinsoku_keeps_brackets_and_stops_off_the_line_edges():
    """Laid out across many widths, no Japanese line starts with 」）。、 or ends with （."""
    from reports.fonts import register_fonts
    from reports.layout import THERMAL, Paragraph, Styles

    register_fonts()
    style = Styles(THERMAL).body
    texts = [
        step.ja
        for section in snapshots.guidance_for(
            "check_first", "android", "certificate_unknown"
        ).path.sections
        for step in section.steps
    ]
    texts.append("下取りとしてお引き取りできませんでした")
    for width in range(18, 75, 3):
        for text in texts:
            paragraph = Paragraph(text, style)
            paragraph.wrap(width * mm, 10_000)
            lines = ["".join(w.text for w in line.words) for line in paragraph.blPara.lines]
            assert "".join(lines) == text  # nothing lost or doubled
            for line in lines:
                assert not line.startswith((*KINSOKU_NO_START, "」")), (width, line)
                assert not line.endswith(KINSOKU_NO_END), (width, line)
            if width >= 30:  # wide enough for the number: it never breaks inside
                assert "0120-95-0178" not in text or any("0120-95-0178" in ln for ln in lines)
            # No widow: a last line of a single character.
            assert len(lines) == 1 or len(lines[-1].rstrip("。）」")) > 1, (width, lines)


# --- the layout caches ------------------------------------------------------------------


def _cold_render(snapshot: SlipSnapshot, fmt: SlipFormat) -> bytes:
    from reports import fonts, layout

    layout.PARSED.clear()
    layout.WRAPPED.clear()
    layout.TEMPLATES.clear()
    fonts.FONT_STREAM_FLATE.clear()
    layout.clear_qr_caches()
    return render_slip(snapshot, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_slip_from_the_warm_layout_caches_is_the_same_pdf_as_from_cold_ones(fmt, monkeypatch):
    """The parsed and broken paragraphs kept across slips (reports.layout.PARSED/WRAPPED)
    change nothing in the bytes, whatever was rendered before: each sample is rendered
    with empty caches and again after every other sample has filled them."""
    from reportlab import rl_config

    monkeypatch.setattr(rl_config, "invariant", 1)  # no creation date or random id
    cold = {name: _cold_render(make(), fmt) for name, make in SAMPLES.items()}
    for name in reversed(SAMPLES):  # other orders than the one that filled them
        assert render_slip(SAMPLES[name](), fmt) == cold[name], name


def test_paragraphs_share_a_layout_only_when_markup_style_and_width_agree():
    from reports.fonts import register_fonts
    from reports.layout import THERMAL, Paragraph, Styles

    register_fonts()
    st = Styles.of(THERMAL)
    text = "本人は、この端末で利用していた電子証明書が失効していることを確認しました。"
    first = Paragraph(text, st.body)
    first.wrap(40 * mm, 10_000)
    same = Paragraph(text, st.body.clone("other name, same values"))
    same.wrap(40 * mm, 10_000)
    assert same.blPara is first.blPara  # served from the cache
    bigger = Paragraph(text, st.body.clone("bigger", fontSize=12, leading=16))
    bigger.wrap(40 * mm, 10_000)
    narrower = Paragraph(text, st.body)
    narrower.wrap(25 * mm, 10_000)
    for other in (bigger, narrower):
        assert other.blPara is not first.blPara
        assert len(other.blPara.lines) > len(first.blPara.lines)


# --- fixed blocks (reports.layout.FixedBlock) ------------------------------------------


def _a_customer(n: int) -> SlipSnapshot:
    """The confirmation sample with the record data of the ``n``-th customer."""
    from dataclasses import replace

    base = snapshots.confirmation()
    return replace(
        base,
        receipt=f"S01-20261127-{n:04d}",
        issued_at=f"2026-11-27 1{n}:0{n}",
        printed_at=f"2026-11-27 1{n}:1{n}",
        signer=("山田 太郎", "鈴木 花子")[n % 2],
        device=replace(
            base.device,
            maker=("Google", "Apple")[n % 2],
            model=("Pixel 8", "iPhone 13")[n % 2],
            imeis=((f"35693803564{n:04d}"),),
        ),
        qr_payload=base.qr_payload.replace(":42:", f":{40 + n}:"),
    )


def test_a_roll_slip_from_a_warm_template_prints_its_own_record(tmp_path):
    """Two customers' slips share the fixed blocks (one template, filled by the first);
    the second slip prints its own receipt, signer, device and QR code and nothing of
    the first one's."""
    from reports import layout

    first, second = _a_customer(1), _a_customer(2)
    layout.TEMPLATES.clear()
    render_slip(first, SlipFormat.THERMAL)
    templates = len(layout.TEMPLATES._items)
    slip = Rendered(second, SlipFormat.THERMAL, tmp_path)
    assert len(layout.TEMPLATES._items) == templates == 1  # the second slip replayed it
    customer, shop = slip.copies()
    for own, other in [
        (second.receipt, first.receipt),
        (second.issued_at.replace(" ", ""), first.issued_at.replace(" ", "")),
        (second.device.model.replace(" ", ""), first.device.model.replace(" ", "")),
        (second.device.maker, first.device.maker),
    ]:
        assert own in customer and own in shop, own
        assert other not in customer + shop, other
    assert squeeze(second.signer) in shop
    assert squeeze(first.signer) not in customer + shop
    assert second.device.imeis[0] in shop and first.device.imeis[0] not in shop
    assert squeeze(second.statement.ja) in customer  # the replayed statement reads back
    assert slip.qr_codes() == [second.qr_payload] * 2


def test_a_fixed_block_is_built_from_its_key_alone():
    """A fixed block's builder sees a snapshot holding only the fields it is keyed by:
    reaching for a record's data (the receipt number) fails instead of being recorded
    into every later slip."""
    from reports import slip as slip_module
    from reports.layout import THERMAL

    blocks = slip_module._Blocks(snapshots.confirmation(), Copy.CUSTOMER, THERMAL)
    block = blocks.fixed("leaky", 50 * mm, {"kind": "x"}, lambda f: [f.receipt(50 * mm)])
    with pytest.raises(AttributeError, match="receipt"):
        block.wrapOn(Canvas(io.BytesIO()), 50 * mm, 1000)


def test_fixed_blocks_are_found_by_every_field_they_are_built_from():
    """Another statement text (a new version) or another shop is another template, not
    the first one's recording."""
    from dataclasses import replace

    from reports import layout
    from reports.snapshot import Text

    base = snapshots.confirmation()
    layout.TEMPLATES.clear()
    render_slip(base, SlipFormat.THERMAL)
    other_statement = replace(base, statement=Text("別の版の申告文です。", "Another version."))
    other_shop = replace(base, shop=replace(base.shop, name="別の店"))
    for other in (other_statement, other_shop):
        before = len(layout.TEMPLATES._items)
        text = squeeze(pdf_text_of(render_slip(other, SlipFormat.THERMAL)))
        assert len(layout.TEMPLATES._items) == before + 1
        assert squeeze(other.statement.ja) in text and squeeze(other.shop.name) in text


def pdf_text_of(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_qr_modules_are_segnos_symbol_with_the_fixed_mask():
    """The per-version template (reports.layout.qr_rows) gives exactly segno's symbol,
    for payloads of every length and mode the slips and the tests use."""
    import random

    import segno

    from reports import layout

    rng = random.Random(11)
    payloads = [snapshots.QR_PAYLOAD, "RD1:S01:1:x"]
    payloads += [
        "RD1:S01:42:" + "".join(rng.choice("0123456789abcdef") for _ in range(rng.randint(1, 240)))
        for _ in range(60)
    ]
    payloads += ["".join(rng.choice("ABC0123 :$%") for _ in range(rng.randint(1, 300)))]
    payloads += ["受付番号" * rng.randint(1, 30), "12345678901234567890"]
    for payload in payloads:
        expected = segno.make_qr(payload, error="m", boost_error=False, mask=layout.QR_MASK)
        assert layout.qr_modules(payload) == tuple(
            tuple(bool(v) for v in row) for row in expected.matrix
        ), payload

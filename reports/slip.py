"""The slip renderer: a pure function from a :class:`SlipSnapshot` to unsigned PDF bytes.

Two kinds, chosen by ``snapshot.kind``:

* the confirmation slip (失効確認控え) of an accepted attestation, and
* the guidance slip (手続きのご案内) of a refused intake: why it was refused, the full
  steps for the customer's phone (sections: a heading and numbered steps each), the
  hotline, and that the customer is welcome back.

Two formats, chosen by ``fmt``:

* ``SlipFormat.THERMAL``: an 80 mm roll, 4 mm margins.  Two pages in one job, the
  customer copy, then the shop copy, each as long as its content: a roll printer's
  auto-cutter cuts at the end of each page, so the copies come out separate (a
  printer without a cutter feeds to its tear bar there).
* ``SlipFormat.A4``: two sheets, the customer copy on the first and the shop copy on
  the second (see :func:`a4_parts`).  A copy that would overflow its sheet is shrunk
  as a whole, never spilled onto another page, and its QR code is enlarged beforehand
  so that it still prints at least 27 mm across (see :func:`fit_a4_copy`).

Both copies carry the receipt number, the details, the device, the QR code, the
fingerprint and the marks (再発行 with its count, 取消 VOID); a confirmation's copies
both carry the statement, the clerk's declaration and the signature.  The copies
differ in four ways: the customer copy masks the IMEIs (see :func:`mask_imei`), the
shop copy prints them in full; the shop's licence, address and phone are on the
customer copy only (the shop copy names the shop); and what is addressed to the
customer (the reset reminder, the privacy notice, and on a guidance slip the steps,
hotline and notes) is on the customer copy only: the shop copy of a guidance slip says
that the customer copy holds them; and the shop copy names the customer (the signer of
a confirmation).  Both copies of a confirmation say in which language the statement
was shown and signed.

The PDF is unsigned (``reports.signing`` signs it afterwards with an incremental
update).  Only the bundled BIZ UDPGothic is used, embedded as a subset; the Keywords
metadata carry ``revoke-desk-slip:v1 <qr payload>`` so a verifier can read the
payload without decoding the image.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from types import SimpleNamespace
from typing import Any

from reportlab.lib.pagesizes import A4 as A4_SIZE  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import Spacer, Table  # type: ignore[import-untyped]

from reports import layout
from reports.fonts import BOLD, REGULAR, SHAPED_LANGUAGES, register_fonts
from reports.layout import A4, THERMAL, Metrics, Paragraph, Styles, esc
from reports.snapshot import SlipFormat, SlipKind, SlipSnapshot, Text

KEYWORDS_PREFIX = "revoke-desk-slip:v1 "
CREATOR = "Revoke Desk"

# The 80 mm roll.
THERMAL_PAGE_WIDTH = 80 * mm
THERMAL_MARGIN = 4 * mm
THERMAL_MAX_LENGTH = 5000 * mm  # a PDF page may be at most 200 inches long

# The A4 sheet.
A4_SIDE_MARGIN = 12 * mm
A4_TOP_MARGIN = 7 * mm  # above each copy
A4_BOTTOM_MARGIN = 4 * mm  # below each copy (above the cut line, or the sheet's edge)
CUT_LABEL_SIZE = 7
A4_FIT_ROUNDS = 4  # rounds to find a copy's scale (see fit_a4_copy); two usually settle it
A4_FIT_TOLERANCE = 0.995

# The IMEI mask of the customer copy: the first 8 digits (the Type Allocation Code,
# which names the model, not the phone) and the last 2 stay; the 5 between are hidden.
MASK_KEEP_HEAD = 8
MASK_KEEP_TAIL = 2
MASK_CHAR = "•"

# From this width on, a section has room for labels at the start of its lines.
WIDE = 120 * mm

FINGERPRINT_GROUP = 4  # hex digits per group
FINGERPRINT_GROUPS_PER_LINE = 4


class Copy(Enum):
    CUSTOMER = ("お客様控え", "CUSTOMER COPY")
    SHOP = ("店舗控え", "SHOP COPY")


TITLES = {
    SlipKind.CONFIRMATION: ("電子証明書 失効確認控え", "My Number certificate: revocation record"),
    SlipKind.GUIDANCE: (
        "電子証明書 失効手続きのご案内",
        "How to revoke your My Number certificate",
    ),
}


def mask_imei(imei: str) -> str:
    """The customer copy's IMEI: ``35693803•••••09`` for ``356938035643809``.

    A value too short for that rule (not a real IMEI) keeps only its last two digits.
    """
    if len(imei) > MASK_KEEP_HEAD + MASK_KEEP_TAIL:
        hidden = len(imei) - MASK_KEEP_HEAD - MASK_KEEP_TAIL
        return imei[:MASK_KEEP_HEAD] + MASK_CHAR * hidden + imei[-MASK_KEEP_TAIL:]
    return MASK_CHAR * max(len(imei) - MASK_KEEP_TAIL, 0) + imei[-MASK_KEEP_TAIL:]


def group_fingerprint(hex_digits: str) -> list[str]:
    """The fingerprint in lines of upper-case groups: ``3F2A 9C01 77B0 12EF``."""
    digits = hex_digits.replace(":", "").replace(" ", "").upper()
    groups = [digits[i : i + FINGERPRINT_GROUP] for i in range(0, len(digits), FINGERPRINT_GROUP)]
    per_line = FINGERPRINT_GROUPS_PER_LINE
    return [" ".join(groups[i : i + per_line]) for i in range(0, len(groups), per_line)]


def keywords(snapshot: SlipSnapshot) -> str:
    """The PDF Keywords: the verification payload, tagged with its format."""
    return KEYWORDS_PREFIX + snapshot.qr_payload


def render_slip(snapshot: SlipSnapshot, fmt: SlipFormat) -> bytes:
    """Render ``snapshot`` as an unsigned PDF in ``fmt`` (see the module docstring)."""
    register_fonts()
    out = io.BytesIO()
    size = (THERMAL_PAGE_WIDTH, THERMAL_PAGE_WIDTH) if fmt is SlipFormat.THERMAL else A4_SIZE
    canvas = _new_canvas(out, size)
    title_ja, title_en = TITLES[snapshot.kind]
    canvas.setTitle(f"Revoke Desk slip {snapshot.receipt}")
    canvas.setSubject(f"{title_ja} / {title_en}")
    canvas.setAuthor(snapshot.shop.name)
    canvas.setCreator(CREATOR)
    canvas.setKeywords(keywords(snapshot))
    if fmt is SlipFormat.THERMAL:
        _draw_thermal(canvas, snapshot, lambda: _new_canvas(io.BytesIO(), size))
    else:
        _draw_a4(canvas, snapshot)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _new_canvas(out: io.BytesIO, size: tuple[float, float]) -> Any:
    """A slip's canvas (and the scratch canvas its fixed blocks are recorded on, which
    must be made the same way: see ``layout.replay_fixed``)."""
    return Canvas(out, pagesize=size, initialFontName=REGULAR, initialFontSize=8)


# --- page assembly -----------------------------------------------------------------

THERMAL_COPIES = (Copy.CUSTOMER, Copy.SHOP)  # one page each, in this order


def _draw_thermal(canvas: Any, s: SlipSnapshot, new_canvas: Callable[[], Any]) -> None:
    """Each copy on a page of its own, as long as the copy's content; the blocks that
    are the same on every such slip replayed (``layout.FixedBlock``)."""
    width = THERMAL.width
    fixed: list[layout.FixedBlock] = []
    stories = [_thermal_copy(s, copy, fixed) for copy in THERMAL_COPIES]
    layout.replay_fixed(canvas, fixed, new_canvas)
    for story in stories:
        sizes = [flowable.wrapOn(canvas, width, THERMAL_MAX_LENGTH) for flowable in story]
        page_height = sum(h for _, h in sizes) + 2 * THERMAL_MARGIN
        canvas.setPageSize((THERMAL_PAGE_WIDTH, page_height))
        y = page_height - THERMAL_MARGIN
        for flowable, (w, h) in zip(story, sizes, strict=True):
            y -= h
            centred = getattr(flowable, "hAlign", "LEFT") == "CENTER"
            flowable.drawOn(canvas, THERMAL_MARGIN + ((width - w) / 2 if centred else 0), y)
        canvas.showPage()


@dataclass(frozen=True)
class FittedCopy:
    """One A4 copy laid out for its part of the sheet."""

    column: Any  # the copy as one fixed-width flowable
    height: float  # its natural height (points)
    scale: float  # ≤ 1: how much it is shrunk to fit
    qr_size: float  # the printed width of the QR symbol, quiet zone excluded (points)


def fit_a4_copy(s: SlipSnapshot, copy: Copy, avail: float) -> FittedCopy:
    """Lay out ``copy`` to fit ``avail`` points of height on A4.

    A copy is one fixed-width column.  When it is taller than its part of the sheet it
    is scaled down as a whole (like ``KeepInFrame(mode="shrink")``, but with the scale
    known): the QR code is then built larger by the inverse factor, so that it still
    prints at ``A4.qr_min`` or more.  A larger code can make the copy taller, so the
    scale is found by a few rounds of fixed-point iteration.
    """
    scale = 1.0
    for _ in range(A4_FIT_ROUNDS):
        blocks = _Blocks(s, copy, A4, qr_factor=1 / scale)
        column = _a4_copy(blocks)
        _, height = column.wrap(A4.width, A4_SIZE[1] * 10)
        fitted = min(1.0, avail / height)
        if fitted >= scale * A4_FIT_TOLERANCE:
            break
        scale = fitted
    scale = min(scale, fitted)
    return FittedCopy(column, height, scale, blocks.qr_symbol_size * scale)


@dataclass(frozen=True)
class A4Part:
    """Where one copy goes on A4: its sheet (0 = the first) and its band on it."""

    copy: Copy
    sheet: int
    top: float
    bottom: float

    @property
    def avail(self) -> float:
        """The height a copy may take in its band, margins excluded."""
        return float(self.top - self.bottom - A4_TOP_MARGIN - A4_BOTTOM_MARGIN)


def a4_parts(kind: SlipKind) -> tuple[A4Part, ...]:
    """Each copy on a sheet of its own, the customer copy first.

    The customer copy holds the signed statement with the notices (a confirmation) or
    the full steps for the phone with the phone numbers (a guidance slip); the shop
    copy the record, the statement and the signature.  Shared by a cut line on one
    sheet, both would be shrunk to about four fifths, too small to read at the counter.
    """
    height = A4_SIZE[1]
    return (A4Part(Copy.CUSTOMER, 0, height, 0.0), A4Part(Copy.SHOP, 1, height, 0.0))


def _draw_a4(canvas: Any, s: SlipSnapshot) -> None:
    """Each copy in its part of the sheets (see :func:`a4_parts`), shrunk to fit."""
    page_width = A4_SIZE[0]
    sheet = 0
    for part in a4_parts(s.kind):
        if part.sheet != sheet:
            canvas.showPage()
            sheet = part.sheet
        elif part.bottom > 0:  # two copies on one sheet: the cut line between them
            layout.draw_cut_line(canvas, 0, part.bottom, page_width, CUT_LABEL_SIZE)
        fitted = fit_a4_copy(s, part.copy, part.avail)
        canvas.saveState()
        # A shrunk copy stays centred between the side margins.
        canvas.translate(
            A4_SIDE_MARGIN + A4.width * (1 - fitted.scale) / 2,
            part.top - A4_TOP_MARGIN - fitted.height * fitted.scale,
        )
        canvas.scale(fitted.scale, fitted.scale)
        fitted.column.drawOn(canvas, 0, 0)
        canvas.restoreState()


def _thermal_copy(s: SlipSnapshot, copy: Copy, made: list[layout.FixedBlock]) -> list[Any]:
    """One roll copy: its record-dependent flowables, and between them fixed blocks
    (``_Blocks.fixed``) built from the texts named beside each and nothing else."""
    b = _Blocks(s, copy, THERMAL)
    b.made = made
    w = THERMAL.width
    story = [
        b.fixed(
            "head",
            w,
            {"shop": s.shop, "kind": s.kind},
            lambda f: [
                f.copy_band(w),
                Spacer(0, 2.2 * mm),
                *f.shop(centered=True),
                Spacer(0, 2.4 * mm),
                *f.title(centered=True),
                Spacer(0, 2 * mm),
            ],
        ),
        *b.receipt(w, centered=True),
        Spacer(0, 2 * mm),
        b.details(w),
    ]
    customer = copy is Copy.CUSTOMER
    if s.kind is SlipKind.GUIDANCE:
        reason = {
            "refusal_reason": s.refusal_reason,
            "refusal_heading": s.refusal_heading,
            "outcome": s.outcome,
            "language_note": s.language_note,
        }
        story += [
            b.fixed(
                "refusal",
                w,
                reason,
                lambda f: [Spacer(0, THERMAL.gap), f.refusal(w), *f.language_note(w)],
            ),
            *b.device(w),
        ]
        if customer:
            steps = {"path": s.path, "hotline": s.hotline, "guidance_notes": s.guidance_notes}
            story.append(
                b.fixed(
                    "steps",
                    w,
                    steps,
                    lambda f: [
                        *f.steps(w),
                        Spacer(0, THERMAL.gap),
                        f.hotline(w),
                        *f.notes(w),
                    ],
                )
            )
        else:
            story.append(b.fixed("handed_over", w, {}, lambda f: f.handed_over()))
    else:
        declarations = {
            "statement": s.statement,
            "statement_version": s.statement_version,
            "statement_sha256": s.statement_sha256,
            "statement_language": s.statement_language,
            "language_note": s.language_note,
            "clerk_declaration": s.clerk_declaration,
        }
        story += [
            *b.device(w),
            b.fixed(
                "declarations",
                w,
                declarations,
                lambda f: [*f.statement(w), *f.language_note(w), *f.clerk_declaration(w)],
            ),
            *b.signature(w),
        ]
    if customer:
        notices = {"reset_reminder": s.reset_reminder, "privacy_notice": s.privacy_notice}
        story.append(
            b.fixed(
                "notices",
                w,
                notices,
                lambda f: [Spacer(0, THERMAL.gap), f.reminder(w), *f.privacy(w)],
            )
        )
    return [*story, *b.verification(w)]


# The A4 grid (see _a4_copy): a left block and a right column that holds the copy
# band and the QR code beside it.
A4_GAP = 5 * mm
A4_QR_COLUMN = 40 * mm
A4_LEFT_BLOCK = A4.width - A4_QR_COLUMN - A4_GAP
A4_SHOP_COLUMN = 74 * mm
A4_RECORD_COLUMN = 80 * mm
A4_SIGNATURE_COLUMN = 78 * mm


def _a4_copy(b: _Blocks) -> Any:
    """One copy on A4 as one fixed-width column: a top block (shop, title, receipt,
    details, device | band, QR), then the full-width sections."""
    s, copy = b.s, b.copy
    w, gap = A4.width, A4_GAP
    customer = copy is Copy.CUSTOMER
    left = A4_LEFT_BLOCK
    header = layout.columns(
        [b.shop(centered=False), b.title()],
        [A4_SHOP_COLUMN, left - A4_SHOP_COLUMN - gap],
        gap,
    )
    confirmation = s.kind is SlipKind.CONFIRMATION
    # A confirmation's outcome and path take the full width beneath (see _Blocks.result).
    details = b.details(A4_RECORD_COLUMN, result=not confirmation)
    record = layout.columns(
        [
            [*b.receipt(A4_RECORD_COLUMN), Spacer(0, 1.5 * mm), details],
            b.device(left - A4_RECORD_COLUMN - gap, lead=False),
        ],
        [A4_RECORD_COLUMN, left - A4_RECORD_COLUMN - gap],
        gap,
    )
    top = layout.columns(
        [[header, Spacer(0, 2.5 * mm), record], b.qr_column(A4_QR_COLUMN)],
        [left, A4_QR_COLUMN],
        gap,
    )
    story: list[Any] = [top]
    if s.kind is SlipKind.GUIDANCE:
        story += [Spacer(0, A4.gap), b.refusal(w), *b.language_note(w)]
        if customer:
            half = (w - gap) / 2
            story += [
                *b.steps(w),
                Spacer(0, A4.gap),
                layout.columns([[b.hotline(half)], b.notes(half, lead=False)], [half, half], gap),
            ]
        else:
            story += b.handed_over()
    else:
        main_w = w - A4_SIGNATURE_COLUMN - gap
        story += [
            Spacer(0, A4.gap),
            b.result(w),
            *b.statement(w),
            *b.language_note(w),
            Spacer(0, A4.gap),
            layout.columns(
                [
                    b.clerk_declaration(main_w, lead=False),
                    b.signature(A4_SIGNATURE_COLUMN, lead=False),
                ],
                [main_w, A4_SIGNATURE_COLUMN],
                gap,
            ),
        ]
    if customer:
        story += [Spacer(0, A4.gap), b.reminder(w), *b.privacy(w)]
    story += [Spacer(0, A4.gap), b.fingerprint_line(w)]
    return layout.columns([story], [w], 0)


# --- the blocks both formats are made of ---------------------------------------------


class _Blocks:
    """The sections of one copy of one slip, at the sizes of one format."""

    def __init__(
        self, snapshot: SlipSnapshot, copy: Copy, metrics: Metrics, *, qr_factor: float = 1.0
    ) -> None:
        self.s = snapshot
        self.copy = copy
        self.m = metrics
        self.st = Styles.of(metrics)
        self.qr_factor = qr_factor  # > 1 when the copy will be scaled down by its inverse
        # The roll's fixed blocks, in the order they are made (None: nothing is made
        # fixed, as on A4 and inside a fixed block's own builder).
        self.made: list[layout.FixedBlock] | None = None
        self.qr_symbol_size = 0.0  # set when the QR code is built

    def fixed(
        self,
        name: str,
        width: float,
        fields: dict[str, Any],
        build: Callable[[_Blocks], list[Any]],
    ) -> layout.FixedBlock:
        """A block that is the same on every slip with these ``fields`` (texts of the
        catalogue, the shop's lines; never the record's own data), in this copy and
        format.  ``build`` is given blocks whose snapshot holds *only* ``fields``: a
        builder that reached for anything else (a name, a receipt number) would fail
        at once instead of baking one customer's data into every slip, and the key
        the recording is found by is exactly those fields, the copy, the format and
        the width."""
        copy, metrics = self.copy, self.m
        key = (name, copy, metrics, tuple(sorted(fields.items())))

        def make() -> list[Any]:
            only_fields: Any = SimpleNamespace(**fields)
            return build(_Blocks(only_fields, copy, metrics))

        block = layout.FixedBlock(key, width, make)
        if self.made is not None:
            self.made.append(block)
        return block

    def fixed_value(
        self,
        name: str,
        width: float,
        fields: dict[str, Any],
        build: Callable[[_Blocks], list[Any]],
    ) -> list[Any]:
        """A table cell's content that is a catalogue text (a purpose, an outcome): a
        fixed block on the roll (see :meth:`fixed`), built as it is elsewhere."""
        if self.made is None:
            return build(self)
        return [self.fixed(name, width, fields, build)]

    def _label(self, ja: str, en: str, width: float) -> Any:
        if self.made is None:
            return self.st.label(ja, en)
        return self.fixed("label", width, {"ja": ja, "en": en}, lambda f: [f.st.label(ja, en)])

    def _key_values(self, rows: list[tuple[str, str, list[Any]]], width: float) -> Any:
        return layout.key_values(self.st, rows, width, label=self._label)

    def _section(
        self, ja: str, en: str, body: list[Any], width: float, *, lead: bool = True
    ) -> list[Any]:
        if self.made is None:
            return layout.section(self.st, ja, en, body, width, lead=lead)
        # On the roll, a heading (its gap, its rule) is the same on every slip: a
        # fixed block of its own, even where the body beneath is the record's.
        heading = self.fixed(
            "section heading",
            width,
            {"ja": ja, "en": en, "lead": lead},
            lambda f: layout.section(f.st, ja, en, [], width, lead=lead),
        )
        return [heading, *body]

    def copy_band(self, width: float) -> Any:
        ja, en = self.copy.value
        return layout.Stamp(
            [(f"{ja}　{en}", BOLD, self.m.heading + 1)],
            max_width=width,
            inverse=True,
            full_width=True,
            padding=1.3 * mm,
        )

    def shop(self, *, centered: bool) -> list[Any]:
        """The shop's name, and on the customer copy its licence, address and phone."""
        shop = self.s.shop
        align = 1 if centered else 0
        name_style = self.st.shop_name.clone("shop_name_c", alignment=align)
        line_style = self.st.shop_line.clone("shop_line_c", alignment=align)
        out: list[Any] = [Paragraph(esc(shop.name), name_style)]
        if self.copy is Copy.CUSTOMER:
            out += [
                Spacer(0, 0.6 * mm),
                Paragraph(
                    f"古物商許可番号 {esc(shop.license_no)}（{esc(shop.commission)}）",
                    line_style,
                ),
                Paragraph(esc(shop.address), line_style),
                Paragraph(f"TEL {esc(shop.phone)}", line_style),
            ]
        return out

    def title(self, *, centered: bool = False) -> list[Any]:
        ja, en = TITLES[self.s.kind]
        align = 1 if centered else 0
        return [
            Paragraph(esc(ja), self.st.title.clone("title_c", alignment=align)),
            Paragraph(esc(en), self.st.title_en.clone("title_en_c", alignment=align)),
        ]

    def receipt(self, width: float, *, centered: bool = False) -> list[Any]:
        s, m, st = self.s, self.m, self.st
        align = 1 if centered else 0
        size = layout.fit_font_size(s.receipt, BOLD, m.receipt, width)
        number_style = st.body_bold.clone(
            "receipt", fontSize=size, leading=size * 1.2, alignment=align
        )
        label_style = st.small.clone("receipt_label_c", alignment=align)
        out: list[Any] = [
            Paragraph(f"受付番号&nbsp;&nbsp;{st.en_span('Receipt No.')}", label_style),
            Paragraph(esc(s.receipt), number_style),
        ]
        h_align = "CENTER" if centered else "LEFT"
        if s.is_reprint:
            n = s.reprint_count
            stamp = layout.Stamp(
                [(f"再発行 REPRINT（{n}回目 / #{n}）", BOLD, m.stamp)],
                max_width=width * (1 if centered else 0.62),
                border=1.2,
                padding=1.2 * mm,
            )
            if centered:  # the roll: beneath the number
                stamp.hAlign = h_align
                out += [Spacer(0, 1.2 * mm), stamp]
            else:  # A4: at the right end of the label's line, so it costs no height
                out[0] = layout.columns([[out[0]], [stamp]], [width * 0.38, width * 0.62], 0)
                out[0].setStyle(
                    [
                        ("ALIGN", (-1, 0), (-1, 0), "RIGHT"),
                        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 1 * mm),
                    ]
                )
        if s.voided:
            void = layout.Stamp(
                [
                    ("取消 VOID", BOLD, m.void_stamp),
                    ("この受付は取り消されています / This receipt is void", REGULAR, m.small),
                ],
                max_width=width,
                border=2.4,
            )
            void.hAlign = h_align
            out += [Spacer(0, 1.5 * mm), void]
        return out

    LABELS = (
        ("受付日時", "Date"),
        ("担当者", "Clerk"),
        ("取引", "Transaction"),
        ("結果", "Outcome"),
        ("失効の方法", "Path"),
        ("ご案内", "Guidance"),
        ("署名者", "Signer"),
        ("お名前", "Name"),
    )

    def details(self, width: float, *, result: bool = True) -> Any:
        """Date, clerk, transaction (and, with ``result``, the outcome and the path); on
        the shop copy the name of the customer who signed or was given the guidance."""
        s, st = self.s, self.st
        confirmation = s.kind is SlipKind.CONFIRMATION
        shop = self.copy is Copy.SHOP
        value_width = width - layout.label_column(st, self.LABELS, width)
        purpose = s.purpose
        rows: list[tuple[str, str, list[Any]]] = [
            ("受付日時", "Date", [Paragraph(esc(s.issued_at), st.body)]),
            ("担当者", "Clerk", [Paragraph(esc(s.clerk), st.body)]),
            (
                "取引",
                "Transaction",
                self.fixed_value(
                    "purpose",
                    value_width,
                    {"purpose": purpose},
                    lambda f: f.st.inline(purpose, value_width),
                ),
            ),
        ]
        if result:
            rows += self._result_rows(value_width)
        if not confirmation and shop:  # the customer copy lists the steps instead
            heading = s.path.heading
            guidance = self.fixed_value(
                "guidance", value_width, {"heading": heading}, lambda f: f.st.text(heading)
            )
            rows.append(("ご案内", "Guidance", guidance))
        if shop and s.signer:  # who signed (or was given the guidance), for the file
            label = ("署名者", "Signer") if confirmation else ("お名前", "Name")
            rows.append((*label, [Paragraph(esc(s.signer), st.body_bold)]))
        return self._key_values(rows, width)

    def _result_rows(self, value_width: float) -> list[tuple[str, str, list[Any]]]:
        """What happened to the phone (for the purpose), what was confirmed about the
        certificate, and the path as the customer attested it."""
        s = self.s
        outcome, fact = s.outcome, s.revocation_fact

        def outcome_lines(f: _Blocks) -> list[Any]:
            lines = f.st.inline(outcome, value_width, bold=True)
            if fact is not None:
                lines += f.st.inline(fact, value_width)
            return lines

        fields = {"outcome": outcome, "revocation_fact": fact}
        rows = [
            ("結果", "Outcome", self.fixed_value("outcome", value_width, fields, outcome_lines))
        ]
        if s.kind is SlipKind.CONFIRMATION:
            title, note = s.path.title, s.path_note

            def path_lines(f: _Blocks) -> list[Any]:
                lines = f.st.inline(title, value_width)
                if note is not None:
                    lines += f.st.inline(note, value_width)
                return lines

            fields = {"path_title": title, "path_note": note}
            path = self.fixed_value("path", value_width, fields, path_lines)
            rows.append(("失効の方法", "Path", path))
        return rows

    def result(self, width: float) -> Any:
        """A4's full-width outcome and path of a confirmation, in a box."""
        inner = width - 2 * layout.BOX_PADDING
        value_width = inner - layout.label_column(self.st, self.LABELS, inner)
        table = layout.key_values(self.st, self._result_rows(value_width), inner)
        return layout.boxed([table], width, line_width=1.2)

    def device(self, width: float, *, lead: bool = True) -> list[Any]:
        d, st = self.s.device, self.st
        imei_labels = [f"IMEI {i}" if len(d.imeis) > 1 else "IMEI" for i in range(1, 3)]
        labels = [("メーカー", "Maker"), ("機種", "Model"), ("色", "Colour"), ("容量", "Storage")]
        labels += [("OS", ""), *((label, "") for label in imei_labels)]
        value_width = width - layout.label_column(st, labels, width)
        rows: list[tuple[str, str, list[Any]]] = [
            ("メーカー", "Maker", [Paragraph(esc(d.maker), st.body)]),
            ("機種", "Model", [Paragraph(esc(d.model), st.body)]),
            ("色", "Colour", [Paragraph(esc(d.color), st.body)]),
        ]
        if d.storage:
            rows.append(("容量", "Storage", [Paragraph(esc(d.storage), st.body)]))
        os_label = d.os_label
        os_value = self.fixed_value(
            "os", value_width, {"os_label": os_label}, lambda f: f.st.inline(os_label, value_width)
        )
        rows.append(("OS", "", os_value))
        for i, imei in enumerate(d.imeis, start=1):
            label = f"IMEI {i}" if len(d.imeis) > 1 else "IMEI"
            if self.copy is Copy.CUSTOMER:
                value = st.inline(
                    Text(mask_imei(imei), "一部非表示 / masked"), value_width, bold=True
                )
            else:
                value = [Paragraph(esc(imei), st.body_bold)]
            rows.append((label, "", value))
        table = self._key_values(rows, width)
        return self._section("端末", "Device", [table], width, lead=lead)

    def statement(self, width: float) -> list[Any]:
        s, st = self.s, self.st
        # Which text was signed: the catalogue version and the start of its hash.
        version = f"文面 Text {esc(s.statement_version)}　SHA-256 {esc(s.statement_sha256[:16])}…"
        language = s.statement_language
        content = [
            Paragraph(esc(s.statement.ja), st.statement_ja),
            Spacer(0, 1.2 * mm),
            st.tr(s.statement, st.statement_en),
            Spacer(0, 1.2 * mm),
            Paragraph(
                f"署名時の表示言語: {esc(language.ja)}&nbsp;&nbsp;"
                + st.en_span(f"Language shown and signed: {language.en}", self.m.small_en),
                st.small,
            ),
        ]
        wide = width >= WIDE
        if not wide:
            content += [Spacer(0, 1.2 * mm), Paragraph(version, st.small_en)]
        box = layout.boxed(content, width)
        return layout.section(
            st,
            "ご本人の申告",
            "The holder's declaration",
            [box],
            width,
            aside=Paragraph(version, st.small_en.clone("aside", alignment=2)) if wide else None,
        )

    def language_note(self, width: float) -> list[Any]:
        """On a slip not in Japanese: that the translation is for reference and the
        Japanese text prevails, and the hotline's foreign-language number, each in
        Japanese and in the customer's language."""
        note, st = self.s.language_note, self.st
        if note is None:
            return []
        content = [
            Paragraph(f"<b>{esc(note.prevails.ja)}</b>", st.small),
            st.tr(note.prevails, st.small_en),
            Spacer(0, 1 * mm),
            Paragraph(esc(note.foreign_line.ja), st.small),
            st.tr(note.foreign_line, st.small_en),
            Paragraph(esc(note.number), st.hotline_foreign),
        ]
        return [Spacer(0, self.m.gap), layout.boxed(content, width, line_width=1.2)]

    def clerk_declaration(self, width: float, *, lead: bool = True) -> list[Any]:
        return self._section(
            "担当者の申告",
            "The clerk's declaration",
            self.st.text(self.s.clerk_declaration),
            width,
            lead=lead,
        )

    def signature(self, width: float, *, lead: bool = True) -> list[Any]:
        sig = layout.Signature(
            self.s.signature,
            width=width,
            height=self.m.signature_height,
            note=("署名の記録はありません", "No signature on record"),
            note_size=self.m.small,
        )
        return self._section("ご署名", "Signature", [sig], width, lead=lead)

    def reminder(self, width: float) -> Any:
        st, text = self.st, self.s.reset_reminder
        if width >= WIDE:  # the label leads the line
            content = [
                Paragraph(f"ご注意&nbsp;&nbsp;&nbsp;{esc(text.ja)}", st.body_bold),
                Paragraph(f"Please note:&nbsp;&nbsp;{esc(text.en)}", st.body_en)
                if text.lang == "en"
                else st.tr(text, st.body_en),
            ]
        else:
            content = [
                Paragraph(f"ご注意&nbsp;&nbsp;{st.en_span('Please note')}", st.heading),
                Spacer(0, 0.6 * mm),
                Paragraph(esc(text.ja), st.body_bold),
                st.tr(text, st.body_en),
            ]
        return layout.boxed(content, width, line_width=1.4)

    def privacy(self, width: float) -> list[Any]:
        st, text = self.st, self.s.privacy_notice
        if width >= WIDE:  # the label leads the line
            return [
                Spacer(0, self.m.gap),
                Paragraph(f"<b>個人情報の利用目的</b>&nbsp;&nbsp;{esc(text.ja)}", st.small),
                Paragraph(f"<b>Use of personal data:</b>&nbsp;&nbsp;{esc(text.en)}", st.small_en)
                if text.lang == "en"
                else st.tr(text, st.small_en),
            ]
        return self._section(
            "個人情報の利用目的",
            "Use of personal data",
            [Paragraph(esc(text.ja), st.small), st.tr(text, st.small_en)],
            width,
        )

    def _qr(self) -> Any:
        qr = layout.QrCode(
            self.s.qr_payload,
            module=self.m.qr_module * self.qr_factor,
            min_size=self.m.qr_min * self.qr_factor,
        )
        self.qr_symbol_size = qr.symbol_size
        return qr

    def verification(self, width: float) -> list[Any]:
        """The roll's verification section: the QR code with its caption beside it."""
        s, st = self.s, self.st
        qr = self._qr()
        gap = 3 * mm
        text_width = width - qr.size - gap
        fingerprint = s.certificate_fingerprint  # the station's, the same on all its slips

        def caption(f: _Blocks) -> list[Any]:
            return [
                Paragraph(f"記録の照合用&nbsp;{st.en_span('For checking this record')}", st.small),
                Spacer(0, 1.2 * mm),
                Paragraph(
                    f"端末証明書の指紋 SHA-256<br/>{st.en_span('Station certificate fingerprint')}",
                    st.small,
                ),
                Paragraph("<br/>".join(group_fingerprint(fingerprint)), st.mono),
                Spacer(0, 1.2 * mm),
            ]

        text = [
            *self.fixed_value(
                "verification caption",
                text_width,
                {"certificate_fingerprint": fingerprint},
                caption,
            ),
            Paragraph(f"印刷&nbsp;{st.en_span('Printed')}<br/>{esc(s.printed_at)}", st.small),
        ]
        body = [layout.Beside([[qr], text], [qr.size, text_width], gap)]
        return self._section("検証", "Verification", body, width)

    def qr_column(self, width: float) -> list[Any]:
        """A4's right-hand column: the copy band, the QR code and its caption."""
        st = self.st
        qr = self._qr()
        qr.hAlign = "CENTER"
        return [
            self.copy_band(width),
            Spacer(0, 2 * mm),
            qr,
            Paragraph("記録の照合用", st.centered_small),
            Paragraph("For checking this record", st.centered_en),
            Spacer(0, 1.2 * mm),
            Paragraph(
                f"印刷&nbsp;{st.en_span('Printed')}&nbsp;{esc(self.s.printed_at)}",
                st.centered_small,
            ),
        ]

    def fingerprint_line(self, width: float) -> Any:
        """A4's last line: the station certificate's fingerprint."""
        s, st = self.s, self.st
        groups = " ".join(group_fingerprint(s.certificate_fingerprint))
        return Paragraph(
            f"証明書の指紋 SHA-256&nbsp;{st.en_span('Certificate fingerprint')}"
            f"&nbsp;&nbsp;{esc(groups)}",
            st.mono,
        )

    def refusal(self, width: float) -> Any:
        s, st = self.s, self.st
        reason = s.refusal_reason or s.outcome
        size = self.m.body + 1.5
        big = st.body_bold.clone("reason", fontSize=size, leading=size * 1.4)
        title = s.refusal_heading or s.outcome
        heading = [
            st.run_on(title, st.heading, self.m.body_en)
            if title.lang in SHAPED_LANGUAGES
            else Paragraph(
                f"{esc(title.ja)}{st.joint(title.lang)}"
                f"{st.en_span(title.en, self.m.body_en, title.lang)}",
                st.second(st.heading, title.lang),
            ),
            Spacer(0, 1.2 * mm),
        ]
        if self.copy is Copy.SHOP:  # the shop knows; the reason is what it records
            heading = [Paragraph(f"お断りの理由&nbsp;&nbsp;{st.en_span('Reason')}", st.heading)]
        return layout.boxed(
            [*heading, Paragraph(esc(reason.ja), big), st.tr(reason, st.body_en)],
            width,
            line_width=2,
        )

    def steps(self, width: float) -> list[Any]:
        """Every section of the guidance: a heading, then its numbered steps."""
        st = self.st
        number_col = 5 * mm
        wide = width >= WIDE  # the English runs on after the Japanese
        body: list[Any] = []
        for n, section in enumerate(self.s.path.sections):
            rows = [
                [
                    Paragraph(f"{i}.", st.body_bold),
                    [st.run_on(step)] if wide else st.text(step),
                ]
                for i, step in enumerate(section.steps, start=1)
            ]
            table = Table(
                rows,
                colWidths=[number_col, width - number_col],
                style=layout.table_style(("BOTTOMPADDING", (0, 0), (-1, -1), 2.2)),
            )
            table.hAlign = "LEFT"
            heading = section.heading
            title = (
                [st.run_on(Text(f"■ {heading.ja}", heading.en, heading.lang), st.section_heading)]
                if wide
                else [
                    Paragraph(f"■ {esc(heading.ja)}", st.section_heading),
                    st.tr(heading, st.body_en),
                ]
            )
            body += [*([Spacer(0, 1.6 * mm)] if n else []), *title, Spacer(0, 1 * mm), table]
        return self._section("名義人ご本人が行う手順", "What the holder needs to do", body, width)

    def hotline(self, width: float) -> Any:
        h, st = self.s.hotline, self.st
        return layout.boxed(
            [
                Paragraph(f"電話でのお問い合わせ&nbsp;&nbsp;{st.en_span('By phone')}", st.heading),
                Spacer(0, 1 * mm),
                Paragraph(esc(h.number), st.hotline),
                Paragraph(esc(h.description.ja), st.small),
                st.tr(h.description, st.small_en),
                Spacer(0, 1.4 * mm),
                Paragraph(
                    f"外国語対応&nbsp;&nbsp;{st.en_span('Other languages', self.m.body_en)}",
                    st.body,
                ),
                Paragraph(esc(h.foreign_language), st.hotline_foreign),
            ],
            width,
            line_width=1.4,
        )

    def notes(self, width: float, *, lead: bool = True) -> list[Any]:
        st = self.st
        bullet_col = 3.5 * mm
        body = [
            Table(
                [
                    [
                        Paragraph("・", st.body),
                        [Paragraph(esc(note.ja), st.body), st.tr(note, st.body_en)],
                    ]
                ],
                colWidths=[bullet_col, width - bullet_col],
                style=layout.table_style(("BOTTOMPADDING", (0, 0), (-1, -1), 2)),
            )
            for note in self.s.guidance_notes
        ]
        if not body:
            return []
        return self._section("お願い", "Please note", body, width, lead=lead)

    def handed_over(self) -> list[Any]:
        st = self.st
        return [
            Spacer(0, 1.2 * mm),
            st.run_on(
                Text(
                    "手順と電話番号はお客様控えに記載しています。",
                    "The steps and phone numbers are on the customer copy.",
                ),
                st.small,
                self.m.small_en,
            ),
        ]

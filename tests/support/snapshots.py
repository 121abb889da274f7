"""Sample slip snapshots: what ``desktop`` would build from committed records.

The texts come from the real catalogues in ``desktop/data`` through the same
selections ``desktop.slips.build_snapshot`` makes (``desktop.catalogue``,
``desktop.slip_texts``, ``desktop.statements``: no database); the shop, the device and
the signature are invented.  Each factory returns a fresh :class:`SlipSnapshot`;
``dataclasses.replace`` makes variants, and :func:`confirmation_for` and
:func:`guidance_for` build one for any path, OS, purpose and reason.
"""

from __future__ import annotations

import base64
import hashlib
import math
from dataclasses import replace

from desktop.catalogue import (
    Bilingual,
    RevocationCatalogue,
    bundled_revocation_catalogue,
    catalogue_in,
    statement_catalogue,
)
from desktop.domain import PURPOSE_LABELS, Purpose
from desktop.languages import language as named_language
from desktop.slip_texts import SlipTexts, slip_texts, slip_texts_in
from desktop.statements import CLERK_STATEMENT_ID, statement_id_for
from reports.snapshot import (
    DeviceLines,
    Hotline,
    LanguageNote,
    PathSteps,
    ShopLines,
    SlipKind,
    SlipSnapshot,
    StepSection,
    Stroke,
    Text,
)

IMEI = "356938035643809"
IMEI_2 = "353879234252633"
ENTRY_HASH = hashlib.sha256(b"sample ledger entry").hexdigest()
# A DER ECDSA P-256 signature is 70-72 bytes: base64 of 71 bytes has the real length.
ENTRY_SIGNATURE = base64.b64encode(hashlib.sha512(b"sample signature").digest()[:71]).decode()
# The shape desktop.slips encodes: prefix, station, seq, entry hash, entry signature.
QR_PAYLOAD = f"RD1:S01:42:{ENTRY_HASH}:{ENTRY_SIGNATURE}"
CERTIFICATE_FINGERPRINT = hashlib.sha256(b"sample station certificate").hexdigest()
SELLER = "山田 太郎"

CATALOGUE = bundled_revocation_catalogue()
TEXTS = slip_texts()
NOT_DONE_REASON = Text(TEXTS.refusal_reasons["not_done"].ja, TEXTS.refusal_reasons["not_done"].en)


def _text(node: Bilingual) -> Text:
    return Text(node.ja, node.en, node.lang)


def _in(language: str) -> tuple[SlipTexts, RevocationCatalogue]:
    """The slip texts and the catalogue in Japanese and ``language`` (issue 13), as
    ``desktop.slips.build_snapshot`` picks them."""
    return slip_texts_in(language), catalogue_in(CATALOGUE, language) or CATALOGUE


def language_note(language: str) -> LanguageNote | None:
    if language == "ja":
        return None
    texts = slip_texts_in(language)
    named = named_language(language)
    return LanguageNote(
        language=Text(named.ja, named.native, language),
        prevails=_text(texts.reference_note),
        foreign_line=_text(texts.foreign_language_line),
        number=CATALOGUE.hotline.foreign_language,
    )


GUIDANCE_NOTES = tuple(_text(note) for note in TEXTS.guidance_notes)
RESET_REMINDER = _text(TEXTS.reset_reminder("android"))
PRIVACY_NOTICE = _text(TEXTS.privacy_notice("trade_in"))
MODELS = {
    "android": ("Google", "Pixel 8"),
    "iphone": ("Apple", "iPhone 15"),
    "other": ("Sony", "Xperia 10"),
}


def path(
    path_id: str,
    os: str = "android",
    reason: str | None = None,
    *,
    guidance: bool = False,
    language: str = "ja",
) -> PathSteps:
    """A path of the revocation catalogue, with the sections a guidance slip prints."""
    catalogue = _in(language)[1]
    entry = catalogue.paths[path_id]
    sections = catalogue.guidance(path_id, os, reason) if guidance else ()
    heading = entry.heading
    if guidance and reason in catalogue.refusal_guidance:
        heading = sections[0].heading
    return PathSteps(
        id=path_id,
        title=_text(entry.title),
        heading=_text(heading),
        sections=tuple(
            StepSection(_text(s.heading), tuple(_text(step) for step in s.steps)) for s in sections
        ),
    )


def statement(statement_id: str, language: str = "ja") -> tuple[Text, str, str]:
    """The statement text, its catalogue version, and the SHA-256 of the text shown."""
    catalogue = statement_catalogue()
    shown = catalogue.statement(statement_id, language)
    return _text(catalogue.bilingual(statement_id, language)), catalogue.version, shown.sha256


def hotline(language: str = "ja") -> Hotline:
    catalogue = _in(language)[1]
    return Hotline(
        number=catalogue.hotline.number,
        foreign_language=catalogue.hotline.foreign_language,
        description=_text(catalogue.hotline.description),
    )


def signature_strokes() -> tuple[Stroke, ...]:
    """A plausible handwritten signature on a 600 × 200 pad (y grows downwards):
    two joined-up words with loops of varying height, a slant, and an underline."""

    def stroke(points: list[tuple[float, float]], start_ms: int) -> Stroke:
        return tuple((round(x), round(y), start_ms + 12 * i) for i, (x, y) in enumerate(points))

    def word(x0: float, y0: float, heights: list[float], pitch: float) -> list[tuple[float, float]]:
        # A prolate trochoid: the pen advances while it circles, so each turn leaves a
        # loop; the loop heights vary per letter and the whole word leans right.
        points = []
        per_turn = 28
        for i in range(len(heights) * per_turn + 1):
            t = i / per_turn * 2 * math.pi
            h = heights[min(i // per_turn, len(heights) - 1)]
            y = y0 - h * (1 - math.cos(t)) / 2
            x = x0 + pitch * t / (2 * math.pi) + 0.3 * pitch * math.sin(t) + 0.35 * (y0 - y)
            points.append((x, y))
        return points

    first = word(40, 130, [95, 40, 55, 30, 70], 46)
    second = word(330, 132, [80, 35, 45, 60], 44)
    underline = [(30 + 4.6 * i, 170 - 14 * math.sin(i / 30) + 0.1 * i) for i in range(0, 125)]
    return (stroke(first, 0), stroke(second, 1900), stroke(underline, 3400))


def confirmation_for(
    path_id: str = "app_revoked",
    os: str = "android",
    purpose: str = "trade_in",
    *,
    language: str = "ja",
    suspended_by: str = "",
) -> SlipSnapshot:
    """An accepted intake on ``path_id`` for ``purpose``, signed in ``language``."""
    text, version, digest = statement(statement_id_for(path_id, purpose), language)
    clerk_text, _, _ = statement(CLERK_STATEMENT_ID, language)
    maker, model = MODELS[os]
    ja_purpose, en_purpose = PURPOSE_LABELS[Purpose(purpose)]
    texts = _in(language)[0]
    note = texts.suspended_by(suspended_by) if path_id == "hotline_suspended" else None
    return SlipSnapshot(
        kind=SlipKind.CONFIRMATION,
        shop=ShopLines(
            name="リボーク質店 神田駅前店",
            license_no="第301020001234号",
            commission="東京都公安委員会",
            address="東京都千代田区神田鍛冶町3-2-1 神田駅前ビル1階",
            phone="03-1234-5678",
        ),
        receipt="S01-20261127-0001",
        issued_at="2026-11-27 10:00",
        printed_at="2026-11-27 10:01",
        clerk="C01 佐藤 花子",
        purpose=Text(ja_purpose, en_purpose),
        device=DeviceLines(
            maker=maker,
            model=model,
            color="黒",
            storage="128 GB",
            imeis=(IMEI,),
            os_label=_text(TEXTS.os_label(os)),
        ),
        outcome=_text(texts.outcome("accepted", purpose)),
        revocation_fact=_text(texts.revocation_fact(path_id)),
        refusal_heading=None,
        statement=text,
        statement_version=version,
        statement_sha256=digest,
        statement_language=_text(TEXTS.statement_language(language)),
        signer=SELLER,
        clerk_declaration=clerk_text,
        path=path(path_id, os, language=language),
        path_note=_text(note) if note else None,
        refusal_reason=None,
        guidance_notes=(),
        hotline=hotline(language),
        reset_reminder=_text(texts.reset_reminder(os)),
        privacy_notice=_text(texts.privacy_notice(purpose)),
        signature=signature_strokes(),
        qr_payload=QR_PAYLOAD,
        certificate_fingerprint=CERTIFICATE_FINGERPRINT,
        language=language,
        language_note=language_note(language),
    )


def guidance_for(
    path_id: str = "not_done",
    os: str = "android",
    reason: str = "not_done",
    purpose: str = "trade_in",
    *,
    language: str = "ja",
) -> SlipSnapshot:
    """A refused intake: ``reason`` on ``path_id``, with the guidance for ``os``."""
    first = "app_revoked" if os != "iphone" else "iphone_removed"
    base = confirmation_for(first, os, purpose, language=language)
    texts = _in(language)[0]
    return replace(
        base,
        kind=SlipKind.GUIDANCE,
        receipt="S01-20261127-0002",
        issued_at="2026-11-27 10:20",
        printed_at="2026-11-27 10:21",
        outcome=_text(texts.outcome("refused", purpose)),
        revocation_fact=None,
        refusal_heading=_text(texts.refusal_heading(purpose)),
        refusal_reason=_text(texts.refusal_reasons[reason]),
        path=path(path_id, os, reason, guidance=True, language=language),
        path_note=None,
        guidance_notes=tuple(_text(note) for note in texts.guidance_notes),
        privacy_notice=_text(texts.privacy_notice(purpose, refused=True)),
        signature=(),
    )


def confirmation() -> SlipSnapshot:
    """An ordinary accepted trade-in: one IMEI, revoked in the app, first issue."""
    return confirmation_for()


LONGEST_SHOP_NAME = ("リボーク質店 " + "神田駅前スマートフォン買取センター" * 6)[:100]
LONGEST_ADDRESS = (
    "東京都千代田区神田鍛冶町三丁目2番1号 神田駅前スマートフォン買取センタービル 北館 12階 1203号室 "
    + "（JR神田駅 北口を出て右へ、中央通り沿い 徒歩3分 コンビニエンスストアの隣の建物）" * 4
)[:200]
LONGEST_MODEL = (
    "Galaxy Z Fold7 Enterprise Edition SM-F966Q 国内版 SIMフリー デュアルSIM eSIM対応 限定カラーモデル "
    + "（ドコモ版・au版・ソフトバンク版 共通）" * 3
)[:100]


def worst_case() -> SlipSnapshot:
    """Everything at its longest: shop name 100, address 200 and model 100 characters,
    two IMEIs, the statement shown in English (the Text carries both languages anyway),
    and both marks (a voided receipt's 12th reprint)."""
    base = confirmation_for("app_revoked", "android", "purchase", language="en")
    return replace(
        base,
        signer="長谷川 由紀子 アレクサンドラ・マリア・フォン・ヴィッテルスバッハ",
        shop=replace(
            base.shop,
            name=LONGEST_SHOP_NAME,
            address=LONGEST_ADDRESS,
            license_no="第301020001234号",
            commission="東京都公安委員会",
        ),
        receipt="STATION8-20261231-9999",
        clerk="C0123 長谷川 由紀子（店長代理）",
        purpose=Text("買取", "Purchase"),
        device=replace(
            base.device,
            maker="Samsung Electronics",
            model=LONGEST_MODEL,
            color="シルバーシャドウ",
            storage="1 TB",
            imeis=(IMEI, IMEI_2),
        ),
        reprint_count=12,
        voided=True,
    )


def reprint(count: int = 2) -> SlipSnapshot:
    """The ``count``-th reprint of the ordinary confirmation, a day later."""
    return replace(confirmation(), printed_at="2026-11-28 15:42", reprint_count=count)


def voided_reprint() -> SlipSnapshot:
    """A reprint of the ordinary confirmation after a manager voided it."""
    return replace(reprint(1), voided=True, printed_at="2026-11-28 16:05")


def unsigned() -> SlipSnapshot:
    """The ordinary confirmation after its signature strokes were erased (retention)."""
    return replace(reprint(1), signature=())


def guidance() -> SlipSnapshot:
    """A refused intake (nothing done yet, Android): the full steps, the hotline."""
    return guidance_for()


def worst_case_guidance() -> SlipSnapshot:
    """The guidance slip with the worst case's shop, device and marks."""
    worst = worst_case()
    return replace(
        guidance(),
        shop=worst.shop,
        receipt=worst.receipt,
        clerk=worst.clerk,
        device=worst.device,
        reprint_count=worst.reprint_count,
        voided=worst.voided,
    )

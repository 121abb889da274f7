"""Sample slip snapshots: what ``desktop`` would build from committed records.

The statement, the paths and the hotline come from the real catalogues in
``desktop/data`` (read as plain JSON, so the renderer tests need no database); the
shop, the device and the signature are invented.  Each factory returns a fresh
:class:`SlipSnapshot`; ``dataclasses.replace`` makes variants.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from reports.snapshot import (
    DeviceLines,
    Hotline,
    PathSteps,
    ShopLines,
    SlipKind,
    SlipSnapshot,
    Stroke,
    Text,
)

DATA = Path(__file__).resolve().parents[2] / "desktop" / "data"

IMEI = "356938035643809"
IMEI_2 = "353879234252633"
ENTRY_HASH = hashlib.sha256(b"sample ledger entry").hexdigest()
# A DER ECDSA P-256 signature is 70-72 bytes: base64 of 71 bytes has the real length.
ENTRY_SIGNATURE = base64.b64encode(hashlib.sha512(b"sample signature").digest()[:71]).decode()
# The shape desktop.slips encodes: prefix, station, seq, entry hash, entry signature.
QR_PAYLOAD = f"RD1:S01:42:{ENTRY_HASH}:{ENTRY_SIGNATURE}"
CERTIFICATE_FINGERPRINT = hashlib.sha256(b"sample station certificate").hexdigest()


def _text(node: dict[str, Any]) -> Text:
    return Text(ja=node["ja"], en=node["en"])


@cache
def _catalogue(name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    return result


# The slip's fixed texts, exactly as desktop/data/slip_texts.json gives them to real slips.
_SLIP_TEXTS = _catalogue("slip_texts")
ACCEPTED = _text(_SLIP_TEXTS["outcome"]["accepted"])
REFUSED = _text(_SLIP_TEXTS["outcome"]["refused"])
NOT_DONE_REASON = _text(_SLIP_TEXTS["refusal_reasons"]["not_done"])
GUIDANCE_NOTES = tuple(_text(note) for note in _SLIP_TEXTS["guidance_notes"])
RESET_REMINDER = _text(_SLIP_TEXTS["reset_reminder"])
PRIVACY_NOTICE = _text(_SLIP_TEXTS["privacy_notice"])


def path(path_id: str) -> PathSteps:
    """A path of the revocation catalogue, with its title and steps."""
    for node in _catalogue("revocation_paths")["paths"]:
        if node["id"] == path_id:
            return PathSteps(
                id=path_id,
                title=_text(node["title"]),
                steps=tuple(_text(step) for step in node["steps"]),
            )
    raise KeyError(path_id)


def statement(statement_id: str) -> tuple[Text, str, str]:
    """The statement text, its catalogue version, and a SHA-256 of the text."""
    catalogue = _catalogue("statements")
    text = _text(catalogue["statements"][statement_id])
    digest = hashlib.sha256(f"{text.ja}\n{text.en}".encode()).hexdigest()
    return text, catalogue["version"], digest


def hotline() -> Hotline:
    node = _catalogue("revocation_paths")["hotline"]
    return Hotline(
        number=node["number"],
        foreign_language=node["foreign_language"],
        description=_text(node),
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


def confirmation() -> SlipSnapshot:
    """An ordinary accepted trade-in: one IMEI, revoked in the app, first issue."""
    text, version, digest = statement("customer_revoked")
    clerk_text, _, _ = statement("clerk_no_assist")
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
        purpose=Text("下取り", "Trade-in"),
        device=DeviceLines(
            maker="Google",
            model="Pixel 8",
            color="黒",
            storage="128 GB",
            imeis=(IMEI,),
            os_label=Text("Android", "Android"),
        ),
        outcome=ACCEPTED,
        statement=text,
        statement_version=version,
        statement_sha256=digest,
        clerk_declaration=clerk_text,
        path=path("app_revoked"),
        refusal_reason=None,
        guidance_notes=(),
        hotline=hotline(),
        reset_reminder=RESET_REMINDER,
        privacy_notice=PRIVACY_NOTICE,
        signature=signature_strokes(),
        qr_payload=QR_PAYLOAD,
        certificate_fingerprint=CERTIFICATE_FINGERPRINT,
    )


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
    base = confirmation()
    return replace(
        base,
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
    """A refused intake (nothing done yet): the app steps, the hotline, come back later."""
    base = confirmation()
    return replace(
        base,
        kind=SlipKind.GUIDANCE,
        receipt="S01-20261127-0002",
        issued_at="2026-11-27 10:20",
        printed_at="2026-11-27 10:21",
        outcome=REFUSED,
        refusal_reason=NOT_DONE_REASON,
        path=path("app_revoked"),
        guidance_notes=GUIDANCE_NOTES,
        signature=(),
    )


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

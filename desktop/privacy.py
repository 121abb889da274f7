"""The purpose of use of personal data (利用目的, 個人情報保護法 第21条), as the customer reads it.

The text lives in ``slip_texts.json`` under ``privacy_notice``, the one the slip
prints; the customer's screen shows it *before* they sign.  It is either one text
for every intake (``{"ja": …, "en": …}``) or one per kind of record (``{"ledger":
{…}, "repair": {…}}``: a repair keeps data under a purpose that fits repairs, not
the 古物営業法's).  :func:`privacy_notice` reads both forms.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from desktop.catalogue import Bilingual
from desktop.domain import Purpose

# Which per-purpose text an intake reads, most specific first.
_KEYS: dict[Purpose, tuple[str, ...]] = {
    Purpose.PURCHASE: ("purchase", "ledger"),
    Purpose.TRADE_IN: ("trade_in", "ledger"),
    Purpose.CONSIGNMENT: ("consignment", "ledger"),
    Purpose.REPAIR: ("repair",),
}


@cache
def _bundled_notice() -> object:
    text = resources.files("desktop").joinpath("data", "slip_texts.json").read_text("utf-8")
    raw: dict[str, Any] = json.loads(text)
    return raw["privacy_notice"]


def _is_text(raw: object) -> bool:
    return (
        isinstance(raw, dict)
        and isinstance(raw.get("ja"), str)
        and isinstance(raw.get("en"), str)
        and bool(raw["ja"] and raw["en"])
    )


def privacy_notice(purpose: Purpose | str | None, raw: object = None) -> Bilingual:
    """The notice for an intake of ``purpose`` (None or unknown: the 古物 purchase's).

    ``raw`` is the ``privacy_notice`` value (default: the bundled slip texts).
    """
    notice = _bundled_notice() if raw is None else raw
    if _is_text(notice):
        assert isinstance(notice, dict)
        return Bilingual(notice["ja"], notice["en"])
    if not isinstance(notice, dict):
        raise ValueError("privacy_notice must be a text or one text per purpose")
    try:
        keys = _KEYS[Purpose(str(purpose))]
    except ValueError:
        keys = ("ledger",)
    for key in (*keys, "ledger"):
        if _is_text(notice.get(key)):
            return Bilingual(notice[key]["ja"], notice[key]["en"])
    first = next((value for value in notice.values() if _is_text(value)), None)
    if first is None:
        raise ValueError("privacy_notice has no text in both languages")
    return Bilingual(first["ja"], first["en"])

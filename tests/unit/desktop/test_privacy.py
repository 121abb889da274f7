"""desktop.privacy: the purpose of use shown before the customer signs, in both file forms."""

from __future__ import annotations

import pytest

from desktop.catalogue import Bilingual
from desktop.privacy import privacy_notice

LEDGER = {"ja": "古物営業法に基づく記録のために利用します", "en": "For the dealer's records."}
REPAIR = {"ja": "修理のご連絡のために利用します", "en": "To contact you about the repair."}


def test_the_bundled_notice_is_read_in_both_languages():
    notice = privacy_notice("purchase")
    assert notice.ja and notice.en
    assert notice.ja != notice.en


def test_one_flat_text_serves_every_purpose():
    for purpose in ("purchase", "repair", None):
        assert privacy_notice(purpose, LEDGER) == Bilingual(LEDGER["ja"], LEDGER["en"])


@pytest.mark.parametrize(
    ("purpose", "expected"),
    [("purchase", LEDGER), ("trade_in", LEDGER), ("consignment", LEDGER), ("repair", REPAIR)],
)
def test_a_text_per_purpose_picks_the_ledger_one_or_the_repair_one(purpose, expected):
    raw = {"ledger": LEDGER, "repair": REPAIR}
    assert privacy_notice(purpose, raw) == Bilingual(expected["ja"], expected["en"])


def test_an_unknown_purpose_reads_the_ledger_text_and_a_bad_form_is_refused():
    assert privacy_notice(None, {"repair": REPAIR, "ledger": LEDGER}).ja == LEDGER["ja"]
    assert privacy_notice("repair", {"ledger": LEDGER}).ja == LEDGER["ja"]
    with pytest.raises(ValueError, match="both languages"):
        privacy_notice("purchase", {"ledger": {"ja": "only Japanese"}})
    with pytest.raises(ValueError, match="one text per purpose"):
        privacy_notice("purchase", "a plain string")

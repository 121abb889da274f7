"""desktop.slip_texts: the slip's fixed texts, chosen by purpose, path, OS and outcome."""

from __future__ import annotations

import pytest

from desktop.domain import DeviceOs, Purpose, RefusalReason
from desktop.slip_texts import slip_texts

TEXTS = slip_texts()
PURPOSES = [purpose.value for purpose in Purpose]


def test_the_version_is_bumped_past_the_first_release() -> None:
    assert TEXTS.version == "2026.12.2"  # 2026.12.2: the language note (issue 13)


@pytest.mark.parametrize(
    ("purpose", "accepted", "refused", "heading"),
    [
        ("purchase", "買取いたしました", "買取できませんでした", "本日は買取できません"),
        (
            "trade_in",
            "下取りとしてお引き取りしました",
            "下取りとしてお引き取りできませんでした",
            "本日はお引き取りできません",
        ),
        (
            "consignment",
            "委託をお受けしました",
            "委託をお受けできませんでした",
            "本日は委託をお受けできません",
        ),
        (
            "repair",
            "修理のためお預かりしました",
            "修理のためのお預かりができませんでした",
            "本日は修理のためのお預かりができません",
        ),
    ],
)
def test_the_outcome_line_follows_the_purpose(
    purpose: str, accepted: str, refused: str, heading: str
) -> None:
    assert TEXTS.outcome("accepted", purpose).ja == accepted
    assert TEXTS.outcome("refused", purpose).ja == refused
    assert TEXTS.refusal_heading(purpose).ja == heading
    for line in (
        TEXTS.outcome("accepted", purpose),
        TEXTS.outcome("refused", purpose),
        TEXTS.refusal_heading(purpose),
    ):
        assert line.en
        # お預かり (custody) is right for a repair only, never for a sale.
        assert ("預か" in line.ja) == (purpose == "repair"), line.ja


def test_the_revocation_fact_follows_the_path() -> None:
    assert TEXTS.revocation_fact("app_revoked").ja == "電子証明書の失効を確認しました"
    assert TEXTS.revocation_fact("hotline_suspended").ja == "電子証明書の失効を確認しました"
    assert (
        TEXTS.revocation_fact("never_used").ja == "電子証明書が搭載されていないことを確認しました"
    )
    assert TEXTS.revocation_fact("model_changed").ja == "機種変更により失効したことを確認しました"


@pytest.mark.parametrize("reason", list(RefusalReason))
def test_every_refusal_reason_has_a_purpose_neutral_text(reason: RefusalReason) -> None:
    text = TEXTS.refusal_reasons[reason.value]
    assert text.ja and text.en
    assert "お預かり" not in text.ja  # the heading says what the shop cannot do
    assert "持ち主" not in text.ja
    assert "名義人" in text.ja


def test_someone_else_acted_is_told_how_to_unblock() -> None:
    for reason in ("performed_by_other", "clerk_assisted"):
        text = TEXTS.refusal_reasons[reason]
        assert "すでに失効している可能性" in text.ja
        assert "名義人ご本人が確かめてください" in text.ja
        assert "already be revoked" in text.en
    holder = TEXTS.refusal_reasons["holder_not_present"]
    assert holder.ja.startswith("名義人様へ")
    assert holder.en.startswith("To the certificate holder")


def test_the_reset_reminder_uses_each_phones_own_words() -> None:
    android = TEXTS.reset_reminder(DeviceOs.ANDROID)
    iphone = TEXTS.reset_reminder(DeviceOs.IPHONE)
    assert "スマホ用電子証明書" in android.ja
    assert "初期化の前に失効してください" in android.ja  # revoke before you reset
    assert "iPhoneのマイナンバーカード" in iphone.ja
    assert "スマホ用電子証明書" not in iphone.ja
    assert TEXTS.reset_reminder("other").ja
    assert TEXTS.reset_reminder("unknown") == TEXTS.reset_reminder("other")


def test_the_guidance_notes_say_online_and_welcome_back() -> None:
    notes = " ".join(note.ja for note in TEXTS.guidance_notes)
    assert "インターネットにつながっている必要" in notes
    assert "48時間" in notes
    assert "名義人ご本人にしかできません" in notes
    assert TEXTS.guidance_notes[-1].en == "We look forward to seeing you once it is done."


@pytest.mark.parametrize("purpose", PURPOSES)
def test_the_privacy_notice_fits_the_purpose_and_is_a_sentence(purpose: str) -> None:
    notice = TEXTS.privacy_notice(purpose)
    assert notice.en.startswith("Used ")
    assert "3年間" in notice.ja
    if purpose == "repair":
        assert "古物営業法" not in notice.ja
        assert "修理" in notice.ja
    else:
        assert "古物営業法" in notice.ja
    refused = TEXTS.privacy_notice(purpose, refused=True)
    assert refused.en.startswith("Used only to record")
    assert "古物営業法" not in refused.ja


def test_the_statement_language_and_the_suspension_note() -> None:
    assert TEXTS.statement_language("ja").ja == "日本語"
    assert TEXTS.statement_language("en").en == "English"
    other = TEXTS.suspended_by("other")
    assert other is not None
    assert "一時停止: ご家族など" in other.ja
    assert "失効: 名義人ご本人" in other.ja
    assert TEXTS.suspended_by("") is None

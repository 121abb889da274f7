"""The intake wizard and the law of issue 8: documents, the My Number guard, minors, ¥0,
suspension by family, and several phones of one visit.

Each test drives the real widgets as in test_intake_wizard.py; the rules themselves
are IntakeFlow's (tests/unit/desktop/test_intake_flow.py), here only what the clerk
sees of them and what ends up in the records.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy import select

from db.models import Intake, Person
from desktop.intake_flow import Step
from desktop.minors import MinorsPolicy, set_policy
from tests.gui import test_intake_wizard as base
from tests.gui.helpers import focused
from tests.gui.test_intake_wizard import (
    IMEI,
    SECOND_IMEI,
    answer_revocation,
    choose,
    commit,
    fill,
    fill_device,
    fill_purpose,
    fill_seller,
    intake_body,
    next_page,
    open_wizard,
    problem_texts,
    sign,
)
from ui.intake.pages import PurposePage, RevocationPage, SellerPage
from ui.intake.wizard import IntakeWizard

# The wizard's fixtures: C01 at the counter, the wizard open, a PDF "printer".
clerk_services = base.clerk_services
wizard = base.wizard
printed = base.printed


def seller_page(wizard: IntakeWizard) -> SellerPage:
    page = wizard.pages[Step.SELLER]
    assert isinstance(page, SellerPage)
    return page


def revocation_page(wizard: IntakeWizard) -> RevocationPage:
    page = wizard.pages[Step.REVOCATION]
    assert isinstance(page, RevocationPage)
    return page


def reset_checks(qtbot, wizard: IntakeWizard) -> None:
    for box in wizard.pages[Step.RESET].checks.values():  # type: ignore[attr-defined]
        box.setFocus()
        qtbot.keyClick(box, Qt.Key.Key_Space)


def from_device_to_commit(qtbot, wizard: IntakeWizard, *, imei: str = IMEI) -> str:
    """Device, reset checks, the holder's own revocation, the signature, the commit."""
    fill_device(qtbot, wizard, imei=imei)
    next_page(qtbot, wizard, Step.RESET)
    reset_checks(qtbot, wizard)
    next_page(qtbot, wizard, Step.REVOCATION)
    answer_revocation(qtbot, wizard)
    next_page(qtbot, wizard, Step.CUSTOMER)
    sign(qtbot, wizard)
    return commit(qtbot, wizard)


def intake_count(ctx) -> int:
    with ctx.reading() as session:
        return len(session.scalars(select(Intake)).all())


def person_data(ctx, receipt: str) -> dict[str, Any]:
    with ctx.reading() as session:
        person = session.get(Person, receipt)
        assert person is not None
        return dict(person.data)


# -- identity documents -------------------------------------------------------------------


def test_other_document_asks_for_its_name(qtbot, wizard):
    fill_purpose(qtbot, wizard, price="12000")
    page = seller_page(wizard)
    fill_seller(qtbot, wizard)
    assert not page.sections["id_name"].isVisibleTo(page)

    choose(qtbot, page.id_type, "other")
    fill(qtbot, page.id_number, "S-2026-001")

    assert page.sections["id_name"].isVisibleTo(page)
    assert "必須" in page.sections["id_name"].label.text()
    next_page(qtbot, wizard, Step.SELLER)
    assert "入力してください" in page.sections["id_name"].problem.text()
    assert focused() is page.id_name
    fill(qtbot, page.id_name, "学生証")
    next_page(qtbot, wizard, Step.DEVICE)
    assert wizard.flow is not None
    assert wizard.flow.effective()["seller"]["id_document"] == {
        "type": "other",
        "number": "S-2026-001",
        "name": "学生証",
    }


def test_a_health_insurance_number_is_never_kept(qtbot, wizard, printed, ctx):
    fill_purpose(qtbot, wizard, price="12000")
    page = seller_page(wizard)
    fill_seller(qtbot, wizard)
    choose(qtbot, page.id_type, "passport")
    fill(qtbot, page.id_number, "12345678")

    choose(qtbot, page.id_type, "health_insurance")

    # The typed number is gone, the field is off, and the clerk is told why in the core's words.
    assert page.id_number.text() == "" and not page.id_number.isEnabled()
    assert "健康保険の書類の番号は記録できません" in page.sections["id_number"].problem.text()
    assert "法律で記録できません" in page.sections["id_number"].note.text()
    assert wizard.flow is not None
    assert wizard.flow.section("seller")["id_document"] == {"type": "health_insurance"}
    next_page(qtbot, wizard, Step.DEVICE)

    # A number that reaches the document anyway (a resumed draft) stops the commit.
    flow = wizard.flow
    seller = flow.section("seller")
    fill_device(qtbot, wizard)
    next_page(qtbot, wizard, Step.RESET)
    next_page(qtbot, wizard, Step.REVOCATION)
    answer_revocation(qtbot, wizard, performed_by="other")  # a refusal: no signature to take
    next_page(qtbot, wizard, Step.REVIEW)
    seller["id_document"] = {"type": "health_insurance", "number": "12345678"}
    flow.update({"seller": seller})
    qtbot.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert wizard.receipt is None
    assert flow.step is Step.SELLER
    assert "健康保険の書類の番号は記録できません" in page.sections["id_number"].problem.text()
    assert page.id_number.isEnabled()  # a number is there: the clerk can delete it
    assert intake_count(ctx) == 0


def test_a_licence_number_that_reads_as_a_my_number_is_confirmed_first(qtbot, wizard, dialogs):
    fill_purpose(qtbot, wizard, price="12000")
    page = seller_page(wizard)
    fill_seller(qtbot, wizard)
    fill(qtbot, page.id_number, "1234-5678-9018")  # passes the My Number check digit

    dialogs.answers = [False]
    next_page(qtbot, wizard, Step.SELLER)

    asked = dialogs.messages[-1]
    assert asked.kind == "confirm_unlikely"  # いいえ is the default button
    assert asked.title.startswith("マイナンバーではありませんか？")
    assert "123456789018" in asked.text and "Is this a My Number?" in asked.text
    assert focused() is page.id_number  # No: back on the field
    assert page.id_number.selectedText() == "1234-5678-9018"

    dialogs.answers = [True]
    next_page(qtbot, wizard, Step.DEVICE)

    assert len([m for m in dialogs.messages if m.kind == "confirm_unlikely"]) == 2
    assert wizard.flow is not None
    assert wizard.flow.section("seller")["id_document"]["number"] == "1234-5678-9018"
    qtbot.keyClick(focused(), Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    next_page(qtbot, wizard, Step.DEVICE)  # confirmed once: the same number is not asked again
    assert len([m for m in dialogs.messages if m.kind == "confirm_unlikely"]) == 2


# -- minors (青少年保護育成条例) ------------------------------------------------------------


def fill_guardian(qtbot, page: SellerPage) -> None:
    fill(qtbot, page.guardian_name, "山田 洋子")
    fill(qtbot, page.guardian_relation, "母")
    fill(qtbot, page.guardian_contact, "090-1234-5678")
    choose(qtbot, page.guardian_method, "phone")


def test_a_minor_is_held_until_the_guardian_consents_and_then_committed(
    qtbot, wizard, printed, ctx
):
    fill_purpose(qtbot, wizard, price="12000")
    page = seller_page(wizard)
    fill_seller(qtbot, wizard, birth_date="2010/5/5")

    assert page.guardian_box.isVisibleTo(page)
    assert "16歳" in page.age.text()
    note = page.minors_note.text()
    assert "青少年保護育成条例" in note and "18歳未満" in note
    next_page(qtbot, wizard, Step.SELLER)
    assert "保護者の同意（氏名・続柄・連絡先・確認方法）" in problem_texts(wizard)
    assert focused() is page.guardian_name

    fill_guardian(qtbot, page)
    next_page(qtbot, wizard, Step.DEVICE)
    receipt = from_device_to_commit(qtbot, wizard)

    assert intake_body(ctx, receipt)["minor"] is True
    assert person_data(ctx, receipt)["guardian"] == {
        "name": "山田 洋子",
        "relation": "母",
        "contact": "090-1234-5678",
        "method": "phone",
    }
    assert "保護者の同意" in wizard.review_page.summary.toPlainText()


def test_an_adult_keeps_no_guardian_section(qtbot, wizard):
    fill_purpose(qtbot, wizard, price="12000")
    page = seller_page(wizard)
    fill_seller(qtbot, wizard, birth_date="2010/5/5")
    fill_guardian(qtbot, page)
    fill(qtbot, page.birth_date, "1985/4/1")  # mistyped, then corrected
    assert not page.guardian_box.isVisibleTo(page) and not page.minors_note.isVisibleTo(page)
    next_page(qtbot, wizard, Step.DEVICE)
    assert wizard.flow is not None and "guardian_consent" not in wizard.flow.effective()


def test_a_shop_that_refuses_minors_blocks_the_intake_with_the_rule_named(
    qtbot, clerk_services, ctx
):
    with ctx.transaction() as session:
        set_policy(
            session,
            ctx.signer(),
            MinorsPolicy(consent_accepted=False, prefecture="福岡県"),
            manager="M01",
            now=ctx.clock(),
        )
    wizard = open_wizard(qtbot, clerk_services)
    fill_purpose(qtbot, wizard, purpose="purchase", price="12000")
    page = seller_page(wizard)
    fill_seller(qtbot, wizard, birth_date="2009-12-01")

    note = page.minors_note.text()
    assert "当店は18歳未満の方から買取・下取り・委託をお受けしていません" in note
    assert "福岡県の青少年保護育成条例" in note
    assert not page.guardian_box.isVisibleTo(page)
    next_page(qtbot, wizard, Step.SELLER)
    assert "青少年保護育成条例" in page.sections["birth_date"].problem.text()


# -- ¥0 --------------------------------------------------------------------------------------


def test_a_zero_yen_purchase_is_confirmed_and_a_repair_is_not(qtbot, wizard, dialogs):
    page = wizard.pages[Step.PURPOSE]
    assert isinstance(page, PurposePage)
    choose(qtbot, page.purpose, "purchase")
    fill(qtbot, page.price, "0")

    dialogs.answers = [False]
    next_page(qtbot, wizard, Step.PURPOSE)
    asked = dialogs.messages[-1]
    assert asked.kind == "confirm_unlikely"
    assert "買取の金額が0円になっています" in asked.text
    assert "Purchase for ¥0" in asked.text
    assert focused() is page.price

    dialogs.answers = [True]
    next_page(qtbot, wizard, Step.SELLER)

    qtbot.keyClick(focused(), Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    choose(qtbot, page.purpose, "repair")
    asked_before = len(dialogs.messages)
    next_page(qtbot, wizard, Step.SELLER)
    assert len(dialogs.messages) == asked_before  # a repair for ¥0 is ordinary


# -- the hotline path -----------------------------------------------------------------------


def test_suspension_by_family_on_the_hotline_path_is_accepted(qtbot, wizard, printed, ctx):
    fill_purpose(qtbot, wizard, price="12000")
    fill_seller(qtbot, wizard)
    next_page(qtbot, wizard, Step.DEVICE)
    fill_device(qtbot, wizard)
    next_page(qtbot, wizard, Step.RESET)
    reset_checks(qtbot, wizard)
    next_page(qtbot, wizard, Step.REVOCATION)
    page = revocation_page(wizard)
    assert not page.suspended_section.isVisibleTo(page)

    choose(qtbot, page.used, "yes")
    choose(qtbot, page.path, "hotline_suspended")
    assert page.suspended_section.isVisibleTo(page)
    assert "一時停止のあと、失効の手続きをしたのは" in page.performed_section.label.text()
    # A phone suspended after loss or theft is at the counter: the 不正品 question is put.
    assert "不正品の疑い" in page.suspended_section.note.text()
    choose(qtbot, page.performed_by, "self")
    choose(qtbot, page.holder, "yes")
    page.clerk_check.setFocus()
    qtbot.keyClick(page.clerk_check, Qt.Key.Key_Space)
    next_page(qtbot, wizard, Step.REVOCATION)  # who suspended is still unanswered
    assert "数字キー 1〜3" in page.suspended_section.problem.text()

    choose(qtbot, page.suspended_by, "other")  # family in Japan phoned for the holder abroad
    assert "受け付けられます" in page.outcome.text()
    next_page(qtbot, wizard, Step.CUSTOMER)
    sign(qtbot, wizard)
    assert "一時停止した人" in wizard.review_page.summary.toPlainText()
    receipt = commit(qtbot, wizard)

    body = intake_body(ctx, receipt)
    assert body["outcome"] == "accepted"
    assert (body["revocation"]["suspended_by"], body["revocation"]["performed_by"]) == (
        "other",
        "self",
    )


def test_the_path_list_is_the_catalogues_for_the_phones_os(qtbot, wizard):
    fill_purpose(qtbot, wizard, price="12000")
    fill_seller(qtbot, wizard)
    next_page(qtbot, wizard, Step.DEVICE)
    fill_device(qtbot, wizard)
    next_page(qtbot, wizard, Step.RESET)
    next_page(qtbot, wizard, Step.REVOCATION)
    assert wizard.flow is not None
    assert revocation_page(wizard).path.values() == [p.id for p in wizard.flow.path_choices()]


# -- several phones of one visit ----------------------------------------------------------


def test_another_phone_of_the_same_customer_joins_the_transaction(
    qtbot, wizard, printed, ctx, clock
):
    # The first phone: a ¥6,000 purchase, exempt on its own, so only the name is given.
    fill_purpose(qtbot, wizard, purpose="purchase", price="6000")
    page = seller_page(wizard)
    fill(qtbot, page.name, "山田 太郎")
    next_page(qtbot, wizard, Step.DEVICE)
    first = from_device_to_commit(qtbot, wizard)
    assert wizard.another_button.isVisible()

    clock.advance(minutes=3)
    qtbot.keyClick(focused(), Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)

    flow = wizard.flow
    assert flow is not None and flow.step is Step.PURPOSE and wizard.receipt is None
    assert flow.transaction_with() == first
    purpose = wizard.pages[Step.PURPOSE]
    assert isinstance(purpose, PurposePage)
    assert purpose.purpose.value() == "purchase" and purpose.price.text() == ""
    assert first in purpose.transaction_note.text() and "2台目" in purpose.transaction_note.text()
    fill(qtbot, purpose.price, "6000")
    assert "¥12,000" in purpose.transaction_total.text()
    next_page(qtbot, wizard, Step.SELLER)

    # Together they are one ¥12,000 purchase: the ledger fields are required now.
    assert page.name.text() == "山田 太郎"
    assert "法律で必須" in page.ledger_note.text()
    next_page(qtbot, wizard, Step.SELLER)
    assert "入力してください" in page.sections["address"].problem.text()
    fill_seller(qtbot, wizard)
    next_page(qtbot, wizard, Step.DEVICE)
    second = from_device_to_commit(qtbot, wizard, imei=SECOND_IMEI)

    body = intake_body(ctx, second)
    assert (body["transaction"], body["transaction_total_yen"]) == (first, 12000)
    assert intake_body(ctx, first)["transaction"] == ""
    summary = wizard.review_page.summary.toPlainText()
    assert first in summary and "¥12,000" in summary


def test_another_phone_is_not_offered_after_a_refusal(qtbot, wizard, printed):
    fill_purpose(qtbot, wizard, price="12000")
    fill_seller(qtbot, wizard)
    next_page(qtbot, wizard, Step.DEVICE)
    fill_device(qtbot, wizard)
    next_page(qtbot, wizard, Step.RESET)
    next_page(qtbot, wizard, Step.REVOCATION)
    answer_revocation(qtbot, wizard, performed_by="staff")
    next_page(qtbot, wizard, Step.REVIEW)
    commit(qtbot, wizard)
    assert not wizard.another_button.isVisible()
    qtbot.keyClick(focused(), Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert wizard.receipt is not None  # nothing started

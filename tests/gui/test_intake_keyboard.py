"""The whole clerk path of an intake with the keyboard and a barcode scanner only.

No test here sets the focus or clicks: every key goes to whichever widget has the
focus, as at a counter, and each step checks where the focus went.  The one mouse
in this file is the customer's, on the signature pad of the customer screen.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from db.models import Intake
from desktop.clerks import list_clerks
from desktop.intake_flow import Step
from desktop.settings import PRINTER_THERMAL
from tests.conftest import example_document
from tests.gui.helpers import focused, press, show, type_text
from tests.gui.test_intake_wizard import IMEI, sign
from tests.support.pdfs import pdf_text, squeeze
from ui.intake.pages import DevicePage, PurposePage, ResetPage, RevocationPage, SellerPage
from ui.intake.wizard import IntakeWizard
from ui.services import Services

ENTER = Qt.Key.Key_Return
TAB = Qt.Key.Key_Tab


@pytest.fixture
def wizard(qtbot, services: Services, tmp_path: Path) -> IntakeWizard:
    with services.ctx.reading() as session:
        services.state.clerk = next(c for c in list_clerks(session) if c.code == "C01")
    services.settings.set(PRINTER_THERMAL, f"pdf:{tmp_path / 'printed'}")
    window = IntakeWizard(services)
    qtbot.addWidget(window)
    window.resize(1280, 860)
    show(qtbot, window)
    return window


# The clerk's keys an accepted Android intake takes beyond the data itself (the typed
# text and the scanned IMEI): docs/PERFORMANCE.md records it; the limit is 30.
KEYSTROKE_LIMIT = 30
pressed_keys: list[str] = []


def key(qtbot, pressed: Qt.Key, then_focus: QWidget | None = None) -> None:
    """Press a key in the focused widget; optionally check where the focus went."""
    press(qtbot, pressed)
    pressed_keys.append(Qt.Key(pressed).name)
    if then_focus is not None:
        assert focused() is then_focus, (focused().objectName(), then_focus.objectName())


def typed(qtbot, text: str, then: Qt.Key, then_focus: QWidget) -> None:
    type_text(qtbot, text)
    key(qtbot, then, then_focus)


def test_the_whole_accepted_intake_with_the_keyboard_only(qtbot, wizard, services, tmp_path):
    pressed_keys.clear()
    pages = wizard.pages
    purpose, seller = pages[Step.PURPOSE], pages[Step.SELLER]
    device, reset = pages[Step.DEVICE], pages[Step.RESET]
    revocation = pages[Step.REVOCATION]
    assert isinstance(purpose, PurposePage) and isinstance(seller, SellerPage)
    assert isinstance(device, DevicePage) and isinstance(reset, ResetPage)
    assert isinstance(revocation, RevocationPage)

    # 1. Purpose and price: a number key answers and moves on; Enter on the last field too.
    assert focused() is purpose.purpose
    key(qtbot, Qt.Key.Key_2, purpose.price)
    assert purpose.purpose.value() == "trade_in"
    typed(qtbot, "１２，０００", ENTER, seller.name)  # full-width, as an IME gives it
    assert wizard.flow is not None and wizard.flow.document["price_yen"] == 12000
    assert wizard.position.text() == "2 / 7"

    # 2. Seller: Enter goes from field to field.
    typed(qtbot, "山田 太郎", ENTER, seller.kana)
    typed(qtbot, "ヤマダ タロウ", ENTER, seller.address)
    typed(qtbot, "東京都千代田区千代田1-1", ENTER, seller.occupation)
    typed(qtbot, "会社員", ENTER, seller.birth_date)
    typed(qtbot, "19850401", ENTER, seller.id_type)
    key(qtbot, Qt.Key.Key_1, seller.id_number)  # 運転免許証
    typed(qtbot, "123456789012", ENTER, device.os)

    # 3. Device: the scanner types the IMEI and Enter; the focus moves on by itself.
    key(qtbot, Qt.Key.Key_1, device.maker)  # Android
    typed(qtbot, "Google", ENTER, device.model)
    typed(qtbot, "Pixel 8", ENTER, device.color)
    typed(qtbot, "黒", ENTER, device.storage)
    typed(qtbot, "128", ENTER, device.imei1)
    qtbot.keyClicks(focused(), IMEI)
    key(qtbot, ENTER, device.imei2)  # checked at once, on to the second IMEI
    assert "✓" in device.imei1.status.text()
    key(qtbot, ENTER, device.serial)  # no second IMEI: Enter on the empty field
    key(qtbot, ENTER, device.network)
    key(qtbot, Qt.Key.Key_1, device.stolen)  # ○
    key(qtbot, ENTER, reset.all_done)

    # 4. Reset checks: Enter on "all checks done" ticks every one and moves on.
    key(qtbot, ENTER, revocation.used)
    assert all(box.isChecked() for box in reset.checks.values())

    # 5. Revocation: number keys answer and move on; the path's steps show beside.
    key(qtbot, Qt.Key.Key_1, revocation.path)  # yes
    key(qtbot, Qt.Key.Key_1, revocation.performed_by)  # the Mynaportal app
    assert "マイナポータルアプリを開き" in revocation.steps.text()
    key(qtbot, Qt.Key.Key_1, revocation.holder)  # the holder themself
    key(qtbot, Qt.Key.Key_1, revocation.clerk_check)  # yes
    key(qtbot, Qt.Key.Key_Space)
    key(qtbot, ENTER)
    assert wizard.flow.step is Step.CUSTOMER

    # 6. The customer signs on the pad (the customer's mouse, not the clerk's).
    sign(qtbot, wizard)

    # 7. Review: the commit button has the focus; Alt+← and back again keep everything.
    assert wizard.flow.step is Step.REVIEW
    assert focused() is wizard.next_button
    assert "Ctrl+Enter" in wizard.next_button.text()
    qtbot.keyClick(focused(), Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert wizard.flow.step is Step.CUSTOMER  # a changed intake must be signed again
    qtbot.keyClick(focused(), Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert wizard.flow.step is Step.REVOCATION
    assert focused() is revocation.used and revocation.used.value() == "yes"
    qtbot.keyClick(focused(), Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    sign(qtbot, wizard)
    qtbot.keyClick(focused(), ENTER, Qt.KeyboardModifier.ControlModifier)
    pressed_keys.append("Ctrl+Enter")
    # (The detour back and forth above checks that nothing is lost; it is not counted.)
    assert len(pressed_keys) <= KEYSTROKE_LIMIT, pressed_keys
    assert len(pressed_keys) == 27, pressed_keys  # docs/PERFORMANCE.md: update both together

    # 8. Committed and printed; Enter begins the next intake.
    assert wizard.receipt is not None
    receipt = wizard.receipt.number
    assert receipt in wizard.done_page.receipt.text()
    with services.ctx.reading() as session:
        intake = session.get(Intake, receipt)
        assert intake is not None and (intake.outcome, intake.imei1) == ("accepted", IMEI)
    assert squeeze(receipt) in squeeze(pdf_text(tmp_path / "printed" / f"{receipt}.pdf"))
    assert focused() is wizard.new_button
    key(qtbot, ENTER, purpose.purpose)
    assert wizard.flow.step is Step.PURPOSE and purpose.price.text() == ""
    assert QApplication.focusWidget() is purpose.purpose


def test_enter_on_the_review_reaches_the_commit_button_without_committing(qtbot, wizard):
    flow = wizard.flow
    assert flow is not None
    document = example_document()
    document["revocation"]["performed_by"] = "staff"  # a refusal: no signature needed
    for keys in (
        ("purpose", "price_yen"),
        ("seller",),
        ("device",),
        ("reset_checks",),
        ("revocation", "clerk_did_not_assist"),
    ):
        flow.update({name: document[name] for name in keys})
        assert flow.next().moved
    wizard.start()  # shows the flow's step, as after an unlock
    assert flow.step is Step.REVIEW
    assert focused() is wizard.next_button
    for _ in range(8):  # back through the footer to the review's own fields
        if focused() is wizard.review_page.preview:
            break
        qtbot.keyClick(focused(), Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert focused() is wizard.review_page.preview

    key(qtbot, ENTER, wizard.next_button)

    assert wizard.receipt is None
    key(qtbot, ENTER)  # the focused commit button
    assert wizard.receipt is not None

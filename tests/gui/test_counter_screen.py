"""The counter as a shop runs it: the customer's screen is the customer's, Qt speaks
Japanese, a stray Enter never throws work away, and the focus is always visible."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QCheckBox, QMessageBox, QPushButton

from desktop.clerks import list_clerks
from desktop.intake_flow import Step
from desktop.settings import CUSTOMER_SCREEN
from tests.gui.test_intake_wizard import answer_revocation, next_page, to_revocation
from ui import palette
from ui.i18n import install_language
from ui.intake.pages import CustomerPage, RevocationPage
from ui.intake.wizard import IntakeWizard
from ui.main_window import HISTORY, INTAKE, MainWindow
from ui.services import DialogService, question_box
from ui.settings_view import SettingsView

ROOT = Path(__file__).resolve().parents[2]


def unlock(services, code: str = "C01") -> None:
    with services.ctx.reading() as session:
        clerk = next(c for c in list_clerks(session) if c.code == code)
    services.state.clerk = clerk
    services.events.unlocked.emit(clerk)


@pytest.fixture
def at_customer(qtbot, main_window: MainWindow, services) -> IntakeWizard:
    """The main window with an intake at the customer's statement, in this window."""
    services.settings.set(CUSTOMER_SCREEN, "main")
    unlock(services)
    main_window.intake_action.trigger()
    wizard = main_window.screen_widget(INTAKE)
    assert isinstance(wizard, IntakeWizard)
    to_revocation(qtbot, wizard)
    answer_revocation(qtbot, wizard)
    next_page(qtbot, wizard, Step.CUSTOMER)
    return wizard


# --- the customer's screen is the customer's --------------------------------------------


def test_while_the_customer_signs_the_clerk_s_screens_are_out_of_reach(
    qtbot, main_window, at_customer
):
    assert main_window.is_customer_facing()
    assert not main_window.toolbar.isVisible()
    for action in (
        main_window.history_action,
        main_window.settings_action,
        main_window.dayclose_action,
        main_window.home_action,
        main_window.intake_action,
    ):
        assert not action.isEnabled(), action.objectName()
    # F3 (History) typed on the customer's screen does nothing.
    qtbot.keyClick(at_customer, Qt.Key.Key_F3)
    assert main_window.current_screen_name() == INTAKE
    assert main_window.lock_action.isEnabled()  # the clerk can still lock (the draft stays)


def test_the_clerk_s_screens_come_back_when_the_customer_has_signed(
    qtbot, main_window, at_customer
):
    from tests.gui.test_intake_wizard import sign

    sign(qtbot, at_customer)
    assert at_customer.flow is not None and at_customer.flow.step is Step.REVIEW
    assert not main_window.is_customer_facing()
    assert main_window.toolbar.isVisible()
    assert main_window.history_action.isEnabled()
    main_window.history_action.trigger()
    assert main_window.current_screen_name() == HISTORY


def test_after_a_lock_at_the_customer_s_page_the_screens_stay_shut(
    qtbot, main_window, services, at_customer
):
    main_window.lock()
    unlock(services)
    assert main_window.current_screen_name() == INTAKE
    assert main_window.is_customer_facing()
    assert not main_window.history_action.isEnabled()


def test_the_customer_s_stop_is_answered_on_the_customer_s_side(qtbot, at_customer):
    page = at_customer.pages[Step.CUSTOMER]
    assert isinstance(page, CustomerPage)
    screen = page.customer_screen
    cancel = next(b for b in screen.findChildren(QPushButton) if b.text() == "やめる")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert "係員に伝えました" in screen.message()
    assert "取りやめました" in page.status.text()  # and the clerk's line says it too


def test_the_customer_screen_setting_is_in_the_station_tab(qtbot, services):
    unlock(services, "M01")
    view = SettingsView(services)
    qtbot.addWidget(view)
    view.show()
    combo = view.station_panel.customer_screen_combo
    assert [combo.itemData(i) for i in range(combo.count())] == list(CUSTOMER_SCREEN.choices)
    combo.setCurrentIndex(combo.findData("second"))
    combo.activated.emit(combo.currentIndex())
    assert services.settings.get(CUSTOMER_SCREEN) == "second"


PLACE_SCRIPT = """
import json, sys
from PySide6.QtWidgets import QApplication, QWidget
from ui.customer import show_on_customer_screen
app = QApplication([])
results = {}
for mode in ("auto", "main", "second"):
    widget = QWidget()
    placed = show_on_customer_screen(widget, mode=mode)
    results[mode] = [placed, widget.screen().name() if placed else None]
    widget.close()
results["screens"] = [s.name() for s in app.screens()]
print(json.dumps(results))
"""


@pytest.mark.parametrize(
    ("screens", "expected"),
    [
        (
            2,
            {"auto": [True, "customer"], "main": [False, None], "second": [True, "customer"]},
        ),
        (1, {"auto": [False, None], "main": [False, None], "second": [False, None]}),
    ],
    ids=["two-screens", "one-screen"],
)
def test_the_customer_screen_goes_where_the_setting_says(tmp_path, screens, expected):
    """Two virtual screens (Qt's offscreen platform with a screen layout file)."""
    layout = [
        {"name": "clerk", "x": 0, "y": 0, "width": 1366, "height": 768, "logicalDpi": 96},
        {"name": "customer", "x": 1366, "y": 0, "width": 1024, "height": 768, "logicalDpi": 96},
    ][:screens]
    config = tmp_path / "screens.json"
    config.write_text(json.dumps({"screens": layout}), encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    result = subprocess.run(
        [sys.executable, "-c", PLACE_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    placed = json.loads(result.stdout.strip().splitlines()[-1])
    assert len(placed.pop("screens")) == screens
    assert placed == expected


def test_with_second_required_and_none_there_the_clerk_is_told(
    qtbot, main_window, services, at_customer
):
    services.settings.set(CUSTOMER_SCREEN, "second")
    at_customer.back_button.click()  # to the revocation page, and on again
    assert at_customer.flow is not None and at_customer.flow.step is Step.REVOCATION
    at_customer.next_button.click()
    assert at_customer.flow.step is Step.CUSTOMER
    page = at_customer.pages[Step.CUSTOMER]
    assert isinstance(page, CustomerPage)
    assert "2台目" in page.status.text()


# --- Qt's own texts in Japanese, and the safe answer by default --------------------------


def test_qt_s_own_buttons_speak_japanese():
    box = question_box(None, "t", "x")
    no = box.button(QMessageBox.StandardButton.No)
    assert no is not None and "いいえ" in no.text()


def test_in_english_qt_s_buttons_are_english():
    install_language("en")
    try:
        box = question_box(None, "t", "x")
        no = box.button(QMessageBox.StandardButton.No)
        assert no is not None and no.text().replace("&", "") == "No"
    finally:
        install_language("ja")


def test_a_stray_enter_on_a_discarding_question_answers_no(qtbot):
    def press_enter() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        qtbot.keyClick(box, Qt.Key.Key_Return)

    QTimer.singleShot(50, press_enter)
    assert DialogService().confirm(None, "中止", "受付を破棄しますか？") is False


# --- the focus is always visible ----------------------------------------------------------


def _frame_colours(widget) -> set[str]:
    image = widget.grab().toImage()
    y = image.height() // 2
    return {QColor(image.pixel(x, y)).name() for x in range(3)}


def test_a_focused_answer_group_and_check_box_show_the_focus_frame(qtbot, services):
    unlock(services)
    wizard = IntakeWizard(services)
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.pages[Step.REVOCATION]
    assert isinstance(page, RevocationPage)
    wizard.stack.setCurrentWidget(page)
    # The page renames its answer groups after their fields; the frame must survive that.
    assert page.used.objectName() == "certificate_used"
    page.used.setFocus()
    qtbot.waitUntil(page.used.hasFocus)
    assert palette.FOCUS in _frame_colours(page.used)
    box = page.clerk_check
    assert isinstance(box, QCheckBox)
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    assert palette.FOCUS in _frame_colours(box)
    assert palette.FOCUS not in _frame_colours(page.used)
    services.state.drafts.discard()


# --- messages -------------------------------------------------------------------------------


@pytest.fixture
def wizard(qtbot, services) -> IntakeWizard:
    unlock(services)
    wizard = IntakeWizard(services)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    yield wizard
    services.state.drafts.discard()


def price_problem(wizard: IntakeWizard) -> str:
    page = wizard.pages[Step.PURPOSE]
    label = next(label for field, _w, label in page._targets if field == "price_yen")
    return label.text() if label.isVisible() else ""


def test_a_negative_price_says_0_or_more_and_the_message_goes_when_corrected(qtbot, wizard):
    from tests.gui.test_intake_wizard import choose, fill

    page = wizard.pages[Step.PURPOSE]
    choose(qtbot, page.purpose, "trade_in")
    fill(qtbot, page.price, "-5000")
    qtbot.keyClick(page.price, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert wizard.flow is not None and wizard.flow.step is Step.PURPOSE
    shown = price_problem(wizard)
    assert "0以上" in shown and "0 or more" in shown
    assert "整数" not in shown
    fill(qtbot, page.price, "12000")
    assert price_problem(wizard) == ""


def test_the_first_problem_is_scrolled_into_view(qtbot, wizard):
    from tests.gui.test_intake_wizard import fill, fill_purpose, fill_seller

    wizard.resize(900, 360)  # a page taller than the room: it scrolls
    fill_purpose(qtbot, wizard, price="12000")
    fill_seller(qtbot, wizard)
    page = wizard.pages[Step.SELLER]
    fill(qtbot, page.birth_date, "1985/13/45")  # no such date; the field has the focus
    scroll = page.parentWidget().parentWidget()
    bar = scroll.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(0)  # the clerk scrolled back up with the mouse wheel
    assert page.birth_date.visibleRegion().isEmpty()
    qtbot.keyClick(page.birth_date, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert wizard.flow is not None and wizard.flow.step is Step.SELLER
    assert page.birth_date.hasFocus()
    assert not page.birth_date.visibleRegion().isEmpty()


def test_choosing_iphone_fills_the_maker_apple_and_a_digit_moves_on(qtbot, wizard):
    from tests.gui.test_intake_wizard import fill_purpose, fill_seller, next_page

    fill_purpose(qtbot, wizard, price="12000")
    fill_seller(qtbot, wizard)
    next_page(qtbot, wizard, Step.DEVICE)
    page = wizard.pages[Step.DEVICE]
    page.os.setFocus()
    qtbot.waitUntil(page.os.hasFocus)
    qtbot.keyClick(page.os, Qt.Key(Qt.Key.Key_1 + page.os.values().index("iphone")))
    assert page.maker.text() == "Apple"
    assert page.maker.hasFocus()  # the digit answered and moved on

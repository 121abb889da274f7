"""The lock screen, the lockout after wrong PINs, and the idle lock that keeps a draft."""

from __future__ import annotations

import json
import logging

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget
from sqlalchemy import select

from db.models import Clerk, LedgerEntry
from desktop.clerks import MAX_FAILED_ATTEMPTS, Role
from desktop.settings import IDLE_LOCK_MINUTES
from tests.conftest import CLERK_PIN, MANAGER_PIN
from tests.gui.helpers import HandTimer, focused, press, shortcut, show, type_text, unlock
from ui.lock_screen import MS_PER_MINUTE
from ui.main_window import HISTORY, HOME, INTAKE, LOCK, MainWindow
from ui.services import Services


class DraftScreen(QWidget):
    """Stands in for the intake wizard: shows whatever draft the counter state holds."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.label = QLabel()
        QVBoxLayout(self).addWidget(self.label)
        if services.state.drafts.flow is None:
            assert services.state.clerk is not None
            services.state.drafts.keep({"imei": "356938035643809"}, services.state.clerk.code)
        self.draft = services.state.drafts.flow


class Plain(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)


@pytest.fixture
def window(qtbot, services, idle_timer):
    """The main window with stand-in screens, so these tests depend on no other screen."""
    main = MainWindow(
        services,
        screens={INTAKE: DraftScreen, HISTORY: Plain, "settings": Plain},
        idle_timer=idle_timer,
    )
    qtbot.addWidget(main)
    show(qtbot, main)
    yield main
    services.state.drafts.discard()


def failed_attempts(ctx, code: str) -> int:
    with ctx.reading() as session:
        return session.scalars(select(Clerk.failed_attempts).where(Clerk.code == code)).one()


def test_the_window_opens_locked_with_the_code_field_focused(window, services):
    assert window.current_screen_name() == LOCK
    assert focused() is window.lock_screen.code_edit
    assert services.state.clerk is None
    assert not window.intake_action.isEnabled()
    assert window.lock_screen.shop_name.text() == "リボーク質店 千代田店"


def test_the_pin_field_is_masked_and_takes_digits_only(qtbot, window):
    pin = window.lock_screen.pin_edit
    assert pin.echoMode() == pin.EchoMode.Password
    pin.setFocus()
    type_text(qtbot, "12a3-4")
    assert pin.text() == "1234"


def test_the_right_pin_unlocks_and_announces_the_clerk(qtbot, window, services):
    with qtbot.waitSignal(services.events.unlocked) as unlocked:
        unlock(qtbot, window, "C01", CLERK_PIN)
    clerk = unlocked.args[0]
    assert (clerk.code, clerk.role) == ("C01", Role.CLERK)
    assert services.state.clerk == clerk
    assert window.current_screen_name() == HOME
    assert "佐藤 花子" in window.clerk_label.text()
    assert window.intake_action.isEnabled()


def test_a_lower_case_code_is_taken_as_capitals(qtbot, window, services):
    unlock(qtbot, window, "c01", CLERK_PIN)
    assert services.state.clerk is not None
    assert services.state.clerk.code == "C01"


def test_a_wrong_pin_says_so_and_stays_locked(qtbot, window, services, ctx):
    unlock(qtbot, window, "C01", "0000")
    message = window.lock_screen.message.text()
    assert "担当者コードまたはPINが違います" in message
    assert "wrong clerk code or PIN" in message
    assert services.state.clerk is None
    assert window.current_screen_name() == LOCK
    assert window.lock_screen.pin_edit.text() == ""
    assert focused() is window.lock_screen.pin_edit
    assert failed_attempts(ctx, "C01") == 1


def test_five_wrong_pins_lock_the_clerk_out_even_with_the_right_pin(
    qtbot, window, services, caplog
):
    caplog.set_level(logging.WARNING, logger="desktop.clerks")
    for _ in range(MAX_FAILED_ATTEMPTS):
        unlock(qtbot, window, "C01", "0000")
    assert "5分間ロックしました" in window.lock_screen.message.text()
    assert "locked for 5 min" in window.lock_screen.message.text()
    assert len([r for r in caplog.records if "authentication failed" in r.message]) == 5

    unlock(qtbot, window, "C01", CLERK_PIN)
    assert services.state.clerk is None
    assert "ロック中です" in window.lock_screen.message.text()
    assert "try again in about" in window.lock_screen.message.text()
    assert "0 attempts left" in window.lock_screen.attempts.text()
    # The attempt during the lockout is logged too (never the PIN).
    assert any("locked until" in r.message for r in caplog.records)
    assert not any(CLERK_PIN in r.getMessage() for r in caplog.records)


def test_the_lock_screen_shows_the_attempts_left(qtbot, window, services, ctx):
    attempts = window.lock_screen.attempts
    assert not attempts.isVisibleTo(window)
    for left in range(MAX_FAILED_ATTEMPTS - 1, 0, -1):
        unlock(qtbot, window, "C01", "0000")
        assert f"残り{left}回" in attempts.text()
        assert f"{left} attempt" in attempts.text()
        assert attempts.isVisibleTo(window)
    unlock(qtbot, window, "C01", CLERK_PIN)
    assert services.state.clerk is not None
    with ctx.reading() as session:
        reasons = [
            json.loads(body)["reason"]
            for body in session.scalars(
                select(LedgerEntry.body).where(LedgerEntry.kind == "pin_failed")
            )
        ]
    assert reasons == ["wrong_pin"] * (MAX_FAILED_ATTEMPTS - 1)


def test_the_lockout_ends_after_five_minutes(qtbot, window, services, clock):
    for _ in range(MAX_FAILED_ATTEMPTS):
        unlock(qtbot, window, "C01", "0000")
    clock.advance(minutes=5, seconds=1)
    unlock(qtbot, window, "C01", CLERK_PIN)
    assert services.state.clerk is not None


def test_an_empty_pin_asks_for_both_fields(qtbot, window, ctx):
    unlock(qtbot, window, "C01", "")
    assert "両方" in window.lock_screen.message.text()
    assert failed_attempts(ctx, "C01") == 0


def test_idle_timer_interval_comes_from_the_station_settings(window, services, idle_timer):
    assert idle_timer.interval() == services.settings.get(IDLE_LOCK_MINUTES) * MS_PER_MINUTE
    assert not idle_timer.isActive()  # nothing to time while locked


def test_any_key_restarts_the_idle_timer(qtbot, window, idle_timer):
    unlock(qtbot, window, "C01", CLERK_PIN)
    assert idle_timer.isActive()
    for key in (Qt.Key.Key_Shift, Qt.Key.Key_A):
        starts = idle_timer.starts
        press(qtbot, key)
        assert idle_timer.starts > starts
    starts = idle_timer.starts
    window.repaint()
    QApplication.processEvents()
    assert idle_timer.starts == starts  # a repaint is not someone at the counter


def test_ctrl_l_locks_and_emits_locked(qtbot, window, services):
    unlock(qtbot, window, "C01", CLERK_PIN)
    with qtbot.waitSignal(services.events.locked):
        shortcut(qtbot, window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.current_screen_name() == LOCK
    assert services.state.clerk is None
    assert "ロック中" in window.clerk_label.text()


def test_shortcuts_do_nothing_while_locked(qtbot, window):
    shortcut(qtbot, window, Qt.Key.Key_F2)
    shortcut(qtbot, window, Qt.Key.Key_F9)
    assert window.current_screen_name() == LOCK
    assert window.screen_widget(INTAKE) is None


def test_idle_lock_keeps_the_draft_and_the_same_clerk_resumes_it(
    qtbot, window, services, idle_timer: HandTimer
):
    unlock(qtbot, window, "C01", CLERK_PIN)
    shortcut(qtbot, window, Qt.Key.Key_F2)
    assert window.current_screen_name() == INTAKE
    wizard = window.screen_widget(INTAKE)
    assert isinstance(wizard, DraftScreen)
    draft = services.state.drafts.flow
    assert draft is not None

    with qtbot.waitSignal(services.events.locked):
        idle_timer.fire()
    assert window.current_screen_name() == LOCK
    assert services.state.clerk is None
    assert services.state.drafts.flow is draft
    assert "C01" in window.lock_screen.draft_note.text()
    assert not idle_timer.isActive()

    # The code is still there, selected: the clerk coming back types only the PIN.
    assert window.lock_screen.code_edit.text() == "C01"
    press(qtbot, Qt.Key.Key_Return)
    type_text(qtbot, CLERK_PIN)
    press(qtbot, Qt.Key.Key_Return)

    assert window.current_screen_name() == INTAKE
    assert window.screen_widget(INTAKE) is wizard
    assert services.state.drafts.flow is draft
    assert wizard.draft is draft
    assert idle_timer.isActive()


def test_another_clerk_is_not_shown_the_draft_and_the_owner_gets_it_back(
    qtbot, window, services, dialogs, idle_timer
):
    unlock(qtbot, window, "C01", CLERK_PIN)
    shortcut(qtbot, window, Qt.Key.Key_F2)
    draft = services.state.drafts.flow
    idle_timer.fire()

    unlock(qtbot, window, "M01", MANAGER_PIN)
    assert window.current_screen_name() == HOME
    assert services.state.drafts.flow is draft
    [note] = dialogs.texts("info")
    assert "C01" in note
    assert "resumes when C01 unlocks" in note

    # F2 offers to discard someone else's draft; saying no keeps it.
    dialogs.answers.append(False)
    shortcut(qtbot, window, Qt.Key.Key_F2)
    assert "C01" in dialogs.texts("confirm")[-1]
    assert window.current_screen_name() == HOME
    assert services.state.drafts.flow is draft

    shortcut(qtbot, window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    unlock(qtbot, window, "C01", CLERK_PIN)
    assert window.current_screen_name() == INTAKE
    assert services.state.drafts.flow is draft


def test_another_clerk_may_discard_the_draft_and_start_afresh(
    qtbot, window, services, dialogs, idle_timer
):
    unlock(qtbot, window, "C01", CLERK_PIN)
    shortcut(qtbot, window, Qt.Key.Key_F2)
    old_draft = services.state.drafts.flow
    old_wizard = window.screen_widget(INTAKE)
    idle_timer.fire()
    unlock(qtbot, window, "M01", MANAGER_PIN)

    dialogs.answers.append(True)
    shortcut(qtbot, window, Qt.Key.Key_F2)
    assert window.current_screen_name() == INTAKE
    assert window.screen_widget(INTAKE) is not old_wizard
    assert services.state.drafts.flow is not old_draft
    assert services.state.drafts.owner == "M01"


def test_a_different_clerk_does_not_land_on_the_last_screen(qtbot, window, services):
    unlock(qtbot, window, "C01", CLERK_PIN)
    shortcut(qtbot, window, Qt.Key.Key_F3)
    assert window.current_screen_name() == HISTORY
    shortcut(qtbot, window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    unlock(qtbot, window, "M01", MANAGER_PIN)
    assert window.current_screen_name() == HOME

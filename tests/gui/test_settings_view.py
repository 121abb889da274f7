"""Settings and staff: manager only; clerks added here can unlock; station settings persist."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from db.models import Clerk, LedgerEntry
from desktop.clerks import list_clerks
from desktop.minors import current_policy
from desktop.settings import (
    IDLE_LOCK_MINUTES,
    LANGUAGE,
    PRINTER_A4,
    PRINTER_THERMAL,
    StationSettings,
)
from tests.conftest import CLERK_PIN, MANAGER_PIN
from tests.gui.helpers import focused, press, shortcut, type_text, unlock
from ui import settings_view
from ui.lock_screen import MS_PER_MINUTE
from ui.main_window import HOME, LOCK, SETTINGS
from ui.settings_view import ClerkTableModel, SettingsView

PRINTERS = ["EPSON TM-T88VI", "Brother HL-L2375DW"]


@pytest.fixture(autouse=True)
def _printers(monkeypatch):
    """The printers this 'PC' has (the offscreen test machine has none)."""
    monkeypatch.setattr(settings_view, "available_printers", lambda: list(PRINTERS))


def open_settings(qtbot, window) -> SettingsView:
    shortcut(qtbot, window, Qt.Key.Key_F9)
    assert window.current_screen_name() == SETTINGS
    view = window.screen_widget(SETTINGS)
    assert isinstance(view, SettingsView)
    return view


def as_manager(qtbot, window) -> SettingsView:
    unlock(qtbot, window, "M01", MANAGER_PIN)
    view = open_settings(qtbot, window)
    assert view.is_open()
    return view


def staff_tab(view: SettingsView):
    view.show_tab(view.staff_panel)
    return view.staff_panel


def clerk_row(ctx, code: str) -> Clerk | None:
    with ctx.reading() as session:
        clerk = session.get(Clerk, code)
        if clerk is not None:
            session.expunge(clerk)
        return clerk


def ledger_kinds(ctx) -> list[str]:
    with ctx.reading() as session:
        return list(session.scalars(select(LedgerEntry.kind).order_by(LedgerEntry.seq)))


def test_a_clerk_added_here_can_then_unlock(qtbot, main_window, services, ctx):
    view = as_manager(qtbot, main_window)
    staff = staff_tab(view)
    staff.add_form.fields["code"].setFocus()
    with qtbot.waitSignal(services.events.clerks_changed):
        type_text(qtbot, "c02")
        press(qtbot, Qt.Key.Key_Tab)
        type_text(qtbot, "鈴木 次郎")
        press(qtbot, Qt.Key.Key_Tab)  # role: stays 担当者 / clerk
        press(qtbot, Qt.Key.Key_Tab)
        type_text(qtbot, "2468")
        press(qtbot, Qt.Key.Key_Tab)
        type_text(qtbot, "2468")
        press(qtbot, Qt.Key.Key_Return)

    added = clerk_row(ctx, "C02")
    assert added is not None
    assert (added.name, added.role, added.active) == ("鈴木 次郎", "clerk", True)
    assert "C02" in staff.note.text()
    assert [staff.model.clerk_at(r).code for r in range(staff.model.rowCount())] == [
        "C01",
        "C02",
        "M01",
    ]
    assert staff.selected_clerk() is not None
    assert staff.selected_clerk().code == "C02"
    assert staff.add_form.fields["pin"].text() == ""

    shortcut(qtbot, main_window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    unlock(qtbot, main_window, "C02", "2468")
    assert services.state.clerk is not None
    assert services.state.clerk.code == "C02"


def test_adding_a_clerk_names_each_bad_field_and_stores_nothing(qtbot, main_window, ctx):
    staff = staff_tab(as_manager(qtbot, main_window))
    fields = staff.add_form.fields
    fields["code"].setText("C-2")
    fields["pin"].setText("12")
    fields["pin_again"].setText("13")
    staff.add_button.click()
    assert "C01" in staff.add_form.problem_text("code")
    assert "4 to 12 digits" in staff.add_form.problem_text("pin")
    assert "do not match" in staff.add_form.problem_text("pin_again")
    assert "入力してください" in staff.add_form.problem_text("name")

    fields["code"].setText("C01")
    fields["name"].setText("佐藤 次郎")
    fields["pin"].setText("2468")
    fields["pin_again"].setText("2468")
    staff.add_button.click()
    assert "C01 は既に使われています" in staff.message.text()
    assert "is taken" in staff.message.text()
    assert staff.add_form.problem_text("code") == ""
    assert clerk_row(ctx, "C-2") is None


def test_a_non_manager_needs_a_managers_pin_to_open_settings(qtbot, main_window, services):
    unlock(qtbot, main_window, "C01", CLERK_PIN)
    view = open_settings(qtbot, main_window)
    assert not view.is_open()
    assert view.gate.isVisible()
    assert not view.staff_panel.isVisible()
    assert focused() is view.gate.code_edit

    # The clerk's own (right) PIN is not a manager's.
    type_text(qtbot, "C01")
    press(qtbot, Qt.Key.Key_Return)
    type_text(qtbot, CLERK_PIN)
    press(qtbot, Qt.Key.Key_Return)
    assert not view.is_open()
    assert "店長" in view.gate.message.text()
    assert "needs a manager" in view.gate.message.text()

    view.gate.code_edit.setFocus()
    view.gate.code_edit.selectAll()
    type_text(qtbot, "M01")
    press(qtbot, Qt.Key.Key_Return)
    type_text(qtbot, "0000")
    press(qtbot, Qt.Key.Key_Return)
    assert not view.is_open()
    assert "wrong clerk code or PIN" in view.gate.message.text()

    type_text(qtbot, MANAGER_PIN)
    press(qtbot, Qt.Key.Key_Return)
    assert view.is_open()
    assert view.manager is not None
    assert view.manager.code == "M01"
    assert "M01" in view.approval.text()
    assert services.state.clerk is not None
    assert services.state.clerk.code == "C01"  # approval does not change who is signed in

    # Leaving the screen ends the approval.
    shortcut(qtbot, main_window, Qt.Key.Key_F1)
    assert main_window.current_screen_name() == HOME
    open_settings(qtbot, main_window)
    assert not view.is_open()
    assert view.manager is None


def test_locking_ends_a_managers_approval(qtbot, main_window, idle_timer):
    unlock(qtbot, main_window, "C01", CLERK_PIN)
    view = open_settings(qtbot, main_window)
    type_text(qtbot, "M01")
    press(qtbot, Qt.Key.Key_Return)
    type_text(qtbot, MANAGER_PIN)
    press(qtbot, Qt.Key.Key_Return)
    assert view.is_open()
    idle_timer.fire()
    assert main_window.current_screen_name() == LOCK
    assert view.manager is None
    assert not view.is_open()


def test_staff_changes_by_an_approved_manager_are_made_in_the_managers_name(
    qtbot, main_window, ctx
):
    unlock(qtbot, main_window, "C01", CLERK_PIN)
    view = open_settings(qtbot, main_window)
    type_text(qtbot, "M01")
    press(qtbot, Qt.Key.Key_Return)
    type_text(qtbot, MANAGER_PIN)
    press(qtbot, Qt.Key.Key_Return)
    staff = staff_tab(view)
    staff.select("C01")
    staff.reset_form.fields["new_pin"].setText("1357")
    staff.reset_form.fields["new_pin_again"].setText("1357")
    staff.reset_button.click()
    assert "C01" in staff.note.text()
    with ctx.reading() as session:
        entry = session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq.desc()).limit(1)).one()
    assert entry.kind == "clerk_changed"
    assert '"by":"M01"' in entry.body
    assert ctx.authenticate("C01", "1357").code == "C01"


def test_a_deactivated_clerk_can_no_longer_unlock(qtbot, main_window, services, dialogs, ctx):
    staff = staff_tab(as_manager(qtbot, main_window))
    staff.select("C01")
    dialogs.answers.append(False)
    staff.deactivate_button.click()
    assert clerk_row(ctx, "C01").active  # "no" leaves the clerk as they were

    dialogs.answers.append(True)
    with qtbot.waitSignal(services.events.clerks_changed):
        staff.deactivate_button.click()
    assert "C01" in dialogs.texts("confirm")[-1]
    assert not clerk_row(ctx, "C01").active
    assert "Inactive" in staff.model.data(staff.model.index(0, 3))

    shortcut(qtbot, main_window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    unlock(qtbot, main_window, "C01", CLERK_PIN)
    assert services.state.clerk is None
    assert "wrong clerk code or PIN" in main_window.lock_screen.message.text()


def test_the_last_manager_cannot_be_deactivated(qtbot, main_window, ctx):
    staff = staff_tab(as_manager(qtbot, main_window))
    staff.select("M01")
    staff.deactivate_button.click()
    assert "最後の店長" in staff.message.text()
    assert "add another manager first" in staff.message.text()
    assert clerk_row(ctx, "M01").active


def test_the_clerk_actions_wait_for_a_selected_clerk(qtbot, main_window):
    staff = staff_tab(as_manager(qtbot, main_window))
    staff.table.clearSelection()
    assert not staff.reset_button.isEnabled()
    assert not staff.deactivate_button.isEnabled()
    assert "Select a clerk in the table" in staff.selected_label.text()
    staff.select("C01")
    assert staff.reset_button.isEnabled()
    assert "佐藤 花子" in staff.selected_label.text()


def test_a_reset_pin_unlocks_and_clears_a_lockout(qtbot, main_window, services, ctx):
    for _ in range(5):
        unlock(qtbot, main_window, "C01", "0000")
    staff = staff_tab(as_manager(qtbot, main_window))
    staff.select("C01")
    staff.reset_form.fields["new_pin"].setFocus()
    type_text(qtbot, "9753")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "9753")
    press(qtbot, Qt.Key.Key_Return)
    assert "C01" in staff.note.text()

    shortcut(qtbot, main_window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    unlock(qtbot, main_window, "C01", "9753")
    assert services.state.clerk is not None
    assert services.state.clerk.code == "C01"


def test_printer_choice_persists_in_the_station_settings(qtbot, main_window, services):
    view = as_manager(qtbot, main_window)
    view.show_tab(view.station_panel)
    combo = view.station_panel.thermal_combo
    assert [combo.itemData(i) for i in range(combo.count())] == ["", *PRINTERS]
    combo.setFocus()
    with qtbot.waitSignal(services.events.settings_changed):
        press(qtbot, Qt.Key.Key_Down)  # a closed combo box moves to the next item and activates it
    assert services.settings.get(PRINTER_THERMAL) == PRINTERS[0]
    reread = StationSettings(services.settings.path)
    assert reread.get(PRINTER_THERMAL) == PRINTERS[0]
    assert reread.get(PRINTER_A4) == ""
    assert PRINTERS[0] in main_window.printer_label.text()


def test_a_printer_no_longer_connected_stays_visible(qtbot, services, main_window):
    services.settings.set(PRINTER_A4, "Old Laser")
    view = as_manager(qtbot, main_window)
    combo = view.station_panel.a4_combo
    assert combo.currentData() == "Old Laser"
    assert "見つかりません" in combo.currentText()


def test_idle_minutes_apply_at_once(qtbot, main_window, services, idle_timer):
    view = as_manager(qtbot, main_window)
    view.show_tab(view.station_panel)
    spin = view.station_panel.idle_spin
    spin.setFocus()
    spin.selectAll()
    with qtbot.waitSignal(services.events.settings_changed):
        type_text(qtbot, "15")
        press(qtbot, Qt.Key.Key_Return)
    assert StationSettings(services.settings.path).get(IDLE_LOCK_MINUTES) == 15
    assert idle_timer.interval() == 15 * MS_PER_MINUTE


def test_language_is_saved_for_the_next_start(qtbot, main_window, services):
    view = as_manager(qtbot, main_window)
    panel = view.station_panel
    view.show_tab(panel)
    panel.language_combo.setFocus()
    press(qtbot, Qt.Key.Key_Down)
    assert StationSettings(services.settings.path).get(LANGUAGE) == "en"
    assert "再起動" in panel.note.text()
    assert "restarted" in panel.note.text()


def test_shop_details_are_saved_through_the_ledger(qtbot, main_window, services, ctx):
    view = as_manager(qtbot, main_window)
    panel = view.shop_panel
    view.show_tab(panel)
    panel.form.fields["shop_name"].setText("リボーク質店 丸の内店")
    with qtbot.waitSignal(services.events.settings_changed):
        panel.save_button.click()
    assert ctx.shop_profile().name == "リボーク質店 丸の内店"
    assert ledger_kinds(ctx)[-1] == "settings_changed"
    assert main_window.lock_screen.shop_name.text() == "リボーク質店 丸の内店"


def test_bad_shop_details_are_named_and_not_saved(qtbot, main_window, ctx):
    view = as_manager(qtbot, main_window)
    panel = view.shop_panel
    panel.form.fields["shop_name"].setText("")
    panel.form.fields["timezone"].setText("Tokyo")
    panel.save_button.click()
    assert "入力してください" in panel.form.problem_text("shop_name")
    assert "Asia/Tokyo" in panel.form.problem_text("timezone")
    assert ctx.shop_profile().name == "リボーク質店 千代田店"
    assert "settings_changed" not in ledger_kinds(ctx)


def test_the_clerk_table_model_behaves(qtmodeltester, ctx):
    model = ClerkTableModel()
    with ctx.reading() as session:
        model.set_rows(list_clerks(session))
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.data(model.index(1, 2)) == "店長 / Manager"


# -- the shop's rule for minors ------------------------------------------------------------


def test_a_manager_sets_the_minors_rule_and_it_is_signed(qtbot, main_window, services, ctx):
    view = as_manager(qtbot, main_window)
    panel = view.minors_panel
    view.show_tab(panel)
    assert "18歳未満は保護者の同意を記録して受付" in panel.current.text()  # the safe default
    assert panel.age_spin.value() == 18

    panel.age_spin.setValue(20)
    panel.prefecture_combo.setCurrentIndex(panel.prefecture_combo.findData("福岡県"))
    panel.prefecture_combo.activated.emit(panel.prefecture_combo.currentIndex())
    assert panel.age_spin.value() == 18  # the preset fills in the ordinance's age
    panel.consent_combo.setCurrentIndex(panel.consent_combo.findData("refuse"))
    with qtbot.waitSignal(services.events.settings_changed):
        panel.save_button.click()

    with ctx.reading() as session:
        policy = current_policy(session)
        entry = session.scalars(
            select(LedgerEntry).where(LedgerEntry.subject == "minors_policy")
        ).one()
    assert (policy.age_limit, policy.consent_accepted, policy.prefecture) == (18, False, "福岡県")
    assert json.loads(entry.body)["by"] == "M01"
    assert "保存しました" in panel.note.text()
    assert "18歳未満からは買取・下取り・委託をしない" in panel.current.text()


def test_the_database_is_named_and_changed_from_the_counter_tab(
    qtbot, main_window, services, tmp_path, monkeypatch
):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # the choice file goes there
    view = as_manager(qtbot, main_window)
    panel = view.station_panel
    view.show_tab(panel)
    assert "shop.sqlite3" in panel.database_value.text()
    panel.database_button.click()
    dialog = panel.database_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.this_pc.isChecked()  # nothing chosen yet: this PC
    dialog.save_button.click()
    assert not dialog.isVisible()
    assert "次回の起動" in panel.database_value.text()
    assert "next start" in panel.database_value.text()

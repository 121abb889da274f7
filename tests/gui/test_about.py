"""The About dialog: version, licences and data locations, from the locked window too."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QToolButton

from desktop import config
from desktop.version import app_version
from tests.gui.helpers import shortcut
from ui import about
from ui.about import AboutDialog
from ui.main_window import LOCK


def open_dialog(qtbot, window) -> AboutDialog:
    shortcut(qtbot, window, Qt.Key.Key_F1, Qt.KeyboardModifier.ShiftModifier)
    dialog = window.findChild(AboutDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def test_about_opens_from_the_lock_screen_with_shift_f1(qtbot, main_window):
    assert main_window.current_screen_name() == LOCK
    assert main_window.about_action.isEnabled()
    button = main_window.statusBar().findChild(QToolButton, "aboutButton")
    assert button is not None
    assert button.isVisible()
    assert button.defaultAction() is main_window.about_action
    dialog = open_dialog(qtbot, main_window)
    assert "Revoke Desk" in dialog.windowTitle()
    dialog.reject()
    qtbot.waitUntil(lambda: main_window.findChild(AboutDialog) is None)


def test_about_shows_the_version_and_where_the_data_is(qtbot, main_window, services):
    dialog = open_dialog(qtbot, main_window)
    version = app_version()
    assert version != "0+unknown"  # the test venv has the package installed
    heading = dialog.findChild(QLabel, "aboutHeading")
    assert f"Revoke Desk {version}" in heading.text()
    shown = {key: dialog.findChild(QLabel, f"about_{key}").text() for key in dialog.locations}
    assert shown["data"] == config.data_location().describe()
    assert str(config.data_dir()) in shown["data"]
    assert "per-user" in shown["data"]
    assert shown["keys"] == str(services.ctx.keys_dir)
    assert shown["log"] == str(config.log_dir())
    assert "shop.sqlite3" in shown["database"]
    dialog.reject()


def test_about_names_every_licence_and_carries_the_font_licence_texts(qtbot, main_window):
    dialog = open_dialog(qtbot, main_window)
    summary = dialog.findChild(QLabel, "aboutLicences").text()
    assert "LicenseRef-Proprietary" in summary
    assert "BIZ UDPGothic" in summary
    assert "SIL Open Font License 1.1" in summary
    assert "HanaMinB" in summary
    assert "Hanazono Font License" in summary
    assert "LGPL" in summary
    texts = dialog.licence_texts.toPlainText()
    assert "SIL OPEN FONT LICENSE Version 1.1" in texts
    assert "Hanazono Font License" in texts
    dialog.reject()


def test_the_database_is_shown_without_its_password():
    text = about.database_text("postgresql+psycopg://desk:s3cret@db.example:5432/revoke")
    assert "s3cret" not in text
    assert "db.example" in text


def test_the_app_icon_is_the_window_icon():
    assert about.icon_path().is_file()
    assert not QApplication.windowIcon().isNull()

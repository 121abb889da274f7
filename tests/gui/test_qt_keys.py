"""Qt values set by name (ui.qt_keys): the lock screen's way around ``Qt``'s enums."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QLineEdit

from ui.qt_keys import set_keys


def test_an_enum_a_flag_set_and_a_key_sequence_are_set_by_their_names(qtbot):
    label = QLabel()
    edit = QLineEdit()
    action = QAction()
    qtbot.addWidget(label)
    qtbot.addWidget(edit)
    set_keys(label, "textFormat", "RichText")
    set_keys(label, "alignment", "AlignCenter")
    set_keys(edit, "inputMethodHints", "ImhDigitsOnly|ImhSensitiveData")
    set_keys(action, "shortcut", "Ctrl+L")
    set_keys(action, "shortcutContext", "WindowShortcut")
    assert label.textFormat() == Qt.TextFormat.RichText
    assert label.alignment() == Qt.AlignmentFlag.AlignCenter
    assert edit.inputMethodHints() == (
        Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData
    )
    assert action.shortcut() == QKeySequence("Ctrl+L")
    assert action.shortcutContext() == Qt.ShortcutContext.WindowShortcut


@pytest.mark.parametrize(
    ("name", "keys"),
    [("textFormat", "RichTxt"), ("textFormatt", "RichText"), ("alignment", "AlignMiddle")],
)
def test_a_misspelt_property_or_key_is_an_error_not_a_silent_default(qtbot, name, keys):
    label = QLabel()
    qtbot.addWidget(label)
    with pytest.raises(ValueError, match=name):
        set_keys(label, name, keys)
    assert label.textFormat() == Qt.TextFormat.AutoText

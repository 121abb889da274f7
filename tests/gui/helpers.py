"""Helpers of the GUI tests: recording dialogs, a hand-fired timer, and the keyboard.

Every test drives the screens the way a clerk does, with the keyboard, into
whichever widget has the focus (:func:`type_text`, :func:`press`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget

from ui.main_window import MainWindow
from ui.services import DialogService


@dataclass(frozen=True)
class Message:
    """One message box a screen asked for."""

    kind: str  # info | error | confirm | confirm_unlikely
    title: str
    text: str


class RecordingDialogs(DialogService):
    """Stores every message instead of showing it; answers questions from a queue."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.answers: list[bool] = []  # for confirm(); True once the queue is empty
        self.next_path: Path | None = None

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        self.messages.append(Message("info", title, text))

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        self.messages.append(Message("error", title, text))

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        self.messages.append(Message("confirm", title, text))
        return self.answers.pop(0) if self.answers else True

    def confirm_unlikely(self, parent: QWidget | None, title: str, text: str) -> bool:
        """The same queue of answers; a real box would default to No, the queue to True."""
        self.messages.append(Message("confirm_unlikely", title, text))
        return self.answers.pop(0) if self.answers else True

    def save_file(
        self, parent: QWidget | None, title: str, suggested: Path, filter_: str
    ) -> Path | None:
        return self.next_path

    def choose_folder(self, parent: QWidget | None, title: str, start: Path) -> Path | None:
        return self.next_path

    def texts(self, kind: str | None = None) -> list[str]:
        return [m.text for m in self.messages if kind is None or m.kind == kind]


class HandTimer(QTimer):
    """The idle timer of the tests: never waited for, fired by hand; counts its (re)starts."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.starts = 0

    def start(self, *args: int) -> None:
        self.starts += 1
        super().start(*args)

    def fire(self) -> None:
        self.timeout.emit()


def show(qtbot, window: QWidget) -> None:
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "no widget has the keyboard focus"
    return widget


def type_text(qtbot, text: str) -> None:
    """Type into whichever widget has the focus, as a keyboard would.

    Japanese arrives the way an input method (IME) delivers it, as a committed
    string: QTest can only press keys of the ASCII range.
    """
    widget = focused()
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def press(
    qtbot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    qtbot.keyClick(focused(), key, modifier)


def shortcut(
    qtbot,
    window: QWidget,
    key: Qt.Key,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    """A window shortcut (F2, Ctrl+L), pressed wherever the focus is."""
    qtbot.keyClick(QApplication.focusWidget() or window, key, modifier)


def unlock(qtbot, window: MainWindow, code: str, pin: str) -> None:
    """Code, Enter, PIN, Enter on the lock screen."""
    lock = window.lock_screen
    assert window.current_screen_name() == "lock"
    lock.code_edit.setFocus()
    lock.code_edit.selectAll()
    type_text(qtbot, code)
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is lock.pin_edit
    type_text(qtbot, pin)
    press(qtbot, Qt.Key.Key_Return)

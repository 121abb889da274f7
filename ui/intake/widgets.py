"""Small widgets of the intake pages: the IMEI field, keyboard choices, problem lines.

Everything here is built for a clerk with a barcode scanner in one hand: every
widget takes the keyboard, none needs the mouse, and a problem is shown beside
the widget it is about, in Japanese with the English beneath.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import Problem
from desktop.identifiers import FULL_WIDTH_DIGITS, normalise_imei
from ui import i18n, palette

# Colours shared by the pages: one place, so every warning looks the same.
PROBLEM_COLOUR = palette.PROBLEM
OK_COLOUR = palette.OK
WARNING_BACKGROUND = palette.WARNING_BACKGROUND
WARNING_BORDER = palette.WARNING_BORDER
REFUSAL_BACKGROUND = palette.REFUSAL_BACKGROUND
ACCEPT_BACKGROUND = palette.ACCEPT_BACKGROUND
INFO_BACKGROUND = palette.INFO_BACKGROUND


def is_under(field: str, name: str) -> bool:
    """Whether a problem's ``field`` is ``name`` or lies inside it (``seller.name``, ``imei[0]``)."""
    return field == name or field.startswith((f"{name}.", f"{name}["))


def pair_html(main: str, sub: str) -> str:
    escaped = html.escape(main).replace("\n", "<br>")
    if not sub:
        return escaped
    return f"{escaped}<br><span style='{i18n.SUBTITLE_STYLE}'>{html.escape(sub)}</span>"


def rich_label(text: str, *, word_wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(word_wrap)
    return label


def digits_only(text: str) -> str:
    """Full-width digits made ASCII, and the separators people type dropped (，, ¥ 円)."""
    table = dict(FULL_WIDTH_DIGITS)
    cleaned = text.translate(table).strip()
    for mark in (",", "，", "、", "¥", "￥", "\\", "円", " ", "\u3000"):
        cleaned = cleaned.replace(mark, "")
    return cleaned


def parse_whole_number(text: str) -> int | str | None:
    """What a number field holds: an int, None when empty, else the raw text.

    The raw text goes to the validator unchanged, so its message (not a guess made
    here) tells the clerk what is wrong.
    """
    if not text.strip():
        return None
    cleaned = digits_only(text)
    # A minus typed on either keyboard (-, full-width －, the math sign −) is a negative
    # number: the validator then says the bound ("0 or more"), not "a whole number".
    sign, digits = (-1, cleaned[1:]) if cleaned[:1] in ("-", "－", "−") else (1, cleaned)
    if digits.isascii() and digits.isdigit():
        return sign * int(digits)
    return text


class ProblemLabel(QLabel):
    """The line under a field that says what is wrong with it (hidden when nothing is)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setStyleSheet(f"color: {PROBLEM_COLOUR};")
        self.hide()

    def show_problem(self, ja: str, en: str) -> None:
        self.setText("⚠ " + i18n.message_html(ja, en))
        self.show()

    def clear_problem(self) -> None:
        self.clear()
        self.hide()


@dataclass(frozen=True)
class Option:
    """One answer of a :class:`ChoiceField`: the document's value and its two labels."""

    value: str
    text: str  # already through tr(): Japanese (or English when the UI is in English)
    en: str  # the English line beneath


class _OptionRow(QWidget):
    """A radio button and its two-line label; clicking either picks the option."""

    def __init__(self, number: int, option: Option, parent: QWidget) -> None:
        super().__init__(parent)
        self.option = option
        self.radio = QRadioButton(f"{number}" if number < 10 else "")
        # The field itself holds the focus (one Tab stop for the whole question).
        self.radio.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.label = rich_label(pair_html(option.text, option.en))
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.radio, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.radio.click()
        event.accept()


class ChoiceField(QFrame):
    """One question with a few answers, answered with the keyboard.

    A single Tab stop: the digit keys 1–9 pick an answer directly (the number is
    printed beside it), the arrow keys move between answers, and Space picks the
    first when none is picked yet.  Qt's own radio groups skip unchecked buttons
    when tabbing and cannot be answered with one key, which is slow at a counter.

    Signals:
        changed(str): the picked value ("" when cleared).
        answered(): a digit key picked an answer: the page moves on, as after Enter
            (one key per question; Shift+Tab comes back to change it).
    """

    changed = Signal(str)
    answered = Signal()

    def __init__(
        self, options: Sequence[Option] = (), *, columns: int = 1, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("choiceField")  # pages rename it after their field
        # The focus frame comes from the application's style (palette.FOCUS_STYLE).
        self.setProperty("answers", True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._columns = columns
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._rows: list[_OptionRow] = []
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(4, 4, 4, 4)
        self._grid.setHorizontalSpacing(16)
        self._grid.setVerticalSpacing(2)
        self.set_options(options)

    def set_options(self, options: Sequence[Option]) -> None:
        """Replace the answers, keeping the picked one if it is still offered."""
        current = self.value()
        for row in self._rows:
            self._group.removeButton(row.radio)
            row.deleteLater()
        self._rows = []
        for index, option in enumerate(options):
            row = _OptionRow(index + 1, option, self)
            self._group.addButton(row.radio, index)
            row.radio.toggled.connect(self._on_radio_toggled)
            self._grid.addWidget(row, index // self._columns, index % self._columns)
            self._rows.append(row)
        self.set_value(current if any(o.value == current for o in options) else None)

    def values(self) -> list[str]:
        return [row.option.value for row in self._rows]

    def value(self) -> str | None:
        for row in self._rows:
            if row.radio.isChecked():
                return row.option.value
        return None

    def set_value(self, value: str | None) -> None:
        # An exclusive group never lets the last checked button go: lift it to clear.
        self._group.setExclusive(False)
        for row in self._rows:
            row.radio.blockSignals(True)
            row.radio.setChecked(row.option.value == value)
            row.radio.blockSignals(False)
        self._group.setExclusive(True)
        self.changed.emit(self.value() or "")

    def _pick(self, index: int) -> bool:
        """Pick the answer at ``index``; False when there is none there (or it is off)."""
        if 0 <= index < len(self._rows) and self._rows[index].isEnabled():
            self._rows[index].radio.setChecked(True)
            return True
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        values = self.values()
        picked = self.value()
        current = values.index(picked) if picked is not None else -1
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_9 and not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            if self._pick(key - Qt.Key.Key_1):
                event.accept()
                self.answered.emit()
                return
        elif key in (Qt.Key.Key_Down, Qt.Key.Key_Right):
            self._pick(min(current + 1, len(values) - 1))
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Left):
            self._pick(max(current - 1, 0))
        elif key == Qt.Key.Key_Space and current < 0:
            self._pick(0)
        else:
            super().keyPressEvent(event)  # Tab, Enter: the page decides
            return
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mousePressEvent(event)

    def _on_radio_toggled(self, checked: bool) -> None:
        if checked:
            self.changed.emit(self.value() or "")


class ImeiField(QLineEdit):
    """An IMEI typed by hand or by a barcode scanner (its keystrokes, then Enter).

    Enter checks the IMEI at once: a valid one is replaced by its 15 digits,
    ``checked`` and then ``advance`` are emitted (the page moves the focus on); a
    wrong one shows the reason beside the field, is selected so that the next scan
    replaces it, and the focus stays.  An optional field (the second IMEI of a
    dual-SIM phone) left empty simply moves on.  Leaving a typed IMEI with Tab
    checks it too, without moving the focus a second time.

    Signals:
        checked(str): a valid IMEI, as 15 ASCII digits.
        advance(): Enter on a valid IMEI, or on an empty optional field.
        rejected(object): the :class:`Problem` of a wrong IMEI.
    """

    checked = Signal(str)
    advance = Signal()
    rejected = Signal(object)

    def __init__(self, field: str, *, optional: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.optional = optional
        self.setPlaceholderText("356938035643809")
        # A scanner types ASCII digits; an IME would hold them in its pre-edit buffer.
        self.setInputMethodHints(
            Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhPreferLatin
        )
        self.status = ProblemLabel()
        self._checked_text = ""
        self.textEdited.connect(self._on_text_edited)

    def check(self) -> Problem | str | None:
        """Check the text now: the digits, the problem, or None when empty and optional."""
        text = self.text()
        if not text.strip() and self.optional:
            self.status.clear_problem()
            return None
        digits, problem = normalise_imei(self.field, text)
        if problem is not None:
            self.status.show_problem(problem.ja, problem.en)
            return problem
        if text != digits:
            self.setText(digits)
        self._checked_text = digits
        self.status.setText(f"<span style='color:{OK_COLOUR};'>✓ {html.escape(digits)}</span>")
        self.status.show()
        return digits

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            # Accept the event: the page's Enter handling must not move on a second time.
            event.accept()
            result = self.check()
            if isinstance(result, Problem):
                self.selectAll()
                self.rejected.emit(result)
                return
            if result is not None:
                self.checked.emit(result)
            self.advance.emit()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        # Typed by hand and left with Tab: still say at once whether it is right.
        super().focusOutEvent(event)
        if self.text().strip() and self.text() != self._checked_text:
            result = self.check()
            if isinstance(result, str):
                self.checked.emit(result)

    def _on_text_edited(self, _text: str) -> None:
        self._checked_text = ""
        self.status.clear_problem()


class Section(QWidget):
    """A labelled field: the two-line label, the widget, a note and its problem line."""

    def __init__(
        self,
        label: str,
        widget: QWidget,
        *,
        note: str = "",
        problem: ProblemLabel | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.widget = widget
        self.label = rich_label(label)
        self.label.setBuddy(widget)
        self.note = rich_label(note)
        self.note.setVisible(bool(note))
        self.problem = problem or ProblemLabel()
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 4)
        self.box.setSpacing(2)
        for part in (self.label, widget, self.note, self.problem):
            self.box.addWidget(part)

    def add_beside(self, extra: QWidget) -> None:
        """A line of its own right under the field (a hint that follows the value)."""
        self.box.insertWidget(2, extra)

    def set_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

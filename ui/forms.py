"""The form widgets every screen shares: titles, error lines, PIN fields, the labelled
field grid and the shop's details form (first run and the settings' shop tab).

They lived in ``ui/first_run.py``, which the lock screen, history and settings then
imported for a heading; a screen now imports only what it draws.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ui import palette
from ui.i18n import (
    ERROR_SUBTITLE_STYLE,
    message_html,
    stacked,
)
from ui.qt_keys import set_keys

if TYPE_CHECKING:
    from desktop.errors import Problem
    from desktop.setup import ShopDetails

DEFAULT_TIMEZONE = "Asia/Tokyo"
PIN_MAX_DIGITS = 12


def heading(text: str) -> QLabel:
    """A screen's title: large and bold, readable from a step back."""
    label = QLabel(text)
    label.setObjectName("title")
    set_keys(label, "textFormat", "RichText")
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.6)
    font.setBold(True)
    label.setFont(font)
    label.setContentsMargins(0, 0, 0, 6)  # air between a title and what it names
    return label


def section(text: str) -> QLabel:
    label = QLabel(text)
    set_keys(label, "textFormat", "RichText")
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.2)
    font.setBold(True)
    label.setFont(font)
    label.setContentsMargins(0, 0, 0, 4)
    return label


def error_label() -> QLabel:
    """Where a field's problem appears: red, wrapping, empty (and taking no room) when all is well."""
    label = QLabel()
    label.setObjectName("fieldError")
    set_keys(label, "textFormat", "RichText")
    label.setWordWrap(True)
    label.setStyleSheet(f"color:{palette.PROBLEM};")
    label.setVisible(False)
    return label


def show_message(label: QLabel, ja: str, en: str) -> None:
    """Put a message (or nothing, with "") into an :func:`error_label`."""
    label.setText(message_html(ja, en, ERROR_SUBTITLE_STYLE))
    label.setVisible(bool(ja))


def passphrase_edit() -> QLineEdit:
    """A passphrase field: masked, any characters, no predictive text."""
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    set_keys(edit, "inputMethodHints", "ImhSensitiveData|ImhNoPredictiveText")
    return edit


def pin_edit() -> QLineEdit:
    """A PIN field: masked, digits only, no predictive text on a touch keyboard."""
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(PIN_MAX_DIGITS)
    set_keys(edit, "inputMethodHints", "ImhDigitsOnly|ImhSensitiveData|ImhNoPredictiveText")
    # A validator rather than an input mask: a mask shows placeholders and fixes the length.
    edit.setValidator(QRegularExpressionValidator(rf"[0-9]{{0,{PIN_MAX_DIGITS}}}", edit))
    return edit


class FormGrid(QWidget):
    """Labelled fields in a grid, each with its own problem text beneath it.

    Labels are given already translated by ``tr`` in the owner's context; their
    English line comes from the same context (see ui.i18n).  No signals.
    """

    def __init__(self, context: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(16)
        self._grid.setVerticalSpacing(10)
        self._grid.setColumnStretch(1, 1)
        self._errors: dict[str, QLabel] = {}
        self.fields: dict[str, QLineEdit] = {}

    def add_field(
        self, key: str, label: str, edit: QLineEdit | None = None, *, english: str | None = None
    ) -> QLineEdit:
        edit = edit if edit is not None else QLineEdit()
        edit.setMinimumWidth(260)
        self.add_row(key, label, edit, english=english)
        self.fields[key] = edit
        return edit

    def add_row(self, key: str, label: str, widget: QWidget, *, english: str | None = None) -> None:
        """Any input widget (a combo box, a spin box) with its label and problem text.

        ``english`` gives the label's English directly, for a label the translation
        catalogue does not hold.
        """
        widget.setObjectName(key)
        if isinstance(widget, QComboBox):
            # As wide as its longest choice: "未設定（印刷のたびに選ぶ）/ Not set (choose at
            # each print)" was cut to "Not set (choose at ea".
            widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        row = self._grid.rowCount()
        caption = QLabel(
            message_html(label, english)
            if english is not None
            else stacked(self._context_name(), label)
        )
        set_keys(caption, "textFormat", "RichText")
        caption.setBuddy(widget)
        # Here, not at the top: this module is drawn before the first paint (ui.qt_keys),
        # a field grid only after it.
        from PySide6.QtCore import Qt  # noqa: PLC0415

        self._grid.addWidget(caption, row, 0, Qt.AlignmentFlag.AlignTop)
        cell = QVBoxLayout()
        cell.setSpacing(2)
        cell.addWidget(widget)
        error = error_label()
        error.setObjectName(f"{key}_error")
        cell.addWidget(error)
        self._grid.addLayout(cell, row, 1)
        self._errors[key] = error

    def _context_name(self) -> str:
        return type(self._context).__name__

    def show_problems(self, problems: list[Problem]) -> list[Problem]:
        """Show each problem beneath its field; return those no field here owns."""
        unplaced = []
        for problem in problems:
            error = self._errors.get(problem.field)
            if error is None:
                unplaced.append(problem)
            else:
                show_message(error, problem.ja, problem.en)
        return unplaced

    def clear_problems(self) -> None:
        for error in self._errors.values():
            show_message(error, "", "")

    def problem_text(self, key: str) -> str:
        """What is shown beneath a field (tests and screen readers read it)."""
        error = self._errors[key]
        return "" if error.isHidden() else error.text()


class ShopForm(FormGrid):
    """The shop's details as the slips print them (first run, and the settings screen).

    No signals: its owner reads :meth:`details` when the clerk submits.
    """

    FIELDS = ("shop_name", "license_no", "commission", "address", "phone", "timezone")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self, parent)
        self.add_field("shop_name", self.tr("店名（必須）"))
        self.add_field("license_no", self.tr("古物商許可番号"))
        self.add_field("commission", self.tr("許可した公安委員会"))
        self.add_field("address", self.tr("所在地"))
        self.add_field("phone", self.tr("電話番号"))
        self.add_field("timezone", self.tr("タイムゾーン")).setText(DEFAULT_TIMEZONE)
        self.fields["license_no"].setPlaceholderText(self.tr("例: 第301020001234号"))
        self.fields["commission"].setPlaceholderText(self.tr("例: 東京都公安委員会"))

    def details(self) -> ShopDetails:
        # Imported here: the lock screen draws with this module before the core is loaded.
        from desktop.setup import ShopDetails  # noqa: PLC0415

        text = {key: self.fields[key].text() for key in self.FIELDS}
        return ShopDetails(
            name=text["shop_name"],
            license_no=text["license_no"],
            commission=text["commission"],
            address=text["address"],
            phone=text["phone"],
            timezone=text["timezone"].strip(),
        )

    def set_details(self, details: ShopDetails) -> None:
        values = (
            details.name,
            details.license_no,
            details.commission,
            details.address,
            details.phone,
            details.timezone,
        )
        for key, value in zip(self.FIELDS, values, strict=True):
            self.fields[key].setText(value)

    def set_read_only(self, read_only: bool) -> None:
        for edit in self.fields.values():
            edit.setReadOnly(read_only)

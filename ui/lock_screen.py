"""The lock screen (clerk code + PIN) and the idle timer that brings it back.

Failed PINs are counted, logged, recorded in the ledger and locked out by the core
(``AppContext.authenticate``); this screen only shows what the core says, and the
attempts left before a lockout.

The screen is on show before the core is loaded (ui/app.py: the counter's window
comes first, the core in the first idle moment after it): until :meth:`LockScreen.attach`
it says 準備中 (preparing), and a code and PIN submitted meanwhile are checked as
soon as the core is attached — the clerk types on, nothing is lost or refused.  So
this module imports nothing of the core at load time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QRegularExpressionValidator, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UserError
from ui.forms import error_label, heading, pin_edit, show_message
from ui.i18n import both, pair, stacked
from ui.qt_keys import set_keys

if TYPE_CHECKING:
    from desktop.clerks import ClerkView
    from ui.services import Services

MS_PER_MINUTE = 60_000
# What counts as someone at the counter: any key, click, wheel, touch or pen.  A
# mouse *move* counts too, since a clerk reading a long form moves the pointer.
ACTIVITY_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


class IdleLock(QObject):
    """Fires once the whole application has seen no key or mouse event for a while.

    Install it with ``QApplication.instance().installEventFilter(idle)``; it is
    armed only while someone is unlocked (:meth:`arm` / :meth:`disarm`).  The timer
    is injectable so that tests fire ``timer.timeout`` instead of waiting.

    Signals:
        idle: the counter has been idle for the configured minutes.
    """

    idle = Signal()

    def __init__(
        self, minutes: int, timer: QTimer | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.timer = timer if timer is not None else QTimer(self)
        self.timer.setParent(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._on_timer_timeout)
        self.set_minutes(minutes)

    def set_minutes(self, minutes: int) -> None:
        self.timer.setInterval(minutes * MS_PER_MINUTE)
        if self.timer.isActive():
            self.timer.start()

    def arm(self) -> None:
        self.timer.start()

    def disarm(self) -> None:
        self.timer.stop()

    @property
    def armed(self) -> bool:
        return self.timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY_EVENTS and self.timer.isActive():
            self.timer.start()  # start() on a running timer restarts the count
        return False

    def _on_timer_timeout(self) -> None:
        self.idle.emit()


class LockScreen(QWidget):
    """Clerk code and PIN; the counter's face whenever nobody is signed in.

    Emits no signals of its own: on success it sets ``state.clerk`` and emits
    ``events.unlocked(clerk)`` for the main window.  Built without ``services`` it
    shows 準備中 until :meth:`attach`.
    """

    def __init__(self, services: Services | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services: Services | None = None
        # A code and PIN submitted before the core was attached, to check once it is.
        self.pending = False

        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("clerk_code")
        self.code_edit.setMaxLength(8)
        self.code_edit.setValidator(QRegularExpressionValidator("[A-Za-z0-9]{0,8}", self))
        set_keys(self.code_edit, "inputMethodHints", "ImhPreferUppercase")
        self.code_edit.setPlaceholderText(self.tr("例: C01"))
        self.pin_edit = pin_edit()
        self.pin_edit.setObjectName("pin")
        self.unlock_button = QPushButton(both(self, self.tr("ロック解除")))
        self.unlock_button.setObjectName("unlock")
        self.message = error_label()
        self.message.setObjectName("message")
        # The attempts left before a lockout, as the core counts them.
        self.attempts = error_label()
        self.attempts.setObjectName("attempts_left")
        self.draft_note = QLabel()
        self.draft_note.setObjectName("draft_note")
        set_keys(self.draft_note, "textFormat", "RichText")
        self.draft_note.setWordWrap(True)
        self.draft_note.setVisible(False)
        # The counter opening (the core loading, the database, the station key).
        self.preparing = QLabel(stacked(self, self.tr("準備中…")))
        self.preparing.setObjectName("preparing")
        set_keys(self.preparing, "textFormat", "RichText")
        self.preparing.setWordWrap(True)

        self.code_edit.returnPressed.connect(self._on_code_return_pressed)
        self.pin_edit.returnPressed.connect(self._on_unlock_requested)
        self.unlock_button.clicked.connect(self._on_unlock_requested)
        self.code_edit.textEdited.connect(self._on_code_text_edited)

        for edit in (self.code_edit, self.pin_edit):
            font = edit.font()
            font.setPointSizeF(font.pointSizeF() * 1.5)
            edit.setFont(font)
            edit.setMinimumWidth(280)

        card = QFrame()
        card.setObjectName("lockCard")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setMaximumWidth(640)
        grid = QGridLayout(card)
        grid.setContentsMargins(32, 28, 32, 28)
        grid.setHorizontalSpacing(20)
        grid.setVerticalSpacing(12)
        grid.addWidget(heading(stacked(self, self.tr("ロック中"))), 0, 0, 1, 2)
        hint = QLabel(stacked(self, self.tr("担当者コードとPINを入力して Enter を押してください")))
        hint.setWordWrap(True)
        grid.addWidget(hint, 1, 0, 1, 2)
        for row, (text, edit) in enumerate(
            ((self.tr("担当者コード"), self.code_edit), (self.tr("PIN"), self.pin_edit)), start=2
        ):
            caption = QLabel(stacked(self, text))
            caption.setBuddy(edit)
            grid.addWidget(caption, row, 0)
            grid.addWidget(edit, row, 1)
        grid.addWidget(self.preparing, 4, 0, 1, 2)
        grid.addWidget(self.message, 5, 0, 1, 2)
        grid.addWidget(self.attempts, 6, 0, 1, 2)
        # At the right: a stretch before it, where an alignment would touch Qt's enums.
        button_row = QHBoxLayout()
        button_row.addStretch(1)
        button_row.addWidget(self.unlock_button)
        grid.addLayout(button_row, 7, 1)
        grid.addWidget(self.draft_note, 8, 0, 1, 2)

        self.shop_name = QLabel()
        self.shop_name.setObjectName("shopName")
        set_keys(self.shop_name, "alignment", "AlignCenter")
        font = self.shop_name.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.shop_name.setFont(font)

        centre = QHBoxLayout()
        centre.addStretch(1)
        centre.addWidget(card, 2)
        centre.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.shop_name)
        layout.addSpacing(12)
        layout.addLayout(centre)
        layout.addStretch(2)
        QWidget.setTabOrder(self.code_edit, self.pin_edit)
        QWidget.setTabOrder(self.pin_edit, self.unlock_button)
        if services is not None:
            self.attach(services)

    @property
    def ready(self) -> bool:
        """Whether a PIN can be checked now (the core is attached)."""
        return self._services is not None

    def attach(self, services: Services) -> None:
        """The core is here: show the shop, and check a code and PIN submitted meanwhile."""
        self._services = services
        self.shop_name.setText(services.ctx.shop_profile().name)
        services.events.settings_changed.connect(self._on_events_settings_changed)
        self.preparing.setVisible(False)
        self._show_draft_note()
        if self.pending:
            self.pending = False
            self._on_unlock_requested()

    def take_over(self, other: LockScreen) -> None:
        """What was typed into ``other`` (a window being replaced), pending check included."""
        self.code_edit.setText(other.code_edit.text())
        self.pin_edit.setText(other.pin_edit.text())
        self.pending = other.pending

    def prepare(self, last_clerk: str = "") -> None:
        """Ready for the next person: the last clerk's code pre-filled and selected.

        The clerk coming back only types the PIN after Enter; anyone else just types
        over the selected code.
        """
        self.pin_edit.clear()
        show_message(self.message, "", "")
        show_message(self.attempts, "", "")
        self.code_edit.setText(last_clerk)
        self.code_edit.selectAll()
        self.code_edit.setFocus()
        self._show_draft_note()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.code_edit.setFocus()

    def _show_draft_note(self) -> None:
        if self._services is None:
            return  # nothing can be in hand before the core is loaded
        drafts = self._services.state.drafts
        self.draft_note.setVisible(drafts.is_open())
        if not drafts.is_open():
            self.draft_note.clear()
            return
        self.draft_note.setText(
            stacked(
                self,
                self.tr(
                    "受付途中のデータがあります（担当: {owner}）。同じ担当者がロック解除すると続きから再開します。"
                ),
                owner=drafts.owner,
            )
        )

    def _on_events_settings_changed(self) -> None:
        if self._services is not None:
            self.shop_name.setText(self._services.ctx.shop_profile().name)

    def _on_code_text_edited(self, text: str) -> None:
        # Codes are capitals (C01); typing c01 is not a mistake worth a message.
        if text != text.upper():
            position = self.code_edit.cursorPosition()
            self.code_edit.setText(text.upper())
            self.code_edit.setCursorPosition(position)

    def _on_code_return_pressed(self) -> None:
        # Here, not at the top: this module is drawn before the first paint (ui.qt_keys).
        from PySide6.QtCore import Qt  # noqa: PLC0415

        self.pin_edit.setFocus(Qt.FocusReason.TabFocusReason)

    def _on_unlock_requested(self) -> None:
        if self._services is None:
            # Checked by attach(), as soon as the core is here; the fields stay as typed.
            self.pending = True
            self.preparing.setText(
                stacked(self, self.tr("準備中… 準備ができ次第、入力されたPINを確認します"))
            )
            return
        # The rules and the PIN check live in the core, loaded by now.
        from desktop.clerks import PinRefused  # noqa: PLC0415
        from desktop.rules import CLERK_CODE  # noqa: PLC0415

        code = self.code_edit.text().strip().upper()
        pin = self.pin_edit.text()
        if not CLERK_CODE.fullmatch(code) or not pin:
            show_message(
                self.message, *pair(self, self.tr("担当者コードとPINの両方を入力してください"))
            )
            (self.code_edit if not code else self.pin_edit).setFocus()
            return
        try:
            clerk = self._services.ctx.authenticate(code, pin)
        except UserError as exc:
            show_message(self.message, exc.ja, exc.en)
            attempts = exc.attempts_text() if isinstance(exc, PinRefused) else None
            show_message(self.attempts, *(attempts or ("", "")))
            self.pin_edit.clear()
            self.pin_edit.setFocus()
            return
        self._unlock(clerk)

    def _unlock(self, clerk: ClerkView) -> None:
        assert self._services is not None, "unlocked before the core was attached"
        self.pin_edit.clear()
        show_message(self.message, "", "")
        show_message(self.attempts, "", "")
        self._services.state.clerk = clerk
        self._services.events.unlocked.emit(clerk)

"""What every screen of the GUI shares: the core context, events, dialogs, the counter state.

Screens are built with one :class:`Services` and never reach into each other:
they announce changes through :class:`AppEvents` and refresh when told
(QUALITY.md: views refresh from events, not from each other).  Message boxes and
file pickers go through :class:`DialogService`, which tests replace so that no
test blocks on ``exec()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.app import AppContext
from desktop.clerks import ClerkView
from desktop.draft_ownership import DraftOwnership
from desktop.errors import UserError
from desktop.settings import StationSettings


class AppEvents(QObject):
    """Changes the screens announce and listen for.

    Signals:
        intakes_changed: an intake, void or reprint was committed.
        clerks_changed: staff were added, deactivated or had a PIN reset.
        settings_changed: shop or station settings changed.
        locked: the counter was locked (by the clerk or the idle timer).
        unlocked(ClerkView): a clerk unlocked the counter.
        customer_facing(bool): the window now faces the customer (True: their statement
            and signature fill it; the clerk's screens must be out of reach) or no longer.
    """

    intakes_changed = Signal()
    clerks_changed = Signal()
    settings_changed = Signal()
    locked = Signal()
    unlocked = Signal(object)
    customer_facing = Signal(bool)


class DialogService:
    """Message boxes and file pickers, behind one object that tests replace."""

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.information(parent, title, text)

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.critical(parent, title, text)

    def user_error(self, parent: QWidget | None, error: UserError) -> None:
        """A :class:`UserError` in both languages: what went wrong and what to do."""
        self.error(parent, "エラー / Error", f"{error.ja}\n\n{error.en}")

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        """A yes/no question; いいえ is the default, so a stray Enter never discards work
        (中止, quitting with a draft).  ``QMessageBox.question`` would default to Yes."""
        return question_box(parent, title, text).exec() == QMessageBox.StandardButton.Yes

    def confirm_unlikely(self, parent: QWidget | None, title: str, text: str) -> bool:
        """A question whose usual answer is No (a ¥0 purchase, a licence number that
        reads as a My Number): the same box as :meth:`confirm`; tests tell them apart."""
        return self.confirm(parent, title, text)

    def save_file(
        self, parent: QWidget | None, title: str, suggested: Path, filter_: str
    ) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), filter_)
        return Path(path) if path else None

    def choose_folder(self, parent: QWidget | None, title: str, start: Path) -> Path | None:
        path = QFileDialog.getExistingDirectory(parent, title, str(start))
        return Path(path) if path else None


def question_box(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    """はい / いいえ with いいえ the default and the Esc answer."""
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    box = QMessageBox(QMessageBox.Icon.Question, title, text, buttons, parent)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.setEscapeButton(QMessageBox.StandardButton.No)
    return box


@dataclass
class CounterState:
    """Who is at the counter now, and the intake they have in hand.

    The draft outlives the lock screen: locking clears ``clerk`` only, and the
    same clerk unlocking resumes exactly where they were (desktop.draft_ownership).
    """

    clerk: ClerkView | None = None
    # The open intake (a desktop.intake_flow.IntakeFlow) and whose it is.
    drafts: DraftOwnership = field(default_factory=DraftOwnership)


@dataclass
class Services:
    """The one bundle a screen is built with."""

    ctx: AppContext
    settings: StationSettings
    events: AppEvents
    dialogs: DialogService
    state: CounterState = field(default_factory=CounterState)

"""The counter's main window: one stack of screens, the F-key toolbar, the status bar.

Screens are plugged in by name through a registry of factories, each called as
``factory(services, parent)`` the first time its screen is opened.  The factories
import their modules on use, so the window opens fast.

The window can be built before the core is loaded (``MainWindow()``, no services):
it shows the lock screen, 準備中, with nothing but the code and PIN fields at work,
until :meth:`MainWindow.attach` hands it the services (ui/app.py's cold start).  So
the core is imported here only where it is used, not at load time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UserError
from desktop.settings import (
    IDLE_LOCK_MINUTES,
    MAIN_WINDOW_GEOMETRY,
    PRINTER_A4,
    PRINTER_THERMAL,
)
from ui.fit import PageStack, fit_window
from ui.i18n import both, english, message, pair, stacked
from ui.lock_screen import IdleLock, LockScreen
from ui.qt_keys import set_keys

if TYPE_CHECKING:
    from desktop.clerks import ClerkView
    from ui.services import Services

log = logging.getLogger(__name__)

ScreenFactory = Callable[["Services", QWidget], QWidget]

HOME = "home"
INTAKE = "intake"
HISTORY = "history"
SETTINGS = "settings"
DAYCLOSE = "dayclose"
LOCK = "lock"


def intake_screen(services: Services, parent: QWidget) -> QWidget:
    from ui.intake.wizard import IntakeWizard  # noqa: PLC0415 - loaded when first opened

    return IntakeWizard(services, parent)


def history_screen(services: Services, parent: QWidget) -> QWidget:
    from ui.history import HistoryView  # noqa: PLC0415 - loaded when first opened

    return HistoryView(services, parent)


def settings_screen(services: Services, parent: QWidget) -> QWidget:
    from ui.settings_view import SettingsView  # noqa: PLC0415 - loaded when first opened

    return SettingsView(services, parent)


def dayclose_screen(services: Services, parent: QWidget) -> QWidget:
    from ui.dayclose_view import DayCloseView  # noqa: PLC0415 - loaded when first opened

    return DayCloseView(services, parent)


DEFAULT_SCREENS: Mapping[str, ScreenFactory] = {
    INTAKE: intake_screen,
    HISTORY: history_screen,
    SETTINGS: settings_screen,
    DAYCLOSE: dayclose_screen,
}


class HomeView(QWidget):
    """What a clerk sees after unlocking: the four things they do, each with its key.

    No signals: its buttons trigger the main window's actions.
    """

    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.greeting = QLabel()
        self.greeting.setObjectName("greeting")
        font = self.greeting.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.greeting.setFont(font)
        grid = QGridLayout()
        grid.setSpacing(24)
        self.buttons: dict[str, QPushButton] = {}
        for index, action in enumerate(actions):
            button = QPushButton(action.iconText())
            button.setObjectName(f"home_{action.objectName()}")
            button.setMinimumSize(280, 120)
            font = button.font()
            font.setPointSizeF(font.pointSizeF() * 1.3)
            button.setFont(font)
            button.clicked.connect(action.trigger)
            button.setEnabled(action.isEnabled())
            action.enabledChanged.connect(button.setEnabled)
            grid.addWidget(button, index // 2, index % 2)
            self.buttons[action.objectName()] = button
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.addWidget(self.greeting)
        layout.addSpacing(24)
        layout.addLayout(grid)
        layout.addStretch(1)

    def greet(self, clerk: ClerkView) -> None:
        self.greeting.setText(
            stacked(self, self.tr("{name} さん、お疲れさまです"), name=clerk.name)
        )


class MainWindow(QMainWindow):
    """The counter's one window.

    Listens to ``events.unlocked``, ``events.settings_changed`` and
    ``events.clerks_changed``; emits ``events.locked`` when it locks (Ctrl+L or idle).
    No signals of its own.  Built without ``services``, it waits on its lock screen
    (準備中) for :meth:`attach`.
    """

    services: Services
    home: HomeView  # from attach on
    idle: IdleLock  # from attach on

    def __init__(
        self,
        services: Services | None = None,
        *,
        screens: Mapping[str, ScreenFactory] | None = None,
        idle_timer: QTimer | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._factories = dict(DEFAULT_SCREENS if screens is None else screens)
        self._screens: dict[str, QWidget] = {}
        self._current = LOCK
        # Where the clerk who locked was, so the same clerk comes back to it.
        self._resume: tuple[str, str] | None = None
        self.setWindowTitle(both(self, self.tr("Revoke Desk 受付")))

        # Sized by the screen it shows: the window shrinks back after a tall screen.
        self.stack = PageStack()
        self.setCentralWidget(self.stack)
        self.lock_screen = LockScreen(None, self.stack)
        self.stack.addWidget(self.lock_screen)
        self._build_actions()
        self._build_status_bar()
        # The home view and the idle lock wait for attach: nobody can unlock before it,
        # and the cold start paints the lock screen sooner without them (issue 11).
        self._idle_timer = idle_timer
        self._customer_facing = False
        self._set_unlocked(False)
        self.lock_screen.prepare()
        self.stack.setCurrentWidget(self.lock_screen)
        # Without services it is the cold start's window, which show_fitted sizes.
        if services is not None:
            self.attach(services)

    @property
    def ready(self) -> bool:
        """Whether the services are attached (a PIN can be checked)."""
        return self.lock_screen.ready

    def attach(self, services: Services) -> None:
        """The core is loaded: connect the window to it, and check a PIN typed meanwhile."""
        from ui.about import add_about_action  # noqa: PLC0415 - it imports the core

        self.services = services
        self.about_action = add_about_action(self, services)
        self.home = HomeView(
            [self.intake_action, self.history_action, self.settings_action, self.lock_action],
            self.stack,
        )
        self.stack.addWidget(self.home)
        self._screens[HOME] = self.home
        self.idle = IdleLock(services.settings.get(IDLE_LOCK_MINUTES), self._idle_timer, self)
        self.idle.idle.connect(self._on_idle_lock_idle)
        # On the application, not the window: a key typed in any widget or dialog counts.
        # Installed here, not before the first paint: a filter on the application has
        # every event of every object go through Python, and the first of them made
        # PySide6 build the Python types of half of Qt (~20 ms of the cold start).
        app = QApplication.instance()
        assert app is not None, "create the QApplication first"
        app.installEventFilter(self.idle)
        services.events.unlocked.connect(self._on_events_unlocked)
        services.events.settings_changed.connect(self._on_events_settings_changed)
        services.events.clerks_changed.connect(self._on_events_clerks_changed)
        services.events.customer_facing.connect(self._on_events_customer_facing)
        self._restore_geometry()
        self._refresh_status()
        self.lock_screen.attach(services)  # last: it may unlock at once

    # --- building -------------------------------------------------------------

    def _action(self, name: str, text: str, shortcut: str, slot: Callable[[], None]) -> QAction:
        action = QAction(both(self, text), self)
        action.setObjectName(name)
        # By its text, as Qt converts it: QKeySequence's constructor and setShortcut are
        # overloaded on Qt.Key, which would touch Qt's enums before the first paint.
        set_keys(action, "shortcut", shortcut)
        key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{action.text()} ({key})")
        # Two short lines on the buttons, with the key: clerks learn the F-keys by seeing them.
        other = english(self, text)
        action.setIconText(f"{text}  [{key}]" + (f"\n{other}" if other else ""))
        # The window owns the shortcut, so it works whichever screen has the focus.
        set_keys(action, "shortcutContext", "WindowShortcut")
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.home_action = self._action(HOME, self.tr("ホーム"), "F1", self._on_home_triggered)
        self.intake_action = self._action(
            INTAKE, self.tr("新規受付"), "F2", self._on_intake_triggered
        )
        self.history_action = self._action(
            HISTORY, self.tr("履歴"), "F3", self._on_history_triggered
        )
        self.settings_action = self._action(
            SETTINGS, self.tr("設定・スタッフ"), "F9", self._on_settings_triggered
        )
        # Day close (managers) and 'print the ledger now' (anyone signed in) share a screen.
        self.dayclose_action = self._action(
            DAYCLOSE, self.tr("締め・台帳"), "F10", self._on_dayclose_triggered
        )
        self.lock_action = self._action(LOCK, self.tr("ロック"), "Ctrl+L", self._on_lock_triggered)
        self.toolbar = QToolBar(both(self, self.tr("操作")))
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        set_keys(self.toolbar, "toolButtonStyle", "ToolButtonTextOnly")
        for action in (
            self.home_action,
            self.intake_action,
            self.history_action,
            self.settings_action,
            self.dayclose_action,
            self.lock_action,
        ):
            self.toolbar.addAction(action)
        self.addToolBar(self.toolbar)  # at the top, Qt's default

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.station_label = QLabel()
        self.clerk_label = QLabel()
        self.database_label = QLabel()
        self.printer_label = QLabel()
        for name, label in (
            ("station", self.station_label),
            ("clerk", self.clerk_label),
            ("database", self.database_label),
            ("printers", self.printer_label),
        ):
            label.setObjectName(f"status_{name}")
            label.setContentsMargins(6, 0, 6, 0)
            font = label.font()
            font.setPointSizeF(font.pointSizeF() * 0.9)
            label.setFont(font)
            bar.addPermanentWidget(label)
        self.clerk_label.setText(both(self, self.tr("ロック中")))  # the rest once attached

    def _refresh_status(self) -> None:
        from desktop.config import database_label  # noqa: PLC0415 - it imports SQLAlchemy

        services = self.services
        try:
            station = services.ctx.signer().station
        except UserError:
            station = "?"
        counter, clerk_caption, receipt = self.tr("レジ"), self.tr("担当"), self.tr("レシート")
        self.station_label.setText(f"{both(self, counter)}: {station}")
        clerk = services.state.clerk
        if clerk is None:
            self.clerk_label.setText(both(self, self.tr("ロック中")))
        else:
            self.clerk_label.setText(f"{both(self, clerk_caption)}: {clerk.code} {clerk.name}")
        self.database_label.setText(f"DB: {database_label(services.ctx.db_url)}")
        not_set = both(self, self.tr("未設定"))
        thermal = services.settings.get(PRINTER_THERMAL) or not_set
        a4 = services.settings.get(PRINTER_A4) or not_set
        self.printer_label.setText(f"{both(self, receipt)}: {thermal}　A4: {a4}")

    def _restore_geometry(self) -> None:
        saved = self.services.settings.get(MAIN_WINDOW_GEOMETRY)
        if not saved or not self.restoreGeometry(QByteArray.fromBase64(saved.encode("ascii"))):
            fit_window(self)

    # --- screens --------------------------------------------------------------

    def current_screen_name(self) -> str:
        return self._current

    def screen_widget(self, name: str) -> QWidget | None:
        """The screen built for ``name``, if it has been opened."""
        return self._screens.get(name)

    def show_screen(self, name: str) -> QWidget:
        if name != INTAKE and self._customer_facing:
            self._on_events_customer_facing(False)
        widget = self._screens.get(name)
        if widget is None:
            widget = self._factories[name](self.services, self.stack)
            self._screens[name] = widget
            self.stack.addWidget(widget)
        self.stack.setCurrentWidget(widget)
        self._current = name
        return widget

    def _drop_screen(self, name: str) -> None:
        widget = self._screens.pop(name, None)
        if widget is not None:
            self.stack.removeWidget(widget)
            widget.deleteLater()

    def _set_unlocked(self, unlocked: bool) -> None:
        clerk_screens = unlocked and not self._customer_facing
        for action in (
            self.home_action,
            self.intake_action,
            self.history_action,
            self.settings_action,
            self.dayclose_action,
        ):
            action.setEnabled(clerk_screens)
        # Locking stays possible while the customer holds the window: it keeps the draft.
        self.lock_action.setEnabled(unlocked)
        self.toolbar.setVisible(not self._customer_facing)

    def is_customer_facing(self) -> bool:
        """Whether the customer's statement fills the window (the clerk's screens shut)."""
        return self._customer_facing

    def _on_events_customer_facing(self, facing: bool) -> None:
        # One click on 履歴 here showed other customers' names and IMEIs: while the
        # customer reads and signs in this window, History, Settings and Day close
        # (their buttons and their F-keys, which are the same actions) are shut.
        self._customer_facing = facing
        self._set_unlocked(self.services.state.clerk is not None)

    # --- locking --------------------------------------------------------------

    def lock(self) -> None:
        """Lock the counter, keeping any half-done intake (state.drafts) for its owner."""
        state = self.services.state
        if state.clerk is None:
            return
        self._resume = (state.clerk.code, self._current)
        log.info("counter locked (clerk %s)", state.clerk.code)
        state.clerk = None
        self._show_locked()
        self.services.events.locked.emit()

    def _show_locked(self) -> None:
        self.idle.disarm()
        self._set_unlocked(False)
        self.lock_screen.prepare(self._resume[0] if self._resume else "")
        self.stack.setCurrentWidget(self.lock_screen)
        self._current = LOCK
        self._refresh_status()

    def _on_events_unlocked(self, clerk: ClerkView) -> None:
        drafts = self.services.state.drafts
        elsewhere = drafts.held_for_another(clerk.code)
        resume, self._resume = self._resume, None
        self._set_unlocked(True)
        self.home.greet(clerk)
        self.idle.arm()
        self._refresh_status()
        if resume is not None and resume[0] == clerk.code and resume[1] != LOCK:
            self.show_screen(resume[1])
        elif drafts.resumable_by(clerk.code) is not None:
            self.show_screen(INTAKE)  # their half-done intake, back after someone else's turn
        else:
            self.show_screen(HOME)
        if elsewhere:
            # The half-done intake holds another customer's personal data: keep it for
            # its owner, but do not show it to the clerk who has just signed in.
            self.services.dialogs.info(
                self,
                both(self, self.tr("受付途中のデータ")),
                message(
                    *pair(
                        self,
                        self.tr(
                            "{owner} さんの受付途中のデータは保管されています（表示しません）。"
                            "{owner} さんがロック解除すると続きから再開できます。"
                        ),
                        owner=elsewhere,
                    )
                ),
            )

    def _on_idle_lock_idle(self) -> None:
        self.lock()

    def _on_lock_triggered(self) -> None:
        self.lock()

    # --- navigation -----------------------------------------------------------

    def _on_home_triggered(self) -> None:
        self.show_screen(HOME)

    def _on_intake_triggered(self) -> None:
        state = self.services.state
        clerk = state.clerk
        if clerk is None:
            return
        owner = state.drafts.held_for_another(clerk.code)
        if owner:
            discard = self.services.dialogs.confirm(
                self,
                both(self, self.tr("受付途中のデータ")),
                message(
                    *pair(
                        self,
                        self.tr(
                            "{owner} さんの受付途中のデータがあります。"
                            "破棄して新しい受付を始めますか？（破棄すると元に戻せません）"
                        ),
                        owner=owner,
                    )
                ),
            )
            if not discard:
                return
            log.info("clerk %s discarded the open intake of clerk %s", clerk.code, owner)
            state.drafts.discard()
            # A fresh wizard: the old one may still hold the discarded draft's widgets.
            self._drop_screen(INTAKE)
        self.show_screen(INTAKE)

    def _on_history_triggered(self) -> None:
        self.show_screen(HISTORY)

    def _on_dayclose_triggered(self) -> None:
        self.show_screen(DAYCLOSE)

    def _on_settings_triggered(self) -> None:
        # The settings screen asks a non-manager for a manager's PIN itself.
        self.show_screen(SETTINGS)

    # --- events ---------------------------------------------------------------

    def _on_events_settings_changed(self) -> None:
        self.idle.set_minutes(self.services.settings.get(IDLE_LOCK_MINUTES))
        self._refresh_status()

    def _on_events_clerks_changed(self) -> None:
        clerk = self.services.state.clerk
        if clerk is None:
            return
        from desktop.clerks import is_active_clerk  # noqa: PLC0415 - the core, loaded by now

        with self.services.ctx.reading() as session:
            still_active = is_active_clerk(session, clerk.code)
        if not still_active:
            # Deactivated while signed in (by a manager at this counter): sign them out.
            self.lock()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.ready:
            super().closeEvent(event)  # closed while it opens: nothing to keep
            return
        state = self.services.state
        if state.drafts.is_open() and not self.services.dialogs.confirm(
            self,
            both(self, self.tr("終了")),
            message(*pair(self, self.tr("受付途中のデータがあります。破棄して終了しますか？"))),
        ):
            event.ignore()
            return
        geometry = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        self.services.settings.set(MAIN_WINDOW_GEOMETRY, geometry)
        super().closeEvent(event)

"""Which first window the counter shows, once the core is loaded: first run or the main window.

:class:`Startup` opens the station (its key, its settings and language) over an open
:class:`AppContext` and shows the first-run set-up for a new counter, else the main
window on its lock screen — the one already on screen when the cold start
(ui/app.py) built it before the core was loaded.  This module imports the core; the
cold start imports it in the first idle moment after the lock screen is shown.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSize, QTimer
from PySide6.QtWidgets import QWidget

from desktop import config
from desktop.app import AppContext
from desktop.errors import UserError
from desktop.key_access import PassphrasePrompt
from desktop.keys import stations_with_keys
from desktop.settings import LANGUAGE, StationSettings
from ui.fit import fit_window
from ui.i18n import install_language
from ui.key_unlock import ask_passphrase
from ui.main_window import MainWindow
from ui.services import AppEvents, CounterState, DialogService, Services

FIRST_RUN_SIZE = QSize(1180, 760)  # on a smaller screen: the screen's free area


def open_default_context() -> AppContext:
    """The database and key folder of this PC (env REVOKE_DESK_DB / _KEYS override them)."""
    db_url = config.resolve_db_url(None)
    return AppContext.open(db_url, config.resolve_keys_dir(None, db_url), create=True)


def configured_station(ctx: AppContext) -> str | None:
    """This counter's station, or None when it still needs its first-run set-up.

    A counter needs set-up when the database has no shop yet or this PC holds no
    station key (a second counter joining a shared database).
    """
    if not ctx.is_initialised() or not stations_with_keys(ctx.keys_dir):
        return None
    return ctx.signer().station


class Startup(QObject):
    """Chooses and shows the first window, and swaps set-up for the main window.

    ``window`` is the top-level window on screen: the first-run form, then the
    main window.  ``waiting`` is a main window already on screen without services
    (the cold start's): the main window is that one, handed its services, rather than
    a new one.  No signals.
    """

    def __init__(
        self,
        ctx: AppContext,
        dialogs: DialogService | None = None,
        *,
        idle_timer: QTimer | None = None,
        ask_key_passphrase: PassphrasePrompt = ask_passphrase,
        waiting: MainWindow | None = None,
    ) -> None:
        super().__init__()
        self.ctx = ctx
        # The station key's passphrase, when neither the environment nor the OS key
        # store has it: a manager types it once, when the counter first needs the key.
        ctx.passphrase_prompt = ask_key_passphrase
        self.dialogs = dialogs if dialogs is not None else DialogService()
        self.events = AppEvents()
        self._idle_timer = idle_timer
        self._waiting = waiting
        self.window: QWidget | None = waiting
        self.services: Services | None = None

    def start(self) -> QWidget:
        station = configured_station(self.ctx)
        if station is None:
            from ui.first_run import FirstRunView  # noqa: PLC0415 - only a new counter needs it

            first_run = FirstRunView(self.ctx, self.dialogs)
            first_run.completed.connect(self._on_first_run_completed)
            first_run.database_chosen.connect(self._on_first_run_database_chosen)
            fit_window(first_run, FIRST_RUN_SIZE)
            self._waiting = None  # set-up replaces it; the main window comes after
            self._show(first_run)
            return first_run
        return self.open_main_window(station)

    def open_main_window(self, station: str) -> QWidget:
        settings = StationSettings.for_station(self.ctx.keys_dir, station)
        english = install_language(settings.get(LANGUAGE))
        self.services = Services(self.ctx, settings, self.events, self.dialogs, CounterState())
        waiting, self._waiting = self._waiting, None
        if waiting is None:
            window = MainWindow(self.services, idle_timer=self._idle_timer)
        elif not english:
            waiting.attach(self.services)
            return waiting
        else:
            # Labels are translated when they are made: an English counter gets a new
            # window, with what was typed into the waiting one (checked once attached).
            window = MainWindow(idle_timer=self._idle_timer)
            window.lock_screen.take_over(waiting.lock_screen)
            window.attach(self.services)
        self._show(window)
        return window

    def _show(self, window: QWidget) -> None:
        previous, self.window = self.window, window
        window.show()
        if previous is not None:
            previous.close()
            previous.deleteLater()

    def _on_first_run_completed(self, station: str) -> None:
        self.open_main_window(station)

    def _on_first_run_database_chosen(self, url: str) -> None:
        """The set-up again, on the database just chosen (a new shop there, or joining)."""
        if url == self.ctx.db_url:
            return  # the one open already (this PC's file chosen again)
        try:
            ctx = AppContext.open(url, config.resolve_keys_dir(None, url), create=True)
        except UserError as error:
            self.dialogs.user_error(self.window, error)
            return
        ctx.passphrase_prompt = self.ctx.passphrase_prompt
        previous, self.ctx = self.ctx, ctx
        previous.close()
        self.start()

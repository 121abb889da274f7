"""Start the counter GUI: ``revoke-desk`` with no arguments (and ``./run``).

``main`` sets up Qt (application name, the bundled BIZ UDPGothic as the app font,
the translation), opens the default database (made on first use), and shows the
first-run set-up for a new counter, else the main window on its lock screen.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QElapsedTimer, QObject, QSize, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QWidget

from desktop import config
from desktop.app import AppContext
from desktop.errors import UserError
from desktop.key_access import PassphrasePrompt
from desktop.keys import stations_with_keys
from desktop.logs import setup_logging
from desktop.settings import LANGUAGE, StationSettings
from ui import palette
from ui.about import app_icon
from ui.fit import fit_window
from ui.i18n import install_language, install_qt_japanese, message
from ui.key_unlock import ask_passphrase
from ui.services import AppEvents, CounterState, DialogService, Services

log = logging.getLogger(__name__)

APP_NAME = "Revoke Desk"
ORGANISATION = "Revoke Desk"
FONT_FAMILY = "BIZ UDPGothic"
FONT_FILES = ("BIZUDPGothic-Regular.ttf", "BIZUDPGothic-Bold.ttf")
# Large enough to read at arm's length across a counter; screens scale titles from it.
BASE_POINT_SIZE = 13
EXIT_USAGE = 2
FIRST_RUN_SIZE = QSize(1180, 760)  # on a smaller screen: the screen's free area
# Looks that no widget sets for itself: roomy buttons and fields for quick, sure clicks.
STYLE_SHEET = (
    """
QPushButton { padding: 8px 18px; }
QLineEdit, QComboBox, QSpinBox { padding: 4px 6px; min-height: 1.6em; }
QToolBar QToolButton { padding: 6px 14px; }
QTabBar::tab { padding: 8px 18px; }
QFrame#lockCard { background: palette(base); border: 1px solid palette(mid); border-radius: 8px; }
"""
    + palette.FOCUS_STYLE
)


def font_dir() -> Path:
    """The fonts the slips embed; the screens use the same face, so both look alike."""
    return Path(str(files("reports").joinpath("fonts")))


def load_fonts(point_size: int = BASE_POINT_SIZE) -> bool:
    """Register BIZ UDPGothic with Qt and make it the application font.

    Returns False (and keeps Qt's default font) if the files are missing, so a
    broken install still opens.
    """
    loaded = [QFontDatabase.addApplicationFont(str(font_dir() / name)) for name in FONT_FILES]
    if any(font_id < 0 for font_id in loaded):
        log.warning("bundled font missing in %s: using the system font", font_dir())
        return False
    font = QFont(FONT_FAMILY, point_size)
    QApplication.setFont(font)
    return True


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication (the running one if there is one), named and styled.

    High-DPI scaling is on by default in Qt 6; nothing to set for it.
    """
    existing = QApplication.instance()
    app = (
        existing
        if isinstance(existing, QApplication)
        else QApplication(list(argv or [sys.argv[0]]))
    )
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(ORGANISATION)
    app.setWindowIcon(app_icon())
    load_fonts()
    app.setStyleSheet(STYLE_SHEET)
    # Japanese first: Qt's own buttons (はい / いいえ) too, from the first-run screen on;
    # an English station removes it again when its language is installed.
    install_qt_japanese()
    return app


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
    main window.  No signals.
    """

    def __init__(
        self,
        ctx: AppContext,
        dialogs: DialogService | None = None,
        *,
        idle_timer: QTimer | None = None,
        ask_key_passphrase: PassphrasePrompt = ask_passphrase,
    ) -> None:
        super().__init__()
        self.ctx = ctx
        # The station key's passphrase, when neither the environment nor the OS key
        # store has it: a manager types it once, when the counter first needs the key.
        ctx.passphrase_prompt = ask_key_passphrase
        self.dialogs = dialogs if dialogs is not None else DialogService()
        self.events = AppEvents()
        self._idle_timer = idle_timer
        self.window: QWidget | None = None
        self.services: Services | None = None

    def start(self) -> QWidget:
        station = configured_station(self.ctx)
        if station is None:
            from ui.first_run import FirstRunView  # noqa: PLC0415 - only a new counter needs it

            first_run = FirstRunView(self.ctx, self.dialogs)
            first_run.completed.connect(self._on_first_run_completed)
            first_run.database_chosen.connect(self._on_first_run_database_chosen)
            fit_window(first_run, FIRST_RUN_SIZE)
            self._show(first_run)
            return first_run
        return self.open_main_window(station)

    def open_main_window(self, station: str) -> QWidget:
        from ui.main_window import MainWindow  # noqa: PLC0415 - after the translator is in

        settings = StationSettings.for_station(self.ctx.keys_dir, station)
        install_language(settings.get(LANGUAGE))
        self.services = Services(self.ctx, settings, self.events, self.dialogs, CounterState())
        window = MainWindow(self.services, idle_timer=self._idle_timer)
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


@dataclass
class Launched:
    """What :func:`launch` set up, for ``main`` (and the start-up bench) to run or inspect."""

    app: QApplication
    ctx: AppContext
    startup: Startup


def launch(argv: Sequence[str] | None = None) -> Launched:
    """Everything ``main`` does before the event loop; raises UserError if the database fails."""
    app = create_application(argv)
    ctx = open_default_context()
    try:
        startup = Startup(ctx)
        startup.start()
    except BaseException:
        ctx.close()
        raise
    return Launched(app, ctx, startup)


def run_event_loop(app: QApplication) -> int:
    """``app.exec()``, kept apart so the entry point can be tested without blocking."""
    return app.exec()


def _report_uncaught(
    kind: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    """Show an error escaping a slot instead of printing it to a console nobody sees."""
    if isinstance(exc, UserError):
        DialogService().user_error(None, exc)
        return
    log.critical("unexpected fault", exc_info=(kind, exc, tb))
    DialogService().error(
        None,
        "エラー / Error",
        message(
            f"予期しないエラーが発生しました。記録は保存済みのものだけが残ります。ログ: {config.log_dir()}",
            f"an unexpected fault occurred; only what was already saved is kept. Log: {config.log_dir()}",
        ),
    )


SMOKE_TIMEOUT_MS = 20_000


def smoke_check(launched: Launched) -> int:
    """``--smoke-gui``: run the event loop until the first window is exposed, say which, quit.

    0 when a window is on screen (what an installer's smoke test needs to know: the
    bundle has Qt, its platform plugin, the fonts and the database), 1 if none is
    exposed within SMOKE_TIMEOUT_MS.
    """
    app = launched.app
    elapsed = QElapsedTimer()
    elapsed.start()
    result: list[str] = []

    def check() -> None:
        window = launched.startup.window
        handle = window.windowHandle() if window is not None else None
        if window is not None and window.isVisible() and handle is not None and handle.isExposed():
            result.append(type(window).__name__)
        elif elapsed.elapsed() < SMOKE_TIMEOUT_MS:
            QTimer.singleShot(20, check)
            return
        app.exit(0)  # not quit(): that closes the windows first

    QTimer.singleShot(0, check)
    app.exec()
    shown = bool(result)
    name = result[0] if shown else type(launched.startup.window).__name__
    if launched.startup.window is not None:
        launched.startup.window.close()
    log.info("GUI smoke check: %s %s", name, "shown" if shown else "not shown")
    if sys.stdout is not None:  # a windowed Windows build has no stdout
        print(f"smoke-gui: {name} {'shown' if shown else 'NOT shown'}")
    return 0 if shown else 1


def main(argv: Sequence[str] | None = None, *, smoke: bool = False) -> int:
    log_path = setup_logging()
    log.info("GUI starting (log %s)", log_path)
    try:
        launched = launch(argv)
    except UserError as exc:
        if smoke:  # no dialog that nobody will close
            if sys.stderr is not None:
                sys.stderr.write(f"エラー / error: {exc.line()}\n")
            return EXIT_USAGE
        create_application(argv)
        DialogService().user_error(None, exc)
        return EXIT_USAGE
    if smoke:
        try:
            return smoke_check(launched)
        finally:
            launched.startup.ctx.close()
    previous_hook, sys.excepthook = sys.excepthook, _report_uncaught
    try:
        return run_event_loop(launched.app)
    finally:
        sys.excepthook = previous_hook
        launched.startup.ctx.close()  # the first run may have moved it to another database

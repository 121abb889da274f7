"""Start the counter GUI: ``revoke-desk`` with no arguments (and ``./run``).

``main`` sets up Qt (application name, the bundled BIZ UDPGothic as the app font,
the style) and shows the counter's window on its lock screen at once, saying
準備中 (preparing) — before the core is even imported.  In the first idle moment
after that window is drawn, :class:`ColdStart` imports the core, sets the private
umask and the log, opens the default database (made on first use) and hands over to
:class:`ui.startup.Startup`: the station key (its passphrase dialog if need be), the
station's settings and language, then either the first-run set-up for a new counter
or the same window, now able to check a PIN — one typed meanwhile is checked then.
An error on the way (no database, a wrong schema, the key dialog quit) shows as a
message and ends the program with exit code 2, as before the window existed.

Why this order: the core (SQLAlchemy, argon2, cryptography, the models) takes most of
a cold start, and a clerk looks at the screen before typing (docs/PERFORMANCE.md,
the ``startup`` bench).  So this module imports nothing of the core at load time
but :mod:`desktop.errors`.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QWidget

from desktop.errors import UserError
from ui import palette
from ui.fit import show_fitted
from ui.i18n import install_qt_japanese, message
from ui.import_hook import without_pyside_import_hook
from ui.main_window import MainWindow

if TYPE_CHECKING:
    from desktop.app import AppContext
    from ui.services import DialogService
    from ui.startup import Startup

log = logging.getLogger(__name__)

APP_NAME = "Revoke Desk"
ORGANISATION = "Revoke Desk"
FONT_FAMILY = "BIZ UDPGothic"
FONT_FILES = ("BIZUDPGothic-Regular.ttf", "BIZUDPGothic-Bold.ttf")
# Large enough to read at arm's length across a counter; screens scale titles from it.
BASE_POINT_SIZE = 13
EXIT_USAGE = 2
EXIT_FAULT = 1
IMPORT_POLL_MS = 10  # how often the GUI thread looks whether the core's import is done
EXPOSE_WAIT_MS = 2_000  # the core loads then even if the window is never exposed
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
# What the cold start imports without PySide6's import hook (see import_core).
CORE_MODULES = (
    "desktop.app",
    "desktop.clerks",
    "desktop.config",
    "desktop.files",
    "desktop.key_access",
    "desktop.keys",
    "desktop.logs",
    "desktop.rules",
    "desktop.settings",
    "desktop.setup",
    "desktop.version",
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


def create_application(argv: Sequence[str] | None = None, *, icon: bool = True) -> QApplication:
    """The QApplication (the running one if there is one), named and styled.

    High-DPI scaling is on by default in Qt 6; nothing to set for it.  ``icon=False``
    leaves the window icon to the cold start, which sets it with the core (the icon's
    module imports it).
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
    if icon:
        set_app_icon(app)
    load_fonts()
    app.setStyleSheet(STYLE_SHEET)
    # Japanese first: Qt's own buttons (はい / いいえ) too, from the first-run screen on;
    # an English station removes it again when its language is installed.
    install_qt_japanese()
    return app


def set_app_icon(app: QApplication) -> None:
    from ui.about import app_icon  # noqa: PLC0415 - ui.about imports the core

    app.setWindowIcon(app_icon())


def import_core() -> None:
    """The core modules the start needs, imported without PySide6's hook."""
    with without_pyside_import_hook():
        for name in CORE_MODULES:
            importlib.import_module(name)


def _import_core_quietly() -> None:
    # A failure is raised again, and reported, when the GUI thread imports the same.
    with contextlib.suppress(Exception):
        import_core()


Schedule = Callable[[QWidget, Callable[[], None]], None]


class _FirstExpose(QObject):
    """Runs a step once, in the first idle moment after a window is exposed (drawn),
    or after EXPOSE_WAIT_MS if it never is (started minimised, on another desktop):
    the core must load either way."""

    def __init__(self, window: QWidget, step: Callable[[], None]) -> None:
        super().__init__(window)
        self._step: Callable[[], None] | None = step
        QTimer.singleShot(EXPOSE_WAIT_MS, self, self.run_once)

    def run_once(self) -> None:
        if self._step is not None:
            step, self._step = self._step, None
            # After the current event: the window paints in its expose handling.
            QTimer.singleShot(0, step)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        handle = self.parent()
        if event.type() == QEvent.Type.Expose:
            window = handle.windowHandle() if isinstance(handle, QWidget) else None
            if window is not None and window.isExposed():
                self.run_once()
        return False


def after_first_paint(window: QWidget, step: Callable[[], None]) -> None:
    """The cold start's default :data:`Schedule`: ``step`` once ``window`` is drawn.

    ``window`` must be shown already (it has its native window then).
    """
    handle = window.windowHandle()
    if handle is None or handle.isExposed():
        QTimer.singleShot(0, step)
        return
    handle.installEventFilter(_FirstExpose(window, step))


class ColdStart(QObject):
    """The counter's window first, on its lock screen; the core in the first idle moment.

    ``schedule(window, step)`` decides when the core is loaded (default: the first
    idle moment after the window is drawn, :func:`after_first_paint`); tests hold the
    step back to type a PIN before the core is there.  The step (:meth:`load_core`)
    imports the core on a worker thread, then :meth:`open_core` opens it here.

    Signals:
        shown: the window is on screen; the core starts loading now.
        ready: the core is loaded and ``window`` is the real first window (the main
            window able to check a PIN, or the first-run set-up).
        failed(int): the start stopped, with ``exit_code`` (2 on ``error``, a UserError,
            shown in a message box unless smoke; 1 on a fault, logged); the window
            is hidden, and :func:`launch` ends the event loop with that code.
    """

    shown = Signal()
    ready = Signal()
    failed = Signal(int)

    def __init__(
        self,
        app: QApplication,
        *,
        smoke: bool = False,
        schedule: Schedule = after_first_paint,
        dialogs: DialogService | None = None,
    ) -> None:
        super().__init__()
        self.app = app
        self.smoke = smoke
        self._schedule = schedule
        self._dialogs = dialogs
        self.waiting = MainWindow()
        self.startup: Startup | None = None
        self.error: UserError | None = None
        self.exit_code: int | None = None
        self._importing: threading.Thread | None = None

    @property
    def window(self) -> QWidget | None:
        """The top-level window on screen now."""
        return self.startup.window if self.startup is not None else self.waiting

    @property
    def ctx(self) -> AppContext | None:
        return self.startup.ctx if self.startup is not None else None

    @property
    def is_ready(self) -> bool:
        return self.startup is not None

    def begin(self) -> None:
        show_fitted(self.waiting)
        self._schedule(self.waiting, self.load_core)

    def load_core(self) -> None:
        """The window is on screen: import the core on a worker thread, then open it here.

        The import is plain Python with no Qt in it, so a thread may do it; meanwhile
        the GUI thread goes on drawing and taking keys (the GIL changes hands every few
        milliseconds).  The database, the key and every widget stay on this thread.
        """
        self.shown.emit()
        self._importing = threading.Thread(
            target=_import_core_quietly, name="import-core", daemon=True
        )
        self._importing.start()
        QTimer.singleShot(IMPORT_POLL_MS, self._when_imported)

    def _when_imported(self) -> None:
        # A method, not a closure: a closure that re-arms itself is a reference cycle
        # that would keep this object and its window alive after main() returns.
        if self._importing is not None and self._importing.is_alive():
            QTimer.singleShot(IMPORT_POLL_MS, self._when_imported)
            return
        self._importing = None
        self.open_core()

    def open_core(self) -> None:
        """Import the core (if not yet), open the database and the station; show what is next."""
        try:
            import_core()
            from desktop.files import use_private_umask  # noqa: PLC0415
            from desktop.logs import setup_logging  # noqa: PLC0415

            # Names, addresses and ID numbers: nothing made from here on is for others.
            use_private_umask()
            log.info("GUI starting (log %s)", setup_logging())
            set_app_icon(self.app)
            from ui.startup import Startup, open_default_context  # noqa: PLC0415

            ctx = open_default_context()
            try:
                startup = Startup(ctx, self._dialogs, waiting=self.waiting)
                startup.start()
            except BaseException:
                ctx.close()
                raise
        except UserError as exc:
            self.error = exc
            if self.smoke:  # no dialog that nobody will close
                if sys.stderr is not None:
                    sys.stderr.write(f"エラー / error: {exc.line()}\n")
            else:
                from ui.services import DialogService  # noqa: PLC0415

                (self._dialogs or DialogService()).user_error(self.waiting, exc)
            self._stop(EXIT_USAGE)
            return
        except Exception as exc:  # a fault: say so and stop, rather than wait for ever
            log.critical("the GUI could not start", exc_info=exc)
            if not self.smoke:
                _report_uncaught(type(exc), exc, exc.__traceback__)
            self._stop(EXIT_FAULT)
            return
        self.startup = startup
        self.ready.emit()

    def _stop(self, exit_code: int) -> None:
        self.exit_code = exit_code
        # Hidden, not closed: closing the last window inside the event loop posts a
        # Quit that would outlive this loop (and end the next one, in tests).
        self.waiting.hide()
        self.failed.emit(exit_code)

    def close(self) -> None:
        """Close the database (the first run may have moved it to another one)."""
        if self.startup is not None:
            self.startup.ctx.close()


@dataclass
class Launched:
    """What :func:`launch` set up, for ``main`` (and the start-up bench) to run or inspect."""

    app: QApplication
    cold_start: ColdStart

    @property
    def window(self) -> QWidget | None:
        return self.cold_start.window


def launch(
    argv: Sequence[str] | None = None,
    *,
    smoke: bool = False,
    schedule: Schedule = after_first_paint,
) -> Launched:
    """Everything ``main`` does before the event loop: the window shown, the core to come."""
    app = create_application(argv, icon=False)
    cold_start = ColdStart(app, smoke=smoke, schedule=schedule)
    # The loop that main (or the smoke check) runs ends with the start's exit code.
    # Not called by ColdStart itself: Qt 6 keeps an exit asked for outside that loop
    # (in a test's, or before it runs) and ends the next loop at once with it.
    # (app.exit itself, not a lambda holding cold_start: that would be a reference
    # cycle keeping the windows alive after main returns.)
    cold_start.failed.connect(app.exit)
    cold_start.begin()
    return Launched(app, cold_start)


def run_event_loop(app: QApplication) -> int:
    """``app.exec()``, kept apart so the entry point can be tested without blocking."""
    return app.exec()


def _report_uncaught(
    kind: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    """Show an error escaping a slot instead of printing it to a console nobody sees."""
    from desktop import config  # noqa: PLC0415 - loaded by the cold start
    from ui.services import DialogService  # noqa: PLC0415

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

    The first window is the one after the cold start (the main window able to check
    a PIN, or the first-run set-up): 0 when it is on screen (what an installer's
    smoke test needs to know: the bundle has Qt, its platform plugin, the fonts, the
    core and the database), 1 if none is exposed within SMOKE_TIMEOUT_MS, 2 when the
    start failed (the error on stderr).
    """
    app = launched.app
    cold_start = launched.cold_start
    elapsed = QElapsedTimer()
    elapsed.start()
    result: list[str] = []

    def check() -> None:
        if cold_start.exit_code is not None:
            return  # the start stopped, and ended the loop
        window = cold_start.window if cold_start.is_ready else None
        handle = window.windowHandle() if window is not None else None
        if window is not None and window.isVisible() and handle is not None and handle.isExposed():
            result.append(type(window).__name__)
        elif elapsed.elapsed() < SMOKE_TIMEOUT_MS:
            QTimer.singleShot(20, check)
            return
        app.exit(0)  # not quit(): that closes the windows first

    QTimer.singleShot(0, check)
    app.exec()
    try:
        if cold_start.exit_code is not None:
            return cold_start.exit_code
        shown = bool(result)
        window = cold_start.window
        name = result[0] if shown else type(window).__name__
        if window is not None:
            window.close()
        log.info("GUI smoke check: %s %s", name, "shown" if shown else "not shown")
        if sys.stdout is not None:  # a windowed Windows build has no stdout
            print(f"smoke-gui: {name} {'shown' if shown else 'NOT shown'}")
        return 0 if shown else 1
    finally:
        cold_start.close()


def main(argv: Sequence[str] | None = None, *, smoke: bool = False) -> int:
    launched = launch(argv, smoke=smoke)
    if smoke:
        return smoke_check(launched)
    previous_hook, sys.excepthook = sys.excepthook, _report_uncaught
    try:
        code = run_event_loop(launched.app)
    finally:
        sys.excepthook = previous_hook
        launched.cold_start.close()
    return launched.cold_start.exit_code or code

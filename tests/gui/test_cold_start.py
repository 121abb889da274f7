"""The cold start: the lock screen before the core, a PIN typed meanwhile checked once it is.

The seam is the cold start's ``schedule``: these tests hold back the step that imports
the core and opens the shop (ui/app.py), type into the real window, then run it.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QWidget

from desktop import __main__ as entry
from desktop import config
from desktop.cli import run as cli_run
from desktop.settings import LANGUAGE, StationSettings
from tests.conftest import MANAGER_PIN
from tests.gui.helpers import RecordingDialogs, press, show, type_text
from ui.app import EXIT_USAGE, EXPOSE_WAIT_MS, ColdStart, after_first_paint
from ui.first_run import FirstRunView
from ui.i18n import install_language
from ui.main_window import HOME, LOCK, MainWindow

ROOT = Path(__file__).resolve().parents[2]
MANAGER_NAME = "店長 一郎"


class HeldStep:
    """A ``schedule`` that keeps the core's step until the test runs it."""

    def __init__(self) -> None:
        self.steps: list[Callable[[], None]] = []

    def __call__(self, window: QWidget, step: Callable[[], None]) -> None:
        self.steps.append(step)

    def run(self, qtbot, cold: ColdStart) -> None:
        """The held step, then the event loop until the start is done (ready or stopped)."""
        [step] = self.steps
        step()
        qtbot.waitUntil(lambda: cold.is_ready or cold.exit_code is not None)


def init_shop() -> None:
    stdin = io.TextIOWrapper(io.BytesIO(f"{MANAGER_PIN}\n".encode()))
    argv = ["init", "--shop-name", "リボーク質店", "--station", "S01", "--manager", "M01"]
    assert cli_run([*argv, "--manager-name", MANAGER_NAME], out=io.StringIO(), stdin=stdin) == 0


@pytest.fixture
def held() -> HeldStep:
    return HeldStep()


@pytest.fixture
def cold(qtbot, held: HeldStep, dialogs: RecordingDialogs):
    start = ColdStart(QApplication.instance(), schedule=held, dialogs=dialogs)  # type: ignore[arg-type]
    yield start
    if start.startup is not None and start.startup.services is not None:
        start.startup.services.state.drafts.discard()
    # Closed and deleted here, not by the garbage collector in a later test.
    for widget in {start.waiting, start.window}:
        if widget is not None and shiboken6.isValid(widget):
            widget.close()
            widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    start.close()


def test_a_pin_typed_before_the_core_is_ready_is_checked_once_it_is(qtbot, cold, held):
    init_shop()
    cold.begin()
    window = cold.waiting
    show(qtbot, window)
    lock = window.lock_screen
    assert not window.ready
    assert lock.preparing.isVisible() and "準備中" in lock.preparing.text()
    type_text(qtbot, "M01")
    press(qtbot, Qt.Key.Key_Return)
    type_text(qtbot, MANAGER_PIN)
    press(qtbot, Qt.Key.Key_Return)
    # Not lost, not refused: kept, and said so.
    assert lock.pending
    assert window.current_screen_name() == LOCK
    assert lock.pin_edit.text() == MANAGER_PIN
    assert not lock.message.isVisible()
    assert "確認します" in lock.preparing.text()

    held.run(qtbot, cold)

    assert cold.is_ready and cold.window is window  # the same window, now with the core
    assert window.current_screen_name() == HOME
    assert MANAGER_NAME in window.home.greeting.text()
    assert not lock.pending and not lock.preparing.isVisible()
    assert "S01" in window.station_label.text()


def test_a_wrong_pin_typed_before_the_core_is_ready_is_refused_once_it_is(qtbot, cold, held):
    init_shop()
    cold.begin()
    window = cold.waiting
    show(qtbot, window)
    type_text(qtbot, "M01")
    press(qtbot, Qt.Key.Key_Return)
    type_text(qtbot, "999999")
    press(qtbot, Qt.Key.Key_Return)
    held.run(qtbot, cold)
    lock = window.lock_screen
    assert window.current_screen_name() == LOCK
    assert "wrong clerk code or PIN" in lock.message.text()
    assert lock.pin_edit.text() == ""


def test_nothing_typed_means_nothing_checked_when_the_core_arrives(qtbot, cold, held):
    init_shop()
    cold.begin()
    show(qtbot, cold.waiting)
    held.run(qtbot, cold)
    lock = cold.waiting.lock_screen
    assert cold.waiting.current_screen_name() == LOCK
    assert not lock.message.isVisible() and not lock.preparing.isVisible()
    assert lock.shop_name.text() == "リボーク質店"


def test_a_new_counter_gets_the_first_run_screen_once_the_core_is_ready(qtbot, cold, held):
    cold.begin()
    waiting = cold.waiting
    show(qtbot, waiting)
    held.run(qtbot, cold)
    assert isinstance(cold.window, FirstRunView)
    qtbot.waitExposed(cold.window)
    assert not waiting.isVisible()


@pytest.fixture
def damaged_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"not a database " * 20)
    monkeypatch.setenv("REVOKE_DESK_DB", f"sqlite:///{damaged}")


@pytest.mark.usefixtures("damaged_database")
def test_a_damaged_database_found_late_is_shown_and_ends_with_exit_2(qtbot, cold, held, dialogs):
    cold.begin()
    show(qtbot, cold.waiting)
    held.run(qtbot, cold)
    assert cold.exit_code == EXIT_USAGE
    [shown] = dialogs.messages
    assert shown.kind == "error" and "not a database" in shown.text
    assert not cold.waiting.isVisible()


def _fresh_process_lines(probe: str) -> list[str]:
    """What ``probe`` prints, run in a fresh Python process on Qt's offscreen screen."""
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    return result.stdout.strip().splitlines()


def test_the_lock_screen_is_built_and_shown_before_the_core_is_imported():
    """In a fresh process: the window is up, its fields take input, and no SQLAlchemy yet."""
    probe = (
        "import sys\n"
        "from ui.app import launch\n"
        "launched = launch([], schedule=lambda window, step: None)\n"
        "window = launched.window\n"
        "print(type(window).__name__, window.isVisible(), window.lock_screen.code_edit.isEnabled())\n"
        "print(sorted(m for m in ('sqlalchemy', 'argon2', 'cryptography', 'desktop.app')"
        " if m in sys.modules))\n"
    )
    shown, imported = _fresh_process_lines(probe)[-2:]
    assert shown == f"{MainWindow.__name__} True True"
    assert imported == "[]"


def test_the_first_paint_builds_no_python_enums_of_qt_and_keeps_pysides_import_hook():
    """In a fresh process, imported as gui_main imports it: at ColdStart.shown PySide6
    has not made ``Qt``'s hundred Python enums (ui.qt_keys), and PySide6's import
    hook, stepped past for our modules (ui.import_hook), is back in place."""
    probe = (
        "import builtins, importlib, os\n"
        "import PySide6.QtCore as QtCore\n"
        "from ui.import_hook import without_pyside_import_hook\n"
        "with without_pyside_import_hook():\n"
        "    from ui.app import launch\n"
        "launched = launch([])\n"
        "def shown():\n"
        "    print('Qt' in vars(QtCore), builtins.__import__ is importlib.__import__,"
        " launched.window.isVisible(), launched.window.isMaximized(), flush=True)\n"
        "    os._exit(0)\n"
        "launched.cold_start.shown.connect(shown)\n"
        "launched.app.exec()\n"
    )
    # Maximised too, as fit_window would have it: the offscreen screen is 800×600.
    assert _fresh_process_lines(probe)[-1] == "False False True True"


@pytest.mark.usefixtures("damaged_database")
def test_smoke_gui_on_a_damaged_database_says_so_and_exits_2(qtbot, capsys):
    assert entry.main(["--smoke-gui"]) == EXIT_USAGE
    assert "not a database" in capsys.readouterr().err


def test_an_english_counter_gets_its_window_in_english_with_what_was_typed(qtbot, cold, held):
    init_shop()
    db_url = config.resolve_db_url(None)
    StationSettings.for_station(config.resolve_keys_dir(None, db_url), "S01").set(LANGUAGE, "en")
    cold.begin()
    waiting = cold.waiting
    show(qtbot, waiting)
    type_text(qtbot, "M01")
    press(qtbot, Qt.Key.Key_Return)
    type_text(qtbot, MANAGER_PIN)
    press(qtbot, Qt.Key.Key_Return)
    try:
        held.run(qtbot, cold)
        window = cold.window
        assert isinstance(window, MainWindow) and window is not waiting
        assert window.intake_action.text() == "New intake"
        assert window.current_screen_name() == HOME  # the PIN typed into the first one
        assert not waiting.isVisible()
    finally:
        install_language("ja")


def test_the_step_waits_for_the_first_paint_and_runs_once(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.winId()  # its native window, not yet shown
    ran: list[bool] = []
    after_first_paint(widget, lambda: ran.append(True))
    qtbot.wait(50)
    assert ran == []  # not before the window is on screen
    widget.show()
    qtbot.waitUntil(lambda: ran == [True])
    qtbot.wait(EXPOSE_WAIT_MS + 200)
    assert ran == [True]  # the fallback did not run it again


def test_the_step_runs_even_if_the_window_is_never_exposed(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.winId()  # minimised or on another desktop: never exposed
    ran: list[bool] = []
    after_first_paint(widget, lambda: ran.append(True))
    qtbot.waitUntil(lambda: ran == [True], timeout=EXPOSE_WAIT_MS + 3000)
    assert widget.windowHandle() is not None and not widget.windowHandle().isExposed()

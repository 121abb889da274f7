"""GUI fixtures: Services over the shared ``ctx`` with dialogs that record instead of
showing, a hand-fired idle timer, and the main window (helpers in ``tests/gui/helpers.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from desktop.app import AppContext
from desktop.settings import StationSettings
from tests.gui.helpers import HandTimer, RecordingDialogs, show
from ui.app import create_application
from ui.main_window import MainWindow
from ui.services import AppEvents, CounterState, Services

HERE = Path(__file__).parent
STATION = "S01"
# Qt's offscreen platform (the only one CI has) warns at every window whose size
# limits change; it says nothing about our code, and the run fails on Qt warnings.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(scope="session", autouse=True)
def _application(qapp: QApplication) -> QApplication:
    """The application set up as ``revoke-desk`` sets it up: name, bundled font, style."""
    return create_application()


@pytest.fixture
def dialogs() -> RecordingDialogs:
    return RecordingDialogs()


@pytest.fixture
def services(ctx: AppContext, dialogs: RecordingDialogs) -> Services:
    return Services(
        ctx,
        StationSettings.for_station(ctx.keys_dir, STATION),
        AppEvents(),
        dialogs,
        CounterState(),
    )


@pytest.fixture
def idle_timer() -> HandTimer:
    return HandTimer()


@pytest.fixture
def main_window(qtbot, services: Services, idle_timer: HandTimer) -> Iterator[MainWindow]:
    """The main window over the shared shop, shown and active, on its lock screen."""
    window = MainWindow(services, idle_timer=idle_timer)
    qtbot.addWidget(window)
    show(qtbot, window)
    yield window
    services.state.drafts.discard()  # nothing to confirm when the window closes

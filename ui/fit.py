"""Screens that fit the counter PC: 1366×768 less a task bar, and 1280×720.

Two things made screens taller than the counter's screen, and both are fixed here once:

* ``QStackedWidget`` asks for the largest minimum of all its pages, so after the
  tallest screen had been opened once the whole window could never again be smaller
  than it.  :class:`PageStack` asks only for the page it shows.
* A long form in a plain layout pushes its buttons below the screen's edge.
  :func:`scrolled` puts the form in a scroll area; the screens keep their action
  buttons outside it, so they are always in view.

:func:`fit_window` sizes the main window to the screen it opens on.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QScrollArea, QStackedWidget, QWidget

from ui.qt_keys import set_keys

# The smallest counter screen the app is designed for, less a 40-pixel task bar, and
# the room a window manager's title bar and frame take from it.  Every screen's
# minimum size must fit inside (tests/gui/test_screen_fit.py).
COUNTER_SCREEN = QSize(1366, 728)
SMALL_SCREEN = QSize(1280, 680)  # 1280×720 at 100 %, less a task bar
WINDOW_FRAME = QSize(8, 34)
# The main window's size on a roomy screen; smaller screens get their available area.
PREFERRED_WINDOW = QSize(1280, 800)


def room_on(screen_size: QSize) -> QSize:
    """The client area a window has on a screen of ``screen_size`` (its frame removed)."""
    return screen_size - WINDOW_FRAME


class PageStack(QStackedWidget):
    """A stack of screens whose size limits are those of the screen it shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currentChanged.connect(self._on_current_changed)

    def sizeHint(self) -> QSize:
        page = self.currentWidget()
        return page.sizeHint() if page is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        page = self.currentWidget()
        return page.minimumSizeHint() if page is not None else super().minimumSizeHint()

    def _on_current_changed(self, _index: int) -> None:
        # The window's layout caches the stack's minimum: tell it the limits changed.
        self.updateGeometry()


def scrolled(widget: QWidget, *, horizontal: bool = False) -> QScrollArea:
    """``widget`` in a frameless scroll area that gives it the whole width."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    if not horizontal:
        set_keys(area, "horizontalScrollBarPolicy", "ScrollBarAlwaysOff")
    area.setWidget(widget)
    return area


def reveal(widget: QWidget, margin: int = 16) -> bool:
    """Scroll the nearest scroll area that holds ``widget`` so that it is in view.

    Returns False when no scroll area holds it (nothing to do).
    """
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea) and parent.widget() is not widget:
            parent.ensureWidgetVisible(widget, margin, margin)
            return True
        parent = parent.parentWidget()
    return False


def fit_window(window: QWidget, preferred: QSize = PREFERRED_WINDOW) -> None:
    """Size ``window`` to ``preferred`` or, on a smaller screen, to the room it has.

    On a screen too small for ``preferred`` the window is maximised: a counter PC runs
    this one window, and a window taller than the screen hides its status bar.
    """
    if fit_geometry(window, preferred):
        # Here, not at the top: this module is drawn before the first paint (ui.qt_keys).
        from PySide6.QtCore import Qt  # noqa: PLC0415

        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)


def show_fitted(window: QWidget, preferred: QSize = PREFERRED_WINDOW) -> None:
    """Show ``window`` as :func:`fit_window` sizes it: the cold start's first window.

    ``showMaximized`` where fit_window sets the window state, which would touch
    Qt's enums before the first paint (ui.qt_keys).
    """
    if fit_geometry(window, preferred):
        window.showMaximized()
    else:
        window.show()


def fit_geometry(window: QWidget, preferred: QSize = PREFERRED_WINDOW) -> bool:
    """Size ``window`` to ``preferred`` or to the room it has; whether it belongs maximised."""
    # The screen of a window not shown yet is the primary one.  (QWidget.screen() on
    # such a window made a later window's constructor crash in PySide6 6.11 when the
    # first window was closed without being deleted, as --smoke-gui does.)
    handle = window.windowHandle()
    screen = handle.screen() if handle is not None else QGuiApplication.primaryScreen()
    if screen is None:
        window.resize(preferred)
        return False
    available: QRect = screen.availableGeometry()
    room = room_on(available.size())
    if room.width() >= preferred.width() and room.height() >= preferred.height():
        window.resize(preferred)
        return False
    window.resize(room.boundedTo(preferred))
    window.move(available.topLeft())
    return True

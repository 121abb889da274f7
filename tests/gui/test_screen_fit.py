"""Every screen fits the counter's screen: 1366×768 less a task bar, and 1280×720.

What a window manager does with a window whose minimum is taller than the screen is to
put its bottom, and the buttons there, off the screen: the customer's 同意して署名する
was below the fold.  Each screen's minimum size, with the window's bars and frame, must
fit (in Japanese and in English: English labels are longer), and at the size the
window then has, the buttons that finish a screen must be drawn whole.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QComboBox, QPushButton, QWidget

from desktop.clerks import list_clerks
from tests.gui.helpers import show
from ui.fit import COUNTER_SCREEN, SMALL_SCREEN, room_on
from ui.i18n import install_language
from ui.intake.pages import CustomerPage
from ui.intake.wizard import IntakeWizard
from ui.main_window import DAYCLOSE, HISTORY, HOME, INTAKE, SETTINGS, MainWindow
from ui.settings_view import SettingsView

SCREENS = {"1366x768": COUNTER_SCREEN, "1280x720": SMALL_SCREEN}


@pytest.fixture(params=["ja", "en"])
def language(request) -> Iterator[str]:
    install_language(request.param)
    yield request.param
    install_language("ja")


@pytest.fixture
def window(qtbot, services, idle_timer, language) -> Iterator[MainWindow]:
    window = MainWindow(services, idle_timer=idle_timer)
    qtbot.addWidget(window)
    show(qtbot, window)
    with services.ctx.reading() as session:
        manager = next(c for c in list_clerks(session) if c.code == "M01")
    services.state.clerk = manager
    services.events.unlocked.emit(manager)
    yield window
    services.state.drafts.discard()


def fits(size: QSize, screen: QSize) -> bool:
    room = room_on(screen)
    return size.width() <= room.width() and size.height() <= room.height()


def drawn_whole(widget: QWidget) -> bool:
    """Shown, and not cut by a parent's edge (a scroll area's, the window's)."""
    return widget.isVisible() and widget.visibleRegion().boundingRect() == widget.rect()


def every_view(window: MainWindow) -> Iterator[tuple[str, QWidget]]:
    """Each screen of the window in turn, and each page and tab within them, shown."""
    for name in (HOME, HISTORY, DAYCLOSE):
        yield name, window.show_screen(name)
    settings = window.show_screen(SETTINGS)
    assert isinstance(settings, SettingsView) and settings.is_open()
    for panel in (
        settings.shop_panel,
        settings.station_panel,
        settings.staff_panel,
        settings.minors_panel,
    ):
        settings.show_tab(panel)
        yield f"settings/{type(panel).__name__}", settings
    wizard = window.show_screen(INTAKE)
    assert isinstance(wizard, IntakeWizard)
    for index in range(wizard.stack.count()):
        wizard.stack.setCurrentIndex(index)
        yield f"intake/{wizard.stack.currentWidget().objectName() or index}", wizard
    window.show_screen(HOME)


@pytest.mark.parametrize("screen", SCREENS.values(), ids=SCREENS.keys())
def test_every_screen_s_minimum_fits_the_counter_screen(window, screen):
    too_big = []
    for name, _view in every_view(window):
        QApplication.processEvents()
        minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
        if not fits(minimum, screen):
            too_big.append((name, minimum.toTuple()))
    assert too_big == [], f"larger than {room_on(screen).toTuple()}: {too_big}"


def test_the_window_shrinks_back_after_a_tall_screen(window):
    home = window.minimumSizeHint()
    window.show_screen(HISTORY)
    window.show_screen(SETTINGS)
    window.show_screen(HOME)
    QApplication.processEvents()
    assert window.minimumSizeHint() == home


@pytest.mark.parametrize("screen", SCREENS.values(), ids=SCREENS.keys())
def test_the_customer_s_buttons_are_in_view_without_scrolling(qtbot, window, screen):
    window.resize(room_on(screen))
    wizard = window.show_screen(INTAKE)
    assert isinstance(wizard, IntakeWizard)
    page = next(p for p in wizard.pages.values() if isinstance(p, CustomerPage))
    wizard.stack.setCurrentWidget(page)
    QApplication.processEvents()
    customer = page.customer_screen
    buttons = [b for b in customer.findChildren(QPushButton) if b.text()]
    confirm = customer.findChild(QPushButton, "confirm")
    assert confirm is not None and confirm in buttons
    cut = [b.text() for b in buttons if not drawn_whole(b)]
    assert cut == []
    assert drawn_whole(wizard.next_button) and drawn_whole(wizard.cancel_button)


@pytest.mark.parametrize("screen", SCREENS.values(), ids=SCREENS.keys())
def test_the_revocation_steps_stay_in_view_when_the_questions_scroll(window, screen):
    window.resize(room_on(screen))
    wizard = window.show_screen(INTAKE)
    assert isinstance(wizard, IntakeWizard)
    from desktop.intake_flow import Step

    page = wizard.pages[Step.REVOCATION]
    wizard.stack.setCurrentWidget(page)
    QApplication.processEvents()
    bar = page.questions_scroll.verticalScrollBar()
    bar.setValue(bar.maximum())
    QApplication.processEvents()
    assert page.steps_title.visibleRegion().boundingRect() == page.steps_title.rect()
    wizard.scroll_to(page.clerk_check)
    assert drawn_whole(page.clerk_check)


def test_every_settings_choice_is_shown_whole(window):
    window.resize(room_on(COUNTER_SCREEN))
    settings = window.show_screen(SETTINGS)
    assert isinstance(settings, SettingsView)
    cut = []
    for panel in (settings.station_panel, settings.staff_panel, settings.minors_panel):
        settings.show_tab(panel)
        QApplication.processEvents()
        for combo in panel.findChildren(QComboBox):
            for index in range(combo.count()):
                text = combo.itemText(index)
                # the text, and the arrow's room beside it
                if combo.fontMetrics().horizontalAdvance(text) + 24 > combo.width():
                    cut.append(text)
    assert cut == []


@pytest.mark.parametrize("screen", SCREENS.values(), ids=SCREENS.keys())
def test_the_statement_is_whole_in_every_language(qtbot, window, screen):
    """The longest translations (Vietnamese, Portuguese) are set smaller, never cut."""
    from desktop.intake_flow import Step
    from desktop.languages import CUSTOMER_LANGUAGES
    from desktop.settings import CUSTOMER_SCREEN
    from tests.gui.test_intake_wizard import (
        answer_revocation,
        next_page,
        to_revocation,
    )

    window.services.settings.set(CUSTOMER_SCREEN, "main")
    window.resize(room_on(screen))
    wizard = window.show_screen(INTAKE)
    assert isinstance(wizard, IntakeWizard)
    to_revocation(qtbot, wizard)  # the real way there: the clerk's bars make room
    answer_revocation(qtbot, wizard)
    next_page(qtbot, wizard, Step.CUSTOMER)
    page = wizard.pages[Step.CUSTOMER]
    assert isinstance(page, CustomerPage)
    customer = page.customer_screen
    cut = []
    for choice in CUSTOMER_LANGUAGES:
        customer.set_language(choice.code)
        QApplication.processEvents()
        box = customer.findChild(QWidget, "statementBox")
        needed = box.layout().totalHeightForWidth(box.width())
        confirm = customer.findChild(QPushButton, "confirm")
        if box.height() < needed or not drawn_whole(confirm):
            cut.append((choice.code, box.height(), needed, customer.height()))
    assert cut == []

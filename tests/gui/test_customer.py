"""ui.customer: the statement the customer reads, the signature, the confirm button."""

from __future__ import annotations

import math
import os
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.catalogue import bundled_revocation_catalogue, statement_catalogue
from desktop.languages import CUSTOMER_LANGUAGES, language, screen_words
from desktop.rules import validate_intake
from desktop.signature import signature_problem
from tests.conftest import example_document
from ui.customer import (
    STATEMENT_POINT_SIZE,
    CustomerScreen,
    choose_customer_screen,
    show_on_customer_screen,
)

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "docs" / "images"
TABLET = (1280, 800)  # a counter tablet, landscape
LEFT = Qt.MouseButton.LeftButton
NO_MODIFIER = Qt.KeyboardModifier.NoModifier
TEXTS = statement_catalogue().texts

# 山田 on the pad's canvas, stroke by stroke.
YAMADA = [
    [(350, 60), (350, 190)],
    [(295, 110), (295, 190), (405, 190)],
    [(405, 105), (405, 195)],
    [(450, 80), (450, 200)],
    [(450, 80), (560, 80), (560, 200)],
    [(505, 80), (505, 200)],
    [(450, 140), (560, 140)],
    [(450, 200), (560, 200)],
]


class FakeClock:
    def __init__(self) -> None:
        self.ms = 0

    def __call__(self) -> int:
        return self.ms


def sign(screen: CustomerScreen, clock: FakeClock, strokes=YAMADA) -> None:
    """Draw ``strokes`` (canvas units) on the screen's pad with the mouse, 60 Hz."""
    pad = screen.pad
    for corners in strokes:
        points: list[QPoint] = []
        for (x0, y0), (x1, y1) in pairwise(corners):
            count = max(1, round(math.hypot(x1 - x0, y1 - y0) / 12))
            points += [
                pad.from_canvas(x0 + (x1 - x0) * i / count, y0 + (y1 - y0) * i / count).toPoint()
                for i in range(count)
            ]
        points.append(pad.from_canvas(*corners[-1]).toPoint())
        QTest.mousePress(pad, LEFT, NO_MODIFIER, points[0])
        for point in points[1:]:
            clock.ms += 16
            QTest.mouseMove(pad, point)
        QTest.mouseRelease(pad, LEFT, NO_MODIFIER, points[-1])
        clock.ms += 300


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def screen(qtbot, clock) -> CustomerScreen:
    widget = CustomerScreen(clock=clock)
    qtbot.addWidget(widget)
    widget.resize(*TABLET)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def button(screen: CustomerScreen, text: str):
    from PySide6.QtWidgets import QPushButton

    (found,) = [b for b in screen.findChildren(QPushButton) if b.text() == text]
    return found


# --- the statement ----------------------------------------------------------------------


def test_the_statement_is_the_catalogue_text_in_the_language_tapped(qtbot, screen) -> None:
    assert screen.language == "ja"
    assert screen.statement_shown() == TEXTS["customer_revoked"].ja

    qtbot.mouseClick(button(screen, "English"), LEFT)
    assert screen.language == "en"
    assert screen.statement_shown() == TEXTS["customer_revoked"].en
    assert TEXTS["clerk_no_assist"].en in screen.clerk_declaration_shown()

    qtbot.mouseClick(button(screen, "日本語"), LEFT)
    assert screen.language == "ja"
    assert screen.statement_shown() == TEXTS["customer_revoked"].ja
    assert TEXTS["clerk_no_assist"].ja in screen.clerk_declaration_shown()


def test_the_statement_that_was_shown_is_recorded_with_its_version(qtbot, screen) -> None:
    qtbot.mouseClick(button(screen, "English"), LEFT)
    shown = screen.statement()
    expected = statement_catalogue().statement("customer_revoked", "en")
    assert shown == expected
    assert shown.sha256 == expected.sha256


def test_the_never_used_statement_can_be_shown(screen, clock) -> None:
    sign(screen, clock)
    screen.set_statement("customer_never_used")
    assert screen.statement_id == "customer_never_used"
    assert screen.statement_shown() == TEXTS["customer_never_used"].ja
    # a signature drawn under another text does not carry over
    assert screen.pad.is_empty()
    screen.set_language("en")
    assert screen.statement_shown() == TEXTS["customer_never_used"].en


def test_every_customer_statement_of_the_catalogue_can_be_shown(screen) -> None:
    for statement_id in ("customer_suspended", "customer_model_changed", "customer_revoked_repair"):
        screen.set_statement(statement_id)
        assert screen.statement_shown() == TEXTS[statement_id].ja


def test_the_purpose_of_use_is_shown_before_the_customer_signs(screen) -> None:
    from desktop.slip_texts import slip_texts

    notices = slip_texts()
    assert notices.privacy_notice("purchase").ja in screen.privacy_notice_shown()
    assert "個人情報の利用目的" in screen.privacy_notice_shown()
    screen.reset(statement_id="customer_revoked_repair", purpose="repair")
    assert notices.privacy_notice("repair").ja in screen.privacy_notice_shown()
    screen.set_language("en")
    shown = screen.privacy_notice_shown()
    assert notices.privacy_notice("repair").en in shown
    assert shown.startswith("How we use your personal data")


def test_the_clerk_checkbox_reads_the_clerk_statement() -> None:
    from ui.intake import texts

    assert texts.CLERK_DID_NOT_ASSIST.ja == TEXTS["clerk_no_assist"].ja
    assert texts.CLERK_DID_NOT_ASSIST.en == TEXTS["clerk_no_assist"].en
    assert "失効のための端末操作も行っていません" in texts.CLERK_DID_NOT_ASSIST.ja


@pytest.mark.parametrize("statement_id", ["clerk_no_assist", "customer_unknown", ""])
def test_only_a_customer_statement_can_be_shown(screen, statement_id: str) -> None:
    with pytest.raises(ValueError, match="unknown statement"):
        screen.set_statement(statement_id)
    assert screen.statement_shown() == TEXTS["customer_revoked"].ja


def test_an_unknown_language_is_refused(screen) -> None:
    with pytest.raises(ValueError, match="unknown language"):
        screen.set_language("fr")
    assert screen.language == "ja"


def test_the_statement_is_large_and_the_clerks_declaration_smaller(screen) -> None:
    statement = screen.findChild(QWidget, "statement")
    clerk = screen.findChild(QWidget, "clerk")
    assert statement.font().pointSize() >= 20
    assert statement.font().pointSize() == STATEMENT_POINT_SIZE
    assert clerk.font().pointSize() < statement.font().pointSize()
    # the whole statement fits on the tablet without scrolling: nothing is cut off
    assert statement.height() >= statement.heightForWidth(statement.width())


# --- the signature and the confirm button -------------------------------------------------


def test_the_purpose_of_use_is_shown_above_the_signature_box(qtbot, screen) -> None:
    """個人情報保護法 §21: the customer knows what their data is for before they sign."""
    screen.reset(purpose="purchase")
    privacy = screen.findChild(QLabel, "privacy")
    assert privacy is not None and privacy.isVisible()
    assert privacy.geometry().bottom() < screen.pad.geometry().top()  # above the signature
    assert screen.pad.is_empty()


def test_confirm_waits_for_a_real_signature(qtbot, screen, clock) -> None:
    confirm = button(screen, "同意して署名する")
    assert not confirm.isEnabled()
    assert screen.message() == signature_problem([]).ja

    QTest.mouseClick(screen.pad, LEFT, NO_MODIFIER, screen.pad.from_canvas(500, 150).toPoint())
    assert not confirm.isEnabled()
    assert screen.message() == signature_problem(screen.pad.strokes()).ja
    assert screen.message() == "署名が短すぎます。お名前を署名してください"

    screen.pad.clear()
    sign(screen, clock)
    assert confirm.isEnabled()
    assert "同意して署名する" in screen.message()

    qtbot.mouseClick(button(screen, "消して書き直す"), LEFT)
    assert screen.pad.is_empty()
    assert not confirm.isEnabled()


def test_undo_can_take_a_signature_below_the_bar(qtbot, screen, clock) -> None:
    sign(screen, clock, YAMADA[:3])  # 山 alone passes
    confirm = button(screen, "同意して署名する")
    assert confirm.isEnabled()
    qtbot.mouseClick(button(screen, "ひと筆もどす"), LEFT)
    qtbot.mouseClick(button(screen, "ひと筆もどす"), LEFT)
    assert len(screen.pad.strokes()) == 1
    assert not confirm.isEnabled()


def test_the_problem_is_told_in_the_customers_language(qtbot, screen) -> None:
    qtbot.mouseClick(button(screen, "English"), LEFT)
    QTest.mouseClick(screen.pad, LEFT, NO_MODIFIER, screen.pad.from_canvas(500, 150).toPoint())
    assert screen.message() == "That is too short for a signature. Please sign your name."
    assert not button(screen, "Agree and sign").isEnabled()


def test_signed_carries_the_language_and_the_strokes(qtbot, screen, clock) -> None:
    sign(screen, clock)
    qtbot.mouseClick(button(screen, "English"), LEFT)  # the signature stays
    strokes = screen.pad.strokes()

    with qtbot.waitSignal(screen.signed, timeout=1000) as blocker:
        qtbot.mouseClick(button(screen, "Agree and sign"), LEFT)
    (payload,) = blocker.args
    assert payload == {"language": "en", "strokes": strokes}

    # the payload is what the intake document needs, and the validator takes it
    document = example_document()
    document["statement"] = {"language": payload["language"]}
    document["signature"] = {"strokes": payload["strokes"]}
    draft = validate_intake(
        document, today=date(2026, 11, 27), catalogue=bundled_revocation_catalogue()
    )
    assert draft.statement_language.value == "en"
    assert len(draft.signature) == len(YAMADA)


def test_a_disabled_confirm_sends_nothing(qtbot, screen) -> None:
    with qtbot.assertNotEmitted(screen.signed):
        qtbot.mouseClick(button(screen, "同意して署名する"), LEFT)


def test_cancel_is_announced(qtbot, screen) -> None:
    with qtbot.waitSignal(screen.cancelled, timeout=1000):
        qtbot.mouseClick(button(screen, "やめる"), LEFT)


def test_reset_readies_the_screen_for_the_next_customer(screen, clock) -> None:
    screen.set_language("en")
    sign(screen, clock)
    screen.reset(statement_id="customer_never_used")
    assert screen.language == "ja"
    assert screen.pad.is_empty()
    assert screen.statement_shown() == TEXTS["customer_never_used"].ja
    assert not button(screen, "同意して署名する").isEnabled()


# --- the second screen -------------------------------------------------------------------


class FakeScreen:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


def test_the_customer_screen_is_the_first_that_is_not_the_clerks() -> None:
    clerk, customer, third = FakeScreen("clerk"), FakeScreen("customer"), FakeScreen("third")
    assert choose_customer_screen([], None) is None
    assert choose_customer_screen([clerk], clerk) is None
    assert choose_customer_screen([clerk, customer], clerk) is customer
    assert choose_customer_screen([customer, clerk], clerk) is customer
    assert choose_customer_screen([clerk, customer, third], clerk) is customer


def test_with_one_screen_the_customer_screen_stays_in_the_main_window(qtbot, clock) -> None:
    main = QWidget()
    qtbot.addWidget(main)
    screen = CustomerScreen(clock=clock)
    QVBoxLayout(main).addWidget(screen)

    assert len(QGuiApplication.screens()) == 1  # offscreen has one screen
    assert show_on_customer_screen(screen, QGuiApplication.instance()) is False
    assert screen.parent() is main
    assert not screen.isWindow()


def test_the_main_setting_keeps_it_in_the_main_window_even_with_two_screens(qtbot, clock) -> None:
    main = QWidget()
    qtbot.addWidget(main)
    screen = CustomerScreen(clock=clock)
    QVBoxLayout(main).addWidget(screen)
    clerk, customer = FakeScreen("clerk"), FakeScreen("customer")

    assert (
        show_on_customer_screen(screen, mode="main", screens=[clerk, customer], primary=clerk)
        is False
    )
    assert screen.parent() is main


def test_with_a_second_screen_it_goes_there_full_screen(qtbot, clock) -> None:
    """Offscreen has one real screen; the clerk's screen here is a stand-in for a second."""
    main = QWidget()
    qtbot.addWidget(main)
    screen = CustomerScreen(clock=clock)
    qtbot.addWidget(screen)
    QVBoxLayout(main).addWidget(screen)
    real = QGuiApplication.primaryScreen()
    clerk = FakeScreen("clerk")

    assert show_on_customer_screen(screen, screens=[clerk, real], primary=clerk) is True
    qtbot.waitExposed(screen)
    assert screen.isWindow()
    assert screen.parent() is None
    assert screen.screen() is real
    assert screen.windowState() & Qt.WindowState.WindowFullScreen


# --- what the customer sees ----------------------------------------------------------------


@pytest.fixture
def screenshots(tmp_path) -> Path:
    """docs/images/ with REVOKE_DESK_SCREENSHOTS=1 (for the README), else a temporary folder."""
    out = IMAGES if os.environ.get("REVOKE_DESK_SCREENSHOTS") == "1" else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.mark.parametrize("shot", [("ja", "customer.png"), ("en", "customer-en.png")])
def test_screenshot_at_counter_tablet_size(screen, clock, screenshots, shot) -> None:
    """The screen as a customer sees it on a counter tablet, signed and ready to confirm."""
    language, name = shot
    screen.set_language(language)
    sign(screen, clock)
    assert screen.statement_shown() == getattr(TEXTS["customer_revoked"], language)
    image = screen.grab().toImage()
    assert (image.width(), image.height()) == TABLET

    # the confirm button is on screen, whole, and enabled
    confirm = button(screen, "同意して署名する" if language == "ja" else "Agree and sign")
    assert screen.rect().contains(confirm.geometry())
    assert confirm.isEnabled()
    # the pad keeps a good share of the height for a finger to sign in
    assert screen.pad.height() >= 0.3 * TABLET[1]

    assert image.save(str(screenshots / name))
    assert (screenshots / name).stat().st_size > 10_000


# --- the languages of Japan's foreign residents ------------------------------------------


@pytest.mark.parametrize("code", [c.code for c in CUSTOMER_LANGUAGES if c.code not in ("ja",)])
def test_each_language_s_button_shows_the_statement_and_the_screen_in_it(
    qtbot, screen, clock, code
) -> None:
    native = language(code).native
    qtbot.mouseClick(button(screen, native), LEFT)
    assert screen.language == code
    statement = statement_catalogue().statement("customer_revoked", code)
    assert screen.statement_shown() == statement.text
    said = screen_words(code)
    assert button(screen, said["confirm"]) is not None
    assert said["privacy_heading"] in screen.privacy_notice_shown()
    # a problem with the signature is told in that language too
    QTest.mouseClick(screen.pad, LEFT, NO_MODIFIER, screen.pad.from_canvas(500, 150).toPoint())
    assert screen.message() == said["sign_too_short"]
    screen.pad.clear()
    sign(screen, clock)
    with qtbot.waitSignal(screen.signed, timeout=1000) as blocker:
        qtbot.mouseClick(button(screen, said["confirm"]), LEFT)
    assert blocker.args[0]["language"] == code


def test_every_language_button_has_a_face_for_its_name(screen) -> None:
    """Each button's name can be drawn by the faces it is set in (no empty boxes)."""
    from PySide6.QtGui import QFontMetrics

    for code in [c.code for c in CUSTOMER_LANGUAGES]:
        shown = button(screen, language(code).native)
        metrics = QFontMetrics(shown.font())
        missing = [ch for ch in shown.text() if not metrics.inFontUcs4(ord(ch))]
        assert missing == [], (code, missing)

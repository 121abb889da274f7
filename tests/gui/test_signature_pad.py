"""ui.signature_pad: strokes from mouse, stylus and finger, in the validator's format."""

from __future__ import annotations

import math
from datetime import date
from itertools import pairwise

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import (
    QColor,
    QEventPoint,
    QInputDevice,
    QPointingDevice,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget

from desktop.catalogue import bundled_revocation_catalogue
from desktop.rules import MAX_STROKE_MS, MAX_STROKES, validate_intake
from desktop.signature import signature_problem
from tests.conftest import example_document
from ui.signature_pad import CANVAS_HEIGHT, CANVAS_WIDTH, INK_COLOUR, SignaturePad

LEFT = Qt.MouseButton.LeftButton
NO_MODIFIER = Qt.KeyboardModifier.NoModifier
START_MS = 5_000_000  # the fake clock's reading when the pad is made
FRAME_MS = 16  # a 60 Hz pointer

# 山田 on the canvas (canvas units), stroke by stroke, as a hand writes it.
YAMADA = [
    [(150, 60), (150, 190)],
    [(95, 110), (95, 190), (205, 190)],
    [(205, 105), (205, 195)],
    [(250, 80), (250, 200)],
    [(250, 80), (360, 80), (360, 200)],
    [(305, 80), (305, 200)],
    [(250, 140), (360, 140)],
    [(250, 200), (360, 200)],
]


class FakeClock:
    """Milliseconds that move only when a test says so."""

    def __init__(self, ms: int = START_MS) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def samples(corners: list[tuple[float, float]], step: float = 12) -> list[tuple[float, float]]:
    """Points along the polyline every ``step`` canvas units, as a pointer reports them."""
    points: list[tuple[float, float]] = []
    for (x0, y0), (x1, y1) in pairwise(corners):
        count = max(1, round(math.hypot(x1 - x0, y1 - y0) / step))
        points.extend(
            (x0 + (x1 - x0) * i / count, y0 + (y1 - y0) * i / count) for i in range(count)
        )
    points.append(corners[-1])
    return points


def widget_point(pad: SignaturePad, x: float, y: float) -> QPoint:
    return pad.from_canvas(x, y).toPoint()


def draw_with_mouse(
    pad: SignaturePad, clock: FakeClock, strokes: list[list[tuple[float, float]]]
) -> None:
    """Press, move and release the left button along each stroke, 16 ms per sample."""
    for corners in strokes:
        points = [widget_point(pad, x, y) for x, y in samples(corners)]
        QTest.mousePress(pad, LEFT, NO_MODIFIER, points[0])
        for point in points[1:]:
            clock.ms += FRAME_MS
            QTest.mouseMove(pad, point)
        QTest.mouseRelease(pad, LEFT, NO_MODIFIER, points[-1])
        clock.ms += 250  # the hand travels to the next stroke


def validated(strokes: list[list[list[int]]]) -> tuple:
    document = example_document()
    document["signature"] = {"strokes": strokes}
    draft = validate_intake(
        document, today=date(2026, 11, 27), catalogue=bundled_revocation_catalogue()
    )
    return draft.signature


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def pad(qtbot, clock) -> SignaturePad:
    widget = SignaturePad(clock=clock)
    qtbot.addWidget(widget)
    widget.resize(1000, 300)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_mouse_strokes_are_what_the_validator_accepts(pad, clock) -> None:
    draw_with_mouse(pad, clock, YAMADA)
    strokes = pad.strokes()

    assert len(strokes) == len(YAMADA)
    for stroke in strokes:
        assert len(stroke) >= 2
        for point in stroke:
            assert type(point) is list and len(point) == 3
            assert all(type(value) is int for value in point)
            assert 0 <= point[0] <= CANVAS_WIDTH and 0 <= point[1] <= CANVAS_HEIGHT
    # Put into the intake document, the strokes pass the one validator unchanged.
    assert validated(strokes) == tuple(tuple(tuple(p) for p in s) for s in strokes)
    assert signature_problem(strokes) is None


def test_time_stamps_count_from_the_first_touch_and_never_decrease(pad, clock) -> None:
    clock.ms += 90_000  # the customer read the statement first
    draw_with_mouse(pad, clock, YAMADA)
    times = [ms for stroke in pad.strokes() for _, _, ms in stroke]

    assert times[0] == 0
    assert times == sorted(times)
    # 16 ms per sample and 250 ms between strokes, exactly as the clock moved
    first, second = pad.strokes()[:2]
    assert [ms for *_, ms in first] == [FRAME_MS * i for i in range(len(first))]
    assert second[0][2] == first[-1][2] + 250


def test_the_first_point_is_where_the_pointer_went_down(pad, clock) -> None:
    draw_with_mouse(pad, clock, [[(150, 60), (150, 190)]])
    (stroke,) = pad.strokes()
    assert stroke[0][:2] == [150, 60]
    assert stroke[-1][:2] == [150, 190]
    assert [x for x, _, _ in stroke] == [150] * len(stroke)


@pytest.mark.parametrize(
    "size",
    [(500, 150), (1500, 450), (900, 600), (1400, 200)],
    ids=["small", "large", "taller than the canvas", "wider than the canvas"],
)
def test_the_same_gesture_gives_the_same_numbers_at_any_widget_size(
    qtbot, clock, size: tuple[int, int]
) -> None:
    pad = SignaturePad(clock=clock)
    qtbot.addWidget(pad)
    pad.resize(*size)
    pad.show()
    qtbot.waitExposed(pad)
    draw_with_mouse(pad, clock, YAMADA)

    # A widget pixel is at most this many canvas units; the mouse moves in whole pixels.
    tolerance = math.ceil(CANVAS_WIDTH / pad.canvas_rect().width()) + 1
    drawn = pad.strokes()
    assert len(drawn) == len(YAMADA)
    for stroke, corners in zip(drawn, YAMADA, strict=True):
        expected = samples(corners)
        assert len(stroke) == len(expected)
        for (x, y, _), (ex, ey) in zip(stroke, expected, strict=True):
            assert abs(x - ex) <= tolerance and abs(y - ey) <= tolerance
    # the canvas keeps its proportions: it is never stretched to the widget's
    rect = pad.canvas_rect()
    assert rect.width() / rect.height() == pytest.approx(CANVAS_WIDTH / CANVAS_HEIGHT, rel=0.01)


def test_a_press_in_the_margin_around_the_canvas_draws_nothing(qtbot, clock) -> None:
    pad = SignaturePad(clock=clock)
    qtbot.addWidget(pad)
    pad.resize(900, 600)  # the canvas is 900 × 270 in the middle
    pad.show()
    qtbot.waitExposed(pad)

    QTest.mousePress(pad, LEFT, NO_MODIFIER, QPoint(450, 20))
    QTest.mouseMove(pad, QPoint(500, 60))
    QTest.mouseRelease(pad, LEFT, NO_MODIFIER, QPoint(500, 60))
    assert pad.strokes() == []


def test_a_stroke_that_leaves_the_box_stays_on_its_edge(pad, clock) -> None:
    QTest.mousePress(pad, LEFT, NO_MODIFIER, QPoint(500, 150))
    QTest.mouseMove(pad, QPoint(1400, -200))
    QTest.mouseMove(pad, QPoint(-300, 900))
    QTest.mouseRelease(pad, LEFT, NO_MODIFIER, QPoint(-300, 900))
    (stroke,) = pad.strokes()
    assert [point[:2] for point in stroke] == [[500, 150], [1000, 0], [0, 300]]


def test_clear_empties_the_pad_and_its_time_starts_again_at_the_next_touch(
    qtbot, pad, clock
) -> None:
    draw_with_mouse(pad, clock, YAMADA[:2])
    assert not pad.is_empty()

    with qtbot.waitSignal(pad.changed, timeout=1000):
        pad.clear()
    assert pad.strokes() == []
    assert pad.is_empty()
    assert pad.point_count() == 0

    clock.ms += 60_000
    draw_with_mouse(pad, clock, YAMADA[:1])
    assert pad.strokes()[0][0][2] == 0


def test_undo_takes_back_the_last_stroke_only(qtbot, pad, clock) -> None:
    draw_with_mouse(pad, clock, YAMADA[:3])
    before = pad.strokes()

    with qtbot.waitSignal(pad.changed, timeout=1000):
        pad.undo_stroke()
    assert pad.strokes() == before[:2]
    assert pad.point_count() == sum(len(s) for s in before[:2])


def test_every_finished_stroke_is_announced(qtbot, pad, clock) -> None:
    with qtbot.waitSignals([pad.changed] * 3, timeout=1000):
        draw_with_mouse(pad, clock, YAMADA[:3])


def test_a_tap_is_a_dot_and_not_a_signature(pad) -> None:
    QTest.mouseClick(pad, LEFT, NO_MODIFIER, QPoint(500, 150))
    assert pad.strokes() == [[[500, 150, 0]]]
    problem = signature_problem(pad.strokes())
    assert problem is not None
    assert problem.en == "That is too short for a signature. Please sign your name."


def test_the_clock_never_runs_backwards_and_stops_at_the_validators_limit(pad, clock) -> None:
    QTest.mousePress(pad, LEFT, NO_MODIFIER, QPoint(100, 100))
    clock.ms += 500
    QTest.mouseMove(pad, QPoint(200, 100))
    clock.ms -= 400  # the system clock was set back
    QTest.mouseMove(pad, QPoint(300, 120))
    clock.ms += 5 * MAX_STROKE_MS  # the pad was left alone for hours
    QTest.mouseMove(pad, QPoint(400, 200))
    QTest.mouseRelease(pad, LEFT, NO_MODIFIER, QPoint(400, 200))

    assert [ms for *_, ms in pad.strokes()[0]] == [0, 500, 500, MAX_STROKE_MS]
    assert validated(pad.strokes())


def test_the_pad_takes_no_more_strokes_than_the_validator_allows(pad) -> None:
    for i in range(MAX_STROKES + 5):
        QTest.mouseClick(pad, LEFT, NO_MODIFIER, QPoint(10 + i * 4, 150))
    assert len(pad.strokes()) == MAX_STROKES


def test_only_the_left_button_draws(pad) -> None:
    QTest.mousePress(pad, Qt.MouseButton.RightButton, NO_MODIFIER, QPoint(100, 100))
    QTest.mouseMove(pad, QPoint(300, 200))
    QTest.mouseRelease(pad, Qt.MouseButton.RightButton, NO_MODIFIER, QPoint(300, 200))
    assert pad.strokes() == []


# --- stylus and finger ----------------------------------------------------------------


def stylus_event(
    pad: SignaturePad, stylus: QPointingDevice, kind: QEvent.Type, x: float, y: float
) -> QTabletEvent:
    position = pad.from_canvas(x, y)
    buttons = Qt.MouseButton.NoButton if kind == QEvent.Type.TabletRelease else LEFT
    return QTabletEvent(
        kind,
        stylus,
        position,
        QPointF(pad.mapToGlobal(position)),
        0.6,  # pressure
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        NO_MODIFIER,
        LEFT,
        buttons,
    )


def test_a_stylus_draws_through_tablet_events(pad, clock) -> None:
    stylus = QPointingDevice(
        "test stylus",
        4242,
        QInputDevice.DeviceType.Stylus,
        QPointingDevice.PointerType.Pen,
        QInputDevice.Capability.Position | QInputDevice.Capability.Pressure,
        1,
        2,
    )
    path = samples([(250, 80), (360, 80), (360, 200)])
    events = [stylus_event(pad, stylus, QEvent.Type.TabletPress, *path[0])]
    events += [stylus_event(pad, stylus, QEvent.Type.TabletMove, *p) for p in path[1:]]
    events.append(stylus_event(pad, stylus, QEvent.Type.TabletRelease, *path[-1]))
    for event in events:
        clock.ms += FRAME_MS
        QApplication.sendEvent(pad, event)
        # accepted, so Qt makes no mouse event of it and the stroke is not drawn twice
        assert event.isAccepted()

    (stroke,) = pad.strokes()
    assert [p[:2] for p in stroke] == [[round(x), round(y)] for x, y in path]
    assert [p[2] for p in stroke] == [FRAME_MS * i for i in range(len(path))]


def test_a_stylus_hovering_above_the_pad_draws_nothing(pad) -> None:
    stylus = QPointingDevice(
        "hover stylus",
        4243,
        QInputDevice.DeviceType.Stylus,
        QPointingDevice.PointerType.Pen,
        QInputDevice.Capability.Position,
        1,
        2,
    )
    for x in range(100, 400, 20):
        QApplication.sendEvent(pad, stylus_event(pad, stylus, QEvent.Type.TabletMove, x, 150))
    assert pad.strokes() == []


def window_point(pad: SignaturePad, x: float, y: float) -> QPoint:
    return pad.mapTo(pad.window(), widget_point(pad, x, y))


def test_a_finger_draws_through_touch_events(qtbot, pad, clock) -> None:
    screen = QTest.createTouchDevice()
    window = pad.window().windowHandle()
    path = samples([(95, 110), (95, 190), (205, 190)])
    QTest.touchEvent(window, screen).press(0, window_point(pad, *path[0])).commit()
    for x, y in path[1:]:
        clock.ms += FRAME_MS
        QTest.touchEvent(window, screen).move(0, window_point(pad, x, y)).commit()
    QTest.touchEvent(window, screen).release(0, window_point(pad, *path[-1])).commit()

    (stroke,) = pad.strokes()
    assert [p[:2] for p in stroke] == [[round(x), round(y)] for x, y in path]
    assert stroke[-1][2] == FRAME_MS * (len(path) - 1)
    assert validated([stroke, *pad.strokes()[1:]])


def test_a_second_finger_does_not_draw(pad, clock) -> None:
    screen = QTest.createTouchDevice()
    window = pad.window().windowHandle()
    QTest.touchEvent(window, screen).press(0, window_point(pad, 100, 100)).commit()
    QTest.touchEvent(window, screen).stationary(0).press(1, window_point(pad, 800, 250)).commit()
    QTest.touchEvent(window, screen).move(0, window_point(pad, 200, 150)).move(
        1, window_point(pad, 900, 280)
    ).commit()
    QTest.touchEvent(window, screen).release(0, window_point(pad, 200, 150)).release(
        1, window_point(pad, 900, 280)
    ).commit()
    assert [[p[:2] for p in s] for s in pad.strokes()] == [[[100, 100], [200, 150]]]


def test_a_cancelled_touch_leaves_no_stroke(pad) -> None:
    screen = QTest.createTouchDevice()
    window = pad.window().windowHandle()
    QTest.touchEvent(window, screen).press(0, window_point(pad, 100, 100)).commit()
    QTest.touchEvent(window, screen).move(0, window_point(pad, 300, 200)).commit()
    assert len(pad.strokes()) == 1  # being drawn

    finger = QPointingDevice(
        "cancel finger",
        4244,
        QInputDevice.DeviceType.TouchScreen,
        QPointingDevice.PointerType.Finger,
        QInputDevice.Capability.Position,
        5,
        0,
    )
    cancel = QTouchEvent(
        QEvent.Type.TouchCancel,
        finger,
        NO_MODIFIER,
        [QEventPoint(0, QEventPoint.State.Released, QPointF(), QPointF())],
    )
    QApplication.sendEvent(pad, cancel)
    assert pad.strokes() == []
    assert pad.point_count() == 0


# --- focus and ink ---------------------------------------------------------------------


def test_keyboard_focus_is_never_caught_in_the_pad(qtbot, clock) -> None:
    form = QWidget()
    qtbot.addWidget(form)
    before, pad, after = QLineEdit(), SignaturePad(clock=clock), QPushButton("OK")
    layout = QVBoxLayout(form)
    for widget in (before, pad, after):
        layout.addWidget(widget)
    form.resize(800, 500)
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form, timeout=2000)
    before.setFocus()

    # Signing does not take the focus from the field the clerk was typing in.
    draw_with_mouse(pad, clock, YAMADA[:2])
    assert before.hasFocus()

    # Tab reaches the pad, Backspace there undoes a stroke, and Tab goes on.
    QTest.keyClick(before, Qt.Key.Key_Tab)
    assert pad.hasFocus()
    QTest.keyClick(pad, Qt.Key.Key_Backspace)
    assert len(pad.strokes()) == 1
    QTest.keyClick(pad, Qt.Key.Key_Tab)
    assert after.hasFocus()
    QTest.keyClick(after, Qt.Key.Key_Backtab)
    QTest.keyClick(pad, Qt.Key.Key_Delete)
    assert pad.strokes() == []


def test_the_ink_is_drawn_where_the_pointer_went(pad, clock) -> None:
    blank = pad.grab().toImage()
    draw_with_mouse(pad, clock, [[(150, 60), (150, 190)]])
    inked = pad.grab().toImage()

    on_stroke = widget_point(pad, 150, 120)
    beside = widget_point(pad, 170, 120)
    assert blank.pixelColor(on_stroke) == QColor("#ffffff")
    assert inked.pixelColor(on_stroke) == INK_COLOUR
    assert inked.pixelColor(beside) == QColor("#ffffff")
    # antialiased: the stroke's edge blends from ink to paper
    row = [inked.pixelColor(on_stroke.x() + dx, on_stroke.y()) for dx in range(-6, 7)]
    assert any(c not in (INK_COLOUR, QColor("#ffffff")) for c in row)

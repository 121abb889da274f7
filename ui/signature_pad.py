"""The box the customer signs in: finger (touch), stylus (tablet) or mouse."""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import pairwise

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QHideEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QWidget

from desktop.rules import MAX_POINTS, MAX_STROKE_MS, MAX_STROKES
from desktop.signature import PAD_HEIGHT, PAD_WIDTH
from ui import palette

# The logical canvas every point is stored on, whatever the widget's size: the same
# signature gives the same numbers on a 10-inch tablet and on a 24-inch screen.
CANVAS_WIDTH = PAD_WIDTH
CANVAS_HEIGHT = PAD_HEIGHT
INK_WIDTH = 5.0  # in canvas units: about 1 mm on a counter tablet
INK_COLOUR = QColor(palette.INK)
PAPER_COLOUR = QColor(palette.PAPER)
EDGE_COLOUR = QColor(palette.PAD_EDGE)
GUIDE_COLOUR = QColor(palette.PAD_GUIDE)
HINT_COLOUR = QColor(palette.PAD_HINT)
BASELINE = 0.78  # of the canvas height, where the guide line is drawn

Point = list[int]  # [x, y, ms]


def monotonic_ms() -> int:
    return time.monotonic_ns() // 1_000_000


class SignaturePad(QWidget):
    """Captures the customer's handwritten signature as strokes of ``[x, y, ms]`` points.

    ``x`` and ``y`` are whole numbers on a fixed CANVAS_WIDTH × CANVAS_HEIGHT canvas
    that keeps its proportions inside the widget (centred, with margins if the widget
    is wider or taller), so the stored signature never depends on the window size and
    is never stretched.  ``ms`` counts milliseconds from the first touch after the pad
    was cleared (so the first point is at 0 however long the customer read before
    signing, and a slow signature stays far below the validator's one-hour limit).
    :meth:`strokes` returns exactly the ``signature.strokes`` format that
    ``desktop.rules.validate_intake`` accepts; the pad never takes more strokes or
    points than the validator allows.

    One pointer draws at a time: the first finger on the screen, the stylus or the
    left mouse button.  The pad takes keyboard focus only by Tab (never by a tap),
    passes Tab on, and offers Backspace (undo a stroke) and Delete (clear).

    Signals:
        changed: a stroke was finished, undone or cleared.
    """

    changed = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], int] = monotonic_ms,
        placeholder: str = "",
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._origin_ms: int | None = None  # the clock's reading at the first point
        self._last_ms = 0
        self._strokes: list[list[Point]] = []
        self._paths: list[QPainterPath] = []  # the finished strokes, in canvas units
        self._points = 0
        self._source: str | None = None  # "mouse", "touch" or "tablet" while drawing
        self._touch_id: int | None = None
        self._placeholder = placeholder
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        # Tab reaches the pad (for Backspace/Delete) but a tap never moves the focus,
        # so the clerk's keyboard focus is never caught in the signature box.
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAccessibleName("署名欄 / Signature box")

    # --- the strokes -----------------------------------------------------------------

    def strokes(self) -> list[list[list[int]]]:
        """Every stroke on the pad (including one being drawn), as fresh lists."""
        return [[list(point) for point in stroke] for stroke in self._strokes]

    def is_empty(self) -> bool:
        return not self._strokes

    def point_count(self) -> int:
        return self._points

    def clear(self) -> None:
        """Wipe the pad for a new signature; its time starts again at the next touch."""
        had_ink = bool(self._strokes)
        self._strokes.clear()
        self._paths.clear()
        self._points = 0
        self._source = None
        self._touch_id = None
        self._origin_ms = None
        self._last_ms = 0
        self.update()
        if had_ink:
            self.changed.emit()

    def undo_stroke(self) -> None:
        """Take back the last stroke (the pointer's last press-to-release)."""
        if not self._strokes:
            return
        if self._source is not None:
            self._source = None
            self._touch_id = None
        else:
            self._paths.pop()
        self._points -= len(self._strokes.pop())
        self.update()
        self.changed.emit()

    def set_placeholder(self, text: str) -> None:
        """The grey hint shown while the pad is empty (e.g. 'ここに署名')."""
        self._placeholder = text
        self.update()

    def placeholder(self) -> str:
        return self._placeholder

    # --- drawing, whatever the pointer ----------------------------------------------

    def _begin(self, source: str, position: QPointF) -> bool:
        if self._source is not None or len(self._strokes) >= MAX_STROKES:
            return False
        if self._points >= MAX_POINTS or not self.canvas_rect().contains(position):
            return False  # a press in the margin around the canvas draws nothing
        self._source = source
        self._strokes.append([])
        self._add(position)
        return True

    def _add(self, position: QPointF) -> None:
        if self._points >= MAX_POINTS:
            return  # the validator's limit: the stroke simply stops growing
        x, y = self.to_canvas(position)
        stroke = self._strokes[-1]
        if stroke and stroke[-1][0] == x and stroke[-1][1] == y:
            return  # a pointer at rest repeats its position; keep one point
        stroke.append([x, y, self._now()])
        self._points += 1
        self.update()

    def _end(self, position: QPointF | None = None) -> None:
        if self._source is None:
            return
        if position is not None:
            self._add(position)
        self._source = None
        self._touch_id = None
        self._paths.append(_smooth_path(self._strokes[-1]))
        self.update()
        self.changed.emit()

    def _cancel(self) -> None:
        """The system took the pointer away (e.g. a gesture): drop the unfinished stroke."""
        if self._source is None:
            return
        self._source = None
        self._touch_id = None
        self._points -= len(self._strokes.pop())
        self.update()

    def _now(self) -> int:
        # Never backwards (a clock adjusted under us) and never past the validator's
        # one-hour limit for a stroke's time stamps.
        reading = self._clock()
        if self._origin_ms is None:
            self._origin_ms = reading
        elapsed = reading - self._origin_ms
        self._last_ms = min(max(elapsed, self._last_ms), MAX_STROKE_MS)
        return self._last_ms

    # --- geometry --------------------------------------------------------------------

    def canvas_rect(self) -> QRectF:
        """Where the logical canvas sits in the widget: as large as fits, centred."""
        width, height = float(self.width()), float(self.height())
        if width * CANVAS_HEIGHT > height * CANVAS_WIDTH:
            shown = QRectF(0, 0, height * CANVAS_WIDTH / CANVAS_HEIGHT, height)
        else:
            shown = QRectF(0, 0, width, width * CANVAS_HEIGHT / CANVAS_WIDTH)
        shown.moveCenter(QRectF(self.rect()).center())
        return shown

    def to_canvas(self, position: QPointF) -> tuple[int, int]:
        """A widget position as whole canvas units, held to the canvas's edges."""
        rect = self.canvas_rect()
        if rect.width() <= 0 or rect.height() <= 0:
            return 0, 0
        x = (position.x() - rect.left()) * CANVAS_WIDTH / rect.width()
        y = (position.y() - rect.top()) * CANVAS_HEIGHT / rect.height()
        return (
            min(max(round(x), 0), CANVAS_WIDTH),
            min(max(round(y), 0), CANVAS_HEIGHT),
        )

    def from_canvas(self, x: float, y: float) -> QPointF:
        """A canvas point in widget coordinates (the inverse of :meth:`to_canvas`)."""
        rect = self.canvas_rect()
        return QPointF(
            rect.left() + x * rect.width() / CANVAS_WIDTH,
            rect.top() + y * rect.height() / CANVAS_HEIGHT,
        )

    def sizeHint(self) -> QSize:
        return QSize(800, 240)

    def minimumSizeHint(self) -> QSize:
        return QSize(300, 90)

    # --- Qt events -------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._begin("mouse", event.position()):
            event.accept()
        else:
            event.ignore()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._source == "mouse" and event.buttons() & Qt.MouseButton.LeftButton:
            self._add(event.position())
            event.accept()
        else:
            event.ignore()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._source == "mouse" and event.button() == Qt.MouseButton.LeftButton:
            self._end(event.position())
            event.accept()
        else:
            event.ignore()

    def tabletEvent(self, event: QTabletEvent) -> None:
        # Accepted whatever happens: an ignored tablet event comes back as a mouse
        # event, and the stylus would draw twice.
        event.accept()
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self._begin("tablet", event.position())
        elif kind == QEvent.Type.TabletMove and self._source == "tablet":
            self._add(event.position())
        elif kind == QEvent.Type.TabletRelease and self._source == "tablet":
            self._end(event.position())

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in _TOUCH_EVENTS and isinstance(event, QTouchEvent):
            self._on_touch(event)
            return True
        return super().event(event)

    def _on_touch(self, event: QTouchEvent) -> None:
        # Accepting TouchBegin is what makes Qt send the rest of the touch sequence,
        # and it stops Qt from making mouse events out of the same finger.
        event.accept()
        if event.type() == QEvent.Type.TouchCancel:
            self._cancel()
            return
        for point in event.points():
            state = point.state()
            if self._touch_id is None:
                if state == point.State.Pressed and self._begin("touch", point.position()):
                    self._touch_id = point.id()
                continue
            if point.id() != self._touch_id:
                continue  # a second finger or the palm: one pointer draws at a time
            if state == point.State.Released:
                self._end(point.position())
            elif state == point.State.Updated:
                self._add(point.position())
        if event.type() == QEvent.Type.TouchEnd and self._source == "touch":
            self._end()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Backspace:
            self.undo_stroke()
        elif event.key() == Qt.Key.Key_Delete:
            self.clear()
        else:
            super().keyPressEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        # A release that happens while the pad is hidden never reaches it.
        self._end()
        super().hideEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # The margins around the canvas stay transparent: the parent's background shows.
        rect = self.canvas_rect()
        painter.setPen(QPen(EDGE_COLOUR, 2))
        painter.setBrush(PAPER_COLOUR)
        painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 12, 12)

        scale = rect.width() / CANVAS_WIDTH
        baseline_y = rect.top() + BASELINE * rect.height()
        guide = QPen(GUIDE_COLOUR, max(1.0, 2 * scale), Qt.PenStyle.DashLine)
        painter.setPen(guide)
        margin = 0.05 * rect.width()
        painter.drawLine(
            QPointF(rect.left() + margin, baseline_y), QPointF(rect.right() - margin, baseline_y)
        )
        if not self._strokes and self._placeholder:
            font = QFont(self.font())
            font.setPixelSize(max(12, round(0.12 * rect.height())))
            painter.setFont(font)
            painter.setPen(HINT_COLOUR)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self._placeholder)

        painter.translate(rect.topLeft())
        painter.scale(scale, scale)
        pen = QPen(INK_COLOUR, INK_WIDTH)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        paths = list(self._paths)
        if self._source is not None:
            paths.append(_smooth_path(self._strokes[-1]))
        for path, stroke in zip(paths, self._strokes, strict=True):
            if len(stroke) == 1:
                painter.drawPoint(QPointF(stroke[0][0], stroke[0][1]))  # a dot, e.g. 、
            else:
                painter.drawPath(path)
        painter.end()


_TOUCH_EVENTS = frozenset(
    {
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TouchEnd,
        QEvent.Type.TouchCancel,
    }
)


def _smooth_path(stroke: list[Point]) -> QPainterPath:
    """The stroke as a smooth curve: through the midpoints, bending at each sample.

    Joining the raw samples with straight lines shows corners at 60 Hz; a quadratic
    curve from midpoint to midpoint, with the sample as its control point, does not.
    """
    path = QPainterPath()
    if not stroke:
        return path
    path.moveTo(stroke[0][0], stroke[0][1])
    for before, after in pairwise(stroke[1:]):
        middle = QPointF((before[0] + after[0]) / 2, (before[1] + after[1]) / 2)
        path.quadTo(QPointF(before[0], before[1]), middle)
    if len(stroke) > 1:
        path.lineTo(stroke[-1][0], stroke[-1][1])
    return path

"""Is what the customer drew on the pad a signature, or a tap, a tick or a line?

The intake validator (``desktop.rules``) only checks the *format* of the strokes and
that at least one of them has two points.  Before the customer may press "agree and
sign", the pad's ink must also look like a handwritten name.  The rule is a few
plain measurements of the strokes, each relative to the pad's logical canvas (the
pad stores points on a fixed 1000 × 300 canvas, whatever the window size):

==========================  ========================  =================================
measurement                 minimum                   on the 1000 × 300 canvas
==========================  ========================  =================================
points in all strokes       ``MIN_POINTS``            10
width of the ink's box      ``MIN_WIDTH`` of width    80
height of the ink's box     ``MIN_HEIGHT`` of height  30
length of all the ink       ``MIN_INK`` of width      150
spread across the main axis ``MIN_SPREAD`` of height  6 (a standard deviation, see below)
==========================  ========================  =================================

On a counter tablet the pad is about 20 cm wide, so one unit is about 0.2 mm: the
box must be at least about 16 × 6 mm and the ink about 3 cm long.

Why these: a short name written about a third of the pad high (2 cm) clears every
bar — 山田 covers about 270 × 140 with 1,100 units of ink in 146 points at 60 Hz,
林 215 × 130 with 760, the initials "JS" 170 × 135 with 470, and "Li", as short as a
Latin signature gets, 100 × 100 with 220 units in 31 points (tests/unit/desktop/
test_signature.py keeps these samples).  A tap (1–3 points), a tick (a few points, a
box of 20–40 units), a flick or a small circle fails at least one.  A straight line of
any length and direction has almost no spread across its own axis (a hand-drawn one
wobbles by 1–3 units), so it fails the last rule even when it crosses the whole pad.
The rule cannot tell a name from a deliberate zig-zag or a large tick; the clerk
watches the customer sign.

For strokes in the validator's format (whole-number ``[x, y, ms]`` points in range),
everything this rule accepts the intake validator accepts too — it also enforces the
validator's limits on strokes and points — so the customer screen never lets through
a signature that the commit would refuse.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from desktop.errors import Problem
from desktop.rules import MAX_POINTS, MAX_STROKES

# The signature pad's logical canvas (ui.signature_pad stores points on it).
PAD_WIDTH = 1000
PAD_HEIGHT = 300

MIN_POINTS = 10
MIN_WIDTH = 0.08  # of the pad's width
MIN_HEIGHT = 0.10  # of the pad's height
MIN_INK = 0.15  # of the pad's width
MIN_SPREAD = 0.02  # of the pad's height

FIELD = "signature"

Point = Sequence[int]
Strokes = Sequence[Sequence[Point]]


@dataclass(frozen=True)
class SignatureMeasure:
    """The measurements the rule looks at, in the pad's logical units."""

    strokes: int
    points: int
    longest_stroke: int  # points in the longest stroke
    width: int  # of the box around all the ink
    height: int
    ink: float  # total length of all the strokes
    spread: float  # standard deviation of the points across their main axis


def measure_signature(strokes: Strokes) -> SignatureMeasure:
    """Measure the strokes (lists of ``[x, y, ms]`` points)."""
    xs = [point[0] for stroke in strokes for point in stroke]
    ys = [point[1] for stroke in strokes for point in stroke]
    ink = 0.0
    for stroke in strokes:
        for before, after in pairwise(stroke):
            ink += math.hypot(after[0] - before[0], after[1] - before[1])
    return SignatureMeasure(
        strokes=len(strokes),
        points=len(xs),
        longest_stroke=max((len(stroke) for stroke in strokes), default=0),
        width=max(xs) - min(xs) if xs else 0,
        height=max(ys) - min(ys) if ys else 0,
        ink=ink,
        spread=_minor_axis_spread(xs, ys),
    )


def _minor_axis_spread(xs: Sequence[int], ys: Sequence[int]) -> float:
    """The standard deviation of the points across the direction they spread most in.

    That is the square root of the smaller eigenvalue of the points' covariance
    matrix: zero for points on one straight line, whatever its direction.
    """
    count = len(xs)
    if count < 2:
        return 0.0
    mean_x, mean_y = sum(xs) / count, sum(ys) / count
    var_x = sum((x - mean_x) ** 2 for x in xs) / count
    var_y = sum((y - mean_y) ** 2 for y in ys) / count
    cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / count
    half_trace = (var_x + var_y) / 2
    smaller = half_trace - math.hypot((var_x - var_y) / 2, cov)
    return math.sqrt(max(smaller, 0.0))


def signature_problem(
    strokes: Strokes, *, pad_width: int = PAD_WIDTH, pad_height: int = PAD_HEIGHT
) -> Problem | None:
    """Why these strokes are not yet a signature the customer can confirm, or None.

    ``pad_width`` × ``pad_height`` is the canvas the points were captured on.  The
    messages speak to the customer, who reads them on the customer screen.
    """
    if pad_width <= 0 or pad_height <= 0:
        raise ValueError("the pad size must be positive")
    m = measure_signature(strokes)
    if m.points == 0:
        return Problem(
            FIELD,
            "枠の中に、お名前を署名してください",
            "Please sign your name in the box.",
        )
    if m.strokes > MAX_STROKES or m.points > MAX_POINTS:
        return Problem(
            FIELD,
            "署名の線が多すぎます。消して、もう一度署名してください",
            "The signature has too many lines. Please clear it and sign again.",
        )
    if m.longest_stroke < 2 or m.points < MIN_POINTS or m.ink < MIN_INK * pad_width:
        return Problem(
            FIELD,
            "署名が短すぎます。お名前を署名してください",
            "That is too short for a signature. Please sign your name.",
        )
    if m.width < MIN_WIDTH * pad_width or m.height < MIN_HEIGHT * pad_height:
        if m.spread < MIN_SPREAD * pad_height and max(m.width, m.height) > 0:
            return _a_line()
        return Problem(
            FIELD,
            "署名が小さすぎます。枠の中に大きく書いてください",
            "The signature is too small. Please write it larger in the box.",
        )
    if m.spread < MIN_SPREAD * pad_height:
        return _a_line()
    return None


def _a_line() -> Problem:
    return Problem(
        FIELD,
        "線を引いただけでは署名になりません。お名前を署名してください",
        "A single line is not a signature. Please sign your name.",
    )

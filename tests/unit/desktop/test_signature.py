"""desktop.signature: a short real signature passes; a tap, a tick or a line does not."""

from __future__ import annotations

import math
from datetime import date
from itertools import pairwise

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from desktop.catalogue import bundled_revocation_catalogue
from desktop.errors import Problem
from desktop.rules import MAX_POINTS, MAX_STROKES, validate_intake
from desktop.signature import (
    MIN_HEIGHT,
    MIN_INK,
    MIN_POINTS,
    MIN_SPREAD,
    MIN_WIDTH,
    PAD_HEIGHT,
    PAD_WIDTH,
    measure_signature,
    signature_problem,
)
from tests.conftest import example_document

TODAY = date(2026, 11, 27)
CATALOGUE = bundled_revocation_catalogue()

Stroke = list[list[int]]

EMPTY_EN = "Please sign your name in the box."
SHORT_EN = "That is too short for a signature. Please sign your name."
SMALL_EN = "The signature is too small. Please write it larger in the box."
LINE_EN = "A single line is not a signature. Please sign your name."
MANY_EN = "The signature has too many lines. Please clear it and sign again."


def polyline(corners: list[tuple[float, float]], start_ms: int = 0, step: float = 8) -> Stroke:
    """A stroke through ``corners``, sampled every ``step`` units, 16 ms apart (60 Hz).

    A hand never draws a perfect line: each point wobbles by up to a unit.
    """
    points: list[list[int]] = []
    for (x0, y0), (x1, y1) in pairwise(corners):
        count = max(1, round(math.hypot(x1 - x0, y1 - y0) / step))
        for i in range(count):
            t = i / count
            wobble = round(math.sin(len(points) * 1.7))
            points.append([round(x0 + (x1 - x0) * t) + wobble, round(y0 + (y1 - y0) * t), 0])
    points.append([round(corners[-1][0]), round(corners[-1][1]), 0])
    for i, point in enumerate(points):
        point[2] = start_ms + 16 * i
    return points


def signature(*strokes: list[tuple[float, float]]) -> list[Stroke]:
    result: list[Stroke] = []
    ms = 0
    for corners in strokes:
        stroke = (
            polyline(corners, start_ms=ms) if len(corners) > 1 else [[*map(round, corners[0]), ms]]
        )
        result.append(stroke)
        ms = stroke[-1][2] + 200
    return result


# 山田, about a third of the pad high, in the order a Japanese hand writes it.
YAMADA = signature(
    [(150, 60), (150, 190)],
    [(95, 110), (95, 190), (205, 190)],
    [(205, 105), (205, 195)],
    [(250, 80), (250, 200)],
    [(250, 80), (360, 80), (360, 200)],
    [(305, 80), (305, 200)],
    [(250, 140), (360, 140)],
    [(250, 200), (360, 200)],
)
# 林: two 木, narrower than a name and without the wide box of 田.
HAYASHI = signature(
    [(80, 110), (180, 110)],
    [(130, 70), (130, 200)],
    [(130, 115), (85, 175)],
    [(130, 120), (170, 160)],
    [(190, 110), (290, 110)],
    [(240, 70), (240, 200)],
    [(240, 115), (195, 185)],
    [(240, 115), (295, 180)],
)
# "Li", a third of the pad high: as short as a Latin signature gets.
LI = signature(
    [(100, 100), (100, 200), (160, 200)],
    [(200, 140), (200, 200)],
    [(200, 115)],
)
# "JS" initials, written in one movement each.
JS = signature(
    [(150, 70), (150, 180), (130, 205), (100, 190)],
    [(270, 80), (210, 80), (200, 130), (260, 140), (270, 190), (200, 200)],
)


def validator_accepts(strokes: list[Stroke]) -> bool:
    document = example_document()
    document["signature"] = {"strokes": strokes}
    draft = validate_intake(document, today=TODAY, catalogue=CATALOGUE)
    return draft.signature == tuple(tuple(tuple(p) for p in s) for s in strokes)


# --- examples -------------------------------------------------------------------------


@pytest.mark.parametrize("strokes", [YAMADA, HAYASHI, LI, JS], ids=["山田", "林", "Li", "JS"])
def test_a_short_real_signature_passes(strokes: list[Stroke]) -> None:
    assert signature_problem(strokes) is None
    assert validator_accepts(strokes)


def test_the_samples_clear_every_threshold_with_room() -> None:
    """The samples are not tuned to scrape past: the smallest clears each bar by a margin."""
    measures = [measure_signature(s) for s in (YAMADA, HAYASHI, LI, JS)]
    assert min(m.points for m in measures) >= 2 * MIN_POINTS
    assert min(m.width for m in measures) >= 1.2 * MIN_WIDTH * PAD_WIDTH
    assert min(m.height for m in measures) >= 3 * MIN_HEIGHT * PAD_HEIGHT
    assert min(m.ink for m in measures) >= 1.2 * MIN_INK * PAD_WIDTH
    assert min(m.spread for m in measures) >= 3 * MIN_SPREAD * PAD_HEIGHT


@pytest.mark.parametrize(
    ("strokes", "english"),
    [
        ([], EMPTY_EN),
        ([[[500, 150, 0]]], SHORT_EN),  # a tap
        ([[[500, 150, 0]], [[520, 150, 300]], [[540, 160, 600]]], SHORT_EN),  # three taps
        ([[[500, 150, 0], [501, 151, 16]]], SHORT_EN),  # a touch that slid a pixel
        (signature([(500, 150), (515, 165), (545, 120)]), SHORT_EN),  # a tick ✓
        (signature([(400, 150), (480, 150)]), SHORT_EN),  # a flick
        (
            signature([(500, 120), (540, 120), (540, 160), (500, 160), (500, 120)]),
            SMALL_EN,
        ),  # a small box, well drawn but 40 units wide
        (signature([(40, 150), (960, 150)]), LINE_EN),  # underlined the box
        (signature([(40, 20), (960, 280)]), LINE_EN),  # crossed the whole box
        (signature([(500, 10), (500, 290)], [(500, 10), (500, 290)]), LINE_EN),  # down twice
        ([[[x % 1000, 150, 0]] for x in range(MAX_STROKES + 1)], MANY_EN),
    ],
    ids=[
        "empty",
        "tap",
        "three taps",
        "slid a pixel",
        "tick",
        "flick",
        "small box",
        "horizontal line",
        "diagonal line",
        "vertical line twice",
        "too many strokes",
    ],
)
def test_trivial_marks_are_refused_with_their_reason(strokes: list[Stroke], english: str) -> None:
    problem = signature_problem(strokes)
    assert problem is not None
    assert problem.field == "signature"
    assert problem.en == english
    assert problem.ja  # and a Japanese message beside it


def test_too_many_points_is_refused_like_the_validator_would() -> None:
    wave = [[i % 1000, 150 + round(100 * math.sin(i / 20)), i] for i in range(MAX_POINTS + 1)]
    problem = signature_problem([wave])
    assert problem is not None
    assert problem.en == MANY_EN


def test_thresholds_follow_the_pad_size() -> None:
    """The same ink on a pad twice as large is too small for it."""
    assert signature_problem(LI) is None
    problem = signature_problem(LI, pad_width=2 * PAD_WIDTH, pad_height=2 * PAD_HEIGHT)
    assert problem is not None


def test_a_pad_without_area_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="positive"):
        signature_problem(YAMADA, pad_width=0)


def test_measure_of_a_known_shape() -> None:
    square = [[[0, 0, 0], [100, 0, 1], [100, 100, 2], [0, 100, 3]], [[50, 50, 9]]]
    m = measure_signature(square)
    assert (m.strokes, m.points, m.longest_stroke, m.width, m.height) == (2, 5, 4, 100, 100)
    assert m.ink == 300
    # symmetric about its centre: the spread is the same in every direction, 2000 = 10000/5
    assert m.spread == pytest.approx(math.sqrt(2000), rel=1e-9)


# --- properties -----------------------------------------------------------------------

coordinate_x = st.integers(0, PAD_WIDTH)
coordinate_y = st.integers(0, PAD_HEIGHT)


@st.composite
def strokes(draw: st.DrawFn, max_strokes: int = 6, max_points: int = 40) -> list[Stroke]:
    """Strokes in the validator's format: points on the pad, times non-decreasing."""
    result: list[Stroke] = []
    ms = 0
    for _ in range(draw(st.integers(1, max_strokes))):
        stroke: Stroke = []
        for _ in range(draw(st.integers(1, max_points))):
            ms += draw(st.integers(0, 40))
            stroke.append([draw(coordinate_x), draw(coordinate_y), ms])
        result.append(stroke)
    return result


@given(strokes())
def test_any_strokes_get_an_answer_and_an_accepted_one_passes_the_validator(
    value: list[Stroke],
) -> None:
    problem = signature_problem(value)
    if problem is None:
        assert validator_accepts(value)
    else:
        assert isinstance(problem, Problem)
        assert problem.field == "signature"
        assert problem.ja and problem.en


@given(strokes(), st.integers(0, 500), st.integers(0, 100))
def test_moving_the_ink_on_the_pad_changes_nothing(value: list[Stroke], dx: int, dy: int) -> None:
    moved = [[[x + dx, y + dy, ms] for x, y, ms in stroke] for stroke in value]
    assert signature_problem(moved) == signature_problem(value)


@given(strokes(), st.randoms(use_true_random=False))
def test_the_order_of_the_strokes_changes_nothing(value: list[Stroke], rnd) -> None:
    shuffled = list(value)
    rnd.shuffle(shuffled)
    assert signature_problem(shuffled) == signature_problem(value)


NARROWER = math.ceil(MIN_WIDTH * PAD_WIDTH) - 1
FLATTER = math.ceil(MIN_HEIGHT * PAD_HEIGHT) - 1


@given(strokes(), st.integers(1, NARROWER), st.integers(1, PAD_HEIGHT))
def test_ink_in_a_narrow_box_is_refused(value: list[Stroke], width: int, height: int) -> None:
    """Squeezed narrower than the minimum width, nothing is a signature."""
    squeezed = [
        [[x * width // PAD_WIDTH, y * height // PAD_HEIGHT, ms] for x, y, ms in stroke]
        for stroke in value
    ]
    assert signature_problem(squeezed) is not None


@given(strokes(), st.integers(1, FLATTER))
def test_ink_in_a_flat_box_is_refused(value: list[Stroke], height: int) -> None:
    flattened = [[[x, y * height // PAD_HEIGHT, ms] for x, y, ms in stroke] for stroke in value]
    assert signature_problem(flattened) is not None


@given(
    st.lists(st.floats(0, 1), min_size=2, max_size=300),
    st.floats(0, math.pi),
    st.integers(1, 4),
)
def test_points_on_one_straight_line_are_refused(
    positions: list[float], angle: float, pieces: int
) -> None:
    """Any straight line, at any angle, drawn in one go or retraced in several strokes."""
    half = 140  # fits the pad's height in every direction from its centre
    points = [
        [
            round(500 + half * (2 * t - 1) * math.cos(angle)),
            round(150 + half * (2 * t - 1) * math.sin(angle)),
            i,
        ]
        for i, t in enumerate(positions)
    ]
    size = math.ceil(len(points) / pieces)
    value = [points[i : i + size] for i in range(0, len(points), size)]
    assert signature_problem(value) is not None


@given(strokes(max_strokes=3, max_points=3))
def test_fewer_than_the_minimum_points_is_refused(value: list[Stroke]) -> None:
    assert sum(len(s) for s in value) < MIN_POINTS
    assert signature_problem(value) is not None


@given(st.sampled_from([YAMADA, HAYASHI, LI, JS]), st.integers(0, 300), st.integers(0, 60))
def test_a_real_signature_passes_anywhere_on_the_pad(value: list[Stroke], dx: int, dy: int) -> None:
    moved = [[[x + dx, y + dy, ms] for x, y, ms in stroke] for stroke in value]
    assume(all(x <= PAD_WIDTH and y <= PAD_HEIGHT for s in moved for x, y, _ in s))
    assert signature_problem(moved) is None


@given(strokes())
def test_writing_larger_never_turns_a_signature_into_a_refusal(value: list[Stroke]) -> None:
    assume(signature_problem(value) is None)
    assume(all(2 * x <= 100_000 and 2 * y <= 100_000 for s in value for x, y, _ in s))
    doubled = [[[2 * x, 2 * y, ms] for x, y, ms in stroke] for stroke in value]
    assert signature_problem(doubled) is None

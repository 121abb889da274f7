"""``verify`` checks every intake row's receipt number against its day and number with a
shortcut of ``receipt_number`` (desktop.intake._receipt_of): the same text, always."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

import pytest

from desktop.intake import _receipt_of, receipt_number


@pytest.mark.parametrize(
    "day",
    [date(2026, 4, 1), date(2026, 12, 31), date(1000, 1, 1), date(9999, 12, 31), date(999, 5, 6)],
)
@pytest.mark.parametrize("number", [1, 12, 999, 9999, 10000])
def test_the_shortcut_gives_the_receipt_number(day, number):
    row = SimpleNamespace(station="S01", business_day=day, day_number=number)
    assert _receipt_of(row) == receipt_number("S01", day, number)


def test_a_day_that_is_not_a_date_takes_the_long_way():
    moment = datetime(2026, 4, 1, 9, 30)
    row = SimpleNamespace(station="S02", business_day=moment, day_number=7)
    assert _receipt_of(row) == receipt_number("S02", moment, 7) == "S02-20260401-0007"

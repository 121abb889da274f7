"""The retention cut-off: records dated before it are past the 3-year retention."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.errors import UserError
from desktop.retention import retention_cutoff, years_before


@pytest.mark.parametrize(
    ("today", "cutoff"),
    [
        (date(2029, 11, 28), date(2026, 11, 28)),
        (date(2030, 1, 1), date(2027, 1, 1)),
        # 29 February has no same day three years earlier: the 28th is the cut-off.
        (date(2028, 2, 29), date(2025, 2, 28)),
    ],
)
def test_cutoff_is_the_same_day_three_years_earlier(today, cutoff):
    assert retention_cutoff(today) == cutoff


def test_years_before_counts_calendar_years():
    assert years_before(date(2031, 3, 1), 5) == date(2026, 3, 1)


def test_a_shorter_retention_is_refused(ctx):
    from desktop.retention import purge_expired

    with ctx.transaction() as session, pytest.raises(UserError, match="3"):
        purge_expired(session, ctx.signer(), now=ctx.clock(), years=2)

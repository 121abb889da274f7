"""CSV injection: dangerous leading characters are neutralised; everything else round-trips."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.csv_safe import FORMULA_TRIGGERS, original_cell, safe_cell


@pytest.mark.parametrize(
    "cell", ["=1+1", "+81 3 0000", "-5", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("x")']
)
def test_formula_starts_are_neutralised(cell):
    assert safe_cell(cell) == "'" + cell
    assert original_cell(safe_cell(cell)) == cell


def test_an_apostrophe_typed_before_a_formula_survives_the_round_trip():
    assert original_cell(safe_cell("'=x")) == "'=x"
    assert safe_cell("'=x") == "''=x"


@pytest.mark.parametrize("cell", ["山田 太郎", "356938035643809", "a=b", "'quoted", "", "1-1"])
def test_ordinary_cells_are_unchanged(cell):
    assert safe_cell(cell) == cell


@given(st.text())
def test_every_cell_round_trips_through_csv(text):
    buffer = io.StringIO()
    csv.writer(buffer).writerow([safe_cell(text)])
    (read,) = next(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert not read.startswith(FORMULA_TRIGGERS)
    assert original_cell(read) == text

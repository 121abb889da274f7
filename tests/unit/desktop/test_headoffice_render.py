"""Head office's CSV and XLSX go through the day export's writers (reports.day_export):
the same safe cells, and a cell no file can hold is named in the clerk's language."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from desktop.errors import UserError
from desktop.headoffice import render_csv, render_xlsx

HEADERS = ("ステーション station", "営業日 day", "氏名 name")


def test_a_character_cp932_lacks_names_its_row_and_column():
    rows = [["S01", "2026-11-27", "山田 太郎"], ["S02", "2026-11-27", "𠮷田 花子"]]
    assert render_csv(HEADERS, rows[:1], "cp932").decode("cp932").startswith(HEADERS[0])
    with pytest.raises(UserError) as raised:
        render_csv(HEADERS, rows, "cp932")
    assert "S02 2026-11-27" in raised.value.ja and "氏名 name" in raised.value.ja
    assert "U+20BB7" in raised.value.en and "export as UTF-8" in raised.value.en


def test_a_control_character_names_its_sheet_and_column_instead_of_a_crash():
    good = [["S01", "2026-11-27", "=1+1"], ["S01", "2026-11-28", 3]]
    bad = [["S02", "2026-11-27", "田中\x01"]]
    with pytest.raises(UserError) as raised:
        render_xlsx([("一覧 intakes", HEADERS, good), ("集計 summary", HEADERS, bad)])
    assert "集計 summary" in raised.value.ja and "氏名 name" in raised.value.ja
    assert "U+0001" in raised.value.en


def test_the_workbook_keeps_numbers_and_never_holds_a_formula():
    rows = [["S01", "2026-11-27", "=1+1"], ["S01", "2026-11-28", 3]]
    book = load_workbook(io.BytesIO(render_xlsx([("一覧 intakes", HEADERS, rows)])))
    sheet = book["一覧 intakes"]
    assert [c.value for c in sheet[1]] == list(HEADERS)
    formula_like = sheet["C2"]
    assert formula_like.value == "=1+1" and formula_like.data_type == "s"
    assert formula_like.quotePrefix
    assert sheet["C3"].value == 3

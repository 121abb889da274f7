"""The streaming XLSX writer, read back with openpyxl against what openpyxl writes itself."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from openpyxl.cell import WriteOnlyCell

from reports.csv_safe import could_be_formula
from reports.xlsx import IllegalCharacter, Sheet, column_letters, write_xlsx

HEADERS = ("受付番号 receipt", "金額(円) price", "氏名 name", "メモ note")
ROWS: list[list[str | int | None]] = [
    ["S01-20261127-0001", 12000, "山田 太郎", "=1+1"],
    ["S01-20261127-0002", 0, "𠮷田 花子", "@x"],
    ["S01-20261127-0003", None, "", "-5"],
    ["S01-20261127-0004", -3, " 前後に空白 ", "a & b < c > d \"e\" 'f'"],
    ["S01-20261127-0005", 10**12, "改行\nあり", "+81 3"],
    ["S01-20261127-0006", 1, "😀 emoji", None],
]


def _reference(sheets: list[tuple[str, tuple[str, ...], list[list[str | int | None]]]]) -> bytes:
    """What the exports wrote before reports.xlsx: openpyxl's write-only workbook."""
    workbook = openpyxl.Workbook(write_only=True)
    for name, headers, rows in sheets:
        sheet = workbook.create_sheet(name)
        sheet.append(list(headers))
        for row in rows:
            cells = []
            for value in row:
                if isinstance(value, str) and could_be_formula(value):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cells(data: bytes) -> list[tuple[str, list[list[tuple[object, str, bool]]]]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [
        (
            sheet.title,
            [
                [(cell.value, cell.data_type, bool(cell.quotePrefix)) for cell in row]
                for row in sheet.iter_rows()
            ],
        )
        for sheet in book.worksheets
    ]


def test_cells_read_back_as_openpyxl_wrote_them():
    summary = [["2026-11-27", "S01", "当日", "買取", 3, 1, 0, 36000], ["2026-11-27", "S01", "計"]]
    sheets = [("S01 2026-11-27", HEADERS, ROWS), ("集計 summary", ("a", "b", "c"), summary)]
    ours = write_xlsx([Sheet(*s) for s in sheets], quote=could_be_formula)
    assert _cells(ours) == _cells(_reference(sheets))
    quoted = {v for _, rows in _cells(ours) for row in rows for v, _, q in row if q}
    assert quoted == {"=1+1", "@x", "-5", "+81 3"}
    assert all(t != "f" for _, rows in _cells(ours) for row in rows for _, t, _ in row)


def test_the_package_is_a_sound_zip_and_the_bytes_depend_only_on_the_rows():
    sheets = [Sheet("S01 2026-11-27", HEADERS, ROWS)]
    first = write_xlsx(sheets, quote=could_be_formula)
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert package.testzip() is None
        assert package.namelist()[0] == "[Content_Types].xml"
    assert write_xlsx(sheets, quote=could_be_formula) == first
    changed = [Sheet("S01 2026-11-27", HEADERS, [*ROWS[:-1], [*ROWS[-1][:3], "x"]])]
    assert write_xlsx(changed, quote=could_be_formula) != first


def test_rows_are_read_once_as_they_come_and_many_stay_in_order():
    produced = []

    def rows():
        for n in range(1, 2_501):
            produced.append(n)
            yield [f"R{n}", n]

    data = write_xlsx([Sheet("many", ("id", "n"), rows())], quote=could_be_formula)
    values = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert produced == list(range(1, 2_501))
    assert values[0] == ("id", "n") and values[-1] == ("R2500", 2500) and len(values) == 2_501


def test_a_long_sheet_name_is_cut_to_excels_31_characters_and_escaped():
    name = 'S01 & <"店舗"> ' + "あ" * 40
    data = write_xlsx([Sheet(name, ("a",), [])], quote=could_be_formula)
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames == [name[:31]]


def test_a_control_character_is_refused_naming_the_row_and_column():
    with pytest.raises(IllegalCharacter) as raised:
        write_xlsx([Sheet("s", HEADERS, [ROWS[0], ["S01-X", 1, "bell\x07", ""]])], quote=bool)
    assert (raised.value.row, raised.value.column, raised.value.first) == (3, 2, "S01-X")


def test_column_letters():
    assert [column_letters(i) for i in (0, 25, 26, 27, 51, 52, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]

"""A streaming XLSX writer for the day's exports: values only, never a formula.

What the exports need of a spreadsheet is small: sheets of rows whose cells are a
text, a whole number or empty, and Excel's quote prefix on a text that could start a
formula (``reports.csv_safe.could_be_formula``), so that it shows exactly as typed and
is never evaluated.  openpyxl (even in its write-only mode) built a cell object and an
XML element per value — about 0.5 s of a 1,000-intake day's 1 s close — so the rows
are written here straight into the zip as they come, one row of XML at a time.

The file is the minimal SpreadsheetML package (ECMA-376 Part 1): the content types,
the package relationship, the workbook with its sheets, their relationships, one
style sheet (the default cell format and the quote-prefixed one) and the sheets.
Texts are inline strings (``t="inlineStr"``), so there is no shared-string table to
hold in memory.  The bytes depend only on the rows: every zip member carries the same
fixed date.

Read back in the tests with openpyxl, cell by cell against what openpyxl itself
writes for the same rows.  Not opened in Excel or LibreOffice here (neither is
installed on the machine this was written on).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

Cell = str | int | None

# XML 1.0 forbids these control characters anywhere in a document.
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A zip member's date (the DOS epoch): the bytes must not depend on the clock.
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
MAX_SHEET_NAME = 31  # Excel's limit
ROWS_PER_CHUNK = 200  # rows of XML gathered before each write into the zip

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

STYLES = (
    _DECLARATION + f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
QUOTED_STYLE = 1  # the index of the quote-prefixed format in cellXfs


class IllegalCharacter(ValueError):
    """A text holds a control character that no XLSX file can hold."""

    def __init__(self, row: int, column: int, char: str, first: Cell) -> None:
        super().__init__(f"row {row}, column {column}: U+{ord(char):04X}")
        self.row = row  # 1-based, the header row is 1
        self.column = column  # 0-based
        self.char = char
        self.first = first  # the row's first cell (the receipt, in the exports)


@dataclass(frozen=True)
class Sheet:
    name: str  # cut to Excel's 31 characters
    headers: Sequence[str]
    rows: Iterable[Sequence[Cell]]


def column_letters(index: int) -> str:
    """``0`` → ``A``, ``25`` → ``Z``, ``26`` → ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


_LETTERS: list[str] = []  # column_letters(i), made once per column index


def _row_xml(number: int, values: Sequence[Cell], quote: Callable[[str], bool]) -> str:
    while len(_LETTERS) < len(values):
        _LETTERS.append(column_letters(len(_LETTERS)))
    cells = []
    for i, value in enumerate(values):
        if value is None:
            continue
        ref = f"{_LETTERS[i]}{number}"
        if value.__class__ is int:  # not bool: True is no cell value here
            cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            continue
        if not isinstance(value, str):
            raise TypeError(f"row {number}, column {i}: {type(value).__name__} is not a cell value")
        style = f' s="{QUOTED_STYLE}"' if quote(value) else ""
        if not value:  # an empty text cell, as openpyxl writes it (it reads back as empty)
            cells.append(f'<c r="{ref}"{style} t="inlineStr"/>')
            continue
        bad = ILLEGAL.search(value)
        if bad:
            raise IllegalCharacter(number, i, bad.group(), values[0])
        space = ' xml:space="preserve"' if value != value.strip() or "\n" in value else ""
        text = escape(value) if ("&" in value or "<" in value or ">" in value) else value
        cells.append(f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def _never(text: str) -> bool:
    del text
    return False


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def write_xlsx(sheets: Sequence[Sheet], *, quote: Callable[[str], bool]) -> bytes:
    """The workbook of ``sheets``, in their order; ``quote(text)`` says which texts
    carry the quote prefix.  Each sheet's rows are read once, as they come."""
    buffer = io.BytesIO()
    count = len(sheets)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_CT}.worksheet+xml"/>'
            for n in range(1, count + 1)
        )
        package.writestr(
            _member("[Content_Types].xml"),
            _DECLARATION
            + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
            f"{overrides}</Types>",
        )
        package.writestr(
            _member("_rels/.rels"),
            _DECLARATION + f'<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_DOC_REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        names = "".join(
            f'<sheet name={quoteattr(sheet.name[:MAX_SHEET_NAME])} sheetId="{n}" r:id="rId{n}"/>'
            for n, sheet in enumerate(sheets, start=1)
        )
        package.writestr(
            _member("xl/workbook.xml"),
            _DECLARATION + f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_REL}">'
            f"<sheets>{names}</sheets></workbook>",
        )
        relationships = "".join(
            f'<Relationship Id="rId{n}" Type="{_DOC_REL}/worksheet" '
            f'Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, count + 1)
        )
        package.writestr(
            _member("xl/_rels/workbook.xml.rels"),
            _DECLARATION + f'<Relationships xmlns="{_PKG_REL}">{relationships}'
            f'<Relationship Id="rId{count + 1}" Type="{_DOC_REL}/styles" Target="styles.xml"/>'
            "</Relationships>",
        )
        package.writestr(_member("xl/styles.xml"), STYLES)
        for n, sheet in enumerate(sheets, start=1):
            with package.open(_member(f"xl/worksheets/sheet{n}.xml"), "w") as out:
                out.write(f'{_DECLARATION}<worksheet xmlns="{_MAIN}"><sheetData>'.encode())
                chunk = [_row_xml(1, list(sheet.headers), _never)]
                for number, row in enumerate(sheet.rows, start=2):
                    chunk.append(_row_xml(number, row, quote))
                    if len(chunk) >= ROWS_PER_CHUNK:
                        out.write("".join(chunk).encode())
                        chunk.clear()
                out.write(("".join(chunk) + "</sheetData></worksheet>").encode())
    return buffer.getvalue()

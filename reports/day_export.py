"""The day export's spreadsheets: its columns, and the CSV and XLSX bytes of its rows.

Pure functions from plain rows (lists of cells, in :data:`COLUMNS` order, already
labelled by ``desktop.exports``) to bytes; nothing here knows a session, the domain's
codes or the folder the files go to (``desktop.export_folder``).

Every cell goes through ``reports.csv_safe`` (CSV injection: a leading ``= + - @`` TAB
or CR gets an apostrophe in a CSV, Excel's quote prefix in an XLSX).  What a file
cannot hold is raised as a value naming the row and the column, for the caller to
tell the user: :class:`UnencodableCharacter` (a CSV in CP932) and
``reports.xlsx.IllegalCharacter`` (a control character in an XLSX).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reports.csv_safe import could_be_formula, safe_cell
from reports.xlsx import Sheet, write_xlsx

Cell = str | int | None

ENCODINGS = ("utf-8-sig", "cp932")


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Japanese / English, as the spreadsheet's first row shows it
    personal: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("receipt", "受付番号 receipt"),
    Column("business_day", "営業日 day"),
    Column("time", "時刻 time"),
    Column("late", "締め後 late"),
    Column("purpose", "区分 purpose"),
    Column("outcome", "結果 outcome"),
    Column("refusal_reason", "お断りの理由 refusal reason"),
    Column("voided", "取消 void"),
    Column("void_reason", "取消理由 void reason"),
    Column("price_yen", "金額(円) price"),
    Column("item", "品目 item"),
    Column("quantity", "数量 quantity"),
    Column("maker", "メーカー maker"),
    Column("model", "機種 model"),
    Column("color", "色 colour"),
    Column("storage_gb", "容量(GB) storage"),
    Column("os", "OS"),
    Column("imei1", "IMEI 1"),
    Column("imei2", "IMEI 2"),
    Column("serial", "製造番号 serial"),
    Column("network_restriction", "ネットワーク利用制限 network restriction"),
    Column("suspected_stolen", "不正品の疑い suspected stolen"),
    Column("revocation_path", "失効経路 revocation path"),
    Column("clerk", "担当 clerk"),
    Column("name", "氏名 name", personal=True),
    Column("address", "住所 address", personal=True),
    Column("occupation", "職業 occupation", personal=True),
    Column("age", "年齢 age", personal=True),
    Column("id_method", "確認方法 ID method", personal=True),
)
HEADERS = tuple(c.header for c in COLUMNS)
KEYS = tuple(c.key for c in COLUMNS)

SUMMARY_HEADERS = (
    "営業日 day",
    "ステーション station",
    "対象 scope",
    "区分 purpose",
    "受付 accepted",
    "お断り refused",
    "取消 voided",
    "金額合計(円) total yen",
)
SUMMARY_SHEET = "集計 summary"


def header_of(key: str) -> str:
    return HEADERS[KEYS.index(key)]


class UnencodableCharacter(ValueError):
    """A cell holds a character the CSV's encoding (CP932) cannot write."""

    def __init__(self, receipt: Cell, key: str, char: str) -> None:
        super().__init__(f"receipt {receipt}, column {key}: U+{ord(char):04X}")
        self.receipt = receipt  # the row's first cell
        self.key = key  # the column's key (COLUMNS)
        self.char = char


def _csv_text(headers: Sequence[str], rows: list[list[Cell]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def render_summary_csv(rows: list[list[Cell]], encoding: str) -> bytes:
    """The summary CSV (labels and numbers only: every character is CP932's)."""
    return _csv_text(SUMMARY_HEADERS, rows).encode(encoding)


def render_csv(rows: list[list[Cell]], encoding: str) -> bytes:
    """The intakes CSV; CP932 stops at the first cell it cannot encode, naming it."""
    text = _csv_text(HEADERS, rows)
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        pass
    for row in rows:
        for key, value in zip(KEYS, row, strict=True):
            for char in safe_cell(value):
                try:
                    char.encode(encoding)
                except UnicodeEncodeError:
                    raise UnencodableCharacter(row[0], key, char) from None
    raise AssertionError("an unencodable character outside the cells")  # pragma: no cover


def render_xlsx(
    rows: Iterable[Sequence[Cell]],
    title: str,
    summary: Iterable[Sequence[Cell]] | None = None,
) -> bytes:
    """The intakes on the first sheet (named ``title``), the summary on the second.

    Numbers stay numbers.  A text that could start a formula is a string cell with
    Excel's quote prefix (reports.csv_safe), never a formula.
    """
    intakes = Sheet(title, HEADERS, rows)
    sheets = (
        [intakes] if summary is None else [intakes, Sheet(SUMMARY_SHEET, SUMMARY_HEADERS, summary)]
    )
    return write_xlsx(sheets, quote=could_be_formula)

"""Spreadsheet-safe cells for every CSV and XLSX the app writes.

A cell that starts with ``=``, ``+``, ``-``, ``@``, TAB or CR can be taken by Excel
or LibreOffice as a formula (CSV injection).  In a CSV such a cell gets a leading
apostrophe, which spreadsheets show as text and never evaluate.  An XLSX can say
"this is text" itself: the cell is written as a string with Excel's quote prefix
(the cell style's ``quotePrefix``), so the manager sees exactly what was typed, with
no visible apostrophe, and editing it does not turn it into a formula.  Every other
cell is written unchanged, so plain data round-trips exactly.
"""

from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"


def _needs_neutraliser(text: str) -> bool:
    # Apostrophes already in front count as part of the cell: "'=x" typed by someone
    # must come back as "'=x", so it gets one more in front, like "=x" does.
    return text.lstrip(NEUTRALISER).startswith(FORMULA_TRIGGERS)


def could_be_formula(text: str) -> bool:
    """Whether a spreadsheet would take this text for a formula (XLSX: quote-prefix it)."""
    return text.startswith(FORMULA_TRIGGERS)


def safe_cell(value: object) -> str:
    """The text to write for one cell: neutralised when it could start a formula."""
    text = "" if value is None else str(value)
    return NEUTRALISER + text if _needs_neutraliser(text) else text


def original_cell(text: str) -> str:
    """Undo :func:`safe_cell` when reading one of our own exports back."""
    if text.startswith(NEUTRALISER) and _needs_neutraliser(text):
        return text[1:]
    return text

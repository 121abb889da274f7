"""'Print the ledger now': any signed-in clerk prints the 古物台帳 of a period (F10 screen)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date

from PySide6.QtCore import QDate, Qt
from sqlalchemy import select

from db.models import LedgerEntry
from desktop.history import HistoryQuery
from desktop.settings import PRINTER_A4
from tests.conftest import CLERK_PIN, example_document
from tests.gui.helpers import shortcut, unlock
from tests.support.intakes import commit_document
from tests.support.pdfs import pdf_text, squeeze
from ui.dayclose_view import DayCloseView
from ui.ledger_print import LedgerPrintDialog
from ui.search_export import export_history_search


def test_the_period_defaults_to_the_last_three_months(qtbot, services):
    dialog = LedgerPrintDialog(services)
    qtbot.addWidget(dialog)
    assert dialog.period() == (date(2026, 8, 28), date(2026, 11, 27))


def test_a_clerk_prints_the_ledger_from_the_main_window(
    qtbot, main_window, services, ctx, tmp_path
):
    first = commit_document(ctx, example_document()).number
    doc = example_document()
    doc["device"]["imei"] = ["352099001761481"]
    second = commit_document(ctx, doc).number
    out = tmp_path / "printed"
    services.settings.set(PRINTER_A4, f"pdf:{out}")

    unlock(qtbot, main_window, "C01", CLERK_PIN)  # a clerk, not a manager
    shortcut(qtbot, main_window, Qt.Key.Key_F10)
    view = main_window.screen_widget("dayclose")
    assert isinstance(view, DayCloseView)
    assert not view.close_button.isEnabled()  # closing is for managers
    qtbot.mouseClick(view.ledger_button, Qt.MouseButton.LeftButton)
    dialog = view.ledger_dialog
    assert isinstance(dialog, LedgerPrintDialog)
    dialog.date_from.setDate(QDate(2026, 11, 1))
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)

    assert dialog.last_result is not None and dialog.last_result.ok, dialog.last_result
    files = list(out.glob("*.pdf"))
    assert len(files) == 1
    text = squeeze(pdf_text(files[0]))
    assert first in text and second in text
    assert "古物台帳" in text and "山田太郎" in text
    assert services.dialogs.texts("error") == []
    # Who printed it is on the record (issue 10: audit).
    (entry,) = export_entries(ctx)
    assert (entry["what"], entry["by"], entry["date_from"]) == (
        "ledger_book_pdf",
        "C01",
        "2026-11-01",
    )


def export_entries(ctx) -> list[dict]:
    with ctx.reading() as session:
        bodies = session.scalars(
            select(LedgerEntry.body).where(LedgerEntry.kind == "export").order_by(LedgerEntry.id)
        )
        return [json.loads(body) for body in bodies]


def test_a_bad_period_is_reported_not_printed(qtbot, services, tmp_path):
    services.settings.set(PRINTER_A4, f"pdf:{tmp_path}")
    dialog = LedgerPrintDialog(services)
    qtbot.addWidget(dialog)
    dialog.date_from.setDate(QDate(2026, 12, 2))
    dialog.date_to.setDate(QDate(2026, 12, 1))
    assert dialog.print_now() is None
    assert list(tmp_path.glob("*.pdf")) == []
    assert "後です" in services.dialogs.texts("error")[0]


def test_export_history_search_writes_every_row_as_safe_csv(services, ctx, tmp_path):
    doc = example_document()
    doc["seller"]["name"] = "=cmd 太郎"
    receipt = commit_document(ctx, doc).number
    commit_document(ctx, example_document())
    path = tmp_path / "search.csv"
    assert export_history_search(services, HistoryQuery(text="太郎"), path) == 2
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0][0] == "受付番号 / Receipt"
    by_receipt = {row[0]: row for row in rows[1:]}
    assert by_receipt[receipt][12] == "'=cmd 太郎"
    assert by_receipt[receipt][1] == "2026-11-27 10:00"
    (entry,) = export_entries(ctx)
    assert (entry["what"], entry["rows"]) == ("history_search_csv", 2)
    assert entry["sha256"] == hashlib.sha256(raw).hexdigest()
    assert "太郎" not in json.dumps(entry, ensure_ascii=False)  # never the search text

"""The history screen: the lazy table model, search, detail, reprint and void, by keyboard."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QStackedWidget
from sqlalchemy import select

from db.models import LedgerEntry
from desktop import ledger
from desktop.clerks import ClerkView, Role
from desktop.errors import UserError
from desktop.history import HistoryQuery, SlipStanding
from desktop.settings import PRINTER_THERMAL, StationSettings
from desktop.slips import SlipPayload, issue_slip
from desktop.voiding import void_intake
from reports.snapshot import SlipFormat
from tests.conftest import CLERK_PIN, MANAGER_PIN, example_document
from tests.gui.helpers import focused, press, show, type_text
from tests.support.intakes import commit_document
from tests.support.pdfs import pdf_text, squeeze
from ui import history_model, printing
from ui.history import HistoryView, VoidDialog, VoidProblem, VoidRequest, void_dialog_for
from ui.history_model import ROW_ROLE, Column, HistoryModel
from ui.printing import PrintResult

OTHER_IMEI = "490154203237518"
THIRD_IMEI = "353879234252633"


def commit(ctx, *, name="山田 太郎", imei="356938035643809", refused=False, minutes=5) -> str:
    document = example_document()
    document["seller"]["name"] = name
    document["device"]["imei"] = [imei]
    if refused:
        document["revocation"]["performed_by"] = "staff"
    receipt = commit_document(ctx, document).number
    ctx.clock.advance(minutes=minutes)
    return receipt


def issue_first_copy(ctx, receipt: str, fmt: SlipFormat = SlipFormat.THERMAL) -> None:
    """What the intake screen does after a commit: the slip's first copy."""
    with ctx.transaction() as session:
        issue_slip(
            session,
            ctx.signer(),
            receipt=receipt,
            fmt=fmt,
            reprint=False,
            catalogue=ctx.catalogue(),
            now=ctx.clock(),
        )


def ledger_entries(ctx, kind: str) -> list[dict]:
    with ctx.reading() as session:
        bodies = session.scalars(select(LedgerEntry.body).where(LedgerEntry.kind == kind))
        return [json.loads(body) for body in bodies]


def receipts(model: HistoryModel) -> list[str]:
    return [model.row_at(row).receipt for row in range(model.rowCount())]


class RecordingPrinter:
    """Stands in for ui.printing.PrintService: keeps what it was asked to print."""

    def __init__(self, works: bool = True) -> None:
        self.works = works
        self.printed: list[tuple[bytes, str]] = []

    def print_pdf(self, pdf, fmt, *, parent=None, job_name="slip") -> PrintResult:
        self.printed.append((pdf, SlipFormat(fmt).value))
        if self.works:
            return printing.printed("TM-T88VI", 1)
        return printing.failed("TM-T88VI", "用紙切れ", "out of paper")


class AskVoid:
    """The void dialog, typed in advance: each request is tried in turn (OK pressed), as
    long as the dialog stays open; None means Cancel.  Remembers who was at the counter
    and what the dialog showed."""

    def __init__(self, *requests: VoidRequest | None) -> None:
        self.requests = list(requests)
        self.asked: list[tuple[str, ClerkView | None]] = []
        self.problems: list[VoidProblem] = []

    def __call__(self, parent, receipt: str, clerk: ClerkView | None, try_void) -> bool:
        self.asked.append((receipt, clerk))
        for request in self.requests:
            if request is None:
                return False
            problem = try_void(request)
            if problem is None:
                return True
            self.problems.append(problem)
        return False  # the clerk gave up: cancelled with the problem on screen


@pytest.fixture
def printer() -> RecordingPrinter:
    return RecordingPrinter()


def make_view(qtbot, services, *, ask=None, printer=None, page_size=None) -> HistoryView:
    view = HistoryView(
        services, ask_void=ask or AskVoid(None), printer=printer, page_size=page_size
    )
    qtbot.addWidget(view)
    view.resize(1280, 800)
    show(qtbot, view)
    assert view.wait_for_search()  # the first page, read in the background
    return view


def loaded(model: HistoryModel) -> HistoryModel:
    """The model once the reads it was asked for have arrived."""
    assert model.wait()
    return model


def search_with_enter(qtbot, view: HistoryView) -> None:
    """Enter in the search field; returns when the rows have arrived (by the signal)."""
    with qtbot.waitSignal(view.model.search_finished, timeout=10_000):
        press(qtbot, Qt.Key.Key_Return)


# --- the model -------------------------------------------------------------------------


def test_the_model_passes_qts_model_tester(qtmodeltester, ctx):
    commit(ctx)
    commit(ctx, refused=True)
    voided = commit(ctx, name="鈴木 花子", imei=OTHER_IMEI)
    with ctx.transaction() as session:
        void_intake(
            session, ctx.signer(), receipt=voided, reason="二重登録", manager="M01", now=ctx.clock()
        )
    model = loaded(HistoryModel(ctx, timezone="Asia/Tokyo", query=HistoryQuery(), page_size=2))
    assert model.rowCount() == 2
    qtmodeltester.check(model)
    loaded(model)  # the tester may have asked for the next page
    model.fetchMore(QModelIndex())
    assert loaded(model).rowCount() == 3
    qtmodeltester.check(model)


def test_the_model_reads_a_page_at_a_time_and_never_the_whole_table(ctx):
    made = [commit(ctx, minutes=1) for _ in range(450)]
    model = HistoryModel(ctx, timezone="Asia/Tokyo", query=HistoryQuery(), page_size=200)
    assert model.rowCount() == 0 and model.busy  # the first page is on its way
    loaded(model)

    assert model.rowCount() == 200  # one page, not 450
    assert model.rowCount(model.index(0, 0)) == 0  # a table: no children
    assert model.canFetchMore(QModelIndex())
    assert not model.canFetchMore(model.index(0, 0))
    model.fetchMore(QModelIndex())
    assert not model.canFetchMore(QModelIndex())  # while that page is being read
    assert loaded(model).rowCount() == 400
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert loaded(model).rowCount() == 450
    assert not model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())  # nothing left: a no-op
    assert receipts(model) == list(reversed(made))  # newest first, no gaps, no repeats


def test_a_page_that_cannot_be_read_is_reported_once_and_loading_stops(ctx, monkeypatch):
    for _ in range(3):
        commit(ctx)
    model = loaded(HistoryModel(ctx, timezone="Asia/Tokyo", query=HistoryQuery(), page_size=2))
    failures: list[UserError] = []
    model.load_failed.connect(failures.append)

    def busy(*args, **kwargs):
        raise UserError("データベースが使用中です", "the database is busy")

    monkeypatch.setattr(history_model, "search", busy)
    model.fetchMore(QModelIndex())
    loaded(model)
    assert [f.en for f in failures] == ["the database is busy"]
    assert model.rowCount() == 2
    assert not model.canFetchMore(QModelIndex())


def test_a_void_is_struck_through_and_grey_with_its_reason_beside_it(ctx):
    kept = commit(ctx)
    voided = commit(ctx, name="鈴木 花子")
    with ctx.transaction() as session:
        void_intake(
            session, ctx.signer(), receipt=voided, reason="入力誤り", manager="M01", now=ctx.clock()
        )
    model = loaded(HistoryModel(ctx, timezone="Asia/Tokyo", query=HistoryQuery()))
    assert receipts(model) == [voided, kept]
    void_row, kept_row = 0, 1
    font = model.data(model.index(void_row, Column.RECEIPT), Qt.ItemDataRole.FontRole)
    assert font.strikeOut()
    assert model.data(model.index(kept_row, Column.RECEIPT), Qt.ItemDataRole.FontRole) is None
    grey = model.data(model.index(void_row, Column.NAME), Qt.ItemDataRole.ForegroundRole)
    assert grey.color().name() == history_model.VOID_GREY
    assert "入力誤り" in model.data(model.index(void_row, Column.TIME), Qt.ItemDataRole.ToolTipRole)
    mark = model.index(void_row, Column.VOID)
    assert model.data(mark) == "取消: 入力誤り"
    assert not model.data(mark, Qt.ItemDataRole.FontRole).strikeOut()  # the reason stays legible
    assert model.data(model.index(kept_row, Column.VOID)) == ""
    assert model.data(model.index(void_row, 0), ROW_ROLE).void_reason == "入力誤り"


def test_cells_show_local_time_outcome_with_reason_purpose_and_device(ctx):
    commit(ctx, refused=True)  # 2026-11-27 10:00 in Tokyo (01:00 UTC)
    model = loaded(HistoryModel(ctx, timezone="Asia/Tokyo", query=HistoryQuery()))
    texts = [model.data(model.index(0, column)) for column in Column]
    assert texts[Column.TIME] == "2026-11-27 10:00"
    assert texts[Column.OUTCOME] == "お断り（名義人以外が失効）"
    assert texts[Column.PURPOSE] == "下取り"
    assert texts[Column.DEVICE] == "Google Pixel 8"
    assert texts[Column.IMEI] == "356938035643809"
    assert (texts[Column.NAME], texts[Column.CLERK]) == ("山田 太郎", "C01")
    assert model.headerData(Column.RECEIPT, Qt.Orientation.Horizontal) == "受付番号"


# --- the screen: opening and searching ------------------------------------------------------


def test_the_screen_opens_on_one_page_with_the_search_field_focused(qtbot, services, ctx):
    for _ in range(210):
        commit(ctx, minutes=1)
    view = make_view(qtbot, services, page_size=200)
    assert view.model.rowCount() == 200
    assert view.model.canFetchMore(QModelIndex())
    assert focused() is view.search_edit
    assert (
        view.selected_row() is not None
        and view.selected_row().receipt == view.model.row_at(0).receipt
    )
    # Scrolling to the end is what reads the next page.
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: view.model.rowCount() == 210)


@pytest.mark.parametrize("by", ["receipt", "imei", "name"])
def test_search_by_receipt_imei_or_name_with_enter(qtbot, services, ctx, by):
    first = commit(ctx)
    wanted = commit(ctx, name="鈴木 花子", imei=OTHER_IMEI)
    commit(ctx, name="田中 一郎", imei=THIRD_IMEI)
    view = make_view(qtbot, services)
    assert len(receipts(view.model)) == 3

    text = {"receipt": wanted, "imei": OTHER_IMEI, "name": "鈴木"}[by]
    type_text(qtbot, text)  # a scanner or the keyboard, into the focused search field
    search_with_enter(qtbot, view)

    assert receipts(view.model) == [wanted]
    assert view.detail is not None and view.detail.row.receipt == wanted
    assert focused() is view.search_edit  # ready for the next scan
    assert view.search_edit.selectedText() == text  # which replaces this one
    assert first not in receipts(view.model)


def test_search_button_date_range_and_clear(qtbot, services, ctx):
    older = commit(ctx)
    ctx.clock.advance(days=2)
    newer = commit(ctx)
    view = make_view(qtbot, services)
    view.range_check.setChecked(True)
    view.from_edit.setDate(view.from_edit.date().fromString("2026-11-27", "yyyy-MM-dd"))
    view.to_edit.setDate(view.to_edit.date().fromString("2026-11-28", "yyyy-MM-dd"))
    qtbot.mouseClick(view.search_button, Qt.MouseButton.LeftButton)
    assert view.wait_for_search()
    assert receipts(view.model) == [older]
    # Dates typed the wrong way round still mean that range.
    view.from_edit.setDate(view.from_edit.date().fromString("2026-11-30", "yyyy-MM-dd"))
    view.to_edit.setDate(view.to_edit.date().fromString("2026-11-29", "yyyy-MM-dd"))
    view.to_edit.setFocus()
    search_with_enter(qtbot, view)
    assert receipts(view.model) == [newer]
    view.search_edit.setText("該当なし")
    qtbot.mouseClick(view.search_button, Qt.MouseButton.LeftButton)
    assert view.wait_for_search()
    assert receipts(view.model) == []
    assert view.detail is None
    assert "該当する受付はありません" in view.count_label.text()
    qtbot.mouseClick(view.clear_button, Qt.MouseButton.LeftButton)
    assert view.wait_for_search()
    assert receipts(view.model) == [newer, older]
    assert not view.range_check.isChecked()
    assert view.search_edit.text() == ""


def test_arrow_keys_move_in_the_table_and_enter_opens_the_detail(qtbot, services, ctx):
    commit(ctx)
    second = commit(ctx, name="鈴木 花子", imei=OTHER_IMEI)
    view = make_view(qtbot, services)
    press(qtbot, Qt.Key.Key_Down)  # from the search field into the table
    assert focused() is view.table
    press(qtbot, Qt.Key.Key_Down)
    assert view.detail is not None
    first = view.detail.row.receipt
    assert first != second
    press(qtbot, Qt.Key.Key_Up)
    assert view.detail.row.receipt == second
    assert view.panel.values["name"].text() == "鈴木 花子"
    assert view.panel.values["imei"].text() == OTHER_IMEI
    assert view.panel.values["path"].text() == "マイナポータルアプリで失効した"
    assert view.panel.values["clerk"].text() == "C01 佐藤 花子　/　S01"
    assert view.panel.values["slips"].text() == "未発行"
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is view.panel.reprint_button
    view.table.setFocus()
    press(qtbot, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)  # the number pad's Enter
    assert focused() is view.panel.reprint_button
    # The shortcuts are written on the buttons.
    assert "Ctrl+P" in view.panel.reprint_button.text()
    assert "Ctrl+Shift+V" in view.panel.void_button.text()


# --- the screen: void -----------------------------------------------------------------------


def test_void_with_a_managers_pin_strikes_the_row_and_ledgers_the_reason(qtbot, services, ctx):
    kept = commit(ctx)
    target = commit(ctx, name="鈴木 花子", imei=OTHER_IMEI)
    services.state.clerk = ClerkView("C01", "佐藤 花子", Role.CLERK, True)
    ask = AskVoid(VoidRequest("M01", MANAGER_PIN, "二重登録"))
    view = make_view(qtbot, services, ask=ask)
    changes: list[None] = []
    services.events.intakes_changed.connect(lambda: changes.append(None))
    assert view.selected_row().receipt == target

    qtbot.keyClick(
        view.table,
        Qt.Key.Key_V,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )

    assert ask.asked == [(target, services.state.clerk)]
    assert [(b["receipt"], b["reason"], b["manager"]) for b in ledger_entries(ctx, "void")] == [
        (target, "二重登録", "M01")
    ]
    assert changes == [None]
    # The panel says so at once; the rows are read again in the background.
    assert view.panel.void_banner.isVisible()
    assert view.wait_for_search()
    row = view.model.find(target)
    font = view.model.data(view.model.index(row, Column.RECEIPT), Qt.ItemDataRole.FontRole)
    assert font is not None and font.strikeOut()
    assert font.pointSizeF() == view.table.font().pointSizeF()  # the table's type, struck
    assert view.model.find(kept) is not None
    # The row stays selected and the panel says what happened.
    assert view.selected_row().receipt == target and view.selected_row().voided
    assert view.panel.void_banner.isVisible()
    assert "二重登録" in view.panel.void_banner.text()
    assert "M01 店長 一郎" in view.panel.void_banner.text()
    assert not view.panel.void_button.isEnabled()
    assert services.dialogs.messages == []
    assert "取り消しました" in view.panel.status.text()
    view.select_row(view.model.find(kept))  # another receipt: the message was not about it
    assert view.panel.status.text() == ""


@pytest.mark.parametrize(
    "case",
    [
        ("M01", "9999", "担当者コードまたはPINが違います"),
        ("C01", CLERK_PIN, "この操作には店長（マネージャー）の権限が必要です"),
    ],
    ids=["wrong PIN", "not a manager"],
)
def test_a_wrong_pin_or_a_clerk_voids_nothing(qtbot, services, dialogs, ctx, case):
    code, pin, expected = case
    target = commit(ctx)
    ask = AskVoid(VoidRequest(code, pin, "二重登録"))
    view = make_view(qtbot, services, ask=ask)
    qtbot.mouseClick(view.panel.void_button, Qt.MouseButton.LeftButton)
    # Said in the dialog, which stays open; no message box over it.
    assert [(p.field, expected in p.error.ja) for p in ask.problems] == [("pin", True)]
    assert dialogs.messages == []
    assert ledger_entries(ctx, "void") == []
    assert not view.model.row_at(view.model.find(target)).voided


def test_a_wrong_pin_then_the_right_one_voids_with_the_reason_typed_once(qtbot, services, ctx):
    target = commit(ctx)
    ask = AskVoid(
        VoidRequest("M01", "999999", "二重登録"), VoidRequest("M01", MANAGER_PIN, "二重登録")
    )
    view = make_view(qtbot, services, ask=ask)
    assert view.void_selected()
    assert [p.field for p in ask.problems] == ["pin"]
    assert [(b["receipt"], b["reason"]) for b in ledger_entries(ctx, "void")] == [
        (target, "二重登録")
    ]
    # The refused attempt is in the ledger too, as every refused PIN is.
    assert [b["code"] for b in ledger_entries(ctx, ledger.EntryKind.PIN_FAILED)] == ["M01"]


def test_a_cancelled_or_invalid_void_changes_nothing(qtbot, services, dialogs, ctx):
    commit(ctx)
    ask = AskVoid(None)
    view = make_view(qtbot, services, ask=ask)
    assert not view.void_selected()
    assert len(ask.asked) == 1 and dialogs.messages == []
    ask.requests = [VoidRequest("M01", MANAGER_PIN, "理" * 201)]  # longer than the core allows
    assert not view.void_selected()
    assert [p.field for p in ask.problems] == ["reason"]
    assert "200" in ask.problems[0].error.ja
    ask.requests = [VoidRequest("M01", MANAGER_PIN, "訂正", "S01-20261127-0099")]
    assert not view.void_selected()  # a correction must name a receipt that exists
    assert "訂正後の受付番号" in ask.problems[-1].error.ja
    assert dialogs.messages == []
    assert ledger_entries(ctx, "void") == []


def test_voiding_a_void_again_is_refused_without_asking(qtbot, services, dialogs, ctx):
    commit(ctx)
    ask = AskVoid(VoidRequest("M01", MANAGER_PIN, "二重登録"))
    view = make_view(qtbot, services, ask=ask)
    assert view.void_selected()
    assert not view.void_selected()
    assert len(ask.asked) == 1
    assert [m.kind for m in dialogs.messages] == ["info"]
    assert len(ledger_entries(ctx, "void")) == 1


def test_the_void_dialog_asks_a_manager_at_the_counter_only_for_the_pin(qtbot):
    manager = ClerkView("M01", "店長 一郎", Role.MANAGER, True)
    dialog = void_dialog_for(None, "S01-20261127-0001", manager)
    qtbot.addWidget(dialog)
    assert dialog.code_edit.text() == "M01" and dialog.code_edit.isReadOnly()
    assert not dialog.ok_button.isEnabled()
    dialog.reason_edit.setText("二重登録")
    assert not dialog.ok_button.isEnabled()  # still the PIN
    dialog.pin_edit.setText(MANAGER_PIN)
    assert dialog.ok_button.isEnabled()
    assert dialog.request() == VoidRequest("M01", MANAGER_PIN, "二重登録")

    clerk = ClerkView("C01", "佐藤 花子", Role.CLERK, True)
    dialog = void_dialog_for(None, "S01-20261127-0001", clerk)
    qtbot.addWidget(dialog)
    assert dialog.code_edit.text() == "" and not dialog.code_edit.isReadOnly()
    assert isinstance(dialog, VoidDialog)


# --- the screen: reprint --------------------------------------------------------------------


def test_reprint_logs_a_reprint_and_prints_a_pdf_marked_as_one(
    qtbot, services, ctx, printer, tmp_path: Path
):
    receipt = commit(ctx)
    issue_first_copy(ctx, receipt)
    view = make_view(qtbot, services, printer=printer)
    assert view.panel.values["slips"].text() == "レシート 1枚（再発行 0）"

    qtbot.keyClick(view.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)

    reprints = ledger_entries(ctx, ledger.EntryKind.REPRINT)
    assert [(b["receipt"], b["issue_no"], b["format"]) for b in reprints] == [
        (receipt, 2, "thermal")
    ]
    assert len(printer.printed) == 1
    pdf, fmt = printer.printed[0]
    assert fmt == "thermal"
    assert view.last_slip is not None and view.last_slip.pdf == pdf
    path = tmp_path / "reprint.pdf"
    path.write_bytes(pdf)
    assert "再発行" in squeeze(pdf_text(path))
    assert view.panel.values["slips"].text() == "レシート 2枚（再発行 1）"
    assert "印刷しました" in view.panel.status.text()


def test_reprint_through_the_print_service_to_a_pdf_file(qtbot, services, ctx, tmp_path):
    receipt = commit(ctx)
    issue_first_copy(ctx, receipt)
    services.settings.set(PRINTER_THERMAL, f"pdf:{tmp_path / 'printed'}")
    view = make_view(qtbot, services)  # the real ui.printing.PrintService
    qtbot.keyClick(view.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    printed = tmp_path / "printed" / f"{receipt}-thermal-2.pdf"
    assert printed.is_file()
    assert "再発行" in squeeze(pdf_text(printed))
    assert "印刷しました" in view.panel.status.text()


def test_a_missing_printer_says_so_and_counts_no_copy(qtbot, services, ctx):
    receipt = commit(ctx)
    issue_first_copy(ctx, receipt)
    services.settings.set(PRINTER_THERMAL, "どこにもないプリンター")
    view = make_view(qtbot, services)
    qtbot.mouseClick(view.panel.reprint_button, Qt.MouseButton.LeftButton)
    assert ledger_entries(ctx, ledger.EntryKind.REPRINT) == []  # a copy counts once printed
    status = view.panel.status.text()
    assert "2枚目は印刷されていません" in status
    assert "どこにもないプリンター" in status  # PrintService's own words: which printer


def test_a_failed_print_can_be_tried_again(qtbot, services, ctx):
    receipt = commit(ctx)
    issue_first_copy(ctx, receipt)
    view = make_view(qtbot, services, printer=RecordingPrinter(works=False))
    qtbot.mouseClick(view.panel.reprint_button, Qt.MouseButton.LeftButton)
    assert ledger_entries(ctx, ledger.EntryKind.REPRINT) == []
    assert "用紙切れ" in view.panel.status.text()
    # The clerk tries again once the printer is back: the copy printed is the second.
    view._printer = RecordingPrinter()
    qtbot.mouseClick(view.panel.reprint_button, Qt.MouseButton.LeftButton)
    assert [b["issue_no"] for b in ledger_entries(ctx, ledger.EntryKind.REPRINT)] == [2]


def test_a_format_never_printed_gets_its_first_copy(qtbot, services, ctx, printer):
    receipt = commit(ctx)
    issue_first_copy(ctx, receipt, SlipFormat.THERMAL)
    view = make_view(qtbot, services, printer=printer)
    combo = view.panel.format_combo
    combo.setCurrentIndex(combo.findData(SlipFormat.A4))
    view.reprint_selected()
    issued = ledger_entries(ctx, ledger.EntryKind.SLIP_ISSUED)
    assert [(b["format"], b["issue_no"]) for b in issued] == [("thermal", 1), ("a4", 1)]
    assert ledger_entries(ctx, ledger.EntryKind.REPRINT) == []
    assert printer.printed[0][1] == "a4"


# --- refreshing from events -----------------------------------------------------------------


def test_the_screen_refreshes_when_another_screen_commits(qtbot, services, ctx):
    first = commit(ctx)
    second = commit(ctx, name="鈴木 花子", imei=OTHER_IMEI)
    view = make_view(qtbot, services)
    view.select_row(view.model.find(first))
    third = commit(ctx, name="田中 一郎", imei=THIRD_IMEI)  # the intake screen commits …
    with qtbot.waitSignal(view.model.search_finished):
        services.events.intakes_changed.emit()  # … and says so
    assert receipts(view.model) == [third, second, first]
    assert view.selected_row().receipt == first  # the clerk's place is kept


def test_a_hidden_screen_reads_again_when_shown(qtbot, services, ctx):
    commit(ctx)
    stack = QStackedWidget()  # as the main window holds its screens
    qtbot.addWidget(stack)
    other = QLineEdit()
    view = HistoryView(services, stack, ask_void=AskVoid(None), printer=RecordingPrinter())
    stack.addWidget(other)
    stack.addWidget(view)
    stack.setCurrentWidget(view)
    show(qtbot, stack)
    assert view.wait_for_search()
    stack.setCurrentWidget(other)
    newer = commit(ctx, name="鈴木 花子", imei=OTHER_IMEI)
    services.events.intakes_changed.emit()
    assert not view.model.busy
    assert newer not in receipts(view.model)  # nothing read while hidden
    with qtbot.waitSignal(view.model.search_finished):
        stack.setCurrentWidget(view)
    assert receipts(view.model)[0] == newer
    assert QApplication.focusWidget() is view.search_edit


def test_the_current_search_exports_to_a_spreadsheet_safe_csv(
    qtbot, services, dialogs, ctx, tmp_path
):
    import csv

    wanted = commit(ctx, name="=HYPERLINK 花子", imei=OTHER_IMEI)
    commit(ctx, name="田中 一郎", imei=THIRD_IMEI)
    view = make_view(qtbot, services)
    type_text(qtbot, OTHER_IMEI)
    search_with_enter(qtbot, view)
    dialogs.next_path = tmp_path / "search.csv"

    with qtbot.waitSignal(view.exports.finished):  # written off the GUI thread
        view.export_button.click()

    raw = dialogs.next_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel in Japan needs the BOM
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    body = [row for row in rows[1:] if row]
    assert len(body) == 1
    assert wanted in body[0]
    assert "'=HYPERLINK 花子" in body[0]
    assert "1" in dialogs.texts("info")[-1]


# --- searching off the GUI thread ------------------------------------------------------------


class HeldSearch:
    """Stands in for desktop.history.search: notes the thread, and holds the searches
    for the names in ``hold`` until released (a slow search on a million intakes)."""

    def __init__(self, monkeypatch, hold: set[str]) -> None:
        self.real = history_model.search
        self.hold = hold
        self.release = threading.Event()
        self.started = threading.Event()
        self.threads: list[threading.Thread] = []
        monkeypatch.setattr(history_model, "search", self)

    def __call__(self, session, query, **kwargs):
        self.threads.append(threading.current_thread())
        if query.text in self.hold:
            self.started.set()
            assert self.release.wait(10)
        return self.real(session, query, **kwargs)


def test_a_search_runs_off_the_gui_thread_and_the_screen_stays_live(
    qtbot, services, ctx, monkeypatch
):
    wanted = commit(ctx, name="鈴木 花子", imei=OTHER_IMEI)
    commit(ctx)
    view = make_view(qtbot, services)
    held = HeldSearch(monkeypatch, {"鈴木"})
    type_text(qtbot, "鈴木")
    press(qtbot, Qt.Key.Key_Return)
    assert held.started.wait(10)
    # The search is still running, and the window answers the keyboard meanwhile.
    assert view.model.busy
    type_text(qtbot, "花子")
    assert view.search_edit.text() == "花子"  # the selected text was replaced, as by a scan
    with qtbot.waitSignal(view.model.search_finished, timeout=10_000):
        held.release.set()
    assert receipts(view.model) == [wanted]
    assert held.threads and all(t is not threading.main_thread() for t in held.threads)
    assert not view.model.busy


def test_a_newer_search_supersedes_an_older_one_still_running(qtbot, services, ctx, monkeypatch):
    commit(ctx)  # 山田 太郎
    suzuki = commit(ctx, name="鈴木 花子", imei=OTHER_IMEI)
    view = make_view(qtbot, services)
    held = HeldSearch(monkeypatch, {"山田"})
    finished: list[list[str]] = []
    view.model.search_finished.connect(lambda: finished.append(receipts(view.model)))
    view.search_edit.setText("山田")
    view.run_search()  # slow: held
    assert held.started.wait(10)
    view.search_edit.setText("鈴木")
    with qtbot.waitSignal(view.model.search_finished, timeout=10_000):
        view.run_search()  # the clerk typed on: this one answers first
    assert receipts(view.model) == [suzuki]
    held.release.set()
    assert view.wait_for_search()
    assert finished == [[suzuki]]  # the older search's rows were never shown
    assert receipts(view.model) == [suzuki]


def test_the_date_range_defaults_to_the_shops_business_day(qtbot, services, ctx):
    """At 19:50 UTC on 1 December it is already 2 December in Tokyo (the shop's zone)."""
    ctx.clock.now = datetime(2026, 12, 1, 19, 50, tzinfo=UTC)
    today = commit(ctx)  # receipt S01-20261202-0001
    view = make_view(qtbot, services)
    assert view.to_edit.date().toString("yyyy-MM-dd") == "2026-12-02"
    assert view.from_edit.date().toString("yyyy-MM-dd") == "2026-11-25"
    view.range_check.setChecked(True)
    view.to_edit.setFocus()
    search_with_enter(qtbot, view)
    assert receipts(view.model) == [today]  # ticking 期間 keeps today's receipts


def test_the_date_range_follows_the_shops_day_when_the_screen_is_shown_again(qtbot, services, ctx):
    view = make_view(qtbot, services)
    assert view.to_edit.date().toString("yyyy-MM-dd") == "2026-11-27"
    view.hide()
    ctx.clock.advance(hours=15)  # 2026-11-28 01:00 in Tokyo: the counter stayed open
    view.show()
    assert view.to_edit.date().toString("yyyy-MM-dd") == "2026-11-28"


def test_a_bad_slip_format_in_the_settings_file_opens_history_on_the_default(qtbot, services, ctx):
    """「"a5"」 used to stop the screen with a ValueError."""
    services.settings.path.write_text('{"default_slip_format": "a5"}', encoding="utf-8")
    services.settings = StationSettings(services.settings.path)
    commit(ctx)
    view = make_view(qtbot, services)
    assert view.panel.format_combo.currentData() == SlipFormat.THERMAL
    assert view.model.rowCount() == 1


# --- a slip's QR code, scanned into the search field ----------------------------------------


def slip_code(ctx, receipt: str) -> str:
    with ctx.reading() as session:
        entry = session.execute(
            select(LedgerEntry).where(LedgerEntry.subject == receipt, LedgerEntry.kind == "intake")
        ).scalar_one()
    return SlipPayload(entry.station, entry.seq, entry.entry_hash, entry.signature).encode()


def scan(qtbot, view: HistoryView, code: str) -> str:
    """A 2D scanner in keyboard mode: the payload's keys, then Enter."""
    view.focus_search()
    type_text(qtbot, code)
    search_with_enter(qtbot, view)
    assert view.scan_banner.isVisible()
    return view.scan_banner.text()


def test_a_scanned_slip_opens_its_record_and_says_it_is_genuine_and_standing(qtbot, services, ctx):
    wanted = commit(ctx, name="鈴木 花子", imei=OTHER_IMEI)
    commit(ctx)
    view = make_view(qtbot, services)
    text = scan(qtbot, view, slip_code(ctx, wanted))
    assert "本物の控えです" in text and "stands" in text
    assert receipts(view.model) == [wanted]
    assert view.detail is not None and view.detail.row.receipt == wanted
    assert view.model.scanned is not None and view.model.scanned.standing is SlipStanding.STANDING
    assert view.search_edit.selectedText() == view.search_edit.text()  # the next scan replaces it
    # An ordinary search afterwards takes the verdict away.
    type_text(qtbot, "山田")
    search_with_enter(qtbot, view)
    assert not view.scan_banner.isVisible()


def test_a_scanned_slip_of_a_voided_intake_says_so(qtbot, services, ctx):
    voided = commit(ctx)
    with ctx.transaction() as session:
        void_intake(
            session, ctx.signer(), receipt=voided, reason="二重登録", manager="M01", now=ctx.clock()
        )
    view = make_view(qtbot, services)
    text = scan(qtbot, view, slip_code(ctx, voided))
    assert "取り消されています" in text and "二重登録" in text
    assert receipts(view.model) == [voided]
    assert view.panel.void_banner.isVisible()


def test_a_slip_voided_while_its_verdict_is_shown_is_read_again(qtbot, services, ctx):
    receipt = commit(ctx)
    view = make_view(qtbot, services)
    assert "有効" in scan(qtbot, view, slip_code(ctx, receipt))
    with ctx.transaction() as session:
        void_intake(
            session,
            ctx.signer(),
            receipt=receipt,
            reason="入力誤り",
            manager="M01",
            now=ctx.clock(),
        )
    with qtbot.waitSignal(view.model.search_finished):
        services.events.intakes_changed.emit()
    assert "取り消されています" in view.scan_banner.text()


def test_a_scanned_slip_of_another_shop_is_not_in_this_ledger(qtbot, services, ctx):
    receipt = commit(ctx)
    view = make_view(qtbot, services)
    code = slip_code(ctx, receipt).replace(":S01:", ":X09:")
    text = scan(qtbot, view, code)
    assert "この台帳にありません" in text
    assert receipts(view.model) == []
    assert view.detail is None


def test_an_altered_slip_code_is_not_genuine(qtbot, services, ctx):
    receipt = commit(ctx)
    view = make_view(qtbot, services)
    code = slip_code(ctx, receipt)
    text = scan(qtbot, view, code[:-6] + "AAAAAA")
    assert "本物の控えではない" in text
    assert receipts(view.model) == []


def test_a_code_typed_full_width_by_an_input_method_still_opens_the_record(qtbot, services, ctx):
    receipt = commit(ctx)
    view = make_view(qtbot, services)
    wide = slip_code(ctx, receipt).translate(
        {code: code + 0xFEE0 for code in range(0x21, 0x7F)}  # ASCII to full width
    )
    assert "本物の控えです" in scan(qtbot, view, wide)
    assert receipts(view.model) == [receipt]


# --- the void dialog itself ------------------------------------------------------------------


def test_the_real_dialog_keeps_the_reason_after_a_wrong_pin_and_links_a_correction(
    qtbot, services, ctx
):
    wrong = commit(ctx)
    again = commit(ctx, imei=OTHER_IMEI)
    dialogs: list[VoidDialog] = []

    def ask(parent, receipt, clerk, try_void) -> bool:
        dialog = void_dialog_for(parent, receipt, clerk, try_void)
        qtbot.addWidget(dialog)
        dialogs.append(dialog)
        show(qtbot, dialog)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.reason_edit)
        type_text(qtbot, "IMEI入力誤り")
        dialog.replaced_edit.setText(again.lower())
        dialog.code_edit.setText("M01")
        dialog.pin_edit.setText("999999")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        # Wrong PIN: still open, the reason and the correction kept, the PIN cleared.
        assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
        assert dialog.reason_edit.text() == "IMEI入力誤り"
        assert dialog.replaced_edit.text() == again.lower()
        assert dialog.pin_edit.text() == "" and focused() is dialog.pin_edit
        assert "PINが違います" in dialog.problem.text()
        type_text(qtbot, MANAGER_PIN)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        return dialog.result() == QDialog.DialogCode.Accepted

    view = make_view(qtbot, services, ask=ask)
    view.select_row(view.model.find(wrong))
    assert view.void_selected()
    assert not dialogs[0].isVisible()
    [body] = ledger_entries(ctx, "void")
    assert (body["receipt"], body["reason"], body["replaced_by"]) == (
        wrong,
        "IMEI入力誤り",
        again,
    )
    assert again in view.panel.void_banner.text()  # the detail names the correction


def test_the_void_dialog_offers_the_correction_field_in_the_tab_order(qtbot):
    dialog = void_dialog_for(None, "S01-20261127-0001", None)
    qtbot.addWidget(dialog)
    show(qtbot, dialog)
    dialog.reason_edit.setFocus()
    order = []
    for _ in range(3):
        press(qtbot, Qt.Key.Key_Tab)
        order.append(focused())
    assert order == [dialog.replaced_edit, dialog.code_edit, dialog.pin_edit]
    dialog.reason_edit.setText("訂正")
    dialog.replaced_edit.setText(" s01-20261127-0002 ")
    dialog.code_edit.setText("m01")
    dialog.pin_edit.setText(MANAGER_PIN)
    assert dialog.request() == VoidRequest("M01", MANAGER_PIN, "訂正", "S01-20261127-0002")

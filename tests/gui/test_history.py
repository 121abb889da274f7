"""The history screen: the lazy table model, search, detail, reprint and void, by keyboard."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QStackedWidget
from sqlalchemy import select

from db.models import LedgerEntry
from desktop import ledger
from desktop.clerks import ClerkView, Role
from desktop.errors import UserError
from desktop.history import HistoryQuery
from desktop.settings import PRINTER_THERMAL
from desktop.slips import issue_slip
from desktop.voiding import void_intake
from reports.snapshot import SlipFormat
from tests.conftest import CLERK_PIN, MANAGER_PIN, example_document
from tests.gui.helpers import focused, press, show, type_text
from tests.support.intakes import commit_document
from tests.support.pdfs import pdf_text, squeeze
from ui import history_model, printing
from ui.history import HistoryView, VoidDialog, VoidRequest, void_dialog_for
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
    """The void dialog's answer, given in advance; remembers who was at the counter."""

    def __init__(self, request: VoidRequest | None) -> None:
        self.request = request
        self.asked: list[tuple[str, ClerkView | None]] = []

    def __call__(self, parent, receipt: str, clerk: ClerkView | None) -> VoidRequest | None:
        self.asked.append((receipt, clerk))
        return self.request


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
    return view


# --- the model -------------------------------------------------------------------------


def test_the_model_passes_qts_model_tester(qtmodeltester, ctx):
    commit(ctx)
    commit(ctx, refused=True)
    voided = commit(ctx, name="鈴木 花子", imei=OTHER_IMEI)
    with ctx.transaction() as session:
        void_intake(
            session, ctx.signer(), receipt=voided, reason="二重登録", manager="M01", now=ctx.clock()
        )
    model = HistoryModel(ctx, timezone="Asia/Tokyo", query=HistoryQuery(), page_size=2)
    assert model.rowCount() == 2
    qtmodeltester.check(model)
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 3
    qtmodeltester.check(model)


def test_the_model_reads_a_page_at_a_time_and_never_the_whole_table(ctx):
    made = [commit(ctx, minutes=1) for _ in range(450)]
    model = HistoryModel(ctx, timezone="Asia/Tokyo", query=HistoryQuery(), page_size=200)

    assert model.rowCount() == 200  # one page, not 450
    assert model.rowCount(model.index(0, 0)) == 0  # a table: no children
    assert model.canFetchMore(QModelIndex())
    assert not model.canFetchMore(model.index(0, 0))
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 400
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 450
    assert not model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())  # nothing left: a no-op
    assert receipts(model) == list(reversed(made))  # newest first, no gaps, no repeats


def test_a_page_that_cannot_be_read_is_reported_once_and_loading_stops(ctx, monkeypatch):
    for _ in range(3):
        commit(ctx)
    model = HistoryModel(ctx, timezone="Asia/Tokyo", query=HistoryQuery(), page_size=2)
    failures: list[UserError] = []
    model.load_failed.connect(failures.append)

    def busy(*args, **kwargs):
        raise UserError("データベースが使用中です", "the database is busy")

    monkeypatch.setattr(history_model, "search", busy)
    model.fetchMore(QModelIndex())
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
    model = HistoryModel(ctx, timezone="Asia/Tokyo", query=HistoryQuery())
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
    model = HistoryModel(ctx, timezone="Asia/Tokyo", query=HistoryQuery())
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
    press(qtbot, Qt.Key.Key_Return)

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
    assert receipts(view.model) == [older]
    # Dates typed the wrong way round still mean that range.
    view.from_edit.setDate(view.from_edit.date().fromString("2026-11-30", "yyyy-MM-dd"))
    view.to_edit.setDate(view.to_edit.date().fromString("2026-11-29", "yyyy-MM-dd"))
    view.to_edit.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    assert receipts(view.model) == [newer]
    view.search_edit.setText("該当なし")
    qtbot.mouseClick(view.search_button, Qt.MouseButton.LeftButton)
    assert receipts(view.model) == []
    assert view.detail is None
    assert "該当する受付はありません" in view.count_label.text()
    qtbot.mouseClick(view.clear_button, Qt.MouseButton.LeftButton)
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
    view = make_view(qtbot, services, ask=AskVoid(VoidRequest(code, pin, "二重登録")))
    qtbot.mouseClick(view.panel.void_button, Qt.MouseButton.LeftButton)
    assert [m.kind for m in dialogs.messages] == ["error"]
    assert expected in dialogs.messages[0].text
    assert ledger_entries(ctx, "void") == []
    assert not view.model.row_at(view.model.find(target)).voided


def test_a_cancelled_or_invalid_void_changes_nothing(qtbot, services, dialogs, ctx):
    commit(ctx)
    ask = AskVoid(None)
    view = make_view(qtbot, services, ask=ask)
    assert not view.void_selected()
    assert len(ask.asked) == 1 and dialogs.messages == []
    ask.request = VoidRequest("M01", MANAGER_PIN, "理" * 201)  # longer than the core allows
    assert not view.void_selected()
    assert [m.kind for m in dialogs.messages] == ["error"]
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
    stack.setCurrentWidget(other)
    newer = commit(ctx, name="鈴木 花子", imei=OTHER_IMEI)
    services.events.intakes_changed.emit()
    assert newer not in receipts(view.model)  # nothing read while hidden
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
    press(qtbot, Qt.Key.Key_Return)
    dialogs.next_path = tmp_path / "search.csv"

    view.export_button.click()

    raw = dialogs.next_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel in Japan needs the BOM
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    body = [row for row in rows[1:] if row]
    assert len(body) == 1
    assert wanted in body[0]
    assert "'=HYPERLINK 花子" in body[0]
    assert "1" in dialogs.texts("info")[-1]

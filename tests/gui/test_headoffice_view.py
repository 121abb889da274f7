"""The head-office screen: a manager exports every station's day or period from the day-close screen."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from sqlalchemy import select

from db.models import LedgerEntry
from desktop.app import AppContext
from desktop.clerks import ClerkView, Role
from desktop.headoffice import verify_head_office
from desktop.setup import ShopDetails, initialise
from tests.conftest import MANAGER_PIN, example_document
from tests.support.intakes import commit_document
from ui.dayclose_view import DayCloseView
from ui.headoffice_view import HeadOfficeDialog

MANAGER = ClerkView("M01", "店長 一郎", Role.MANAGER, True)
CLERK = ClerkView("C01", "佐藤 花子", Role.CLERK, True)


def second_counter(ctx: AppContext, keys: Path) -> AppContext:
    """Station S02 with a key folder of its own (another PC on the same database)."""
    with ctx.transaction() as session:
        initialise(
            session,
            keys_dir=keys,
            shop=ShopDetails(name=""),
            station="S02",
            manager_code="M01",
            manager_name="",
            manager_pin=MANAGER_PIN,
            now=ctx.clock(),
        )
    return AppContext.open(ctx.db_url, keys, clock=ctx.clock)


def head_office_entries(ctx: AppContext) -> list[dict]:
    with ctx.reading() as session:
        bodies = session.scalars(
            select(LedgerEntry.body).where(
                LedgerEntry.kind == "export", LedgerEntry.subject == "head_office_export"
            )
        )
        return [json.loads(body) for body in bodies]


def test_a_manager_exports_every_station_from_the_day_close_screen(
    qtbot, services, ctx, clock, tmp_path
):
    commit_document(ctx, example_document())
    other = second_counter(ctx, tmp_path / "pc-b-keys")
    try:
        commit_document(other, example_document())
        commit_document(other, example_document())
    finally:
        other.close()
    services.state.clerk = MANAGER
    services.dialogs.next_path = tmp_path
    view = DayCloseView(services, opener=lambda _: None)
    qtbot.addWidget(view)

    qtbot.mouseClick(view.head_office_button, Qt.MouseButton.LeftButton)

    dialog = view.head_office_dialog
    assert isinstance(dialog, HeadOfficeDialog)
    assert dialog.period() == (clock().date(), clock().date())  # today by default
    assert dialog.export_button.isEnabled()
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)

    done = dialog.result_export
    assert done is not None, services.dialogs.messages
    assert services.dialogs.texts("error") == []
    folder = tmp_path / "head-office-20261127"
    assert done.folder == folder
    with ctx.reading() as session:
        verdict = verify_head_office(folder, session)
    assert verdict.ok, verdict.lines()
    assert verdict.stations == ("S01", "S02")
    summary = dialog.summary_label.text()
    assert "S01: 受付 / intakes 1" in summary
    assert "S02: 受付 / intakes 2" in summary
    assert done.manifest_sha256 in summary
    (entry,) = head_office_entries(ctx)
    assert (entry["by"], entry["date_from"], entry["stations"]) == ("M01", "2026-11-27", 2)
    assert dialog.open_button.isEnabled()
    dialog.close()


def test_a_period_in_cp932_and_the_folder_is_opened(qtbot, services, ctx, clock, tmp_path):
    commit_document(ctx, example_document())
    clock.advance(days=1)
    commit_document(ctx, example_document())
    services.state.clerk = MANAGER
    opened: list[Path] = []
    dialog = HeadOfficeDialog(services, opener=opened.append)
    qtbot.addWidget(dialog)
    dialog.date_from.setDate(QDate(2026, 11, 27))
    dialog.date_to.setDate(QDate(2026, 11, 28))
    dialog.encoding.setCurrentIndex(dialog.encoding.findData("cp932"))
    services.dialogs.next_path = tmp_path

    done = dialog.export_now()

    assert done is not None, services.dialogs.messages
    assert done.folder == tmp_path / "head-office-20261127-20261128"
    assert "S01-20261128-0001" in (done.folder / "intakes.csv").read_bytes().decode("cp932")
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert opened == [done.folder]


def test_a_clerk_cannot_export(qtbot, services, ctx, tmp_path):
    services.state.clerk = CLERK
    services.dialogs.next_path = tmp_path
    dialog = HeadOfficeDialog(services)
    qtbot.addWidget(dialog)
    assert not dialog.export_button.isEnabled()
    assert "店長" in dialog.notice.text()
    assert dialog.export_now() is None
    assert list(tmp_path.glob("head-office-*")) == []
    assert head_office_entries(ctx) == []


def test_a_folder_in_the_way_is_reported_and_nothing_is_recorded(qtbot, services, ctx, tmp_path):
    services.state.clerk = MANAGER
    services.dialogs.next_path = tmp_path
    (tmp_path / "head-office-20261127").mkdir()
    (tmp_path / "head-office-20261127" / "old.csv").write_text("x")
    dialog = HeadOfficeDialog(services)
    qtbot.addWidget(dialog)

    assert dialog.export_now() is None

    (message,) = services.dialogs.texts("error")
    assert "not an empty folder" in message
    assert head_office_entries(ctx) == []
    assert not dialog.open_button.isEnabled()

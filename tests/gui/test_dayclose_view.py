"""The day-close screen: a manager closes a day with progress, sees the summary and the head."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from desktop.clerks import ClerkView, Role
from desktop.dayclose import find_close
from desktop.exports import verify_export
from desktop.voiding import void_intake
from tests.conftest import example_document
from tests.support.intakes import commit_document
from ui.dayclose_view import DayCloseView

MANAGER = ClerkView("M01", "店長 一郎", Role.MANAGER, True)
CLERK = ClerkView("C01", "佐藤 花子", Role.CLERK, True)


def _view(qtbot, services, opened: list[Path]) -> DayCloseView:
    view = DayCloseView(services, opener=opened.append)
    qtbot.addWidget(view)
    return view


def test_a_manager_closes_the_day_and_opens_the_folder(qtbot, services, ctx, clock, tmp_path):
    receipt = commit_document(ctx, example_document()).number
    doc = example_document()
    doc["revocation"]["performed_by"] = "staff"
    commit_document(ctx, doc)  # refused
    with ctx.transaction() as session:
        void_intake(
            session, ctx.signer(), receipt=receipt, reason="二重登録", manager="M01", now=clock()
        )
    clock.advance(hours=8)
    services.state.clerk = MANAGER
    services.dialogs.next_path = tmp_path
    opened: list[Path] = []
    view = _view(qtbot, services, opened)
    view.reset()
    changed: list[bool] = []
    services.events.intakes_changed.connect(lambda: changed.append(True))
    progress: list[int] = []
    view.progress.valueChanged.connect(progress.append)

    qtbot.mouseClick(view.close_button, Qt.MouseButton.LeftButton)

    summary = view.summary
    assert summary is not None, services.dialogs.messages
    assert services.dialogs.texts("error") == []
    assert progress[-1] == 100 and len(progress) > 3 and progress == sorted(progress)
    folder = tmp_path / "S01-20261127"
    assert view.folder == folder and verify_export(folder).ok
    text = view.summary_label.text()
    assert "受付件数（取消を除く） / intakes, voided ones excluded: 1" in text
    assert "受付 / Accepted: 0" in text
    assert "お断り / Refused: 1" in text
    assert "取消 / Voided: 1" in text
    assert "下取り ¥0" in text  # the voided trade-in's price is not in the total
    head = view.head_label.text()
    assert head.startswith(f"#{summary.head.seq}\n")
    assert "".join(head.split("\n", 1)[1].split()) == summary.head.entry_hash
    assert changed == [True]
    with ctx.reading() as session:
        assert find_close(session, "S01", summary.day) is not None
    assert not view.close_button.isEnabled()  # closed once
    qtbot.mouseClick(view.open_button, Qt.MouseButton.LeftButton)
    assert opened == [folder]


def test_a_clerk_cannot_close(qtbot, services, tmp_path):
    services.state.clerk = CLERK
    out = tmp_path / "exports"
    out.mkdir()
    services.dialogs.next_path = out
    view = _view(qtbot, services, [])
    view.reset()
    assert not view.close_button.isEnabled()
    assert "店長" in view.notice.text()
    assert view.close_now() is None
    assert list(out.iterdir()) == []


def test_closing_twice_is_refused_and_leaves_no_second_folder(qtbot, services, ctx, tmp_path):
    commit_document(ctx, example_document())
    services.state.clerk = MANAGER
    services.dialogs.next_path = tmp_path / "first"
    (tmp_path / "first").mkdir()
    view = _view(qtbot, services, [])
    view.reset()
    assert view.close_now() is not None
    second = _view(qtbot, services, [])
    second.reset()
    services.dialogs.next_path = tmp_path / "second"
    (tmp_path / "second").mkdir()
    assert second.close_now() is None
    assert "既に締められています" in services.dialogs.texts("error")[0]
    assert list((tmp_path / "second").iterdir()) == []
    assert second.close_button.isEnabled()


def test_every_close_leaves_a_backup_in_the_counters_backup_folder(
    qtbot, services, ctx, clock, tmp_path
):
    import sqlite3

    from desktop.settings import BACKUP_DIR, BACKUP_KEEP

    commit_document(ctx, example_document())
    clock.advance(hours=8)
    backups = tmp_path / "backups"
    backups.mkdir()
    services.settings.set(BACKUP_DIR, str(backups))
    services.settings.set(BACKUP_KEEP, 3)
    services.state.clerk = MANAGER
    exports = tmp_path / "exports"
    exports.mkdir()
    services.dialogs.next_path = exports
    view = _view(qtbot, services, [])
    view.reset()

    assert view.close_now() is not None, services.dialogs.messages

    assert view.backup_path is not None
    assert view.backup_path.parent == backups
    with sqlite3.connect(view.backup_path) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT count(*) FROM intake").fetchone()[0] == 1
    assert "backup:" in view.stage.text()

"""The day-close screen: a manager confirms, the day closes off the GUI thread with its
progress, and the screen shows the labelled summary, the backup (or that there is none)
and the chain head."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt

from desktop.clerks import ClerkView, Role
from desktop.dayclose import find_close
from desktop.export_folder import verify_export
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


def _close(qtbot, view: DayCloseView) -> bool:
    """Start the close and wait for its end; whether the day was closed."""
    if not view.close_now():
        return False
    assert view.wait()
    return view.outcome is not None and view.outcome.summary is view.summary


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
    stages: list[str] = []
    threads: list[threading.Thread] = []

    def on_progress(value: int) -> None:
        progress.append(value)
        stages.append(view.stage.text())
        threads.append(threading.current_thread())

    view.progress.valueChanged.connect(on_progress)

    with qtbot.waitSignal(view.close_finished, timeout=60_000):
        qtbot.mouseClick(view.close_button, Qt.MouseButton.LeftButton)

    summary = view.summary
    assert summary is not None, services.dialogs.messages
    assert services.dialogs.texts("error") == []
    # Asked first, with いいえ as the default button (confirm_unlikely).
    [question] = services.dialogs.messages[:1]
    assert question.kind == "confirm_unlikely" and "2026-11-27 を締めます" in question.text
    assert "取り消せません" in question.text
    assert progress[-1] == 100 and len(progress) > 3 and progress == sorted(progress)
    # The stages in words (not close_day's internal names), delivered to the GUI thread.
    assert any("日報PDF" in stage for stage in stages)
    assert not any(stage in ("report", "csv", "xlsx") for stage in stages)
    assert threads and set(threads) == {threading.main_thread()}
    folder = tmp_path / "S01-20261127"
    assert view.folder == folder and verify_export(folder).ok
    text = view.summary_label.text()
    assert "受付件数（取消を除く） / intakes, voids excluded: 1" in text
    assert "受付 / Accepted: 0" in text
    assert "お断り / Refused: 1" in text
    assert "取消 / Voided: 1" in text
    money = view.money_label.text()
    assert "下取り ¥0" in money  # the voided trade-in's price is not in the total
    assert "金額合計（受付のみ） / totals, accepted only" in money
    assert "買取 ¥0" in money and "委託 ¥0" in money and "修理受付 ¥0" in money
    files = view.files_label.text()
    assert f"出力先フォルダ / export folder: {folder}" in files
    assert "day-report.pdf" in files and "intakes.csv" in files and "manifest.json" in files
    assert "UTF-8（BOM付き・Excel向け）" in files
    # No backup folder is set on this counter: the screen says so, plainly.
    assert "バックアップは作成されていません" in view.backup_label.text()
    assert "NO BACKUP" in view.backup_label.text()
    assert "チェーンの先頭" in view.head_caption.text()
    assert f"#{summary.head.seq}" in view.head_caption.text()
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
    assert not view.close_now()
    assert list(out.iterdir()) == []


def test_closing_twice_is_refused_and_leaves_no_second_folder(qtbot, services, ctx, tmp_path):
    commit_document(ctx, example_document())
    services.state.clerk = MANAGER
    services.dialogs.next_path = tmp_path / "first"
    (tmp_path / "first").mkdir()
    view = _view(qtbot, services, [])
    view.reset()
    assert _close(qtbot, view)
    second = _view(qtbot, services, [])
    second.reset()
    services.dialogs.next_path = tmp_path / "second"
    (tmp_path / "second").mkdir()
    with qtbot.waitSignal(second.close_failed, timeout=60_000):
        assert second.close_now()
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

    assert _close(qtbot, view), services.dialogs.messages

    assert view.backup_path is not None
    assert view.backup_path.parent == backups
    with sqlite3.connect(view.backup_path) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT count(*) FROM intake").fetchone()[0] == 1
    assert f"バックアップ / backup: {view.backup_path}" == view.backup_label.text()


def test_the_close_asks_first_and_no_closes_nothing(qtbot, services, ctx, tmp_path):
    commit_document(ctx, example_document())
    services.state.clerk = MANAGER
    exports = tmp_path / "exports"
    exports.mkdir()
    services.dialogs.next_path = exports
    services.dialogs.answers = [False]  # いいえ, which is also the default button
    view = _view(qtbot, services, [])
    view.reset()
    assert not view.close_now()
    assert [m.kind for m in services.dialogs.messages] == ["confirm_unlikely"]
    assert "バックアップ: 作成されません" in services.dialogs.messages[0].text
    assert list(exports.iterdir()) == []
    assert view.close_button.isEnabled() and view.summary is None
    with ctx.reading() as session:
        assert find_close(session, "S01", view.day()) is None


def test_the_cp932_choice_writes_the_csv_in_shift_jis(qtbot, services, ctx, clock, tmp_path):
    commit_document(ctx, example_document())
    clock.advance(hours=8)
    services.state.clerk = MANAGER
    services.dialogs.next_path = tmp_path
    view = _view(qtbot, services, [])
    view.reset()
    view.encoding_combo.setCurrentIndex(view.encoding_combo.findData("cp932"))
    assert _close(qtbot, view), services.dialogs.messages
    raw = (tmp_path / "S01-20261127" / "intakes.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert "山田 太郎" in raw.decode("cp932")
    assert "Shift_JIS（CP932" in view.files_label.text()
    assert verify_export(tmp_path / "S01-20261127").ok


def test_a_character_cp932_cannot_write_leaves_the_day_open(qtbot, services, ctx, tmp_path):
    document = example_document()
    document["seller"]["name"] = "𠮷田 太郎"  # 𠮷 (U+20BB7) is not in CP932
    commit_document(ctx, document)
    services.state.clerk = MANAGER
    exports = tmp_path / "exports"
    exports.mkdir()
    services.dialogs.next_path = exports
    view = _view(qtbot, services, [])
    view.reset()
    view.encoding_combo.setCurrentIndex(view.encoding_combo.findData("cp932"))
    with qtbot.waitSignal(view.close_failed, timeout=60_000):
        assert view.close_now()
    assert "CP932" in services.dialogs.texts("error")[0]
    assert list(exports.iterdir()) == []
    assert view.close_button.isEnabled()
    with ctx.reading() as session:
        assert find_close(session, "S01", view.day()) is None


def test_a_failed_backup_says_no_backup_was_made_and_the_day_stays_closed(
    qtbot, services, ctx, tmp_path
):
    from desktop.settings import BACKUP_DIR

    commit_document(ctx, example_document())
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    services.settings.set(BACKUP_DIR, str(blocked / "backups"))
    services.state.clerk = MANAGER
    exports = tmp_path / "exports"
    exports.mkdir()
    services.dialogs.next_path = exports
    view = _view(qtbot, services, [])
    view.reset()
    assert _close(qtbot, view)
    assert view.backup_path is None
    assert "バックアップは作成されていません（失敗しました" in view.backup_label.text()
    assert services.dialogs.texts("error")  # and a message box says why
    with ctx.reading() as session:
        assert find_close(session, "S01", view.day()) is not None


def test_the_screen_stays_live_while_the_day_closes(qtbot, services, ctx, tmp_path, monkeypatch):
    """The close runs on a worker thread: the GUI thread answers while it is held."""
    import desktop.exports

    commit_document(ctx, example_document())
    services.state.clerk = MANAGER
    services.dialogs.next_path = tmp_path
    real = desktop.exports.close_and_export
    started, release = threading.Event(), threading.Event()
    ran_on: list[threading.Thread] = []

    def held(*args, **kwargs):
        ran_on.append(threading.current_thread())
        started.set()
        assert release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(desktop.exports, "close_and_export", held)
    view = _view(qtbot, services, [])
    view.reset()
    assert view.close_now()
    assert started.wait(30)
    assert not view.close_button.isEnabled()
    assert not view.close_now()  # one close at a time
    view.folder_edit.setText("still answering")  # the GUI thread is free
    assert view.folder_edit.text() == "still answering"
    with qtbot.waitSignal(view.close_finished, timeout=60_000):
        release.set()
    assert ran_on and ran_on[0] is not threading.main_thread()

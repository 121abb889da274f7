"""Backup while writing verifies; restore round-trips and refuses a bad file (QUALITY.md 5)."""

from __future__ import annotations

import argparse
import io
import json
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text

from db.models import Intake, LedgerEntry
from desktop.app import AppContext
from desktop.backup import (
    BEFORE_RESTORE_KEEP,
    backup_database,
    backup_to_folder,
    integrity_problem,
    purge_restore_copies,
    restore_copies,
    restore_database,
    rotate_backups,
)
from desktop.cli import Console
from desktop.cli.maintenance import add_parsers
from desktop.errors import UserError
from desktop.verification import verify_all
from tests.conftest import MANAGER_PIN, example_document
from tests.support.intakes import commit_document
from tests.support.tamper import edit_body

ROOT = Path(__file__).resolve().parents[2]


def _receipts(db_url: str, keys_dir: Path) -> set[str]:
    ctx = AppContext.open(db_url, keys_dir)
    try:
        with ctx.reading() as session:
            report = verify_all(session, keys_dir)
            assert report.ok, report.lines()
            return set(session.scalars(select(Intake.receipt)))
    finally:
        ctx.close()


def _writer(ctx: AppContext, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.writer", ctx.db_url, str(ctx.keys_dir), str(count)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


@pytest.mark.slow
def test_backup_while_another_process_commits_verifies_and_restores(ctx, tmp_path):
    writer = _writer(ctx, 60)
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "ready", (
        writer.stderr.read() if writer.stderr else ""
    )
    committed = [writer.stdout.readline().split()[0] for _ in range(5)]
    backups = []
    for index in range(3):  # several snapshots, each in the middle of the writer's loop
        backups.append(backup_database(ctx, tmp_path / f"during-{index}.sqlite3"))
        committed.append(writer.stdout.readline().split()[0])
    rest, errors = writer.communicate(timeout=120)
    assert writer.returncode == 0, errors
    assert len(rest.splitlines()) > 0, "the writer finished before the backups were taken"

    for result in backups:
        assert integrity_problem(result.path) is None
        assert b"PRIVATE KEY" not in result.path.read_bytes()
        assert not Path(f"{result.path}-wal").exists()
    # The last backup holds everything reported before it began, and its chain verifies.
    last = backups[-1].path
    fresh = tmp_path / "elsewhere" / "shop.sqlite3"
    restored = restore_database(f"sqlite:///{fresh}", last, ctx.keys_dir, manager="M01")
    assert restored.previous is None
    stored = _receipts(f"sqlite:///{fresh}", ctx.keys_dir)
    assert set(committed[:-1]) <= stored
    assert len(stored) < 60


def test_restore_replaces_the_current_database_and_keeps_it(ctx, tmp_path):
    first = commit_document(ctx, example_document()).number
    backup = backup_database(ctx, tmp_path / "b.sqlite3").path
    later = commit_document(ctx, example_document()).number
    current = Path(ctx.engine.url.database)

    # The backup lacks the later intake: without the manager's second confirmation the
    # restore is refused, naming what would be lost, and changes nothing.
    with pytest.raises(UserError, match="1 ledger entries would be lost"):
        restore_database(ctx, backup, ctx.keys_dir, manager="M01")
    assert later in _receipts(ctx.db_url, ctx.keys_dir)

    result = restore_database(ctx, backup, ctx.keys_dir, accept_loss=True, manager="M01")
    assert result.lost_entries == 1

    assert result.previous is not None and result.previous.name.startswith(
        "shop.sqlite3.before-restore-"
    )
    assert _receipts(ctx.db_url, ctx.keys_dir) == {first}
    assert later in _receipts(f"sqlite:///{result.previous}", ctx.keys_dir)
    assert current.exists()
    assert not list(tmp_path.glob(".*partial*"))
    # The restore is on the record, naming the entries it rolled back.
    with ctx.reading() as session:
        entry = session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "restore")).one()
    rolled = json.loads(entry.body)["rolled_back"]
    # Two entries gone: the later intake, and the audit entry of this backup itself.
    assert [(r["station"], r["from_seq"] - r["to_seq"], r["lost"]) for r in rolled] == [
        ("S01", 2, 1)
    ]
    assert verify_all_ok(ctx)
    # The context keeps working on the restored file.
    assert commit_document(ctx, example_document()).number == later


def test_restore_of_a_backup_as_new_as_the_database_loses_nothing(ctx, tmp_path):
    commit_document(ctx, example_document())
    backup = backup_database(ctx, tmp_path / "b.sqlite3").path
    result = restore_database(ctx, backup, ctx.keys_dir, manager="M01")
    assert result.lost_entries == 0


def verify_all_ok(ctx) -> bool:
    with ctx.reading() as session:
        return verify_all(session, ctx.keys_dir).ok


def _bytes_of(path: Path) -> bytes:
    return path.read_bytes()


def _snapshot(ctx) -> tuple[bytes, list[str]]:
    ctx.engine.dispose()
    database = Path(ctx.engine.url.database)
    with sqlite3.connect(database) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return _bytes_of(database), sorted(p.name for p in database.parent.iterdir())


def test_restore_refuses_a_corrupted_file(ctx, tmp_path):
    for _ in range(5):
        commit_document(ctx, example_document())
    backup = backup_database(ctx, tmp_path / "b.sqlite3").path
    # Damage a page in use (the ledger's own table), not a free one: a free page is
    # nobody's data, and integrity_check rightly does not look at it.
    with sqlite3.connect(backup) as conn:
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'ledger_entry'"
        ).fetchone()
        (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    data = bytearray(backup.read_bytes())
    start = (root - 1) * page_size + 8
    data[start : start + 64] = bytes(b ^ 0xFF for b in data[start : start + 64])
    backup.write_bytes(bytes(data))
    before = _snapshot(ctx)

    with pytest.raises(UserError, match="cannot be restored") as refused:
        restore_database(ctx, backup, ctx.keys_dir, manager="M01")
    assert "the current database was not changed" in refused.value.en
    assert _snapshot(ctx) == before


def test_restore_refuses_a_tampered_chain(ctx, tmp_path):
    commit_document(ctx, example_document())
    backup = backup_database(ctx, tmp_path / "b.sqlite3").path
    copy = AppContext.open(f"sqlite:///{backup}", ctx.keys_dir)
    try:
        with copy.engine.connect() as conn:
            seq = conn.execute(text("SELECT max(seq) FROM ledger_entry")).scalar_one()
        edit_body(copy.engine, seq)
    finally:
        copy.close()
    before = _snapshot(ctx)

    with pytest.raises(UserError, match="fails verify"):
        restore_database(ctx, backup, ctx.keys_dir, manager="M01")
    assert _snapshot(ctx) == before


def test_restore_refuses_a_file_that_is_not_ours(ctx, tmp_path):
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as raw:
        raw.execute("CREATE TABLE t (x)")
    with pytest.raises(UserError, match="not a Revoke Desk database"):
        restore_database(ctx, other, ctx.keys_dir, manager="M01")


def test_backup_refuses_postgresql(ctx, tmp_path):
    pg = AppContext(
        "postgresql+psycopg://u@localhost/shop", ctx.keys_dir, ctx.engine, clock=ctx.clock
    )
    with pytest.raises(UserError, match="pg_dump"):
        backup_database(pg, tmp_path / "b.sqlite3")


def test_day_close_backups_keep_n_generations(ctx, tmp_path):
    folder = tmp_path / "backups"
    made = []
    for _ in range(5):
        made.append(backup_to_folder(ctx, folder, keep=3))
        ctx.clock.advance(hours=25)
    (folder / "notes.txt").write_text("not a backup")
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted([*(r.path.name for r in made[-3:]), "notes.txt"])
    assert made[-1].path.name == "revoke-desk-20261201-140000.sqlite3"  # shop time
    assert made[-1].removed == (made[1].path,)
    assert rotate_backups(folder, keep=1) == tuple(r.path for r in made[-3:-1])


def _cli(ctx, *argv: str, stdin: str = "") -> tuple[int, str]:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db")
    common.add_argument("--keys")
    common.add_argument("--verbose", action="store_true")
    parser = argparse.ArgumentParser()
    add_parsers(parser.add_subparsers(dest="command"), common)
    args = parser.parse_args([*argv, "--db", ctx.db_url, "--keys", str(ctx.keys_dir)])
    out = io.StringIO()
    return args.handler(args, Console(out, io.StringIO(stdin))), out.getvalue()


def test_backup_and_restore_commands(ctx, tmp_path):
    kept = commit_document(ctx, example_document()).number
    out_file = tmp_path / "cli.sqlite3"
    code, out = _cli(ctx, "backup", "--out", str(out_file))
    assert code == 0 and str(out_file) in out
    commit_document(ctx, example_document())
    ctx.close()

    with pytest.raises(UserError):
        _cli(ctx, "restore", str(out_file), "--manager", "M01", stdin="0000\n")
    restore = ("restore", str(out_file), "--manager", "M01")
    with pytest.raises(UserError, match="--accept-loss"):
        _cli(ctx, *restore, stdin=MANAGER_PIN + "\n")
    code, out = _cli(ctx, *restore, "--accept-loss", stdin=MANAGER_PIN + "\n")
    assert code == 0 and "restored" in out and "before-restore-" in out
    # The intake after the backup, and the refused PIN above (a pin_failed entry).
    assert "2 ledger entries rolled back" in out
    assert _receipts(ctx.db_url, ctx.keys_dir) == {kept}


def test_restore_refuses_while_another_process_has_the_database_open(ctx, tmp_path):
    commit_document(ctx, example_document())
    backup = backup_database(ctx, tmp_path / "b.sqlite3").path
    other = AppContext.open(ctx.db_url, ctx.keys_dir)  # another window, still open
    try:
        with other.reading() as session:
            session.execute(text("SELECT 1 FROM intake")).all()
        before = sorted(p.name for p in tmp_path.iterdir())
        with pytest.raises(UserError, match="another window or process"):
            restore_database(ctx, backup, ctx.keys_dir, manager="M01")
        assert sorted(p.name for p in tmp_path.iterdir()) == before
    finally:
        other.close()


def test_only_a_few_before_restore_copies_are_kept(ctx, tmp_path):
    commit_document(ctx, example_document())
    backup = backup_database(ctx, tmp_path / "b.sqlite3").path
    for _ in range(BEFORE_RESTORE_KEEP + 2):
        ctx.clock.advance(seconds=2)  # each copy is named by its time
        restore_database(ctx, backup, ctx.keys_dir, manager="M01", now=ctx.clock, accept_loss=True)
    current = Path(ctx.engine.url.database)
    assert len(restore_copies(current)) == BEFORE_RESTORE_KEEP


def test_the_retention_purge_removes_copies_holding_expired_data(ctx, tmp_path):
    commit_document(ctx, example_document())  # recorded 2026-11-27
    backup = backup_database(ctx, tmp_path / "b.sqlite3").path
    restore_database(ctx, backup, ctx.keys_dir, manager="M01")
    current = Path(ctx.engine.url.database)
    (copy,) = restore_copies(current)
    assert purge_restore_copies(ctx.db_url, date(2026, 11, 27)) == ()  # nothing older yet
    assert purge_restore_copies(ctx.db_url, date(2029, 11, 28)) == (copy,)
    assert not copy.exists()

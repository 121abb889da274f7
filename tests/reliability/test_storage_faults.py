"""Storage faults during commits (QUALITY.md reliability 2 and 4), on a real SQLite file.

- The disk fills during a commit: a clear message, no partial row, the chain head
  unchanged — and the next commit, once there is room, carries on the chain.
- Two processes commit 500 intakes each into one file (two windows on one PC): no lock
  error reaches either, every receipt is there, the chain is linear and complete.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import event

from desktop.errors import UserError
from desktop.verification import verify_all
from tests.conftest import example_document
from tests.support.intakes import commit_document

ROOT = Path(__file__).resolve().parents[2]


def _counts(path: str) -> tuple[int, int, int, int]:
    with sqlite3.connect(path) as conn:
        return (
            conn.execute("SELECT count(*) FROM intake").fetchone()[0],
            conn.execute("SELECT count(*) FROM person").fetchone()[0],
            conn.execute("SELECT count(*) FROM ledger_entry").fetchone()[0],
            conn.execute("SELECT max(seq) FROM ledger_entry").fetchone()[0],
        )


def test_a_full_disk_during_commit_keeps_nothing_half_written(ctx):
    commit_document(ctx, example_document())
    path = ctx.engine.url.database
    pages = sqlite3.connect(path).execute("PRAGMA page_count").fetchone()[0]
    before = _counts(path)

    # SQLite's own "database or disk is full" (SQLITE_FULL), through the app's real
    # connections: the file may not grow by more than a page.
    ctx.engine.dispose()

    @event.listens_for(ctx.engine, "connect")
    def _tiny_disk(dbapi_connection, _record):
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 1}")

    big = example_document()
    big["seller"]["address"] = "東京都" + "千代田区丸の内" * 25  # a record larger than a page

    def commit_until_full() -> None:
        for _ in range(20):
            commit_document(ctx, big)

    with pytest.raises(UserError) as failed:
        commit_until_full()
    assert "disk is full: nothing was saved" in failed.value.en

    event.remove(ctx.engine, "connect", _tiny_disk)
    ctx.engine.dispose()
    after = _counts(path)
    # Whole intakes only: a person row for every intake row, an entry for each.
    assert after[0] == after[1]
    assert after[2] - before[2] == after[0] - before[0]  # one signed entry per intake kept
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # Room again: the chain carries on from where it stood, and verifies.
    commit_document(ctx, example_document())
    with ctx.reading() as session:
        report = verify_all(session, ctx.keys_dir)
    assert report.ok, report.lines()


@pytest.mark.slow
def test_two_processes_commit_500_each_into_one_file(ctx):
    path = ctx.engine.url.database
    ctx.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.support.writer", ctx.db_url, str(ctx.keys_dir), "500"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [writer.communicate(timeout=900) for writer in writers]
    for writer, (_, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err
        assert "locked" not in err.lower()
    receipts = [
        line.split()[0] for out, _ in outputs for line in out.splitlines() if line != "ready"
    ]
    assert len(receipts) == len(set(receipts)) == 1000
    with sqlite3.connect(path) as conn:
        stored = {row[0] for row in conn.execute("SELECT receipt FROM intake")}
        seqs = [row[0] for row in conn.execute("SELECT seq FROM ledger_entry ORDER BY seq")]
    assert set(receipts) <= stored
    assert seqs == list(range(1, len(seqs) + 1))  # linear and complete
    reopened = type(ctx).open(ctx.db_url, ctx.keys_dir)
    try:
        with reopened.reading() as session:
            report = verify_all(session, reopened.keys_dir)
        assert report.ok, report.lines()
    finally:
        reopened.close()

"""An I/O error (EIO) during a commit, from a real disk (QUALITY.md reliability 2).

The disk-full case beside it (test_storage_faults.py) is SQLite's own SQLITE_FULL; here
the kernel itself refuses: ext4 on a loop device whose end is cut just past the
filesystem's metadata (tests/support/failing_disk.py), so the WAL's new blocks fail in
the block layer and ``fsync`` returns EIO.  The commit must be refused with a clear
message, and after the disk works again and the PC restarts (unmount, fsck, mount) the
database must hold nothing of it, the ledger must verify, the witness must not have
moved, and the chain must carry on.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.app import AppContext
from desktop.errors import UserError
from desktop.verification import verify_all
from tests.conftest import Clock, example_document, set_up_shop
from tests.support import failing_disk
from tests.support.intakes import commit_document

pytestmark = pytest.mark.skipif(
    failing_disk.missing() is not None, reason=str(failing_disk.missing())
)


def _counts(path: Path) -> tuple[int, int, int, int]:
    # closed, not only committed: an open file would keep the disk from unmounting
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return (
            conn.execute("SELECT count(*) FROM intake").fetchone()[0],
            conn.execute("SELECT count(*) FROM person").fetchone()[0],
            conn.execute("SELECT count(*) FROM ledger_entry").fetchone()[0],
            conn.execute("SELECT max(seq) FROM ledger_entry").fetchone()[0],
        )


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[failing_disk.FailingDisk]:
    made = failing_disk.FailingDisk(tmp_path)
    try:
        yield made
    finally:
        made.close()


def test_an_io_error_during_commit_keeps_nothing_and_the_chain_carries_on(disk, tmp_path, caplog):
    # the database on the disk that will fail; the keys and the trust folder elsewhere
    db = disk.mount / "data" / "shop.sqlite3"
    db.parent.mkdir()
    url = f"sqlite:///{db}"
    clock = Clock()
    ctx = AppContext.open(url, tmp_path / "keys", create=True, clock=clock)
    set_up_shop(ctx)
    first = commit_document(ctx, example_document())
    before = _counts(db)
    witnessed = ctx.trust.stations()["S01"].head
    assert witnessed is not None and witnessed.seq == before[3]
    for path in db.parent.iterdir():
        path.read_bytes()  # in the page cache: the commit fails on writing, not reading

    disk.fail()
    clock.advance(minutes=1)
    with pytest.raises(UserError) as refused:
        commit_document(ctx, example_document())
    assert "I/O error" in refused.value.en and "nothing was saved" in refused.value.en
    assert "I/O エラー" in refused.value.ja
    # SQLite's own SQLITE_IOERR, from the kernel's EIO (not a full disk, not read-only)
    assert "disk I/O error" in caplog.text
    # the witness is written only after a commit: it still names the old head
    assert ctx.trust.stations()["S01"].head == witnessed
    ctx.close()

    disk.heal_and_remount()
    assert _counts(db) == before  # not one row of the refused intake
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    reopened = AppContext.open(url, tmp_path / "keys", clock=clock)
    try:
        with reopened.reading() as session:
            report = verify_all(session, reopened.keys_dir)
        assert report.ok, report.lines()
        assert reopened.trust.stations()["S01"].head == witnessed
        # the disk works again: the next intake follows the last one kept
        clock.advance(minutes=1)
        second = commit_document(reopened, example_document())
        assert second.number != first.number
        assert second.seq == before[3] + 1  # straight after the head kept: no gap, no ghost
        after = _counts(db)
        assert after[0] == before[0] + 1 and after[3] == second.seq
        assert reopened.trust.stations()["S01"].head.seq == after[3]
        with reopened.reading() as session:
            report = verify_all(session, reopened.keys_dir)
        assert report.ok, report.lines()
    finally:
        reopened.close()

"""``verify`` with the stations walked in parallel processes gives the verdicts and the
messages of the walk in one process (issue 11), and shows its progress bar only on a
terminal.

Real processes (spawned, as on Windows) on a real SQLite file; the tamperings are the
corpus of tests/support/tamper.py, done with plain SQL as an attacker would.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from db.append_only import drop_append_only_guards
from desktop.app import AppContext
from desktop.verification import verify_all
from desktop.voiding import void_intake
from tests.conftest import MANAGER_PIN, Clock, example_document
from tests.integration.test_ledger_stream import add_station
from tests.support.intakes import commit_document
from tests.support.tamper import TAMPERINGS

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def two_counters(ctx: AppContext, clock: Clock) -> AppContext:
    """S01: set-up (#1-#3), three intakes (#4-#6), a void (#7); S02: two intakes (#2, #3).

    S02 stays below S01's seq 5, the corpus's target, so its plain-SQL edits by seq
    touch S01 only.
    """
    add_station(ctx, clock, "S02")
    for _ in range(3):
        commit_document(ctx, example_document(), "S01")
        clock.advance(minutes=7)
    for _ in range(2):
        commit_document(ctx, example_document(), "S02")
        clock.advance(minutes=5)
    ctx.authenticate("M01", MANAGER_PIN)
    with ctx.transaction() as session:
        void_intake(
            session,
            ctx.signer("S01"),
            receipt="S01-20261127-0002",
            reason="入力誤り",
            manager="M01",
            now=clock(),
        )
    return ctx


def _both(ctx: AppContext):
    with ctx.reading() as session:
        alone = verify_all(session, ctx.keys_dir, trust=ctx.trust, workers=1)
    with ctx.reading() as session:
        parallel = verify_all(session, ctx.keys_dir, trust=ctx.trust, workers=2)
    return alone, parallel


def test_an_untouched_chain_verifies_alike(two_counters):
    alone, parallel = _both(two_counters)
    assert alone.ok and parallel.ok
    assert parallel.lines() == alone.lines()
    assert [(s.station, s.entries) for s in parallel.stations] == [("S01", 7), ("S02", 3)]


@pytest.mark.parametrize("tampering", list(TAMPERINGS))
def test_each_tampering_gets_the_same_verdict_in_parallel(two_counters, tampering):
    station, seq = TAMPERINGS[tampering](two_counters.engine, 5)
    alone, parallel = _both(two_counters)
    assert not parallel.ok
    assert parallel.lines() == alone.lines()
    finding = parallel.stations[0].finding
    assert finding is not None and (finding.station, finding.seq) == (station, seq)
    assert parallel.stations[1].finding is None  # S02 untouched


def _s02_receipts(ctx: AppContext) -> list[str]:
    with ctx.engine.connect() as conn:
        return list(
            conn.execute(
                text("SELECT receipt FROM intake WHERE station = 'S02' ORDER BY seq")
            ).scalars()
        )


def test_a_person_edited_on_the_second_counter_is_found_alike(two_counters):
    first, _ = _s02_receipts(two_counters)
    with two_counters.engine.connect() as conn:
        data = json.loads(
            conn.execute(
                text("SELECT data FROM person WHERE receipt = :r"), {"r": first}
            ).scalar_one()
        )
        data["address"] = "大阪府大阪市北区1-1"
        conn.execute(
            text("UPDATE person SET data = :d WHERE receipt = :r"),
            {"d": json.dumps(data, ensure_ascii=False), "r": first},
        )
        conn.commit()
    alone, parallel = _both(two_counters)
    assert parallel.lines() == alone.lines()
    finding = parallel.stations[1].finding
    assert finding is not None
    assert finding.line() == f"S02#2: personal data of {first} was changed (digest mismatch)"


def test_an_intake_row_moved_out_of_its_place_is_looked_up_and_found_alike(two_counters):
    # The streamed rows miss it (its seq no longer matches its entry): the walk looks
    # it up by receipt, as before, and names the column.
    _, second = _s02_receipts(two_counters)
    with two_counters.engine.connect() as conn:
        drop_append_only_guards(conn, ["intake"])
        conn.execute(text("UPDATE intake SET seq = 99 WHERE receipt = :r"), {"r": second})
        conn.commit()
    alone, parallel = _both(two_counters)
    assert parallel.lines() == alone.lines()
    finding = parallel.stations[1].finding
    assert finding is not None
    assert finding.line() == f"S02#3: intake {second}: column seq differs from the signed entry"


def _verify_command(ctx: AppContext) -> list[str]:
    return [
        sys.executable,
        "-m",
        "desktop",
        "verify",
        "--db",
        ctx.db_url,
        "--keys",
        str(ctx.keys_dir),
    ]


def test_the_progress_bar_shows_on_a_terminal_only(two_counters):
    # On a terminal (a pty as stderr): the bar, then the line cleared for the verdicts.
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            _verify_command(two_counters),
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=follower,
            timeout=120,
            check=False,
        )
        os.close(follower)
        follower = -1
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal's other end is closed: all read
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    assert done.returncode == 0, seen
    terminal = seen.decode("utf-8")
    assert "verifying [" in terminal and "100%" in terminal
    assert "verifying" not in done.stdout.decode("utf-8")
    assert "S01: OK, 7 entries" in done.stdout.decode("utf-8")
    # On a pipe: no bar at all.
    piped = subprocess.run(
        _verify_command(two_counters), cwd=REPO, capture_output=True, timeout=120, check=False
    )
    assert piped.returncode == 0
    assert "verifying" not in piped.stderr.decode("utf-8")
    assert "\r" not in piped.stderr.decode("utf-8")


def test_a_frozen_bundle_walks_in_one_process(two_counters, monkeypatch):
    # A PyInstaller bundle's spawned child would start the program again (its entry
    # point does not call multiprocessing.freeze_support()): no pool there.
    def no_pool(*_args, **_kwargs):
        raise AssertionError("a process pool was started in a frozen bundle")

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr("desktop.verification.ProcessPoolExecutor", no_pool)
    with two_counters.reading() as session:
        report = verify_all(session, two_counters.keys_dir, trust=two_counters.trust, workers=2)
    assert report.ok
    monkeypatch.delattr(sys, "frozen")
    with pytest.raises(AssertionError, match="process pool"), two_counters.reading() as session:
        verify_all(session, two_counters.keys_dir, workers=2)


def test_on_postgresql_the_walks_in_parallel_agree(pg_url, tmp_path, clock):
    # The workers open the server with the caller's URL (password included) and walk
    # with server-side cursors; a person row edited on S02 is named alike.
    from tests.conftest import set_up_shop

    pg = AppContext.open(pg_url, tmp_path / "keys", create=True, clock=clock)
    try:
        set_up_shop(pg)
        add_station(pg, clock, "S02")
        for n in range(6):
            commit_document(pg, example_document(), ("S01", "S02")[n % 2])
            clock.advance(minutes=2)
        first = _s02_receipts(pg)[0]
        with pg.engine.begin() as conn:
            conn.execute(
                text(
                    "UPDATE person SET data = jsonb_set(data::jsonb, '{address}', "
                    "'\"大阪府大阪市北区1-1\"')::json WHERE receipt = :r"
                ),
                {"r": first},
            )
        alone, parallel = _both(pg)
        assert parallel.lines() == alone.lines()
        finding = parallel.stations[1].finding
        assert finding is not None
        assert finding.line() == f"S02#2: personal data of {first} was changed (digest mismatch)"
    finally:
        pg.close()

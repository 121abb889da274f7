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


# --- the person digest's shortcut, and its way back (desktop.verification) ----------


def _rewrite_person(ctx: AppContext, receipt: str, rewrite) -> None:
    with ctx.engine.connect() as conn:
        stored = conn.execute(
            text("SELECT data FROM person WHERE receipt = :r"), {"r": receipt}
        ).scalar_one()
        conn.execute(
            text("UPDATE person SET data = :d WHERE receipt = :r"),
            {"d": rewrite(stored), "r": receipt},
        )
        conn.commit()


@pytest.mark.parametrize(
    "form",
    [
        lambda data: json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
        lambda data: json.dumps(data, indent=2),
        lambda data: json.dumps({"signature": data.pop("signature"), **data}),
    ],
    ids=["canonical", "indented", "signature-first"],
)
def test_the_same_person_stored_in_another_form_still_verifies(two_counters, form):
    # Not the form commit writes, so the shortcut declines it: the data is decoded and
    # its canonical form hashed, as always, and the digest still matches.
    first, _ = _s02_receipts(two_counters)
    _rewrite_person(two_counters, first, lambda stored: form(json.loads(stored)))
    alone, parallel = _both(two_counters)
    assert alone.ok and parallel.ok, alone.lines()
    assert parallel.lines() == alone.lines()


def test_a_stroke_edited_in_the_stored_text_is_caught(two_counters):
    # The form commit writes, one point of the signature moved: the shortcut's digest
    # does not match, and the full decoding names the entry as before.
    first, _ = _s02_receipts(two_counters)

    def move_a_point(stored: str) -> str:
        data = json.loads(stored)
        data["signature"][0][0][0] += 1
        return json.dumps(data)

    _rewrite_person(two_counters, first, move_a_point)
    alone, parallel = _both(two_counters)
    assert parallel.lines() == alone.lines()
    finding = parallel.stations[1].finding
    assert finding is not None
    assert finding.line() == f"S02#2: personal data of {first} was changed (digest mismatch)"


def test_a_changed_search_name_is_caught(two_counters):
    # The data untouched (the shortcut's digest matches), the name column not: named.
    _, second = _s02_receipts(two_counters)
    with two_counters.engine.connect() as conn:
        conn.execute(text("UPDATE person SET name = '別人 花子' WHERE receipt = :r"), {"r": second})
        conn.commit()
    alone, parallel = _both(two_counters)
    assert parallel.lines() == alone.lines()
    finding = parallel.stations[1].finding
    assert finding is not None
    assert finding.line() == (
        f"S02#3: personal data of {second}: the search name differs from the record"
    )


# --- the other stations' heads, collected by the walks --------------------------------


def _cut_s01_after(ctx: AppContext, seq: int) -> None:
    with ctx.engine.connect() as conn:
        drop_append_only_guards(conn, ["ledger_entry"])
        conn.execute(
            text("DELETE FROM ledger_entry WHERE station = 'S01' AND seq > :s"), {"s": seq}
        )
        conn.commit()


def test_a_cut_tail_is_named_by_the_first_entry_that_saw_it(two_counters):
    # S02#2 and S02#3 both saw S01 at #6: the first written is named.
    _cut_s01_after(two_counters, 5)
    with two_counters.reading() as session:
        report = verify_all(session, two_counters.keys_dir)  # no witness: the other chain
    alone, parallel = _both(two_counters)
    assert parallel.lines() == alone.lines()
    expected = "S01: entries up to #6 are missing (station S02#2 saw the chain at #6)"
    assert expected in report.trust_findings
    assert f"NG {expected}" in parallel.lines()


def test_a_chain_that_stops_early_still_testifies_with_its_later_entries(two_counters):
    # S02#2 no longer names S01's head (its body edited: S02's walk stops there); S02#3,
    # after the bad entry, still saw S01 at #6, and is read as before.
    _cut_s01_after(two_counters, 5)
    with two_counters.engine.connect() as conn:
        drop_append_only_guards(conn, ["ledger_entry"])
        body = json.loads(
            conn.execute(
                text("SELECT body FROM ledger_entry WHERE station = 'S02' AND seq = 2")
            ).scalar_one()
        )
        del body["heads"]
        conn.execute(
            text("UPDATE ledger_entry SET body = :b WHERE station = 'S02' AND seq = 2"),
            {"b": json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))},
        )
        conn.commit()
    with two_counters.reading() as session:
        report = verify_all(session, two_counters.keys_dir)
    assert report.stations[1].finding is not None
    assert report.stations[1].finding.seq == 2
    assert "S01: entries up to #6 are missing (station S02#3 saw the chain at #6)" in (
        report.trust_findings
    )
    alone, parallel = _both(two_counters)
    assert parallel.lines() == alone.lines()

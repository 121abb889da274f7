"""The shop chain on a real PostgreSQL server (ARCHITECTURE.md "Storage", "The ledger").

Every test gets a fresh database of its own (``pg_url`` in tests/integration/conftest.py)
on the throw-away server that ./test starts.  Covered here:

1. the Alembic migrations: upgrade on an empty database, downgrade to base and up again,
   and the migrated schema equals the models (``compare_metadata`` finds nothing);
2. the append-only triggers refuse UPDATE and DELETE on ``ledger_entry`` and ``intake``;
3. a shop on PostgreSQL: commit, refuse, verify, and a tampered body named by ``verify``;
4. QUALITY.md reliability check 4: several counters on one server, four processes each
   writing its own station plus a fifth writing S01 alongside the first.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import time
import uuid
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from db import migrate
from db.append_only import APPEND_ONLY_MESSAGE
from db.engine import make_engine
from db.models import Base, Intake, LedgerEntry
from desktop import ledger
from desktop.app import AppContext
from desktop.intake import receipt_number
from desktop.setup import ShopDetails, initialise
from desktop.verification import VerifyReport, verify_all
from tests.conftest import MANAGER_PIN, Clock, example_document, set_up_shop
from tests.support.intakes import commit_document
from tests.support.tamper import truncate_tail

pytestmark = [pytest.mark.postgres]

REPO = Path(__file__).resolve().parents[2]
APP_TABLES = {
    "shop",
    "station",
    "clerk",
    "ledger_entry",
    "intake",
    "person",
    "slip",
    "person_name_token",
}
APPEND_ONLY_TABLES = ("ledger_entry", "intake")
SHOP_NAME = "リボーク質店 千代田店"


# ---------------------------------------------------------------------------
# Helpers


@pytest.fixture
def engine(pg_url: str) -> Iterator[Engine]:
    eng = make_engine(pg_url)
    yield eng
    eng.dispose()


@pytest.fixture
def shop(pg_url: str, tmp_path: Path, clock: Clock) -> Iterator[AppContext]:
    """A shop on PostgreSQL: station S01, manager M01, clerk C01, the test clock."""
    ctx = AppContext.open(pg_url, tmp_path / "keys", clock=clock)
    set_up_shop(ctx)
    yield ctx
    ctx.close()


def alembic_run(engine: Engine, action: Callable[[Config, str], None], revision: str) -> None:
    """Run an Alembic command the way db/migrate.py does (no alembic.ini)."""
    config = Config()
    config.set_main_option("script_location", str(migrate.MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        action(config, revision)


def guards(engine: Engine) -> set[tuple[str, str]]:
    """(table, trigger) of every enabled user trigger."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.relname, t.tgname FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND t.tgenabled <> 'D'"
            )
        )
        return {(row[0], row[1]) for row in rows}


def refuse_function_exists(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(
            conn.execute(
                text("SELECT count(*) FROM pg_proc WHERE proname = 'revoke_desk_refuse_change'")
            ).scalar_one()
        )


def add_station(ctx: AppContext, station: str) -> None:
    """A further counter joins the shop: the shop and manager M01 already exist."""
    with ctx.transaction() as session:
        initialise(
            session,
            keys_dir=ctx.keys_dir,
            shop=ShopDetails(name=SHOP_NAME),
            station=station,
            manager_code="M01",
            manager_name="",
            manager_pin=MANAGER_PIN,
            now=ctx.clock(),
        )


def chain_seqs(engine: Engine) -> dict[str, list[int]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(LedgerEntry.station, LedgerEntry.seq).order_by(
                LedgerEntry.station, LedgerEntry.seq
            )
        )
        out: dict[str, list[int]] = defaultdict(list)
        for station, seq in rows:
            out[station].append(seq)
        return dict(out)


def verify(ctx: AppContext) -> tuple[VerifyReport, list[str]]:
    """``verify_all`` in a read transaction, and any ResourceWarning it left behind."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        with ctx.reading() as session:
            report = verify_all(session, ctx.keys_dir)
        gc.collect()
    return report, [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]


# ---------------------------------------------------------------------------
# 1. Migrations


def test_upgrade_creates_the_tables_on_an_empty_database(engine):
    assert inspect(engine).get_table_names() == []
    assert migrate.current_revision(engine) is None

    migrate.upgrade(engine)

    assert set(inspect(engine).get_table_names()) == APP_TABLES | {"alembic_version"}
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert guards(engine) == {
        (table, f"{table}_{kind}")
        for table in APPEND_ONLY_TABLES
        for kind in ("append_only", "no_truncate")
    }
    migrate.upgrade(engine)  # at head already: a no-op
    assert migrate.current_revision(engine) == migrate.head_revision()


def test_downgrade_to_base_and_upgrade_again(engine):
    migrate.upgrade(engine)

    alembic_run(engine, command.downgrade, "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    assert migrate.current_revision(engine) is None
    assert guards(engine) == set()
    assert not refuse_function_exists(engine)

    migrate.upgrade(engine)
    assert set(inspect(engine).get_table_names()) == APP_TABLES | {"alembic_version"}
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert guards(engine) == {
        (table, f"{table}_{kind}")
        for table in APPEND_ONLY_TABLES
        for kind in ("append_only", "no_truncate")
    }
    assert refuse_function_exists(engine)


def test_migrated_schema_matches_the_models(engine):
    migrate.upgrade(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_the_name_token_revision_cuts_tokens_for_the_people_already_there(pg_url, tmp_path, clock):
    """A shop at schema 0002 with people in it upgrades to 0003: every person searchable."""
    from desktop.history import HistoryQuery, search
    from desktop.name_tokens import name_tokens

    engine = make_engine(pg_url)
    try:
        migrate.upgrade(engine, "0002")
    finally:
        engine.dispose()
    # The shop and its intakes as 0002 stored them: made at head, then the tokens dropped.
    ctx = AppContext.open(pg_url, tmp_path / "keys", clock=clock)
    try:
        set_up_shop(ctx)
        made = {}
        for name, kana in (("佐々木 健", "ササキ ケン"), ("田中 美咲", "タナカ ミサキ")):
            document = example_document()
            document["seller"].update(name=name, kana=kana)
            made[name] = commit_document(ctx, document, "S01").number
            clock.advance(minutes=5)
    finally:
        ctx.close()
    engine = make_engine(pg_url)
    try:
        migrate.downgrade(engine, "0002")
        assert "person_name_token" not in inspect(engine).get_table_names()
        migrate.upgrade(engine)
        with engine.connect() as conn:
            tokens = conn.execute(
                text("SELECT receipt, token FROM person_name_token ORDER BY receipt, token")
            ).all()
    finally:
        engine.dispose()
    assert [t for r, t in tokens if r == made["佐々木 健"]] == name_tokens(
        "佐々木 健", "ササキ ケン"
    )
    ctx = AppContext.open(pg_url, tmp_path / "keys", clock=clock)
    try:
        with ctx.reading() as session:
            for typed, name in (
                ("ささき", "佐々木 健"),
                ("田中美咲", "田中 美咲"),
                ("ケン", "佐々木 健"),
            ):
                rows = search(session, HistoryQuery(text=typed))
                assert [row.receipt for row in rows] == [made[name]], typed
            assert search(session, HistoryQuery(text="小泉")) == []
    finally:
        ctx.close()


@pytest.fixture
def japanese_collated_url(pg_server: Engine) -> Iterator[str]:
    """A database whose default collation is ICU's Japanese, as a shop's server may have."""
    name = f"revoke_desk_test_ja_{uuid.uuid4().hex}"
    with pg_server.connect() as conn:
        conn.execute(
            text(
                f"CREATE DATABASE \"{name}\" LOCALE_PROVIDER icu ICU_LOCALE 'ja-JP' "
                "LOCALE 'C.UTF-8' TEMPLATE template0"
            )
        )
    try:
        yield make_url(pg_server.url).set(database=name).render_as_string(hide_password=False)
    finally:
        with pg_server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_the_token_range_is_code_point_order_whatever_the_database_collation(
    japanese_collated_url, tmp_path, clock
):
    """Japanese collation sorts 「カトウ」 after 「ガ」 (voicing weighs less than the letters
    after it), which would empty the range カ ≤ token < ガ; the token column's "C" does not."""
    from desktop.history import HistoryQuery, search

    ctx = AppContext.open(japanese_collated_url, tmp_path / "keys", clock=clock)
    try:
        with ctx.engine.connect() as conn:
            assert conn.execute(text("SELECT 'カトウ' > 'ガ'")).scalar_one()  # the trap is set
        set_up_shop(ctx)
        made = {}
        for name, kana in (("加藤 一", "カトウ ハジメ"), ("我妻 一", "ガツマ ハジメ")):
            document = example_document()
            document["seller"].update(name=name, kana=kana)
            made[kana] = commit_document(ctx, document, "S01").number
            clock.advance(minutes=5)
        with ctx.reading() as session:
            for typed, kana in (("カ", "カトウ ハジメ"), ("が", "ガツマ ハジメ")):
                assert [r.receipt for r in search(session, HistoryQuery(text=typed))] == [
                    made[kana]
                ], typed
            assert len(search(session, HistoryQuery(text="ハジメ"))) == 2
    finally:
        ctx.close()


# ---------------------------------------------------------------------------
# 2. Append-only triggers


def _snapshot(engine: Engine, table: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY 1"))]


@pytest.mark.parametrize(
    ("table", "statement"),
    [
        ("ledger_entry", "UPDATE ledger_entry SET body = '{}' WHERE subject = :receipt"),
        ("ledger_entry", "UPDATE ledger_entry SET kind = 'void'"),
        ("ledger_entry", "DELETE FROM ledger_entry WHERE subject = :receipt"),
        ("ledger_entry", "DELETE FROM ledger_entry"),
        ("intake", "UPDATE intake SET price_yen = 1 WHERE receipt = :receipt"),
        ("intake", "DELETE FROM intake WHERE receipt = :receipt"),
        ("ledger_entry", "TRUNCATE ledger_entry"),
        ("intake", "TRUNCATE intake CASCADE"),
    ],
)
def test_triggers_refuse_update_and_delete(shop, table, statement):
    receipt = commit_document(shop, example_document(), "S01").number
    engine = shop.engine
    before = _snapshot(engine, table)
    assert before

    with pytest.raises(DBAPIError) as raised, engine.begin() as conn:
        conn.execute(text(statement), {"receipt": receipt})

    assert f"{table}: {APPEND_ONLY_MESSAGE}" in str(raised.value.orig)
    assert getattr(raised.value.orig, "sqlstate", None) == "P0001"  # RAISE EXCEPTION
    assert _snapshot(engine, table) == before


def test_triggers_refuse_an_orm_edit(shop):
    receipt = commit_document(shop, example_document(), "S01")
    before = _snapshot(shop.engine, "intake"), _snapshot(shop.engine, "ledger_entry")

    with Session(shop.engine) as session:
        intake = session.get(Intake, receipt.number)
        assert intake is not None
        intake.price_yen = 1
        with pytest.raises(DBAPIError, match="intake: append-only table"):
            session.commit()
    with Session(shop.engine) as session:
        entry = session.scalars(
            select(LedgerEntry).where(LedgerEntry.subject == receipt.number)
        ).one()
        session.delete(entry)
        with pytest.raises(DBAPIError, match="ledger_entry: append-only table"):
            session.commit()

    assert (_snapshot(shop.engine, "intake"), _snapshot(shop.engine, "ledger_entry")) == before


# ---------------------------------------------------------------------------
# 3. A shop on PostgreSQL


def test_shop_commits_refuses_and_verifies(shop, pg_url, tmp_path, clock):
    accepted = commit_document(shop, example_document(), "S01")
    assert accepted.line() == "S01-20261127-0001 accepted"

    staff = example_document()
    staff["revocation"]["performed_by"] = "staff"
    refused = commit_document(shop, staff, "S01")
    assert refused.line() == "S01-20261127-0002 refused:performed_by_other"

    # A second counter on the same server, with its own chain and its own numbering.
    add_station(shop, "S02")
    other = AppContext.open(pg_url, tmp_path / "keys", clock=clock)
    try:
        line = commit_document(other, example_document(), "S02").line()
        assert line == "S02-20261127-0001 accepted"
    finally:
        other.close()

    report, _ = verify(shop)
    assert report.ok, report.lines()
    # S01: station_created, clerk_added M01, clerk_added C01, two intakes.
    assert {s.station: s.entries for s in report.stations} == {"S01": 5, "S02": 2}


def tamper_with_a_body(shop: AppContext, clock: Clock) -> int:
    """Three intakes on S01 and a second station; edit the middle intake's body. Its seq."""
    commit_document(shop, example_document(), "S01")
    clock.advance(minutes=5)
    target = commit_document(shop, example_document(), "S01")
    clock.advance(minutes=5)
    commit_document(shop, example_document(), "S01")
    add_station(shop, "S02")

    with shop.engine.begin() as conn:
        conn.execute(text("ALTER TABLE ledger_entry DISABLE TRIGGER USER"))
        changed = conn.execute(
            text(
                "UPDATE ledger_entry SET body = replace(body, :old, :new) "
                "WHERE station = 'S01' AND seq = :seq"
            ),
            {"old": '"price_yen":12000', "new": '"price_yen":1200', "seq": target.seq},
        )
        assert changed.rowcount == 1
        conn.execute(text("ALTER TABLE ledger_entry ENABLE TRIGGER USER"))
    return target.seq


def test_tampered_body_is_named_by_verify(shop, clock):
    seq = tamper_with_a_body(shop, clock)

    report, _ = verify(shop)

    assert not report.ok
    findings = {s.station: s.finding for s in report.stations}
    assert findings["S02"] is None
    bad = findings["S01"]
    assert bad is not None
    assert (bad.station, bad.seq) == ("S01", seq)
    assert "entry_hash does not match the body" in bad.message
    assert any(line.startswith(f"S01#{seq}: ") for line in report.lines())
    # The guard is back on.
    assert ("ledger_entry", "ledger_entry_append_only") in guards(shop.engine)
    with pytest.raises(DBAPIError, match="append-only table"), shop.engine.begin() as conn:
        conn.execute(text("DELETE FROM ledger_entry WHERE station = 'S01'"))


# Second core bug (reported; desktop/ledger.py is not this file's to fix).
# verify stops at the first bad entry; on PostgreSQL its server-side cursor must be
# closed then, or psycopg warns (an error under filterwarnings) in some later test.
def test_verify_closes_its_cursor_when_it_stops_early(shop, clock):
    tamper_with_a_body(shop, clock)

    report, leaked = verify(shop)

    assert not report.ok
    assert leaked == []


# ---------------------------------------------------------------------------
# 4. Several counters on one server (QUALITY.md reliability check 4)

# QUALITY.md asks for four processes x 250 commits, and that target is used: on a 2-CPU
# machine the five writers' 1,250 commits took 10-19 s and the whole test 18-26 s, well
# inside the ~60 s budget below which the full count is kept (60 was the fallback).
COMMITS_PER_PROCESS = 250
STATIONS = ("S01", "S02", "S03", "S04")
WORKER_TIMEOUT_S = 600

# One writer: opens the shop as a counter does, waits for the go line on stdin so that
# every writer starts at once, commits as fast as it can, and reports every receipt and
# every error (with its traceback) as one JSON line.
WORKER = """
import json, sys, time, traceback
from pathlib import Path
from desktop.app import AppContext
from tests.conftest import example_document
from tests.support.intakes import commit_document

url, keys_dir, station, count = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
ctx = AppContext.open(url, keys_dir)
ctx.signer(station)  # the key matches the registered certificate
print("ready", flush=True)
sys.stdin.readline()
receipts, errors = [], []
started = time.perf_counter()
for index in range(count):
    document = example_document()
    if index % 3 == 2:  # both outcomes in flight, as at a real counter
        document["revocation"]["performed_by"] = "staff"
    try:
        receipts.append(commit_document(ctx, document, station).line())
    except Exception:
        errors.append(traceback.format_exc())
elapsed = time.perf_counter() - started
ctx.close()
print(json.dumps({"station": station, "receipts": receipts, "errors": errors,
                  "elapsed": elapsed}), flush=True)
"""


def test_four_counters_and_two_writers_on_one_chain(pg_url, tmp_path):
    keys_dir = tmp_path / "keys"
    ctx = AppContext.open(pg_url, keys_dir)  # the real clock, as at the counter
    try:
        set_up_shop(ctx, "S01")
        for station in STATIONS[1:]:
            add_station(ctx, station)
    finally:
        ctx.close()

    # S01 gets two writers (two processes on one chain); S02..S04 one each.
    writers = [*STATIONS, "S01"]
    processes = []
    for index, station in enumerate(writers):
        stderr = (tmp_path / f"writer{index}-{station}.stderr").open("w", encoding="utf-8")
        processes.append(
            (
                subprocess.Popen(
                    [
                        sys.executable,
                        "-c",
                        WORKER,
                        pg_url,
                        str(keys_dir),
                        station,
                        str(COMMITS_PER_PROCESS),
                    ],
                    cwd=REPO,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=stderr,
                    text=True,
                ),
                stderr,
            )
        )
    results: list[dict[str, Any]] = []
    try:
        for process, stderr in processes:
            assert process.stdout is not None
            if process.stdout.readline().strip() != "ready":
                process.wait(timeout=WORKER_TIMEOUT_S)
                stderr.flush()
                pytest.fail(f"a writer did not start:\n{Path(stderr.name).read_text()}")
        started = time.perf_counter()
        for process, _ in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        for process, stderr in processes:
            out, _ = process.communicate(timeout=WORKER_TIMEOUT_S)
            stderr.close()
            errors = Path(stderr.name).read_text(encoding="utf-8")
            assert process.returncode == 0, errors
            assert errors == "", errors
            results.append(json.loads(out.strip().splitlines()[-1]))
        wall = time.perf_counter() - started
    finally:
        for process, stderr in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
            stderr.close()

    # No writer saw an error, and each got every receipt it asked for.
    for result in results:
        assert result["errors"] == [], "\n".join(result["errors"])
        outcomes = [line.split()[1] for line in result["receipts"]]
        assert outcomes == [
            "refused:performed_by_other" if index % 3 == 2 else "accepted"
            for index in range(COMMITS_PER_PROCESS)
        ]
    printed = [line.split()[0] for result in results for line in result["receipts"]]
    assert len(printed) == len(set(printed)) == len(writers) * COMMITS_PER_PROCESS

    engine = make_engine(pg_url)
    try:
        # Every chain linear and complete: seq 1..n with no gap or duplicate.
        set_up_entries = {"S01": 3, "S02": 1, "S03": 1, "S04": 1}
        expected = {
            station: set_up_entries[station] + writers.count(station) * COMMITS_PER_PROCESS
            for station in STATIONS
        }
        seqs = chain_seqs(engine)
        assert {s: len(v) for s, v in seqs.items()} == expected
        for station, found in seqs.items():
            assert found == list(range(1, expected[station] + 1)), station

        # Every receipt in the database was printed by a writer, and the numbering per
        # station and business day runs 1..k with no gap or duplicate.
        with engine.connect() as conn:
            rows = conn.execute(
                select(
                    Intake.receipt, Intake.station, Intake.business_day, Intake.day_number
                ).order_by(Intake.station, Intake.business_day, Intake.day_number)
            ).all()
        assert sorted(row.receipt for row in rows) == sorted(printed)
        by_day: dict[tuple[str, Any], list[int]] = defaultdict(list)
        for row in rows:
            assert row.receipt == receipt_number(row.station, row.business_day, row.day_number)
            by_day[(row.station, row.business_day)].append(row.day_number)
        for key, numbers in by_day.items():
            assert numbers == list(range(1, len(numbers) + 1)), key

        # The two S01 writers really did interleave on one chain.
        s01 = [r for r in results if r["station"] == "S01"]
        first, second = ({int(line.split()[0][-4:]) for line in r["receipts"]} for r in s01)
        assert min(first) < max(second), "the two S01 writers did not overlap"
        assert min(second) < max(first), "the two S01 writers did not overlap"

        report, _ = verify(AppContext(pg_url, keys_dir, engine))
        assert report.ok, report.lines()
        assert {s.station: s.entries for s in report.stations} == expected
    finally:
        engine.dispose()

    commits = len(writers) * COMMITS_PER_PROCESS
    print(
        f"\n{commits} commits by {len(writers)} processes in {wall:.1f} s "
        f"({commits / wall:.0f}/s); per writer: "
        + ", ".join(f"{r['station']} {r['elapsed']:.1f} s" for r in results)
    )


def test_cutting_one_stations_tail_is_caught_by_the_others(shop, pg_url, tmp_path, clock):
    """Cross-witnessing: S02's entries name S01's head, so S01's cut tail shows (issue 10)."""
    for _ in range(3):
        commit_document(shop, example_document(), "S01")
    add_station(shop, "S02")
    commit_document(shop, example_document(), "S02")  # S02 now witnesses S01's head
    with shop.reading() as session:
        s01_head = ledger.chain_head(session, "S01").seq
        s02_body = json.loads(
            session.scalars(
                select(LedgerEntry.body)
                .where(LedgerEntry.station == "S02")
                .order_by(LedgerEntry.seq.desc())
            ).first()
        )
    assert s02_body["heads"]["S01"][0] == s01_head
    engine = create_engine(pg_url)
    try:
        truncate_tail(engine, 1, "S01")
    finally:
        engine.dispose()
    with shop.reading() as session:
        report = verify_all(session, shop.keys_dir)  # no witness file: the other chain convicts
    assert not report.ok
    assert any(f"S01: entries up to #{s01_head} are missing" in f for f in report.trust_findings)

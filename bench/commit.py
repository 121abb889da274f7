"""Commit one intake vs a bare ``sqlite3`` insert + commit of the same bytes.

Subject: one ``commit_intake`` in its own transaction, as the command line and the
GUI run it (validate the document, apply the policy, digest the personal data,
chain, sign, insert three rows, commit with ``synchronous=FULL``), through
``AppContext.transaction()`` on a SQLite file made by ``AppContext.open``.

Floor: a plain ``sqlite3`` connection to a second file in the same folder, set up
with the same pragmas (``db.engine.SQLITE_PRAGMAS``), inserting the canonical body
bytes of the latest committed ledger entry into a one-table schema between
``BEGIN IMMEDIATE`` and ``COMMIT``.  In a round where the floor goes first, that is
the previous round's entry: the same document, so the same length to a byte or two.

``commit_cpu`` (issue 11) runs both sides with ``synchronous=OFF`` and times each
step's CPU (``time.thread_time_ns``: the thread's user and system time, so SQLite's work
counts and waiting for a disk does not).  Its floor is not the bare insert but the same
commit hand-written on a plain ``sqlite3`` connection into a second shop of the same
schema (``bench.commit_by_hand``): the ratio is what SQLAlchemy and the witness file
cost over the least a program doing the same work could.
"""

from __future__ import annotations

import copy
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event, select

from bench.commit_by_hand import HandWrittenCommit
from bench.common import Result, interleave
from db.engine import BUSY_TIMEOUT_MS, SQLITE_PRAGMAS
from db.models import LedgerEntry
from desktop.app import AppContext
from desktop.clerks import Role, add_clerk
from desktop.intake import Receipt, commit_intake
from desktop.rules import validate_intake
from desktop.setup import ShopDetails, initialise

DEFAULT_ROUNDS = 500
WARMUP_ROUNDS = 10

STATION = "S01"
CLERK = "C01"
# 2026-11-27 10:00 in Tokyo; every call of the clock moves it on by one second.
START = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)

# An ordinary accepted trade-in, as the GUI's intake wizard hands it over
# (the shape of ARCHITECTURE.md's intake document).
DOCUMENT: dict[str, Any] = {
    "purpose": "trade_in",
    "price_yen": 12000,
    "clerk": CLERK,
    "seller": {
        "name": "山田 太郎",
        "kana": "ヤマダ タロウ",
        "address": "東京都千代田区千代田1-1",
        "occupation": "会社員",
        "birth_date": "1985-04-01",
        "id_document": {"type": "drivers_license", "number": "123456789012"},
    },
    "device": {
        "os": "android",
        "maker": "Google",
        "model": "Pixel 8",
        "color": "黒",
        "storage_gb": 128,
        "imei": ["356938035643809"],
        "serial": "",
        "network_restriction": "ok",
    },
    "reset_checks": {
        "factory_reset": True,
        "account_removed": True,
        "sim_removed": True,
        "sd_removed": True,
        "felica_cleared": True,
    },
    "revocation": {
        "certificate_used": "yes",
        "path": "app_revoked",
        "performed_by": "self",
        "holder_is_seller": True,
    },
    "clerk_did_not_assist": True,
    "statement": {"language": "ja"},
    "signature": {"strokes": [[[12, 40, 0], [30, 42, 16], [55, 47, 33]]]},
}

FLOOR_SCHEMA = "CREATE TABLE entry (id INTEGER PRIMARY KEY, body BLOB NOT NULL)"


class SteppingClock:
    """A clock that moves on by one second each time it is read."""

    def __init__(self, start: datetime = START) -> None:
        self._next = start

    def __call__(self) -> datetime:
        now = self._next
        self._next += timedelta(seconds=1)
        return now


def set_up_shop(ctx: AppContext) -> None:
    """A shop with station S01, a manager and one clerk (outside any timing)."""
    with ctx.transaction() as session:
        signer = initialise(
            session,
            keys_dir=ctx.keys_dir,
            shop=ShopDetails(name="ベンチ質店", address="東京都千代田区丸の内1-1-1"),
            station=STATION,
            manager_code="M01",
            manager_name="店長 一郎",
            manager_pin="246813",
            now=ctx.clock(),
        )
        add_clerk(
            session,
            signer,
            code=CLERK,
            name="佐藤 花子",
            role=Role.CLERK,
            pin="5678",
            now=ctx.clock(),
            added_by="M01",
        )


def open_bench_shop(directory: Path) -> AppContext:
    """A fresh shop in ``directory`` with station S01, its manager and one clerk."""
    ctx = AppContext.open(
        f"sqlite:///{directory / 'shop.sqlite3'}",
        directory / "keys",
        create=True,
        clock=SteppingClock(),
    )
    set_up_shop(ctx)
    return ctx


def _synchronous_off(dbapi_connection: Any, record: Any) -> None:
    del record
    dbapi_connection.execute("PRAGMA synchronous=OFF")


class CommitBench:
    """The two steps of one round, and the state the floor borrows from the subject.

    ``cpu``: both sides with ``synchronous=OFF`` (no fsync at commit), so that the
    figures are the CPU each spends, not the disk's latency (``commit_cpu``).
    """

    def __init__(self, directory: Path, *, cpu: bool = False) -> None:
        self.cpu = cpu
        self.ctx = open_bench_shop(directory)
        self.by_hand: HandWrittenCommit | None = None
        if cpu:
            # The hand-written floor's own shop: the same set-up, then only sqlite3.
            (directory / "by-hand").mkdir()
            other = open_bench_shop(directory / "by-hand")
            self.by_hand = HandWrittenCommit(
                directory / "by-hand" / "shop.sqlite3",
                signer=other.signer(STATION),
                catalogue=other.catalogue(),
                timezone=other.shop_profile().timezone,
                synchronous_off=True,
            )
            self.hand_clock = SteppingClock()
            other.close()
        if cpu:
            # After db.engine's own connect hook (which sets FULL), on fresh connections.
            event.listen(self.ctx.engine, "connect", _synchronous_off)
            self.ctx.engine.dispose()
        # Held for the life of the window, as the GUI holds them.
        self.catalogue = self.ctx.catalogue()
        self.signer = self.ctx.signer(STATION)
        # Connected as db.engine connects: the same busy timeout, no implicit BEGIN.
        self.floor_db = sqlite3.connect(
            directory / "floor.sqlite3", timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
        )
        for pragma in SQLITE_PRAGMAS:
            self.floor_db.execute(pragma)
        if cpu:
            self.floor_db.execute("PRAGMA synchronous=OFF")
        self.floor_db.execute(FLOOR_SCHEMA)
        self.document: dict[str, Any] = {}
        self.body = b""

    def close(self) -> None:
        if self.by_hand is not None:
            self.by_hand.close()
        self.floor_db.close()
        self.ctx.close()

    def commit_once(self) -> Receipt:
        ctx = self.ctx
        timezone = ctx.shop_profile().timezone  # read once per context, as the CLI and GUI do
        now = ctx.clock()
        draft = validate_intake(
            self.document,
            today=now.astimezone(ZoneInfo(timezone)).date(),
            catalogue=self.catalogue,
        )
        with ctx.transaction() as session:
            return commit_intake(
                session,
                draft,
                signer=self.signer,
                catalogue=self.catalogue,
                shop_timezone=timezone,
                now=now,
            )

    def _clock_ns(self) -> int:
        return time.thread_time_ns() if self.cpu else time.perf_counter_ns()

    def subject(self) -> int:
        self.document = copy.deepcopy(DOCUMENT)
        start = self._clock_ns()
        receipt = self.commit_once()
        elapsed = self._clock_ns() - start
        with self.ctx.reading() as session:
            body = session.execute(
                select(LedgerEntry.body).where(
                    LedgerEntry.station == receipt.station, LedgerEntry.seq == receipt.seq
                )
            ).scalar_one()
        self.body = body.encode("utf-8")
        return elapsed

    def floor(self) -> int:
        if self.by_hand is not None:
            return self.hand_written()
        body = self.body
        db = self.floor_db
        start = time.perf_counter_ns()
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO entry (body) VALUES (?)", (body,))
        db.execute("COMMIT")
        return time.perf_counter_ns() - start

    def hand_written(self) -> int:
        """The ``commit_cpu`` floor: the same commit without SQLAlchemy (its CPU)."""
        assert self.by_hand is not None
        document = copy.deepcopy(DOCUMENT)
        now = self.hand_clock()
        start = time.thread_time_ns()
        self.by_hand.commit(document, now)
        return time.thread_time_ns() - start


def run(*, rounds: int, directory: Path, warmup: int = WARMUP_ROUNDS, cpu: bool = False) -> Result:
    bench = CommitBench(directory, cpu=cpu)
    try:
        bench.subject()  # a committed entry exists before the first floor runs
        return interleave(bench.subject, bench.floor, rounds=rounds, warmup=warmup)
    finally:
        bench.close()

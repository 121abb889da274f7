"""Day close of a 1,000-intake day in a database of many days vs writing its rows with csv.writer.

The database (built once through the project's own commit path and cached, see
:func:`cached_shop`): ``DAYS`` business days of ``INTAKES`` intakes each at station
``S01`` — 30 × 1,000 = 30,000 chained, signed intakes by default, each with a signature
of 240 points — none of them closed yet, so the close of the last day is the shop's
*first* close: the worst case for the "late entries since the last close" scan, which
must not read the other 29 days.  Build it ``nice``d: about 3 s a day on a quiet
machine, a minute a day on a loaded one.

Subject: ``desktop.exports.close_day_exports`` (read the day, render the signed day report,
the CSV and the XLSX, append the signed ``day_closed`` entry) and
``desktop.export_folder.export_day`` (write the folder with its signed manifest), in one
transaction that is then rolled back, so that every round closes the same day.  The
rollback skips the one commit's fsync; everything else a manager waits for is timed.

Floor: the same 1,000 rows (the export's cells, prepared before the timing) written
with ``csv.writer`` to a file — the least any export of that day costs.

``REVOKE_DESK_BENCH_CLOSE_DAYS`` sets the number of days (1 = the day alone, to see
that the close does not grow with the database); ``REVOKE_DESK_BENCH_CACHE`` the cache
folder (default: the system's temporary folder — the cache is only read, and the
timed part writes to the bench's own folder).
"""

from __future__ import annotations

import csv
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.commit import DOCUMENT, STATION, set_up_shop
from bench.common import Result, interleave
from db.migrate import SCHEMA_HEAD
from desktop.app import AppContext
from desktop.export_folder import export_day
from desktop.exports import close_day_exports, export_rows
from desktop.intake import commit_intake
from desktop.rules import validate_intake
from reports.day_export import HEADERS

DEFAULT_ROUNDS = 10
WARMUP_ROUNDS = 1
INTAKES = 1000  # per day
DAYS = int(os.environ.get("REVOKE_DESK_BENCH_CLOSE_DAYS", "30"))
DAY = date(2026, 11, 27)  # the day closed: the last of the DAYS
BUILDER_VERSION = 2  # bump when the generated rows change, so old caches are rebuilt
# A signature as the pad records one: 4 strokes of 60 points (x, y, ms), not the three
# points of bench.commit's document, so that personal data weighs what it does in a shop.
SIGNATURE = {
    "strokes": [
        [[20 + 4 * i + 30 * s, 40 + (i * 7 + s * 13) % 35, 16 * i] for i in range(60)]
        for s in range(4)
    ]
}


class _Rollback(Exception):
    """Raised to leave the transaction without committing the close."""


class _Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def opening(day: date) -> datetime:
    """09:00 in Tokyo on ``day``; a day's intakes spread over the next eleven hours."""
    return datetime(day.year, day.month, day.day, 0, 0, tzinfo=UTC)


def build(folder: Path, days: int) -> None:
    """``days`` days of ``INTAKES`` committed intakes each, through validate + commit_intake."""
    clock = _Clock(opening(DAY - timedelta(days=days)))
    ctx = AppContext.open(
        f"sqlite:///{folder / 'shop.sqlite3'}", folder / "keys", create=True, clock=clock
    )
    try:
        set_up_shop(ctx)
        signer = ctx.signer(STATION)
        catalogue = ctx.catalogue()
        step = timedelta(hours=11) / INTAKES
        for back in range(days - 1, -1, -1):
            day = DAY - timedelta(days=back)
            draft = validate_intake(
                {**DOCUMENT, "signature": SIGNATURE}, today=day, catalogue=catalogue
            )
            clock.now = opening(day)
            with ctx.transaction() as session:
                for _ in range(INTAKES):
                    clock.now += step
                    commit_intake(
                        session,
                        draft,
                        signer=signer,
                        catalogue=catalogue,
                        shop_timezone="Asia/Tokyo",
                        now=clock.now,
                    )
            print(f"close bench: built {day} ({days - back}/{days})", file=sys.stderr)
    finally:
        ctx.close()


def cache_root() -> Path:
    configured = os.environ.get("REVOKE_DESK_BENCH_CACHE")
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "revoke-desk-bench"


def cached_shop(days: int = DAYS) -> Path:
    """The folder (``shop.sqlite3``, ``keys/``) of the bench shop, built on first use."""
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    folder = root / f"close-{days}x{INTAKES}-schema{SCHEMA_HEAD}-v{BUILDER_VERSION}"
    if not folder.exists():
        print(f"close bench: building {folder} (once)", file=sys.stderr)
        partial = Path(tempfile.mkdtemp(prefix=f".{folder.name}.partial-", dir=root))
        try:
            build(partial, days)
            partial.rename(folder)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
    return folder


class CloseBench:
    def __init__(self, directory: Path, days: int = DAYS) -> None:
        self.directory = directory
        source = cached_shop(days)
        shutil.copy2(source / "shop.sqlite3", directory / "shop.sqlite3")
        shutil.copytree(source / "keys", directory / "keys")
        self.now = opening(DAY) + timedelta(hours=12)
        self.ctx = AppContext.open(
            f"sqlite:///{directory / 'shop.sqlite3'}", directory / "keys", clock=lambda: self.now
        )
        self.signer = self.ctx.signer(STATION)
        try:
            with self.ctx.transaction() as session:
                summary = close_day_exports(
                    session, self.signer, day=DAY, manager="M01", now=self.now
                )
                self.rows = export_rows(summary)
                raise _Rollback
        except _Rollback:
            pass
        self.round = 0

    def close(self) -> None:
        self.ctx.close()

    def _out(self, name: str) -> Path:
        self.round += 1
        return self.directory / f"{name}-{self.round}"

    def subject(self) -> int:
        out = self._out("export")
        start = time.perf_counter_ns()
        try:
            with self.ctx.transaction() as session:
                summary = close_day_exports(
                    session, self.signer, day=DAY, manager="M01", now=self.now
                )
                export_day(summary, out, self.signer)
                raise _Rollback
        except _Rollback:
            pass
        elapsed = time.perf_counter_ns() - start
        shutil.rmtree(out)
        return elapsed

    def floor(self) -> int:
        out = self._out("floor")
        start = time.perf_counter_ns()
        with out.with_suffix(".csv").open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(HEADERS)
            writer.writerows(self.rows)
        elapsed = time.perf_counter_ns() - start
        out.with_suffix(".csv").unlink()
        return elapsed


def run(*, rounds: int, directory: Path, warmup: int = WARMUP_ROUNDS) -> Result:
    bench = CloseBench(directory)
    try:
        return interleave(bench.subject, bench.floor, rounds=rounds, warmup=warmup)
    finally:
        bench.close()


if __name__ == "__main__":  # build the cache only: python -m bench.close [DAYS]
    print(cached_shop(int(sys.argv[1]) if len(sys.argv) > 1 else DAYS))

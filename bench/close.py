"""Day close of a 1,000-intake day with every export vs writing the same rows with csv.writer.

Subject: ``desktop.dayclose.close_day`` (read the day, render the signed day report,
the CSV and the XLSX, append the signed ``day_closed`` entry) and
``desktop.exports.export_day`` (write the folder with its signed manifest), in one
transaction that is then rolled back, so that every round closes the same day.  The
rollback skips the one commit's fsync; everything else a manager waits for is timed.

Floor: the same 1,000 rows (the export's cells, prepared before the timing) written
with ``csv.writer`` to a file — the least any export of that day costs.
"""

from __future__ import annotations

import csv
import shutil
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.commit import DOCUMENT, STATION, set_up_shop
from bench.common import Result, interleave
from desktop.app import AppContext
from desktop.dayclose import close_day
from desktop.exports import HEADERS, export_day, export_rows
from desktop.intake import commit_intake
from desktop.rules import validate_intake

DEFAULT_ROUNDS = 10
WARMUP_ROUNDS = 1
INTAKES = 1000
DAY = date(2026, 11, 27)
# 2026-11-27 09:00 in Tokyo; the intakes spread over the next eleven hours.
OPENING = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)


class _Rollback(Exception):
    """Raised to leave the transaction without committing the close."""


class CloseBench:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.now = OPENING
        self.ctx = AppContext.open(
            f"sqlite:///{directory / 'close.sqlite3'}",
            directory / "keys",
            create=True,
            clock=lambda: self.now,
        )
        set_up_shop(self.ctx)
        self.signer = self.ctx.signer(STATION)
        self._seed()
        self.round = 0

    def _seed(self) -> None:
        catalogue = self.ctx.catalogue()
        draft = validate_intake(DOCUMENT, today=DAY, catalogue=catalogue)
        step = timedelta(hours=11) / INTAKES
        with self.ctx.transaction() as session:
            for _ in range(INTAKES):
                self.now += step
                commit_intake(
                    session,
                    draft,
                    signer=self.signer,
                    catalogue=catalogue,
                    shop_timezone="Asia/Tokyo",
                    now=self.now,
                )
        self.now = OPENING + timedelta(hours=12)
        try:
            with self.ctx.transaction() as session:
                summary = close_day(session, self.signer, day=DAY, manager="M01", now=self.now)
                self.rows = export_rows(summary)
                raise _Rollback
        except _Rollback:
            pass

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
                summary = close_day(session, self.signer, day=DAY, manager="M01", now=self.now)
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

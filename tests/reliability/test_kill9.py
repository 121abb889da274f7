"""A process killed with SIGKILL while committing loses no intake it had reported (QUALITY.md 1)."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.app import AppContext
from desktop.verification import verify_all

ROUNDS = 20
ROOT = Path(__file__).resolve().parents[2]


def _writer(ctx: AppContext) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.writer", ctx.db_url, str(ctx.keys_dir)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


@pytest.mark.slow
def test_sigkill_during_commits_loses_nothing_reported(ctx):
    rng = random.Random(20261127)
    reported: list[str] = []
    path = ctx.engine.url.database
    ctx.close()  # the writer processes own the file now
    for round_no in range(ROUNDS):
        writer = _writer(ctx)
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready", (
            writer.stderr.read() if writer.stderr else ""
        )
        # Let it commit a few, then kill it at an arbitrary point of the next commit.
        for _ in range(rng.randint(1, 6)):
            line = writer.stdout.readline()
            assert line, (
                f"round {round_no}: writer died: {writer.stderr.read() if writer.stderr else ''}"
            )
            reported.append(line.split()[0])
        writer.send_signal(signal.SIGKILL)
        # Anything it printed before dying was committed too.
        reported.extend(
            line.split()[0] for line in writer.stdout.read().splitlines() if line.strip()
        )
        writer.wait()
        writer.stdout.close()
        if writer.stderr:
            writer.stderr.close()
        assert writer.returncode == -signal.SIGKILL

        with sqlite3.connect(path) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            stored = {row[0] for row in raw.execute("SELECT receipt FROM intake")}
        missing = [receipt for receipt in reported if receipt not in stored]
        assert missing == [], f"round {round_no}: reported but lost: {missing}"

        reopened = AppContext.open(ctx.db_url, ctx.keys_dir)
        try:
            with reopened.reading() as session:
                report = verify_all(session, ctx.keys_dir)
        finally:
            reopened.close()
        assert report.ok, report.lines()
    assert len(set(reported)) == len(reported) >= ROUNDS

"""Two processes write one log across rotations: no line lost or doubled, no logging error.

The stdlib ``RotatingFileHandler`` rotates from each process on its own (on Windows the
rename fails while the other process holds the file, WinError 32); desktop.logs uses
``concurrent-log-handler``, which rotates under a lock file.  The writers here shrink
the rotation size so that the files rotate many times in a second.
"""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from desktop import logs

REPO = Path(__file__).resolve().parents[2]
LINES = 400
MAX_BYTES = 16_000
BACKUPS = 40  # enough rotated files to keep every line of the test
TIMEOUT_S = 300

WRITER = """
import logging, sys
from desktop import logs
logs.MAX_BYTES, logs.BACKUPS = int(sys.argv[2]), int(sys.argv[3])
logs.setup_logging()
log = logging.getLogger("writer")
print("ready", flush=True)
sys.stdin.readline()
for index in range(int(sys.argv[4])):
    log.info("writer %s line %05d %s", sys.argv[1], index, "x" * 180)
print("done", flush=True)
"""
LINE = re.compile(r"^\S+ \S+ INFO writer: writer (?P<who>[AB]) line (?P<n>\d{5}) x{180}$")


def test_the_log_handler_is_safe_across_processes(tmp_path):
    path = logs.setup_logging()
    try:
        assert path == tmp_path / "log" / logs.LOG_FILE_NAME
        handlers = [h for h in logging.getLogger().handlers if getattr(h, logs._OURS, False)]
        assert [type(h).__name__ for h in handlers] == ["ConcurrentRotatingFileHandler"]
        logging.getLogger("probe").info("probe line")
        assert "probe line" in path.read_text(encoding="utf-8")
        assert (path.parent / ".__revoke-desk.lock").exists()
        if sys.platform != "win32":
            assert path.stat().st_mode & 0o777 == 0o600
    finally:
        for handler in list(logging.getLogger().handlers):
            if getattr(handler, logs._OURS, False):
                logging.getLogger().removeHandler(handler)
                handler.close()


@pytest.mark.slow
def test_two_processes_log_across_rotations_without_losing_a_line(tmp_path):
    log_dir = tmp_path / "log"
    writers = []
    for who in ("A", "B"):
        writers.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    WRITER,
                    who,
                    str(MAX_BYTES),
                    str(BACKUPS),
                    str(LINES),
                ],
                cwd=REPO,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    try:
        for process in writers:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready"
        for process in writers:  # both start at once
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        results = [process.communicate(timeout=TIMEOUT_S) for process in writers]
    finally:
        for process in writers:
            if process.poll() is None:
                process.kill()
                process.wait()
    for process, (out, err) in zip(writers, results, strict=True):
        assert process.returncode == 0, err
        assert "Logging error" not in err and err == "", err  # handleError prints there
        assert out.strip() == "done"

    files = sorted(log_dir.glob(f"{logs.LOG_FILE_NAME}*"))
    assert len(files) > 5, "the test meant to rotate many times"
    assert len(files) <= BACKUPS + 1
    seen: Counter[tuple[str, int]] = Counter()
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert path.stat().st_size <= MAX_BYTES + 300, path.name  # rotated near the limit
        for line in text.splitlines():
            found = LINE.match(line)
            assert found, f"a torn or foreign line in {path.name}: {line!r}"
            seen[(found["who"], int(found["n"]))] += 1
    expected = {(who, n) for who in "AB" for n in range(LINES)}
    assert set(seen) == expected, f"missing: {sorted(expected - set(seen))[:10]}"
    assert max(seen.values()) == 1, "a line was written twice"

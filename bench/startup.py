"""GUI cold start to a shown main window vs a bare PySide6 ``QMainWindow`` the same way.

Subject: a fresh ``python -c`` process that does what ``revoke-desk`` with no
arguments does before its event loop, in the same order — the core first
(``desktop/__main__.py`` says why), then ``setup_logging()`` and ``ui.app.launch()``:
the QApplication with the bundled font and style, the database opened (schema
check), the station key loaded, and the main window built on its lock screen over a
shop initialised once, untimed, in the bench's folder — then shows it and prints
``time.perf_counter_ns()`` as soon as the window is exposed.

Floor: a fresh ``python -c`` process that imports PySide6, builds a QApplication and
an empty ``QMainWindow``, shows it, and prints the same timestamp when it is exposed.

Both run with ``QT_QPA_PLATFORM=offscreen`` (no display needed, and no window
manager's animation in the figure).  A round's time runs from just before the
parent starts the process to the child's timestamp: ``perf_counter`` is the
system-wide monotonic clock on Linux, macOS and Windows, so the two processes'
readings compare.  Python's own start-up is in both sides.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.commit import open_bench_shop
from bench.common import Result, interleave

DEFAULT_ROUNDS = 20
WARMUP_ROUNDS = 2
ROOT = Path(__file__).resolve().parents[1]

# Pump Qt's events until the window is on the (offscreen) screen, then say when.
_WAIT_FOR_EXPOSE = """
app = QApplication.instance()
while window.windowHandle() is None or not window.windowHandle().isExposed():
    app.processEvents()
print(time.perf_counter_ns(), flush=True)
os._exit(0)  # the exit is not part of the start
"""

SUBJECT = (
    """
import os, time
import desktop.app
from desktop.logs import setup_logging
from ui.app import launch
from PySide6.QtWidgets import QApplication
setup_logging()
window = launch([]).startup.window
"""
    + _WAIT_FOR_EXPOSE
)

FLOOR = (
    """
import os, sys, time
from PySide6.QtWidgets import QApplication, QMainWindow
application = QApplication(sys.argv[:1])
window = QMainWindow()
window.show()
"""
    + _WAIT_FOR_EXPOSE
)


class StartupBench:
    def __init__(self, directory: Path) -> None:
        ctx = open_bench_shop(directory)
        self.env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "REVOKE_DESK_DB": ctx.db_url,
            "REVOKE_DESK_KEYS": str(ctx.keys_dir),
            "REVOKE_DESK_LOG_DIR": str(directory / "log"),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
        ctx.close()

    def _start(self, code: str) -> int:
        start = time.perf_counter_ns()
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0 or not done.stdout.strip():
            raise RuntimeError(f"start-up probe failed ({done.returncode}): {done.stderr.strip()}")
        return int(done.stdout.split()[-1]) - start

    def subject(self) -> int:
        return self._start(SUBJECT)

    def floor(self) -> int:
        return self._start(FLOOR)


def run(*, rounds: int, directory: Path, warmup: int = WARMUP_ROUNDS) -> Result:
    bench = StartupBench(directory)
    return interleave(bench.subject, bench.floor, rounds=rounds, warmup=warmup)

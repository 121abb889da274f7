"""GUI cold start to the lock screen on screen vs a bare PySide6 ``QMainWindow`` the same way.

Subject: a fresh ``python -c`` process that does what ``revoke-desk`` with no
arguments does, in the same order: ``ui.app`` imported as ``gui_main`` imports it
(past PySide6's import hook, ui/import_hook.py), ``ui.app.launch()`` (the QApplication with the
bundled font and style, the main window built on its lock screen, 準備中, and shown)
and Qt's event loop.  The figure is the moment the cold start says the window is on
screen (``ColdStart.shown``: the first idle moment after the window's first expose,
when it has been painted, and just before the core is imported); the child checks
the window is exposed then and prints ``time.perf_counter_ns()``.  It goes on to the
core being ready (``ColdStart.ready``: the core imported, the database opened with
its schema check, the station key unlocked and checked, the settings read, the lock
screen able to check a PIN) and prints a second timestamp: that second figure is
reported on stderr (``core ready``), against the same floor, since ``--json`` has one
object per bench.  The shop is initialised once, untimed, in the bench's folder.

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
from bench.common import Result, interleave, summarise

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

# The lock screen on screen (checked), then the core ready: two timestamps.
SUBJECT = """
import os, time
from ui.import_hook import without_pyside_import_hook
with without_pyside_import_hook():  # as desktop.__main__.gui_main imports it
    from ui.app import launch
launched = launch([])
cold = launched.cold_start

def shown():
    handle = cold.waiting.windowHandle()
    if handle is None or not handle.isExposed():
        os._exit(4)  # the core's step ran before the lock screen was on screen
    print(time.perf_counter_ns(), flush=True)

def ready():
    print(time.perf_counter_ns(), flush=True)
    os._exit(0)  # the exit is not part of the start

cold.shown.connect(shown)
cold.ready.connect(ready)
cold.failed.connect(lambda code: os._exit(3))
launched.app.exec()
os._exit(5)  # the loop ended without the core ready
"""

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
        # A shop's install has its modules compiled (pip and PyInstaller write the
        # bytecode): a child that may not write any (PYTHONDONTWRITEBYTECODE, set on
        # some machines, this one included) would compile our sources in every round
        # while PySide6's come compiled — ~25 ms of the lock screen, ~0.2 s of the core.
        # The warm-up rounds write it.
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        ctx.close()
        # Every round's (warm-up included) core-ready and floor times, in order.
        self.ready_ns: list[int] = []
        self.floor_ns: list[int] = []

    def _start(self, code: str) -> list[int]:
        """The child's timestamps, each as nanoseconds since just before it started."""
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
        return [int(stamp) - start for stamp in done.stdout.split()]

    def subject(self) -> int:
        shown, ready = self._start(SUBJECT)
        self.ready_ns.append(ready)
        return shown

    def floor(self) -> int:
        [exposed] = self._start(FLOOR)
        self.floor_ns.append(exposed)
        return exposed


def run(*, rounds: int, directory: Path, warmup: int = WARMUP_ROUNDS) -> Result:
    bench = StartupBench(directory)
    result = interleave(bench.subject, bench.floor, rounds=rounds, warmup=warmup)
    ready = summarise(bench.ready_ns[warmup:], bench.floor_ns[warmup:])
    print(
        f"startup: core ready p50 {ready.p50_ms:.1f} ms, p99 {ready.p99_ms:.1f} ms, "
        f"ratio {ready.ratio:.2f} to the floor (p50 {ready.floor_p50_ms:.1f} ms)",
        file=sys.stderr,
    )
    return result

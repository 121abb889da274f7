"""Shared timing helpers for the benches (QUALITY.md, "Performance").

Every bench times a *subject* (our code doing one user-visible thing) against a
*floor* (the least the same machine can do for the same result) in one run, and
reports the ratio.  Rounds interleave subject and floor and alternate which goes
first, so drift in the machine (CPU frequency, other processes, the disk's cache)
falls on both sides alike; the ratio is the median of the per-round ratios.
"""

from __future__ import annotations

import math
import os
import shutil
import statistics
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# The benches' shops have encrypted station keys like any shop's (desktop.keys); set
# here, at import, so every bench and the startup bench's child processes have it.
BENCH_KEY_PASSPHRASE = "bench-station-passphrase"
os.environ.setdefault("REVOKE_DESK_KEY_PASSPHRASE", BENCH_KEY_PASSPHRASE)

# A step does its own untimed preparation and returns the nanoseconds
# (time.perf_counter_ns) of the part being measured.
Step = Callable[[], int]

NS_PER_MS = 1_000_000
# File systems that never reach a disk: fsync costs nothing there, so the
# floor and the ratio would not describe a shop's PC.
MEMORY_FILE_SYSTEMS = frozenset({"tmpfs", "ramfs"})


@dataclass(frozen=True)
class Result:
    """One bench's figures, in the shape of ``python -m bench --json``."""

    ratio: float  # median over rounds of subject_ns / floor_ns
    p50_ms: float  # subject, median
    p99_ms: float  # subject, 99th percentile (nearest rank)
    floor_p50_ms: float  # floor, median
    rounds: int  # measured rounds (warm-up rounds not included)

    def as_json(self) -> dict[str, float | int]:
        return {
            "ratio": round(self.ratio, 3),
            "p50_ms": round(self.p50_ms, 3),
            "p99_ms": round(self.p99_ms, 3),
            "floor_p50_ms": round(self.floor_p50_ms, 3),
            "rounds": self.rounds,
        }


def percentile(values: list[int], pct: float) -> int:
    """Nearest-rank percentile: a value that was actually measured."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def summarise(subject_ns: list[int], floor_ns: list[int]) -> Result:
    if len(subject_ns) != len(floor_ns) or not subject_ns:
        raise ValueError("need one subject and one floor time per round")
    ratios = [s / f for s, f in zip(subject_ns, floor_ns, strict=True)]
    return Result(
        ratio=statistics.median(ratios),
        p50_ms=statistics.median(subject_ns) / NS_PER_MS,
        p99_ms=percentile(subject_ns, 99) / NS_PER_MS,
        floor_p50_ms=statistics.median(floor_ns) / NS_PER_MS,
        rounds=len(subject_ns),
    )


def interleave(subject: Step, floor: Step, *, rounds: int, warmup: int) -> Result:
    """Run ``warmup`` then ``rounds`` rounds of both steps, alternating which goes first."""
    if rounds < 1:
        raise ValueError("rounds must be at least 1")
    subject_ns: list[int] = []
    floor_ns: list[int] = []
    for i in range(warmup + rounds):
        if i % 2 == 0:
            s = subject()
            f = floor()
        else:
            f = floor()
            s = subject()
        if i >= warmup:
            subject_ns.append(s)
            floor_ns.append(f)
    return summarise(subject_ns, floor_ns)


@contextmanager
def scratch_dir(parent: Path | None, prefix: str) -> Iterator[Path]:
    """A fresh folder for one bench's files, removed afterwards.

    The default parent is the current directory, not the system's temporary
    folder: /tmp is a RAM disk on many systems, where fsync is free.
    """
    base = Path.cwd() if parent is None else parent
    base.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f".bench-{prefix}-", dir=base))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def file_system_type(path: Path) -> str | None:
    """The file system type holding ``path`` (Linux only; None elsewhere or if unknown)."""
    mounts = Path("/proc/self/mounts")
    if not mounts.is_file():
        return None
    target = os.path.realpath(path)
    best, best_type = "", None
    for line in mounts.read_text(encoding="utf-8", errors="replace").splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        # /proc/mounts escapes spaces in mount points as \040.
        mount_point = fields[1].replace("\\040", " ")
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, fields[2]
    return best_type

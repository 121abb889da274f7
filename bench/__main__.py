"""``python -m bench [NAME ...] [--json] [--rounds N] [--dir DIR]``: see docs/PERFORMANCE.md.

With no NAME every bench of :data:`BENCHES` runs.  ``--json`` prints exactly one JSON
object on stdout, one key per bench; anything else (warnings, progress) goes to stderr.

``python -m bench scale [--intakes N] [--stations K] [--keep DIR] [--json]`` runs the
scale bench (``bench/scale.py``) alone, with its own options: it builds a database of
100,000 intakes (minutes, once) and takes several more minutes to measure, so it is
not one of the benches a plain ``python -m bench`` runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.common import MEMORY_FILE_SYSTEMS, Result, file_system_type, scratch_dir


@dataclass(frozen=True)
class Bench:
    """One bench: how to run it, and the ratio it must stay under."""

    run: Callable[[int | None, Path], Result]
    target_ratio: float


def _commit(rounds: int | None, directory: Path) -> Result:
    # Imported on use, so that one bench's imports never weigh on another's timing.
    from bench import commit

    return commit.run(rounds=rounds or commit.DEFAULT_ROUNDS, directory=directory)


def _commit_cpu(rounds: int | None, directory: Path) -> Result:
    from bench import commit

    return commit.run(rounds=rounds or commit.DEFAULT_ROUNDS, directory=directory, cpu=True)


def _slip(rounds: int | None, directory: Path) -> Result:
    from bench import slip

    return slip.run(rounds=rounds or slip.DEFAULT_ROUNDS, directory=directory)


def _history(rounds: int | None, directory: Path) -> Result:
    from bench import history

    return history.run(rounds=rounds or history.DEFAULT_ROUNDS, directory=directory)


def _startup(rounds: int | None, directory: Path) -> Result:
    from bench import startup

    return startup.run(rounds=rounds or startup.DEFAULT_ROUNDS, directory=directory)


def _close(rounds: int | None, directory: Path) -> Result:
    from bench import close

    return close.run(rounds=rounds or close.DEFAULT_ROUNDS, directory=directory)


BENCHES: dict[str, Bench] = {
    "commit": Bench(_commit, target_ratio=2.0),
    # synchronous=OFF on both sides and CPU time: the project's commit against the same
    # commit hand-written on plain sqlite3 (bench/commit_by_hand.py), issue 11's <= 1.6.
    "commit_cpu": Bench(_commit_cpu, target_ratio=1.6),
    "slip": Bench(_slip, target_ratio=1.5),
    "startup": Bench(_startup, target_ratio=1.5),
    "history": Bench(_history, target_ratio=1.5),
    # Recorded, not yet a goal: 10.0 is a placeholder until a shop's figures set one.
    "close": Bench(_close, target_ratio=10.0),
}


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Time our code against the floor the same machine sets, in one run.",
    )
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"benches to run: {', '.join(BENCHES)} (default: all); "
        f"`python -m bench {SEPARATE} --help` for the scale bench, which runs alone",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument(
        "--rounds", type=_positive, help="measured rounds per bench (default: per bench)"
    )
    parser.add_argument(
        "--dir",
        type=Path,
        help="folder for the database files (default: the current directory, on its disk); "
        "a fresh sub-folder is made there and removed afterwards",
    )
    args = parser.parse_args(argv)
    if SEPARATE in args.names:
        parser.error(f"{SEPARATE} runs alone, with its own options: python -m bench {SEPARATE} …")
    unknown = [name for name in args.names if name not in BENCHES]
    if unknown:
        parser.error(f"unknown bench {', '.join(unknown)} (choose from {', '.join(BENCHES)})")
    return args


def table(results: dict[str, Result]) -> str:
    header = f"{'bench':<10}{'ratio':>8}{'target':>8}{'p50 ms':>10}{'p99 ms':>10}{'floor p50 ms':>14}{'rounds':>8}"
    lines = [header, "-" * len(header)]
    for name, r in results.items():
        target = BENCHES[name].target_ratio
        verdict = "" if r.ratio <= target else "  ABOVE TARGET"
        lines.append(
            f"{name:<10}{r.ratio:>8.2f}{'≤ ' + format(target, '.1f'):>8}{r.p50_ms:>10.2f}"
            f"{r.p99_ms:>10.2f}{r.floor_p50_ms:>14.2f}{r.rounds:>8}{verdict}"
        )
    return "\n".join(lines)


# Run alone, with options of its own (bench/scale.py), never by default.
SEPARATE = "scale"


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    if given[:1] == [SEPARATE]:
        from bench import scale  # imported on use, as every bench

        return scale.main(given[1:], prog=f"python -m bench {SEPARATE}")
    args = parse_args(given)
    names = args.names or list(BENCHES)
    results: dict[str, Result] = {}
    for name in names:
        with scratch_dir(args.dir, name) as directory:
            fs_type = file_system_type(directory)
            if fs_type in MEMORY_FILE_SYSTEMS:
                print(
                    f"warning: {directory} is on {fs_type}: fsync is free there, "
                    "so the floor and the ratio do not describe a real disk",
                    file=sys.stderr,
                )
            results[name] = BENCHES[name].run(args.rounds, directory)
    if args.json:
        print(json.dumps({name: r.as_json() for name, r in results.items()}))
    else:
        print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())

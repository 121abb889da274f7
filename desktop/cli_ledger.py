"""``revoke-desk ledger``: the 古物台帳 of a period as a signed PDF, or as CSV.

Wired into ``desktop.cli`` by ``add_parsers(sub, common)``.  Exit codes as the rest
of the command line: 0 written; 2 bad dates, a period that ends before it starts,
or a file that cannot be written.
"""

from __future__ import annotations

import argparse
import logging
import os
from datetime import date
from pathlib import Path
from typing import Any

from desktop import config
from desktop.errors import UserError

log = logging.getLogger(__name__)


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``ledger`` to the command line's sub-parsers."""
    ledger = sub.add_parser(
        "ledger",
        parents=[common],
        help="write the 古物台帳 (ledger book) of a period as a signed PDF, or CSV",
    )
    ledger.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD")
    ledger.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD")
    ledger.add_argument("-o", "--out", required=True, metavar="FILE")
    ledger.add_argument("--csv", action="store_true", help="CSV (UTF-8 with BOM) instead of PDF")
    ledger.add_argument("--station", help=f"station code (env {config.STATION.env})")
    ledger.set_defaults(handler=cmd_ledger)


def parse_day(text: str, which: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(
            f"{which} の日付 {text!r} が正しくありません（YYYY-MM-DD）",
            f"--{which}: {text!r} is not a date (YYYY-MM-DD)",
        ) from None


def cmd_ledger(args: argparse.Namespace, console: Any) -> int:
    # Imported here, as cmd_slip does: ReportLab and pyHanko slow every command's start.
    from desktop.cli import EXIT_OK, _open  # noqa: PLC0415 - cli imports this module
    from desktop.ledger_book import (  # noqa: PLC0415
        check_period,
        ledger_book_csv,
        ledger_book_pdf,
    )

    date_from = parse_day(args.date_from, "from")
    date_to = parse_day(args.date_to, "to")
    check_period(date_from, date_to)
    out_path = Path(args.out)
    if not out_path.parent.is_dir():
        raise UserError(
            f"保存先のフォルダ {out_path.parent} がありません", f"no folder {out_path.parent}"
        )
    ctx = _open(args)
    try:
        now = ctx.clock()
        if args.csv:
            with ctx.reading() as session:
                data = ledger_book_csv(session, date_from, date_to, now=now)
        else:
            signer = ctx.signer(args.station)
            with ctx.reading() as session:
                data = ledger_book_pdf(session, signer, date_from, date_to, now=now)
    finally:
        ctx.close()
    try:
        write_atomically(out_path, data)
    except OSError as exc:
        raise UserError(
            f"ファイル {out_path} を書けませんでした（{exc.strerror}）",
            f"cannot write {out_path} ({exc.strerror})",
        ) from exc
    log.info("ledger book %s..%s written (%d bytes)", date_from, date_to, len(data))
    console.write(f"古物台帳 / ledger {date_from}..{date_to} → {out_path}\n")
    return EXIT_OK


def write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.partial")
    try:
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise

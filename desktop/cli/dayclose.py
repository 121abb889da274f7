"""``close-day`` and ``verify-export``: the day close from the command line.

Wired into ``desktop.cli.main.build_parser`` by ``add_parsers(sub, common)``.  Handlers
follow the command line's contract: a ``desktop.cli.common.Console``, a ``UserError``
for anything the user can fix (exit 2), and exit 1 when ``verify-export`` finds a
difference.
"""

from __future__ import annotations

import argparse
import logging
from contextlib import closing
from pathlib import Path
from typing import Any

from desktop import config
from desktop.app import AppContext
from desktop.backup import backup_to_folder
from desktop.clerks import Role
from desktop.cli.common import (
    ENCODING_CHOICES,
    EXIT_DIFFERS,
    EXIT_OK,
    Console,
    open_if_reachable,
    opened,
    parse_day,
    require_empty_folder,
    require_folder,
)
from desktop.cli.headoffice import verify_folder
from desktop.export_folder import verify_export
from desktop.exports import close_and_export

log = logging.getLogger(__name__)

DEFAULT_KEEP = 14


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``close-day`` and ``verify-export`` to the ``revoke-desk`` subcommands."""
    close = sub.add_parser(
        "close-day",
        parents=[common],
        help="close a business day: signed report PDF, CSV, XLSX and manifest (manager's PIN on stdin)",
    )
    close.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="the shop-local day")
    close.add_argument(
        "--out", required=True, metavar="DIR", help="the export folder (new or empty)"
    )
    close.add_argument("--manager", required=True, metavar="CODE")
    close.add_argument(
        "--encoding",
        choices=sorted(ENCODING_CHOICES),
        default="utf-8",
        help="CSV encoding: utf-8 (with BOM, for Excel) or cp932 (Shift_JIS)",
    )
    close.add_argument("--station", help=f"station code (env {config.STATION.env})")
    close.add_argument("--backup-dir", metavar="DIR", help="also take a backup into this folder")
    close.add_argument(
        "--keep", type=int, default=DEFAULT_KEEP, metavar="N", help="backups to keep (default 14)"
    )
    close.set_defaults(handler=cmd_close_day)

    verify = sub.add_parser(
        "verify-export",
        parents=[common],
        help="check a day's export folder: signature, file hashes, counts against the ledger",
    )
    verify.add_argument("folder", metavar="DIR")
    verify.add_argument(
        "--offline",
        action="store_true",
        help="do not open the database (signature and hashes only)",
    )
    verify.set_defaults(handler=cmd_verify_export)


def cmd_close_day(args: argparse.Namespace, console: Console) -> int:
    day = parse_day(args.date, "date")
    out_dir = Path(args.out)
    require_empty_folder(out_dir)
    pin = console.pin(f"{args.manager} のPIN / PIN for {args.manager}: ")
    with opened(args) as ctx:
        signer = ctx.signer(args.station)
        manager = ctx.authenticate(args.manager, pin, require=Role.MANAGER, station=args.station)
        summary = close_and_export(
            ctx,
            signer,
            day=day,
            manager=manager.code,
            out_dir=out_dir,
            encoding=ENCODING_CHOICES[args.encoding],
            progress=lambda stage, pct: log.info("close-day %s %d%%", stage, pct),
        )
        log.info("day %s of %s closed by %s", day, signer.station, manager.code)
        counts = summary.counts
        assert summary.close_entry is not None
        console.write(
            f"締めました / closed {signer.station} {day}: {counts['intakes']} intakes, "
            f"{len(summary.refusals)} refused, {counts['voids']} voids, "
            f"{counts['reprints']} reprints, {counts['late']} late\n"
            f"chain head #{summary.head.seq} {summary.head.entry_hash}\n"
            f"close entry #{summary.close_entry.seq} → {out_dir}\n"
        )
        if args.backup_dir:
            _backup(ctx, Path(args.backup_dir), args.keep, console, by=args.manager)
    return EXIT_OK


def _backup(ctx: AppContext, folder: Path, keep: int, console: Console, *, by: str) -> None:
    result = backup_to_folder(ctx, folder, keep=keep, by=by)
    console.write(f"バックアップ / backup: {result.path}\n")


def cmd_verify_export(args: argparse.Namespace, console: Console) -> int:
    from desktop.headoffice import is_head_office_folder  # noqa: PLC0415

    folder = Path(args.folder)
    require_folder(folder)
    if is_head_office_folder(folder):  # a head-office folder: its own checks
        return verify_folder(args, console, folder, fingerprints=[])
    ctx = open_if_reachable(args, console)
    if ctx is None:
        verdict = verify_export(folder)
    else:
        with closing(ctx), ctx.reading() as session:
            verdict = verify_export(folder, session)
    for line in verdict.lines():
        console.write(line + "\n")
    if verdict.ok:
        return EXIT_OK
    log.warning("verify-export found differences in %s", folder)
    return EXIT_DIFFERS

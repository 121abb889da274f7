"""``head-office-export`` and ``verify-head-office``: every station's day or period, signed.

Wired into ``desktop.cli.main.build_parser`` by ``add_parsers(sub, common)``.  Exit codes
as the rest of the command line: 0 written (or verified); 1 ``verify-head-office`` found
a difference; 2 bad dates, a folder that is not new or empty, a wrong manager's PIN.
"""

from __future__ import annotations

import argparse
import logging
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

from desktop import config
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
from desktop.errors import UserError

log = logging.getLogger(__name__)


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    export = sub.add_parser(
        "head-office-export",
        parents=[common],
        help="every station's intakes of a day (--date) or a period (--from/--to) for head "
        "office: CSV, XLSX and a signed manifest, no personal data (manager's PIN on stdin)",
    )
    export.add_argument("--date", metavar="YYYY-MM-DD", help="one business day")
    export.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="first day")
    export.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="last day")
    export.add_argument(
        "--out", required=True, metavar="DIR", help="the export folder (new or empty)"
    )
    export.add_argument("--manager", required=True, metavar="CODE")
    export.add_argument(
        "--encoding",
        choices=sorted(ENCODING_CHOICES),
        default="utf-8",
        help="CSV encoding: utf-8 (with BOM, for Excel) or cp932 (Shift_JIS)",
    )
    export.add_argument("--station", help=f"the station that signs (env {config.STATION.env})")
    export.set_defaults(handler=cmd_head_office_export)

    verify = sub.add_parser(
        "verify-head-office",
        parents=[common],
        help="check a head-office folder: signature, file hashes, counts against the ledger",
    )
    verify.add_argument("folder", metavar="DIR")
    verify.add_argument(
        "--offline", action="store_true", help="signature and hashes only (no database)"
    )
    verify.add_argument(
        "--fingerprint",
        action="append",
        default=[],
        metavar="FP",
        help="the signing station's certificate fingerprint as printed on paper (12+ hex)",
    )
    verify.set_defaults(handler=cmd_verify_head_office)


def period_of(args: argparse.Namespace) -> tuple[date, date]:
    """``--date D``, or ``--from A --to B`` (one of them alone is one day)."""
    if args.date and (args.date_from or args.date_to):
        raise UserError(
            "--date と --from/--to は同時に指定できません",
            "give either --date or --from/--to, not both",
        )
    if args.date:
        day = parse_day(args.date, "date")
        return day, day
    if not (args.date_from or args.date_to):
        raise UserError(
            "--date か --from/--to で日付を指定してください",
            "give the day (--date) or the period (--from, --to)",
        )
    date_from = parse_day(args.date_from or args.date_to, "from")
    date_to = parse_day(args.date_to or args.date_from, "to")
    return date_from, date_to


def cmd_head_office_export(args: argparse.Namespace, console: Console) -> int:
    from desktop.headoffice import export_head_office, stations_line  # noqa: PLC0415
    from desktop.ledger_book import check_period  # noqa: PLC0415

    date_from, date_to = period_of(args)
    check_period(date_from, date_to)
    out_dir = Path(args.out)
    require_empty_folder(out_dir)
    if not out_dir.parent.is_dir():
        raise UserError(
            f"出力先の親フォルダ {out_dir.parent} がありません", f"no folder {out_dir.parent}"
        )
    pin = console.pin(f"{args.manager} のPIN / PIN for {args.manager}: ")
    with opened(args) as ctx:
        signer = ctx.signer(args.station)
        manager = ctx.authenticate(args.manager, pin, require=Role.MANAGER, station=args.station)
        done = export_head_office(
            ctx,
            signer,
            date_from=date_from,
            date_to=date_to,
            manager=manager.code,
            out_dir=out_dir,
            encoding=ENCODING_CHOICES[args.encoding],
        )
    snap = done.snapshot
    log.info(
        "head-office export %s..%s by %s: %d stations, %d intakes",
        date_from,
        date_to,
        manager.code,
        len(snap.stations),
        len(snap.lines),
    )
    console.write(
        f"本部用に書き出しました / head-office export {date_from}..{date_to}: "
        f"{len(snap.stations)} stations ({stations_line(snap)}) → {out_dir}\n"
        f"manifest SHA-256 {done.manifest_sha256} (signed by {signer.station})\n"
    )
    return EXIT_OK


def cmd_verify_head_office(args: argparse.Namespace, console: Console) -> int:
    folder = Path(args.folder)
    require_folder(folder)
    return verify_folder(args, console, folder, fingerprints=args.fingerprint)


def verify_folder(
    args: argparse.Namespace, console: Console, folder: Path, *, fingerprints: list[str]
) -> int:
    """Verify a head-office folder (also what ``verify-export`` runs on one)."""
    from desktop.headoffice import verify_head_office  # noqa: PLC0415

    ctx = open_if_reachable(args, console)
    if ctx is None:
        verdict = verify_head_office(folder, fingerprints=fingerprints)
    else:
        with closing(ctx), ctx.reading() as session:
            verdict = verify_head_office(folder, session, fingerprints=fingerprints)
    for line in verdict.lines():
        console.write(line + "\n")
    if verdict.ok:
        return EXIT_OK
    log.warning("verify-head-office found differences in %s", folder)
    return EXIT_DIFFERS

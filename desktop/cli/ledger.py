"""``revoke-desk ledger``: the 古物台帳 of a period as a signed PDF, or as CSV.

Wired into ``desktop.cli.main.build_parser`` by ``add_parsers(sub, common)``.  Exit codes
as the rest of the command line: 0 written; 2 bad dates, a period that ends before it
starts, a station the database does not have, or a file that cannot be written.

``--station`` is, as in every command, the counter whose key signs; ``--only-station``
chooses whose rows the book lists (a chain's shared database holds every counter's).
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from desktop import config
from desktop.cli.common import EXIT_OK, Console, opened, parse_day, require_folder_of
from desktop.errors import UserError
from desktop.files import is_stdout, write_atomically

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
    ledger.add_argument(
        "--station", help=f"the station that signs the PDF (env {config.STATION.env})"
    )
    ledger.add_argument(
        "--only-station",
        metavar="CODE",
        help="only this counter's acquisitions (default: every counter of the shop)",
    )
    ledger.add_argument("--clerk", help="who prints the ledger, for the audit entry")
    ledger.set_defaults(handler=cmd_ledger)


def cmd_ledger(args: argparse.Namespace, console: Console) -> int:
    # Imported here, as cmd_slip does: ReportLab and pyHanko slow every command's start.
    from desktop.audit import Copy, command_line_user, record_copy  # noqa: PLC0415
    from desktop.ledger_book import (  # noqa: PLC0415
        check_period,
        ledger_book_csv,
        ledger_book_pdf,
    )

    date_from = parse_day(args.date_from, "from")
    date_to = parse_day(args.date_to, "to")
    check_period(date_from, date_to)
    out_path = Path(args.out)
    require_folder_of(out_path)
    with opened(args) as ctx:
        now = ctx.clock()
        signer = ctx.signer(args.station)
        with ctx.reading() as session:
            if args.csv:
                data = ledger_book_csv(
                    session, date_from, date_to, now=now, station=args.only_station
                )
            else:
                data = ledger_book_pdf(
                    session, signer, date_from, date_to, now=now, station=args.only_station
                )
        try:
            write_atomically(out_path, data, stdout=console.binary if is_stdout(out_path) else None)
        except OSError as exc:
            raise UserError(
                f"ファイル {out_path} を書けませんでした（{exc.strerror}）",
                f"cannot write {out_path} ({exc.strerror})",
            ) from exc
        # Who printed the 古物台帳, of which period (desktop.audit).
        with ctx.transaction() as session:
            record_copy(
                session,
                signer,
                what=Copy.LEDGER_CSV if args.csv else Copy.LEDGER_PDF,
                by=args.clerk or command_line_user(),
                data=data,
                now=now,
                date_from=date_from.isoformat(),
                date_to=date_to.isoformat(),
                **({"station": args.only_station} if args.only_station else {}),
            )
    log.info("ledger book %s..%s written (%d bytes)", date_from, date_to, len(data))
    if not is_stdout(out_path):
        console.write(f"古物台帳 / ledger {date_from}..{date_to} → {out_path}\n")
    return EXIT_OK

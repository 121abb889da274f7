"""``revoke-desk slip`` and ``verify-slip``: write a receipt's signed slip, check a slip
PDF against the ledger (desktop.slips)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from desktop import config
from desktop.audit import command_line_user
from desktop.cli.common import EXIT_OK, EXIT_TAMPERED, Console, opened, require_folder_of
from desktop.errors import UserError
from desktop.files import is_stdout, write_atomically

log = logging.getLogger(__name__)


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``slip`` and ``verify-slip`` to the ``revoke-desk`` subcommands."""
    slip = sub.add_parser("slip", parents=[common], help="write the signed slip of a receipt")
    slip.add_argument("receipt")
    slip.add_argument("-o", "--out", required=True, metavar="FILE.pdf")
    slip.add_argument("--format", choices=["thermal", "a4"], default="thermal")
    slip.add_argument("--reprint", action="store_true", help="a further copy, marked 再発行")
    slip.add_argument("--station", help=f"station code (env {config.STATION.env})")
    slip.add_argument("--clerk", help="who prints the slip, for the audit entry")
    slip.set_defaults(handler=cmd_slip)

    verify_slip = sub.add_parser(
        "verify-slip",
        parents=[common],
        help="check a slip PDF's signature and QR against the ledger",
    )
    verify_slip.add_argument("pdf", metavar="FILE.pdf")
    verify_slip.set_defaults(handler=cmd_verify_slip)


def cmd_slip(args: argparse.Namespace, console: Console) -> int:
    # Imported here: ReportLab and pyHanko would slow every other command's start.
    from desktop.slips import issue_slip  # noqa: PLC0415
    from reports.snapshot import SlipFormat  # noqa: PLC0415

    out_path = Path(args.out)
    require_folder_of(out_path)
    with opened(args) as ctx:
        signer = ctx.signer(args.station)
        with ctx.transaction() as session:
            issued = issue_slip(
                session,
                signer,
                receipt=args.receipt,
                fmt=SlipFormat(args.format),
                reprint=args.reprint,
                catalogue=ctx.catalogue(),
                now=ctx.clock(),
                by=args.clerk or command_line_user(),
            )
    # The record and the stored slip are committed: a failure to write the file now
    # loses nothing, and a reprint gives the customer their copy.
    try:
        write_atomically(
            out_path, issued.pdf, stdout=console.binary if is_stdout(out_path) else None
        )
    except OSError as exc:
        raise UserError(
            f"控えは記録済みですが、ファイル {out_path} を書けませんでした（{exc.strerror}）。--reprint で再発行してください",
            f"the slip is recorded but {out_path} could not be written ({exc.strerror}): "
            "print it again with --reprint",
        ) from exc
    log.info("slip %s issue %d written", issued.receipt, issued.issue_no)
    if not is_stdout(out_path):  # the PDF itself was the output
        console.write(
            f"{issued.receipt} {issued.kind.value} issue {issued.issue_no} → {out_path}\n"
        )
    return EXIT_OK


def cmd_verify_slip(args: argparse.Namespace, console: Console) -> int:
    from desktop.slips import verify_slip  # noqa: PLC0415 - see cmd_slip

    try:
        pdf = Path(args.pdf).read_bytes()
    except OSError as exc:
        raise UserError(
            f"{args.pdf} を読み込めません: {exc.strerror}",
            f"cannot read {args.pdf}: {exc.strerror}",
        ) from exc
    with opened(args) as ctx, ctx.reading() as session:
        verdict = verify_slip(session, pdf)
    if verdict.ok:
        console.write(f"OK {verdict.reason}\n")
        return EXIT_OK
    console.write(f"NG {verdict.reason}\n")
    log.warning("verify-slip rejected a file: %s", verdict.reason)
    return EXIT_TAMPERED

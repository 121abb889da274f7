"""``revoke-desk verify``: every chain, signature and personal-data digest
(desktop.verification); exit 1 names the first broken entry."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from desktop.cli.common import EXIT_OK, EXIT_TAMPERED, Console, opened
from desktop.trust import Checkpoint
from desktop.verification import terminal_progress, verify_all

log = logging.getLogger(__name__)


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``verify`` to the ``revoke-desk`` subcommands."""
    verify = sub.add_parser(
        "verify", parents=[common], help="verify every chain, signature and digest"
    )
    verify.add_argument(
        "--fingerprint",
        action="append",
        default=[],
        metavar="[STATION:]FP",
        help="the station certificate's fingerprint as printed on paper (12+ hex digits)",
    )
    verify.add_argument(
        "--checkpoint",
        action="append",
        default=[],
        metavar="STATION:SEQ:HASH",
        help="a chain head as printed on a day report or export (12+ hex digits of the hash)",
    )
    verify.set_defaults(handler=cmd_verify)


def cmd_verify(args: argparse.Namespace, console: Console) -> int:
    checkpoints = [Checkpoint.parse(text) for text in args.checkpoint]
    with opened(args) as ctx, ctx.reading() as session:
        report = verify_all(
            session,
            ctx.keys_dir,
            trust=ctx.trust,
            fingerprints=args.fingerprint,
            checkpoints=checkpoints,
            progress=terminal_progress(),  # stderr, on a terminal only
        )
    for line in report.lines():
        console.write(line + "\n")
    if report.ok:
        return EXIT_OK
    log.warning("verify found tampering")
    return EXIT_TAMPERED

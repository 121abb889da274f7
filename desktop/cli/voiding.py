"""``revoke-desk void``: void a receipt, approved by a manager (desktop.voiding)."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from desktop import config
from desktop.clerks import Role
from desktop.cli.common import EXIT_OK, Console, opened
from desktop.voiding import void_intake

log = logging.getLogger(__name__)


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``void`` to the ``revoke-desk`` subcommands."""
    void = sub.add_parser("void", parents=[common], help="void a receipt (manager's PIN on stdin)")
    void.add_argument("receipt")
    void.add_argument("--reason", required=True)
    void.add_argument("--manager", required=True)
    void.add_argument(
        "--replaced-by",
        default="",
        metavar="RECEIPT",
        help="a correction: the intake taken again in place of this one",
    )
    void.add_argument("--station", help=f"station code (env {config.STATION.env})")
    void.set_defaults(handler=cmd_void)


def cmd_void(args: argparse.Namespace, console: Console) -> int:
    pin = console.pin(f"{args.manager} のPIN / PIN for {args.manager}: ")
    with opened(args) as ctx:
        signer = ctx.signer(args.station)
        manager = ctx.authenticate(args.manager, pin, require=Role.MANAGER, station=args.station)
        with ctx.transaction() as session:
            void_intake(
                session,
                signer,
                receipt=args.receipt,
                reason=args.reason,
                manager=manager.code,
                now=ctx.clock(),
                replaced_by=args.replaced_by,
            )
        log.info("receipt %s voided by %s", args.receipt, manager.code)
        console.write(f"{args.receipt} void\n")
    return EXIT_OK

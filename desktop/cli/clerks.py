"""``revoke-desk clerk …``: the staff — add, list, role, reset-pin, deactivate; a manager
approves every change, their PIN first on stdin (desktop.clerks)."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from desktop import config
from desktop.clerks import Role, add_clerk, change_role, deactivate_clerk, list_clerks, reset_pin
from desktop.cli.common import EXIT_OK, Console, opened

log = logging.getLogger(__name__)


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``clerk`` and its actions to the ``revoke-desk`` subcommands."""
    clerk = sub.add_parser(
        "clerk", help="staff: add, list, role, reset-pin, deactivate (a manager approves)"
    )
    clerk_sub = clerk.add_subparsers(dest="clerk_command", metavar="ACTION", required=True)
    clerk_add = clerk_sub.add_parser(
        "add",
        parents=[common],
        help="add a clerk (stdin: the approving manager's PIN, then the new clerk's PIN)",
    )
    clerk_add.add_argument("code")
    clerk_add.add_argument("--name", required=True)
    clerk_add.add_argument("--role", choices=[r.value for r in Role], default=Role.CLERK.value)
    _manager_options(clerk_add)
    clerk_add.set_defaults(handler=cmd_clerk_add)
    clerk_list = clerk_sub.add_parser("list", parents=[common], help="list clerks")
    clerk_list.set_defaults(handler=cmd_clerk_list)
    clerk_role = clerk_sub.add_parser(
        "role",
        parents=[common],
        help="change a clerk's role (stdin: the manager's PIN; for a new manager, then "
        "their new PIN of 6+ digits)",
    )
    clerk_role.add_argument("code")
    clerk_role.add_argument("--role", choices=[r.value for r in Role], required=True)
    _manager_options(clerk_role)
    clerk_role.set_defaults(handler=cmd_clerk_role)
    clerk_reset = clerk_sub.add_parser(
        "reset-pin",
        parents=[common],
        help="give a clerk a new PIN and lift a lockout (stdin: the manager's PIN, then the new PIN)",
    )
    clerk_reset.add_argument("code")
    _manager_options(clerk_reset)
    clerk_reset.set_defaults(handler=cmd_clerk_reset_pin)
    clerk_deactivate = clerk_sub.add_parser(
        "deactivate",
        parents=[common],
        help="stop a clerk from unlocking the counter (stdin: the manager's PIN)",
    )
    clerk_deactivate.add_argument("code")
    _manager_options(clerk_deactivate)
    clerk_deactivate.set_defaults(handler=cmd_clerk_deactivate)


def _manager_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--manager", required=True, help="the approving manager's code (their PIN comes first)"
    )
    parser.add_argument("--station", help=f"station code (env {config.STATION.env})")


def _approving_manager(args: argparse.Namespace, console: Console) -> str:
    """The PIN of the manager who approves a staff change: always the first line on stdin."""
    return console.pin(
        f"承認する店長 {args.manager} のPIN / PIN of approving manager {args.manager}: "
    )


def _new_pin(console: Console, code: str) -> str:
    return console.pin(f"{code} の新しいPIN / new PIN for {code}: ", confirm=True)


def cmd_clerk_add(args: argparse.Namespace, console: Console) -> int:
    manager_pin = _approving_manager(args, console)
    pin = _new_pin(console, args.code)
    with opened(args) as ctx:
        signer = ctx.signer(args.station)
        manager = ctx.authenticate(
            args.manager, manager_pin, require=Role.MANAGER, station=args.station
        )
        with ctx.transaction() as session:
            clerk = add_clerk(
                session,
                signer,
                code=args.code,
                name=args.name,
                role=Role(args.role),
                pin=pin,
                now=ctx.clock(),
                added_by=manager.code,
            )
        log.info("clerk %s added as %s by %s", clerk.code, clerk.role, manager.code)
        console.write(f"{clerk.code} {clerk.role.value} added\n")
    return EXIT_OK


def cmd_clerk_role(args: argparse.Namespace, console: Console) -> int:
    manager_pin = _approving_manager(args, console)
    role = Role(args.role)
    # A new manager needs a PIN of 6+ digits: the clerk's may be shorter.
    pin = _new_pin(console, args.code) if role is Role.MANAGER else None
    with opened(args) as ctx:
        signer = ctx.signer(args.station)
        manager = ctx.authenticate(
            args.manager, manager_pin, require=Role.MANAGER, station=args.station
        )
        with ctx.transaction() as session:
            clerk = change_role(
                session,
                signer,
                code=args.code,
                role=role,
                by=manager.code,
                now=ctx.clock(),
                pin=pin,
            )
        log.info("clerk %s made %s by %s", clerk.code, clerk.role, manager.code)
        console.write(f"{clerk.code} {clerk.role.value}\n")
    return EXIT_OK


def cmd_clerk_reset_pin(args: argparse.Namespace, console: Console) -> int:
    manager_pin = _approving_manager(args, console)
    pin = _new_pin(console, args.code)
    with opened(args) as ctx:
        signer = ctx.signer(args.station)
        manager = ctx.authenticate(
            args.manager, manager_pin, require=Role.MANAGER, station=args.station
        )
        with ctx.transaction() as session:
            clerk = reset_pin(
                session, signer, code=args.code, pin=pin, by=manager.code, now=ctx.clock()
            )
        log.info("PIN of clerk %s reset by %s", clerk.code, manager.code)
        console.write(f"{clerk.code} PIN reset\n")
    return EXIT_OK


def cmd_clerk_deactivate(args: argparse.Namespace, console: Console) -> int:
    manager_pin = _approving_manager(args, console)
    with opened(args) as ctx:
        signer = ctx.signer(args.station)
        manager = ctx.authenticate(
            args.manager, manager_pin, require=Role.MANAGER, station=args.station
        )
        with ctx.transaction() as session:
            clerk = deactivate_clerk(
                session, signer, code=args.code, by=manager.code, now=ctx.clock()
            )
        log.info("clerk %s deactivated by %s", clerk.code, manager.code)
        console.write(f"{clerk.code} deactivated\n")
    return EXIT_OK


def cmd_clerk_list(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as ctx:
        with ctx.reading() as session:
            clerks = list_clerks(session)
        for clerk in clerks:
            state = "active" if clerk.active else "inactive"
            console.write(f"{clerk.code}\t{clerk.role.value}\t{state}\t{clerk.name}\n")
    return EXIT_OK

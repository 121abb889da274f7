"""``revoke-desk minors-policy``: show or set the rule for sellers under the age limit
(desktop.minors)."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from desktop import config
from desktop.clerks import Role
from desktop.cli.common import EXIT_OK, Console, opened
from desktop.errors import UserError
from desktop.minors import MinorsPolicy
from desktop.minors import current_policy as current_minors_policy
from desktop.minors import set_policy as set_minors_policy

log = logging.getLogger(__name__)


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``minors-policy`` to the ``revoke-desk`` subcommands."""
    minors = sub.add_parser(
        "minors-policy",
        parents=[common],
        help="show or set the rule for sellers under the age limit (manager's PIN on stdin)",
    )
    minors.add_argument("--age-limit", type=int, help="under this age a guardian is needed (18)")
    minors.add_argument(
        "--consent",
        choices=("accept", "refuse"),
        help="accept a recorded guardian's consent, or refuse minors outright",
    )
    minors.add_argument("--prefecture", help="the shop's prefecture, e.g. 福岡県 (for the record)")
    minors.add_argument("--manager", help="manager code approving a change")
    minors.add_argument("--station", help=f"station code (env {config.STATION.env})")
    minors.set_defaults(handler=cmd_minors_policy)


def _policy_line(policy: MinorsPolicy) -> str:
    consent = "accept" if policy.consent_accepted else "refuse"
    return f"age_limit={policy.age_limit} consent={consent} prefecture={policy.prefecture or '-'}\n"


def cmd_minors_policy(args: argparse.Namespace, console: Console) -> int:
    """Without options: print the rule in force.  With any: a manager changes it."""
    changing = any(v is not None for v in (args.age_limit, args.consent, args.prefecture))
    with opened(args) as ctx:
        with ctx.reading() as session:
            current = current_minors_policy(session)
        if not changing:
            console.write(_policy_line(current))
            return EXIT_OK
        if not args.manager:
            raise UserError(
                "変更には店長コード（--manager）が必要です",
                "a change needs a manager's code (--manager)",
            )
        pin = console.pin(f"{args.manager} のPIN / PIN for {args.manager}: ")
        signer = ctx.signer(args.station)
        manager = ctx.authenticate(args.manager, pin, require=Role.MANAGER, station=args.station)
        wanted = MinorsPolicy(
            age_limit=current.age_limit if args.age_limit is None else args.age_limit,
            consent_accepted=(
                current.consent_accepted if args.consent is None else args.consent == "accept"
            ),
            prefecture=current.prefecture if args.prefecture is None else args.prefecture,
        )
        with ctx.transaction() as session:
            policy = set_minors_policy(
                session, signer, wanted, manager=manager.code, now=ctx.clock()
            )
        log.info("minors policy changed by %s", manager.code)
        console.write(_policy_line(policy))
    return EXIT_OK

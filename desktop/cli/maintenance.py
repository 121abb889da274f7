"""Maintenance commands: ``backup``, ``restore`` and ``purge-expired``.

Wired into ``desktop.cli.main.build_parser`` by :func:`add_parsers`; the handlers follow
the command line's shape (``cmd_x(args, console) -> int``, UserError for what the user
can fix, the exit codes of ``desktop.cli.common``).
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from desktop import config
from desktop.app import AppContext
from desktop.audit import command_line_user
from desktop.backup import backup_database, purge_restore_copies, restore_database
from desktop.clerks import Role
from desktop.cli.common import EXIT_OK, Console, opened
from desktop.retention import purge_expired

log = logging.getLogger(__name__)


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the maintenance subcommands to ``sub`` (build_parser's ``add_subparsers``)."""
    backup = sub.add_parser(
        "backup", parents=[common], help="online backup of the SQLite database to a file"
    )
    backup.add_argument("--out", required=True, metavar="FILE")
    backup.add_argument("--clerk", help="who takes the backup, for the audit entry")
    backup.set_defaults(handler=cmd_backup)

    restore = sub.add_parser(
        "restore",
        parents=[common],
        help="replace the database with a checked backup (manager's PIN on stdin)",
    )
    restore.add_argument("file", metavar="FILE")
    restore.add_argument("--manager", required=True)
    restore.add_argument(
        "--accept-loss",
        action="store_true",
        help="restore even though the backup is older and committed entries will be lost",
    )
    restore.set_defaults(handler=cmd_restore)

    purge = sub.add_parser(
        "purge-expired", parents=[common], help="erase personal data past the 3-year retention"
    )
    purge.add_argument("--station", help=f"station code (env {config.STATION.env})")
    purge.set_defaults(handler=cmd_purge_expired)


def cmd_backup(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as ctx:
        result = backup_database(ctx, Path(args.out), by=args.clerk or command_line_user())
    console.write(f"バックアップしました / backup written: {result.path} ({result.size} bytes)\n")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, console: Console) -> int:
    pin = console.pin(f"{args.manager} のPIN / PIN for {args.manager}: ")
    db_url = config.resolve_db_url(args.db)
    keys_dir = config.resolve_keys_dir(args.keys, db_url)
    current = config.sqlite_file(db_url)

    def approve(ctx: AppContext) -> None:
        ctx.authenticate(args.manager, pin, require=Role.MANAGER)

    if current is not None and current.exists():
        # The manager of the data about to be replaced approves; the context is closed
        # before the file is swapped.
        with opened(args) as ctx:
            approve(ctx)
        result = restore_database(
            db_url,
            Path(args.file),
            keys_dir,
            accept_loss=args.accept_loss,
            manager=args.manager,
        )
    else:
        # Nothing to replace (a new PC): the backup's own manager approves.
        result = restore_database(
            db_url, Path(args.file), keys_dir, authorise=approve, manager=args.manager
        )
    log.info("restored %s from %s by %s", result.path, result.source, args.manager)
    kept = f"; previous kept as {result.previous}" if result.previous else ""
    if result.lost_entries:
        kept += f"; {result.lost_entries} ledger entries rolled back (recorded in the ledger)"
    console.write(
        f"復元しました / restored {result.path} from {result.source} (checked: integrity, verify){kept}\n"
    )
    return EXIT_OK


def cmd_purge_expired(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as ctx:
        signer = ctx.signer(args.station)
        with ctx.transaction() as session:
            result = purge_expired(session, signer, now=ctx.clock())
    copies = purge_restore_copies(ctx.db_url, result.cutoff)
    log.info("retention purge: %d receipts before %s", result.count, result.cutoff)
    console.write(
        f"{result.count} 件の個人情報を消去しました / purged {result.count} receipts "
        f"recorded before {result.cutoff}\n"
    )
    if copies:
        console.write(
            f"復元前のコピー {len(copies)} 件を削除しました / removed {len(copies)} "
            "before-restore copies holding data past retention\n"
        )
    return EXIT_OK

"""``revoke-desk database …``: which database this PC uses — show, server, this-pc.

The same choice the settings screen makes (desktop.database_choice): a server's URL is
saved without its password, which goes to PostgreSQL's password file.  ``REVOKE_DESK_DB``
and ``--db`` still override the saved choice.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from desktop import config
from desktop.cli.common import EXIT_OK, Console
from desktop.database_choice import (
    check_connection,
    check_server_details,
    save_choice,
    store_password,
    use_this_pc,
)
from desktop.errors import UserError


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    database = sub.add_parser("database", help="which database this PC uses: show, server, this-pc")
    actions = database.add_subparsers(dest="database_command", metavar="ACTION", required=True)
    show = actions.add_parser(
        "show", parents=[common], help="the database in use and where the choice comes from"
    )
    show.set_defaults(handler=cmd_show)
    server = actions.add_parser(
        "server",
        help="use a PostgreSQL server from the next start (its password read from stdin, "
        "kept in PostgreSQL's password file, never in our files)",
    )
    server.add_argument("--host", required=True)
    server.add_argument("--port", default="5432")
    server.add_argument("--database", required=True)
    server.add_argument("--user", required=True)
    server.add_argument(
        "--no-password",
        action="store_true",
        help="the server needs none (trust, peer, a client certificate)",
    )
    server.set_defaults(handler=cmd_server)
    here = actions.add_parser("this-pc", help="back to the SQLite file in this PC's data folder")
    here.set_defaults(handler=cmd_this_pc)


def cmd_show(args: argparse.Namespace, console: Console) -> int:
    saved = config.saved_database_url()
    url = config.resolve_db_url(getattr(args, "db", None))
    if getattr(args, "db", None):
        source = "--db"
    elif os.environ.get(config.DB_URL.env):
        source = config.DB_URL.env
    elif saved is not None:
        source = str(config.database_choice_file())
    else:
        source = "default (this PC)"
    console.write(f"database: {url}\nchosen by: {source}\n")
    return EXIT_OK


def cmd_server(args: argparse.Namespace, console: Console) -> int:
    details = check_server_details(args.host, args.port, args.database, args.user)
    if not args.no_password:
        password = console.pin("パスワード / password: ")
        if not password:
            raise UserError("パスワードが空です", "the password is empty (or use --no-password)")
        where = store_password(details, password)
        console.write(f"password kept in {where} (this account only)\n")
    check_connection(details.url())
    path = save_choice(details.url())
    console.write(f"database: {details.url()}\nsaved in {path}: used from the next start\n")
    return EXIT_OK


def cmd_this_pc(args: argparse.Namespace, console: Console) -> int:
    use_this_pc()
    console.write(f"database: {config.resolve_db_url(None)}\n")
    return EXIT_OK

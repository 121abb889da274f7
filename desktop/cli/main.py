"""The ``revoke-desk`` parser and :func:`run`: one argument list in, one exit code out.

Each command module adds its sub-parsers (``add_parsers(sub, common)``), in the order
``revoke-desk --help`` lists them; :func:`run` turns what the user can fix into one
line on stderr and exit 2, and anything else into exit 3 and the log.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from desktop import config
from desktop.cli import (
    clerks,
    database,
    dayclose,
    headoffice,
    intake,
    keys,
    ledger,
    maintenance,
    minors,
    setup,
    slips,
    verify,
    voiding,
)
from desktop.cli.common import EXIT_FAULT, EXIT_OK, EXIT_USAGE, Console
from desktop.errors import UserError, ValidationFailed
from desktop.files import no_access
from desktop.logs import setup_logging
from desktop.version import app_version

log = logging.getLogger(__name__)

Handler = Callable[[argparse.Namespace, Console], int]


class VersionAction(argparse.Action):
    """``--version``: the version, then which data location is in use (per-user or
    machine-wide), so a shop PC's set-up can be read off one command."""

    def __call__(self, parser, namespace, values, option_string=None):  # type: ignore[no-untyped-def]
        sys.stdout.write(f"revoke-desk {app_version()}\n{config.location_summary()}\n")
        parser.exit(0)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL", help=f"database URL (env {config.DB_URL.env})")
    common.add_argument(
        "--keys", metavar="DIR", help=f"station key folder (env {config.KEYS_DIR.env})"
    )
    common.add_argument("--verbose", action="store_true", help="show the log on stderr")

    parser = argparse.ArgumentParser(
        prog="revoke-desk",
        description=(
            "Revoke Desk — スマホ用電子証明書の失効確認と古物台帳のための受付アプリ / "
            "counter app for My Number certificate revocation attestations at phone trade-in shops."
        ),
    )
    parser.add_argument(
        "--version", action=VersionAction, nargs=0, help="show the version and the data location"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for commands in (
        setup,
        intake,
        clerks,
        voiding,
        minors,
        verify,
        slips,
        dayclose,
        headoffice,
        ledger,
        maintenance,
        keys,
        database,
    ):
        commands.add_parsers(sub, common)
    return parser


def run(
    argv: Sequence[str],
    *,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    stdin: TextIO = sys.stdin,
) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(out)
        return EXIT_OK
    log_path = setup_logging(verbose=getattr(args, "verbose", False))
    try:
        return handler(args, Console(out, stdin))
    except ValidationFailed as exc:
        for problem in exc.problems:
            err.write(problem.line() + "\n")
        return EXIT_USAGE
    except UserError as exc:
        err.write(f"エラー / error: {exc.line()}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.write("中断しました / interrupted\n")
        return EXIT_USAGE
    except PermissionError as exc:  # the PC's set-up, not a bug: which file, and what to do
        log.warning("permission denied in %s: %s", args.command, exc.filename)
        err.write(f"エラー / error: {no_access(exc.filename).line()}\n")
        return EXIT_USAGE
    except Exception:
        log.exception("unexpected fault in %s", args.command)
        where = f" ({log_path})" if log_path else ""
        err.write(
            f"予期しないエラーが発生しました。ログを確認してください{where} / "
            f"unexpected fault: see the log{where}\n"
        )
        return EXIT_FAULT

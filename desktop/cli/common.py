"""What every command of the command line shares: the console, the exit codes, the
opened application context, and the date and folder arguments.

Every command module imports this one at its top; this module imports no command
module, so the command line has no import circle.
"""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import BinaryIO, TextIO

from desktop import config
from desktop.app import AppContext
from desktop.errors import UserError
from desktop.files import is_stdout, writable_target

EXIT_OK = 0
EXIT_TAMPERED = 1  # verify / verify-slip found tampering
EXIT_DIFFERS = EXIT_TAMPERED  # verify-export / verify-head-office: a folder differs
EXIT_USAGE = 2
EXIT_FAULT = 3

# The CSV encodings of close-day and head-office-export: the option's value → the codec.
ENCODING_CHOICES = {"utf-8": "utf-8-sig", "cp932": "cp932"}


class Console:
    """Where a command writes its output and reads its input.

    PINs are prompted for on a terminal and read one per line from a pipe.
    """

    def __init__(self, out: TextIO, stdin: TextIO) -> None:
        self.out = out
        self.stream = stdin

    def write(self, text: str) -> None:
        self.out.write(text)

    @property
    def binary(self) -> BinaryIO:
        """The output as bytes, for ``-o -`` (a PDF or CSV piped on)."""
        return self.out.buffer

    def read_bytes(self, limit: int) -> bytes:
        return self.stream.buffer.read(limit)

    def pin(self, prompt: str, *, confirm: bool = False) -> str:
        if self.stream.isatty():
            pin = getpass.getpass(prompt)
            if confirm and getpass.getpass("もう一度 / again: ") != pin:
                raise UserError("PINが一致しません", "the PINs do not match")
            return pin
        line = self.stream.readline()
        if not line:
            raise UserError(
                "PINが標準入力にありません", "expected the PIN on standard input (one per line)"
            )
        return line.rstrip("\r\n")


def open_context(args: argparse.Namespace, *, create: bool = False) -> AppContext:
    """The application context of ``--db`` and ``--keys`` (or their defaults)."""
    db_url = config.resolve_db_url(args.db)
    return AppContext.open(db_url, config.resolve_keys_dir(args.keys, db_url), create=create)


@contextmanager
def opened(args: argparse.Namespace, *, create: bool = False) -> Iterator[AppContext]:
    """``with opened(args) as ctx:`` the context of a command, closed however it ends."""
    ctx = open_context(args, create=create)
    try:
        yield ctx
    finally:
        ctx.close()


def open_if_reachable(args: argparse.Namespace, console: Console) -> AppContext | None:
    """The context for a folder check, or None (offline, or no database to reach).

    A folder check without its database still checks the signature and the hashes,
    and says so.
    """
    if args.offline:
        return None
    try:
        return open_context(args)
    except UserError as exc:
        console.write(
            f"データベースに接続できないため、署名とハッシュのみ確認します / "
            f"database not reachable, checking the signature and hashes only: {exc.en}\n"
        )
        return None


def require_folder_of(path: Path) -> None:
    """Refuse an output file that cannot be written (before any work is done or recorded).

    Its folder must exist and the path must be a regular file or nothing; ``-`` is
    standard output.
    """
    if is_stdout(path):
        return
    if not path.parent.is_dir():
        raise UserError(f"保存先のフォルダ {path.parent} がありません", f"no folder {path.parent}")
    writable_target(path)


def require_empty_folder(out_dir: Path) -> None:
    """Refuse an export folder that exists and is not empty (an export never mixes)."""
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise UserError(
            f"出力先 {out_dir} は空のフォルダではありません",
            f"{out_dir} exists and is not an empty folder",
        )


def require_folder(folder: Path) -> None:
    """Refuse a folder to check that is not there."""
    if not folder.is_dir():
        raise UserError(f"フォルダ {folder} がありません", f"no folder {folder}")


def parse_day(text: str, option: str) -> date:
    """A ``YYYY-MM-DD`` option value, or a message naming the option."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(
            f"--{option} の日付 {text!r} が正しくありません（YYYY-MM-DD の形で指定してください）",
            f"--{option}: {text!r} is not a date (YYYY-MM-DD)",
        ) from None

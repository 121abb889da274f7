"""Files the app writes: private to the app's user, whole or not at all, never clobbering.

The database, its WAL, backups, exports and the log hold names, addresses and ID
numbers.  With the usual umask (022) every file would be world-readable, so the
process sets a private umask at start and tightens what already exists: folders
0700, files 0600.  (On Windows the modes mean little; the data folder's ACLs carry
that role — see docs/threat-model.md.)

``write_atomically`` writes a temporary beside the target, fsyncs and renames it —
but only over a regular file or nothing: ``os.replace`` run as root happily replaces
a device node, a FIFO or a directory's symlink, which once turned ``slip -o /dev/full``
into a "success" that destroyed the device node.  ``-`` means standard output.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from desktop.errors import UserError

PRIVATE_UMASK = 0o077
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
STDOUT = "-"


def use_private_umask() -> None:
    """Every file this process creates from now on is readable by its user only."""
    os.umask(PRIVATE_UMASK)


def make_private(path: Path) -> None:
    """Tighten an existing file (0600) or folder (0700); a missing path is left alone."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode):
        return  # never follow a link to change someone else's file
    wanted = PRIVATE_FOLDER if stat.S_ISDIR(mode) else PRIVATE_FILE
    if stat.S_IMODE(mode) & ~wanted:
        path.chmod(wanted)


def private_folder(path: Path, *, ours: bool) -> Path:
    """Make ``path`` (and missing parents) as a private folder.

    An existing folder is tightened only when it is ``ours`` (the app's own data or
    log folder): a database the user placed in a shared folder must not change that
    folder's mode for everyone else.
    """
    existed = path.is_dir()
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    if ours or not existed:
        make_private(path)
    return path


def make_database_private(db_file: Path) -> None:
    """The SQLite file and its WAL and shared-memory files: 0600."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        make_private(db_file.with_name(db_file.name + suffix))


def is_stdout(path: Path | str) -> bool:
    return str(path) == STDOUT


def writable_target(path: Path) -> Path:
    """The regular file that a write to ``path`` will replace (or create).

    A symlink to a regular file writes to that file; anything else that is not a
    regular file — a device, a FIFO, a socket, a directory, a link to one — is refused.
    """
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return target
    if not stat.S_ISREG(mode):
        raise UserError(
            f"{path} は通常のファイルではないため、上書きできません",
            f"{path} is not a regular file: refusing to write over it",
        )
    return target


def write_atomically(path: Path, data: bytes, *, stdout: BinaryIO | None = None) -> None:
    """Write a whole file or nothing: a temporary beside it, fsynced, then renamed.

    ``-`` writes to standard output instead (a stream the user asked for), or to
    ``stdout`` when the caller has its own.
    """
    if is_stdout(path):
        stream = stdout if stdout is not None else sys.stdout.buffer
        stream.write(data)
        stream.flush()
        return
    target = writable_target(path)
    temporary = target.with_name(f".{target.name}.partial")
    try:
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(target)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Two processes on one PC (two windows, a script) take turns on ``path`` (a lock file)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
    try:
        try:
            import fcntl  # noqa: PLC0415 - POSIX only

            fcntl.flock(fd, fcntl.LOCK_EX)
        except ImportError:  # Windows: msvcrt locks a byte range instead
            import msvcrt  # noqa: PLC0415

            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # type: ignore[attr-defined]
        yield
    finally:
        os.close(fd)  # closing releases the lock

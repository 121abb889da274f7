"""Files the app writes: private to the app's users, whole or not at all, never clobbering.

The database, its WAL, backups, exports and the log hold names, addresses and ID
numbers.  With the usual umask (022) every file would be world-readable, so the
process sets a private umask at start and sets what already exists.  Who "the app's
users" are is decided here, once (:func:`protection`), from the data location
(desktop/config.py):

* per-user: folders 0700, files 0600, umask 077 — the account alone;
* machine-wide: folders 2770 (setgid, so every new file takes the folder's group),
  files 0660, umask 007 — the accounts in the app's group (``revoke-desk``), no one else.

On Windows the modes mean nothing on NTFS: a folder the app creates (data, keys, trust,
log) gets a protected DACL through ``icacls`` — inheritance cut, full control for
SYSTEM and Administrators, and the user (per-user) or the app's group with modify
rights (machine-wide); the files made inside inherit it, and the station key file gets
the same DACL explicitly.  :func:`icacls_commands` builds those command lines; it is
unit-tested here, but icacls itself has never run (no Windows here; docs/threat-model.md).

``write_atomically`` writes a temporary beside the target, fsyncs and renames it —
but only over a regular file or nothing: ``os.replace`` run as root happily replaces
a device node, a FIFO or a directory's symlink, which once turned ``slip -o /dev/full``
into a "success" that destroyed the device node.  ``-`` means standard output.
``write_folder_atomically`` is its counterpart for a folder of files (an export): all
of them, fsynced, in a hidden sibling that is renamed into place only when complete.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from desktop import config
from desktop.errors import UserError

log = logging.getLogger(__name__)

PRIVATE_UMASK = 0o077
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
SHARED_UMASK = 0o007
SHARED_FILE = 0o660
SHARED_FOLDER = 0o2770  # setgid: what is made inside belongs to the app's group
STDOUT = "-"

# Well-known SIDs, not names: "Administrators" is spelt differently on some Windows
# languages, a SID never is.
SYSTEM_SID = "*S-1-5-18"
ADMINISTRATORS_SID = "*S-1-5-32-544"
# Removed explicitly too, should a copied-in file carry them: Everyone, Authenticated
# Users, Users.
BROAD_SIDS = ("*S-1-1-0", "*S-1-5-11", "*S-1-5-32-545")


@dataclass(frozen=True)
class Protection:
    """Who may read the app's files: the user alone, or the app's group on a shared PC."""

    file_mode: int
    folder_mode: int
    umask: int
    group: str | None = None

    @property
    def shared(self) -> bool:
        return self.group is not None


PRIVATE = Protection(PRIVATE_FILE, PRIVATE_FOLDER, PRIVATE_UMASK)


def shared(group: str) -> Protection:
    return Protection(SHARED_FILE, SHARED_FOLDER, SHARED_UMASK, group)


def protection() -> Protection:
    """The protection of this install's data location (desktop/config.py).

    A damaged location file falls back to the strictest protection here; the command
    that reads the location then reports the file (exit 2).
    """
    try:
        location = config.data_location()
    except UserError:
        return PRIVATE
    return shared(location.group) if location.shared and location.group else PRIVATE


def no_access(path: Path | str | None) -> UserError:
    """A file of the shop this account may not open: which one, and what to do."""
    where = str(path) if path else "?"
    try:
        location = config.data_location()
    except UserError:
        location = None
    in_shared = (
        location is not None
        and location.shared
        and path is not None
        and any(Path(path).is_relative_to(f) for f in (location.data, location.trust, location.log))
    )
    if location is not None and location.group is not None and in_shared:
        wanted = shared(location.group)
        return UserError(
            f"{where} を開く権限がありません。この PC の Revoke Desk を使うアカウントは"
            f"グループ「{wanted.group}」に入っている必要があります（管理者に依頼してください）",
            f"no permission to open {where}: an account that uses Revoke Desk on this PC "
            f"must be in the group {wanted.group!r} (ask the PC's administrator)",
        )
    return UserError(
        f"{where} を開く権限がありません。フォルダの権限を確認するか、データを作ったアカウントで"
        "実行してください",
        f"no permission to open {where}: check the folder's permissions, or run as the "
        "account that owns the shop's data",
    )


def use_private_umask() -> None:
    """Every file this process creates from now on is for the app's users only."""
    os.umask(protection().umask)


def _group_id(name: str) -> int | None:
    try:
        import grp  # noqa: PLC0415 - POSIX only

        return grp.getgrnam(name).gr_gid
    except (ImportError, KeyError):
        return None


def make_private(path: Path, wanted: Protection | None = None) -> None:
    """Set an existing file or folder to the app's modes; a missing path is left alone.

    On a shared PC another account's file may be ours to read but not to chmod: it
    was made with the same modes by that account, so a refusal is left at that.
    """
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode):
        return  # never follow a link to change someone else's file
    wanted = wanted or protection()
    folder = stat.S_ISDIR(mode)
    target = wanted.folder_mode if folder else wanted.file_mode
    with contextlib.suppress(PermissionError):
        if wanted.group is not None and sys.platform != "win32":
            gid = _group_id(wanted.group)
            if gid is not None and path.lstat().st_gid != gid:
                os.chown(path, -1, gid)
        if stat.S_IMODE(mode) != target:
            path.chmod(target)


def private_folder(path: Path, *, ours: bool, wanted: Protection | None = None) -> Path:
    """Make ``path`` (and missing parents) as a folder for the app's users only.

    An existing folder is set only when it is ``ours`` (the app's own data or log
    folder): a database the user placed in a shared folder must not change that
    folder's mode for everyone else.  On Windows a folder the app creates gets its
    protected DACL (:func:`protect_on_windows`).
    """
    wanted = wanted or protection()
    existed = path.is_dir()
    path.mkdir(parents=True, exist_ok=True, mode=wanted.folder_mode & 0o777)
    if ours or not existed:
        make_private(path, wanted)
    if not existed:
        protect_on_windows(path, folder=True, wanted=wanted)
    return path


def new_private_file(path: Path) -> int:
    """Create ``path`` (never an existing one) with the app's file mode; its descriptor.

    On Windows the file also gets the protected DACL (the station key: the one file
    whose protection must not rest on its folder alone).
    """
    wanted = protection()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, wanted.file_mode)
    protect_on_windows(path, folder=False, wanted=wanted)
    return fd


def windows_account() -> str:
    """The account running the app, as icacls names it (DOMAIN\\user)."""
    user = os.environ.get("USERNAME") or os.environ.get("USER") or "%USERNAME%"
    domain = os.environ.get("USERDOMAIN")
    return f"{domain}\\{user}" if domain else user


def icacls_commands(
    path: Path | str, *, folder: bool, wanted: Protection, account: str
) -> list[list[str]]:
    """The icacls command lines that give ``path`` a protected DACL (a pure function).

    Granted first, so that cutting inheritance never leaves the path without an entry
    for its user; then inheritance is cut (``/inheritance:r`` drops every inherited
    entry: the protected DACL); then the broad groups are removed should they have
    been set on the path itself.  Folders pass their entries on to what is made
    inside (``(OI)(CI)``).  Per-user: SYSTEM, Administrators and the account, full
    control.  Machine-wide: SYSTEM and Administrators, full control; the app's group,
    modify (read, write, delete — not change the permissions); no single account.
    """
    inherit = "(OI)(CI)" if folder else ""
    grantee, right = (wanted.group, "M") if wanted.group is not None else (account, "F")
    target = str(path)
    return [
        [
            "icacls",
            target,
            "/grant:r",
            f"{SYSTEM_SID}:{inherit}F",
            f"{ADMINISTRATORS_SID}:{inherit}F",
            f"{grantee}:{inherit}{right}",
            "/Q",
        ],
        ["icacls", target, "/inheritance:r", "/Q"],
        ["icacls", target, "/remove:g", *BROAD_SIDS, "/Q"],
    ]


def protect_on_windows(path: Path, *, folder: bool, wanted: Protection | None = None) -> bool:
    """Run :func:`icacls_commands` on Windows (elsewhere: nothing, False).

    A refusal is logged, not raised: the counter keeps working, and the per-user
    folder (%LOCALAPPDATA%) is private to its account by Windows' own default.
    """
    if sys.platform != "win32":
        return False
    commands = icacls_commands(
        path, folder=folder, wanted=wanted or protection(), account=windows_account()
    )
    for command in commands:
        try:
            result = subprocess.run(
                command,
                capture_output=True,
                text=True,
                errors="replace",
                check=False,
                # the GUI has no console: icacls must not flash one
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
            )
        except OSError as exc:
            log.warning("could not protect %s: icacls did not run (%s)", path, exc)
            return False
        if result.returncode != 0:
            log.warning(
                "could not protect %s: %s exited %s: %s",
                path,
                " ".join(command[2:]),
                result.returncode,
                (result.stderr or result.stdout).strip(),
            )
            return False
    return True


def make_database_private(db_file: Path) -> None:
    """The SQLite file and its WAL and shared-memory files: 0600 (shared: 0660)."""
    wanted = protection()
    for suffix in ("", "-wal", "-shm", "-journal"):
        make_private(db_file.with_name(db_file.name + suffix), wanted)


def is_stdout(path: Path | str) -> bool:
    return str(path) == STDOUT


def writable_target(path: Path) -> Path:
    """The regular file that a write to ``path`` will replace (or create).

    A symlink to a regular file writes to that file; anything else that is not a
    regular file — a device, a FIFO, a socket, a directory, a link to one — is refused.
    """
    # One lstat for the usual case, a regular file or nothing (every commit's witness
    # comes here: issue 11); a link is followed to what it names.
    target = path
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            target = Path(os.path.realpath(path))
            mode = os.stat(target).st_mode
    except FileNotFoundError:
        return target
    if not stat.S_ISREG(mode):
        raise UserError(
            f"{path} は通常のファイルではないため、上書きできません",
            f"{path} is not a regular file: refusing to write over it",
        )
    return target


def read_small_file(path: Path) -> bytes:
    """A small file's bytes, read in plain system calls (``Path.read_bytes`` builds a
    buffered file object around them: the witness reads so after every commit)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        chunks = [os.read(fd, max(os.fstat(fd).st_size + 1, 4096))]
        while chunks[-1]:  # grown since, or a file whose size the system does not tell
            chunks.append(os.read(fd, 65536))
    finally:
        os.close(fd)
    return b"".join(chunks)


# What ``open(path, "wb")`` asks of the system (binary on Windows, too).
_NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)


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
    # The system calls themselves, as ``open("wb")`` makes them (the same flags and
    # mode, the umask applying), without a buffered file object around them: the
    # witness is written so after every commit (issue 11).
    try:
        fd = os.open(temporary, _NEW_FILE_FLAGS, 0o666)
        try:
            left = memoryview(data)
            while left:  # a regular file takes it in one write; the loop is for the rest
                left = left[os.write(fd, left) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, target)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise


def write_folder_atomically(out_dir: Path, files: Mapping[str, bytes]) -> Path:
    """Write the files into ``out_dir`` (new, or an empty folder) atomically, fsynced.

    An export never mixes with other files, and a failure leaves nothing half-written:
    the files go into a hidden sibling, renamed to ``out_dir`` once every one is on disk.
    """
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise UserError(
            f"出力先 {out_dir} は空のフォルダではありません",
            f"{out_dir} exists and is not an empty folder",
        )
    if not out_dir.parent.is_dir():
        raise UserError(
            f"出力先の親フォルダ {out_dir.parent} がありません", f"no folder {out_dir.parent}"
        )
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.partial-", dir=out_dir.parent))
    try:
        for name, data in files.items():
            with (staging / name).open("wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        if out_dir.exists():
            out_dir.rmdir()
        staging.rename(out_dir)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise UserError(
            f"出力フォルダ {out_dir} を書けませんでした（{exc.strerror}）",
            f"cannot write the export folder {out_dir} ({exc.strerror})",
        ) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir


@contextlib.contextmanager
def exclusive_lock(path: Path, wanted: Protection | None = None) -> Iterator[None]:
    """Two processes on one PC (two windows, a script) take turns on ``path`` (a lock file)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, (wanted or protection()).file_mode)
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

"""The app's log: a rotating file in the user's log folder, never any personal data.

Log receipt numbers, outcomes, station and clerk codes — never names, addresses,
document numbers or signatures.

Several processes write the one file: the GUI, a shop script's CLI commands, a second
Windows account at the same counter.  The stdlib ``RotatingFileHandler`` rotates from
each process on its own: on Windows the rename fails while another process holds the
file (WinError 32, a "Logging error" traceback on every line after), and on Linux the
processes rotate each other's files away.  ``concurrent-log-handler`` takes a lock file
(``.__revoke-desk.lock``, beside the log) around every write and rotation, and the
file is opened for each write (Windows forces that anyway), so every OS runs the
code path the tests exercise.
"""

from __future__ import annotations

import logging
import os
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

from desktop import config
from desktop.files import make_private, private_folder, protection

LOG_FILE_NAME = "revoke-desk.log"
MAX_BYTES = 2_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_OURS = "_revoke_desk_handler"

log = logging.getLogger(__name__)


def setup_logging(*, verbose: bool = False) -> Path | None:
    """Log to the rotating file (if its folder can be made) and, with ``verbose``, to stderr."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    # Alembic narrates every start at INFO; only its warnings are worth keeping.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # portalocker logs each lock it waits for at DEBUG; keep its warnings only.
    logging.getLogger("portalocker").setLevel(logging.WARNING)
    for handler in list(root.handlers):
        if getattr(handler, _OURS, False):  # leave a host's handlers (pytest's) alone
            root.removeHandler(handler)
            handler.close()
    path: Path | None = config.log_dir() / LOG_FILE_NAME
    shared = True
    try:
        assert path is not None
        private_folder(path.parent, ours=True)
        if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
            # a shared log folder of a group this account is not in: no file log,
            # rather than a "Logging error" traceback on every line
            raise PermissionError(13, "Permission denied", str(path))
        file_handler, shared = _file_handler(path)
        for rotated in path.parent.glob(f"{LOG_FILE_NAME}*"):
            make_private(rotated)
        file_handler.setFormatter(logging.Formatter(FORMAT))
        _add(root, file_handler)
    except OSError:
        path = None  # a log that cannot be written must not stop the counter
    if verbose:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(logging.Formatter(FORMAT))
        _add(root, stream)
    if not shared:
        log.warning(
            "concurrent-log-handler is not installed: the log is rotated safely by one "
            "process only (reinstall Revoke Desk with its dependencies)"
        )
    return path


def _file_handler(path: Path) -> tuple[logging.Handler, bool]:
    """The rotating handler, and whether it is the one that is safe across processes.

    Without the package (an environment installed before it was a dependency) the
    stdlib handler keeps the counter logging, and a warning says so.
    """
    try:
        from concurrent_log_handler import (  # noqa: PLC0415 - the fallback needs the try
            ConcurrentRotatingFileHandler,
        )
    except ImportError:
        return (
            RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"),
            False,
        )
    handler = ConcurrentRotatingFileHandler(
        str(path),
        maxBytes=MAX_BYTES,
        backupCount=BACKUPS,
        encoding="utf-8",
        # the log, its rotations and the lock file: 0600 on POSIX (0660 on a shared PC)
        chmod=protection().file_mode,
        keep_file_open=False,  # as Windows runs it: no process holds the file between writes
    )
    return handler, True


def _add(root: logging.Logger, handler: logging.Handler) -> None:
    setattr(handler, _OURS, True)
    root.addHandler(handler)

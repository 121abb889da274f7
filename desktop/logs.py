"""The app's log: a rotating file in the user's log folder, never any personal data.

Log receipt numbers, outcomes, station and clerk codes — never names, addresses,
document numbers or signatures.
"""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

from desktop import config
from desktop.files import make_private, private_folder

LOG_FILE_NAME = "revoke-desk.log"
MAX_BYTES = 2_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_OURS = "_revoke_desk_handler"


def setup_logging(*, verbose: bool = False) -> Path | None:
    """Log to the rotating file (if its folder can be made) and, with ``verbose``, to stderr."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    # Alembic narrates every start at INFO; only its warnings are worth keeping.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    for handler in list(root.handlers):
        if getattr(handler, _OURS, False):  # leave a host's handlers (pytest's) alone
            root.removeHandler(handler)
            handler.close()
    path: Path | None = config.log_dir() / LOG_FILE_NAME
    try:
        assert path is not None
        private_folder(path.parent, ours=True)
        file_handler = RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
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
    return path


def _add(root: logging.Logger, handler: logging.Handler) -> None:
    setattr(handler, _OURS, True)
    root.addHandler(handler)

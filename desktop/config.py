"""Where things live: the database, the station keys and the log.

Each location is declared once here, with the environment variable that overrides
it (tests and shop scripts use those; the GUI never needs them).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_config_path, user_data_path, user_log_path
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from desktop.errors import UserError

APP_NAME = "revoke-desk"
DB_FILE_NAME = "revoke-desk.sqlite3"


@dataclass(frozen=True)
class Location:
    """One configurable location: its environment variable and what it is for."""

    env: str
    description: str


DB_URL = Location("REVOKE_DESK_DB", "database URL (default: SQLite file in the data folder)")
KEYS_DIR = Location(
    "REVOKE_DESK_KEYS", "folder of the station signing keys (default: beside the database)"
)
LOG_DIR = Location("REVOKE_DESK_LOG_DIR", "folder of the rotating log file")
TRUST_DIR = Location(
    "REVOKE_DESK_TRUST_DIR",
    "folder of this PC's pinned certificates and witnessed chain heads "
    "(default: the user's config folder, apart from the data folder)",
)
STATION = Location(
    "REVOKE_DESK_STATION", "this counter's station code, when the key folder holds several"
)


def data_dir() -> Path:
    return user_data_path(APP_NAME, appauthor=False)


def trust_dir() -> Path:
    override = os.environ.get(TRUST_DIR.env)
    return Path(override) if override else user_config_path(APP_NAME, appauthor=False) / "trust"


def log_dir() -> Path:
    override = os.environ.get(LOG_DIR.env)
    return Path(override) if override else user_log_path(APP_NAME, appauthor=False)


def resolve_db_url(explicit: str | None) -> str:
    if explicit:
        return explicit
    from_env = os.environ.get(DB_URL.env)
    if from_env:
        return from_env
    return f"sqlite:///{data_dir() / DB_FILE_NAME}"


def not_a_database_url(url: str) -> UserError:
    return UserError(
        f"データベースの指定 {url!r} が正しくありません（例: sqlite:///shop.sqlite3 "
        "または postgresql+psycopg://…）",
        f"{url!r} is not a database URL (e.g. sqlite:///shop.sqlite3 or postgresql+psycopg://…)",
    )


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL, or None for another engine or an in-memory database."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise not_a_database_url(url) from None
    if (
        parsed.get_backend_name() != "sqlite"
        or not parsed.database
        or parsed.database == ":memory:"
    ):
        return None
    return Path(parsed.database)


def resolve_keys_dir(explicit: str | None, db_url: str) -> Path:
    if explicit:
        return Path(explicit)
    from_env = os.environ.get(KEYS_DIR.env)
    if from_env:
        return Path(from_env)
    db_file = sqlite_file(db_url)
    if db_file is not None:
        return db_file.parent / "keys"
    return data_dir() / "keys"

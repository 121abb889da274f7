"""Where things live: the database, the station keys, the trust folder and the log.

Each location is declared once here, with the environment variable that overrides
it (tests and shop scripts use those; the GUI never needs them).

Two scopes, chosen at install:

* **per-user** (the default, one person at the counter): the user's own folders
  (platformdirs: ``~/.local/share/revoke-desk`` on Linux, ``%LOCALAPPDATA%\\revoke-desk``
  on Windows), private to that account.
* **machine-wide** (a counter PC where several OS accounts work the same shop): the
  installer writes a small location file — ``/etc/revoke-desk/location.json`` on Linux,
  ``%ProgramData%\\RevokeDesk\\location.json`` on Windows — naming the shared folders and
  the group of the app's users (``revoke-desk``; ``RevokeDesk Users``).  The file sits
  where only an administrator can write, apart from the data it points to, so a member
  of the group cannot redirect the shop elsewhere.  desktop/files.py then makes files
  readable and writable by that group instead of by the user alone.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from platformdirs import user_config_path, user_data_path, user_log_path

from desktop.errors import UserError

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

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


LOCATION_FILE = Location(
    "REVOKE_DESK_LOCATION_FILE",
    "the machine-wide location file the installer writes (an empty value: ignore it and "
    "use the per-user folders)",
)

LOCATION_FORMAT = 1
Scope = Literal["user", "machine"]
# The group of the app's users that the installers create (machine-wide scope).
LINUX_GROUP = "revoke-desk"
WINDOWS_GROUP = "RevokeDesk Users"


def _program_data() -> Path:
    return Path(os.environ.get("PROGRAMDATA") or r"C:\ProgramData")


def default_location_file() -> Path:
    """Where the installer writes the machine-wide location file on this OS."""
    if sys.platform == "win32":
        return _program_data() / "RevokeDesk" / "location.json"
    return Path("/etc/revoke-desk/location.json")


def machine_folders() -> dict[str, str]:
    """The folders an all-users install makes, as the installers write them."""
    if sys.platform == "win32":
        base = _program_data() / "RevokeDesk"
        return {
            "data_dir": str(base / "data"),
            "trust_dir": str(base / "trust"),
            "log_dir": str(base / "log"),
            "group": WINDOWS_GROUP,
        }
    return {
        "data_dir": "/var/lib/revoke-desk/data",
        "trust_dir": "/var/lib/revoke-desk/trust",
        "log_dir": "/var/log/revoke-desk",
        "group": LINUX_GROUP,
    }


@dataclass(frozen=True)
class DataLocation:
    """The folders in use, their scope and, machine-wide, the group that shares them."""

    scope: Scope
    data: Path
    trust: Path
    log: Path
    group: str | None = None
    source: Path | None = None  # the location file it was read from

    @property
    def shared(self) -> bool:
        return self.scope == "machine"

    def describe(self) -> str:
        """One line for --version and the About dialog."""
        if not self.shared:
            return f"{self.data} (ユーザーごと / per-user)"
        return (
            f"{self.data} (この PC の全ユーザー共通、グループ {self.group} / machine-wide, "
            f"group {self.group}; {self.source})"
        )


def user_location() -> DataLocation:
    return DataLocation(
        scope="user",
        data=user_data_path(APP_NAME, appauthor=False),
        trust=user_config_path(APP_NAME, appauthor=False) / "trust",
        log=user_log_path(APP_NAME, appauthor=False),
    )


def location_file() -> Path | None:
    """The machine-wide location file to read, or None (the env override is empty)."""
    override = os.environ.get(LOCATION_FILE.env)
    if override is None:
        return default_location_file()
    return Path(override) if override.strip() else None


def bad_location_file(path: Path, why: str, why_ja: str | None = None) -> UserError:
    return UserError(
        f"データの場所の設定ファイル {path} が正しくありません（{why_ja or why}）。"
        "インストーラーで修復するか、管理者に連絡してください",
        f"the data location file {path} is not valid ({why}): repair the install or ask "
        "the PC's administrator",
    )


def _read_json_file(path: Path, bad: Callable[[Path, str, str | None], UserError]) -> Any:
    """A small settings file of ours as JSON; None when it is not there, ``bad`` when it
    cannot be read or parsed (one clear line, exit 2)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise bad(path, exc.strerror or type(exc).__name__, None) from None
    try:
        return json.loads(raw.decode("utf-8-sig"))  # Windows tools like to write a BOM
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise bad(path, "not JSON", "JSON ではありません") from None


def read_location_file(path: Path) -> DataLocation | None:
    """The machine-wide location a file names; None when there is no file.

    ``{"format": 1, "scope": "machine", "data_dir": …, "trust_dir": …, "log_dir": …,
    "group": …}`` with absolute paths; ``"scope": "user"`` means the per-user folders.
    """
    document = _read_json_file(path, bad_location_file)
    if document is None:
        return None
    if not isinstance(document, dict) or document.get("format") != LOCATION_FORMAT:
        raise bad_location_file(
            path, f"not format {LOCATION_FORMAT}", f"format {LOCATION_FORMAT} ではありません"
        )
    scope = document.get("scope")
    if scope == "user":
        return user_location()
    if scope != "machine":
        raise bad_location_file(path, f"scope {scope!r}")
    folders: dict[str, Path] = {}
    for key in ("data_dir", "trust_dir", "log_dir"):
        value = document.get(key)
        if not isinstance(value, str) or not value or not Path(value).is_absolute():
            raise bad_location_file(path, f"{key} must be absolute", f"{key} は絶対パスが必要です")
        folders[key] = Path(value)
    group = document.get("group")
    if not isinstance(group, str) or not group.strip():
        raise bad_location_file(path, "no group", "group がありません")
    return DataLocation(
        scope="machine",
        data=folders["data_dir"],
        trust=folders["trust_dir"],
        log=folders["log_dir"],
        group=group,
        source=path,
    )


def data_location() -> DataLocation:
    """The machine-wide location when the installer chose one, else the per-user folders."""
    path = location_file()
    found = read_location_file(path) if path is not None else None
    return found or user_location()


def location_summary() -> str:
    """Which data location is in use, for --version; never raises (a bad file is named)."""
    try:
        return f"data: {data_location().describe()}"
    except UserError as exc:
        return f"data: {exc.en}"


def data_dir() -> Path:
    return data_location().data


def trust_dir() -> Path:
    override = os.environ.get(TRUST_DIR.env)
    return Path(override) if override else data_location().trust


def log_dir() -> Path:
    override = os.environ.get(LOG_DIR.env)
    return Path(override) if override else data_location().log


DATABASE_CHOICE_FILE = "database.json"
DATABASE_CHOICE_FORMAT = 1


def database_choice_file() -> Path:
    """Where the database chosen in the app is named (desktop.database_choice)."""
    return data_dir() / DATABASE_CHOICE_FILE


def saved_database_url() -> str | None:
    """The database chosen in the app (``{"format": 1, "url": …}``), None when none was."""
    path = database_choice_file()
    try:
        document = _read_json_file(path, _bad_choice)
    except UserError:
        if path.parent.exists() and not os.access(path.parent, os.R_OK | os.X_OK):
            # Another account's shop (a machine-wide folder of a group this account is
            # not in): opening the database then says so, with what to do.
            return None
        raise
    if document is None:
        return None
    if not isinstance(document, dict):
        raise _bad_choice(path, "not an object", "オブジェクトではありません")
    url = document.get("url")
    if document.get("format") != DATABASE_CHOICE_FORMAT or not isinstance(url, str) or not url:
        raise _bad_choice(path, "no url of format 1", "format 1 の url がありません")
    return url


def _bad_choice(path: Path, why: str, why_ja: str | None = None) -> UserError:
    return UserError(
        f"データベースの設定ファイル {path} が読めません（{why_ja or why}）。"
        "設定し直すか、ファイルを削除してください",
        f"the database choice file {path} cannot be read ({why}): choose again or delete it",
    )


def resolve_db_url(explicit: str | None) -> str:
    """``--db``, else ``REVOKE_DESK_DB``, else the database chosen in the app, else the
    SQLite file in the data folder."""
    if explicit:
        return explicit
    from_env = os.environ.get(DB_URL.env)
    if from_env:
        return from_env
    return saved_database_url() or f"sqlite:///{data_dir() / DB_FILE_NAME}"


def not_a_database_url(url: str) -> UserError:
    return UserError(
        f"データベースの指定 {url!r} が正しくありません（例: sqlite:///shop.sqlite3 "
        "または postgresql+psycopg://…）",
        f"{url!r} is not a database URL (e.g. sqlite:///shop.sqlite3 or postgresql+psycopg://…)",
    )


def _parsed(url: str) -> URL:
    """A database URL, parsed by SQLAlchemy — imported here, not with this module: the
    lock screen reads the settings (and so this module) before the core is imported
    (ui.app, issue 11's cold start; tests/gui/test_cold_start.py)."""
    from sqlalchemy.engine import make_url  # noqa: PLC0415
    from sqlalchemy.exc import ArgumentError  # noqa: PLC0415

    try:
        return make_url(url)
    except ArgumentError:
        raise not_a_database_url(url) from None


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL, or None for another engine or an in-memory database."""
    parsed = _parsed(url)
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


def database_label(url: str) -> str:
    """The database as a clerk can name it on the phone: the file, or server/database."""
    db_file = sqlite_file(url)
    if db_file is not None:
        return db_file.name
    parsed = _parsed(url)
    if parsed.get_backend_name() == "sqlite":
        return "sqlite (memory)"
    return f"{parsed.host or 'localhost'}/{parsed.database or ''}"

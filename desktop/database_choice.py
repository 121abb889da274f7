"""Which database this PC's Revoke Desk uses, chosen in the app rather than in an
environment variable: the embedded SQLite file (the default) or a shop's PostgreSQL server.

The choice is a small file in the data folder, ``database.json``: the URL **without** a
password.  The password of a server goes where PostgreSQL's own client library looks for it,
the password file (``~/.pgpass``, on Windows ``%APPDATA%\\postgresql\\pgpass.conf``, or
``PGPASSFILE``), readable by this account only; psycopg reads it when it connects.  So no
file of ours holds a password in clear, and ``REVOKE_DESK_DB`` still overrides everything
for scripts.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from desktop import config
from desktop.errors import UserError
from desktop.files import make_private, write_atomically

POSTGRES_DRIVER = "postgresql+psycopg"
DEFAULT_PORT = 5432
CONNECT_TIMEOUT_S = 5


@dataclass(frozen=True)
class ServerDetails:
    """A PostgreSQL server as a clerk types it on the settings screen."""

    host: str
    port: int
    database: str
    user: str

    def url(self) -> str:
        """The URL without any password (that goes to the password file)."""
        return URL.create(
            POSTGRES_DRIVER,
            username=self.user,
            host=self.host,
            port=self.port,
            database=self.database,
        ).render_as_string(hide_password=False)


def check_server_details(host: str, port: str, database: str, user: str) -> ServerDetails:
    """The typed fields as :class:`ServerDetails`, or a UserError saying which is wrong."""
    if not host.strip():
        raise UserError("サーバー名（ホスト）を入力してください", "type the server's host name")
    if not database.strip():
        raise UserError("データベース名を入力してください", "type the database name")
    if not user.strip():
        raise UserError("ユーザー名を入力してください", "type the user name")
    try:
        number = int(port) if port.strip() else DEFAULT_PORT
    except ValueError:
        number = 0
    if not 1 <= number <= 65535:
        raise UserError("ポート番号は1〜65535の数字です", "the port is a number from 1 to 65535")
    return ServerDetails(host.strip(), number, database.strip(), user.strip())


def password_file() -> Path:
    """Where libpq (and so psycopg) reads passwords: PGPASSFILE, else its own default."""
    override = os.environ.get("PGPASSFILE")
    if override:
        return Path(override)
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", str(Path.home()))) / "postgresql" / "pgpass.conf"
    return Path.home() / ".pgpass"


def _escaped(field: str) -> str:
    # The password file's own quoting: ':' and '\' are escaped with '\'.
    return field.replace("\\", "\\\\").replace(":", "\\:")


def store_password(details: ServerDetails, password: str) -> Path:
    """Put the server's password in the password file (one line per server and user).

    The line for the same host, port, database and user is replaced; other lines are
    kept as they are.  The file is this account's only (0600; ACLs on Windows).
    """
    path = password_file()
    key = ":".join(
        _escaped(part) for part in (details.host, str(details.port), details.database, details.user)
    )
    try:
        lines = path.read_text("utf-8").splitlines()
    except FileNotFoundError:
        lines = []
    except OSError as exc:
        raise UserError(
            f"パスワードファイル {path} を読めません（{exc.strerror}）",
            f"cannot read the password file {path} ({exc.strerror})",
        ) from exc
    kept = [line for line in lines if not line.startswith(key + ":")]
    kept.append(f"{key}:{_escaped(password)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_atomically(path, ("\n".join(kept) + "\n").encode("utf-8"))
        make_private(path)
        if sys.platform != "win32":
            path.chmod(0o600)  # libpq ignores a password file others can read
    except OSError as exc:
        raise UserError(
            f"パスワードファイル {path} に書けません（{exc.strerror}）",
            f"cannot write the password file {path} ({exc.strerror})",
        ) from exc
    return path


def without_password(url: str) -> str:
    """``url`` with any password taken out (what may be saved or shown)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise config.not_a_database_url(url) from None
    # (URL.set(password=None) would keep it: None there means "unchanged".)
    return parsed._replace(password=None).render_as_string(hide_password=False)


def check_connection(url: str) -> None:
    """Connect once and run ``SELECT 1``; a UserError says why it failed, in words."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise config.not_a_database_url(url) from None
    arguments = (
        {"connect_timeout": CONNECT_TIMEOUT_S} if parsed.get_backend_name() == "postgresql" else {}
    )
    try:
        engine = create_engine(parsed, connect_args=arguments)
    except (ArgumentError, NoSuchModuleError):
        raise config.not_a_database_url(url) from None
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:200]
        raise UserError(
            f"データベースに接続できません: {reason}",
            f"cannot connect to the database: {reason}",
        ) from None
    finally:
        engine.dispose()


def save_choice(url: str) -> Path:
    """Use ``url`` (no password in it) from the next start on; returns the file written."""
    clean = without_password(url)
    if make_url(url).password is not None:
        raise UserError(
            "パスワードはURLに含めず、パスワードファイルに保存してください",
            "keep the password out of the URL: it goes to the password file",
        )
    path = config.database_choice_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"format": config.DATABASE_CHOICE_FORMAT, "url": clean}
    write_atomically(path, (json.dumps(document, ensure_ascii=False) + "\n").encode("utf-8"))
    make_private(path)
    return path


def use_this_pc() -> None:
    """Back to the embedded SQLite file in the data folder (the choice file removed)."""
    config.database_choice_file().unlink(missing_ok=True)

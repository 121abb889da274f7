"""Engine and session set-up for SQLite (the embedded default) and PostgreSQL.

SQLite is tuned so that a committed intake survives a power cut and two windows
on one PC do not fail on a lock:

* ``journal_mode=WAL`` (persists in the file), ``synchronous=FULL``,
  ``foreign_keys=ON`` and ``busy_timeout`` (all three per connection, so they are
  set on every pooled connection as it is opened);
* every write transaction starts with ``BEGIN IMMEDIATE``: the write lock is taken
  up front, so two writers queue on ``busy_timeout`` instead of one failing with
  "database is locked" when it upgrades a read lock.  Python 3.11's sqlite3 module
  would otherwise issue its own deferred BEGIN (or none before reads), hence
  ``isolation_level=None`` and the ``begin`` listener, as SQLAlchemy's SQLite
  dialect documentation describes.  Sessions made from :func:`read_only` use a
  plain deferred ``BEGIN`` so that browsing never waits for a writer.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

BUSY_TIMEOUT_MS = 10_000
READ_ONLY_OPTION = "revoke_desk_read_only"

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
)


def is_sqlite(engine_or_url: Engine | str) -> bool:
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    return url.get_backend_name() == "sqlite"


def make_engine(url: str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` with this project's connection rules."""
    if is_sqlite(url):
        engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000}, **kwargs)
        _install_sqlite_listeners(engine, busy_timeout_ms)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _install_sqlite_listeners(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
        # Take transaction control away from the sqlite3 module (see module doc).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            for pragma in SQLITE_PRAGMAS:
                cursor.execute(pragma)
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get(READ_ONLY_OPTION):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for writes: one ``with factory.begin() as session:`` per user action."""
    return sessionmaker(engine, expire_on_commit=False)


def read_only(engine: Engine) -> sessionmaker[Session]:
    """Sessions for reads that must never wait on a writer's lock."""
    return sessionmaker(
        engine.execution_options(**{READ_ONLY_OPTION: True}), expire_on_commit=False
    )

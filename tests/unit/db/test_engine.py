"""SQLite connection rules hold on every pooled connection (QUALITY.md reliability 11)."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from db.engine import BUSY_TIMEOUT_MS, make_engine, read_only, session_factory


def _pragmas(conn) -> dict[str, object]:
    return {
        name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
        for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
    }


def test_every_pooled_connection_has_the_pragmas(db_url):
    engine = make_engine(db_url, pool_size=3, max_overflow=0)
    try:
        # Hold three connections at once so the pool must open three distinct ones.
        conns = [engine.connect() for _ in range(3)]
        seen = []
        for conn in conns:
            seen.append(_pragmas(conn))
            conn.rollback()
        raw_ids = {id(c.connection.dbapi_connection) for c in conns}
        for conn in conns:
            conn.close()
    finally:
        engine.dispose()
    assert len(raw_ids) == 3
    for pragmas in seen:
        # synchronous: 2 is FULL.
        assert pragmas == {
            "journal_mode": "wal",
            "synchronous": 2,
            "foreign_keys": 1,
            "busy_timeout": BUSY_TIMEOUT_MS,
        }


def test_write_transactions_begin_immediate(db_url, tmp_path):
    """While a session is open (even before it writes) another writer cannot take the lock."""
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        sessions = session_factory(engine)
        with sessions.begin() as session:
            session.execute(text("SELECT count(*) FROM t"))  # a read only
            other = sqlite3.connect(tmp_path / "shop.sqlite3", timeout=0, isolation_level=None)
            try:
                try:
                    other.execute("BEGIN IMMEDIATE")
                    locked = False
                except sqlite3.OperationalError as exc:
                    locked = "locked" in str(exc)
            finally:
                other.close()
        assert locked, "the session's transaction did not take the write lock up front"
    finally:
        engine.dispose()


def test_read_only_sessions_do_not_wait_for_a_writer(db_url, tmp_path):
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            conn.exec_driver_sql("INSERT INTO t VALUES (1)")
        writer = sqlite3.connect(tmp_path / "shop.sqlite3", isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO t VALUES (2)")
        result: list[int] = []

        def read() -> None:
            with read_only(engine).begin() as session:
                result.append(session.execute(text("SELECT count(*) FROM t")).scalar_one())

        reader = threading.Thread(target=read)
        reader.start()
        reader.join(timeout=5)
        writer.execute("ROLLBACK")
        writer.close()
        # The reader saw the committed row only, and did not block on the writer.
        assert not reader.is_alive()
        assert result == [1]
    finally:
        engine.dispose()


def test_foreign_keys_are_enforced(db_url):
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
            conn.exec_driver_sql("CREATE TABLE child (p INTEGER REFERENCES parent(id))")
        with pytest.raises(IntegrityError, match="FOREIGN KEY"), engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO child VALUES (42)")
    finally:
        engine.dispose()

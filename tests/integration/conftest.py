"""PostgreSQL fixtures: a fresh database of its own for every test.

``./test`` starts a throw-away server (tests/support/postgres.sh) and exports its URL
as ``REVOKE_DESK_TEST_PG``.  Without it the tests marked ``postgres`` skip on a
developer's machine but fail on CI (``CI`` set), so a broken server start can never
turn the shop-chain tests into silent skips.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

PG_ENV = "REVOKE_DESK_TEST_PG"
TEST_DB_PREFIX = "revoke_desk_test_"


def _on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Engine]:
    """An AUTOCOMMIT engine on the test server's ``postgres`` database (for CREATE DATABASE)."""
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        message = (
            f"{PG_ENV} is not set: the PostgreSQL tests need the server that ./test starts "
            "(tests/support/postgres.sh: start_test_postgres)"
        )
        if _on_ci():
            pytest.fail(f"{message}; on CI (CI={os.environ['CI']}) they must run, not skip")
        pytest.skip(message)
    engine = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        engine.dispose()
        pytest.fail(f"cannot reach the PostgreSQL test server at {PG_ENV}={url}: {exc.orig}")
    yield engine
    engine.dispose()


@pytest.fixture
def pg_url(pg_server: Engine) -> Iterator[str]:
    """The URL of a new, empty database, dropped (with any connection left on it) afterwards."""
    name = f"{TEST_DB_PREFIX}{uuid.uuid4().hex}"
    with pg_server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(pg_server.url).set(database=name).render_as_string(hide_password=False)
    finally:
        with pg_server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

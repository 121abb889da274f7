"""The schema is made only by the migrations, and matches the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from db import migrate
from db.engine import make_engine
from db.models import Base


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def test_upgrade_creates_every_table_and_is_idempotent(engine):
    assert migrate.current_revision(engine) is None
    migrate.upgrade(engine)
    migrate.upgrade(engine)  # a second start changes nothing
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


def test_the_known_revisions_are_the_scripts_revisions():
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(migrate._config())
    assert tuple(reversed([rev.revision for rev in scripts.walk_revisions()])) == (
        migrate.KNOWN_REVISIONS
    )


def test_schema_head_constant_is_the_real_head():
    assert migrate.head_revision() == migrate.SCHEMA_HEAD


def test_migrated_schema_matches_the_models(engine):
    migrate.upgrade(engine)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert differences == []


def test_downgrade_to_base_and_up_again(engine):
    migrate.upgrade(engine)
    migrate.downgrade(engine, "base")
    assert not {"ledger_entry", "intake"} & set(inspect(engine).get_table_names())
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()


@pytest.mark.parametrize("table", ["ledger_entry", "intake"])
@pytest.mark.parametrize("statement", ["UPDATE {t} SET station = station", "DELETE FROM {t}"])
def test_append_only_tables_refuse_changes(ctx, table, statement):
    from tests.conftest import example_document
    from tests.support.intakes import commit_document

    commit_document(ctx, example_document())
    with ctx.engine.connect() as conn:
        before = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    with pytest.raises(IntegrityError, match="append-only"), ctx.engine.begin() as conn:
        conn.execute(text(statement.format(t=table)))
    with ctx.engine.connect() as conn:
        assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == before


def test_a_database_made_by_schema_0001_upgrades_and_still_verifies(tmp_path):
    """A shop's database from the first release opens, upgrades and keeps its chain."""
    import shutil

    from desktop.app import AppContext
    from desktop.verification import verify_all

    source = Path(__file__).resolve().parents[2] / "data" / "schema_0001"
    shutil.copytree(source, tmp_path / "shop")
    url = f"sqlite:///{tmp_path / 'shop' / 'shop.sqlite3'}"
    ctx = AppContext.open(url, tmp_path / "shop" / "keys")
    try:
        assert migrate.current_revision(ctx.engine) == migrate.head_revision()
        with ctx.reading() as session:
            report = verify_all(session, ctx.keys_dir)
            receipts = session.execute(text("SELECT receipt, outcome FROM intake ORDER BY 1")).all()
        assert report.ok, report.lines()
        assert [tuple(r) for r in receipts] == [
            ("S01-20261127-0001", "accepted"),
            ("S01-20261127-0002", "refused"),
        ]
    finally:
        ctx.close()


SCHEMA_0002_RECEIPTS = [
    ("S01-20261127-0001", "accepted"),
    ("S01-20261127-0002", "accepted"),
    ("S01-20261127-0003", "refused"),
    ("S01-20261127-0004", "accepted"),
]


def test_a_database_made_by_schema_0002_upgrades_and_still_verifies(tmp_path):
    """A shop's database from the release with the slip table opens, upgrades and verifies.

    Made with the app at schema 0002 (commit 5dd4d53) as tests/conftest.py sets up a shop
    — ``set_up_shop`` on the test ``Clock``, the test key passphrase — then through
    ``commit_document``: 山田 太郎 / ヤマダ タロウ (accepted, its thermal slip issued),
    佐々木 健 / ササキ ケン (accepted), 田中 美咲 / タナカ ミサキ (refused), 鈴木 花子 with no
    reading (accepted, then voided 二重登録 by M01), five minutes apart.
    """
    import shutil

    from desktop.app import AppContext
    from desktop.verification import verify_all

    source = Path(__file__).resolve().parents[2] / "data" / "schema_0002"
    shutil.copytree(source, tmp_path / "shop")
    url = f"sqlite:///{tmp_path / 'shop' / 'shop.sqlite3'}"
    ctx = AppContext.open(url, tmp_path / "shop" / "keys")
    try:
        assert migrate.current_revision(ctx.engine) == migrate.head_revision()
        with ctx.reading() as session:
            report = verify_all(session, ctx.keys_dir)
            receipts = session.execute(text("SELECT receipt, outcome FROM intake ORDER BY 1")).all()
        assert report.ok, report.lines()
        assert [tuple(r) for r in receipts] == SCHEMA_0002_RECEIPTS
    finally:
        ctx.close()

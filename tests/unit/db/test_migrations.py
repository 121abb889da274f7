"""The schema is made only by the migrations, and matches the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
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


def _open_kept(tmp_path: Path, schema: str):
    """A copy of a kept database (tests/data/<schema>), opened as the app opens it."""
    import shutil

    from desktop.app import AppContext

    shutil.copytree(Path(__file__).resolve().parents[2] / "data" / schema, tmp_path / "shop")
    url = f"sqlite:///{tmp_path / 'shop' / 'shop.sqlite3'}"
    return AppContext.open(url, tmp_path / "shop" / "keys")


def test_a_database_made_by_schema_0001_upgrades_and_still_verifies(tmp_path):
    """A shop's database from the first release opens, upgrades and keeps its chain."""
    from desktop.verification import verify_all

    ctx = _open_kept(tmp_path, "schema_0001")
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
        _assert_every_person_has_its_tokens(ctx)
        assert _found(ctx, "やまだたろう") == ["S01-20261127-0002", "S01-20261127-0001"]
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
    from desktop.verification import verify_all

    ctx = _open_kept(tmp_path, "schema_0002")
    try:
        assert migrate.current_revision(ctx.engine) == migrate.head_revision()
        with ctx.reading() as session:
            report = verify_all(session, ctx.keys_dir)
            receipts = session.execute(text("SELECT receipt, outcome FROM intake ORDER BY 1")).all()
        assert report.ok, report.lines()
        assert [tuple(r) for r in receipts] == SCHEMA_0002_RECEIPTS
        _assert_every_person_has_its_tokens(ctx)
        assert _found(ctx, "ササキ") == ["S01-20261127-0002"]
        assert _found(ctx, "田中美咲") == ["S01-20261127-0003"]
        assert _found(ctx, "花子") == ["S01-20261127-0004"]  # no reading: the name alone
        assert _found(ctx, "小泉") == []
    finally:
        ctx.close()


SCHEMA_0003_RECEIPTS = [
    ("S01-20261127-0001", "accepted"),
    ("S01-20261127-0002", "accepted"),
    ("S01-20261127-0003", "accepted"),
    ("S01-20261127-0004", "refused"),
    ("S01-20261127-0005", "accepted"),
]


def test_a_database_made_by_schema_0003_opens_at_head_and_still_verifies(tmp_path):
    """A shop's database from the release with the name tokens (and nine languages).

    Made with the app at schema 0003 (commit 6893c8c) as tests/conftest.py sets up a shop,
    then through ``commit_document``, five minutes apart: 山田 太郎 / ヤマダ タロウ (accepted,
    its thermal slip issued), グエン ヴァン アン (accepted, statement in Vietnamese),
    佐々木 健 / ササキ ケン (a repair), 田中 美咲 / タナカ ミサキ (refused), 鈴木 花子 with no
    reading (accepted, then voided 二重登録 by M01).  Kept so that the next schema's
    migration is tested from a real database of this one, as 0001 and 0002 are.
    """
    from desktop.verification import verify_all

    ctx = _open_kept(tmp_path, "schema_0003")
    try:
        assert migrate.current_revision(ctx.engine) == migrate.head_revision()
        with ctx.reading() as session:
            report = verify_all(session, ctx.keys_dir)
            receipts = session.execute(text("SELECT receipt, outcome FROM intake ORDER BY 1")).all()
        assert report.ok, report.lines()
        assert [tuple(r) for r in receipts] == SCHEMA_0003_RECEIPTS
        _assert_every_person_has_its_tokens(ctx)
        assert _found(ctx, "グエン") == ["S01-20261127-0002"]
        assert _found(ctx, "ささきけん") == ["S01-20261127-0003"]
        assert _found(ctx, "小泉") == []
    finally:
        ctx.close()


def _found(ctx, text: str) -> list[str]:
    from desktop.history import HistoryQuery, search

    with ctx.reading() as session:
        return [row.receipt for row in search(session, HistoryQuery(text=text))]


def _assert_every_person_has_its_tokens(ctx) -> None:
    """The upgrade cut, for every person already recorded, what a commit would write now."""
    from db.models import Person, PersonNameToken
    from desktop.name_tokens import name_tokens

    with ctx.reading() as session:
        people = session.execute(select(Person.receipt, Person.name, Person.data)).all()
        stored: dict[str, list[str]] = {}
        for receipt, token in session.execute(
            select(PersonNameToken.receipt, PersonNameToken.token).order_by(
                PersonNameToken.receipt, PersonNameToken.token
            )
        ):
            stored.setdefault(receipt, []).append(token)
    assert people
    assert stored == {
        receipt: name_tokens(name, str(data.get("kana") or "")) for receipt, name, data in people
    }


def test_the_name_token_revision_goes_down_and_up_on_data(tmp_path):
    """0003 down to 0002 and back keeps the people and cuts the same tokens again."""
    ctx = _open_kept(tmp_path, "schema_0002")
    try:
        migrate.downgrade(ctx.engine, "0002")
        names = inspect(ctx.engine)
        assert "person_name_token" not in names.get_table_names()
        assert "ix_person_name" in {index["name"] for index in names.get_indexes("person")}
        migrate.upgrade(ctx.engine)
        assert migrate.current_revision(ctx.engine) == "0003"
        _assert_every_person_has_its_tokens(ctx)
        assert "ix_person_name" not in {
            index["name"] for index in inspect(ctx.engine).get_indexes("person")
        }
    finally:
        ctx.close()


def test_the_upgrade_cuts_tokens_a_batch_at_a_time(engine):
    """More people than one batch of the upgrade (1,000): every one gets its tokens."""
    import sqlite3

    migrate.upgrade(engine, "0002")
    people = [
        (
            f"S01-20261127-{n:04d}",
            bytes(16),
            '{"kana": "ヤマダ"}' if n % 2 else "{}",
            f"山田 {n}",
            "2026-11-27 01:00:00.000000",
        )
        for n in range(1, 1202)
    ]
    # Person rows alone (their intakes do not matter here): foreign keys off, plain sqlite3.
    with sqlite3.connect(str(engine.url.database)) as conn:
        conn.executemany("INSERT INTO person VALUES (?, ?, ?, ?, ?)", people)
    migrate.upgrade(engine)
    with engine.connect() as conn:
        counts = dict(
            conn.exec_driver_sql(
                "SELECT receipt, count(*) FROM person_name_token GROUP BY receipt"
            ).all()
        )
    assert len(counts) == len(people)
    assert counts["S01-20261127-0001"] == len("山田1") + len("ヤマダ")
    assert counts["S01-20261127-0002"] == len("山田2")

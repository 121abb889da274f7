"""What a commit reads under the chain lock, now in one statement (desktop.intake's
_COMMIT_READS, issue 11): the clerk's state, the day's last number, every station's head.

Each answer must still be this station's, this day's and this clerk's: a fused read
that mixed rows of another station or day would number or chain an intake wrongly.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import Intake, LedgerEntry
from desktop.app import AppContext
from desktop.clerks import deactivate_clerk
from desktop.errors import ValidationFailed
from tests.conftest import Clock, example_document, set_up_shop
from tests.integration.test_ledger_stream import add_station
from tests.support.intakes import commit_document


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def shop(request: pytest.FixtureRequest, tmp_path: Path, clock: Clock) -> Iterator[AppContext]:
    """The conftest's shop, on SQLite and on PostgreSQL (where the lock is a row lock)."""
    if request.param == "sqlite":
        yield request.getfixturevalue("ctx")
        return
    ctx = AppContext.open(request.getfixturevalue("pg_url"), tmp_path / "keys", clock=clock)
    set_up_shop(ctx)
    yield ctx
    ctx.close()


def test_numbers_count_per_station_and_day_and_entries_witness_the_other_chain(shop, clock):
    add_station(shop, clock, "S02")
    first = [commit_document(shop, example_document(), code) for code in ("S01", "S01", "S02")]
    assert [r.number.rsplit("-", 1)[1] for r in first] == ["0001", "0002", "0001"]
    clock.advance(hours=24)
    nxt = commit_document(shop, example_document(), "S01")
    assert nxt.number.endswith("-0001") and nxt.number != first[0].number
    assert nxt.seq == first[1].seq + 1
    with shop.reading() as session:
        body = json.loads(
            session.scalars(
                select(LedgerEntry.body).where(
                    LedgerEntry.station == "S01", LedgerEntry.seq == nxt.seq
                )
            ).one()
        )
    assert body["heads"] == {"S02": [first[2].seq, first[2].entry_hash]}


def test_an_inactive_clerk_is_refused_and_nothing_is_written(shop, clock):
    commit_document(shop, example_document())
    with shop.transaction() as session:
        deactivate_clerk(session, shop.signer(), code="C01", by="M01", now=clock())
    with pytest.raises(ValidationFailed) as refused:
        commit_document(shop, example_document())
    (problem,) = refused.value.problems
    assert problem.field == "clerk" and problem.en == "C01 is not an active clerk"
    with shop.reading() as session:
        assert len(session.scalars(select(Intake)).all()) == 1


def test_an_unknown_clerk_is_refused(shop):
    document = example_document()
    document["clerk"] = "C99"
    with pytest.raises(ValidationFailed) as refused:
        commit_document(shop, document)
    assert refused.value.problems[0].ja == "担当者 C99 は登録されていないか無効です"

"""First set-up: the shop, a station, its key, the first manager."""

from __future__ import annotations

import pytest

from desktop.app import AppContext
from desktop.errors import UserError, ValidationFailed
from desktop.setup import ShopDetails, initialise
from desktop.verification import verify_all
from tests.conftest import MANAGER_PIN, example_document
from tests.support.intakes import commit_document


def _init(ctx, station="S02", shop=None, pin=MANAGER_PIN, manager="M01"):
    with ctx.transaction() as session:
        return initialise(
            session,
            keys_dir=ctx.keys_dir,
            shop=shop or ShopDetails(name="別の店"),
            station=station,
            manager_code=manager,
            manager_name="",
            manager_pin=pin,
            now=ctx.clock(),
        )


def test_a_second_station_joins_the_shop_with_its_own_chain(ctx):
    signer = _init(ctx)
    assert signer.station == "S02"
    with ctx.reading() as session:
        assert ctx.shop(session).name == "リボーク質店 千代田店"  # the shop is kept
    receipt = commit_document(ctx, example_document(), station="S02")
    assert receipt.number == "S02-20261127-0001"
    with ctx.reading() as session:
        report = verify_all(session, ctx.keys_dir)
    assert report.ok
    assert [(s.station, s.entries) for s in report.stations] == [("S01", 3), ("S02", 2)]


def test_a_second_station_needs_the_existing_managers_pin(ctx):
    with pytest.raises(UserError, match="wrong clerk code or PIN"):
        _init(ctx, pin="9999")


def test_the_same_station_cannot_be_set_up_twice(ctx):
    with pytest.raises(UserError, match="already set up"):
        _init(ctx, station="S01")


@pytest.mark.parametrize(
    ("shop", "field"),
    [
        (ShopDetails(name=""), "shop_name"),
        (ShopDetails(name="店", timezone="Mars/Olympus"), "timezone"),
        (ShopDetails(name="店\u202e"), "shop_name"),
    ],
)
def test_bad_shop_details_name_the_field(db_url, tmp_path, shop, field):
    ctx = AppContext.open(db_url, tmp_path / "keys", create=True)
    try:
        with pytest.raises(ValidationFailed) as caught:
            _init(ctx, station="S01", shop=shop)
    finally:
        ctx.close()
    assert [p.field for p in caught.value.problems] == [field]
    assert not (tmp_path / "keys" / "S01.key.pem").exists()


@pytest.mark.parametrize("station", ["s01", "S-01", "STATION001", ""])
def test_bad_station_codes(ctx, station):
    with pytest.raises(UserError, match="station code"):
        _init(ctx, station=station)


def test_shop_details_change_is_a_ledger_entry_and_verifies(ctx):
    import json

    from sqlalchemy import select

    from db.models import LedgerEntry
    from desktop.setup import update_shop

    with ctx.transaction() as session:
        update_shop(
            session,
            ctx.signer(),
            ShopDetails(name="新しい店名", phone="03-1111-2222"),
            manager="M01",
            now=ctx.clock(),
        )
    ctx.forget_shop_profile()
    assert ctx.shop_profile().name == "新しい店名"
    with ctx.reading() as session:
        body = json.loads(
            session.scalars(
                select(LedgerEntry.body).where(LedgerEntry.kind == "settings_changed")
            ).one()
        )
        assert verify_all(session, ctx.keys_dir).ok
    assert body["shop"]["phone"] == "03-1111-2222"
    assert body["by"] == "M01"

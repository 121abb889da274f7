"""Clerk state replayed from the chain: old databases, chain order across stations."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from db.models import Clerk
from desktop import clerk_ledger, ledger
from desktop.app import AppContext
from desktop.clerks import Role, reset_pin
from desktop.errors import UserError
from desktop.verification import verify_all
from tests.conftest import Clock

OLD = Path(__file__).resolve().parents[2] / "data" / "schema_0001"


@pytest.fixture
def old_shop(tmp_path: Path, clock: Clock) -> AppContext:
    """The first release's database: entries without PIN digests, a 4-digit manager PIN."""
    shutil.copytree(OLD, tmp_path / "shop")
    ctx = AppContext.open(
        f"sqlite:///{tmp_path / 'shop' / 'shop.sqlite3'}", tmp_path / "shop" / "keys", clock=clock
    )
    yield ctx
    ctx.close()


def copy_hash(ctx: AppContext, source: str, target: str) -> None:
    with ctx.transaction() as session:
        copied = session.get(Clerk, source)
        row = session.get(Clerk, target)
        assert copied is not None and row is not None
        row.pin_hash = copied.pin_hash


def test_an_old_database_keeps_working_and_verify_notes_the_unbound_pins(old_shop):
    # The manager's 4-digit PIN of the first release still unlocks: the 6-digit rule is
    # for PINs set from now on.
    assert old_shop.authenticate("M01", "1234", require=Role.MANAGER).code == "M01"
    assert old_shop.authenticate("C01", "5678").code == "C01"
    with old_shop.reading() as session:
        report = verify_all(session, old_shop.keys_dir)
    assert report.ok, report.lines()
    assert any("PINs of C01, M01 are not bound" in note for note in report.notes)
    assert any("before additions needed a manager's approval: C01" in n for n in report.notes)


def test_an_old_database_binds_role_and_active_at_once_and_a_pin_at_its_reset(old_shop):
    with old_shop.transaction() as session:
        clerk = session.get(Clerk, "C01")
        assert clerk is not None
        clerk.role = "manager"
    with pytest.raises(UserError, match="does not match the ledger"):
        old_shop.authenticate("C01", "5678")
    with old_shop.transaction() as session:
        clerk = session.get(Clerk, "C01")
        assert clerk is not None
        clerk.role = "clerk"
        reset_pin(
            session, old_shop.signer(), code="M01", pin="246813", by="M01", now=old_shop.clock()
        )
    # M01's PIN is bound now: C01's hash copied onto it opens nothing.
    copy_hash(old_shop, "C01", "M01")
    with pytest.raises(UserError, match="does not match the ledger"):
        old_shop.authenticate("M01", "5678")
    with old_shop.reading() as session:
        report = verify_all(session, old_shop.keys_dir)
    assert any("clerk M01 does not match the ledger" in f for f in report.clerk_findings)
    assert any("PINs of C01 are not bound" in note for note in report.notes)


def test_once_pins_are_bound_an_old_style_entry_is_refused(ctx):
    with ctx.transaction() as session:
        ledger.append(
            session,
            ctx.signer(),
            ledger.EntryKind.CLERK_CHANGED,
            {"code": "C01", "change": "pin_reset", "by": "M01"},  # no state: unbinds the PIN
            now=ctx.clock(),
            subject="C01",
        )
    with ctx.reading() as session:
        report = verify_all(session, ctx.keys_dir)
    assert any("without a PIN digest" in finding for finding in report.clerk_findings)


def _placed(station: str, seq: int, minute: int, heads: dict[str, list[object]] | None = None):
    body: dict[str, object] = {"code": f"{station}{seq}"}
    if heads:
        body["heads"] = heads
    at = datetime(2026, 11, 27, 1, minute, tzinfo=UTC)
    return clerk_ledger.Placed(station, seq, "clerk_added", f"{station}{seq}", at, body)


def test_chain_order_is_by_time_but_never_before_what_an_entry_saw():
    a1, a2 = _placed("S01", 1, 10), _placed("S01", 2, 20)
    # S02's clock runs behind: its entry says 01:05 but it had seen S01 up to #2.
    b1 = _placed("S02", 1, 5, heads={"S01": [2, "ab" * 32]})
    b2 = _placed("S02", 2, 6)
    order = clerk_ledger.chain_order([b2, a2, b1, a1])
    assert [(e.station, e.seq) for e in order] == [
        ("S01", 1),
        ("S01", 2),
        ("S02", 1),
        ("S02", 2),
    ]
    # Without the heads, time decides.
    plain = clerk_ledger.chain_order([a1, a2, _placed("S02", 1, 15)])
    assert [(e.station, e.seq) for e in plain] == [("S01", 1), ("S02", 1), ("S01", 2)]

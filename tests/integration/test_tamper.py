"""Tampering with the ledger is detected and the first bad entry named (QUALITY.md item 6)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import text

from desktop.cli import EXIT_OK, EXIT_TAMPERED, run
from desktop.verification import verify_all
from desktop.voiding import void_intake
from tests.conftest import MANAGER_PIN, example_document
from tests.support.intakes import commit_document
from tests.support.tamper import TAMPERINGS


@pytest.fixture
def busy_ledger(ctx):
    """Three intakes and a void after the set-up entries; returns {seq: kind}."""
    for _ in range(3):
        commit_document(ctx, example_document())
        ctx.clock.advance(minutes=7)
    ctx.authenticate("M01", MANAGER_PIN)
    with ctx.transaction() as session:
        void_intake(
            session,
            ctx.signer(),
            receipt="S01-20261127-0002",
            reason="入力誤り",
            manager="M01",
            now=ctx.clock(),
        )
    with ctx.engine.connect() as conn:
        return dict(conn.execute(text("SELECT seq, kind FROM ledger_entry ORDER BY seq")).all())


def _verify_cli(ctx) -> tuple[int, str]:
    out = io.StringIO()
    code = run(
        ["verify", "--db", ctx.db_url, "--keys", str(ctx.keys_dir)], out=out, err=io.StringIO()
    )
    return code, out.getvalue()


def test_untouched_ledger_verifies(ctx, busy_ledger):
    assert list(busy_ledger.values()) == [
        "station_created",
        "clerk_added",
        "clerk_added",
        "intake",
        "intake",
        "intake",
        "void",
    ]
    with ctx.reading() as session:
        report = verify_all(session, ctx.keys_dir)
    assert report.ok
    assert report.stations[0].entries == 7
    code, out = _verify_cli(ctx)
    assert code == EXIT_OK
    assert "S01: OK, 7 entries" in out


@pytest.mark.parametrize("tampering", list(TAMPERINGS))
def test_each_tampering_fails_verify_naming_the_entry(ctx, busy_ledger, tampering):
    # The second intake (seq 5) is the target; for deletion, the void (seq 7) would
    # be the tail, so delete the middle intake instead.
    target = 5
    station, seq = TAMPERINGS[tampering](ctx.engine, target)
    with ctx.reading() as session:
        report = verify_all(session, ctx.keys_dir)
    assert not report.ok
    finding = report.stations[0].finding
    assert finding is not None
    assert (finding.station, finding.seq) == (station, seq)
    code, out = _verify_cli(ctx)
    assert code == EXIT_TAMPERED
    assert f"{station}#{seq}:" in out


def test_erasing_personal_data_outside_a_purge_is_reported(ctx, busy_ledger):
    """Only a retention purge may erase personal data (see tests/integration/test_retention.py)."""
    with ctx.engine.begin() as conn:
        erased = conn.execute(text("DELETE FROM person WHERE receipt='S01-20261127-0001'")).rowcount
    assert erased == 1
    with ctx.reading() as session:
        report = verify_all(session, ctx.keys_dir)
    finding = report.stations[0].finding
    assert finding is not None
    assert finding.seq == 4
    assert "no retention purge erased it" in finding.message
    assert _verify_cli(ctx)[0] == EXIT_TAMPERED


def test_an_intake_row_without_ledger_entry_is_reported(ctx, busy_ledger):
    with ctx.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO intake SELECT 'S01-20261127-0099', station, 99, business_day, 99, "
                "created_at, clerk, purpose, price_yen, outcome, refusal_reason, revocation_path, "
                "device_os, maker, model, imei1, imei2 FROM intake WHERE seq=4"
            )
        )
    with ctx.reading() as session:
        report = verify_all(session, ctx.keys_dir)
    assert report.unchained_intakes == ["S01-20261127-0099"]
    assert _verify_cli(ctx)[0] == EXIT_TAMPERED


def test_a_replaced_station_certificate_is_reported(ctx, busy_ledger, tmp_path):
    """Re-signing the whole chain with a new key still differs from the key folder's certificate."""
    from desktop.keys import create_station_identity

    forged = create_station_identity(tmp_path / "forged", "S01", "偽造", ctx.clock())
    with ctx.engine.begin() as conn:
        conn.execute(text("UPDATE station SET certificate_pem=:p"), {"p": forged.certificate_pem})
    with ctx.reading() as session:
        report = verify_all(session, ctx.keys_dir)
    finding = report.stations[0].finding
    assert finding is not None
    assert "certificate" in finding.message

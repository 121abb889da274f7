"""Retention: personal data past 3 years is erased, the chains still verify (DOMAIN.md §5)."""

from __future__ import annotations

import argparse
import io
import json
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func, select, text

from db.models import Intake, LedgerEntry, Person, PersonNameToken, Slip
from desktop.cli import Console
from desktop.cli.maintenance import add_parsers
from desktop.retention import purge_expired
from desktop.slips import issue_slip
from desktop.verification import verify_all
from reports.snapshot import SlipFormat
from tests.conftest import example_document
from tests.support.intakes import commit_document


def _at_tokyo_ten(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 1, 0, tzinfo=UTC)  # 10:00 in Tokyo


def _slip(ctx, receipt: str) -> None:
    with ctx.transaction() as session:
        issue_slip(
            session,
            ctx.signer(),
            receipt=receipt,
            fmt=SlipFormat.THERMAL,
            reprint=False,
            catalogue=ctx.catalogue(),
            now=ctx.clock(),
        )


@pytest.fixture
def three_years_on(ctx):
    """Intakes on 2026-11-27 (with a slip), 11-28 and 11-29; the clock then at 2029-11-28.

    On 2029-11-28 the first is 3 years and 1 day old, the second exactly 3 years, the
    third 2 years and 364 days.
    """
    old = commit_document(ctx, example_document()).number
    _slip(ctx, old)
    ctx.clock.now = _at_tokyo_ten(2026, 11, 28)
    boundary = commit_document(ctx, example_document()).number
    ctx.clock.now = _at_tokyo_ten(2026, 11, 29)
    young = commit_document(ctx, example_document()).number
    _slip(ctx, young)
    ctx.clock.now = _at_tokyo_ten(2029, 11, 28)
    return old, boundary, young


def _purge(ctx):
    with ctx.transaction() as session:
        return purge_expired(session, ctx.signer(), now=ctx.clock())


def _rows(ctx, model, receipt: str) -> int:
    with ctx.reading() as session:
        return session.scalar(
            select(func.count()).select_from(model).where(model.receipt == receipt)
        )


def _purge_entries(ctx) -> list[dict]:
    with ctx.reading() as session:
        bodies = session.scalars(
            select(LedgerEntry.body).where(LedgerEntry.kind == "retention_purge")
        ).all()
    return [json.loads(body) for body in bodies]


def test_purge_erases_only_what_is_past_retention(ctx, three_years_on):
    old, boundary, young = three_years_on
    result = _purge(ctx)

    assert result.receipts == (old,)
    assert (result.persons_erased, result.slips_erased) == (1, 1)
    assert str(result.cutoff) == "2026-11-28"
    assert _rows(ctx, Person, old) == 0
    assert _rows(ctx, PersonNameToken, old) == 0  # the name search forgets them too
    assert _rows(ctx, Slip, old) == 0
    assert _rows(ctx, Intake, old) == 1  # the 古物台帳 row itself stays
    for kept in (boundary, young):
        assert _rows(ctx, Person, kept) == 1
        assert _rows(ctx, PersonNameToken, kept) > 0
    assert _rows(ctx, Slip, young) == 1

    [entry] = _purge_entries(ctx)
    assert entry["receipts"] == [old]
    assert entry["cutoff"] == "2026-11-28"
    with ctx.reading() as session:
        report = verify_all(session, ctx.keys_dir)
    assert report.ok, report.lines()


def test_nothing_due_writes_no_entry(ctx, three_years_on):
    _purge(ctx)
    again = _purge(ctx)
    assert again.count == 0
    assert again.entry is None
    assert len(_purge_entries(ctx)) == 1


def test_the_next_day_purges_the_next_record(ctx, three_years_on):
    _old, boundary, _young = three_years_on
    _purge(ctx)
    ctx.clock.advance(days=1)
    assert _purge(ctx).receipts == (boundary,)
    with ctx.reading() as session:
        assert verify_all(session, ctx.keys_dir).ok


def test_erasing_personal_data_outside_a_purge_is_reported(ctx, three_years_on):
    _old, _boundary, young = three_years_on
    with ctx.engine.begin() as conn:
        conn.execute(text("DELETE FROM person WHERE receipt=:r"), {"r": young})
    with ctx.reading() as session:
        report = verify_all(session, ctx.keys_dir)
    assert not report.ok
    assert any(f"personal data of {young} is missing" in line for line in report.lines())


def test_deleting_a_stored_slip_outside_a_purge_is_reported(ctx, three_years_on):
    _old, _boundary, young = three_years_on
    with ctx.engine.begin() as conn:
        conn.execute(text("DELETE FROM slip WHERE receipt=:r"), {"r": young})
    with ctx.reading() as session:
        report = verify_all(session, ctx.keys_dir)
    assert not report.ok
    assert any("no retention purge erased it" in line for line in report.lines())


def test_personal_data_put_back_after_a_purge_is_reported(ctx, three_years_on):
    old, boundary, _young = three_years_on
    _purge(ctx)
    with ctx.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO person SELECT :old, salt, data, name, created_at FROM person "
                "WHERE receipt=:other"
            ),
            {"old": old, "other": boundary},
        )
    with ctx.reading() as session:
        report = verify_all(session, ctx.keys_dir)
    assert not report.ok


@contextmanager
def _foreign_keys_off(ctx):
    """Every connection of ``ctx`` without SQLite's foreign-key enforcement, for a while."""

    def off(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA foreign_keys=OFF")

    ctx.engine.dispose()
    event.listen(ctx.engine, "connect", off)  # after the engine's own, which turns them on
    try:
        yield
    finally:
        event.remove(ctx.engine, "connect", off)
        ctx.engine.dispose()


def test_the_purge_erases_the_name_tokens_even_without_the_cascade(ctx, three_years_on):
    """The purge deletes the tokens itself: a connection without SQLite's foreign-key
    pragma would not cascade."""
    from desktop.history import HistoryQuery, search

    old, _boundary, _young = three_years_on
    with _foreign_keys_off(ctx):
        _purge(ctx)
    assert _rows(ctx, PersonNameToken, old) == 0
    with ctx.reading() as session:
        found = [row.receipt for row in search(session, HistoryQuery(text="ヤマダ"))]
    assert old not in found and len(found) == 2


def test_name_tokens_left_after_a_purge_are_reported(ctx, three_years_on):
    old, _boundary, _young = three_years_on
    _purge(ctx)
    with _foreign_keys_off(ctx), ctx.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO person_name_token (receipt, token) VALUES (:r, 'ヤマダ')"),
            {"r": old},
        )
    with ctx.reading() as session:
        report = verify_all(session, ctx.keys_dir)
    assert not report.ok
    assert any(f"name tokens of {old} are present" in line for line in report.lines())


def _cli(ctx, *argv: str) -> tuple[int, str]:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db")
    common.add_argument("--keys")
    common.add_argument("--verbose", action="store_true")
    parser = argparse.ArgumentParser()
    add_parsers(parser.add_subparsers(dest="command"), common)
    args = parser.parse_args([*argv, "--db", ctx.db_url, "--keys", str(ctx.keys_dir)])
    out = io.StringIO()
    return args.handler(args, Console(out, io.StringIO())), out.getvalue()


def test_purge_expired_command(ctx, three_years_on, monkeypatch):
    # The command reads the real clock: run it on a context whose clock says 2029.
    from desktop.cli import common

    open_context = common.open_context

    def with_test_clock(args, **kwargs):
        context = open_context(args, **kwargs)
        context.clock = ctx.clock
        return context

    monkeypatch.setattr(common, "open_context", with_test_clock)
    code, out = _cli(ctx, "purge-expired")
    assert code == 0
    assert "purged 1 receipts" in out
    code, out = _cli(ctx, "purge-expired")
    assert (code, "purged 0 receipts" in out) == (0, True)

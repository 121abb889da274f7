"""An append on a shared database reads the other stations' heads by index (issue 11).

Each entry carries the other counters' latest heads (desktop.ledger).  The query once
put its condition on every entry's seq, so SQLite scanned the other stations' whole
chains on every append: a commit grew slower with the database (about 100 ms at 35,000
intakes on two counters).  The plan must only SEARCH ``ledger_entry``, never SCAN it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from desktop.app import AppContext
from tests.conftest import Clock, example_document
from tests.integration.test_ledger_stream import add_station
from tests.support.intakes import commit_document


def test_the_other_heads_are_found_through_the_index(ctx: AppContext, clock: Clock):
    add_station(ctx, clock, "S02")
    for code in ("S01", "S02", "S01"):
        commit_document(ctx, example_document(), code)
        clock.advance(minutes=1)
    seen: list[tuple[str, Any]] = []

    def keep(_conn, _cursor, statement, parameters, *_rest):
        if statement.lstrip().startswith("SELECT") and "ledger_entry" in statement:
            seen.append((statement, parameters))

    event.listen(ctx.engine, "before_cursor_execute", keep)
    try:
        commit_document(ctx, example_document(), "S01")
    finally:
        event.remove(ctx.engine, "before_cursor_execute", keep)
    heads = [(s, p) for s, p in seen if "!=" in s and "entry_hash" in s]
    assert len(heads) == 1, seen
    statement, parameters = heads[0]
    with ctx.engine.connect() as conn:
        plan = [
            row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        ]
    assert not [step for step in plan if step.startswith("SCAN ledger_entry")], plan
    assert any("ledger_entry" in step and step.startswith("SEARCH") for step in plan), plan

"""A commit reads the chain by its key, never the whole ledger: the query plans of every
statement a commit runs on SQLite, checked for full scans of ``ledger_entry``.

The cross-witness query once took every station's max(seq) by walking all entries: ~40 ms
a commit at 30,000 entries, over a second at a million (the scale review).
"""

from __future__ import annotations

from sqlalchemy import event

from tests.conftest import example_document
from tests.integration.test_ledger_stream import add_station
from tests.support.intakes import commit_document


def test_no_statement_of_a_commit_scans_the_ledger(ctx, clock):
    # Two counters of a shared database: each entry carries the other's head.
    add_station(ctx, clock, "S02")
    for code in ("S01", "S02", "S01"):  # chains to walk, if anything walked them
        commit_document(ctx, example_document(), code)
        clock.advance(minutes=1)
    if ctx.engine.dialect.name != "sqlite":
        return
    statements: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(ctx.engine, "before_cursor_execute", record)
    try:
        commit_document(ctx, example_document(), "S01")
    finally:
        event.remove(ctx.engine, "before_cursor_execute", record)
    scans = []
    with ctx.engine.connect() as connection:
        for statement, parameters in statements:
            if "ledger_entry" not in statement:
                continue
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            for row in plan:
                detail = row[-1]
                if detail.startswith("SCAN ledger_entry") and "USING" not in detail:
                    scans.append((statement.split()[:12], detail))
    assert scans == []
    assert any("station" in statement for statement, _ in statements)  # it did look

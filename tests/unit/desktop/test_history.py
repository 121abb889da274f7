"""History search: by receipt, IMEI, name and date; keyset pages; voids shown."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event

from desktop.history import (
    HistoryQuery,
    page_key,
    receipt_detail,
    receipts_for_imei,
    search,
)
from desktop.slips import issue_slip
from desktop.voiding import void_intake
from reports.snapshot import SlipFormat
from tests.conftest import MANAGER_PIN, example_document
from tests.support.intakes import commit_document

SECOND_IMEI = "490154203237518"


def _commit(ctx, *, name="山田 太郎", imei="356938035643809", minutes=10):
    document = example_document()
    document["seller"]["name"] = name
    document["device"]["imei"] = [imei]
    receipt = commit_document(ctx, document)
    ctx.clock.advance(minutes=minutes)
    return receipt.number


def test_search_by_receipt_imei_name_and_date(ctx):
    first = _commit(ctx)
    second = _commit(ctx, name="鈴木 花子", imei=SECOND_IMEI)
    ctx.clock.advance(days=1)
    third = _commit(ctx, name="山田 次郎")
    with ctx.reading() as session:
        assert [r.receipt for r in search(session, HistoryQuery())] == [third, second, first]
        assert [r.receipt for r in search(session, HistoryQuery(text=second))] == [second]
        assert [r.receipt for r in search(session, HistoryQuery(text=SECOND_IMEI))] == [second]
        assert [r.receipt for r in search(session, HistoryQuery(text="49015420"))] == [second]
        assert [r.receipt for r in search(session, HistoryQuery(text="山田"))] == [third, first]
        day_two = search(session, HistoryQuery(date_from=ctx.clock.now.date()))
        assert [r.receipt for r in day_two] == [third]
        assert search(session, HistoryQuery(text="100%_")) == []


def test_pages_follow_each_other_without_gaps_or_repeats(ctx):
    made = [_commit(ctx, minutes=1) for _ in range(7)]
    seen: list[str] = []
    after = None
    with ctx.reading() as session:
        while True:
            page = search(session, HistoryQuery(), after=after, limit=3)
            if not page:
                break
            seen.extend(r.receipt for r in page)
            after = page_key(page[-1])
    assert seen == list(reversed(made))


def test_voided_rows_carry_the_reason_and_erased_names_are_blank(ctx):
    receipt = _commit(ctx)
    ctx.authenticate("M01", MANAGER_PIN)
    with ctx.transaction() as session:
        void_intake(
            session,
            ctx.signer(),
            receipt=receipt,
            reason="二重登録",
            manager="M01",
            now=ctx.clock(),
        )
    with ctx.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM person")
    with ctx.reading() as session:
        (row,) = search(session, HistoryQuery())
    assert (row.voided, row.void_reason, row.name) == (True, "二重登録", "")


def test_an_imei_seen_before_lists_its_earlier_receipts(ctx):
    first = _commit(ctx)
    _commit(ctx, imei=SECOND_IMEI)
    again = _commit(ctx)
    with ctx.reading() as session:
        assert [r.receipt for r in receipts_for_imei(session, "356938035643809")] == [again, first]
        assert receipts_for_imei(session, "353879234252633") == []


def test_full_width_text_from_an_ime_finds_what_was_stored(ctx):
    receipt = _commit(ctx, name="ＳＵＺＵＫＩ Ｈａｎａｋｏ")  # stored NFKC: "SUZUKI Hanako"
    with ctx.reading() as session:
        assert [r.receipt for r in search(session, HistoryQuery(text="ＳＵＺＵＫＩ"))] == [receipt]
        assert [r.receipt for r in search(session, HistoryQuery(text="３５６９３８０３"))] == [
            receipt
        ]


def test_a_full_receipt_finds_exactly_that_receipt_and_a_partial_one_its_day(ctx):
    first = _commit(ctx)
    second = _commit(ctx)
    with ctx.reading() as session:
        assert [r.receipt for r in search(session, HistoryQuery(text=first.lower()))] == [first]
        day = first.rsplit("-", 1)[0]
        assert [r.receipt for r in search(session, HistoryQuery(text=day))] == [second, first]


def test_numbers_and_receipts_are_never_searched_as_names(ctx):
    _commit(ctx, name="山田 12345678")  # a name the validator lets through
    with ctx.reading() as session:
        assert search(session, HistoryQuery(text="12345678")) == []
        assert search(session, HistoryQuery(text="123")) == []
        assert len(search(session, HistoryQuery(text="山田 1234"))) == 1


def test_the_date_range_is_the_shop_local_business_day(ctx):
    # 2026-11-27 23:30 in Tokyo is 14:30 UTC: still the 27th's business.
    ctx.clock.now = datetime(2026, 11, 27, 14, 30, tzinfo=UTC)
    late = _commit(ctx)
    # 2026-11-28 00:10 in Tokyo is 15:10 UTC on the 27th: the 28th's business.
    ctx.clock.now = datetime(2026, 11, 27, 15, 10, tzinfo=UTC)
    early = _commit(ctx)
    nov27, nov28 = date(2026, 11, 27), date(2026, 11, 28)
    with ctx.reading() as session:
        only_27 = search(session, HistoryQuery(date_from=nov27, date_to=nov27))
        only_28 = search(session, HistoryQuery(date_from=nov28, date_to=nov28))
        both = search(session, HistoryQuery(date_from=nov27, date_to=nov28))
    assert [r.receipt for r in only_27] == [late]
    assert [r.receipt for r in only_28] == [early]
    assert [r.receipt for r in both] == [early, late]


# A partial IMEI is left out: without ANALYZE statistics SQLite prefers walking the
# created_at index newest first (which stops at the page's end) over two ranges.
@pytest.mark.parametrize("text", ["356938035643809", "S01-20261127-0001", "3569 3803 5643 809"])
def test_imei_and_receipt_searches_read_an_index_not_the_whole_table(ctx, text):
    _commit(ctx)
    plans = _query_plans(ctx, HistoryQuery(text=text))
    assert plans, "the search ran no query"
    assert not [line for line in plans if line.startswith("SCAN")], plans


def test_receipt_detail_has_price_void_approval_and_issued_slips(ctx):
    receipt = _commit(ctx)
    signer = ctx.signer()
    with ctx.transaction() as session:
        for fmt, reprint in ((SlipFormat.THERMAL, False), (SlipFormat.THERMAL, True)):
            issue_slip(
                session,
                signer,
                receipt=receipt,
                fmt=fmt,
                reprint=reprint,
                catalogue=ctx.catalogue(),
                now=ctx.clock(),
            )
    with ctx.transaction() as session:
        void_intake(
            session, signer, receipt=receipt, reason="金額誤り", manager="M01", now=ctx.clock()
        )
    with ctx.reading() as session:
        detail = receipt_detail(session, receipt)
        assert receipt_detail(session, "S01-20000101-0001") is None
    assert detail is not None
    assert (detail.row.receipt, detail.price_yen, detail.device_os) == (receipt, 12000, "android")
    assert detail.business_day == date(2026, 11, 27)
    assert (detail.void_manager, detail.voided_at, detail.row.void_reason) == (
        "M01",
        ctx.clock(),
        "金額誤り",
    )
    assert [(s.format, s.issue_no) for s in detail.slips] == [("thermal", 1), ("thermal", 2)]
    assert (detail.copies("thermal"), detail.copies("a4")) == (2, 0)


def _query_plans(ctx, query):
    """SQLite's EXPLAIN QUERY PLAN lines of every statement a search runs."""
    statements = []

    def capture(_conn, _cursor, statement, parameters, *_context):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(ctx.engine, "before_cursor_execute", capture)
    try:
        with ctx.reading() as session:
            search(session, query)
    finally:
        event.remove(ctx.engine, "before_cursor_execute", capture)
    plans = []
    with ctx.engine.connect() as conn:
        for statement, parameters in statements:
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            plans.extend(row[3] for row in rows)
    return plans

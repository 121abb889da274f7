"""History search: by receipt, IMEI, name and date; keyset pages; voids shown."""

from __future__ import annotations

from desktop.history import HistoryQuery, page_key, receipts_for_imei, search
from desktop.voiding import void_intake
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

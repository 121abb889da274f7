"""History search: by receipt, IMEI, name and date; keyset pages; voids shown."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event, func, select

from db.models import LedgerEntry, PersonNameToken
from desktop import history
from desktop.history import (
    HistoryQuery,
    SlipStanding,
    check_scanned_slip,
    looks_like_slip_code,
    page_key,
    receipt_detail,
    receipts_for_imei,
    search,
)
from desktop.name_tokens import name_tokens
from desktop.slips import SlipPayload, issue_slip
from desktop.voiding import void_intake
from reports.snapshot import SlipFormat
from tests.conftest import MANAGER_PIN, example_document
from tests.support.intakes import commit_document

SECOND_IMEI = "490154203237518"


def _commit(ctx, *, name="山田 太郎", imei="356938035643809", minutes=10, kana=None):
    document = example_document()
    document["seller"]["name"] = name
    if kana is not None:
        document["seller"]["kana"] = kana
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


# --- names: any part, no matter the spaces, and the reading -------------------------------


def _found(ctx, text: str) -> list[str]:
    with ctx.reading() as session:
        return [row.receipt for row in search(session, HistoryQuery(text=text))]


@pytest.fixture
def three_people(ctx):
    tanaka = _commit(ctx, name="田中 美咲", kana="タナカ ミサキ")
    sasaki = _commit(ctx, name="佐々木 健", kana="ササキ ケン")
    yamada = _commit(ctx, name="山田 太郎", kana="ヤマダ タロウ", imei=SECOND_IMEI)
    return tanaka, sasaki, yamada


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("田中美咲", "tanaka"),  # no space typed, one stored
        ("田中 美咲", "tanaka"),
        ("田中　美咲", "tanaka"),  # the input method's full-width space
        ("美咲", "tanaka"),  # the given name alone
        ("中美", "tanaka"),  # any run of it, across the space
        ("ササキ", "sasaki"),  # the reading
        ("ささき", "sasaki"),  # the reading typed in hiragana
        ("ｻｻｷ", "sasaki"),  # half-width katakana
        ("ケン", "sasaki"),
        ("ササキ ケン", "sasaki"),
        ("佐々木健", "sasaki"),
        ("太郎", "yamada"),
    ],
)
def test_names_match_by_any_part_without_spaces_and_by_their_reading(ctx, three_people, text, who):
    tanaka, sasaki, yamada = three_people
    assert _found(ctx, text) == [{"tanaka": tanaka, "sasaki": sasaki, "yamada": yamada}[who]]


def test_a_name_that_matches_nothing_finds_nothing(ctx, three_people):
    for text in ("小泉", "タナカミサキコ", "美咲田中"):
        assert _found(ctx, text) == []
    assert len(_found(ctx, "　 ")) == 3  # only spaces: no filter at all


def test_the_tokens_are_written_at_commit(ctx):
    receipt = _commit(ctx, name="佐々木 健", kana="ササキ ケン")
    with ctx.reading() as session:
        stored = session.scalars(
            select(PersonNameToken.token)
            .where(PersonNameToken.receipt == receipt)
            .order_by(PersonNameToken.token)
        ).all()
    assert stored == name_tokens("佐々木 健", "ササキ ケン")


def test_a_name_that_matches_nothing_reads_only_the_token_index(ctx, three_people):
    plans = _query_plans(ctx, HistoryQuery(text="小泉"))
    assert plans == [
        line
        for line in plans
        if "person_name_token" in line or line.startswith(("CO-", "SCAN anon"))
    ], plans
    assert any("COVERING INDEX ix_person_name_token" in line for line in plans)


@pytest.mark.parametrize("walk_from", [history.NAME_WALK_FROM, 2], ids=["few", "many"])
def test_few_matches_read_those_people_and_many_walk_the_newest_intakes(
    ctx, monkeypatch, walk_from
):
    """The same rows and pages either way; only the plan differs."""
    monkeypatch.setattr(history, "NAME_WALK_FROM", walk_from)
    monkeypatch.setattr(
        history,
        "_NAME_MATCHES",
        select(func.count()).select_from(
            select(PersonNameToken.receipt)
            .where(history._IN_TOKEN_RANGE)
            .limit(walk_from)
            .subquery()
        ),
    )
    wanted = [
        _commit(ctx, name=f"田中 {given}", kana="タナカ", minutes=1) for given in "一二三四五"
    ]
    _commit(ctx, name="鈴木 花子")
    seen: list[str] = []
    after = None
    with ctx.reading() as session:
        while page := search(session, HistoryQuery(text="たなか"), after=after, limit=2):
            seen.extend(row.receipt for row in page)
            after = page_key(page[-1])
    assert seen == list(reversed(wanted))
    plans = _query_plans(ctx, HistoryQuery(text="田中"))
    walks = [line for line in plans if line.startswith("SCAN intake")]
    if walk_from == 2:
        assert walks == ["SCAN intake USING INDEX ix_intake_created"], plans
    else:
        assert walks == [], plans


def test_a_refused_intake_is_found_by_its_reading_too(ctx):
    """A refusal keeps only the name and the reading (desktop.intake): both are searchable."""
    document = example_document()
    document["seller"]["kana"] = "やまだ たろう"  # the validator stores katakana
    document["revocation"]["performed_by"] = "staff"
    refused = commit_document(ctx, document).number
    assert _found(ctx, "ヤマダタロウ") == [refused]


# --- a slip's QR code ----------------------------------------------------------------------


def _payload(ctx, receipt: str) -> str:
    with ctx.reading() as session:
        entry = session.execute(
            select(LedgerEntry).where(LedgerEntry.subject == receipt, LedgerEntry.kind == "intake")
        ).scalar_one()
    return SlipPayload(entry.station, entry.seq, entry.entry_hash, entry.signature).encode()


def _scan(ctx, text: str):
    with ctx.reading() as session:
        return check_scanned_slip(session, text)


def test_a_scanned_slip_of_a_standing_intake_is_genuine_and_standing(ctx):
    receipt = _commit(ctx)
    code = _payload(ctx, receipt)
    assert looks_like_slip_code(code)
    assert looks_like_slip_code("ｒｄ１：S01:4:ab")  # full-width, as an input method types it
    assert not looks_like_slip_code("S01-20261127-0001")
    verdict = _scan(ctx, code)
    assert (verdict.standing, verdict.receipt, verdict.genuine) == (
        SlipStanding.STANDING,
        receipt,
        True,
    )
    assert "有効" in verdict.ja and "stands" in verdict.en


def test_a_scanned_slip_of_a_voided_intake_says_so_with_the_correction(ctx):
    receipt = _commit(ctx)
    again = _commit(ctx)
    with ctx.transaction() as session:
        void_intake(
            session,
            ctx.signer(),
            receipt=receipt,
            reason="金額誤り",
            manager="M01",
            now=ctx.clock(),
            replaced_by=again,
        )
    verdict = _scan(ctx, _payload(ctx, receipt))
    assert verdict.standing is SlipStanding.VOIDED and verdict.genuine
    assert (verdict.receipt, verdict.void_reason, verdict.replaced_by) == (
        receipt,
        "金額誤り",
        again,
    )
    assert again in verdict.ja and "voided" in verdict.en


def test_a_slip_of_another_shop_or_database_is_not_in_this_ledger(ctx):
    receipt = _commit(ctx)
    station, seq, entry_hash, signature = _payload(ctx, receipt).split(":")[1:]
    other_shop = _scan(ctx, f"RD1:X99:{seq}:{entry_hash}:{signature}")
    assert other_shop.standing is SlipStanding.NOT_IN_LEDGER and "X99" in other_shop.en
    # Signed by this station's key, but for an entry this database does not have.
    forged_hash = "ab" * 32
    signed = ctx.signer().sign(bytes.fromhex(forged_hash))
    elsewhere = _scan(ctx, f"RD1:{station}:999:{forged_hash}:{signed}")
    assert elsewhere.standing is SlipStanding.NOT_IN_LEDGER
    assert not elsewhere.receipt


@pytest.mark.parametrize(
    "change",
    [
        lambda p: p[:-8] + "AAAAAAAA",  # the signature altered
        lambda p: p.replace(p.split(":")[3], "cd" * 32),  # another hash under the signature
        lambda p: "RD1:S01:x:1:2",
        lambda p: "RD1:S01:0:" + "ab" * 32 + ":QUJD",
        lambda p: p.rsplit(":", 1)[0],  # cut short
    ],
    ids=["signature", "hash", "not a number", "seq 0", "cut short"],
)
def test_an_altered_or_malformed_code_is_not_genuine(ctx, change):
    code = change(_payload(ctx, _commit(ctx)))
    verdict = _scan(ctx, code)
    assert verdict.standing is SlipStanding.NOT_GENUINE and not verdict.genuine


def test_a_genuine_code_whose_ledger_record_was_edited_is_reported_as_damaged(ctx):
    from tests.support.tamper import edit_body

    receipt = _commit(ctx)
    code = _payload(ctx, receipt)
    edit_body(ctx.engine, int(code.split(":")[2]))
    verdict = _scan(ctx, code)
    assert verdict.standing is SlipStanding.DAMAGED
    assert "verify" in verdict.en

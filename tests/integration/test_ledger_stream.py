"""The 古物台帳 streamed (issue 11): rows in printable order over several days and pages,
the ``--only-station`` filter, and every row printed exactly once across page breaks.

A shop of three counters on one SQLite file, intakes on each over three days, made
through the real validator and commit path.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, text

from desktop.app import AppContext
from desktop.cli import EXIT_OK, EXIT_USAGE, run
from desktop.ledger_book import iter_ledger_rows, ledger_rows
from desktop.setup import ShopDetails, initialise
from tests.conftest import MANAGER_PIN, Clock, example_document
from tests.support.intakes import commit_document

STATIONS = ("S01", "S02", "S03")
DAYS = 3
PER_STATION_DAY = 5  # 45 rows: about four pages
FIRST_DAY = date(2026, 11, 27)


def add_station(ctx: AppContext, clock: Clock, code: str) -> None:
    with ctx.transaction() as session:
        initialise(
            session,
            keys_dir=ctx.keys_dir,
            shop=ShopDetails(name=""),
            station=code,
            manager_code="M01",
            manager_name="",
            manager_pin=MANAGER_PIN,
            now=clock(),
        )


@pytest.fixture
def counters(ctx: AppContext, clock: Clock) -> AppContext:
    for code in STATIONS[1:]:
        add_station(ctx, clock, code)
    for day in range(DAYS):
        for n in range(PER_STATION_DAY):
            for code in STATIONS:
                document = example_document()
                document["seller"]["name"] = f"山田 {code}{day}{n}"
                commit_document(ctx, document, code)
                clock.advance(minutes=3)
        clock.advance(hours=24 - 3 * PER_STATION_DAY * len(STATIONS) / 60)
    return ctx


def _last_day() -> date:
    return date.fromordinal(FIRST_DAY.toordinal() + DAYS - 1)


def _expected(ctx: AppContext, station: str | None = None) -> list[str]:
    """The receipts the book must list, in the order it must list them (plain SQL)."""
    where = "AND station = :station" if station else ""
    with ctx.engine.connect() as conn:
        return list(
            conn.execute(
                text(
                    "SELECT receipt FROM intake WHERE outcome = 'accepted' "
                    f"AND purpose IN ('purchase', 'trade_in', 'consignment') {where} "
                    "ORDER BY business_day, created_at, receipt"
                ),
                {"station": station},
            ).scalars()
        )


def test_rows_come_out_in_printable_order_across_days(counters):
    with counters.reading() as session:
        rows = ledger_rows(session, FIRST_DAY, _last_day(), "Asia/Tokyo")
    assert [row.receipt for row in rows] == _expected(counters)
    assert len(rows) == DAYS * PER_STATION_DAY * len(STATIONS)
    assert [row.business_day for row in rows] == sorted(row.business_day for row in rows)


def test_the_rows_are_streamed_not_listed(counters):
    # A generator: the caller gets the first day's rows before the last day is read.
    with counters.reading() as session:
        stream = iter_ledger_rows(session, FIRST_DAY, _last_day(), "Asia/Tokyo")
        assert isinstance(stream, Iterator)
        first = next(stream)
        assert first.business_day == FIRST_DAY
        assert len(list(stream)) == DAYS * PER_STATION_DAY * len(STATIONS) - 1


def test_only_the_printed_person_fields_are_read(counters):
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(counters.engine, "before_cursor_execute", seen)
    try:
        with counters.reading() as session:
            ledger_rows(session, FIRST_DAY, _last_day(), "Asia/Tokyo")
    finally:
        event.remove(counters.engine, "before_cursor_execute", seen)
    (query,) = [s for s in statements if "FROM intake JOIN ledger_entry" in s]
    # person.data only through json_extract of the printed fields: never the signature.
    assert re.findall(r"person\.data\b", query) == ["person.data"]
    assert "json_extract(person.data" in query
    assert "signature" not in query


def test_the_station_filter_selects_only_that_counter(counters):
    with counters.reading() as session:
        rows = ledger_rows(session, FIRST_DAY, _last_day(), "Asia/Tokyo", station="S02")
    assert [row.receipt for row in rows] == _expected(counters, "S02")
    assert rows and all(row.receipt.startswith("S02-") for row in rows)


def _cli(ctx: AppContext, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    # S01's PC: its key signs, whichever counter's rows the book lists.
    code = run(
        [*args, "--station", "S01", "--db", ctx.db_url, "--keys", str(ctx.keys_dir)],
        out=out,
        err=err,
    )
    return code, out.getvalue(), err.getvalue()


def _period() -> list[str]:
    return ["--from", FIRST_DAY.isoformat(), "--to", _last_day().isoformat()]


def test_csv_with_only_station_lists_that_counter(counters, tmp_path):
    out = tmp_path / "s03.csv"
    code, _, err = _cli(
        counters, "ledger", *_period(), "--csv", "--only-station", "S03", "-o", str(out)
    )
    assert code == EXIT_OK, err
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))[1:]
    assert [row[0] for row in rows] == _expected(counters, "S03")


def test_an_unknown_station_exits_2_and_writes_nothing(counters, tmp_path):
    out = tmp_path / "none.csv"
    code, _, err = _cli(
        counters, "ledger", *_period(), "--csv", "--only-station", "S09", "-o", str(out)
    )
    assert code == EXIT_USAGE
    assert "S09" in err
    assert not out.exists()


def _pages(pdf: Path) -> list[str]:
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8").split("\f")[:-1]


def test_the_pdf_prints_every_row_exactly_once_across_page_breaks(counters, tmp_path):
    out = tmp_path / "ledger.pdf"
    code, _, err = _cli(counters, "ledger", *_period(), "-o", str(out))
    assert code == EXIT_OK, err
    pages = _pages(out)
    assert len(pages) >= 3  # the point: rows run over page breaks
    printed = re.findall(r"S0\d-\d{8}-\d{4}", "\n".join(pages))
    assert printed == _expected(counters)  # each once, in order
    for number, page in enumerate(pages, start=1):
        assert "受付番号" in page  # the headings on every page
        assert re.search(rf"\b{number}\s*/\s*{len(pages)}\s*$", page.rstrip()), page[-200:]
    assert f"{len(printed)} 件" in pages[0]


def test_on_postgresql_the_stream_the_filter_and_the_pdf_agree(pg_url, tmp_path, clock):
    # A server-side cursor, and the printed fields through json_build_array (psycopg
    # hands json back decoded): the same rows as the plain SQL, each once in the PDF.
    from desktop.ledger_book import ledger_book_pdf
    from tests.conftest import set_up_shop

    pg = AppContext.open(pg_url, tmp_path / "keys", create=True, clock=clock)
    try:
        set_up_shop(pg)
        add_station(pg, clock, "S02")
        for n in range(30):
            commit_document(pg, example_document(), ("S01", "S02")[n % 2])
            clock.advance(minutes=2)
        day = clock().astimezone(ZoneInfo("Asia/Tokyo")).date()
        with pg.reading() as session:
            rows = ledger_rows(session, day, day, "Asia/Tokyo")
            only = ledger_rows(session, day, day, "Asia/Tokyo", station="S02")
            pdf = ledger_book_pdf(session, pg.signer("S01"), day, day, now=clock())
        assert [row.receipt for row in rows] == _expected(pg)
        assert rows[0].name == "山田 太郎" and rows[0].address
        assert [row.receipt for row in only] == _expected(pg, "S02")
        path = tmp_path / "pg.pdf"
        path.write_bytes(pdf)
        printed = re.findall(r"S0\d-\d{8}-\d{4}", "\n".join(_pages(path)))
        assert printed == _expected(pg)
    finally:
        pg.close()

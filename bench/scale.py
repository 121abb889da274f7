"""The 古物台帳, ``verify``, the day close and the name search on a database of real
intakes: ``python -m bench scale [--intakes N] [--stations K] [--keep DIR] [--json]``
(or ``python -m bench.scale``).

The database is built once (it takes minutes) through the project's own commit path —
``validate_intake`` and ``commit_intake`` in ``AppContext.transaction()``, as the
counter does it — for ``--stations`` counters of one shop (default two), each intake
chained, signed, with a person's details and a signature of four strokes of sixty
points, 250 intakes a counter a day, one in a thousand voided by a manager.  It is kept
in ``--keep`` or ``$REVOKE_DESK_BENCH_SCALE_DIR`` (default
``/tmp/revoke-desk-bench-scale``) as ``shop.sqlite3`` with ``keys/`` and ``trust/`` and
rebuilt only when ``BUILDER_VERSION``, the number of intakes or of stations changes.

What is measured, each in a child process of its own so that ``ru_maxrss`` is that
operation's peak (``resource.getrusage(RUSAGE_CHILDREN)`` of a fresh child):

- ``ledger`` PDF and CSV of a quarter (2026-07-01 … 2026-09-30: about 43,000 rows),
  ``desktop.ledger_book.ledger_book_pdf``/``ledger_book_csv`` as ``revoke-desk ledger``
  calls them: ms per row and peak RSS.  Floor (same run): the same rows read with a
  plain ``sqlite3`` cursor, and written with ``csv.writer`` (CSV) or as one
  ReportLab ``Table`` of plain strings per page with the same fonts (PDF) — the least a
  printed ledger of these rows costs.
- ``verify``: ``desktop.verification.verify_all`` over every station (in parallel,
  one process per station): entries/s per core, total wall, peak RSS.  Floor: for
  every entry, the hash and the ECDSA signature check alone (``cryptography``), read
  with a plain ``sqlite3`` cursor, on one core.

- ``close-day``: ``desktop.exports.close_day_exports`` and
  ``desktop.export_folder.export_day`` (as ``bench/close.py``) of a
  1,000-intake day at S01 after the built days, none closed (the shop's first close),
  its intakes committed untimed in the same transaction, all rolled back.
- the history's name search (``desktop.history.search``) for a name nobody has and
  one about a hundredth of the sellers have: median ms.

``--json`` prints one object ``{"scale": {...}}`` on stdout; progress goes to stderr.
The issue's figures are ``intakes``, ``stations``, ``build_per_s``,
``verify_entries_per_s`` (one process, per core of CPU), ``ledger_ms_per_row`` (the
worse of PDF and CSV, CPU), ``ledger_peak_rss_mb``, ``close_day_s`` (wall),
``name_miss_ms``, ``name_hit_ms`` and ``db_mb``; the other keys are their detail.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from stdnum import luhn

import bench.common  # noqa: F401  (sets the bench key passphrase for every child)

BUILDER_VERSION = 1
DEFAULT_DIR = Path("/tmp/revoke-desk-bench-scale")
DIR_ENV = "REVOKE_DESK_BENCH_SCALE_DIR"
DEFAULT_INTAKES = 100_000
DEFAULT_STATIONS = 2
PER_STATION_DAY = 250
FIRST_DAY = date(2026, 4, 1)
# The quarter measured; REVOKE_DESK_BENCH_SCALE_PERIOD=FROM:TO another (a small build).
PERIOD_ENV = "REVOKE_DESK_BENCH_SCALE_PERIOD"
_period = os.environ.get(PERIOD_ENV, "2026-07-01:2026-09-30").split(":")
PERIOD = (date.fromisoformat(_period[0]), date.fromisoformat(_period[1]))
TIMEZONE = "Asia/Tokyo"
BATCH = 250  # intakes per transaction while building
VOID_EVERY = 1000
MANAGER = "M01"
MANAGER_PIN = "246813"
CLERKS = ("C01", "C02")

SURNAMES = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤")
READINGS = ("サトウ", "スズキ", "タカハシ", "タナカ", "イトウ", "ワタナベ", "ヤマモト")
GIVEN = ("太郎", "花子", "一郎", "美咲", "翔太", "陽菜", "大輝", "結衣", "健太", "さくら")
DEVICES = (
    ("android", "Google", "Pixel 8"),
    ("iphone", "Apple", "iPhone 15"),
    ("android", "SHARP", "AQUOS sense8"),
    ("android", "SONY", "Xperia 10 V"),
    ("iphone", "Apple", "iPhone SE (第3世代)"),
)
PURPOSES = ("purchase", "trade_in", "consignment", "purchase", "trade_in", "repair")


def scale_dir() -> Path:
    return Path(os.environ.get(DIR_ENV) or DEFAULT_DIR)


def _environment(directory: Path) -> None:
    # The bench's witness and pins live beside its database, not in the user's home.
    os.environ["REVOKE_DESK_TRUST_DIR"] = str(directory / "trust")


def imei_of(index: int) -> str:
    body = f"35{index:012d}"
    return body + luhn.calc_check_digit(body)


def signature(rng: random.Random) -> dict[str, Any]:
    """Four strokes of sixty points: what a customer's name on the pad looks like."""
    strokes = []
    for _ in range(4):
        x, y, t = rng.randint(10, 300), rng.randint(10, 100), 0
        stroke = []
        for _ in range(60):
            x, y, t = x + rng.randint(-3, 5), y + rng.randint(-3, 3), t + rng.randint(8, 20)
            stroke.append([max(0, x), max(0, y), t])
        strokes.append(stroke)
    return {"strokes": strokes}


def document(index: int, rng: random.Random, clerk: str) -> dict[str, Any]:
    os_, maker, model = DEVICES[index % len(DEVICES)]
    purpose = PURPOSES[index % len(PURPOSES)]
    surname = SURNAMES[index % len(SURNAMES)]
    given = GIVEN[(index // len(SURNAMES)) % len(GIVEN)]
    iphone = os_ == "iphone"
    doc: dict[str, Any] = {
        "purpose": purpose,
        "price_yen": 0 if purpose == "repair" else 8000 + (index % 40) * 1000,
        "clerk": clerk,
        "seller": {
            "name": f"{surname} {given}",
            "kana": f"{READINGS[index % len(READINGS)]} タロウ",
            "address": f"東京都千代田区千代田{index % 9 + 1}-{index % 30 + 1}",
            "occupation": "会社員",
            "birth_date": f"{1960 + index % 40}-0{index % 9 + 1}-1{index % 9}",
            "id_document": {"type": "drivers_license", "number": f"{index:012d}"},
        },
        "device": {
            "os": os_,
            "maker": maker,
            "model": model,
            "color": ("黒", "白", "青")[index % 3],
            "storage_gb": (64, 128, 256)[index % 3],
            "imei": [imei_of(index)],
            "serial": f"SN{index:08d}",
            "network_restriction": "ok",
        },
        "reset_checks": {
            "factory_reset": True,
            "account_removed": True,
            "sim_removed": True,
            "sd_removed": not iphone,
            "felica_cleared": True,
        },
        "revocation": {
            "certificate_used": "yes",
            "path": "iphone_removed" if iphone else "app_revoked",
            "performed_by": "self",
            "holder_is_seller": True,
        },
        "clerk_did_not_assist": True,
        "statement": {"language": "ja"},
        "signature": signature(rng),
    }
    return doc


def _marker(directory: Path) -> Path:
    return directory / "built.json"


def station_codes(count: int) -> tuple[str, ...]:
    """``S01`` … : the counters of the bench shop."""
    return tuple(f"S{n:02d}" for n in range(1, count + 1))


def _built(directory: Path, intakes: int, stations: int) -> bool:
    marker = _marker(directory)
    if not marker.is_file() or not (directory / "shop.sqlite3").is_file():
        return False
    made = json.loads(marker.read_text(encoding="utf-8"))
    return bool(
        made.get("version") == BUILDER_VERSION
        and made.get("intakes") == intakes
        and made.get("stations", DEFAULT_STATIONS) == stations
    )


def _set_up(ctx: Any, now: datetime, stations: tuple[str, ...]) -> None:
    from desktop.clerks import Role, add_clerk
    from desktop.setup import ShopDetails, initialise

    shop = ShopDetails(name="ベンチ質店", address="東京都千代田区丸の内1-1-1")
    with ctx.transaction() as session:
        signer = initialise(
            session,
            keys_dir=ctx.keys_dir,
            shop=shop,
            station=stations[0],
            manager_code=MANAGER,
            manager_name="店長 一郎",
            manager_pin=MANAGER_PIN,
            now=now,
        )
        for n, clerk in enumerate(CLERKS):
            add_clerk(
                session,
                signer,
                code=clerk,
                name=f"店員 {n + 1}",
                role=Role.CLERK,
                pin="5678",
                now=now,
                added_by=MANAGER,
            )
    for station in stations[1:]:
        with ctx.transaction() as session:
            initialise(
                session,
                keys_dir=ctx.keys_dir,
                shop=shop,
                station=station,
                manager_code=MANAGER,
                manager_name="",
                manager_pin=MANAGER_PIN,
                now=now,
            )


def build(
    directory: Path,
    intakes: int,
    stations: int = DEFAULT_STATIONS,
    *,
    log: Any = sys.stderr,
) -> dict[str, Any]:
    """Make the database (once): ``intakes`` real commits over ``stations`` counters
    (250 a counter a day; the default two make the database this bench always made)."""
    from db.models import Intake
    from desktop.app import AppContext
    from desktop.errors import ValidationFailed
    from desktop.intake import commit_intake
    from desktop.rules import validate_intake
    from desktop.voiding import void_intake

    codes = station_codes(stations)
    if _built(directory, intakes, stations):
        return dict(json.loads(_marker(directory).read_text(encoding="utf-8")))
    # A build stopped part-way (each station-day is one transaction) is taken up again;
    # one of another size or number of stations is started afresh.
    resume = (directory / "shop.sqlite3").is_file() and (directory / "keys").is_dir()
    if resume and _marker(directory).is_file():
        resume = False  # a finished build of another size
    if not resume:
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
    _environment(directory)
    zone = ZoneInfo(TIMEZONE)
    opening = datetime.combine(FIRST_DAY, datetime.min.time(), zone).replace(hour=9)
    clock = {"now": opening.astimezone(UTC)}
    ctx = AppContext.open(
        f"sqlite:///{directory / 'shop.sqlite3'}",
        directory / "keys",
        create=True,
        clock=lambda: clock["now"],
    )
    started = time.perf_counter()
    try:
        made = 0
        if resume:
            with ctx.reading() as session:
                made = int(session.scalar(select(func.count()).select_from(Intake)) or 0)
        else:
            _set_up(ctx, clock["now"], codes)
        resumed_at = made
        signers = {code: ctx.signer(code) for code in codes}
        catalogue = ctx.catalogue()
        rng = random.Random(20261202)
        step = timedelta(hours=10) / PER_STATION_DAY
        per_day = PER_STATION_DAY * len(codes)
        day = FIRST_DAY + timedelta(days=made // per_day)
        skip = (made % per_day) // PER_STATION_DAY  # stations of that day already made
        while made < intakes:
            day_open = datetime.combine(day, datetime.min.time(), zone).replace(hour=9)
            for n, station in enumerate(codes):
                if skip:
                    skip -= 1
                    continue
                todo = min(PER_STATION_DAY, intakes - made)
                for first in range(0, todo, BATCH):
                    receipts: list[str] = []
                    with ctx.transaction() as session:
                        for k in range(first, min(todo, first + BATCH)):
                            index = made + k
                            now = (day_open + step * k + timedelta(seconds=n)).astimezone(UTC)
                            clock["now"] = now
                            raw = document(index, rng, CLERKS[n % len(CLERKS)])
                            try:
                                draft = validate_intake(raw, today=day, catalogue=catalogue)
                            except ValidationFailed as exc:
                                raise RuntimeError(
                                    f"bench document {index}: {exc.problems}"
                                ) from exc
                            receipt = commit_intake(
                                session,
                                draft,
                                signer=signers[station],
                                catalogue=catalogue,
                                shop_timezone=TIMEZONE,
                                now=now,
                            )
                            if index % VOID_EVERY == VOID_EVERY // 2:
                                receipts.append(receipt.number)
                        for receipt_no in receipts:
                            void_intake(
                                session,
                                signers[station],
                                receipt=receipt_no,
                                reason="記入誤り",
                                manager=MANAGER,
                                now=clock["now"],
                            )
                made += todo
                if made >= intakes:
                    break
            elapsed = time.perf_counter() - started
            print(
                f"\rscale: {made:,}/{intakes:,} intakes ({(made - resumed_at) / elapsed:,.0f}/s)",
                end="",
                file=log,
                flush=True,
            )
            day += timedelta(days=1)
        print(file=log)
    finally:
        ctx.close()
    seconds = time.perf_counter() - started
    # A resumed build's rate is that of the part made by this run.
    rate = (intakes - resumed_at) / seconds if seconds else 0.0
    facts = {
        "version": BUILDER_VERSION,
        "intakes": intakes,
        "stations": len(codes),
        "build_s": round(seconds, 1),
        "build_per_s": round(rate, 1),
        "resumed_at": resumed_at,
        "last_day": day.isoformat(),
    }
    _marker(directory).write_text(json.dumps(facts), encoding="utf-8")
    return facts


# --- the measurements, each in a child process of its own ------------------------------


def _rss_mb() -> float:
    """This process's peak RSS, and its children's (the verify workers), in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # Linux: KiB


def _cpu_s() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _open(directory: Path) -> Any:
    from desktop.app import AppContext

    _environment(directory)
    return AppContext.open(f"sqlite:///{directory / 'shop.sqlite3'}", directory / "keys")


def _child_ledger(directory: Path, form: str) -> dict[str, Any]:
    from desktop.ledger_book import count_ledger_rows, ledger_book_csv, ledger_book_pdf

    ctx = _open(directory)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    signer = ctx.signer("S01")
    with ctx.reading() as session:
        rows = count_ledger_rows(session, *PERIOD)
        cpu, start = _cpu_s(), time.perf_counter()
        if form == "pdf":
            data = ledger_book_pdf(session, signer, *PERIOD, now=now)
        else:
            data = ledger_book_csv(session, *PERIOD, now=now)
        wall, cpu = time.perf_counter() - start, _cpu_s() - cpu
    ctx.close()
    return {"rows": rows, "wall_s": wall, "cpu_s": cpu, "bytes": len(data), "rss_mb": _rss_mb()}


# The floor's rows: the same intakes, the printed fields, by hand.
FLOOR_SQL = """
SELECT i.receipt, i.created_at, i.purpose, i.maker, i.model, i.imei1, i.price_yen,
       json_extract(p.data, '$.address'), json_extract(p.data, '$.name'),
       json_extract(p.data, '$.occupation'), json_extract(p.data, '$.birth_date'),
       json_extract(p.data, '$.id_document.type')
FROM intake AS i
JOIN ledger_entry AS e ON e.station = i.station AND e.seq = i.seq AND e.kind = 'intake'
LEFT JOIN person AS p ON p.receipt = i.receipt
WHERE i.business_day BETWEEN ? AND ? AND i.outcome = 'accepted'
  AND i.purpose IN ('consignment', 'purchase', 'trade_in')
ORDER BY i.business_day, i.created_at, i.receipt
"""


def _floor_rows(directory: Path) -> Iterator[tuple[str, ...]]:
    connection = sqlite3.connect(directory / "shop.sqlite3")
    try:
        cursor = connection.execute(FLOOR_SQL, (PERIOD[0].isoformat(), PERIOD[1].isoformat()))
        while batch := cursor.fetchmany(1000):
            for row in batch:
                yield tuple("" if value is None else str(value) for value in row)
    finally:
        connection.close()


def _child_floor_ledger(directory: Path, form: str) -> dict[str, Any]:
    """The least a ledger of these rows costs: plain rows, csv.writer or one plain Table
    of strings per page in the same fonts."""
    import csv
    import io

    from reportlab.lib import colors  # type: ignore[import-untyped]
    from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
    from reportlab.platypus import TableStyle  # type: ignore[import-untyped]

    from reports.fonts import REGULAR, register_fonts
    from reports.ledger_book import COLUMNS, MARGIN, PAGE

    register_fonts()
    cpu, start = _cpu_s(), time.perf_counter()
    out = io.BytesIO()
    rows = 0
    if form == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        writer = csv.writer(text, lineterminator="\r\n")
        for row in _floor_rows(directory):
            writer.writerow(row)
            rows += 1
        text.flush()
    else:
        canvas = Canvas(out, pagesize=PAGE, invariant=1, initialFontName=REGULAR)
        width = PAGE[0] - 2 * MARGIN
        total = sum(column[3] for column in COLUMNS)
        widths = [width * column[3] / total for column in COLUMNS]
        style = TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("FONTSIZE", (0, 0), (-1, -1), 7),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
            ]
        )
        page: list[list[str]] = []
        per_page = 40  # single-line rows: about as many as fit
        for row in _floor_rows(directory):
            page.append(list(row[:12]))
            rows += 1
            if len(page) == per_page:
                _floor_page(canvas, page, widths, style)
                page = []
        if page:
            _floor_page(canvas, page, widths, style)
        canvas.save()
    wall, cpu = time.perf_counter() - start, _cpu_s() - cpu
    return {"rows": rows, "wall_s": wall, "cpu_s": cpu, "bytes": out.tell(), "rss_mb": _rss_mb()}


def _floor_page(canvas: Any, rows: list[list[str]], widths: list[float], style: Any) -> None:
    from reportlab.platypus import Table

    from reports.ledger_book import MARGIN, PAGE

    table = Table(rows, colWidths=widths)
    table.setStyle(style)
    _, height = table.wrapOn(canvas, PAGE[0], PAGE[1])
    table.drawOn(canvas, MARGIN, PAGE[1] - MARGIN - height)
    canvas.showPage()


def _child_verify(directory: Path, workers: int | None) -> dict[str, Any]:
    from desktop.verification import verify_all

    ctx = _open(directory)
    with ctx.reading() as session:
        cpu, start = _cpu_s(), time.perf_counter()
        report = verify_all(session, ctx.keys_dir, trust=ctx.trust, workers=workers)
        wall, cpu = time.perf_counter() - start, _cpu_s() - cpu
    ctx.close()
    entries = sum(station.entries for station in report.stations)
    return {
        "ok": report.ok,
        "entries": entries,
        "wall_s": wall,
        "cpu_s": cpu,
        "rss_mb": _rss_mb(),
        "lines": report.lines(),
    }


def _child_floor_verify(directory: Path) -> dict[str, Any]:
    """Per entry only what no verify can skip: the hash and the ECDSA signature check."""
    from desktop.keys import load_certificate, signature_is_valid
    from desktop.ledger import compute_entry_hash

    connection = sqlite3.connect(directory / "shop.sqlite3")
    certificates = {
        code: load_certificate(pem)
        for code, pem in connection.execute("SELECT code, certificate_pem FROM station")
    }
    cpu, start = _cpu_s(), time.perf_counter()
    entries = bad = 0
    cursor = connection.execute(
        "SELECT station, prev_hash, body, entry_hash, signature FROM ledger_entry "
        "ORDER BY station, seq"
    )
    while batch := cursor.fetchmany(1000):
        for station, prev_hash, body, entry_hash, signature in batch:
            entries += 1
            if compute_entry_hash(prev_hash, body.encode("utf-8")) != entry_hash:
                bad += 1
            if not signature_is_valid(certificates[station], bytes.fromhex(entry_hash), signature):
                bad += 1
    wall, cpu = time.perf_counter() - start, _cpu_s() - cpu
    connection.close()
    return {"entries": entries, "bad": bad, "wall_s": wall, "cpu_s": cpu, "rss_mb": _rss_mb()}


CLOSE_INTAKES = 1000  # the day closed: a busy counter's
CLOSE_STATION = "S01"
NAME_ROUNDS = 21
NAME_MISS = "綾小路 麗華"  # nobody in the bench shop
NAME_HIT = "佐藤 太郎"  # about one person in a hundred


class _Rollback(Exception):
    """Leaves the close's transaction without committing: the kept database stays as built."""


def _child_close_day(directory: Path) -> dict[str, Any]:
    """The close of a 1,000-intake day after every built day, none of them closed: the
    shop's first close, on this database (bench/close.py measures it on 30 days).

    The day's intakes are committed in the same transaction, untimed, and all of it is
    rolled back, so the kept database is left as it was built.
    """
    import tempfile

    from db.models import Intake
    from desktop.export_folder import export_day
    from desktop.exports import close_day_exports
    from desktop.intake import commit_intake
    from desktop.rules import validate_intake

    ctx = _open(directory)
    with ctx.reading() as session:
        last = session.scalar(select(func.max(Intake.business_day)))
    day = (last or FIRST_DAY) + timedelta(days=1)
    zone = ZoneInfo(TIMEZONE)
    day_open = datetime.combine(day, datetime.min.time(), zone).replace(hour=9).astimezone(UTC)
    closed_at = day_open + timedelta(hours=12)
    signer = ctx.signer(CLOSE_STATION)
    catalogue = ctx.catalogue()
    rng = random.Random(day.toordinal())
    step = timedelta(hours=11) / CLOSE_INTAKES
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="scale-close-") as scratch:
        try:
            with ctx.transaction() as session:
                for k in range(CLOSE_INTAKES):
                    now = day_open + step * k
                    draft = validate_intake(
                        document(10_000_000 + k, rng, CLERKS[0]), today=day, catalogue=catalogue
                    )
                    commit_intake(
                        session,
                        draft,
                        signer=signer,
                        catalogue=catalogue,
                        shop_timezone=TIMEZONE,
                        now=now,
                    )
                cpu, start = _cpu_s(), time.perf_counter()
                summary = close_day_exports(
                    session, signer, day=day, manager=MANAGER, now=closed_at
                )
                export_day(summary, Path(scratch) / "export", signer)
                figures = {
                    "day": day.isoformat(),
                    "intakes": CLOSE_INTAKES,
                    "wall_s": time.perf_counter() - start,
                    "cpu_s": _cpu_s() - cpu,
                }
                raise _Rollback
        except _Rollback:
            pass
    ctx.close()
    return {**figures, "rss_mb": _rss_mb()}


def _child_name_search(directory: Path) -> dict[str, Any]:
    """The history's name search (desktop.history.search, the name tokens) for a name
    nobody has and for one about a hundredth of the sellers have: median of rounds,
    each in a read transaction of its own, as the history screen asks."""
    import statistics

    from bench.history import PAGE
    from desktop.history import HistoryQuery, search

    ctx = _open(directory)
    figures: dict[str, Any] = {}
    for label, name in (("miss", NAME_MISS), ("hit", NAME_HIT)):
        times, found = [], 0
        for _ in range(NAME_ROUNDS):
            start = time.perf_counter()
            with ctx.reading() as session:
                found = len(search(session, HistoryQuery(text=name), limit=PAGE))
            times.append(time.perf_counter() - start)
        figures[f"{label}_ms"] = 1000 * statistics.median(times)
        figures[f"{label}_rows"] = found
    ctx.close()
    if figures["miss_rows"] or not figures["hit_rows"]:
        raise RuntimeError(f"name search: unexpected rows {figures}")
    return figures


CHILDREN: dict[str, Callable[[Path], dict[str, Any]]] = {
    "ledger-pdf": lambda d: _child_ledger(d, "pdf"),
    "ledger-csv": lambda d: _child_ledger(d, "csv"),
    "floor-pdf": lambda d: _child_floor_ledger(d, "pdf"),
    "floor-csv": lambda d: _child_floor_ledger(d, "csv"),
    "verify": lambda d: _child_verify(d, None),
    "verify-one-process": lambda d: _child_verify(d, 1),
    "floor-verify": _child_floor_verify,
    "close-day": _child_close_day,
    "name-search": _child_name_search,
}


def _in_child(name: str, directory: Path) -> dict[str, Any]:
    """Run one measurement in a fresh process: its peak RSS is that operation's."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.scale", "--child", name, "--keep", str(directory)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{name}: exit {done.returncode}\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure(directory: Path, *, log: Any = sys.stderr) -> dict[str, Any]:
    """Every figure, subject and floor interleaved (floor first, then subject)."""
    results: dict[str, dict[str, Any]] = {}
    for name in (
        "floor-csv",
        "ledger-csv",
        "floor-pdf",
        "ledger-pdf",
        "floor-verify",
        "verify-one-process",
        "verify",
        "close-day",
        "name-search",
    ):
        print(f"scale: {name} …", file=log, flush=True)
        results[name] = _in_child(name, directory)
        shown = {k: v for k, v in results[name].items() if k != "lines"}
        print(f"scale: {name} {shown}", file=log, flush=True)
    if results["verify"]["lines"] != results["verify-one-process"]["lines"]:
        raise RuntimeError("verify in parallel and in one process disagree")
    figures: dict[str, Any] = {}
    for form in ("pdf", "csv"):
        subject, floor = results[f"ledger-{form}"], results[f"floor-{form}"]
        figures[f"ledger_{form}_rows"] = subject["rows"]
        figures[f"ledger_{form}_ms_per_row"] = round(1000 * subject["wall_s"] / subject["rows"], 3)
        figures[f"ledger_{form}_cpu_ms_per_row"] = round(
            1000 * subject["cpu_s"] / subject["rows"], 3
        )
        figures[f"ledger_{form}_floor_ms_per_row"] = round(
            1000 * floor["wall_s"] / max(floor["rows"], 1), 3
        )
        figures[f"ledger_{form}_ratio"] = round(subject["cpu_s"] / max(floor["cpu_s"], 1e-9), 2)
        figures[f"ledger_{form}_peak_rss_mb"] = round(subject["rss_mb"], 1)
        figures[f"ledger_{form}_floor_peak_rss_mb"] = round(floor["rss_mb"], 1)
    one, parallel, floor = (
        results["verify-one-process"],
        results["verify"],
        results["floor-verify"],
    )
    figures["verify_ok"] = parallel["ok"]
    figures["verify_entries"] = parallel["entries"]
    figures["verify_entries_per_s_per_core"] = round(one["entries"] / one["cpu_s"])
    figures["verify_parallel_entries_per_core_s"] = round(parallel["entries"] / parallel["cpu_s"])
    figures["verify_wall_s"] = round(parallel["wall_s"], 1)
    figures["verify_one_process_wall_s"] = round(one["wall_s"], 1)
    figures["verify_peak_rss_mb"] = round(parallel["rss_mb"], 1)
    figures["verify_floor_entries_per_s_per_core"] = round(floor["entries"] / floor["cpu_s"])
    figures["verify_ratio"] = round(one["cpu_s"] / floor["cpu_s"], 2)
    close = results["close-day"]
    figures["close_day_s"] = round(close["wall_s"], 2)
    figures["close_day_cpu_s"] = round(close["cpu_s"], 2)
    figures["close_day_peak_rss_mb"] = round(close["rss_mb"], 1)
    names = results["name-search"]
    figures["name_miss_ms"] = round(names["miss_ms"], 2)
    figures["name_hit_ms"] = round(names["hit_ms"], 2)
    figures["name_hit_rows"] = names["hit_rows"]
    # The figures under their names: verify per core in one process; the
    # ledger's worse form (the PDF), CPU per row (the wall time on this shared machine
    # says more about the neighbours: see docs/PERFORMANCE.md), and its peak.
    figures["verify_entries_per_s"] = figures["verify_entries_per_s_per_core"]
    figures["ledger_ms_per_row"] = max(
        figures["ledger_pdf_cpu_ms_per_row"], figures["ledger_csv_cpu_ms_per_row"]
    )
    figures["ledger_peak_rss_mb"] = max(
        figures["ledger_pdf_peak_rss_mb"], figures["ledger_csv_peak_rss_mb"]
    )
    figures["cores"] = os.cpu_count()
    return figures


def main(argv: list[str] | None = None, prog: str = "python -m bench.scale") -> int:
    parser = argparse.ArgumentParser(
        prog=prog, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--intakes", type=int, default=DEFAULT_INTAKES)
    parser.add_argument(
        "--stations",
        type=int,
        default=DEFAULT_STATIONS,
        help="counters of the shop, 250 intakes a day each (default: 2)",
    )
    parser.add_argument("--keep", type=Path, default=None, help=f"folder (env {DIR_ENV})")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    directory = args.keep or scale_dir()
    if args.child:
        print(json.dumps(CHILDREN[args.child](directory)))
        return 0
    if args.stations < 1 or args.stations > 99 or args.intakes < 1:
        parser.error("--stations must be 1 … 99 and --intakes at least 1")
    facts = build(directory, args.intakes, args.stations)
    if not args.build_only:
        facts.update(measure(directory))
        facts["db_mb"] = round((directory / "shop.sqlite3").stat().st_size / 2**20, 1)
    if args.json:
        print(json.dumps({"scale": facts}, ensure_ascii=False))
    else:
        for key, value in facts.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

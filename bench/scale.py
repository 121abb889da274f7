"""The 古物台帳 and ``verify`` on a database of real intakes: ``python -m bench.scale``.

The database is built once (it takes minutes) through the project's own commit path —
``validate_intake`` and ``commit_intake`` in ``AppContext.transaction()``, as the
counter does it — for two stations of one shop, each intake chained, signed, with a
person's details and a signature of four strokes of sixty points, about 500 intakes a
day (250 a counter), one in a thousand voided by a manager.  It is kept in
``$REVOKE_DESK_BENCH_SCALE_DIR`` (default ``/tmp/revoke-desk-bench-scale``) as
``shop.sqlite3`` with ``keys/`` and ``trust/`` and rebuilt only when ``BUILDER_VERSION``
or the number of intakes changes.

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

``--json`` prints one object ``{"scale": {...}}`` on stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
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
STATIONS = ("S01", "S02")
PER_STATION_DAY = 250
FIRST_DAY = date(2026, 4, 1)
PERIOD = (date(2026, 7, 1), date(2026, 9, 30))
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


def _built(directory: Path, intakes: int) -> bool:
    marker = _marker(directory)
    if not marker.is_file() or not (directory / "shop.sqlite3").is_file():
        return False
    made = json.loads(marker.read_text(encoding="utf-8"))
    return bool(made.get("version") == BUILDER_VERSION and made.get("intakes") == intakes)


def _set_up(ctx: Any, now: datetime) -> None:
    from desktop.clerks import Role, add_clerk
    from desktop.setup import ShopDetails, initialise

    shop = ShopDetails(name="ベンチ質店", address="東京都千代田区丸の内1-1-1")
    with ctx.transaction() as session:
        signer = initialise(
            session,
            keys_dir=ctx.keys_dir,
            shop=shop,
            station=STATIONS[0],
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
    for station in STATIONS[1:]:
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


def build(directory: Path, intakes: int, *, log: Any = sys.stderr) -> dict[str, Any]:
    """Make the database (once): ``intakes`` real commits over both stations."""
    from db.models import Intake
    from desktop.app import AppContext
    from desktop.errors import ValidationFailed
    from desktop.intake import commit_intake
    from desktop.rules import validate_intake
    from desktop.voiding import void_intake

    if _built(directory, intakes):
        return dict(json.loads(_marker(directory).read_text(encoding="utf-8")))
    # A build stopped part-way (each station-day is one transaction) is taken up again.
    resume = (directory / "shop.sqlite3").is_file() and (directory / "keys").is_dir()
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
            _set_up(ctx, clock["now"])
        resumed_at = made
        signers = {code: ctx.signer(code) for code in STATIONS}
        catalogue = ctx.catalogue()
        rng = random.Random(20261202)
        step = timedelta(hours=10) / PER_STATION_DAY
        per_day = PER_STATION_DAY * len(STATIONS)
        day = FIRST_DAY + timedelta(days=made // per_day)
        skip = (made % per_day) // PER_STATION_DAY  # stations of that day already made
        while made < intakes:
            day_open = datetime.combine(day, datetime.min.time(), zone).replace(hour=9)
            for n, station in enumerate(STATIONS):
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
        "stations": len(STATIONS),
        "build_s": round(seconds, 1),
        "build_per_s": round(rate, 1),
        "resumed_at": resumed_at,
        "last_day": day.isoformat(),
    }
    _marker(directory).write_text(json.dumps(facts), encoding="utf-8")
    return facts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    parser.add_argument("--intakes", type=int, default=DEFAULT_INTAKES)
    parser.add_argument("--keep", type=Path, default=None, help=f"folder (env {DIR_ENV})")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    directory = args.keep or scale_dir()
    facts = build(directory, args.intakes)
    if args.build_only:
        print(json.dumps({"scale": facts}) if args.json else facts)
        return 0
    raise SystemExit("measurements: not yet")


if __name__ == "__main__":
    raise SystemExit(main())

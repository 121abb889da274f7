"""History search on a 1,000,000-intake database vs the same query as raw ``sqlite3`` SQL.

Subject: ``desktop.history.search`` through ``AppContext.reading()``, as the history
screen runs it for one page (``limit=PAGE``).  One round asks six questions: an IMEI
a scanner reads (one match), a surname (about 1 % of the rows match: the name
search walks the newest intakes), a full name (about 680 rows: it reads just those
people), a name that matches nothing (one probe of the token index), one business
day a year back, and the first page with no filter (the screen as it opens).

Floor: the same query written by hand and run with a plain ``sqlite3`` connection on
the same file with the same indexes — the same joins (person for the name, the void
entry for the strike-through), the same conditions, order and limit, and for a name
the same probe of the name tokens choosing the same plan — fetched as tuples.  So the ratio is what our layers add (SQLAlchemy, the session, building the
frozen ``HistoryRow`` values); whether the query itself is a good one shows in the
absolute times, which ``run`` also prints per question on stderr.

The database is built once by inserting rows straight into ``intake``, ``person``,
``person_name_token`` and ``ledger_entry`` with ``executemany`` (see
docs/PERFORMANCE.md for how long a million takes): the rows have
the shape of real ones (one intake entry per intake, one void in about a thousand)
but no valid hash chain, signatures or personal-data digests — this is a read bench,
and ``verify`` would reject the file.  It is cached in ``.bench-cache/`` beside the
bench's scratch folder (the repository root by default, ignored by git) and rebuilt
when the schema or this builder changes.  ``python -m bench.history`` times the worst
case of the old "contains" search on its own: a name that is nowhere in the table.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.commit import open_bench_shop
from bench.common import NS_PER_MS, Result, interleave
from db.engine import BUSY_TIMEOUT_MS
from db.migrate import SCHEMA_HEAD
from desktop.app import AppContext
from desktop.history import NAME_WALK_FROM, HistoryQuery, search
from desktop.name_tokens import name_tokens, prefix_range, search_key

DEFAULT_ROUNDS = 30
WARMUP_ROUNDS = 3
ROWS = int(os.environ.get("REVOKE_DESK_BENCH_HISTORY_ROWS", "1000000"))
PAGE = 201  # the screen's page (200) and one more, to know whether there is a next page
BUILDER_VERSION = 3  # bump when the generated rows change, so old caches are rebuilt
BATCH = 20_000
VOID_EVERY = 997  # about one intake in a thousand is void
INTAKES_PER_DAY = 300

_SURNAMES_TEXT = (
    "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 "
    "松本 井上 木村 林 斎藤 清水 山崎 森 池田 橋本 阿部 石川 山下 中島 石井 "
    "小川 前田 岡田 長谷川 藤田 後藤 近藤 村上 遠藤 青木 坂本 斉藤 福田 太田 "
    "西村 藤井 金子 岡本 藤原 中野 三浦 原田 中川 松田 竹内 小野 田村 中山 和田 "
    "石田 森田 上田 原 柴田 酒井 工藤 横山 宮崎 宮本 内田 高木 安藤 島田 谷口 "
    "大野 丸山 今井 高田 藤本 武田 村田 上野 杉山 増田 小山 大塚 平野 菅原 久保 "
    "松井 千葉 岩崎 桜井 木下 野口 松尾 菊地 野村 新井"
)
SURNAMES = tuple(_SURNAMES_TEXT.split())
# Their readings, in the same order (the name search finds a person by either).
_SURNAME_READINGS_TEXT = (
    "サトウ スズキ タカハシ タナカ イトウ ワタナベ ヤマモト ナカムラ コバヤシ カトウ ヨシダ "
    "ヤマダ ササキ ヤマグチ マツモト イノウエ キムラ ハヤシ サイトウ シミズ ヤマザキ モリ イケダ "
    "ハシモト アベ イシカワ ヤマシタ ナカジマ イシイ オガワ マエダ オカダ ハセガワ フジタ ゴトウ "
    "コンドウ ムラカミ エンドウ アオキ サカモト サイトウ フクダ オオタ ニシムラ フジイ カネコ "
    "オカモト フジワラ ナカノ ミウラ ハラダ ナカガワ マツダ タケウチ オノ タムラ ナカヤマ ワダ "
    "イシダ モリタ ウエダ ハラ シバタ サカイ クドウ ヨコヤマ ミヤザキ ミヤモト ウチダ タカギ "
    "アンドウ シマダ タニグチ オオノ マルヤマ イマイ タカダ フジモト タケダ ムラタ ウエノ "
    "スギヤマ マスダ コヤマ オオツカ ヒラノ スガワラ クボ マツイ チバ イワサキ サクライ キノシタ "
    "ノグチ マツオ キクチ ノムラ アライ"
)
SURNAME_READINGS = tuple(_SURNAME_READINGS_TEXT.split())
_GIVEN_NAMES_TEXT = (
    "太郎 花子 一郎 美咲 翔太 陽菜 大輝 結衣 健太 さくら 拓海 葵 蓮 凛 悠真 "
    "結菜 湊 陽葵 大和 芽依 悠斗 美羽 陸 莉子 颯太 楓 樹 七海 海斗 心春"
)
GIVEN_NAMES = tuple(_GIVEN_NAMES_TEXT.split())
_GIVEN_READINGS_TEXT = (
    "タロウ ハナコ イチロウ ミサキ ショウタ ヒナ ダイキ ユイ ケンタ サクラ タクミ アオイ レン "
    "リン ユウマ ユイナ ミナト ヒマリ ヤマト メイ ユウト ミウ リク リコ ソウタ カエデ イツキ "
    "ナナミ カイト コハル"
)
GIVEN_READINGS = tuple(_GIVEN_READINGS_TEXT.split())
assert len(SURNAME_READINGS) == len(SURNAMES) and len(GIVEN_READINGS) == len(GIVEN_NAMES)
DEVICES = (
    ("android", "Google", "Pixel 8"),
    ("iphone", "Apple", "iPhone 15"),
    ("android", "SHARP", "AQUOS sense8"),
    ("android", "SONY", "Xperia 10 V"),
    ("iphone", "Apple", "iPhone SE (第3世代)"),
    ("android", "Samsung", "Galaxy S24"),
)
PURPOSES = ("purchase", "trade_in", "consignment", "repair")
FIRST_DAY = date(2017, 1, 4)
STATION = "S01"
CLERK = "C01"

# What the bench searches for.  The IMEI is that of an intake in the middle of the
# table; the surname is one of 98, so about 1 % of the rows match; the full name is
# that of one intake in 1,470 (680 rows in a million); the absent name is no one's.
IMEI_ROW = ROWS // 2
SURNAME = "山田"
FULL_NAME = "山田 花子"
ABSENT_NAME = "小泉"

# The floor's SQL: the same joins, order and limit as desktop.history, written by hand
# (with its coalesce(): without statistics, SQLite would serve a plain kind = 'void'
# from ix_ledger_kind_created and read every void entry for each row).
FLOOR_SELECT = """
SELECT i.receipt, i.created_at, i.station, i.clerk, i.purpose, i.outcome,
       i.refusal_reason, i.revocation_path, i.maker, i.model, i.imei1, i.imei2,
       p.name, v.body
FROM intake AS i
LEFT OUTER JOIN person AS p ON p.receipt = i.receipt
LEFT OUTER JOIN ledger_entry AS v ON v.subject = i.receipt AND coalesce(v.kind, '') = 'void'
"""
FLOOR_ORDER = " ORDER BY i.created_at DESC, i.receipt DESC LIMIT ?"


def imei_of(row: int) -> str:
    """A 15-digit IMEI unique to the row (the check digit is not computed: reads only)."""
    return f"35{row:012d}0"


def _sql_time(value: datetime) -> str:
    # How SQLAlchemy's SQLite DateTime stores a value (db.types.UTCDateTime: UTC, naive).
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


_Row = tuple[Any, ...]
_Built = tuple[_Row, _Row, tuple[_Row, ...], tuple[_Row, ...]]


def _rows(start: int, stop: int) -> Iterator[_Built]:
    """The intake, person, name-token and ledger rows of intakes ``start`` … ``stop - 1``."""
    salt = bytes(32)
    for n in range(start, stop):
        day = FIRST_DAY + timedelta(days=n // INTAKES_PER_DAY)
        day_number = n % INTAKES_PER_DAY + 1
        receipt = f"{STATION}-{day:%Y%m%d}-{day_number:04d}"
        # 10:00 Tokyo (01:00 UTC) plus two minutes per intake of the day.
        created = _sql_time(
            datetime(day.year, day.month, day.day, 1, tzinfo=UTC)
            + timedelta(minutes=2 * (day_number - 1))
        )
        device_os, maker, model = DEVICES[n % len(DEVICES)]
        refused = n % 11 == 0
        surname, given = n % len(SURNAMES), (n // 7) % len(GIVEN_NAMES)
        name = f"{SURNAMES[surname]} {GIVEN_NAMES[given]}"
        kana = f"{SURNAME_READINGS[surname]} {GIVEN_READINGS[given]}"
        seq = 10 + 2 * n
        intake = (
            receipt,
            STATION,
            seq,
            day.isoformat(),
            day_number,
            created,
            CLERK,
            PURPOSES[n % len(PURPOSES)],
            12000,
            "refused" if refused else "accepted",
            "not_done" if refused else "",
            "app_revoked",
            device_os,
            maker,
            model,
            imei_of(n),
            imei_of(n + ROWS) if n % 5 == 0 else "",
        )
        data = json.dumps({"name": name, "kana": kana, "address": "東京都千代田区"})
        person = (receipt, salt, data, name, created)
        tokens = tuple((receipt, token) for token in name_tokens(name, kana))
        body = f'{{"kind":"intake","receipt":"{receipt}","seq":{seq}}}'
        # (station, seq, kind, subject, body, prev_hash, entry_hash, created_at): the
        # hashes are placeholders, unique per station as the schema requires.
        entries = [
            (STATION, seq, "intake", receipt, body, f"{seq:064x}", f"{seq + 1:064x}", created)
        ]
        if n % VOID_EVERY == VOID_EVERY - 1:
            void_body = json.dumps(
                {"kind": "void", "receipt": receipt, "reason": "二重登録", "manager": "M01"},
                ensure_ascii=False,
            )
            entries.append(
                (
                    STATION,
                    seq + 1,
                    "void",
                    receipt,
                    void_body,
                    f"{seq + 1:064x}",
                    f"{seq + 2:064x}",
                    created,
                )
            )
        yield intake, person, tokens, tuple(entries)


def build(path: Path, rows: int = ROWS) -> None:
    """Make the bench database at ``path`` (through a temporary file, renamed at the end)."""
    work = path.with_name(path.name + ".building")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    # The schema, the shop, station S01 and its clerks exactly as the app makes them.
    open_bench_shop(work).close()
    partial = work / "shop.sqlite3"
    db = sqlite3.connect(partial, isolation_level=None)
    try:
        # Bulk load: no fsync per batch and no foreign-key checks (the rows are made
        # consistent here); the file is left in WAL mode as the app expects.
        db.execute("PRAGMA synchronous=OFF")
        db.execute("PRAGMA foreign_keys=OFF")
        db.execute("PRAGMA cache_size=-200000")
        # The token index is made after the rows: one sort instead of ten million
        # scattered inserts (its definition is the migration's, read back).
        (token_index,) = db.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'ix_person_name_token'"
        ).fetchone()
        db.execute("DROP INDEX ix_person_name_token")
        started = time.perf_counter()
        for start in range(0, rows, BATCH):
            batch = list(_rows(start, min(rows, start + BATCH)))
            db.execute("BEGIN")
            db.executemany(
                "INSERT INTO intake (receipt, station, seq, business_day, day_number, created_at,"
                " clerk, purpose, price_yen, outcome, refusal_reason, revocation_path, device_os,"
                " maker, model, imei1, imei2) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (intake for intake, _, _, _ in batch),
            )
            db.executemany(
                "INSERT INTO person (receipt, salt, data, name, created_at) VALUES (?,?,?,?,?)",
                (person for _, person, _, _ in batch),
            )
            db.executemany(
                "INSERT INTO person_name_token (receipt, token) VALUES (?,?)",
                (token for _, _, tokens, _ in batch for token in tokens),
            )
            db.executemany(
                "INSERT INTO ledger_entry (station, seq, kind, subject, body, prev_hash,"
                " entry_hash, signature, created_at) VALUES (?,?,?,?,?,?,?,'',?)",
                (entry for _, _, _, entries in batch for entry in entries),
            )
            db.execute("COMMIT")
            print(
                f"history bench: {start + len(batch):,} of {rows:,} intakes "
                f"({time.perf_counter() - started:.0f} s)",
                file=sys.stderr,
            )
        db.execute(token_index)
        print(
            f"history bench: token index built ({time.perf_counter() - started:.0f} s)",
            file=sys.stderr,
        )
        # No ANALYZE: the app never runs it, so a shop's database has no statistics
        # and the query planner must choose its plan without them here too.
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    partial.rename(path)
    shutil.rmtree(work)


def cached_database(cache_dir: Path, rows: int = ROWS) -> Path:
    """The bench database for ``rows`` intakes, built on first use."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"history-{rows}-schema{SCHEMA_HEAD}-v{BUILDER_VERSION}.sqlite3"
    if not path.exists():
        print(f"history bench: building {path} (once)", file=sys.stderr)
        build(path, rows)
    return path


@dataclass(frozen=True)
class Question:
    """One search, as the subject asks it and as the floor's SQL asks it.

    A name question has no fixed ``where``: the floor probes the tokens first and
    picks the same plan as ``desktop.history`` (see :func:`name_where`).
    """

    label: str
    query: HistoryQuery
    where: str
    params: tuple[object, ...]
    name: str = ""
    finds: bool = True  # whether the question has any answer


FLOOR_NAME_PROBE = (
    "SELECT count(*) FROM (SELECT receipt FROM person_name_token"
    " WHERE token >= ? AND token < ? LIMIT ?)"
)
# A few people: the page's receipts from the intake rows first, then the joins.
FLOOR_NAME_FEW = (
    "WHERE i.receipt IN (SELECT receipt FROM intake WHERE receipt IN"
    " (SELECT receipt FROM person_name_token WHERE token >= ? AND token < ?)"
    " ORDER BY created_at DESC, receipt DESC LIMIT ?)"
)
FLOOR_NAME_MANY = (
    "WHERE EXISTS (SELECT 1 FROM person_name_token AS t"
    " WHERE t.receipt = i.receipt AND t.token >= ? AND t.token < ?)"
)


def name_where(db: sqlite3.Connection, name: str) -> tuple[str, tuple[object, ...]] | None:
    """The floor's name condition, chosen as desktop.history chooses; None: no match."""
    low, high = prefix_range(search_key(name))
    (matches,) = db.execute(FLOOR_NAME_PROBE, (low, high, NAME_WALK_FROM)).fetchone()
    if matches == 0:
        return None
    if matches < NAME_WALK_FROM:
        return FLOOR_NAME_FEW, (low, high, PAGE)
    return FLOOR_NAME_MANY, (low, high)


def name_question(label: str, name: str, *, finds: bool = True) -> Question:
    return Question(label, HistoryQuery(text=name), "", (), name=name, finds=finds)


def questions(rows: int = ROWS) -> tuple[Question, ...]:
    imei = imei_of(rows // 2)
    # One business day about a year before the newest intake.
    day = FIRST_DAY + timedelta(days=max(0, rows // INTAKES_PER_DAY - 365))
    bounds = (
        _sql_time(_midnight(day - timedelta(days=1))),
        _sql_time(_midnight(day + timedelta(days=2))),
    )
    return (
        Question("imei", HistoryQuery(text=imei), "WHERE i.imei1 = ? OR i.imei2 = ?", (imei, imei)),
        name_question("surname", SURNAME),
        name_question("full name", FULL_NAME),
        name_question("no such name", ABSENT_NAME, finds=False),
        Question(
            "date",
            HistoryQuery(date_from=day, date_to=day),
            # desktop.history bounds the indexed created_at by a day either side of
            # the business day (see _filtered); the floor asks the same.
            "WHERE i.business_day >= ? AND i.created_at >= ?"
            " AND i.business_day <= ? AND i.created_at < ?",
            (day.isoformat(), bounds[0], day.isoformat(), bounds[1]),
        ),
        Question("first page", HistoryQuery(), "", ()),
    )


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


class HistoryBench:
    def __init__(self, database: Path, rows: int = ROWS) -> None:
        self.ctx = AppContext.open(f"sqlite:///{database}", database.parent / "keys")
        # Read-only, with no implicit BEGIN: each round opens one read transaction,
        # as AppContext.reading() does.
        self.floor_db = sqlite3.connect(
            f"file:{database}?mode=ro",
            uri=True,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
        )
        self.questions = questions(rows)
        self.subject_ns: dict[str, list[int]] = {q.label: [] for q in self.questions}
        self.floor_ns: dict[str, list[int]] = {q.label: [] for q in self.questions}
        for question in self.questions:
            self._check(question)

    def _check(self, question: Question) -> None:
        """Subject and floor must return the same receipts, or the ratio means nothing."""
        with self.ctx.reading() as session:
            ours = [r.receipt for r in search(session, question.query, limit=PAGE)]
        floor = [row[0] for row in self._floor_rows(question)]
        if ours != floor or bool(ours) != question.finds:
            raise AssertionError(f"{question.label}: subject and floor disagree")

    def _floor_rows(self, question: Question) -> list[tuple[object, ...]]:
        where, params = question.where, question.params
        if question.name:
            found = name_where(self.floor_db, question.name)
            if found is None:
                return []
            where, params = found
        sql = FLOOR_SELECT + where + FLOOR_ORDER
        return self.floor_db.execute(sql, (*params, PAGE)).fetchall()

    def close(self) -> None:
        self.floor_db.close()
        self.ctx.close()

    def subject(self) -> int:
        total = 0
        for question in self.questions:
            start = time.perf_counter_ns()
            with self.ctx.reading() as session:
                rows = search(session, question.query, limit=PAGE)
            elapsed = time.perf_counter_ns() - start
            assert bool(rows) == question.finds
            self.subject_ns[question.label].append(elapsed)
            total += elapsed
        return total

    def floor(self) -> int:
        total = 0
        for question in self.questions:
            start = time.perf_counter_ns()
            self.floor_db.execute("BEGIN")
            rows = self._floor_rows(question)
            self.floor_db.execute("COMMIT")
            elapsed = time.perf_counter_ns() - start
            assert bool(rows) == question.finds
            self.floor_ns[question.label].append(elapsed)
            total += elapsed
        return total

    def breakdown(self, warmup: int) -> str:
        """Each question's medians over the measured rounds (stderr, not the JSON)."""
        lines = []
        for question in self.questions:
            s = sorted(self.subject_ns[question.label][warmup:])
            f = sorted(self.floor_ns[question.label][warmup:])
            lines.append(
                f"history bench: {question.label:<12} subject p50 {s[len(s) // 2] / NS_PER_MS:8.2f} ms"
                f"   floor p50 {f[len(f) // 2] / NS_PER_MS:8.2f} ms"
            )
        return "\n".join(lines)


def run(
    *,
    rounds: int,
    directory: Path,
    warmup: int = WARMUP_ROUNDS,
    rows: int = ROWS,
    cache_dir: Path | None = None,
    report: Callable[[str], None] = lambda text: print(text, file=sys.stderr),
) -> Result:
    database = cached_database(cache_dir or directory.parent / ".bench-cache", rows)
    bench = HistoryBench(database, rows)
    try:
        result = interleave(bench.subject, bench.floor, rounds=rounds, warmup=warmup)
        report(bench.breakdown(warmup))
        return result
    finally:
        bench.close()


def worst_case(rows: int = ROWS, rounds: int = 20) -> str:
    """A name that matches nothing, the search that read every row before the name tokens.

    Also times the old "contains" scan of ``person.name`` by hand (``LIKE '%…%'``, the
    query before schema 0003) on the same file, for comparison.
    """
    database = cached_database(Path.cwd() / ".bench-cache", rows)
    bench = HistoryBench(database, rows)
    question = name_question("absent", ABSENT_NAME, finds=False)
    old_scan = FLOOR_SELECT + "WHERE p.name LIKE ? ESCAPE '/'" + FLOOR_ORDER
    try:
        subject, floor, scan = [], [], []
        for number in range(rounds):
            start = time.perf_counter_ns()
            with bench.ctx.reading() as session:
                assert search(session, question.query, limit=PAGE) == []
            subject.append(time.perf_counter_ns() - start)
            start = time.perf_counter_ns()
            assert bench._floor_rows(question) == []
            floor.append(time.perf_counter_ns() - start)
            if number < 3:
                start = time.perf_counter_ns()
                assert bench.floor_db.execute(old_scan, (f"%{ABSENT_NAME}%", PAGE)).fetchall() == []
                scan.append(time.perf_counter_ns() - start)
    finally:
        bench.close()
    subject.sort()
    return (
        f"name not found ({rows:,} intakes): subject p50 {subject[len(subject) // 2] / NS_PER_MS:.2f}"
        f" ms (max {subject[-1] / NS_PER_MS:.2f}), floor min {min(floor) / NS_PER_MS:.2f} ms;"
        f" the old LIKE scan min {min(scan) / NS_PER_MS:.0f} ms"
    )


if __name__ == "__main__":
    print(worst_case())

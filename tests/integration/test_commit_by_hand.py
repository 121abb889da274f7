"""The ``commit_cpu`` bench's floor does the project's work, not less: what it writes by
hand into a real shop's schema verifies as the project's own commits do.

If the floor skipped a look-up, an insert or a field of the body, ``verify`` would find
the chain, the intake row, the person's digest or the name tokens wrong here — and the
bench's ratio would flatter the project.
"""

from __future__ import annotations

import copy
from pathlib import Path

from sqlalchemy import func, select

from bench.commit import DOCUMENT, STATION, SteppingClock, open_bench_shop
from bench.commit_by_hand import HandWrittenCommit
from db.models import Intake, PersonNameToken
from desktop.app import AppContext
from desktop.history import HistoryQuery, search
from desktop.verification import verify_all


def test_the_hand_written_commit_writes_what_verify_accepts(tmp_path: Path) -> None:
    shop = open_bench_shop(tmp_path)
    signer, catalogue = shop.signer(STATION), shop.catalogue()
    timezone = shop.shop_profile().timezone
    shop.close()
    by_hand = HandWrittenCommit(
        tmp_path / "shop.sqlite3",
        signer=signer,
        catalogue=catalogue,
        timezone=timezone,
        synchronous_off=False,
    )
    clock = SteppingClock()
    try:
        receipts = [by_hand.commit(copy.deepcopy(DOCUMENT), clock()) for _ in range(3)]
    finally:
        by_hand.close()
    assert receipts == [f"{STATION}-20261127-000{n}" for n in (1, 2, 3)]

    ctx = AppContext.open(f"sqlite:///{tmp_path / 'shop.sqlite3'}", tmp_path / "keys")
    try:
        with ctx.reading() as session:
            report = verify_all(session, ctx.keys_dir)
            intakes = session.execute(select(func.count()).select_from(Intake)).scalar_one()
            tokens = session.execute(select(func.count()).select_from(PersonNameToken)).scalar_one()
            found = [row.receipt for row in search(session, HistoryQuery(text="ヤマダ"))]
        assert [station.finding for station in report.stations] == [None], report.lines()
        assert report.stations[0].head.seq == 1 + 2 + 3  # set-up (station, clerk), 3 intakes
        assert not report.unchained_intakes and not report.clerk_findings
        # The witness is the one thing the floor does not write (its docstring says so):
        # this PC's witness is behind the database, which is a note and no failure.
        assert not report.trust_findings, report.lines()
        assert report.ok
        assert intakes == 3
        assert tokens > 3
        assert sorted(found) == receipts
    finally:
        ctx.close()

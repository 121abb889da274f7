"""Render + sign one slip vs a one-page ReportLab PDF with the same font, signed the same way.

Subject: ``reports.slip.render_slip`` of a real confirmation snapshot, thermal format,
then ``reports.signing.sign_pdf`` with the station key.  Every round renders a slip of
its own — a different intake with its own receipt number, seller, address, phone,
IMEI, price and QR payload, all committed to a fresh shop and turned into snapshots
by ``desktop.slips.build_snapshot`` before the timing — so that what the renderer
keeps from slip to slip (the laid-out fixed texts, ``reports.layout``) helps only
where a counter's next slip would let it.  Nothing from the database is read inside
the timing: the renderer is a pure function of the snapshot.

Floor: a ReportLab ``Canvas`` page, the same bundled font registered the same way,
one line of Japanese text, saved to memory, and signed by the same ``sign_pdf`` with
the same key — the least any signed Japanese PDF costs here.
"""

from __future__ import annotations

import copy
import io
import time
from pathlib import Path
from typing import Any

from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from bench.commit import DOCUMENT, STATION, open_bench_shop
from bench.common import Result, interleave
from desktop.intake import commit_intake
from desktop.rules import validate_intake
from desktop.slips import build_snapshot
from reports.fonts import REGULAR, register_fonts
from reports.layout import clear_qr_caches
from reports.signing import sign_pdf
from reports.slip import render_slip
from reports.snapshot import SlipFormat, SlipSnapshot

DEFAULT_ROUNDS = 60
WARMUP_ROUNDS = 3


SURNAMES = ("山田", "佐藤", "鈴木", "髙橋", "渡邊", "伊藤", "中村", "小林", "齋藤", "吉田")
GIVEN = ("太郎", "花子", "一郎", "美咲", "健太", "陽菜", "翔", "結衣", "大輔", "さくら")
MODELS = (("Google", "Pixel 8"), ("Apple", "iPhone 13"), ("Sony", "Xperia 10 V"))


def imei(n: int) -> str:
    """A valid IMEI (Luhn check digit) for the ``n``-th slip."""
    body = f"35693803{n:06d}"
    digits = [int(d) for d in body]
    total = sum(d if i % 2 == 0 else sum(divmod(2 * d, 10)) for i, d in enumerate(digits))
    return body + str((10 - total % 10) % 10)


def document(n: int) -> dict[str, Any]:
    """bench.commit's trade-in, with the ``n``-th seller and phone."""
    doc = copy.deepcopy(DOCUMENT)
    doc["price_yen"] = 3000 + 500 * (n % 40)
    seller = doc["seller"]
    seller["name"] = f"{SURNAMES[n % 10]} {GIVEN[n // 10 % 10]}"
    seller["address"] = f"東京都千代田区千代田{1 + n % 9}-{1 + n % 30}-{1 + n}"
    maker, model = MODELS[n % len(MODELS)]
    doc["device"] = {**doc["device"], "maker": maker, "model": model, "imei": [imei(n)]}
    return doc


class SlipBench:
    def __init__(self, directory: Path, slips: int) -> None:
        self.ctx = open_bench_shop(directory)
        self.signer = self.ctx.signer(STATION)
        self.snapshots = [self._committed_snapshot(n) for n in range(slips)]
        self.next = 0
        register_fonts()

    def _committed_snapshot(self, n: int) -> SlipSnapshot:
        ctx = self.ctx
        catalogue = ctx.catalogue()
        now = ctx.clock()
        draft = validate_intake(document(n), today=now.date(), catalogue=catalogue)
        with ctx.transaction() as session:
            receipt = commit_intake(
                session,
                draft,
                signer=self.signer,
                catalogue=catalogue,
                shop_timezone=ctx.shop_profile().timezone,
                now=now,
            )
            return build_snapshot(
                session, receipt.number, catalogue=catalogue, printed_at=now, reprint_count=0
            )

    def close(self) -> None:
        self.ctx.close()

    def subject(self) -> int:
        snapshot = self.snapshots[self.next % len(self.snapshots)]
        self.next += 1
        clear_qr_caches()  # its own payload anyway; nothing left from a warm-up
        start = time.perf_counter_ns()
        pdf = render_slip(snapshot, SlipFormat.THERMAL)
        sign_pdf(pdf, self.signer.key, self.signer.certificate, reason="bench")
        return time.perf_counter_ns() - start

    def floor(self) -> int:
        start = time.perf_counter_ns()
        buffer = io.BytesIO()
        canvas = Canvas(buffer, initialFontName=REGULAR)
        canvas.setFont(REGULAR, 12)
        canvas.drawString(72, 720, "受付番号 S01-20261127-0001 失効確認控え")
        canvas.showPage()
        canvas.save()
        sign_pdf(buffer.getvalue(), self.signer.key, self.signer.certificate, reason="bench")
        return time.perf_counter_ns() - start


def run(*, rounds: int, directory: Path, warmup: int = WARMUP_ROUNDS) -> Result:
    bench = SlipBench(directory, slips=rounds + warmup)
    try:
        return interleave(bench.subject, bench.floor, rounds=rounds, warmup=warmup)
    finally:
        bench.close()

"""Render + sign one slip vs a one-page ReportLab PDF with the same font, signed the same way.

Subject: ``reports.slip.render_slip`` of a real confirmation snapshot (built once by
``desktop.slips.build_snapshot`` from an intake committed to a fresh shop), thermal
format, then ``reports.signing.sign_pdf`` with the station key.  Nothing from the
database is read inside the timing: the renderer is a pure function of the snapshot.

Floor: a ReportLab ``Canvas`` page, the same bundled font registered the same way,
one line of Japanese text, saved to memory, and signed by the same ``sign_pdf`` with
the same key — the least any signed Japanese PDF costs here.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from bench.commit import DOCUMENT, STATION, open_bench_shop
from bench.common import Result, interleave
from desktop.intake import commit_intake
from desktop.rules import validate_intake
from desktop.slips import build_snapshot
from reports.fonts import REGULAR, register_fonts
from reports.layout import qr_modules
from reports.signing import sign_pdf
from reports.slip import render_slip
from reports.snapshot import SlipFormat, SlipSnapshot

DEFAULT_ROUNDS = 60
WARMUP_ROUNDS = 3


class SlipBench:
    def __init__(self, directory: Path) -> None:
        self.ctx = open_bench_shop(directory)
        self.signer = self.ctx.signer(STATION)
        self.snapshot = self._committed_snapshot()
        register_fonts()

    def _committed_snapshot(self) -> SlipSnapshot:
        ctx = self.ctx
        catalogue = ctx.catalogue()
        now = ctx.clock()
        draft = validate_intake(DOCUMENT, today=now.date(), catalogue=catalogue)
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
        # Every real slip has its own payload: do not let the QR cache serve this one.
        qr_modules.cache_clear()
        start = time.perf_counter_ns()
        pdf = render_slip(self.snapshot, SlipFormat.THERMAL)
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
    bench = SlipBench(directory)
    try:
        return interleave(bench.subject, bench.floor, rounds=rounds, warmup=warmup)
    finally:
        bench.close()

"""The day report renderer: a pure function of its snapshot, read back with poppler."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from reports.day_report import Count, DayReportSnapshot, ExceptionLine, group, render_day_report
from tests.support.pdfs import pdf_text, squeeze

HEAD = "0123456789abcdef" * 4
FINGERPRINT = "fedcba9876543210" * 4


def snapshot(**changes: object) -> DayReportSnapshot:
    base = DayReportSnapshot(
        shop_name="リボーク質店 千代田店",
        station="S01",
        day="2026-11-27",
        closed_at="2026-11-27 18:10",
        manager="M01",
        total=3,
        outcomes=(Count("accepted", "受付", 2), Count("refused", "受付不可", 1)),
        purposes=(Count("trade_in", "下取り", 3),),
        paths=(Count("app_revoked", "app_revoked", 3),),
        systems=(Count("android", "Android", 3),),
        per_hour=tuple([0] * 10 + [2, 1] + [0] * 12),
        voided=1,
        reprints=1,
        late=0,
        exceptions=(ExceptionLine("refusal", "11:00", "S01-20261127-0002", "not_done"),),
        head_seq=42,
        head_hash=HEAD,
        close_seq=43,
        fingerprint=FINGERPRINT,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
def written(tmp_path: Path):
    def write(snap: DayReportSnapshot) -> Path:
        path = tmp_path / "report.pdf"
        path.write_bytes(render_day_report(snap))
        return path

    return write


def test_the_report_prints_counts_chain_head_and_exceptions(written):
    text = pdf_text(written(snapshot()))
    flat = squeeze(text)
    assert "受付件数/intakes:3" in flat
    assert "受付2" in flat and "受付不可1" in flat
    assert "#42" in flat and HEAD in flat and FINGERPRINT in flat
    assert "S01-20261127-0002" in flat
    assert group(HEAD[:32]) in text  # grouped by eight for copying by hand


def test_only_the_bundled_font_is_embedded(written):
    listing = subprocess.run(
        ["pdffonts", str(written(snapshot()))], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert listing
    assert all("BIZUDPGothic" in line and " yes " in line for line in listing), listing


def test_a_long_exceptions_list_continues_on_more_pages(written):
    many = tuple(
        ExceptionLine("void", f"12:{i % 60:02d}", f"S01-20261127-{i:04d}", "入力誤り（M01）")
        for i in range(1, 200)
    )
    path = written(snapshot(exceptions=many))
    text = pdf_text(path)
    assert "S01-20261127-0199" in text and "続き" in text
    assert text.count("\f") >= 3


def test_the_renderer_is_pure():
    # Same snapshot, same bytes apart from ReportLab's creation date and document id.
    assert len(render_day_report(snapshot())) == len(render_day_report(snapshot()))

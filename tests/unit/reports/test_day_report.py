"""The day report renderer: a pure function of its snapshot, read back with poppler."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from reports.day_report import (
    MARGIN,
    PAGE_WIDTH,
    Count,
    DayReportSnapshot,
    ExceptionLine,
    PurposeRow,
    group,
    render_day_report,
    wrap_text,
)
from reports.fonts import REGULAR, register_fonts
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
        outcomes=(Count("accepted", "受付 / Accepted", 2), Count("refused", "お断り / Refused", 1)),
        voided_intakes=1,
        purposes=(
            PurposeRow("purchase", "買取 / Purchase", 0, 0, 0, 0),
            PurposeRow("trade_in", "下取り / Trade-in", 2, 1, 1, 24000),
            PurposeRow("consignment", "委託 / Consignment", 0, 0, 0, 0),
            PurposeRow("repair", "修理受付 / Repair", 0, 0, 0, 0),
        ),
        late_purposes=(),
        paths=(Count("app_revoked", "マイナポータルアプリで失効した", 3),),
        systems=(Count("android", "Android", 3),),
        per_hour=tuple([0] * 10 + [2, 1] + [0] * 12),
        voids=1,
        reprints=1,
        late=0,
        exceptions=(
            ExceptionLine("refusal", "11:00", "S01-20261127-0002", "失効が未了 / not revoked yet"),
        ),
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
    assert "受付件数（取消を除く）/intakes,voidedonesexcluded:3" in flat
    assert "受付/Accepted2" in flat and "お断り/Refused1" in flat and "取消/voided1" in flat
    assert "下取り/Trade-in211¥24,000" in flat
    assert "マイナポータルアプリで失効した3件" in flat
    assert "#42" in flat and HEAD in flat and FINGERPRINT in flat
    assert "S01-20261127-0002" in flat
    assert group(HEAD[:32]) in text  # grouped by eight for copying by hand
    # The checkpoint as `verify --checkpoint` takes it (issue 10).
    assert f"S01:42:{HEAD[:16]}" in flat


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


# ---------------------------------------------------------------------------
# Line breaking


def _measure(text: str) -> float:
    register_fonts()
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(stringWidth(text, REGULAR, 9))


def test_a_short_line_stays_whole():
    assert wrap_text("受付 / Accepted 2", 200, _measure) == ["受付 / Accepted 2"]
    assert wrap_text("", 200, _measure) == [""]


@pytest.mark.parametrize("width", [30, 45, 60, 75, 90, 120])
def test_japanese_breaks_anywhere_but_never_before_a_closing_or_after_an_opening_mark(width):
    text = "電話で一時停止し、その後失効した（家族が一時停止。名義人が失効）「確認済み」です。"
    lines = wrap_text(text, width, _measure)
    assert "".join(lines) == text
    assert all(_measure(line) <= width for line in lines), lines
    for line in lines[1:]:
        assert line[0] not in "、。）」", lines
    for line in lines[:-1]:
        assert line[-1] not in "（「", lines


def test_latin_words_break_at_spaces_and_an_overlong_word_is_cut():
    lines = wrap_text("revoked by someone else / 名義人以外が失効", 60, _measure)
    assert lines[0] == "revoked by"  # not "revoked by so"
    assert all(_measure(line) <= 60 for line in lines)
    long = "x" * 80
    lines = wrap_text(f"detail {long}", 100, _measure)
    assert "".join(lines).replace(" ", "") == f"detail{long}"
    assert all(_measure(line) <= 100 for line in lines)


def test_continuation_lines_take_their_own_width():
    lines = wrap_text("あ" * 40, 100, _measure, rest_width=50)
    assert _measure(lines[0]) <= 100 and all(_measure(line) <= 50 for line in lines[1:])
    assert _measure(lines[1] + "あ") > 50


def test_nothing_is_drawn_past_the_right_margin(written):
    import re

    long_detail = "入力誤りのため取り消します" * 12
    snap = snapshot(
        shop_name="リボーク質店 千代田店 丸の内北口駅前ビル地下一階 特設カウンター（年末年始の臨時店舗）",
        paths=tuple(
            Count(f"p{i}", "失効前に初期化したため、アプリを入れ直して削除した" * 2, i)
            for i in range(1, 10)
        ),
        exceptions=(
            ExceptionLine("void", "12:00", "S01-20261127-0003", long_detail),
            ExceptionLine("void", "12:01", "S01-20261127-0004", "x" * 150),
        ),
        late_purposes=(PurposeRow("purchase", "買取 / Purchase", 12, 3, 1, 1_234_567_890),),
    )
    html = subprocess.run(
        ["pdftotext", "-bbox", str(written(snap)), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', html)
    assert len(words) > 100
    assert all(float(x0) >= MARGIN - 0.5 for x0, _ in words)
    assert all(float(x1) <= PAGE_WIDTH - MARGIN + 0.5 for _, x1 in words)

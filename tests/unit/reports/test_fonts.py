"""Names beyond BIZ UDPGothic (𠮷, CJK Extensions B–F) print and extract on every PDF.

The three renderers are run on snapshots holding 「𠮷野 髙子」: 𠮷 (U+20BB7) is not in
BIZ UDPGothic and comes from the fallback face, 髙 (U+9AD9) is.  Each PDF is read
back with poppler: pdftotext must give the characters themselves (not ₻ U+20BB,
which is what ReportLab's own ToUnicode map makes of U+20BB7) and pdffonts must list
the fallback as an embedded subset.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from reports.day_report import ExceptionLine, render_day_report
from reports.fonts import (
    FALLBACK,
    REGULAR,
    draw_string,
    markup,
    missing_glyphs,
    register_fallback,
    string_width,
)
from reports.ledger_book import LedgerBookLine, LedgerBookSnapshot, render_ledger_book
from reports.slip import render_slip
from reports.snapshot import SlipFormat
from tests.support import snapshots
from tests.support.pdfs import pdf_text, squeeze
from tests.unit.reports.test_day_report import snapshot as day_snapshot

NAME = "𠮷野 髙子"
YOSHI = "𠮷"  # U+20BB7, CJK Extension B: not in BIZ UDPGothic
TSUCHI = "𡈽"  # U+2123D, CJK Extension B, but in BIZ UDPGothic (JIS X 0213)
EXT_G = "\U00030000"  # CJK Extension G: in neither face
VS17 = "\U000e0100"  # an ideographic variation selector
FALLBACK_FACE = "HanaMinB"
DATA = Path(__file__).resolve().parents[3] / "desktop" / "data"


def fonts_of(path: Path) -> list[list[str]]:
    """pdffonts' rows: name type encoding emb sub uni object-id."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def assert_prints_the_name(path: Path) -> None:
    text = pdf_text(path)
    flat = squeeze(text)
    assert "𠮷野" in flat and "髙子" in flat, text
    assert "₻" not in text  # U+20BB: a non-BMP code point cut to four hex digits
    rows = fonts_of(path)
    faces = {row[0].split("+")[-1]: row for row in rows}
    assert FALLBACK_FACE in faces, rows
    for row in rows:
        assert "+" in row[0], row  # every face a subset
        assert row[-5:-2] == ["yes", "yes", "yes"], row  # embedded, subset, ToUnicode
        assert row[0].split("+")[-1] in {"BIZUDPGothic-Regular", "BIZUDPGothic-Bold", "HanaMinB"}


# --- the helpers ----------------------------------------------------------------------


def test_markup_sets_only_what_the_main_face_lacks_in_the_fallback():
    assert markup(NAME) == f'<font name="{FALLBACK}">𠮷</font>野 髙子'
    assert markup("𠮷𠮷田 <b>&") == f'<font name="{FALLBACK}">𠮷𠮷</font>田 &lt;b&gt;&amp;'
    # Text the main face covers is plain escaped text, as before the fallback existed.
    plain = "神田駅前店 <A&B> 𡈽\nTrade-in"
    assert markup(plain) == escape(plain)


def test_characters_neither_face_has_stay_with_the_main_face_and_are_reported():
    assert missing_glyphs(NAME) == set()
    assert missing_glyphs(f"{EXT_G}野 {YOSHI}") == {EXT_G}
    assert markup(f"{EXT_G}{YOSHI}") == f'{EXT_G}<font name="{FALLBACK}">{YOSHI}</font>'


def test_variation_selectors_are_left_out_rather_than_printed_as_boxes():
    assert markup(f"葛{VS17}飾") == "葛飾"
    assert markup(f"{YOSHI}{VS17}野") == f'<font name="{FALLBACK}">{YOSHI}</font>野'
    assert missing_glyphs(f"葛{VS17}飾\n") == set()


def test_string_width_measures_each_run_in_its_own_face():
    register_fallback()
    expected = stringWidth(YOSHI, FALLBACK, 9) + stringWidth("野 髙子", REGULAR, 9)
    assert string_width(NAME, REGULAR, 9) == pytest.approx(expected)
    assert string_width("髙子", REGULAR, 9) == pytest.approx(stringWidth("髙子", REGULAR, 9))


def test_draw_string_switches_faces_and_extracts_as_text(tmp_path):
    path = tmp_path / "line.pdf"
    canvas = Canvas(str(path), initialFontName=REGULAR)
    draw_string(canvas, 40, 700, f"名義人 {NAME} {TSUCHI}", REGULAR, 12)
    assert (canvas._fontname, canvas._fontsize) == (REGULAR, 12)  # left as asked
    canvas.save()
    assert squeeze(pdf_text(path)) == squeeze(f"名義人 {NAME} {TSUCHI}")
    assert FALLBACK_FACE in {row[0].split("+")[-1] for row in fonts_of(path)}


def test_a_text_the_main_face_covers_does_not_load_the_fallback_into_the_pdf(tmp_path):
    path = tmp_path / "plain.pdf"
    canvas = Canvas(str(path), initialFontName=REGULAR)
    draw_string(canvas, 40, 700, "佐藤 花子", REGULAR, 12)
    canvas.save()
    assert {row[0].split("+")[-1] for row in fonts_of(path)} == {"BIZUDPGothic-Regular"}


# --- the renderers ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(SlipFormat))
def test_a_slip_prints_the_name(tmp_path, fmt):
    base = snapshots.confirmation()
    slip = replace(
        base,
        clerk=f"C01 {NAME}",
        shop=replace(base.shop, address=f"東京都{YOSHI}野市{TSUCHI}町1-2"),
    )
    path = tmp_path / f"slip-{fmt}.pdf"
    path.write_bytes(render_slip(slip, fmt))
    assert_prints_the_name(path)
    assert f"{YOSHI}野市{TSUCHI}町" in squeeze(pdf_text(path))


def test_the_ledger_book_prints_the_name(tmp_path):
    line = LedgerBookLine(
        receipt="S01-20261127-0001",
        date="2026-11-27 10:00",
        kind="買取",
        item="スマートフォン",
        features="黒 / 128 GB / IMEI 356938035643809",
        quantity="1",
        price="¥10,000",
        address=f"東京都{YOSHI}野市1-2",
        name=NAME,
        occupation="会社員",
        age="35",
        id_check="運転免許証",
        voided=False,
        notes=(),
    )
    voided = replace(
        line, receipt="S01-20261127-0002", name="𠮷田 太郎", voided=True, notes=("取消: 𠮷田",)
    )
    book = LedgerBookSnapshot(
        shop_name=f"{YOSHI}野屋 神田店",
        license_no="第301020001234号",
        commission="東京都公安委員会",
        period="2026-11-27 〜 2026-11-27",
        generated_at="2026-11-27 18:00",
        lines=(line, voided),
    )
    path = tmp_path / "ledger.pdf"
    path.write_bytes(render_ledger_book(book))
    assert_prints_the_name(path)
    flat = squeeze(pdf_text(path))
    assert "𠮷田太郎" in flat and "取消:𠮷田" in flat  # struck through, and the note
    assert flat.count(f"{YOSHI}野屋神田店") == 2  # the heading and the footer


def test_the_day_report_prints_the_name(tmp_path):
    report = day_snapshot(
        shop_name=f"{YOSHI}野屋 神田店",
        manager=f"M01 {NAME}",
        exceptions=(ExceptionLine("void", "12:00", "S01-20261127-0002", f"入力誤り（{NAME}）"),),
    )
    path = tmp_path / "day.pdf"
    path.write_bytes(render_day_report(report))
    assert_prints_the_name(path)
    assert f"入力誤り（{squeeze(NAME)}）" in squeeze(pdf_text(path))


# --- the product's own texts -------------------------------------------------------------


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


# The glossary is never printed: its terms are checked in the texts that use them.
@pytest.mark.parametrize(
    "catalogue", sorted(p.name for p in DATA.glob("*.json") if p.name != "glossary.json")
)
def test_every_character_of_the_product_texts_has_a_glyph(catalogue):
    raw = json.loads((DATA / catalogue).read_text(encoding="utf-8"))
    texts = list(_strings(raw))
    assert texts
    # A translation (slip_texts.vi.json, …) is set in its language's face where it has one.
    lang = raw.get("language")
    missing = {ch: text for text in texts for ch in missing_glyphs(text, lang)}
    assert not missing, {f"U+{ord(ch):04X}": text[:60] for ch, text in missing.items()}

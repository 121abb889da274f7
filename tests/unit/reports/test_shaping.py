"""Nepali prints shaped: conjuncts and reordered vowel signs (issue 13).

ReportLab shapes a paragraph through uharfbuzz when its style asks for it; the slip's
styles ask for Nepali only (``Styles.second``).  The check is on the printed page:
the same text rendered shaped and unshaped must differ, and the shaped one must use
glyphs that no code point maps (the conjunct ligatures).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from PIL import Image
from reportlab.platypus import SimpleDocTemplate  # type: ignore[import-untyped]

from reports import fonts
from reports.layout import THERMAL, Paragraph, Styles, esc
from reports.snapshot import Text

CONJUNCTS = "विद्युतीय प्रमाणपत्र रद्द गर्नुहोस्"


def _pixels(paragraph: Paragraph, tmp_path: Path, name: str) -> bytes:
    pdf = tmp_path / f"{name}.pdf"
    SimpleDocTemplate(str(pdf)).build([paragraph])
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", str(pdf), str(pdf)], check=True)
    with Image.open(f"{pdf}.png") as image:
        return image.convert("L").tobytes()


def test_the_devanagari_face_can_be_shaped() -> None:
    from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]

    face = fonts.language_font("ne")
    assert face is not None
    assert pdfmetrics.getFont(face).shapable  # False without uharfbuzz


def test_a_nepali_text_prints_shaped(tmp_path: Path) -> None:
    styles = Styles(THERMAL)
    text = Text("参考", CONJUNCTS, "ne")
    shaped = styles.tr(text, styles.body_en)
    assert shaped.style.shaping
    unshaped = Paragraph(esc(CONJUNCTS, "ne"), styles.body_en)
    assert not unshaped.style.shaping
    assert _pixels(shaped, tmp_path, "shaped") != _pixels(unshaped, tmp_path, "unshaped")


def test_shaping_uses_the_conjunct_glyphs(tmp_path: Path) -> None:
    from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]

    styles = Styles(THERMAL)
    _pixels(styles.tr(Text("参考", "क्षेत्र", "ne"), styles.body_en), tmp_path, "ksha")
    face = pdfmetrics.getFont(fonts.language_font("ne")).face
    # ReportLab gives a shaped glyph no code point maps (क्ष, a ligature) a private-use
    # code of its own: there is one only once something was shaped.
    assert any(0xE000 <= code <= 0xF8FF for code in face.charToGlyph)


def test_japanese_in_a_shaped_paragraph_stays_unshaped(tmp_path: Path) -> None:
    # Regression: shaping every word of the paragraph let BIZ UDPGothic's discretionary
    # ligatures turn the ページ of a Japanese button label into a broken ㌻.
    styles = Styles(THERMAL)
    paragraph = styles.tr(
        Text("参考", "Mynaportal एप खोलेर 「マイページ」 मा जानुहोस्।", "ne"), styles.body_en
    )
    pdf = tmp_path / "label.pdf"
    SimpleDocTemplate(str(pdf)).build([paragraph])
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "「マイページ」" in text
    assert "Mynaportal" in text


def test_a_run_on_line_of_nepali_is_stacked_and_shaped() -> None:
    # Regression: on A4 the steps ran Japanese and the translation on in one paragraph
    # wrapped like Japanese, which ReportLab never shapes (गर्नुहोस् printed with its halant).
    from reports.layout import Stack

    styles = Styles(THERMAL)
    line = styles.run_on(Text("進んでください。", "जानुहोस्।", "ne"))
    assert isinstance(line, Stack)
    japanese, nepali = line.flowables
    assert not japanese.style.shaping
    assert nepali.style.shaping
    assert nepali.style.wordWrap != "CJK"

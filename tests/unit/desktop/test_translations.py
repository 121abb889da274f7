"""The customer-facing texts in the languages of Japan's foreign residents (issue 13).

Every translation file mirrors its Japanese base (same ids, same version), uses the
glossary's term wherever the Japanese uses the source term, and every character of
every text has a glyph in the face that sets it.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest

from desktop.catalogue import (
    Bilingual,
    bundled_revocation_catalogue,
    catalogue_in,
    overlay_translation,
    statement_catalogue,
)
from desktop.domain import StatementLanguage
from desktop.languages import CUSTOMER_LANGUAGES, TRANSLATED, glossary, language, screen_words
from desktop.slip_texts import slip_texts, slip_texts_in
from desktop.statements import CLERK_STATEMENT_ID, CUSTOMER_STATEMENT_IDS
from reports import fonts

STATEMENT_IDS = (*CUSTOMER_STATEMENT_IDS, CLERK_STATEMENT_ID)


def _data(name: str) -> dict[str, Any]:
    text = resources.files("desktop").joinpath("data", name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _bilinguals(node: object) -> Iterator[Bilingual]:
    """Every Bilingual a parsed catalogue holds (dataclasses, dicts, tuples)."""
    if isinstance(node, Bilingual):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _bilinguals(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _bilinguals(value)
    elif hasattr(node, "__dataclass_fields__"):
        for name in node.__dataclass_fields__:
            yield from _bilinguals(getattr(node, name))


def texts_in(code: str) -> list[Bilingual]:
    """Every customer-facing text in Japanese and ``code``: statements, slip texts
    (privacy notices, refusal reasons, …) and the guidance steps of every path."""
    catalogue = catalogue_in(bundled_revocation_catalogue(), code)
    assert catalogue is not None
    statements = statement_catalogue()
    return [
        *(statements.bilingual(sid, code) for sid in STATEMENT_IDS),
        *_bilinguals(slip_texts_in(code)),
        *_bilinguals(catalogue),
    ]


def test_the_languages_are_the_validators() -> None:
    assert [lang.code for lang in CUSTOMER_LANGUAGES] == [m.value for m in StatementLanguage]
    assert set(TRANSLATED) == {"zh-Hans", "ko", "vi", "fil", "pt-BR", "ne", "id"}
    # Each button is labelled in its own language.
    assert language("ko").native == "한국어"
    assert language("vi").native == "Tiếng Việt"
    assert language("ne").native == "नेपाली"


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_text_is_translated_and_marked_with_its_language(code: str) -> None:
    texts = texts_in(code)
    base = [t for t in texts_in("en")]
    assert len(texts) == len(base) > 100
    for text, original in zip(texts, base, strict=True):
        assert text.ja == original.ja  # the Japanese is the base's, untouched
        assert text.lang == code
        # A name (Android, iPhone) stays itself; every sentence is translated.
        assert text.en.strip()
        assert text.en != original.en or text.ja == original.en


@pytest.mark.parametrize("code", TRANSLATED)
def test_translated_statements_are_hashed_per_language(code: str) -> None:
    catalogue = statement_catalogue()
    raw = _data(f"statements/{catalogue.version}.{code}.json")
    assert raw["version"] == catalogue.version
    for sid in STATEMENT_IDS:
        statement = catalogue.statement(sid, code)
        assert statement.text == raw["statements"][sid]
        assert statement.language == code
        assert statement.sha256 == hashlib.sha256(statement.text.encode()).hexdigest()
        assert statement.sha256 != catalogue.statement(sid, "ja").sha256
    assert code in catalogue.languages


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_translation_uses_the_glossary_terms(code: str) -> None:
    terms = glossary()
    assert {t.ja for t in terms} >= {"名義人", "失効", "一時停止", "初期化", "電子証明書"}
    wrong = []
    for text in texts_in(code):
        for term in terms:
            forms = term.forms[code]
            if term.ja in text.ja and not any(f.lower() in text.en.lower() for f in forms):
                wrong.append(f"{term.ja} → {forms[0]}: {text.en}")
    assert not wrong, "\n".join(wrong)


def test_the_glossary_check_can_fail() -> None:
    # The same check on a text whose term was replaced by a synonym.
    terms = {t.ja: t for t in glossary()}
    text = Bilingual("名義人ご本人", "người chủ", "vi")
    forms = terms["名義人"].forms["vi"]
    assert not any(f.lower() in text.en.lower() for f in forms)


@pytest.mark.parametrize("code", ["ja", "en", *TRANSLATED])
def test_every_character_has_a_glyph(code: str) -> None:
    missing: dict[str, set[str]] = {}
    for text in texts_in(code if code != "ja" else "en"):
        for lang, value in (("ja", text.ja), (text.lang, text.en)):
            gaps = fonts.missing_glyphs(value, None if lang in ("ja", "en") else lang)
            if gaps:
                missing[value] = gaps
    assert not missing


@pytest.mark.parametrize("code", TRANSLATED)
def test_a_shaped_script_keeps_each_word_in_one_face(code: str) -> None:
    # ReportLab shapes a word in the face of its first letter: a word set partly in
    # Noto Sans Devanagari and partly in BIZ UDPGothic would print wrong glyphs.
    for text in texts_in(code):
        for face, run in fonts._language_runs(text.en, code):
            if code in fonts.SHAPED_LANGUAGES and face is None:
                # What the main face sets holds no Devanagari at all.
                assert not any("\u0900" <= ch <= "\u097f" for ch in run), run


def test_the_language_faces_are_truetype_and_set_their_script() -> None:
    assert fonts.language_font("zh-Hans") == fonts.language_font("ko")
    assert fonts.language_font("fil") is None  # Latin: the main face has it all
    assert fonts.missing_glyphs("电子证书", None) == set("电证书")  # BIZ UDPGothic lacks them
    assert not fonts.missing_glyphs("电子证书", "zh-Hans")
    assert fonts.missing_glyphs("전자증명서", None)
    assert not fonts.missing_glyphs("전자증명서", "ko")
    assert not fonts.missing_glyphs("chứng thư điện tử", "vi")
    assert not fonts.missing_glyphs("विद्युतीय प्रमाणपत्र", "ne")
    markup = fonts.markup("「マイページ」 चयन", "ne")
    assert markup.endswith('<font name="RevokeDeskDeva"> चयन</font>')
    assert "「マイページ」" in markup.split("<font")[0]


# --- the overlay refuses a translation that does not fit its base --------------------


def test_a_translation_missing_a_text_is_refused() -> None:
    base = _data("slip_texts.json")
    tr = _data("slip_texts.vi.json")
    del tr["refusal_reasons"]["not_done"]
    with pytest.raises(ValueError, match=r"refusal_reasons\.not_done"):
        overlay_translation(base, tr)


def test_a_translation_of_another_version_is_refused() -> None:
    base = _data("revocation_paths.json")
    tr = copy.deepcopy(_data("revocation_paths.vi.json"))
    tr["version"] = "2026.11.1"
    with pytest.raises(ValueError, match="version"):
        overlay_translation(base, tr)


def test_a_translation_with_an_unknown_id_is_refused() -> None:
    base = _data("revocation_paths.json")
    tr = copy.deepcopy(_data("revocation_paths.vi.json"))
    tr["paths"]["teleported"] = {"title": "x"}
    with pytest.raises(ValueError, match="teleported"):
        overlay_translation(base, tr)


def test_a_newer_shop_catalogue_has_no_translation_yet() -> None:
    bundled = bundled_revocation_catalogue()
    newer = type(bundled)(
        version="2099.1.1",
        hotline=bundled.hotline,
        paths=bundled.paths,
        sections=bundled.sections,
        refusal_guidance=bundled.refusal_guidance,
    )
    assert catalogue_in(newer, "vi") is None
    assert catalogue_in(newer, "en") is newer


def test_japanese_and_english_are_the_base_texts() -> None:
    assert slip_texts_in("ja") is slip_texts() is slip_texts_in("en")
    with pytest.raises(KeyError):
        slip_texts_in("fr")


# --- the customer screen's own words ---------------------------------------------------


def test_every_signature_problem_has_its_words_in_the_screen_data() -> None:
    """desktop.signature words its problems in Japanese and English; the customer screen
    finds each in its data by the Japanese and shows it in the customer's language."""
    from desktop.signature import signature_problem
    from ui.customer import SIGNATURE_PROBLEM_KEYS

    japanese, english = screen_words("ja"), screen_words("en")
    dot = [[0, 0, 0]]
    line = [[x, 100, x] for x in range(0, 400, 10)]
    many = [[[x, 10, 0], [x + 1, 12, 1]] for x in range(0, 400, 5)]
    problems = [signature_problem(strokes) for strokes in ([], [dot], [line], many)]
    found = [problem for problem in problems if problem is not None]
    assert len({problem.ja for problem in found}) >= 3
    for problem in found:
        key = next(k for k in SIGNATURE_PROBLEM_KEYS if japanese[k] == problem.ja)
        assert english[key] == problem.en


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_screen_words_in_each_language(code: str) -> None:
    words = screen_words(code)
    assert words.keys() == screen_words("ja").keys()
    for key, text in words.items():
        assert text.strip() and text != screen_words("en")[key]
        assert not fonts.missing_glyphs(text, code), (key, text)
        assert fonts.language_font_file(code) is None or fonts.language_font_file(code).is_file()
    with pytest.raises(KeyError):
        screen_words("fr")

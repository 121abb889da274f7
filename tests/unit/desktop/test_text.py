"""desktop.text.clean_text: the cap before NFKC, forbidden characters, folding."""

from __future__ import annotations

import unicodedata
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

import desktop.text
from desktop.errors import Problem
from desktop.text import FORBIDDEN_CATEGORIES, clean_text, forbidden_character

FIELD = "seller.name"


def refused(value: object, max_len: int = 20, *, required: bool = True) -> Problem:
    cleaned, problem = clean_text(FIELD, value, max_len=max_len, required=required)
    assert cleaned == ""
    assert problem is not None
    assert problem.field == FIELD
    return problem


@pytest.mark.parametrize(
    ("char", "shown"),
    [
        ("\x07", "U+0007"),  # Cc: BEL
        ("\n", "U+000A"),  # Cc: a line break is not allowed in a one-line field
        ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),  # Cf: bidi override
        ("\u200b", "U+200B ZERO WIDTH SPACE"),  # Cf
        ("\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),  # Cf: BOM
        ("\ue000", "U+E000"),  # Co: private use (外字)
        ("\U000f0000", "U+F0000"),  # Co: supplementary private use
        ("\u0378", "U+0378"),  # Cn: unassigned
        ("\ud800", "U+D800"),  # Cs: a lone surrogate
    ],
)
def test_forbidden_character_is_refused_naming_field_and_char(char: str, shown: str) -> None:
    problem = refused(f"山田{char}太郎")
    assert shown in problem.en
    assert shown in problem.ja
    assert "not allowed" in problem.en


def test_forbidden_categories_are_exactly_the_documented_ones() -> None:
    assert frozenset({"Cc", "Cf", "Cs", "Co", "Cn"}) == FORBIDDEN_CATEGORIES


def test_bidi_override_cannot_hide_at_the_end() -> None:
    # Trailing format characters must not be stripped away as if they were spaces.
    problem = refused("abc \u202e")
    assert "U+202E" in problem.en


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ"),  # half-width katakana → full-width, dakuten composed
        ("ＰＩＸＥＬ　８", "PIXEL 8"),  # full-width latin and U+3000 → ASCII
        ("山田\u3000太郎", "山田 太郎"),  # ideographic space folded
        ("  山田 \u3000\u00a0 太郎  ", "山田 太郎"),  # runs of any white space → one space
        ("ｶﾞ", "ガ"),
        ("１２３", "123"),
        ("㈱リボーク", "(株)リボーク"),  # compatibility characters decomposed
    ],
)
def test_nfkc_and_white_space_folding(raw: str, expected: str) -> None:
    assert clean_text(FIELD, raw, max_len=50) == (expected, None)


def test_cap_is_applied_before_nfkc_so_expanding_ligatures_are_refused() -> None:
    ligature = "\ufdfa"  # ﷺ: one character, eighteen after NFKC
    assert len(unicodedata.normalize("NFKC", ligature)) == 18
    # Exactly max_len characters as typed, but far longer once normalised.
    problem = refused(ligature * 5, max_len=5)
    assert problem.en == "must be at most 5 characters"
    assert problem.ja == "5文字以内で入力してください"
    # One character over the cap is refused before normalisation.
    problem = refused(ligature * 6, max_len=5)
    assert problem.en == "must be at most 5 characters"


def test_one_ligature_within_the_cap_is_kept() -> None:
    cleaned, problem = clean_text(FIELD, "\ufdfa", max_len=18)
    assert problem is None
    assert cleaned == unicodedata.normalize("NFKC", "\ufdfa")


def test_long_input_is_refused_before_any_normalisation(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_nfkc(form: str, text: str) -> str:
        raise AssertionError("NFKC ran on an over-long value")

    # Only desktop.text sees this stand-in; pytest keeps the real module.
    stand_in = SimpleNamespace(
        normalize=no_nfkc, category=unicodedata.category, name=unicodedata.name
    )
    monkeypatch.setattr(desktop.text, "unicodedata", stand_in)
    problem = refused("\ufdfa" * 10_000, max_len=100)
    assert problem.en == "must be at most 100 characters"
    problem = refused("\u202e" * 10_000, max_len=100)  # the cap wins over the scan, too
    assert problem.en == "must be at most 100 characters"


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000\u3000"])
def test_required_field_left_empty(value: object) -> None:
    problem = refused(value, required=True)
    assert problem.en == "is required"
    assert problem.ja == "入力してください"


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000"])
def test_optional_field_left_empty(value: object) -> None:
    assert clean_text(FIELD, value, max_len=20, required=False) == ("", None)


@pytest.mark.parametrize("value", [123, 1.5, True, ["a"], {"a": 1}])
def test_non_text_is_refused(value: object) -> None:
    problem = refused(value, required=False)
    assert problem.en == "must be text"


def test_value_exactly_at_the_cap_is_kept() -> None:
    assert clean_text(FIELD, "あ" * 20, max_len=20) == ("あ" * 20, None)
    assert refused("あ" * 21, max_len=20).en == "must be at most 20 characters"


# --- properties -----------------------------------------------------------------

MAX_LEN = 30
texts = st.text(max_size=40)
# Text that gets past the filters more often: letters, marks, digits, spaces of all kinds.
plausible = st.text(
    st.characters(categories=("L", "M", "N", "P", "S", "Zs", "Zl", "Zp")), max_size=40
)


@given(st.one_of(texts, plausible), st.integers(min_value=1, max_value=MAX_LEN))
def test_clean_text_output_is_stable_short_and_clean(raw: str, max_len: int) -> None:
    cleaned, problem = clean_text(FIELD, raw, max_len=max_len, required=False)
    if problem is not None:
        assert cleaned == ""
        assert problem.field == FIELD
        return
    assert unicodedata.normalize("NFKC", cleaned) == cleaned
    assert len(cleaned) <= max_len
    assert forbidden_character(cleaned) is None
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned
    assert all(not ch.isspace() or ch == " " for ch in cleaned)
    # Cleaning is idempotent: a cleaned value cleans to itself.
    assert clean_text(FIELD, cleaned, max_len=max_len, required=False) == (cleaned, None)


@given(texts)
def test_text_with_a_forbidden_character_is_always_refused(raw: str) -> None:
    if forbidden_character(raw) is None:
        raw += "\u200b"
    cleaned, problem = clean_text(FIELD, raw, max_len=100, required=False)
    assert cleaned == ""
    assert problem is not None
    assert problem.field == FIELD

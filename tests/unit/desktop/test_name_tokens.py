"""Name tokens: the folding and the suffixes the history's name search is an index range on."""

from __future__ import annotations

import importlib.util

import pytest

from db import migrate
from desktop.name_tokens import TOKEN_MAX, fold, name_tokens, prefix_range, search_key


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("田中 美咲", "田中美咲"),
        ("田中　美咲", "田中美咲"),  # the full-width space of a Japanese input method
        ("ささき けん", "ササキケン"),  # hiragana is read as katakana
        ("ｻｻｷ ｹﾝ", "ササキケン"),  # half-width katakana (NFKC)
        ("スミス・ジョン", "スミスジョン"),  # the dot between the parts of a foreign name
        ("ＳＵＺＵＫＩ Hanako", "suzukihanako"),
        ("佐々木", "佐々木"),
        ("ゝゞ", "ヽヾ"),
    ],
)
def test_fold(typed, folded):
    assert fold(typed) == folded


def test_the_tokens_are_every_suffix_of_the_name_and_of_the_reading():
    assert name_tokens("佐々木 健", "ササキ ケン") == sorted(
        {"佐々木健", "々木健", "木健", "健", "ササキケン", "サキケン", "キケン", "ケン", "ン"}
    )
    assert name_tokens("林", "") == ["林"]
    assert name_tokens("", "") == []


def test_any_run_of_the_name_is_the_start_of_a_token():
    name, kana = "長谷川 美咲子", "ハセガワ ミサコ"
    tokens = name_tokens(name, kana)
    for text in (fold(name), fold(kana)):
        for start in range(len(text)):
            for stop in range(start + 1, len(text) + 1):
                low, high = prefix_range(search_key(text[start:stop]))
                assert any(low <= token < high for token in tokens)


def test_long_names_are_cut_and_so_are_long_searches():
    name = "ア" * 100
    assert {len(token) for token in name_tokens(name)} <= set(range(1, TOKEN_MAX + 1))
    assert search_key("ア" * 50) == "ア" * TOKEN_MAX


def test_the_prefix_range_holds_exactly_the_strings_that_start_with_the_key():
    low, high = prefix_range("山田")
    assert low <= "山田" < high and low <= "山田太郎" < high
    assert not low <= "山由" < high and not low <= "山" < high
    # The code point after U+D7FF is a surrogate, which no text holds: skip to U+E000.
    assert prefix_range("\ud7ff") == ("\ud7ff", "\ue000")
    with pytest.raises(ValueError, match="empty"):
        prefix_range("")


def test_the_migrations_frozen_copy_cuts_the_same_tokens():
    path = migrate.MIGRATIONS_DIR / "versions" / "0003_name_tokens.py"
    spec = importlib.util.spec_from_file_location("migration_0003", path)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert migration.TOKEN_MAX == TOKEN_MAX
    for name, kana in (
        ("佐々木 健", "ササキ ケン"),
        ("ＳＵＺＵＫＩ　Hanako", "すずき はなこ"),
        ("スミス・ジョン", ""),
        ("長" * 60, "ハ" * 60),
    ):
        assert migration.name_tokens(name, kana) == name_tokens(name, kana)


def test_the_token_column_holds_a_whole_token():
    from db.models import PersonNameToken

    assert PersonNameToken.__table__.c.token.type.length == TOKEN_MAX

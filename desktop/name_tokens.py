"""Name tokens: how the history finds a customer by any part of the name or its reading.

A clerk looks a regular customer up by the surname, the given name, the whole name
with or without the space, or the reading (フリガナ) in katakana or hiragana.  Every
one of those is a run of characters somewhere in the name or in its reading once the
spaces are gone, so :func:`name_tokens` stores every *suffix* of the folded name and
of the folded reading (「山田太郎」: 山田太郎, 田太郎, 太郎, 郎), and a search is a
*prefix* range on them (「太郎」 ≤ token < 「太部」): an index range, whatever the size
of the table, which finds exactly what "contains, ignoring spaces" would.

The tokens are written with the person row at commit (``desktop.intake``) and erased
with it (``desktop.retention``; the foreign key also cascades).  They are personal data
like the name they are cut from.  The folding here and the copy frozen in
``db/migrations/versions/0003_name_tokens.py`` must agree (a test holds them to it).
"""

from __future__ import annotations

import unicodedata

# Longer runs are cut here: a search for more characters compares its first TOKEN_MAX,
# which no two different names at a counter share by accident.
TOKEN_MAX = 32
_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in (*range(0x3041, 0x3097), 0x309D, 0x309E)}
# What separates the parts of a name or a reading (after NFKC: U+3000 → " ", "･" → "・").
_SEPARATORS = dict.fromkeys(map(ord, " ・"), None)
_SURROGATES = range(0xD800, 0xE000)


def fold(text: str) -> str:
    """The form names are compared in: NFKC, katakana for hiragana, case-folded, no spaces."""
    folded = unicodedata.normalize("NFKC", text).translate(_HIRAGANA_TO_KATAKANA).casefold()
    return "".join(folded.split()).translate(_SEPARATORS)


def name_tokens(name: str, kana: str = "") -> list[str]:
    """Every suffix of the folded name and of the folded reading, cut to TOKEN_MAX, sorted."""
    tokens: set[str] = set()
    for text in (name, kana):
        compact = fold(text)
        tokens.update(compact[start : start + TOKEN_MAX] for start in range(len(compact)))
    return sorted(tokens)


def search_key(text: str) -> str:
    """What a typed search compares against the tokens ("" when nothing is left)."""
    return fold(text)[:TOKEN_MAX]


def prefix_range(key: str) -> tuple[str, str]:
    """``(low, high)``: exactly the strings that start with ``key`` lie in ``low ≤ s < high``.

    In code-point order, which is SQLite's BINARY collation and the token column's
    ``"C"`` collation on PostgreSQL (a language collation would break the range).
    """
    if not key:
        raise ValueError("an empty key matches everything")
    last = ord(key[-1]) + 1
    if last in _SURROGATES:
        last = _SURROGATES.stop
    if last > 0x10FFFF:  # pragma: no cover - no name ends with the last code point
        return key, key + "\U0010ffff"
    return key, key[:-1] + chr(last)

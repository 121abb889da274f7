"""Normalisation of typed text, and the characters a record may never hold.

Order matters (see QUALITY.md's pitfalls): the length cap is applied *before*
NFKC, because one character can expand to eighteen; disallowed categories are
checked both before NFKC (so a bidi override cannot hide) and after it.
"""

from __future__ import annotations

import re
import unicodedata

from desktop.errors import Problem

# Control (Cc), format (Cf: bidi overrides, zero-width joiners/spaces, BOM),
# surrogates (Cs), private use (Co) and unassigned (Cn) code points.
FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}
_WHITESPACE_RUN = re.compile(r"\s+")


def forbidden_character(value: str) -> str | None:
    """The first character a record may not contain, or None."""
    for char in value:
        if unicodedata.category(char) in FORBIDDEN_CATEGORIES:
            return char
    return None


def describe_char(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def clean_text(
    field: str, value: object, *, max_len: int, required: bool = True
) -> tuple[str, Problem | None]:
    """Return ``(normalised, None)`` or ``("", problem)`` for one free-text field.

    Normalised means NFKC, runs of white space folded to one ASCII space, and no
    leading or trailing space.
    """
    if value is None or value == "":
        if required:
            return "", Problem(field, "入力してください", "is required")
        return "", None
    if not isinstance(value, str):
        return "", Problem(field, "文字列で入力してください", "must be text")
    if len(value) > max_len:
        return "", _too_long(field, max_len)
    bad = forbidden_character(value)
    if bad is not None:
        return "", Problem(
            field,
            f"使用できない文字（制御文字・書式文字・外字など）が含まれています: {describe_char(bad)}",
            f"contains a character that is not allowed (control, format or private-use): "
            f"{describe_char(bad)}",
        )
    normalised = _WHITESPACE_RUN.sub(" ", unicodedata.normalize("NFKC", value)).strip()
    bad = forbidden_character(normalised)
    if bad is not None:  # NFKC can compose new characters: check again
        return "", Problem(
            field, "使用できない文字が含まれています", "contains a character that is not allowed"
        )
    if len(normalised) > max_len:
        return "", _too_long(field, max_len)
    if not normalised:
        if required:
            return "", Problem(field, "入力してください", "is required")
        return "", None
    return normalised, None


def _too_long(field: str, max_len: int) -> Problem:
    return Problem(
        field, f"{max_len}文字以内で入力してください", f"must be at most {max_len} characters"
    )

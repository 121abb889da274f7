"""Identifiers with check digits: the IMEI, and the My Number that must never be kept.

Digits are decided *before* any Unicode normalisation: only ASCII and full-width
digits count as digits.  NFKC would also turn ``²`` or ``①`` into digits and leave
Arabic-Indic ``٣`` alone, so it is not used here.
"""

from __future__ import annotations

import re

from stdnum import imei as stdnum_imei

from desktop.errors import Problem

FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
# What a clerk or a scanner may put between digit groups: spaces and hyphen-likes.
DIGIT_SEPARATORS = frozenset(" \u3000-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d")
IMEI_RAW_MAX = 40  # cap before any processing; a 15-digit IMEI with separators fits easily

MY_NUMBER_WEIGHTS = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
# What may stand between digit groups in free text *after* NFKC: the space and the
# hyphen-likes NFKC leaves alone (U+2010, dashes, U+2212 minus, the long-vowel mark
# ー that a Japanese IME types for a hyphen).  A My Number is often written
# 1234 5678 9018 or 1234-5678-9018.
_TEXT_SEPARATORS = " \u2010\u2012\u2013\u2014\u2015\u2212\u30fc-"  # "-" last: literal in [...]
# A run of digit groups in free text, with single separators between the groups.
_DIGIT_RUN = re.compile(f"[0-9](?:[{_TEXT_SEPARATORS}]?[0-9])*")
_GROUP_SEPARATOR = re.compile(f"[{_TEXT_SEPARATORS}]")


def normalise_imei(field: str, raw: object) -> tuple[str, Problem | None]:
    """Return the 15 ASCII digits of a valid IMEI, or a problem saying what is wrong."""
    if not isinstance(raw, str) or not raw.strip():
        return "", Problem(field, "IMEIを入力してください", "IMEI is required")
    if len(raw) > IMEI_RAW_MAX:
        return "", Problem(
            field, "IMEIが長すぎます（15桁です）", "IMEI is too long (it has 15 digits)"
        )
    digits = []
    for char in raw.translate(FULL_WIDTH_DIGITS):
        if "0" <= char <= "9":
            digits.append(char)
        elif char not in DIGIT_SEPARATORS:
            shown = char if char.isprintable() else f"U+{ord(char):04X}"
            return "", Problem(
                field,
                f"IMEIに数字以外の文字「{shown}」が含まれています",
                f"IMEI contains a character that is not a digit: {shown!r}",
            )
    number = "".join(digits)
    if len(number) == 14:
        return "", Problem(
            field,
            "IMEIが14桁です。最後のチェック数字を含めた15桁を入力してください",
            "IMEI has 14 digits: enter all 15, including the final check digit",
        )
    if len(number) == 16:
        return "", Problem(
            field,
            "16桁はIMEISV（ソフトウェア版番号付き）です。端末の15桁のIMEIを入力してください",
            "16 digits is an IMEISV (with software version): enter the phone's 15-digit IMEI",
        )
    if len(number) != 15:
        return "", Problem(
            field,
            f"IMEIは15桁です（入力は{len(number)}桁）",
            f"IMEI must have 15 digits (got {len(number)})",
        )
    if not stdnum_imei.is_valid(number):
        return "", Problem(
            field,
            "IMEIのチェック数字が一致しません。読み取り・入力を確認してください",
            "IMEI check digit does not match: rescan or retype it",
        )
    return number, None


def my_number_check_digit(first_eleven: str) -> int:
    """Check digit of the 12-digit Individual Number (個人番号) from its first 11 digits."""
    remainder = sum(int(d) * w for d, w in zip(first_eleven, MY_NUMBER_WEIGHTS, strict=True)) % 11
    return 0 if remainder <= 1 else 11 - remainder


def is_my_number(digits: str) -> bool:
    """True when ``digits`` is 12 ASCII digits whose last one is a valid My Number check digit."""
    return (
        len(digits) == 12
        and digits.isascii()
        and digits.isdigit()
        and my_number_check_digit(digits[:11]) == int(digits[11])
    )


def find_my_number(text: str) -> str | None:
    """A digit run in already-normalised text that reads as a My Number, or None.

    A digit group is never cut: a 15-digit IMEI contains twelve digits but is not a
    My Number.  A candidate is a whole run of twelve digits (``123456789018``,
    ``1234-5678-9018``), or, inside a longer run, one 12-digit group or three
    4-digit groups in a row: ``1-1 1234 5678 9018`` (an address followed by the
    number) must not hide it by joining the run.
    """
    for match in _DIGIT_RUN.finditer(text):
        groups = _GROUP_SEPARATOR.split(match.group())
        for digits in _my_number_candidates(groups):
            if is_my_number(digits):
                return digits
    return None


def _my_number_candidates(groups: list[str]) -> list[str]:
    candidates = ["".join(groups)]
    for index, group in enumerate(groups):
        if len(group) == 12:
            candidates.append(group)
        window = groups[index : index + 3]
        if len(window) == 3 and all(len(part) == 4 for part in window):
            candidates.append("".join(window))
    return candidates


def my_number_problem(field: str) -> Problem:
    return Problem(
        field,
        "マイナンバー（個人番号）と思われる12桁の数字が含まれています。"
        "店舗は個人番号を記録できません。削除してください",
        "contains a 12-digit number that reads as a My Number (Individual Number); "
        "shops may not record it: remove it",
    )

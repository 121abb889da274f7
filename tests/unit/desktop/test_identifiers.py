"""desktop.identifiers: the IMEI, and the My Number that must never be kept."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.errors import Problem
from desktop.identifiers import (
    find_my_number,
    is_my_number,
    my_number_check_digit,
    normalise_imei,
)

FIELD = "device.imei[0]"
VALID_IMEI = "356938035643809"  # ARCHITECTURE.md's example
MY_NUMBER = "123456789018"  # DOMAIN.md §4

MSG_14 = "IMEI has 14 digits: enter all 15, including the final check digit"
MSG_16 = "16 digits is an IMEISV (with software version): enter the phone's 15-digit IMEI"
MSG_CHECK = "IMEI check digit does not match: rescan or retype it"
MSG_TOO_LONG = "IMEI is too long (it has 15 digits)"


def luhn_digit(body: str) -> str:
    """The Luhn check digit of ``body``, computed here independently of stdnum."""
    total = 0
    for index, char in enumerate(reversed(body)):
        digit = int(char)
        if index % 2 == 0:  # doubled: the rightmost digit of the body, and every other one
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def imei_refused(raw: object) -> Problem:
    number, problem = normalise_imei(FIELD, raw)
    assert number == ""
    assert problem is not None
    assert problem.field == FIELD
    return problem


# --- IMEI -----------------------------------------------------------------------


def test_luhn_helper_agrees_with_the_documented_example() -> None:
    assert luhn_digit(VALID_IMEI[:14]) == VALID_IMEI[14]


def test_valid_imei_is_accepted() -> None:
    assert normalise_imei(FIELD, VALID_IMEI) == (VALID_IMEI, None)


@pytest.mark.parametrize(
    "raw",
    [
        "３５６９３８０３５６４３８０９",  # full-width digits
        "35 693803 564380 9",
        "35-693803-564380-9",
        "35\u2010693803\u2010564380\u20109",  # HYPHEN
        "35\u2212693803\u2212564380\u22129",  # MINUS SIGN
        "35\uff0d693803\uff0d564380\uff0d9",  # FULLWIDTH HYPHEN-MINUS
        "３５\u3000６９３８０３\u3000５６４３８０\u3000９",  # ideographic spaces
        "  356938035643809  ",
    ],
)
def test_imei_separators_and_full_width_digits_are_normalised(raw: str) -> None:
    assert normalise_imei(FIELD, raw) == (VALID_IMEI, None)


def test_fourteen_digits_get_their_own_message() -> None:
    problem = imei_refused(VALID_IMEI[:14])
    assert problem.en == MSG_14
    assert "14桁" in problem.ja


def test_sixteen_digits_get_their_own_message() -> None:
    problem = imei_refused(VALID_IMEI + "1")  # an IMEISV-like 16 digits
    assert problem.en == MSG_16
    assert "IMEISV" in problem.ja
    assert MSG_16 != MSG_14


@pytest.mark.parametrize(("raw", "count"), [(VALID_IMEI[:13], 13), (VALID_IMEI + "12", 17)])
def test_other_lengths_get_the_general_message(raw: str, count: int) -> None:
    problem = imei_refused(raw)
    assert problem.en == f"IMEI must have 15 digits (got {count})"
    assert f"入力は{count}桁" in problem.ja


def test_bad_check_digit_is_refused() -> None:
    wrong = VALID_IMEI[:14] + str((int(VALID_IMEI[14]) + 1) % 10)
    problem = imei_refused(wrong)
    assert problem.en == MSG_CHECK
    assert "チェック数字" in problem.ja


@pytest.mark.parametrize(
    ("char", "shown"),
    [
        ("²", "'²'"),  # NFKC would make this 2
        ("①", "'①'"),  # NFKC would make this 1
        ("٣", "'٣'"),  # Arabic-Indic three: a digit to str.isdigit, not to us
        ("a", "'a'"),
        ("O", "'O'"),  # a letter O for a zero
        ("\u202e", "'U+202E'"),  # not printable: shown by code point
        ("\u200b", "'U+200B'"),
    ],
)
def test_non_digits_are_refused_not_normalised(char: str, shown: str) -> None:
    raw = VALID_IMEI[:7] + char + VALID_IMEI[8:]
    problem = imei_refused(raw)
    assert problem.en == f"IMEI contains a character that is not a digit: {shown}"
    assert "数字以外" in problem.ja


def test_superscript_is_not_taken_for_the_missing_digit() -> None:
    # 14 real digits and a ² where the check digit 9 should be... NFKC would make "2".
    problem = imei_refused(VALID_IMEI[:14] + "²")
    assert "not a digit" in problem.en


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000", 356938035643809, ["356938035643809"]])
def test_missing_or_non_text_imei_is_required(raw: object) -> None:
    assert imei_refused(raw).en == "IMEI is required"


def test_huge_input_is_refused_fast_as_too_long() -> None:
    start = time.perf_counter()
    for _ in range(100):
        problem = imei_refused("1" * 10_000)
    assert problem.en == MSG_TOO_LONG
    assert time.perf_counter() - start < 1.0


def test_no_digits_at_all() -> None:
    assert imei_refused("---").en == "IMEI must have 15 digits (got 0)"


fourteen_digits = st.text(alphabet="0123456789", min_size=14, max_size=14)


@given(fourteen_digits, st.sampled_from(["", " ", "-", "\u3000"]))
def test_any_luhn_valid_imei_is_accepted_and_round_trips(body: str, sep: str) -> None:
    imei = body + luhn_digit(body)
    assert normalise_imei(FIELD, imei) == (imei, None)
    grouped = sep.join([imei[:2], imei[2:8], imei[8:14], imei[14]])
    assert normalise_imei(FIELD, grouped) == (imei, None)
    full_width = imei.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert normalise_imei(FIELD, full_width) == (imei, None)


@given(fourteen_digits, st.integers(min_value=0, max_value=14), st.integers(1, 9))
def test_changing_any_single_digit_makes_it_invalid(body: str, position: int, shift: int) -> None:
    imei = body + luhn_digit(body)
    changed = str((int(imei[position]) + shift) % 10)
    altered = imei[:position] + changed + imei[position + 1 :]
    assert altered != imei
    problem = imei_refused(altered)
    assert problem.en == MSG_CHECK


# --- My Number ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_eleven", "check"),
    [
        # 1·6+2·5+3·4+4·3+5·2+6·7+7·6+8·5+9·4+0·3+1·2 = 212; 212 mod 11 = 3; 11−3 = 8
        ("12345678901", 8),
        # weights sum to 47; 47 mod 11 = 3; 11−3 = 8
        ("11111111111", 8),
        # 5·2 = 10; r = 10; 11−10 = 1
        ("00000000005", 1),
        # 6·2 = 12; r = 1 → 0 (r ≤ 1)
        ("00000000006", 0),
        # r = 0 → 0
        ("00000000000", 0),
        # 9·6 = 54; 54 mod 11 = 10 → 1 (the first weight is 6, not 2)
        ("90000000000", 1),
    ],
)
def test_my_number_check_digit_by_hand(first_eleven: str, check: int) -> None:
    assert my_number_check_digit(first_eleven) == check
    assert is_my_number(first_eleven + str(check))


def test_documented_my_number_is_valid() -> None:
    assert is_my_number(MY_NUMBER)
    assert not is_my_number("123456789017")
    assert not is_my_number("123456789019")


@pytest.mark.parametrize(
    "digits",
    [
        "12345678901",  # 11 digits
        "1234567890180",  # 13 digits
        "１２３４５６７８９０１８",  # full-width: not ASCII
        "1234 5678 9018",  # with separators
        "",
    ],
)
def test_is_my_number_wants_exactly_twelve_ascii_digits(digits: str) -> None:
    assert not is_my_number(digits)


@pytest.mark.parametrize(
    "text",
    [
        "123456789018",
        "番号は1234 5678 9018です",
        "番号は1234-5678-9018です",
        "1234\u22125678\u22129018",  # MINUS SIGN, which NFKC leaves alone
        "1234\u20105678\u20109018",  # HYPHEN
        "1234ー5678ー9018",  # the long-vowel mark an IME types for a hyphen
        "東京都千代田区千代田1-1 1234 5678 9018",  # after an address number
        "千代田1-1 123456789018",
        "PASS123456789018",
    ],
)
def test_find_my_number_finds_it_inside_text(text: str) -> None:
    assert find_my_number(text) == MY_NUMBER


@pytest.mark.parametrize(
    "text",
    [
        VALID_IMEI,  # 15 digits: contains twelve digits but is not a My Number
        "IMEI 35-693803-564380-9",
        "1234567890180",  # a 13-digit run holding the valid 123456789018
        "0123456789018",
        "1234 5678 9017",  # wrong check digit
        "S01-20261127-0007",  # a receipt number
        "東京都千代田区千代田1-1-1",
        "090-1234-5678",
        "",
    ],
)
def test_find_my_number_does_not_fire(text: str) -> None:
    assert find_my_number(text) is None


eleven_digits = st.text(alphabet="0123456789", min_size=11, max_size=11)


@given(eleven_digits)
def test_any_valid_my_number_is_found_in_each_written_form(first_eleven: str) -> None:
    number = first_eleven + str(my_number_check_digit(first_eleven))
    assert is_my_number(number)
    spaced = f"{number[:4]} {number[4:8]} {number[8:]}"
    hyphenated = spaced.replace(" ", "-")
    for text in (number, f"個人番号 {spaced} です", f"no.{hyphenated}"):
        assert find_my_number(text) == number


@given(eleven_digits, st.integers(1, 9))
def test_a_wrong_check_digit_is_not_a_my_number(first_eleven: str, shift: int) -> None:
    check = my_number_check_digit(first_eleven)
    assert 0 <= check <= 9  # r ≤ 1 gives 0, so 11 − r is never 10 or 11
    wrong = (check + shift) % 10
    assert not is_my_number(first_eleven + str(wrong))
    assert find_my_number(first_eleven + str(wrong)) is None


@given(st.text(alphabet="0123456789", min_size=13, max_size=20))
def test_an_unbroken_run_longer_than_twelve_never_fires(digits: str) -> None:
    assert find_my_number(f"番号{digits}です") is None

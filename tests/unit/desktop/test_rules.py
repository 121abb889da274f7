"""desktop.rules.validate_intake: every field rule, each naming its field."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.catalogue import bundled_revocation_catalogue
from desktop.domain import (
    DeviceOs,
    IdDocument,
    IdDocumentType,
    IntakeDraft,
    NetworkRestriction,
    Purpose,
    StatementLanguage,
    age_on,
)
from desktop.errors import Problem, ValidationFailed
from desktop.rules import MAX_POINTS, MAX_PRICE_YEN, MAX_STROKES, validate_intake
from tests.conftest import example_document

TODAY = date(2026, 11, 27)
CATALOGUE = bundled_revocation_catalogue()
IMEI = "356938035643809"
IMEI_2 = "356938035643817"  # another valid IMEI (Luhn)
MY_NUMBER = "123456789018"  # passes the check digit (DOMAIN.md §4)
MY_NUMBER_EN = (
    "contains a 12-digit number that reads as a My Number (Individual Number); "
    "shops may not record it: remove it"
)
UNKNOWN_FIELD_EN = "is not a known field (check the spelling)"
STROKE = [[12, 40, 0], [30, 42, 16], [55, 47, 33]]


def validate(doc: object) -> IntakeDraft:
    return validate_intake(doc, today=TODAY, catalogue=CATALOGUE)


def problems(doc: object) -> list[Problem]:
    with pytest.raises(ValidationFailed) as info:
        validate(doc)
    assert info.value.problems, "ValidationFailed without a problem"
    return info.value.problems


def only_problem(doc: object, field: str) -> Problem:
    found = problems(doc)
    assert [p.field for p in found] == [field], [p.line() for p in found]
    return found[0]


def set_at(doc: dict[str, Any], dotted: str, value: object) -> dict[str, Any]:
    *parents, last = dotted.split(".")
    target = doc
    for key in parents:
        target = target[key]
    target[last] = value
    return doc


def drop(doc: dict[str, Any], dotted: str) -> dict[str, Any]:
    *parents, last = dotted.split(".")
    target = doc
    for key in parents:
        target = target[key]
    del target[last]
    return doc


# --- the example ------------------------------------------------------------------


def test_the_documented_example_is_valid(doc: dict[str, Any]) -> None:
    draft = validate(doc)
    assert draft.purpose is Purpose.TRADE_IN
    assert draft.price_yen == 12000
    assert draft.clerk == "C01"
    assert draft.seller.name == "山田 太郎"
    assert draft.seller.kana == "ヤマダ タロウ"
    assert draft.seller.birth_date == date(1985, 4, 1)
    assert draft.seller.id_document == IdDocument(IdDocumentType.DRIVERS_LICENSE, "123456789012")
    assert draft.device.os is DeviceOs.ANDROID
    assert draft.device.imeis == (IMEI,)
    assert draft.device.storage_gb == 128
    assert draft.device.network_restriction is NetworkRestriction.OK
    assert draft.revocation.path == "app_revoked"
    assert draft.statement_language is StatementLanguage.JA
    assert draft.signature == (((12, 40, 0), (30, 42, 16), (55, 47, 33)),)
    assert draft.reset_checks["felica_cleared"] is True
    assert draft.suspected_stolen is False


@pytest.mark.parametrize("doc_value", [None, [], "{}", 1])
def test_a_document_that_is_not_an_object(doc_value: object) -> None:
    problem = only_problem(doc_value, "(document)")
    assert problem.en == "is not a JSON object"


# --- enumerations -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "allowed"),
    [
        ("purpose", "purchase | trade_in | consignment | repair"),
        (
            "seller.id_document.type",
            "drivers_license | my_number_card | passport | residence_card | "
            "special_permanent_resident | driving_history | qualification_certificate | "
            "health_insurance | other",
        ),
        ("device.os", "android | iphone | other"),
        ("device.network_restriction", "ok | pending | restricted | unknown"),
        ("revocation.certificate_used", "yes | no | unknown"),
        ("revocation.performed_by", "self | staff | other"),
        ("statement.language", "ja | en | zh-Hans | ko | vi | fil | pt-BR | ne | id"),
    ],
)
@pytest.mark.parametrize("bad", ["bogus", "", "Android", 1, None, ["self"]])
def test_each_enumeration_refuses_an_unknown_value(
    doc: dict[str, Any], field: str, allowed: str, bad: object
) -> None:
    if field == "purpose":  # an unknown purpose cannot decide the ledger rule: keep it off
        doc["price_yen"] = 500
    problem = only_problem(set_at(doc, field, bad), field)
    assert problem.en == f"must be one of: {allowed}"
    assert problem.ja.endswith(f"次のいずれかです: {allowed}")


def test_network_restriction_defaults_to_unknown(doc: dict[str, Any]) -> None:
    del doc["device"]["network_restriction"]
    assert validate(doc).device.network_restriction is NetworkRestriction.UNKNOWN


# --- price ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "message"),
    [
        (-1, "must be 0 or more"),
        (MAX_PRICE_YEN + 1, f"must be {MAX_PRICE_YEN:,} or less"),
        (10**30, f"must be {MAX_PRICE_YEN:,} or less"),
        (12000.0, "must be a whole number"),
        (12000.5, "must be a whole number"),
        ("12000", "must be a whole number"),
        (True, "must be a whole number"),
        (False, "must be a whole number"),
        (None, "must be a whole number"),
    ],
)
def test_bad_price_is_refused(doc: dict[str, Any], price: object, message: str) -> None:
    problem = only_problem(set_at(doc, "price_yen", price), "price_yen")
    assert problem.en == message
    assert problem.ja.startswith("金額は")


@pytest.mark.parametrize("price", [0, 1, MAX_PRICE_YEN])
def test_price_bounds_are_accepted(doc: dict[str, Any], price: int) -> None:
    assert validate(set_at(doc, "price_yen", price)).price_yen == price


# --- birth date -------------------------------------------------------------------

BAD_DATE_EN = "must be a date written YYYY-MM-DD"


@pytest.mark.parametrize(
    "value",
    [
        "1985/04/01",
        "85-04-01",
        "1985-4-1",
        "1985-04-1 ",
        "19850401",
        "2024-W01-1",  # an ISO week date: ten characters, and date.fromisoformat reads it
        "１９８５-０４-０１",
        "1985-02-30",
        "1985-13-01",
        "昭和60年4月1日",
        19850401,
        ["1985-04-01"],
    ],
)
def test_birth_date_in_a_bad_format(doc: dict[str, Any], value: object) -> None:
    problem = only_problem(set_at(doc, "seller.birth_date", value), "seller.birth_date")
    assert problem.en == BAD_DATE_EN
    assert "YYYY-MM-DD" in problem.ja


def test_birth_date_in_the_future(doc: dict[str, Any]) -> None:
    problem = only_problem(set_at(doc, "seller.birth_date", "2026-11-28"), "seller.birth_date")
    assert problem.en == "is in the future"
    doc["purpose"] = "repair"  # a newborn seller is a minor: only a repair needs no guardian
    assert validate(set_at(doc, "seller.birth_date", "2026-11-27")).seller.birth_date == TODAY


def test_age_over_130_is_refused_across_the_birthday(doc: dict[str, Any]) -> None:
    # Born 1895-11-28: 130 on 2026-11-27 (the 131st birthday is tomorrow).
    assert validate(set_at(doc, "seller.birth_date", "1895-11-28")).seller.birth_date == date(
        1895, 11, 28
    )
    # Born 1895-11-27: 131 today.
    problem = only_problem(set_at(doc, "seller.birth_date", "1895-11-27"), "seller.birth_date")
    assert problem.en == "gives an age over 130: check it"
    assert "130歳" in problem.ja


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (date(1985, 4, 1), date(2026, 3, 31), 40),
        (date(1985, 4, 1), date(2026, 4, 1), 41),
        (date(1985, 4, 1), date(2026, 4, 2), 41),
        (date(1985, 12, 31), date(2026, 1, 1), 40),
        (date(2000, 2, 29), date(2021, 2, 28), 20),
        (date(2000, 2, 29), date(2021, 3, 1), 21),
        (date(2026, 11, 27), date(2026, 11, 27), 0),
    ],
)
def test_age_on(born: date, day: date, age: int) -> None:
    assert age_on(born, day) == age


@given(st.dates(min_value=date(1896, 11, 28), max_value=TODAY))
def test_any_plausible_birth_date_round_trips(born: date) -> None:
    doc = set_at(example_document(), "seller.birth_date", born.isoformat())
    doc["purpose"] = "repair"  # minors' sales have their own tests (guardian consent)
    assert validate(doc).seller.birth_date == born


# --- unknown keys -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("container", "typo", "field"),
    [
        ("", "pirce_yen", "pirce_yen"),
        ("", "suspected_stolem", "suspected_stolem"),
        ("seller", "adress", "seller.adress"),
        ("seller.id_document", "numbr", "seller.id_document.numbr"),
        ("device", "imeis", "device.imeis"),
        ("reset_checks", "factory_rest", "reset_checks.factory_rest"),
        ("revocation", "perfomed_by", "revocation.perfomed_by"),
        ("statement", "lang", "statement.lang"),
        ("signature", "stroke", "signature.stroke"),
    ],
)
def test_unknown_keys_are_refused_at_every_level(
    doc: dict[str, Any], container: str, typo: str, field: str
) -> None:
    set_at(doc, f"{container}.{typo}" if container else typo, "x")
    problem = only_problem(doc, field)
    assert problem.en == UNKNOWN_FIELD_EN
    assert "綴り" in problem.ja


def test_a_misspelt_key_also_reports_the_missing_one(doc: dict[str, Any]) -> None:
    doc["seller"]["adress"] = doc["seller"].pop("address")
    found = {p.field: p.en for p in problems(doc)}
    assert found == {"seller.adress": UNKNOWN_FIELD_EN, "seller.address": "is required"}


# --- sections -----------------------------------------------------------------------


# "statement" is optional: without it the customer read Japanese (see below).
@pytest.mark.parametrize("section", ["seller", "device", "revocation"])
def test_a_missing_section(doc: dict[str, Any], section: str) -> None:
    del doc[section]
    found = problems(doc)
    assert found[0] == Problem(section, "この項目がありません", "is missing")


@pytest.mark.parametrize("section", ["seller", "device", "revocation", "statement"])
def test_a_section_that_is_not_an_object(doc: dict[str, Any], section: str) -> None:
    doc[section] = ["not", "an", "object"]
    assert any(p.field == section and p.en == "must be an object" for p in problems(doc))


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (
            "seller",
            {
                "seller.name",
                "seller.address",
                "seller.occupation",
                "seller.birth_date",
                "seller.id_document",
            },
        ),
        ("device", {"device.os", "device.maker", "device.model", "device.imei"}),
        (
            "revocation",
            {
                "revocation.certificate_used",
                "revocation.performed_by",
                "revocation.holder_is_seller",
                "revocation.path",
            },
        ),
    ],
)
def test_an_empty_section_reports_each_missing_field(
    doc: dict[str, Any], section: str, expected: set[str]
) -> None:
    # Regression: an empty object used to slip past every reader and end in an
    # AssertionError instead of a ValidationFailed.
    doc[section] = {}
    assert {p.field for p in problems(doc)} == expected


@pytest.mark.parametrize("statement", [None, {}])
def test_without_a_language_the_customer_read_japanese(
    doc: dict[str, Any], statement: dict[str, Any] | None
) -> None:
    # Issue 13: the language is the customer's choice, Japanese unless they chose.
    if statement is None:
        del doc["statement"]
    else:
        doc["statement"] = statement
    assert validate(doc).statement_language is StatementLanguage.JA


@pytest.mark.parametrize("code", [member.value for member in StatementLanguage])
def test_every_customer_language_is_accepted(doc: dict[str, Any], code: str) -> None:
    doc["statement"] = {"language": code}
    assert validate(doc).statement_language.value == code


# --- IMEIs ------------------------------------------------------------------------


def test_two_imeis_for_a_dual_sim_phone(doc: dict[str, Any]) -> None:
    doc["device"]["imei"] = [IMEI, "35-693803-564381-7"]
    assert validate(doc).device.imeis == (IMEI, IMEI_2)


def test_a_single_imei_may_be_given_as_a_string(doc: dict[str, Any]) -> None:
    doc["device"]["imei"] = "３５６９３８０３５６４３８０９"
    assert validate(doc).device.imeis == (IMEI,)


@pytest.mark.parametrize(
    "imeis", [[], [IMEI, IMEI_2, "490154203237518"], None, 356938035643809, {"0": IMEI}]
)
def test_zero_or_three_imeis_are_refused(doc: dict[str, Any], imeis: object) -> None:
    problem = only_problem(set_at(doc, "device.imei", imeis), "device.imei")
    assert problem.en == "give one IMEI, or two for a dual-SIM phone"


def test_a_repeated_second_imei_is_refused(doc: dict[str, Any]) -> None:
    doc["device"]["imei"] = [IMEI, "35 693803 564380 9"]  # the same number, written differently
    problem = only_problem(doc, "device.imei[1]")
    assert problem.en == "the second IMEI repeats the first"


def test_a_bad_second_imei_names_its_index(doc: dict[str, Any]) -> None:
    doc["device"]["imei"] = [IMEI, IMEI[:14]]
    problem = only_problem(doc, "device.imei[1]")
    assert problem.en == "IMEI has 14 digits: enter all 15, including the final check digit"


# --- the ledger rule (DOMAIN.md §3) -------------------------------------------------

LEDGER_FIELDS = ("address", "occupation", "birth_date", "id_document")


@pytest.mark.parametrize(
    ("purpose", "price", "required"),
    [
        ("purchase", 0, False),
        ("purchase", 9_999, False),
        ("purchase", 10_000, True),
        ("trade_in", 9_999, False),
        ("trade_in", 10_000, True),
        ("trade_in", 50_000, True),
        ("consignment", 0, True),
        ("consignment", 9_999, True),
        ("consignment", 10_000, True),
        ("repair", 0, False),
        ("repair", 9_999, False),
        ("repair", 1_000_000, False),
    ],
)
def test_ledger_fields_are_required_from_10000_yen_or_for_consignment(
    doc: dict[str, Any], purpose: str, price: int, required: bool
) -> None:
    doc["purpose"] = purpose
    doc["price_yen"] = price
    for key in LEDGER_FIELDS:
        del doc["seller"][key]
    if required:
        assert {p.field for p in problems(doc)} == {f"seller.{key}" for key in LEDGER_FIELDS}
    else:
        seller = validate(doc).seller
        assert (seller.address, seller.occupation) == ("", "")
        assert seller.birth_date is None
        assert seller.id_document is None


def test_ledger_fields_given_below_the_threshold_are_still_checked(doc: dict[str, Any]) -> None:
    doc["price_yen"] = 5_000
    doc["seller"]["birth_date"] = "1985/04/01"
    assert only_problem(doc, "seller.birth_date").en == BAD_DATE_EN


def test_ledger_required_messages(doc: dict[str, Any]) -> None:
    for key in LEDGER_FIELDS:
        del doc["seller"][key]
    found = {p.field: p.en for p in problems(doc)}
    assert found == {
        "seller.address": "is required",
        "seller.occupation": "is required",
        "seller.birth_date": "is required (for the seller's age)",
        "seller.id_document": "the identity document is required",
    }


def test_the_name_is_always_required(doc: dict[str, Any]) -> None:
    doc["purpose"] = "repair"
    doc["seller"]["name"] = "  "
    assert only_problem(doc, "seller.name").en == "is required"


# --- My Number guard (DOMAIN.md §4) -----------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("seller.name", f"山田 {MY_NUMBER}"),
        ("seller.address", "東京都千代田区千代田1-1 1234 5678 9018"),
        ("seller.occupation", "会社員 1234-5678-9018"),
        ("device.serial", MY_NUMBER),
        ("device.model", "１２３４ ５６７８ ９０１８"),  # full-width, normalised first
    ],
)
def test_a_my_number_typed_into_free_text_is_refused(
    doc: dict[str, Any], field: str, value: str
) -> None:
    problem = only_problem(set_at(doc, field, value), field)
    assert problem.en == MY_NUMBER_EN
    assert "個人番号" in problem.ja


@pytest.mark.parametrize(
    "doc_type", ["passport", "other", "residence_card", "special_permanent_resident"]
)
@pytest.mark.parametrize("number", [MY_NUMBER, "1234 5678 9018", "1234-5678-9018"])
def test_a_my_number_as_another_documents_number_is_refused(
    doc: dict[str, Any], doc_type: str, number: str
) -> None:
    doc["seller"]["id_document"] = {"type": doc_type, "number": number}
    if doc_type == "other":
        doc["seller"]["id_document"]["name"] = "学生証"
    problem = only_problem(doc, "seller.id_document.number")
    assert problem.en == MY_NUMBER_EN


@pytest.mark.parametrize("doc_type", ["passport", "other"])
def test_ordinary_document_numbers_are_kept(doc: dict[str, Any], doc_type: str) -> None:
    doc["seller"]["id_document"] = {"type": doc_type, "number": "ＴＫ１２３４５６７"}
    name = "学生証" if doc_type == "other" else ""
    if name:
        doc["seller"]["id_document"]["name"] = name
    assert validate(doc).seller.id_document == IdDocument(
        IdDocumentType(doc_type), "TK1234567", name
    )


@pytest.mark.parametrize(
    ("number", "kept"),
    [
        (MY_NUMBER, MY_NUMBER),  # passes the My Number check, but is a licence number
        ("1234 5678 9018", MY_NUMBER),
        ("１２３４-５６７８-９０１８", MY_NUMBER),
        ("123456789012", "123456789012"),
        ("", ""),
    ],
)
def test_a_licence_number_is_never_blocked_by_the_my_number_guard(
    doc: dict[str, Any], number: str, kept: str
) -> None:
    doc["seller"]["id_document"] = {"type": "drivers_license", "number": number}
    document = validate(doc).seller.id_document
    assert document == IdDocument(IdDocumentType.DRIVERS_LICENSE, kept)


@pytest.mark.parametrize("number", ["12345678901", "1234567890123", "ABCDEFGHIJKL", 123456789018])
def test_a_licence_number_must_have_12_digits(doc: dict[str, Any], number: object) -> None:
    doc["seller"]["id_document"] = {"type": "drivers_license", "number": number}
    problem = only_problem(doc, "seller.id_document.number")
    assert problem.en == "licence number has 12 digits"


@pytest.mark.parametrize("number", [MY_NUMBER, "123456789012", "ABC", " "])
def test_no_number_may_be_recorded_for_a_my_number_card(doc: dict[str, Any], number: str) -> None:
    doc["seller"]["id_document"] = {"type": "my_number_card", "number": number}
    problem = only_problem(doc, "seller.id_document.number")
    assert problem.en == (
        "the number of a My Number Card may not be recorded (forbidden by law): "
        "keep the document type only"
    )
    assert "番号は記録できません" in problem.ja


@pytest.mark.parametrize(
    "document", [{"type": "my_number_card"}, {"type": "my_number_card", "number": ""}]
)
def test_a_my_number_card_without_a_number_is_accepted(
    doc: dict[str, Any], document: dict[str, str]
) -> None:
    doc["seller"]["id_document"] = document
    assert validate(doc).seller.id_document == IdDocument(IdDocumentType.MY_NUMBER_CARD, "")


# --- kana ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kana", "expected"),
    [
        ("やまだ たろう", "ヤマダ タロウ"),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ"),
        ("ゔぁいおりん", "ヴァイオリン"),
        ("スミス・ジョン", "スミス・ジョン"),
        ("コーヒー", "コーヒー"),
        ("", ""),
    ],
)
def test_kana_is_stored_in_katakana(doc: dict[str, Any], kana: str, expected: str) -> None:
    assert validate(set_at(doc, "seller.kana", kana)).seller.kana == expected


@pytest.mark.parametrize("kana", ["Yamada Taro", "ＹＡＭＡＤＡ", "山田 タロウ", "ヤマダ1"])
def test_kana_with_latin_or_kanji_is_refused(doc: dict[str, Any], kana: str) -> None:
    problem = only_problem(set_at(doc, "seller.kana", kana), "seller.kana")
    assert problem.en == "reading must be in katakana"


# --- signature ----------------------------------------------------------------------

SIGNATURE_MISSING_EN = "the customer's signature is missing"


@pytest.mark.parametrize("signature", [None, {"strokes": []}, {}])
def test_an_accepted_intake_needs_a_signature(doc: dict[str, Any], signature: object) -> None:
    if signature is None:
        del doc["signature"]
    else:
        doc["signature"] = signature
    problem = only_problem(doc, "signature")
    assert problem.en == SIGNATURE_MISSING_EN
    assert "署名がありません" in problem.ja


@pytest.mark.parametrize(
    "revocation",
    [
        {"performed_by": "staff"},
        {"performed_by": "other"},
        {"holder_is_seller": False},
        {"path": "not_done"},
        {"certificate_used": "unknown", "path": ""},
    ],
)
def test_a_refusal_needs_no_signature(doc: dict[str, Any], revocation: dict[str, object]) -> None:
    del doc["signature"]
    doc["revocation"].update(revocation)
    assert validate(doc).signature == ()


def test_a_refusal_for_clerk_assistance_needs_no_signature(doc: dict[str, Any]) -> None:
    del doc["signature"]
    doc["clerk_did_not_assist"] = False
    draft = validate(doc)
    assert draft.signature == ()
    assert draft.clerk_did_not_assist is False


MALFORMED_EN = "each stroke must be a list of [x, y, ms] whole-number points"


@pytest.mark.parametrize(
    "strokes",
    [
        [[[12, 40, 0], [30.5, 42, 16]]],  # a float
        [[[12, 40, 0], [True, 42, 16]]],  # a bool is no coordinate
        [[[12, 40, 0], [30, 42]]],  # two values
        [[[12, 40, 0], [30, 42, 16, 1]]],  # four values
        [[[12, 40, 0], [-1, 42, 16]]],  # negative x
        [[[12, 40, 0], [30, 100_001, 16]]],  # y beyond the pad
        [[[12, 40, 20], [30, 42, 16]]],  # time runs backwards
        [[[12, 40, -1], [30, 42, 16]]],  # negative time
        [[[12, 40, 0], [30, 42, 3_600_001]]],  # over an hour
        [[[12, 40, 0], "30,42,16"]],  # a point as text
        [[]],  # an empty stroke
        ["stroke"],
        [STROKE, [[1, 2, 3], None]],
    ],
)
def test_malformed_strokes_are_refused(doc: dict[str, Any], strokes: object) -> None:
    doc["signature"] = {"strokes": strokes}
    found = {p.field: p.en for p in problems(doc)}
    assert found["signature.strokes"] == MALFORMED_EN
    assert set(found) <= {"signature.strokes", "signature"}


@pytest.mark.parametrize("strokes", ["abc", {"0": STROKE}, [STROKE] * (MAX_STROKES + 1)])
def test_strokes_that_are_no_list_or_too_many(doc: dict[str, Any], strokes: object) -> None:
    doc["signature"] = {"strokes": strokes}
    found = {p.field: p.en for p in problems(doc)}
    assert found["signature.strokes"] == f"must be a list of at most {MAX_STROKES} strokes"


def test_too_many_points(doc: dict[str, Any]) -> None:
    stroke = [[1, 1, i] for i in range(MAX_POINTS // 2 + 1)]
    doc["signature"] = {"strokes": [stroke, stroke]}
    found = {p.field: p.en for p in problems(doc)}
    assert found["signature.strokes"] == f"has more than {MAX_POINTS} points"


def test_a_signature_of_single_dots_is_too_short(doc: dict[str, Any]) -> None:
    doc["signature"] = {"strokes": [[[1, 1, 0]], [[5, 5, 0]]]}
    found = {p.field: p.en for p in problems(doc)}
    assert found["signature.strokes"] == "is too short to be a signature: sign again"


def test_a_signature_that_is_not_an_object(doc: dict[str, Any]) -> None:
    doc["signature"] = [STROKE]
    found = problems(doc)
    assert {p.field for p in found} == {"signature"}
    assert found[0].en == "must be an object"


def test_strokes_are_kept_as_tuples(doc: dict[str, Any]) -> None:
    doc["signature"] = {"strokes": [STROKE, [[0, 0, 0], [0, 0, 0]]]}
    assert validate(doc).signature == (
        ((12, 40, 0), (30, 42, 16), (55, 47, 33)),
        ((0, 0, 0), (0, 0, 0)),
    )


# --- other fields -------------------------------------------------------------------


@pytest.mark.parametrize("clerk", ["c01", "", "C-01", "ABCDEFGHI", 1, None, "Ｃ０１"])
def test_a_bad_clerk_code(doc: dict[str, Any], clerk: object) -> None:
    problem = only_problem(set_at(doc, "clerk", clerk), "clerk")
    assert problem.en == "clerk code is up to 8 capital letters and digits (e.g. C01)"


@pytest.mark.parametrize(
    "field",
    [
        "clerk_did_not_assist",
        "revocation.holder_is_seller",
        "reset_checks.factory_reset",
        "suspected_stolen",
    ],
)
@pytest.mark.parametrize("value", ["true", 1, 0, None])
def test_booleans_must_be_json_booleans(doc: dict[str, Any], field: str, value: object) -> None:
    problem = only_problem(set_at(doc, field, value), field)
    assert problem.en == "must be true or false"


def test_missing_booleans_that_are_required(doc: dict[str, Any]) -> None:
    del doc["clerk_did_not_assist"]
    del doc["revocation"]["holder_is_seller"]
    found = {p.field: p.en for p in problems(doc)}
    assert found == {
        "clerk_did_not_assist": "must be true or false",
        "revocation.holder_is_seller": "must be true or false",
    }


def test_reset_checks_default_to_false_and_the_flag_to_not_stolen(doc: dict[str, Any]) -> None:
    del doc["reset_checks"]
    draft = validate(doc)
    assert set(draft.reset_checks.values()) == {False}
    assert len(draft.reset_checks) == 5
    doc["suspected_stolen"] = True
    assert validate(doc).suspected_stolen is True


@pytest.mark.parametrize("storage", [0, -128, 16_385, 128.0, "128GB", True])
def test_bad_storage(doc: dict[str, Any], storage: object) -> None:
    only_problem(set_at(doc, "device.storage_gb", storage), "device.storage_gb")


def test_storage_may_be_left_out(doc: dict[str, Any]) -> None:
    doc["device"]["storage_gb"] = None
    assert validate(doc).device.storage_gb is None


@pytest.mark.parametrize(
    ("field", "max_len"),
    [
        ("seller.name", 100),
        ("seller.address", 200),
        ("seller.occupation", 50),
        ("device.maker", 50),
        ("device.model", 100),
        ("device.color", 30),
        ("device.serial", 40),
    ],
)
def test_text_fields_have_their_caps(doc: dict[str, Any], field: str, max_len: int) -> None:
    assert validate(set_at(example_document(), field, "ア" * max_len))
    problem = only_problem(set_at(doc, field, "ア" * (max_len + 1)), field)
    assert problem.en == f"must be at most {max_len} characters"


def test_a_bidi_override_in_a_name_is_refused(doc: dict[str, Any]) -> None:
    problem = only_problem(set_at(doc, "seller.name", "山田\u202e太郎"), "seller.name")
    assert "U+202E" in problem.en


# --- many problems at once ----------------------------------------------------------


def test_every_problem_is_reported_in_one_pass(doc: dict[str, Any]) -> None:
    doc["purpose"] = "sale"
    doc["price_yen"] = 500  # keeps the ledger rule out of the picture
    doc["seller"]["name"] = f"山田 {MY_NUMBER}"
    doc["device"]["imei"] = [IMEI[:14]]
    doc["statement"]["language"] = "fr"
    doc["clerk_did_not_assist"] = "yes"
    with pytest.raises(ValidationFailed) as info:
        validate(doc)
    error = info.value
    assert [p.field for p in error.problems] == [
        "purpose",
        "seller.name",
        "device.imei[0]",
        "clerk_did_not_assist",
        "statement.language",
    ]
    assert error.en == "5 field(s) need correcting"
    assert error.ja == "入力に5件の誤りがあります"
    assert error.problems[1].line().startswith("seller.name: マイナンバー")


# --- robustness ---------------------------------------------------------------------


def _paths(value: object, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found: list[tuple[str | int, ...]] = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list) and len(prefix) < 3:
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


EXAMPLE_PATHS = _paths(example_document())
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


@given(st.sampled_from(EXAMPLE_PATHS), json_values)
def test_any_value_anywhere_gives_a_draft_or_named_problems(
    path: tuple[str | int, ...], value: object
) -> None:
    doc: Any = example_document()
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    found: list[Problem] = []
    try:
        draft = validate(doc)
    except ValidationFailed as error:  # anything else (AssertionError, KeyError...) fails
        found = error.problems
        assert found, "ValidationFailed without a problem"
    else:
        assert isinstance(draft, IntakeDraft)
    assert all(p.field and p.ja and p.en for p in found)

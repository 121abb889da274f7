"""``verify``'s shortcut to a person's digest (desktop.verification.canonical_stored_person):
the canonical text of the data from the stored text without decoding the strokes.

Whatever it returns must be exactly ``canonical(json.loads(text))``; a text not in the
form commit stores gives None (then verify decodes it, as before).
"""

from __future__ import annotations

import json

import pytest

from desktop import ledger
from desktop.verification import canonical_stored_person

DATA = {
    "name": "山田 太郎",
    "kana": "ヤマダ タロウ",
    "address": '東京都千代田区1-1 "離れ"',
    "occupation": "会社員",
    "birth_date": "1980-01-02",
    "age": 46,
    "id_document": {"type": "drivers_license", "number": "123456789012", "name": ""},
    "guardian": None,
    "signature": [[[10, 20, 0], [12, 19, 16]], [[-1, 0, 32]]],
}


def _without_signature(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "signature"}


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(DATA),  # as commit stores it (SQLAlchemy's JSON type)
        json.dumps(DATA, ensure_ascii=False),
        json.dumps({**DATA, "signature": []}),  # a refusal keeps no signature
    ],
)
def test_the_stored_forms_give_the_canonical_text(text):
    found = canonical_stored_person(text)
    assert found is not None
    canonical_data, rest = found
    assert canonical_data == ledger.canonical(json.loads(text))
    assert rest == _without_signature(json.loads(text))


@pytest.mark.parametrize(
    "text",
    [
        ledger.canonical(DATA).decode(),  # no ", " before the strokes: not commit's form
        json.dumps(DATA, sort_keys=True, indent=1),
        json.dumps(DATA).replace("[10, 20, 0]", "[10,  20, 0]"),  # a space not json.dumps's
        json.dumps(DATA).replace("[10, 20, 0]", "[10 20, 0]"),  # not JSON at all
        json.dumps({**DATA, "signature": [["a, b"]]}),  # strokes with a string
        json.dumps({**DATA, "signature": [[[1.5, 2, 3]]]}),  # a float
        json.dumps({**DATA, "signature": [[[True, 2, 3]]]}),
        json.dumps({**DATA, "zone": 1}),  # a key after "signature": it is not last
        json.dumps({"zone": 1, **DATA}),  # a key that sorts after "signature"
        json.dumps({"id_document": {"signature": [1]}, "name": "x"}),  # not at the top
        json.dumps(DATA) + " ",
        json.dumps([1, {"signature": [1]}]),
        json.dumps({**DATA, "age": float("nan")}),  # decodes, but has no canonical form
        json.dumps({"signature": [[[1, 2, 3]]]}),  # nothing before the strokes
        " " + json.dumps(DATA),  # white space before it: not json.dumps's
        "\ufeff" + json.dumps(DATA),  # a byte-order mark (json.loads refuses it)
        '{"name": "x"} {"age": 1, "signature": [1]}',  # a second object before the strokes
        '{"name": "x" "age": 1, "signature": [1]}',  # no comma: not JSON
    ],
)
def test_any_other_form_is_left_to_the_full_decoding(text):
    assert canonical_stored_person(text) is None


def test_nothing_stored_is_left_to_the_full_decoding():
    assert canonical_stored_person(None) is None

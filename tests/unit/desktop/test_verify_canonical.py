"""``verify`` re-encodes every decoded body and person with ``ledger.canonical_decoded``
(no cycle check: a value ``json.loads`` made holds no cycle).  It must write the very
bytes of ``ledger.canonical``, and fail where it fails, or a body would be named (or
not named) "not in canonical form" differently."""

from __future__ import annotations

import json

import pytest

from desktop import ledger

TEXTS = [
    '{"b":1,"a":[1,-2,3,{"z":null,"y":true,"x":false}],"c":{}}',
    '{"name":"山田 \\"太郎\\"","kana":"ヤマダ","s":"\\u0000\\u001f\\n\\t\\\\/\\u2028\\u007f"}',
    '{"big":123456789012345678901234567890,"neg":-0,"e":[],"o":{"":""}}',
    '{"emoji":"\\ud83d\\ude00","k":"\\u00e9","deep":[[[[[[[[[[1]]]]]]]]]]}',
    '{"f":1.5,"g":-2.25e-10,"h":1e300}',
    '{"ä":1,"a":2,"Z":3,"\\u0100":4}',
    json.dumps({"signature": [[[i, -i, i * 7] for i in range(60)] for _ in range(4)]}),
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_same_bytes_as_canonical(text):
    value = json.loads(text)
    assert ledger.canonical_decoded(value) == ledger.canonical(value)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ('{"a":"\\ud800"}', UnicodeEncodeError),  # a lone surrogate has no UTF-8
        ('{"a":NaN}', ValueError),  # no JSON form
        ('{"a":[Infinity]}', ValueError),
    ],
)
def test_fails_where_canonical_fails(text, error):
    value = json.loads(text)
    with pytest.raises(error):
        ledger.canonical(value)
    with pytest.raises(error):
        ledger.canonical_decoded(value)

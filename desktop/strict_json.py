"""Reading a JSON document from outside the app, strictly.

Python's ``json`` is lenient where a legal record must not be:

- it keeps the *last* of duplicate keys silently, so ``"performed_by": "staff",
  "performed_by": "self"`` was stored as ``self`` while a person reading the file sees
  a refusal — a duplicate key is refused, naming the key;
- it raises ``RecursionError`` on deep nesting and ``ValueError`` on integers past
  4,300 digits — both became "unexpected fault" (exit 3); here they are input errors;
- it accepts ``NaN`` and ``Infinity``, which are not JSON.

The intake document is at most five levels deep (signature → strokes → stroke →
point), so anything deeper than :data:`MAX_DEPTH` is refused before parsing.
"""

from __future__ import annotations

import json
from typing import Any

from desktop.errors import UserError

MAX_DEPTH = 16
MAX_INTEGER_DIGITS = 20  # a price or a coordinate; ¥100,000,000 has nine


class _Refused(ValueError):
    def __init__(self, ja: str, en: str) -> None:
        super().__init__(en)
        self.ja, self.en = ja, en


def _depth_problem(text: str) -> _Refused | None:
    """Scan brackets outside strings; refuse before the parser recurses."""
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return _Refused(
                    f"入れ子が深すぎます（{MAX_DEPTH}段まで）",
                    f"is nested deeper than {MAX_DEPTH} levels",
                )
        elif ch in "]}":
            depth -= 1
    return None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _Refused(f"項目 {key!r} が2回あります", f"has the key {key!r} twice")
        result[key] = value
    return result


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise _Refused(
            f"{MAX_INTEGER_DIGITS}桁を超える数があります",
            f"has a number over {MAX_INTEGER_DIGITS} digits",
        )
    return int(text)


def _constant(name: str) -> Any:
    raise _Refused(f"{name} はJSONの値ではありません", f"{name} is not a JSON value")


def loads(text: str, *, what: tuple[str, str]) -> Any:
    """Parse ``text``; any problem is a :class:`UserError` naming ``what`` (ja, en)."""
    what_ja, what_en = what
    problem = _depth_problem(text)
    try:
        if problem is not None:
            raise problem
        return json.loads(
            text, object_pairs_hook=_unique_keys, parse_int=_integer, parse_constant=_constant
        )
    except _Refused as exc:
        raise UserError(f"{what_ja}: {exc.ja}", f"{what_en} {exc.en}") from None
    except json.JSONDecodeError as exc:
        raise UserError(
            f"{what_ja}のJSONが正しくありません（{exc.lineno}行 {exc.colno}列）",
            f"{what_en} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
        ) from None
    except (RecursionError, ValueError) as exc:  # the parser's own limits, as a last line
        raise UserError(
            f"{what_ja}を読み込めません（{exc}）", f"cannot read {what_en}: {exc}"
        ) from None

"""The languages a customer can read the customer-facing texts in (issue 13).

Japanese is authoritative: every record pins the Japanese text and, when the customer
chose another language, that language's text too (desktop.intake).  The other
languages are reference translations of ours, kept beside the Japanese data under the
same ids and versions (``<name>.<code>.json``), with their key terms fixed by
``desktop/data/glossary.json``.

The customer screen offers :data:`CUSTOMER_LANGUAGES` as buttons labelled with
:attr:`Language.native` (each language's own name); the choice goes into the intake
document as ``statement.language`` (desktop.rules), ``ja`` when none is given.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from desktop.catalogue import bundled_translation, overlay_translation
from desktop.domain import StatementLanguage

AUTHORITATIVE = "ja"


@dataclass(frozen=True)
class Language:
    code: str  # BCP 47, as recorded: "ja", "zh-Hans", "pt-BR", …
    native: str  # the button label: 中文（简体）, 한국어, Tiếng Việt, …
    ja: str  # its name in Japanese, for the clerk and the slip: ベトナム語
    en: str  # its name in English: Vietnamese


CUSTOMER_LANGUAGES: tuple[Language, ...] = (
    Language("ja", "日本語", "日本語", "Japanese"),
    Language("en", "English", "英語", "English"),
    Language("zh-Hans", "中文（简体）", "中国語（簡体字）", "Chinese (Simplified)"),
    Language("ko", "한국어", "韓国語", "Korean"),
    Language("vi", "Tiếng Việt", "ベトナム語", "Vietnamese"),
    Language("fil", "Filipino", "フィリピノ語", "Filipino"),
    Language("pt-BR", "Português (Brasil)", "ポルトガル語（ブラジル）", "Portuguese (Brazil)"),
    Language("ne", "नेपाली", "ネパール語", "Nepali"),
    Language("id", "Bahasa Indonesia", "インドネシア語", "Indonesian"),
)
_BY_CODE = {language.code: language for language in CUSTOMER_LANGUAGES}
# The languages whose texts live in translation files (ja and en share the base file).
TRANSLATED = tuple(code for code in _BY_CODE if code not in ("ja", "en"))

assert set(_BY_CODE) == {member.value for member in StatementLanguage}


def language(code: str) -> Language:
    """The language of ``code``; an unknown code is named by itself."""
    return _BY_CODE.get(code) or Language(code, code, code, code)


@dataclass(frozen=True)
class Term:
    """One key term: its Japanese source and, per language, the accepted forms (the
    first is the term itself; the others its inflections, matched as substrings)."""

    ja: str
    forms: dict[str, tuple[str, ...]]


@cache
def glossary() -> tuple[Term, ...]:
    """The key terms (desktop/data/glossary.json): a translated text whose Japanese
    holds a term must use that language's term for it."""
    text = resources.files("desktop").joinpath("data", "glossary.json").read_text("utf-8")
    raw: dict[str, Any] = json.loads(text)
    return tuple(
        Term(ja, {code: tuple(forms) for code, forms in entry["forms"].items()})
        for ja, entry in raw["terms"].items()
    )


@cache
def screen_words(code: str) -> dict[str, str]:
    """The words of the customer screen itself in ``code`` (title, instruction, headings,
    the pad's placeholder and buttons: ``desktop/data/customer_screen.json`` and its
    translations); the statements come from the statement catalogue.

    Raises ``KeyError`` for a language without them.
    """
    raw = json.loads(
        resources.files("desktop").joinpath("data", "customer_screen.json").read_text("utf-8")
    )
    if code not in ("ja", "en"):
        translation = bundled_translation("customer_screen", code)
        if translation is None:
            raise KeyError(code)
        raw = overlay_translation(raw, translation)
    side = "ja" if code == "ja" else "en"
    return {key: text[side] for key, text in raw["words"].items()}

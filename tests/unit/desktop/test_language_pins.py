"""The hashes a record pins for the statement it was signed under, in every language.

Old records (before issue 13: a Japanese or English text, no ``ja_sha256``) keep
reprinting; a record in another language must match both pins.
"""

from __future__ import annotations

import pytest

from desktop.catalogue import statement_catalogue, statement_version
from desktop.errors import UserError
from desktop.slips import _clerk_statement, _signed_statement
from desktop.statements import CLERK_STATEMENT_ID

ID = "customer_revoked"


def _pin(language: str, version: str | None = None) -> dict[str, str]:
    catalogue = statement_version(version) if version else statement_catalogue()
    return {
        "id": ID,
        "version": catalogue.version,
        "language": language,
        "sha256": catalogue.statement(ID, language).sha256,
    }


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_record_from_before_the_languages_still_reprints(language: str) -> None:
    for version in ("2026.11.1", "2026.12.1"):
        text = _signed_statement(_pin(language, version))
        texts = statement_version(version).texts[ID]
        assert (text.ja, text.en, text.lang) == (texts.ja, texts.en, "en")
    old_clerk = {
        "version": "2026.12.1",
        "sha256": statement_catalogue().statement(CLERK_STATEMENT_ID, "ja").sha256,
    }
    assert _clerk_statement(old_clerk, _pin(language)).lang == "en"
    assert _clerk_statement(None, _pin(language, "2026.11.1")).ja


def test_a_translated_record_prints_japanese_and_its_language() -> None:
    pin = {**_pin("vi"), "ja_sha256": statement_catalogue().statement(ID, "ja").sha256}
    text = _signed_statement(pin)
    assert text.lang == "vi"
    assert text.ja == statement_catalogue().statement(ID, "ja").text
    assert text.en == statement_catalogue().statement(ID, "vi").text


def test_a_wrong_japanese_pin_is_refused() -> None:
    pin = {**_pin("ko"), "ja_sha256": "0" * 64}
    with pytest.raises(UserError):
        _signed_statement(pin)


def test_a_wrong_translation_pin_is_refused() -> None:
    pin = {**_pin("ne"), "sha256": statement_catalogue().statement(ID, "ja").sha256}
    with pytest.raises(UserError):
        _signed_statement(pin)


def test_a_wrong_clerk_translation_pin_is_refused() -> None:
    catalogue = statement_catalogue()
    good = {
        "version": catalogue.version,
        "sha256": catalogue.statement(CLERK_STATEMENT_ID, "ja").sha256,
        "language": "id",
        "language_sha256": catalogue.statement(CLERK_STATEMENT_ID, "id").sha256,
    }
    assert _clerk_statement(good, _pin("id")).lang == "id"
    with pytest.raises(UserError):
        _clerk_statement({**good, "language_sha256": "f" * 64}, _pin("id"))


def test_a_language_the_version_never_had_is_refused() -> None:
    # 2026.11.1 shipped in Japanese and English only.
    pin = {**_pin("ja", "2026.11.1"), "language": "vi"}
    with pytest.raises(UserError):
        _signed_statement(pin)

"""The fixed texts of the slips (``desktop/data/slip_texts.json``), chosen by the record.

Every wording that depends on the record is picked here, so that the slip, the
customer screen and the tests agree: the outcome line follows the purpose (a purchase
is 買取いたしました, never お預かり, which only a repair is), the revocation fact follows
the path, the reset reminder follows the phone's OS, and the purpose of use of personal
data follows the purpose (and whether the intake was refused).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from desktop import languages
from desktop.catalogue import Bilingual, bundled_translation, overlay_translation

LEDGER_NOTICE = "ledger"
REPAIR_NOTICE = "repair"
REFUSED_NOTICE = "refused"
DEFAULT_FACT = "default"


def _bilingual(raw: dict[str, str]) -> Bilingual:
    return Bilingual(raw["ja"], raw["en"], raw.get("lang", "en"))


def _table(raw: dict[str, Any]) -> dict[str, Bilingual]:
    return {key: _bilingual(value) for key, value in raw.items()}


@dataclass(frozen=True)
class SlipTexts:
    version: str
    outcomes: dict[str, dict[str, Bilingual]]  # outcome -> purpose -> line
    revocation_facts: dict[str, Bilingual]  # path id (or "default") -> fact
    refusal_headings: dict[str, Bilingual]  # purpose -> 「本日は…できません」
    refusal_reasons: dict[str, Bilingual]
    guidance_notes: tuple[Bilingual, ...]
    reset_reminders: dict[str, Bilingual]  # OS -> reminder
    privacy_notices: dict[str, Bilingual]  # ledger | repair | refused
    os_labels: dict[str, Bilingual]
    statement_languages: dict[str, Bilingual]
    suspended_by_notes: dict[str, Bilingual]
    erased: Bilingual
    # On a slip not in Japanese: the translation is for reference, Japanese prevails;
    # and the label of the hotline's foreign-language number.
    reference_note: Bilingual
    foreign_language_line: Bilingual

    def outcome(self, outcome: str, purpose: str) -> Bilingual:
        """「買取いたしました」, 「本日は…」: what happened to the phone, for this purpose."""
        return self.outcomes[outcome][purpose]

    def revocation_fact(self, path_id: str) -> Bilingual:
        """What the shop confirmed about the certificate on an accepted intake."""
        return self.revocation_facts.get(path_id, self.revocation_facts[DEFAULT_FACT])

    def refusal_heading(self, purpose: str) -> Bilingual:
        return self.refusal_headings[purpose]

    def reset_reminder(self, os: str) -> Bilingual:
        return self.reset_reminders.get(os, self.reset_reminders["other"])

    def privacy_notice(self, purpose: str, *, refused: bool = False) -> Bilingual:
        """The purpose of use (個人情報の利用目的) shown before signing and on the slip."""
        if refused:
            return self.privacy_notices[REFUSED_NOTICE]
        key = REPAIR_NOTICE if purpose == "repair" else LEDGER_NOTICE
        return self.privacy_notices[key]

    def os_label(self, os: str) -> Bilingual:
        return self.os_labels.get(os, Bilingual(os, os))

    def statement_language(self, language: str) -> Bilingual:
        """「日本語」 / "English": the language the statement was shown and signed in."""
        named = languages.language(language)
        return self.statement_languages.get(language, Bilingual(named.ja, named.en))

    def suspended_by(self, who: str) -> Bilingual | None:
        """Who suspended and who revoked, for the hotline path; None if not recorded."""
        return self.suspended_by_notes.get(who)


def parse_slip_texts(raw: dict[str, Any]) -> SlipTexts:
    return SlipTexts(
        version=raw["version"],
        outcomes={outcome: _table(lines) for outcome, lines in raw["outcome"].items()},
        revocation_facts=_table(raw["revocation_fact"]),
        refusal_headings=_table(raw["refusal_heading"]),
        refusal_reasons=_table(raw["refusal_reasons"]),
        guidance_notes=tuple(_bilingual(note) for note in raw["guidance_notes"]),
        reset_reminders=_table(raw["reset_reminder"]),
        privacy_notices=_table(raw["privacy_notice"]),
        os_labels=_table(raw["os"]),
        statement_languages=_table(raw["statement_language"]),
        suspended_by_notes=_table(raw["suspended_by"]),
        erased=_bilingual(raw["erased"]),
        reference_note=_bilingual(raw["reference_note"]),
        foreign_language_line=_bilingual(raw["foreign_language_line"]),
    )


def _raw() -> dict[str, Any]:
    text = resources.files("desktop").joinpath("data", "slip_texts.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def slip_texts() -> SlipTexts:
    return parse_slip_texts(_raw())


@cache
def slip_texts_in(language: str) -> SlipTexts:
    """The texts in Japanese and ``language`` (each ``Bilingual.en`` holding it):
    ``slip_texts_in("vi").privacy_notice("purchase").en`` is the Vietnamese notice.

    ``ja`` and ``en`` give :func:`slip_texts`; a language without a translation file
    raises ``KeyError``.
    """
    if language in ("ja", "en"):
        return slip_texts()
    translation = bundled_translation("slip_texts", language)
    if translation is None:
        raise KeyError(language)
    return parse_slip_texts(overlay_translation(_raw(), translation))

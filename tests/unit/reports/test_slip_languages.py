"""Every language × path × format renders (issue 13), from the sample snapshots that
pick their texts as ``desktop.slips.build_snapshot`` does.

Each PDF reads back (pdftotext) with the Japanese statement or reason and the chosen
language's; every slip not in Japanese names the foreign-language line and says, in
the customer's language, that the Japanese text prevails.
"""

from __future__ import annotations

import subprocess

import pytest

from desktop.languages import CUSTOMER_LANGUAGES
from reports.slip import render_slip
from reports.snapshot import SlipFormat, SlipSnapshot
from tests.support import snapshots
from tests.support.pdfs import squeeze

LANGUAGES = [language.code for language in CUSTOMER_LANGUAGES]
PATHS = {
    "never_used": "android",
    "app_revoked": "android",
    "app_uninstalled": "android",
    "reinstalled_after_reset": "android",
    "hotline_suspended": "iphone",
    "iphone_removed": "iphone",
    "model_changed": "other",
}
REASONS = ("not_done", "performed_by_other", "holder_not_present", "clerk_assisted")


def _text(snapshot: SlipSnapshot, fmt: SlipFormat) -> str:
    pdf = render_slip(snapshot, fmt)
    out = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return squeeze(out)


def _check(code: str, snapshot: SlipSnapshot, fmt: SlipFormat, main_ja: str, main: str) -> str:
    text = _text(snapshot, fmt)
    assert squeeze(main_ja) in text
    if code != "ne":  # Nepali's shaped glyphs do not extract (reports/fonts/README.md)
        assert squeeze(main) in text
    note = snapshot.language_note
    if code == "ja":
        assert note is None
        return text
    assert note is not None
    assert note.number in text
    assert squeeze(note.prevails.ja) in text
    if code != "ne":
        assert squeeze(note.prevails.en) in text
    return text


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("path_id", PATHS)
def test_a_confirmation_in_each_language_and_path(code: str, path_id: str) -> None:
    snapshot = snapshots.confirmation_for(path_id, PATHS[path_id], language=code)
    assert snapshot.statement.lang == ("en" if code in ("ja", "en") else code)
    for fmt in SlipFormat:
        _check(code, snapshot, fmt, snapshot.statement.ja, snapshot.statement.en)


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("reason", REASONS)
def test_a_guidance_slip_in_each_language_and_reason(code: str, reason: str) -> None:
    snapshot = snapshots.guidance_for(reason=reason, language=code)
    first_step = snapshot.path.sections[0].steps[0]
    reason_text = snapshot.refusal_reason
    assert reason_text is not None
    for fmt in SlipFormat:
        text = _check(code, snapshot, fmt, reason_text.ja, reason_text.en)
        if code != "ne":  # the steps in the chosen language
            assert squeeze(first_step.en) in text

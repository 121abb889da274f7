"""Who may resume a half-done intake (desktop.draft_ownership)."""

from __future__ import annotations

import pytest

from desktop.draft_ownership import DraftOwnership


def test_the_owner_resumes_and_another_clerk_is_only_told():
    drafts = DraftOwnership()
    flow = object()
    drafts.keep(flow, "C01")
    assert drafts.is_open()
    assert drafts.resumable_by("C01") is flow
    assert drafts.resumable_by("C02") is None
    assert drafts.held_for_another("C02") == "C01"
    assert drafts.held_for_another("C01") == ""


def test_a_discarded_draft_is_nobody_s():
    drafts = DraftOwnership()
    drafts.keep(object(), "C01")
    drafts.discard()
    assert not drafts.is_open()
    assert drafts.resumable_by("C01") is None
    assert drafts.held_for_another("C02") == ""
    assert drafts.owner == ""


def test_a_draft_always_has_an_owner():
    with pytest.raises(ValueError, match="belongs to a clerk"):
        DraftOwnership().keep(object(), "")

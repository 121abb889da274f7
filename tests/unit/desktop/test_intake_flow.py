"""The intake flow as a state machine, without Qt."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.catalogue import bundled_revocation_catalogue
from desktop.intake_flow import IntakeFlow, Step
from tests.conftest import example_document


def _flow() -> IntakeFlow:
    return IntakeFlow(
        clerk="C01", catalogue=bundled_revocation_catalogue(), today=date(2026, 11, 27)
    )


def _fill(flow: IntakeFlow, doc: dict, through: Step) -> None:
    pages = {
        Step.PURPOSE: ("purpose", "price_yen"),
        Step.SELLER: ("seller",),
        Step.DEVICE: ("device", "suspected_stolen"),
        Step.RESET: ("reset_checks",),
        Step.REVOCATION: ("revocation", "clerk_did_not_assist"),
        Step.CUSTOMER: ("statement", "signature"),
    }
    while flow.step is not Step.REVIEW:
        flow.update({key: doc[key] for key in pages[flow.step] if key in doc})
        result = flow.next()
        assert result.moved, result.problems
        if flow.step is through:
            return


def test_an_accepted_intake_walks_every_step_and_yields_the_draft():
    flow, doc = _flow(), example_document()
    visited = [flow.step]
    while flow.step is not Step.REVIEW:
        _fill(flow, doc, through=Step(list(Step)[list(Step).index(flow.step) + 1]))
        visited.append(flow.step)
    assert visited == list(Step)
    draft = flow.draft()
    assert draft.device.imeis == ("356938035643809",)
    assert flow.position() == (7, 7)


def test_a_step_shows_only_its_own_problems_and_does_not_move():
    flow = _flow()
    flow.update({"purpose": "trade_in", "price_yen": -1})
    result = flow.next()
    assert not result.moved
    assert [p.field for p in result.problems] == ["price_yen"]
    assert flow.step is Step.PURPOSE


def test_the_device_step_refuses_a_bad_imei_with_its_message():
    flow, doc = _flow(), example_document()
    _fill(flow, doc, through=Step.DEVICE)
    device = dict(doc["device"], imei=["35693803564380"])
    flow.update({"device": device})
    result = flow.next()
    assert not result.moved
    assert result.problems[0].field == "device.imei[0]"
    assert "14" in result.problems[0].en


def test_a_staff_performed_revocation_branches_to_refusal_without_signature():
    flow, doc = _flow(), example_document()
    doc["revocation"]["performed_by"] = "staff"
    _fill(flow, doc, through=Step.REVOCATION)
    flow.update({"revocation": doc["revocation"], "clerk_did_not_assist": True})
    assert flow.next().moved
    assert flow.step is Step.REVIEW  # the customer's signature step is skipped
    assert Step.CUSTOMER not in flow.steps()
    decision = flow.decision()
    assert decision is not None
    assert decision.label == "refused:performed_by_other"
    assert flow.draft().signature == ()


def test_back_and_go_to_never_skip_ahead():
    flow, doc = _flow(), example_document()
    _fill(flow, doc, through=Step.RESET)
    flow.back()
    assert flow.step is Step.DEVICE
    flow.go_to(Step.REVIEW)
    assert flow.step is Step.DEVICE
    flow.go_to(Step.PURPOSE)
    assert flow.step is Step.PURPOSE


@pytest.mark.parametrize("missing", ["signature"])
def test_the_customer_step_needs_a_signature(missing):
    flow, doc = _flow(), example_document()
    _fill(flow, doc, through=Step.CUSTOMER)
    flow.update({"statement": {"language": "en"}})
    result = flow.next()
    assert not result.moved
    assert [p.field for p in result.problems] == [missing]

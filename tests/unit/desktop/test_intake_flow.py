"""The intake flow as a state machine, without Qt."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources

import pytest

from desktop.catalogue import bundled_revocation_catalogue, parse_revocation_catalogue
from desktop.domain import maker_of
from desktop.errors import ValidationFailed
from desktop.intake_flow import (
    Confirm,
    Confirmation,
    GuardianRule,
    IntakeFlow,
    LedgerRule,
    Step,
    number_allowed,
    settled_path,
)
from desktop.minors import MinorsPolicy
from desktop.rules import IntakeContext
from desktop.transactions import TransactionSoFar
from tests.conftest import example_document


def _flow() -> IntakeFlow:
    return IntakeFlow(
        clerk="C01", catalogue=bundled_revocation_catalogue(), today=date(2026, 11, 27)
    )


# The document keys each page writes.
PAGES = {
    Step.PURPOSE: ("purpose", "price_yen"),
    Step.SELLER: ("seller", "guardian_consent"),
    Step.DEVICE: ("device", "suspected_stolen"),
    Step.RESET: ("reset_checks",),
    Step.REVOCATION: ("revocation", "clerk_did_not_assist"),
    Step.CUSTOMER: ("statement", "signature"),
}


def _fill(flow: IntakeFlow, doc: dict, through: Step) -> None:
    pages = PAGES
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


# -- the rules the pages display (issue 8): each one here, none in the pages -------------

CATALOGUE = bundled_revocation_catalogue()
GUARDIAN = {"name": "山田 洋子", "relation": "母", "contact": "090-0000-0000", "method": "phone"}


def _at(step: Step, doc: dict | None = None, **context) -> IntakeFlow:
    """A flow over the example document, walked up to ``step``."""
    flow = IntakeFlow(
        clerk="C01", catalogue=CATALOGUE, today=date(2026, 11, 27), context=IntakeContext(**context)
    )
    doc = doc or example_document()
    if step is not Step.PURPOSE:
        _fill(flow, doc, through=step)
    flow.update({key: doc[key] for key in PAGES.get(step, ()) if key in doc})
    return flow


def test_the_ledger_fields_are_judged_on_the_transaction_total():
    flow = _flow()
    assert flow.ledger_rule() is LedgerRule.UNKNOWN
    assert flow.seller_rules().required["seller.address"] is None
    flow.update({"purpose": "purchase", "price_yen": 6000})
    assert flow.ledger_rule() is LedgerRule.EXEMPT
    assert flow.seller_rules().required["seller.address"] is False
    # The second phone of the visit: ¥6,000 + ¥6,000 is one ¥12,000 purchase.
    flow.set_context(
        IntakeContext(transaction_before_yen=6000), TransactionSoFar("S01-20261127-0001", (), 6000)
    )
    assert flow.transaction_total() == 12000
    assert flow.ledger_rule() is LedgerRule.REQUIRED
    rules = flow.seller_rules()
    assert {rules.required[f] for f in ("seller.address", "seller.id_document")} == {True}
    assert rules.required["seller.kana"] is False and rules.required["seller.name"] is True
    flow.update({"purpose": "repair"})
    assert flow.ledger_rule() is LedgerRule.NOT_LEDGER


def test_the_seller_step_asks_for_the_ledger_fields_when_the_total_needs_them():
    doc = example_document()
    doc["purpose"], doc["price_yen"] = "purchase", 6000
    doc["seller"] = {"name": "山田 太郎"}
    flow = _at(Step.SELLER, doc)
    assert flow.next().moved  # alone, ¥6,000 is exempt
    flow = _at(Step.SELLER, doc, transaction_before_yen=6000)
    result = flow.next()
    assert not result.moved
    assert "seller.address" in {p.field for p in result.problems}


def _minor(doc: dict, born: str = "2010-05-05") -> dict:
    doc["seller"]["birth_date"] = born
    return doc


def test_a_minor_needs_the_guardian_section_and_is_held_until_it_is_filled():
    flow = _at(Step.SELLER, _minor(example_document()))
    rules = flow.seller_rules()
    assert (rules.guardian, rules.age) == (GuardianRule.CONSENT, 16)
    assert rules.required["guardian_consent"] is True
    result = flow.next()
    assert not result.moved
    problem = next(p for p in result.problems if p.field == "guardian_consent")
    assert "青少年保護育成条例" in problem.ja
    flow.update({"guardian_consent": GUARDIAN})
    assert flow.next().moved
    assert flow.step is Step.DEVICE


def test_an_adult_or_a_repair_has_no_guardian_section_and_a_stale_one_is_not_kept():
    flow = _at(Step.SELLER, _minor(example_document()))
    flow.update({"guardian_consent": GUARDIAN})
    flow.update({"seller": flow.section("seller") | {"birth_date": "1985-04-01"}})
    assert flow.guardian_rule() is GuardianRule.NONE
    assert "guardian_consent" not in flow.effective()
    assert flow.next().moved  # the consent typed for a "minor" is not recorded for an adult
    flow = _at(Step.SELLER, _minor(example_document()) | {"purpose": "repair"})
    assert flow.guardian_rule() is GuardianRule.NONE
    assert flow.next().moved


def test_a_shop_that_refuses_minors_blocks_the_seller_step_naming_the_rule():
    flow = _at(Step.SELLER, _minor(example_document()), minors=MinorsPolicy(consent_accepted=False))
    assert flow.guardian_rule() is GuardianRule.REFUSED
    flow.update({"guardian_consent": GUARDIAN})
    result = flow.next()
    assert not result.moved
    assert any("青少年保護育成条例" in p.ja for p in result.problems)
    assert flow.seller_rules().required["guardian_consent"] is False


def test_the_age_limit_is_the_shops():
    flow = _at(Step.SELLER, _minor(example_document(), "2007-01-01"))  # 19
    assert flow.guardian_rule() is GuardianRule.NONE
    flow.set_context(IntakeContext(minors=MinorsPolicy(age_limit=20)))
    assert flow.guardian_rule() is GuardianRule.CONSENT


@pytest.mark.parametrize(
    "doc_type", ["my_number_card", "health_insurance", "qualification_certificate"]
)
def test_documents_whose_number_is_forbidden_refuse_a_typed_number(doc_type):
    assert not number_allowed(doc_type)
    doc = example_document()
    doc["seller"]["id_document"] = {"type": doc_type, "number": "12345678"}
    flow = _at(Step.SELLER, doc)
    result = flow.next()
    assert not result.moved
    assert [p.field for p in result.problems] == ["seller.id_document.number"]
    assert "記録できません" in result.problems[0].ja
    assert number_allowed("passport") and number_allowed("driving_history")


def test_other_names_its_document_and_the_name_is_dropped_for_any_other_type():
    doc = example_document()
    doc["seller"]["id_document"] = {"type": "other", "number": "S-1"}
    flow = _at(Step.SELLER, doc)
    assert flow.seller_rules().required["seller.id_document.name"] is True
    result = flow.next()
    assert [p.field for p in result.problems] == ["seller.id_document.name"]
    flow.update({"seller": doc["seller"] | {"id_document": {"type": "passport", "name": "学生証"}}})
    assert flow.seller_rules().required["seller.id_document.name"] is False
    assert "name" not in flow.effective()["seller"]["id_document"]
    assert flow.next().moved


def test_a_licence_number_that_reads_as_a_my_number_asks_the_clerk_first():
    doc = example_document()
    doc["seller"]["id_document"] = {"type": "drivers_license", "number": "1234 5678 9018"}
    flow = _at(Step.SELLER, doc)
    assert flow.licence_may_be_my_number()
    result = flow.next()
    assert (result.moved, result.problems) == (False, ())
    assert result.confirm == Confirmation(
        Confirm.LICENCE_MY_NUMBER, "seller.id_document.number", "123456789018"
    )
    assert flow.step is Step.SELLER
    flow.confirm(result.confirm)
    assert flow.next().moved
    _fill(flow, doc, through=Step.REVIEW)
    assert flow.draft().seller.id_document.number == "123456789018"  # accepted as typed


def test_a_confirmed_licence_number_asks_again_once_it_changes():
    doc = example_document()
    doc["seller"]["id_document"] = {"type": "drivers_license", "number": "123456789018"}
    flow = _at(Step.SELLER, doc)
    flow.confirm(flow.next().confirm)
    flow.update(
        {
            "seller": doc["seller"]
            | {"id_document": {"type": "drivers_license", "number": "987654321018"}}
        }
    )
    assert flow.next().confirm is not None
    flow.update(
        {
            "seller": doc["seller"]
            | {"id_document": {"type": "drivers_license", "number": "123456789012"}}
        }
    )
    assert flow.next().moved  # fails the check digit: an ordinary licence number


@pytest.mark.parametrize(
    ("purpose", "asked"), [("purchase", True), ("trade_in", True), ("repair", False)]
)
def test_a_zero_price_purchase_or_trade_in_asks_first(purpose, asked):
    flow = _flow()
    flow.update({"purpose": purpose, "price_yen": 0})
    result = flow.next()
    assert result.moved is not asked
    if asked:
        assert result.confirm is not None and result.confirm.kind is Confirm.ZERO_PRICE
        assert result.confirm.field == "price_yen"
        flow.confirm(result.confirm)
        assert flow.next().moved
    assert flow.step is Step.SELLER


def test_the_paths_offered_follow_the_phones_os_from_the_catalogue():
    flow = _at(Step.REVOCATION)
    android = {path.id for path in flow.path_choices()}
    assert "app_revoked" in android and "iphone_removed" not in android
    assert not android & {"never_used", "check_first"}  # settled by the first answer
    flow.update({"device": flow.section("device") | {"os": "iphone"}})
    iphone = {path.id for path in flow.path_choices()}
    assert "iphone_removed" in iphone and "app_revoked" not in iphone


def test_the_os_s_own_way_is_answer_1_on_android_and_on_iphone():
    """The same key for the usual answer: the app on Android, Wallet's removal on iPhone
    (the hotline, which every OS shares, was 1 on iPhone)."""
    flow = _at(Step.REVOCATION)
    assert flow.path_choices()[0].id == "app_revoked"
    flow.update({"device": flow.section("device") | {"os": "iphone"}})
    choices = [path.id for path in flow.path_choices()]
    assert choices[0] == "iphone_removed"
    assert choices.index("hotline_suspended") > 0


def test_iphone_settles_the_maker():
    assert maker_of("iphone") == "Apple"
    assert maker_of("android") == maker_of("other") == maker_of(None) == maker_of("nokia") == ""


def test_a_path_added_to_the_catalogue_is_offered_by_itself():
    raw = json.loads(
        resources.files("desktop").joinpath("data", "revocation_paths.json").read_text("utf-8")
    )
    hotline = next(p for p in raw["paths"] if p["id"] == "hotline_suspended")
    raw["paths"].append(
        hotline
        | {
            "id": "a_new_way",
            "os": ["android", "iphone", "other"],
            "title": {"ja": "新しい方法で失効した", "en": "Revoked a new way"},
        }
    )
    flow = IntakeFlow(
        clerk="C01", catalogue=parse_revocation_catalogue(raw), today=date(2026, 11, 27)
    )
    assert "a_new_way" in {path.id for path in flow.path_choices()}
    flow.update({"device": {"os": "iphone"}})
    assert "a_new_way" in {path.id for path in flow.path_choices()}


@pytest.mark.parametrize(
    ("used", "settled", "outcome"),
    [("no", "never_used", "accepted"), ("unknown", "check_first", "refused")],
)
def test_the_first_answer_settles_the_path_whatever_was_picked_before(used, settled, outcome):
    doc = example_document()
    doc["revocation"] |= {"certificate_used": used, "path": "app_revoked"}
    flow = _at(Step.REVOCATION, doc)
    flow.update({"revocation": doc["revocation"], "clerk_did_not_assist": True})
    assert flow.settled_path() == settled == flow.shown_path()
    assert flow.effective()["revocation"]["path"] == settled
    decision = flow.decision()
    assert decision is not None and decision.outcome.value == outcome
    assert flow.section("revocation")["path"] == "app_revoked"  # the page's pick is kept


def _hotline(**answers) -> IntakeFlow:
    doc = example_document()
    doc["revocation"] |= {"path": "hotline_suspended"} | answers
    flow = _at(Step.REVOCATION, doc)
    flow.update({"revocation": doc["revocation"], "clerk_did_not_assist": True})
    return flow


def test_the_hotline_path_asks_who_suspended_and_family_suspending_is_accepted():
    flow = _hotline()
    assert flow.asks_suspended_by()
    result = flow.next()
    assert [p.field for p in result.problems] == ["revocation.suspended_by"]
    flow = _hotline(suspended_by="other")
    assert flow.next().moved
    assert flow.step is Step.CUSTOMER
    draft_decision = flow.decision()
    assert draft_decision is not None and draft_decision.outcome.value == "accepted"
    assert flow.effective()["revocation"]["suspended_by"] == "other"


def test_only_who_revoked_decides_a_refusal_on_the_hotline_path():
    flow = _hotline(suspended_by="self", performed_by="other")
    decision = flow.decision()
    assert decision is not None and decision.label == "refused:performed_by_other"


def test_who_suspended_is_not_kept_off_the_hotline_path():
    doc = example_document()
    doc["revocation"]["suspended_by"] = "other"  # answered, then the clerk picked another path
    flow = _at(Step.REVOCATION, doc)
    flow.update({"revocation": doc["revocation"], "clerk_did_not_assist": True})
    assert not flow.asks_suspended_by()
    assert "suspended_by" not in flow.effective()["revocation"]
    assert flow.next().moved


def test_a_change_after_signing_takes_the_signature_off():
    flow, doc = _flow(), example_document()
    _fill(flow, doc, through=Step.REVIEW)
    assert flow.draft().signature
    flow.update({"revocation": flow.section("revocation")})  # the same answers again
    assert flow.document["signature"] and not flow.signature_dropped()
    flow.update({"device": flow.section("device") | {"color": "白"}})
    assert flow.document["signature"] is None
    assert flow.signature_dropped()
    with pytest.raises(ValidationFailed):
        flow.draft()
    flow.update({"signature": doc["signature"]})
    assert not flow.signature_dropped()
    assert flow.draft().signature


def test_another_phone_of_the_same_customer_joins_the_first_receipt():
    flow, doc = _flow(), example_document()
    _fill(flow, doc, through=Step.REVIEW)
    second = flow.another_device("S01-20261127-0001")
    assert second.step is Step.PURPOSE
    assert second.transaction_with() == "S01-20261127-0001"
    assert second.section("seller") == doc["seller"]
    assert second.document["purpose"] == doc["purpose"]
    assert "price_yen" not in second.document and "device" not in second.document
    assert second.document.get("signature") is None
    # The third phone still names the first receipt, not the second.
    second.set_context(
        IntakeContext(transaction_before_yen=12000),
        TransactionSoFar("S01-20261127-0001", ("S01-20261127-0001",), 12000),
    )
    third = second.another_device("S01-20261127-0002")
    assert third.transaction_with() == "S01-20261127-0001"
    second.update({"price_yen": 3000})
    assert second.transaction_total() == 15000
    assert second.effective()["transaction_with"] == "S01-20261127-0001"


def test_settled_path_reads_the_answer():
    assert settled_path("no") == "never_used"
    assert settled_path("unknown") == "check_first"
    assert settled_path("yes") is None and settled_path(None) is None


def test_a_suspended_phone_at_the_counter_prompts_the_stolen_question():
    """Lost or stolen, then suspended: the clerk is asked to consider the 不正品 flag."""
    flow = _hotline(suspended_by="self")
    assert flow.suggests_stolen_flag()
    flow.update({"suspected_stolen": True})
    assert not flow.suggests_stolen_flag()  # already flagged: nothing more to ask
    assert not _at(Step.REVOCATION, example_document()).suggests_stolen_flag()


@pytest.mark.parametrize(("chosen", "carried"), [("vi", "vi"), ("ne", "ne"), ("ja", "ja")])
def test_another_phone_keeps_the_customers_language(chosen, carried):
    # Issue 13: the next phone's statement is shown in the language the customer chose.
    flow, doc = _flow(), example_document()
    doc["statement"] = {"language": chosen}
    _fill(flow, doc, through=Step.REVIEW)
    second = flow.another_device("S01-20261127-0001")
    assert second.document["statement"] == {"language": carried}

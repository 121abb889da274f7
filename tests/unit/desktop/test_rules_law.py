"""The validator's rules from the law (issue 8): identity documents, minors, suspension."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from desktop.catalogue import bundled_revocation_catalogue
from desktop.domain import ConsentMethod, GuardianConsent, IdDocumentType, PerformedBy, age_on
from desktop.errors import Problem, ValidationFailed
from desktop.minors import MinorsPolicy
from desktop.rules import IntakeContext, validate_intake

TODAY = date(2026, 11, 27)
CATALOGUE = bundled_revocation_catalogue()
GUARDIAN = {"name": "田中 洋子", "relation": "母", "contact": "090-0000-0000", "method": "phone"}


def validate(doc: dict[str, Any], **context: Any) -> Any:
    return validate_intake(doc, today=TODAY, catalogue=CATALOGUE, context=IntakeContext(**context))


def fields(doc: dict[str, Any], **context: Any) -> dict[str, Problem]:
    with pytest.raises(ValidationFailed) as info:
        validate(doc, **context)
    return {p.field: p for p in info.value.problems}


# --- identity documents -------------------------------------------------------------


@pytest.mark.parametrize("doc_type", ["health_insurance", "qualification_certificate"])
def test_a_health_insurance_number_is_never_stored(doc: dict[str, Any], doc_type: str) -> None:
    doc["seller"]["id_document"] = {"type": doc_type, "number": "12345678"}
    problem = fields(doc)["seller.id_document.number"]
    assert "健康保険の書類の番号は記録できません" in problem.ja
    doc["seller"]["id_document"] = {"type": doc_type}
    kept = validate(doc).seller.id_document
    assert (kept.type, kept.number) == (IdDocumentType(doc_type), "")


@pytest.mark.parametrize("doc_type", ["special_permanent_resident", "driving_history"])
def test_the_documents_of_2026_keep_their_number(doc: dict[str, Any], doc_type: str) -> None:
    doc["seller"]["id_document"] = {"type": doc_type, "number": "AB1234567"}
    assert validate(doc).seller.id_document.number == "AB1234567"


def test_other_needs_the_documents_name(doc: dict[str, Any]) -> None:
    doc["seller"]["id_document"] = {"type": "other", "number": "S-001"}
    assert "seller.id_document.name" in fields(doc)
    doc["seller"]["id_document"]["name"] = "学生証"
    assert validate(doc).seller.id_document.name == "学生証"


def test_a_name_is_only_for_other(doc: dict[str, Any]) -> None:
    doc["seller"]["id_document"]["name"] = "免許"
    assert fields(doc)["seller.id_document.name"].en == "a document name is given only for 'other'"


# --- minors (青少年保護育成条例) ----------------------------------------------------


def minor(doc: dict[str, Any], born: str = "2010-05-05") -> dict[str, Any]:
    doc["seller"]["birth_date"] = born
    return doc


def test_an_under_18_sale_without_consent_names_the_rule(doc: dict[str, Any]) -> None:
    problem = fields(minor(doc))["guardian_consent"]
    assert "青少年保護育成条例" in problem.ja
    assert "under 18" in problem.en


def test_with_a_guardians_consent_the_sale_is_accepted(doc: dict[str, Any]) -> None:
    minor(doc)["guardian_consent"] = GUARDIAN
    assert validate(doc).guardian_consent == GuardianConsent(
        "田中 洋子", "母", "090-0000-0000", ConsentMethod.PHONE
    )


@pytest.mark.parametrize("missing", ["name", "relation", "contact", "method"])
def test_each_part_of_the_consent_is_required(doc: dict[str, Any], missing: str) -> None:
    consent = dict(GUARDIAN)
    del consent[missing]
    minor(doc)["guardian_consent"] = consent
    assert f"guardian_consent.{missing}" in fields(doc)


def test_a_shop_that_refuses_minors_refuses_even_with_consent(doc: dict[str, Any]) -> None:
    minor(doc)["guardian_consent"] = GUARDIAN
    problem = fields(doc, minors=MinorsPolicy(consent_accepted=False))["seller.birth_date"]
    assert "お受けできません" in problem.ja


def test_the_age_is_judged_on_the_transaction_day(doc: dict[str, Any]) -> None:
    # 18 today (born 2008-11-27): no guardian; one day short (2008-11-28): a minor.
    assert validate(minor(doc, "2008-11-27")).guardian_consent is None
    assert "guardian_consent" in fields(minor(doc, "2008-11-28"))
    assert age_on(date(2008, 11, 28), TODAY) == 17


def test_a_repair_is_not_a_purchase(doc: dict[str, Any]) -> None:
    doc["purpose"] = "repair"
    assert validate(minor(doc)).guardian_consent is None


def test_the_age_limit_is_the_shops(doc: dict[str, Any]) -> None:
    assert "guardian_consent" in fields(minor(doc, "2007-01-01"), minors=MinorsPolicy(age_limit=20))


def test_a_guardian_for_an_adult_is_not_kept(doc: dict[str, Any]) -> None:
    doc["guardian_consent"] = GUARDIAN
    assert "guardian_consent" in fields(doc)


# --- several phones, one transaction ---------------------------------------------------


def test_the_exemption_is_judged_on_the_transaction_total(doc: dict[str, Any]) -> None:
    doc["price_yen"] = 6000
    for key in ("address", "occupation", "birth_date", "id_document"):
        del doc["seller"][key]
    assert validate(doc).price_yen == 6000  # alone: exempt
    missing = fields(doc, transaction_before_yen=6000)
    assert {"seller.address", "seller.occupation", "seller.birth_date", "seller.id_document"} <= (
        missing.keys()
    )


def test_transaction_with_is_a_receipt_number(doc: dict[str, Any]) -> None:
    doc["transaction_with"] = "yesterday's"
    assert "transaction_with" in fields(doc)
    doc["transaction_with"] = "S01-20261127-0001"
    assert validate(doc).transaction_with == "S01-20261127-0001"


# --- suspension is not revocation ---------------------------------------------------


def test_family_may_suspend_but_the_holder_revokes(doc: dict[str, Any]) -> None:
    doc["revocation"].update(path="hotline_suspended", suspended_by="other")
    assert validate(doc).revocation.suspended_by is PerformedBy.OTHER


def test_who_suspended_belongs_to_the_hotline_path(doc: dict[str, Any]) -> None:
    doc["revocation"]["suspended_by"] = "other"
    assert "revocation.suspended_by" in fields(doc)

"""desktop.attestation.decide over the real catalogue, directly and through the validator."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest

from desktop.attestation import CHECK_FIRST_PATH, NEVER_USED_PATH, Decision, decide
from desktop.catalogue import bundled_revocation_catalogue
from desktop.domain import (
    CertificateUsed,
    Outcome,
    PerformedBy,
    RefusalReason,
    Revocation,
)
from desktop.errors import Problem, ValidationFailed
from desktop.rules import validate_intake
from desktop.statements import statement_id_for
from tests.conftest import example_document

TODAY = date(2026, 11, 27)
CATALOGUE = bundled_revocation_catalogue()
# DOMAIN.md §2: the shop can take the attestation on every path but these.
NOT_ATTESTABLE = frozenset({"not_done", CHECK_FIRST_PATH})


def certificate_used_for(path: str) -> str:
    """The certificate_used answer that goes with a path without contradicting it."""
    if path == NEVER_USED_PATH:
        return "no"
    if path == CHECK_FIRST_PATH:
        return "unknown"
    return "yes"


def os_for(path: str) -> str:
    entry = CATALOGUE.paths[path]
    return "android" if "android" in entry.os else "iphone"


def expected(
    path: str, performed_by: str, holder_is_seller: bool, clerk_did_not_assist: bool
) -> tuple[str, str]:
    """The documented precedence, written out independently: (label, guidance path).

    performed_by_other > holder_not_present > clerk_assisted > certificate_unknown > not_done
    """
    if performed_by != "self":
        return "refused:performed_by_other", path
    if not holder_is_seller:
        return "refused:holder_not_present", path
    if not clerk_did_not_assist:
        return "refused:clerk_assisted", path
    if certificate_used_for(path) == "unknown":
        return "refused:certificate_unknown", CHECK_FIRST_PATH
    if path in NOT_ATTESTABLE:
        return "refused:not_done", path
    return "accepted", path


MATRIX = list(
    itertools.product(
        sorted(CATALOGUE.paths), ["self", "staff", "other"], [True, False], [True, False]
    )
)


def test_the_matrix_covers_the_whole_catalogue() -> None:
    assert {row[0] for row in MATRIX} == set(CATALOGUE.paths)
    assert len(MATRIX) == len(CATALOGUE.paths) * 12
    assert {p for p, entry in CATALOGUE.paths.items() if not entry.attestable} == NOT_ATTESTABLE


@pytest.mark.parametrize(("path", "performed_by", "holder", "no_assist"), MATRIX)
def test_decide_over_the_whole_catalogue(
    path: str, performed_by: str, holder: bool, no_assist: bool
) -> None:
    revocation = Revocation(
        CertificateUsed(certificate_used_for(path)), path, PerformedBy(performed_by), holder
    )
    decision = decide(revocation, clerk_did_not_assist=no_assist, catalogue=CATALOGUE)
    label, guidance = expected(path, performed_by, holder, no_assist)
    assert decision.label == label
    assert decision.guidance_path == guidance
    assert (decision.outcome is Outcome.ACCEPTED) == (label == "accepted")
    assert (decision.reason is None) == (label == "accepted")


def document(path: str, performed_by: str, holder: bool, no_assist: bool) -> dict[str, Any]:
    doc = example_document()
    doc["device"]["os"] = os_for(path)
    doc["revocation"] = {
        "certificate_used": certificate_used_for(path),
        "path": path,
        "performed_by": performed_by,
        "holder_is_seller": holder,
    }
    doc["clerk_did_not_assist"] = no_assist
    return doc


@pytest.mark.parametrize(("path", "performed_by", "holder", "no_assist"), MATRIX)
def test_validated_documents_over_the_whole_catalogue(
    path: str, performed_by: str, holder: bool, no_assist: bool
) -> None:
    doc = document(path, performed_by, holder, no_assist)
    draft = validate_intake(doc, today=TODAY, catalogue=CATALOGUE)
    assert draft.revocation.path == path
    decision = decide(draft.revocation, clerk_did_not_assist=no_assist, catalogue=CATALOGUE)
    assert (decision.label, decision.guidance_path) == expected(
        path, performed_by, holder, no_assist
    )

    # Without a signature: only an intake that would be accepted is incomplete.
    del doc["signature"]
    if decision.outcome is Outcome.ACCEPTED:
        with pytest.raises(ValidationFailed) as info:
            validate_intake(doc, today=TODAY, catalogue=CATALOGUE)
        assert [p.field for p in info.value.problems] == ["signature"]
    else:
        unsigned = validate_intake(doc, today=TODAY, catalogue=CATALOGUE)
        assert unsigned.signature == ()


# --- certificate_used and the path ----------------------------------------------------


def validate(doc: dict[str, Any]) -> Decision:
    draft = validate_intake(doc, today=TODAY, catalogue=CATALOGUE)
    return decide(
        draft.revocation, clerk_did_not_assist=draft.clerk_did_not_assist, catalogue=CATALOGUE
    )


def only_problem(doc: dict[str, Any], field: str) -> Problem:
    with pytest.raises(ValidationFailed) as info:
        validate_intake(doc, today=TODAY, catalogue=CATALOGUE)
    found = info.value.problems
    assert [p.field for p in found] == [field], [p.line() for p in found]
    return found[0]


@pytest.mark.parametrize("path", [None, "", CHECK_FIRST_PATH, "app_revoked", "not_done"])
def test_unknown_certificate_refuses_with_check_first_guidance(path: str | None) -> None:
    doc = example_document()
    doc["revocation"]["certificate_used"] = "unknown"
    doc["revocation"]["path"] = path
    decision = validate(doc)
    assert decision.label == "refused:certificate_unknown"
    assert decision.reason is RefusalReason.CERTIFICATE_UNKNOWN
    assert decision.guidance_path == CHECK_FIRST_PATH
    assert CATALOGUE.get(decision.guidance_path) is not None  # the slip can print its steps


def test_unknown_certificate_with_path_left_out_is_recorded_as_check_first() -> None:
    doc = example_document()
    doc["revocation"] = {
        "certificate_used": "unknown",
        "performed_by": "self",
        "holder_is_seller": True,
    }
    draft = validate_intake(doc, today=TODAY, catalogue=CATALOGUE)
    assert draft.revocation.path == CHECK_FIRST_PATH


@pytest.mark.parametrize("path", [None, "", NEVER_USED_PATH])
def test_no_certificate_means_never_used_and_is_accepted(path: str | None) -> None:
    doc = example_document()
    doc["revocation"]["certificate_used"] = "no"
    if path is None:
        del doc["revocation"]["path"]
    else:
        doc["revocation"]["path"] = path
    draft = validate_intake(doc, today=TODAY, catalogue=CATALOGUE)
    assert draft.revocation.path == NEVER_USED_PATH
    decision = decide(draft.revocation, clerk_did_not_assist=True, catalogue=CATALOGUE)
    assert decision.label == "accepted"
    assert decision.guidance_path == NEVER_USED_PATH
    assert statement_id_for(decision.guidance_path, draft.purpose) == "customer_never_used"


def test_yes_without_a_path_asks_for_one() -> None:
    doc = example_document()
    del doc["revocation"]["path"]
    problem = only_problem(doc, "revocation.path")
    assert problem.en == "choose how the certificate was dealt with"


@pytest.mark.parametrize("path", [NEVER_USED_PATH, CHECK_FIRST_PATH])
def test_yes_contradicts_never_used_and_check_first(path: str) -> None:
    doc = example_document()
    doc["revocation"]["path"] = path
    problem = only_problem(doc, "revocation.path")
    assert problem.en == "this path contradicts certificate_used 'yes'"


@pytest.mark.parametrize("path", sorted(set(CATALOGUE.paths) - {NEVER_USED_PATH}))
def test_no_contradicts_every_other_path(path: str) -> None:
    doc = example_document()
    doc["revocation"]["certificate_used"] = "no"
    doc["revocation"]["path"] = path
    problem = only_problem(doc, "revocation.path")
    assert problem.en == "with certificate_used 'no' the path is never_used"
    assert "never_used" in problem.ja


@pytest.mark.parametrize(
    ("os", "path"),
    [
        ("android", "iphone_removed"),
        ("iphone", "app_revoked"),
        ("iphone", "app_uninstalled"),
        ("iphone", "reinstalled_after_reset"),
    ],
)
def test_a_path_for_the_other_kind_of_phone_is_refused(os: str, path: str) -> None:
    doc = example_document()
    doc["device"]["os"] = os
    doc["revocation"]["path"] = path
    problem = only_problem(doc, "revocation.path")
    assert problem.en == f"path {path} does not apply to a {os} device"
    assert CATALOGUE.paths[path].title.ja in problem.ja


@pytest.mark.parametrize(
    ("os", "path"),
    [
        ("iphone", "iphone_removed"),
        ("iphone", "hotline_suspended"),
        ("android", "hotline_suspended"),
        ("other", "iphone_removed"),
        ("other", "app_revoked"),
    ],
)
def test_a_path_for_the_right_kind_of_phone_is_accepted(os: str, path: str) -> None:
    doc = example_document()
    doc["device"]["os"] = os
    doc["revocation"]["path"] = path
    assert validate(doc).label == "accepted"


@pytest.mark.parametrize("path", ["revoked", "APP_REVOKED", 3, ["app_revoked"]])
def test_an_unknown_path_lists_the_catalogue(path: object) -> None:
    doc = example_document()
    doc["revocation"]["path"] = path
    problem = only_problem(doc, "revocation.path")
    assert problem.en == "must be one of: " + " | ".join(CATALOGUE.paths)
    for path_id in CATALOGUE.paths:
        assert path_id in problem.en


# --- precedence, spelled out -------------------------------------------------------------


def test_everything_wrong_at_once_is_refused_as_performed_by_other() -> None:
    revocation = Revocation(CertificateUsed.UNKNOWN, "not_done", PerformedBy.STAFF, False)
    decision = decide(revocation, clerk_did_not_assist=False, catalogue=CATALOGUE)
    assert decision == Decision(Outcome.REFUSED, RefusalReason.PERFORMED_BY_OTHER, "not_done")


def test_holder_absent_outranks_clerk_help_and_unknown() -> None:
    revocation = Revocation(CertificateUsed.UNKNOWN, CHECK_FIRST_PATH, PerformedBy.SELF, False)
    decision = decide(revocation, clerk_did_not_assist=False, catalogue=CATALOGUE)
    assert decision.reason is RefusalReason.HOLDER_NOT_PRESENT


def test_clerk_help_outranks_unknown() -> None:
    revocation = Revocation(CertificateUsed.UNKNOWN, CHECK_FIRST_PATH, PerformedBy.SELF, True)
    decision = decide(revocation, clerk_did_not_assist=False, catalogue=CATALOGUE)
    assert decision.reason is RefusalReason.CLERK_ASSISTED


def test_a_path_missing_from_the_catalogue_is_never_accepted() -> None:
    revocation = Revocation(CertificateUsed.YES, "withdrawn_path", PerformedBy.SELF, True)
    decision = decide(revocation, clerk_did_not_assist=True, catalogue=CATALOGUE)
    assert decision.label == "refused:not_done"


# --- the decision's label and statement -------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "label"),
    [
        (Decision(Outcome.ACCEPTED, None, "app_revoked"), "accepted"),
        (
            Decision(Outcome.REFUSED, RefusalReason.PERFORMED_BY_OTHER, "app_revoked"),
            "refused:performed_by_other",
        ),
        (
            Decision(Outcome.REFUSED, RefusalReason.HOLDER_NOT_PRESENT, "app_revoked"),
            "refused:holder_not_present",
        ),
        (
            Decision(Outcome.REFUSED, RefusalReason.CLERK_ASSISTED, "app_revoked"),
            "refused:clerk_assisted",
        ),
        (
            Decision(Outcome.REFUSED, RefusalReason.CERTIFICATE_UNKNOWN, CHECK_FIRST_PATH),
            "refused:certificate_unknown",
        ),
        (Decision(Outcome.REFUSED, RefusalReason.NOT_DONE, "not_done"), "refused:not_done"),
    ],
)
def test_decision_label(decision: Decision, label: str) -> None:
    assert decision.label == label


def test_statement_id_follows_the_path_and_the_purpose() -> None:
    assert statement_id_for(NEVER_USED_PATH, "purchase") == "customer_never_used"
    assert statement_id_for("model_changed", "trade_in") == "customer_model_changed"
    assert statement_id_for("hotline_suspended", "purchase") == "customer_suspended"
    assert statement_id_for("app_uninstalled", "purchase") == "customer_revoked_online"
    assert statement_id_for("app_revoked", "repair") == "customer_revoked_repair"

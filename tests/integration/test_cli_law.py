"""The law's rules through the command-line contract (issue 8): exit 2 naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from desktop.cli import EXIT_OK, EXIT_USAGE
from tests.conftest import MANAGER_PIN, example_document
from tests.support.cli_shop import CliShop

GUARDIAN = {
    "name": "田中 洋子",
    "relation": "母",
    "contact": "090-0000-0000",
    "method": "accompanied",
}
SECOND_IMEI = "353918104432311"  # another valid IMEI for the second phone of a visit


@pytest.fixture
def shop(tmp_path) -> CliShop:
    return CliShop(tmp_path / "shop")


def test_a_health_insurance_number_exits_2_naming_the_field(shop: CliShop) -> None:
    doc = example_document()
    doc["seller"]["id_document"] = {"type": "health_insurance", "number": "12345678"}
    code, out, err = shop.submit(doc)
    assert (code, out) == (EXIT_USAGE, "")
    assert "seller.id_document.number" in err
    assert shop.query("SELECT count(*) FROM intake") == [(0,)]


def test_an_under_18_purchase_without_consent_is_rejected_naming_the_rule(shop: CliShop) -> None:
    doc = example_document()
    doc["purpose"] = "purchase"
    doc["seller"]["birth_date"] = "2010-05-05"
    code, _, err = shop.submit(doc)
    assert code == EXIT_USAGE
    assert "guardian_consent" in err and "青少年保護育成条例" in err
    assert shop.query("SELECT count(*) FROM intake") == [(0,)]


def test_a_minors_sale_with_consent_keeps_the_consent_as_personal_data(shop: CliShop) -> None:
    doc = example_document()
    doc["seller"]["birth_date"] = "2010-05-05"
    doc["guardian_consent"] = GUARDIAN
    receipt = shop.intake(doc)
    assert shop.body(receipt)["minor"] is True
    assert "田中" not in str(shop.body(receipt))  # the chain holds a digest, not the guardian
    assert shop.person(receipt)["guardian"] == GUARDIAN


def test_the_minors_policy_is_a_managers_signed_setting(shop: CliShop) -> None:
    assert shop("minors-policy")[1] == "age_limit=18 consent=accept prefecture=-\n"
    code, _, err = shop("minors-policy", "--consent", "refuse", "--prefecture", "福岡県")
    assert code == EXIT_USAGE and "--manager" in err
    code, out, err = shop(
        "minors-policy",
        "--consent",
        "refuse",
        "--prefecture",
        "福岡県",
        "--manager",
        "M01",
        stdin=f"{MANAGER_PIN}\n",
    )
    assert (code, out) == (EXIT_OK, "age_limit=18 consent=refuse prefecture=福岡県\n"), err
    doc = example_document()
    doc["seller"]["birth_date"] = "2010-05-05"
    doc["guardian_consent"] = GUARDIAN
    code, _, err = shop.submit(doc)
    assert code == EXIT_USAGE and "seller.birth_date" in err
    assert shop("verify")[0] == EXIT_OK


def test_a_repair_never_needs_a_guardian(shop: CliShop) -> None:
    doc = example_document()
    doc["purpose"] = "repair"
    doc["seller"]["birth_date"] = "2012-01-01"
    assert shop.submit(doc)[0] == EXIT_OK


def test_family_suspended_and_the_holder_revoked_is_accepted(shop: CliShop) -> None:
    doc = example_document()
    doc["revocation"].update(path="hotline_suspended", suspended_by="other")
    code, out, err = shop.submit(doc)
    assert code == EXIT_OK, err
    assert out.split()[1] == "accepted"
    assert shop.body(out.split()[0])["revocation"]["suspended_by"] == "other"


def test_revoked_by_family_is_still_refused(shop: CliShop) -> None:
    doc = example_document()
    doc["revocation"].update(path="hotline_suspended", suspended_by="self", performed_by="other")
    assert shop.submit(doc)[1].split()[1] == "refused:performed_by_other"


def test_a_refusal_keeps_only_what_proves_the_guidance(shop: CliShop) -> None:
    doc = example_document()
    doc["revocation"]["performed_by"] = "staff"
    receipt = shop.intake(doc)
    person = shop.person(receipt)
    assert (person["name"], person["address"], person["occupation"]) == ("山田 太郎", "", "")
    assert (person["birth_date"], person["age"], person["id_document"]) == ("", None, None)
    assert shop.body(receipt)["id_document_type"] == ""
    assert shop("verify")[0] == EXIT_OK


def exempt_phone(imei: str) -> dict[str, Any]:
    doc = example_document()
    doc["purpose"] = "purchase"
    doc["price_yen"] = 6000
    doc["device"]["imei"] = [imei]
    for key in ("address", "occupation", "birth_date", "id_document"):
        del doc["seller"][key]
    return doc


def test_two_phones_of_one_visit_are_one_transaction(shop: CliShop) -> None:
    first = shop.intake(exempt_phone("356938035643809"))
    second = exempt_phone(SECOND_IMEI)
    second["transaction_with"] = first
    code, _, err = shop.submit(second)  # ¥12,000 together: no longer exempt
    assert code == EXIT_USAGE and "seller.address" in err
    full = example_document()
    second["seller"] = full["seller"]
    receipt = shop.intake(second)
    body = shop.body(receipt)
    assert (body["transaction"], body["transaction_total_yen"]) == (first, 12000)
    assert shop.body(first)["transaction"] == ""
    third = exempt_phone("490154203237518")
    third["seller"] = full["seller"]
    third["transaction_with"] = receipt  # naming any phone of the visit joins the first's
    assert shop.body(shop.intake(third))["transaction"] == first
    assert shop("verify")[0] == EXIT_OK


def test_only_one_customers_phones_form_a_transaction(shop: CliShop) -> None:
    first = shop.intake(exempt_phone("356938035643809"))
    other = exempt_phone(SECOND_IMEI)
    other["seller"]["name"] = "鈴木 次郎"
    other["transaction_with"] = first
    code, _, err = shop.submit(other)
    assert code == EXIT_USAGE and "transaction_with" in err


def test_a_voided_phone_does_not_open_a_transaction(shop: CliShop) -> None:
    first = shop.intake(exempt_phone("356938035643809"))
    assert (
        shop("void", first, "--reason", "入力誤り", "--manager", "M01", stdin=f"{MANAGER_PIN}\n")[0]
        == EXIT_OK
    )
    second = exempt_phone(SECOND_IMEI)
    second["transaction_with"] = first
    code, _, err = shop.submit(second)
    assert code == EXIT_USAGE and "transaction_with" in err

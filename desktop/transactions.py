"""Several phones from one customer in one visit: one 古物 transaction.

A customer who sells two phones at once makes one purchase, and the ¥10,000
exemption from the identity check (古物営業法施行規則 第16条) is judged on its total,
not per phone (DOMAIN.md §3).  Each phone is still its own intake — its own IMEIs,
its own revocation answers, its own slip — and every intake after the first names the
first one in ``transaction_with``.  The signed body then carries the transaction's
first receipt (``transaction``) and its running total (``transaction_total_yen``),
so the 古物台帳 and the slips show the phones as one transaction.

The validator (desktop.rules) needs the price of the phones already taken in; it
is read here, from the records, by the caller — and again inside the committing
transaction, so a phone voided in between is not counted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Intake, LedgerEntry, Person
from desktop import ledger
from desktop.domain import Outcome
from desktop.errors import Problem, ValidationFailed
from desktop.minors import current_policy
from desktop.rules import IntakeContext
from desktop.voiding import is_voided

FIELD = "transaction_with"


@dataclass(frozen=True)
class TransactionSoFar:
    """The transaction an intake joins: its first receipt and what it holds already."""

    first_receipt: str  # "" when the intake stands alone
    receipts: tuple[str, ...]  # the accepted, standing intakes already in it
    total_yen: int  # their prices added up


ALONE = TransactionSoFar("", (), 0)


def _problem(ja: str, en: str) -> ValidationFailed:
    return ValidationFailed([Problem(FIELD, ja, en)])


def _squeezed(name: str) -> str:
    return "".join(name.split())


def transaction_so_far(
    session: Session, receipt: str, *, business_day: date, seller_name: str
) -> TransactionSoFar:
    """Resolve ``transaction_with``; raise ValidationFailed (naming the field) if it cannot join.

    The named intake must be an accepted, standing intake of the same business day
    and the same seller, for the same purpose; the transaction is rooted at the first
    intake of the visit whichever of its intakes was named.
    """
    if not receipt:
        return ALONE
    named = session.get(Intake, receipt)
    if named is None:
        raise _problem(
            f"同じ取引の受付番号 {receipt} が見つかりません", f"there is no receipt {receipt}"
        )
    if named.business_day != business_day:
        raise _problem(
            "同じ日の受付だけを一つの取引にまとめられます",
            "only intakes of the same day can form one transaction",
        )
    if named.outcome != Outcome.ACCEPTED or is_voided(session, receipt):
        raise _problem(
            f"{receipt} はお断りまたは取消済みのため、同じ取引にできません",
            f"{receipt} was refused or voided: it cannot be part of a transaction",
        )
    person = session.get(Person, receipt)
    if person is None or _squeezed(person.name) != _squeezed(seller_name):
        raise _problem(
            f"{receipt} とは売主の氏名が違います。同じお客様の受付だけをまとめられます",
            f"the seller's name differs from {receipt}: only one customer's phones form a transaction",
        )
    first = _body(session, named).get("transaction") or receipt
    members = [first, *_later_members(session, first, business_day)]
    standing = [
        intake
        for intake in (session.get(Intake, r) for r in members)
        if intake is not None
        and intake.outcome == Outcome.ACCEPTED
        and not is_voided(session, intake.receipt)
    ]
    return TransactionSoFar(
        first,
        tuple(intake.receipt for intake in standing),
        sum(intake.price_yen for intake in standing),
    )


def check_same_purpose(so_far: TransactionSoFar, session: Session, purpose: str) -> None:
    """One transaction has one 区別: a purchase and a repair are not one transaction."""
    if not so_far.first_receipt:
        return
    first = session.get(Intake, so_far.first_receipt)
    if first is not None and first.purpose != purpose:
        raise _problem(
            f"{so_far.first_receipt} とは取引の種類が違うため、同じ取引にできません",
            f"{so_far.first_receipt} has another purpose: it cannot be the same transaction",
        )


def _body(session: Session, intake: Intake) -> dict[str, Any]:
    raw = session.execute(
        select(LedgerEntry.body).where(
            LedgerEntry.station == intake.station, LedgerEntry.seq == intake.seq
        )
    ).scalar_one()
    body: dict[str, Any] = json.loads(raw)
    return body


def _later_members(session: Session, first: str, business_day: date) -> list[str]:
    """The intakes of that day whose signed body names ``first`` as their transaction.

    A transaction never spans days, so this reads one day's intake entries at most.
    """
    rows = session.execute(
        select(LedgerEntry.subject, LedgerEntry.body)
        .join(
            Intake,
            (Intake.station == LedgerEntry.station) & (Intake.seq == LedgerEntry.seq),
        )
        .where(Intake.business_day == business_day, LedgerEntry.kind == ledger.EntryKind.INTAKE)
        .order_by(LedgerEntry.created_at, LedgerEntry.id)
    )
    return [subject for subject, body in rows if json.loads(body).get("transaction") == first]


def intake_context(
    session: Session, document: object, *, business_day: date
) -> tuple[IntakeContext, TransactionSoFar]:
    """What the validator needs from the records for this document (read-only)."""
    policy = current_policy(session)
    receipt, name = "", ""
    if isinstance(document, dict):
        raw = document.get(FIELD)
        receipt = raw if isinstance(raw, str) else ""
        seller = document.get("seller")
        if isinstance(seller, dict) and isinstance(seller.get("name"), str):
            name = seller["name"]
    so_far = ALONE
    if receipt:
        so_far = transaction_so_far(session, receipt, business_day=business_day, seller_name=name)
        purpose = document.get("purpose") if isinstance(document, dict) else None
        if isinstance(purpose, str):
            check_same_purpose(so_far, session, purpose)
    return IntakeContext(minors=policy, transaction_before_yen=so_far.total_yen), so_far

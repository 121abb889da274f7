"""Committing one intake: the receipt, the personal-data row and the ledger entry.

``commit_intake`` runs inside the caller's transaction and writes three rows
(intake, person, ledger entry) and the person's name tokens, or none.  Only after the caller's commit returns
may the receipt number be shown or printed.
"""

from __future__ import annotations

import hashlib
import operator
import os
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from db.models import Intake, LedgerEntry, Person, PersonNameToken
from desktop import ledger
from desktop.attestation import Decision, decide
from desktop.catalogue import RevocationCatalogue, Statement, statement_catalogue
from desktop.clerks import CLERK_ACTIVE
from desktop.domain import IntakeDraft, Outcome, age_on, ledger_required
from desktop.errors import Problem, ValidationFailed
from desktop.keys import StationSigner
from desktop.name_tokens import name_tokens
from desktop.statements import CLERK_STATEMENT_ID, statement_id_for
from desktop.transactions import check_same_purpose, transaction_so_far

PERSON_DIGEST_DOMAIN = b"revoke-desk/person/v1\x00"
SALT_BYTES = 16

# Built once, run on the session's Core connection (see desktop.ledger).
#
# All a commit reads under the chain lock, in one statement (issue 11: each statement
# costs SQLAlchemy ~20 µs of CPU, several times SQLite's): every station's head for the
# ledger entry, and on each of those rows whether the clerk is active and the day's last
# number so far (uncorrelated subqueries, worked out once).
_COMMIT_READS = ledger.station_heads_with(
    CLERK_ACTIVE.scalar_subquery().label("clerk_active"),
    select(func.max(Intake.day_number))
    .where(Intake.station == bindparam("station"), Intake.business_day == bindparam("day"))
    .scalar_subquery()
    .label("last_day_number"),
)
_INSERT_INTAKE = insert(Intake)
_INSERT_PERSON = insert(Person)
_INSERT_TOKENS = insert(PersonNameToken)


@dataclass(frozen=True)
class Receipt:
    number: str
    decision: Decision
    station: str
    seq: int
    entry_hash: str

    def line(self) -> str:
        """``RECEIPT OUTCOME``, the command line's contract."""
        return f"{self.number} {self.decision.label}"


def receipt_number(station: str, day: date, day_number: int) -> str:
    return f"{station}-{day:%Y%m%d}-{day_number:04d}"


def person_digest(salt: bytes, data: dict[str, Any]) -> str:
    return person_digest_of_canonical(salt, ledger.canonical(data))


def person_digest_of_canonical(salt: bytes, canonical_data: bytes) -> str:
    """:func:`person_digest` of data already in canonical form (``verify``'s fast path)."""
    return hashlib.sha256(PERSON_DIGEST_DOMAIN + salt + canonical_data).hexdigest()


def personal_data(draft: IntakeDraft, business_day: date, outcome: Outcome) -> dict[str, Any]:
    """Everything about the seller that must be erasable after the retention period.

    A refusal is no 古物 transaction: it keeps only what proves that the guidance was
    given to this customer (the name; receipt, day, device and reason are in the
    signed body) — not the address, occupation, age or identity document
    (個人情報保護法: keep only what the purpose needs).  The keys stay, blanked, so
    every reader sees one shape.
    """
    seller = draft.seller
    if outcome is Outcome.REFUSED:
        return {
            "name": seller.name,
            "kana": seller.kana,
            "address": "",
            "occupation": "",
            "birth_date": "",
            "age": None,
            "id_document": None,
            "guardian": None,
            "signature": [],
        }
    document = seller.id_document
    guardian = draft.guardian_consent
    return {
        "name": seller.name,
        "kana": seller.kana,
        "address": seller.address,
        "occupation": seller.occupation,
        "birth_date": seller.birth_date.isoformat() if seller.birth_date else "",
        "age": age_on(seller.birth_date, business_day) if seller.birth_date else None,
        "id_document": (
            {"type": document.type.value, "number": document.number, "name": document.name}
            if document
            else None
        ),
        "guardian": (
            {
                "name": guardian.name,
                "relation": guardian.relation,
                "contact": guardian.contact,
                "method": guardian.method.value,
            }
            if guardian
            else None
        ),
        "signature": [[list(point) for point in stroke] for stroke in draft.signature],
    }


def _pinned_statement(shown: Statement, japanese: Statement) -> dict[str, str]:
    """The signed statement as the body pins it: ``sha256`` of the text in the
    language it was shown in (as since the first version) and, when that is not
    Japanese, ``ja_sha256`` of the Japanese text, which prevails (issue 13)."""
    pinned = {
        "id": shown.id,
        "version": shown.version,
        "language": shown.language,
        "sha256": shown.sha256,
    }
    if shown.language != "ja":
        pinned["ja_sha256"] = japanese.sha256
    return pinned


def _pinned_clerk_statement(japanese: Statement, shown: Statement) -> dict[str, str]:
    """The clerk's declaration: ``sha256`` of the Japanese (as before) and, when the
    customer read another language, that language and the hash of its text."""
    pinned = {"version": japanese.version, "sha256": japanese.sha256}
    if shown.language != "ja":
        pinned["language"] = shown.language
        pinned["language_sha256"] = shown.sha256
    return pinned


def _ledger_fields_missing(draft: IntakeDraft) -> bool:
    seller = draft.seller
    return not (seller.address and seller.occupation and seller.birth_date and seller.id_document)


def intake_body(
    draft: IntakeDraft,
    decision: Decision,
    *,
    receipt: str,
    business_day: date,
    first_receipt: str,
    transaction_total_yen: int,
    digest: str,
    catalogue: RevocationCatalogue,
) -> dict[str, Any]:
    """The fields an intake's ledger entry signs (no database: :func:`commit_intake`
    looks up the numbers first).  ``digest`` is the person's :func:`person_digest`."""
    statements = statement_catalogue()
    language = draft.statement_language.value
    statement_id = statement_id_for(decision.guidance_path, draft.purpose)
    statement = statements.statement(statement_id, language)
    clerk_statement = statements.statement(CLERK_STATEMENT_ID, "ja")
    device = draft.device
    body: dict[str, Any] = {
        "receipt": receipt,
        "business_day": business_day.isoformat(),
        "outcome": decision.outcome.value,
        "reason": decision.reason.value if decision.reason else "",
        "guidance_path": decision.guidance_path,
        "purpose": draft.purpose.value,
        "price_yen": draft.price_yen,
        "clerk": draft.clerk,
        "device": {
            "os": device.os.value,
            "maker": device.maker,
            "model": device.model,
            "color": device.color,
            "storage_gb": device.storage_gb,
            "imei": list(device.imeis),
            "serial": device.serial,
            "network_restriction": device.network_restriction.value,
        },
        "reset_checks": dict(draft.reset_checks),
        "revocation": {
            "certificate_used": draft.revocation.certificate_used.value,
            "path": draft.revocation.path,
            "performed_by": draft.revocation.performed_by.value,
            "holder_is_seller": draft.revocation.holder_is_seller,
            "suspended_by": (
                draft.revocation.suspended_by.value if draft.revocation.suspended_by else ""
            ),
        },
        "clerk_did_not_assist": draft.clerk_did_not_assist,
        "suspected_stolen": draft.suspected_stolen,
        "statement": _pinned_statement(statement, statements.statement(statement_id, "ja")),
        "clerk_statement": _pinned_clerk_statement(
            clerk_statement, statements.statement(CLERK_STATEMENT_ID, language)
        ),
        "catalogue_version": catalogue.version,
        "id_document_type": (
            draft.seller.id_document.type.value
            if draft.seller.id_document and decision.outcome is Outcome.ACCEPTED
            else ""
        ),
        "transaction": first_receipt,
        "transaction_total_yen": transaction_total_yen,
        "minor": draft.guardian_consent is not None,
        "person_digest": digest,
    }
    return body


def intake_row(
    draft: IntakeDraft,
    body: dict[str, Any],
    *,
    station: str,
    seq: int,
    business_day: date,
    day_number: int,
    now: datetime,
) -> dict[str, Any]:
    """The intake table's row of a signed body: the columns ``verify`` checks against it."""
    device = draft.device
    return {
        "receipt": body["receipt"],
        "station": station,
        "seq": seq,
        "business_day": business_day,
        "day_number": day_number,
        "created_at": now,
        "clerk": draft.clerk,
        "purpose": draft.purpose.value,
        "price_yen": draft.price_yen,
        "outcome": body["outcome"],
        "refusal_reason": body["reason"],
        "revocation_path": draft.revocation.path,
        "device_os": device.os.value,
        "maker": device.maker,
        "model": device.model,
        "imei1": device.imeis[0],
        "imei2": device.imeis[1] if len(device.imeis) > 1 else "",
    }


def commit_intake(
    session: Session,
    draft: IntakeDraft,
    *,
    signer: StationSigner,
    catalogue: RevocationCatalogue,
    shop_timezone: str,
    now: datetime,
) -> Receipt:
    """Apply the attestation policy and write the intake, in the caller's transaction."""
    business_day = now.astimezone(ZoneInfo(shop_timezone)).date()
    # Take the chain lock before counting, so two writers never draw the same number.
    ledger.lock_station(session, signer.station)
    connection = session.connection()
    stations = connection.execute(
        _COMMIT_READS, {"code": draft.clerk, "station": signer.station, "day": business_day}
    ).all()
    if not stations:  # not even this counter's station: nothing is set up in this database
        raise ledger.unregistered_station(signer.station)
    if not stations[0].clerk_active:
        raise ValidationFailed(
            [
                Problem(
                    "clerk",
                    f"担当者 {draft.clerk} は登録されていないか無効です",
                    f"{draft.clerk} is not an active clerk",
                )
            ]
        )
    decision = decide(
        draft.revocation, clerk_did_not_assist=draft.clerk_did_not_assist, catalogue=catalogue
    )
    # The transaction is read again under the lock: a phone voided since the clerk
    # started no longer counts towards the total.
    so_far = transaction_so_far(
        session, draft.transaction_with, business_day=business_day, seller_name=draft.seller.name
    )
    check_same_purpose(so_far, session, draft.purpose.value)
    transaction_total = so_far.total_yen + draft.price_yen
    if (
        decision.outcome is Outcome.ACCEPTED
        and ledger_required(draft.purpose, transaction_total)
        and _ledger_fields_missing(draft)
    ):
        raise ValidationFailed(
            [
                Problem(
                    "seller",
                    f"同じ取引の合計が{transaction_total:,}円になり1万円以上のため、住所・職業・"
                    "生年月日・本人確認書類が必要です",
                    f"the transaction totals ¥{transaction_total:,} (¥10,000 or more): address, "
                    "occupation, date of birth and identity document are required",
                )
            ]
        )
    day_number = 1 + (stations[0].last_day_number or 0)
    number = receipt_number(signer.station, business_day, day_number)
    person = personal_data(draft, business_day, decision.outcome)
    salt = os.urandom(SALT_BYTES)
    body = intake_body(
        draft,
        decision,
        receipt=number,
        business_day=business_day,
        first_receipt=so_far.first_receipt,
        transaction_total_yen=transaction_total,
        digest=person_digest(salt, person),
        catalogue=catalogue,
    )
    entry = ledger.append_locked(
        session,
        signer,
        ledger.EntryKind.INTAKE,
        body,
        now=now,
        subject=number,
        heads=ledger.station_heads(stations, signer.station),
    )
    # Core inserts, in foreign-key order (person references intake).
    connection.execute(
        _INSERT_INTAKE,
        [
            intake_row(
                draft,
                body,
                station=signer.station,
                seq=entry.seq,
                business_day=business_day,
                day_number=day_number,
                now=now,
            )
        ],
    )
    connection.execute(
        _INSERT_PERSON,
        [
            {
                "receipt": number,
                "salt": salt,
                "data": person,
                "name": draft.seller.name,
                "created_at": now,
            }
        ],
    )
    # The history's name search (desktop.name_tokens): one statement for all of them.
    tokens = name_tokens(draft.seller.name, draft.seller.kana)
    if tokens:
        connection.execute(_INSERT_TOKENS, [{"receipt": number, "token": t} for t in tokens])
    return Receipt(number, decision, signer.station, entry.seq, entry.entry_hash)


def _receipt_of(intake: Any) -> str:
    """:func:`receipt_number` of an intake row, without ``strftime`` for a day of a year
    with four digits (the same text, in half the time: verify asks 100,000 times)."""
    day = intake.business_day
    if type(day) is date and day.year >= 1000:
        return f"{intake.station}-{day.year}{day.month:02d}{day.day:02d}-{intake.day_number:04d}"
    return receipt_number(intake.station, day, intake.day_number)


# The intake columns that must equal the signed body's values, in the order checked.
SIGNED_INTAKE_COLUMNS = (
    "station",
    "seq",
    "business_day",
    "created_at",
    "clerk",
    "purpose",
    "price_yen",
    "outcome",
    "refusal_reason",
    "revocation_path",
    "device_os",
    "maker",
    "model",
    "imei1",
    "imei2",
)
_SIGNED_INTAKE_VALUES = operator.attrgetter(*SIGNED_INTAKE_COLUMNS)


def check_intake_entry(session: Session, entry: LedgerEntry, body: dict[str, Any]) -> str | None:
    """``verify``: the intake row and the personal data must match the signed body."""
    return check_intake_row(
        entry, body, session.get(Intake, entry.subject), session.get(Person, entry.subject)
    )


def check_intake_row(
    entry: LedgerEntry,
    body: dict[str, Any],
    intake: Any | None,
    person: Any | None,
    signed_values: tuple[Any, ...] | None = None,
) -> str | None:
    """:func:`check_intake_entry` on rows already read: ``intake`` and ``person`` are
    the rows keyed by the entry's receipt (ORM objects or rows with the same
    attribute names), or None where there is none.  ``verify`` streams them, and
    may give ``signed_values``: the intake row's :data:`SIGNED_INTAKE_COLUMNS` as one
    tuple, in that order (read at once, not column by column)."""
    if intake is None:
        return f"intake row {entry.subject} is missing"
    device = body["device"]
    imeis = device["imei"]
    expected = (
        entry.station,
        entry.seq,
        date.fromisoformat(body["business_day"]),
        entry.created_at,
        body["clerk"],
        body["purpose"],
        body["price_yen"],
        body["outcome"],
        body["reason"],
        body["revocation"]["path"],
        device["os"],
        device["maker"],
        device["model"],
        imeis[0],
        imeis[1] if len(imeis) > 1 else "",
    )
    # All at once (verify does this 100,000 times); column by column to name the first.
    if signed_values is None:
        signed_values = _SIGNED_INTAKE_VALUES(intake)
    if signed_values != expected:
        for column, value in zip(SIGNED_INTAKE_COLUMNS, expected, strict=True):
            if getattr(intake, column) != value:
                return f"intake {intake.receipt}: column {column} differs from the signed entry"
    if intake.receipt != _receipt_of(intake):
        return f"intake {intake.receipt}: receipt number does not match its day and number"
    # A missing person row must be covered by a retention purge: desktop.verification checks that.
    if person is not None:
        return check_person_row(entry, body, person)
    return None


def check_person_row(entry: LedgerEntry, body: dict[str, Any], person: Any) -> str | None:
    """The person row (``salt``, decoded ``data``, ``name``) against the signed body:
    the last part of :func:`check_intake_row`."""
    if person_digest(person.salt, person.data) != body["person_digest"]:
        return f"personal data of {entry.subject} was changed (digest mismatch)"
    if person.name != person.data.get("name"):
        return f"personal data of {entry.subject}: the search name differs from the record"
    return None


def find_unchained_intakes(session: Session) -> list[str]:
    """Intake rows with no ledger entry of their own: inserted behind the ledger's back."""
    rows = session.execute(
        select(Intake.receipt)
        .outerjoin(
            LedgerEntry,
            (LedgerEntry.station == Intake.station)
            & (LedgerEntry.seq == Intake.seq)
            & (LedgerEntry.kind == ledger.EntryKind.INTAKE)
            & (LedgerEntry.subject == Intake.receipt),
        )
        .where(LedgerEntry.id.is_(None))
        .order_by(Intake.receipt)
    )
    return list(rows.scalars())

"""The 古物台帳 (ledger book): the acquisitions of a period as the law asks to see them.

``ledger_rows`` reads the committed record — the intake rows, their signed ledger
entries, the personal data and the void entries — and returns
plain frozen rows, oldest first by shop-local business day.  ``ledger_snapshot``
turns them into the plain-text snapshot that ``reports.ledger_book`` renders.

What is listed (docs/decisions.md, "The ledger book"):

- every **accepted** intake of the period, of every 区別.  A refused intake is not an
  acquisition (the phone went back to the customer), so it is not a ledger entry;
  History still finds it.
- a **voided** intake stays on the ledger, struck through, with when, why and which
  manager voided it: the ledger shows corrections, it never hides them.
- intakes **exempt** from the ID check (a purchase or trade-in under ¥10,000) are
  listed too, marked as exempt.
- a **correction** is a void that names the intake taken again in its place
  (``void --replaced-by``): the voided row says "→ NEW", the new row "OLD の訂正";
  the original values are never replaced.

The ID-check column names the document in Japanese and prints its number only for
documents whose number a shop may keep: never for a My Number Card (番号法) nor a
health-insurance card (健康保険法, 告知要求制限).  Once the personal data was erased
after the retention period, the personal columns say so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from db.models import Intake, LedgerEntry, Person, Shop
from desktop import ledger
from desktop.domain import (
    EXEMPTABLE_PURPOSES,
    ID_CHECK_EXEMPT_BELOW_YEN,
    PURPOSE_LABELS,
    IdDocumentType,
    Outcome,
    Purpose,
)
from desktop.errors import UserError
from desktop.keys import StationSigner
from reports.ledger_book import (
    LedgerBookLine,
    LedgerBookSnapshot,
    render_ledger_book,
    render_ledger_csv,
)
from reports.signing import sign_pdf

ERASED = "（保存期間経過により消去）"
ITEM_TYPE = "携帯電話機"
EXEMPT_NOTE = "本人確認不要（1万円未満）"
MAX_PERIOD_DAYS = 3 * 366 + 31

ID_DOCUMENT_LABELS: dict[str, str] = {
    IdDocumentType.DRIVERS_LICENSE: "運転免許証",
    IdDocumentType.MY_NUMBER_CARD: "マイナンバーカード",
    IdDocumentType.PASSPORT: "パスポート",
    IdDocumentType.RESIDENCE_CARD: "在留カード",
    IdDocumentType.HEALTH_INSURANCE: "健康保険証",
    IdDocumentType.OTHER: "その他",
}
# Documents whose number the ledger never shows, whatever the record holds.
NUMBER_NEVER_SHOWN = frozenset({IdDocumentType.MY_NUMBER_CARD, IdDocumentType.HEALTH_INSURANCE})


@dataclass(frozen=True)
class VoidNote:
    voided_at: datetime  # UTC
    reason: str
    manager: str


@dataclass(frozen=True)
class CorrectionNote:
    corrected_at: datetime  # UTC
    text: str
    manager: str


@dataclass(frozen=True)
class LedgerBookRow:
    """One acquisition as the 古物台帳 shows it (plain values, no ORM)."""

    receipt: str
    created_at: datetime  # UTC
    local_time: str  # shop-local "YYYY-MM-DD HH:MM"
    business_day: date
    purpose: str
    purpose_label: str  # 区別, in Japanese
    item: str
    features: str
    quantity: int
    price_yen: int
    name: str
    address: str
    occupation: str
    age: str
    id_check: str
    exempt: bool  # under ¥10,000: no ID check required
    erased: bool  # personal data gone after the retention period
    void: VoidNote | None
    corrections: tuple[CorrectionNote, ...]

    @property
    def voided(self) -> bool:
        return self.void is not None


def check_period(date_from: date, date_to: date) -> None:
    if date_from > date_to:
        raise UserError(
            f"期間の開始 {date_from} が終了 {date_to} より後です",
            f"the period starts ({date_from}) after it ends ({date_to})",
        )
    if (date_to - date_from).days > MAX_PERIOD_DAYS:
        raise UserError(
            "期間が長すぎます（最長3年）", "the period is too long (at most three years)"
        )


def ledger_rows(
    session: Session, date_from: date, date_to: date, timezone: str
) -> list[LedgerBookRow]:
    """The accepted intakes of ``date_from``…``date_to`` (business days, inclusive)."""
    check_period(date_from, date_to)
    zone = ZoneInfo(timezone)
    stmt = (
        select(Intake, LedgerEntry.body, Person.data)
        .join(
            LedgerEntry,
            and_(
                LedgerEntry.station == Intake.station,
                LedgerEntry.seq == Intake.seq,
                LedgerEntry.kind == ledger.EntryKind.INTAKE,
            ),
        )
        .outerjoin(Person, Person.receipt == Intake.receipt)
        .where(
            Intake.business_day >= date_from,
            Intake.business_day <= date_to,
            Intake.outcome == Outcome.ACCEPTED.value,
        )
        .order_by(Intake.business_day, Intake.created_at, Intake.receipt)
    )
    found = session.execute(stmt).all()
    notes = _notes(session, [intake.receipt for intake, _, _ in found])
    rows: list[LedgerBookRow] = []
    for intake, body, person in found:
        void, corrections = notes.get(intake.receipt, (None, ()))
        rows.append(_row(intake, json.loads(body), person, zone, void, corrections))
    return rows


def _notes(
    session: Session, receipts: list[str]
) -> dict[str, tuple[VoidNote | None, tuple[CorrectionNote, ...]]]:
    out: dict[str, tuple[VoidNote | None, tuple[CorrectionNote, ...]]] = {}
    chunk = 500
    for start in range(0, len(receipts), chunk):
        events = session.execute(
            select(LedgerEntry.subject, LedgerEntry.body, LedgerEntry.created_at)
            .where(
                LedgerEntry.subject.in_(receipts[start : start + chunk]),
                LedgerEntry.kind == ledger.EntryKind.VOID,
            )
            .order_by(LedgerEntry.created_at, LedgerEntry.id)
        )
        for subject, raw, created_at in events:
            data: dict[str, Any] = json.loads(raw)
            manager = str(data.get("manager", ""))
            _, corrections = out.get(subject, (None, ()))
            void = VoidNote(created_at, str(data.get("reason", "")), manager)
            replaced_by = str(data.get("replaced_by", ""))
            if replaced_by:
                # A correction: the voided row points to its replacement, and the
                # replacement (when it is in the period) back to what it corrects.
                corrections = (
                    *corrections,
                    CorrectionNote(created_at, f"→ {replaced_by}", manager),
                )
                later_void, later = out.get(replaced_by, (None, ()))
                out[replaced_by] = (
                    later_void,
                    (*later, CorrectionNote(created_at, f"{subject} の訂正", manager)),
                )
            out[subject] = (void, corrections)
    return out


def _row(  # noqa: PLR0917 - one call site, positional reads plainly
    intake: Intake,
    body: dict[str, Any],
    person: dict[str, Any] | None,
    zone: ZoneInfo,
    void: VoidNote | None,
    corrections: tuple[CorrectionNote, ...],
) -> LedgerBookRow:
    device: dict[str, Any] = body.get("device", {})
    purpose = intake.purpose
    try:
        label = PURPOSE_LABELS[Purpose(purpose)][0]
    except ValueError:
        label = purpose
    exempt = purpose in EXEMPTABLE_PURPOSES and intake.price_yen < ID_CHECK_EXEMPT_BELOW_YEN
    if person is None:
        name = address = occupation = age = id_check = ERASED
    else:
        name = str(person.get("name", ""))
        address = str(person.get("address", ""))
        occupation = str(person.get("occupation", ""))
        age = _age(person)
        id_check = id_check_text(person.get("id_document"))
    if exempt and person is not None and not id_check:
        id_check = EXEMPT_NOTE
    return LedgerBookRow(
        receipt=intake.receipt,
        created_at=intake.created_at,
        local_time=f"{intake.created_at.astimezone(zone):%Y-%m-%d %H:%M}",
        business_day=intake.business_day,
        purpose=purpose,
        purpose_label=label,
        item=f"{ITEM_TYPE} / mobile phone {intake.maker} {intake.model}",
        features=features_text(device, intake),
        quantity=1,
        price_yen=intake.price_yen,
        name=name,
        address=address,
        occupation=occupation,
        age=age,
        id_check=id_check,
        exempt=exempt,
        erased=person is None,
        void=void,
        corrections=corrections,
    )


def _age(person: dict[str, Any]) -> str:
    age = person.get("age")
    birth = str(person.get("birth_date") or "")
    if isinstance(age, int):
        return f"{age}歳" + (f" / {birth}生" if birth else "")
    return f"{birth}生" if birth else ""


def id_check_text(document: object) -> str:
    """The document type in Japanese, and its number where one may be recorded."""
    if not isinstance(document, dict):
        return ""
    raw_type = str(document.get("type", ""))
    label = ID_DOCUMENT_LABELS.get(raw_type, raw_type)
    number = str(document.get("number") or "")
    if raw_type in NUMBER_NEVER_SHOWN or not number:
        return label
    return f"{label} / {number}"


def features_text(device: dict[str, Any], intake: Intake) -> str:
    parts: list[str] = []
    if device.get("color"):
        parts.append(f"色 {device['color']}")
    if device.get("storage_gb"):
        parts.append(f"{device['storage_gb']}GB")
    imeis = [str(i) for i in device.get("imei", []) if i] or [
        i for i in (intake.imei1, intake.imei2) if i
    ]
    for index, imei in enumerate(imeis, start=1):
        parts.append(f"IMEI{index if len(imeis) > 1 else ''} {imei}")
    if device.get("serial"):
        parts.append(f"S/N {device['serial']}")
    return " / ".join(parts)


def _when(moment: datetime, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}"


def ledger_snapshot(
    rows: list[LedgerBookRow],
    *,
    shop_name: str,
    license_no: str,
    commission: str,
    date_from: date,
    date_to: date,
    generated_at: datetime,
    timezone: str,
) -> LedgerBookSnapshot:
    """The plain-text view ``reports.ledger_book`` renders (every text chosen here)."""
    zone = ZoneInfo(timezone)
    lines = []
    for row in rows:
        notes: list[str] = []
        if row.exempt:
            notes.append(EXEMPT_NOTE)
        if row.void is not None:
            notes.append(
                f"取消 VOID {_when(row.void.voided_at, zone)} 理由: {row.void.reason}"
                f"（承認 {row.void.manager}）"
            )
        notes.extend(
            f"訂正 {_when(c.corrected_at, zone)} {c.text}（承認 {c.manager}）"
            for c in row.corrections
        )
        lines.append(
            LedgerBookLine(
                receipt=row.receipt,
                date=row.local_time,
                kind=row.purpose_label,
                item=row.item,
                features=row.features,
                quantity=str(row.quantity),
                price=f"¥{row.price_yen:,}",
                address=row.address,
                name=row.name,
                occupation=row.occupation,
                age=row.age,
                id_check=row.id_check,
                voided=row.voided,
                notes=tuple(notes),
            )
        )
    return LedgerBookSnapshot(
        shop_name=shop_name,
        license_no=license_no,
        commission=commission,
        period=f"{date_from:%Y-%m-%d} 〜 {date_to:%Y-%m-%d}",
        generated_at=_when(generated_at, zone),
        lines=tuple(lines),
    )


def build_snapshot(
    session: Session, date_from: date, date_to: date, *, now: datetime
) -> LedgerBookSnapshot:
    """The ledger book of a period, as of ``now``, with the shop's details."""
    shop = session.scalars(select(Shop)).first()
    if shop is None:
        raise UserError(
            "まだ設定されていません。先に revoke-desk init を実行してください",
            "not set up yet: run `revoke-desk init` first",
        )
    rows = ledger_rows(session, date_from, date_to, shop.timezone)
    return ledger_snapshot(
        rows,
        shop_name=shop.name,
        license_no=shop.license_no,
        commission=shop.commission,
        date_from=date_from,
        date_to=date_to,
        generated_at=now,
        timezone=shop.timezone,
    )


def ledger_book_pdf(
    session: Session, signer: StationSigner, date_from: date, date_to: date, *, now: datetime
) -> bytes:
    """The signed A4 PDF of the period's ledger book (nothing is written to the ledger)."""
    snapshot = build_snapshot(session, date_from, date_to, now=now)
    return sign_pdf(
        render_ledger_book(snapshot),
        signer.key,
        signer.certificate,
        reason=f"Revoke Desk 古物台帳 {snapshot.period}",
        location=snapshot.shop_name,
    )


def ledger_book_csv(session: Session, date_from: date, date_to: date, *, now: datetime) -> bytes:
    """The period's ledger book as CSV (UTF-8 with BOM, every cell spreadsheet-safe)."""
    return render_ledger_csv(build_snapshot(session, date_from, date_to, now=now))

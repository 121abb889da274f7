"""The 古物台帳 (ledger book): the acquisitions of a period as the law asks to see them.

``iter_ledger_rows`` reads the committed record — the intake rows, their signed ledger
entries, the printed fields of the personal data and the void entries — and yields
plain frozen rows, oldest first by shop-local business day, streamed from one cursor
(a quarter of a busy shop is tens of thousands of rows: docs/PERFORMANCE.md, "The
古物台帳 and verify at scale"); ``ledger_rows`` is the same as a list.
``ledger_snapshot`` turns them into the plain-text snapshot that ``reports.ledger_book``
renders as the rows come.

What is listed (docs/decisions.md, "The ledger book"):

- every **accepted** purchase, trade-in and consignment of the period
  (``LEDGER_PURPOSES``).  A repair is no 古物 transaction (nothing is bought or taken
  on consignment) and a refused intake no acquisition (the phone went back to the
  customer): neither is a ledger entry; History and the day report still find them.
- a **voided** intake stays on the ledger, struck through, with when, why and which
  manager voided it: the ledger shows corrections, it never hides them.
- several phones of **one transaction** (one customer, one visit: the signed body's
  ``transaction``) print together, each marked with the transaction and its total.
  The ¥10,000 exemption from the ID check is judged on that total (the standing
  phones'), and a phone recorded without the seller's details takes them from the
  phone of the transaction that has them, saying so.
- intakes **exempt** from the ID check (a purchase or trade-in whose transaction is
  under ¥10,000) are listed too, marked as exempt.
- the **不正品** flag (古物営業法 第15条第3項) and a minor's **guardian consent**
  (青少年保護育成条例) are noted under the row.
- a **correction** is a void that names the intake taken again in its place
  (``void --replaced-by``): the voided row says "→ NEW", the new row "OLD の訂正";
  the original values are never replaced.

The ID-check column names the document in Japanese (``domain.ID_DOCUMENT_LABELS``;
an "other" document by its own name) and prints its number only for documents whose
number a shop may keep: never for ``NUMBER_FORBIDDEN_DOCUMENTS`` (the My Number Card,
番号法; the health-insurance documents, 健康保険法 告知要求制限), whatever the record
holds.  Once the personal data was erased after the retention period, the personal
columns say so.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Text, and_, cast, func, select
from sqlalchemy.orm import Session

from db.models import Intake, LedgerEntry, Person, Shop, Station
from desktop import ledger
from desktop.domain import (
    CONSENT_METHOD_LABELS,
    EXEMPTABLE_PURPOSES,
    ID_CHECK_EXEMPT_BELOW_YEN,
    ID_DOCUMENT_LABELS,
    LEDGER_PURPOSES,
    NUMBER_FORBIDDEN_DOCUMENTS,
    PURPOSE_LABELS,
    IdDocumentType,
    Outcome,
    label,
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
SUSPECTED_STOLEN_NOTE = "不正品の疑いあり（古物営業法第15条第3項: 直ちに警察官に申告）"
MAX_PERIOD_DAYS = 3 * 366 + 31

# The seller's details a phone of a transaction may lack (an exempt first phone) and
# take from the phone of the same transaction that has them: (attribute, heading).
DETAIL_FIELDS: tuple[tuple[str, str], ...] = (
    ("address", "住所"),
    ("occupation", "職業"),
    ("age", "年齢"),
    ("id_check", "確認方法"),
)


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
class TransactionNote:
    """The transaction a row belongs to, when one visit sold several phones."""

    first_receipt: str  # the transaction's name: the receipt of its first intake
    phones: int  # standing phones in it (0 when every phone was voided)
    total_yen: int  # their prices added up (every phone's, when all were voided)
    voided: int = 0  # phones of it voided since


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
    exempt: bool  # the transaction is under ¥10,000: no ID check required
    erased: bool  # personal data gone after the retention period
    void: VoidNote | None
    corrections: tuple[CorrectionNote, ...]
    suspected_stolen: bool = False  # 不正品の疑い (古物営業法 第15条第3項)
    guardian: str = ""  # a minor's guardian consent, as the note prints it
    transaction: TransactionNote | None = None  # None: the phone was sold alone
    # When some details come from another phone of the transaction: its receipt, and
    # the headings of the columns taken from it.
    details_from: str = ""
    details_taken: tuple[str, ...] = ()

    @property
    def voided(self) -> bool:
        return self.void is not None


@dataclass(frozen=True)
class _Intake:
    """The intake columns the book prints (a plain row, not the ORM object)."""

    receipt: str
    station: str
    created_at: datetime
    business_day: date
    purpose: str
    price_yen: int
    maker: str
    model: str
    imei1: str
    imei2: str


@dataclass(frozen=True)
class _Found:
    """One intake as read, before it is set among the rest of its transaction."""

    intake: _Intake
    body: dict[str, Any]
    person: dict[str, Any] | None
    void: VoidNote | None
    corrections: tuple[CorrectionNote, ...]

    @property
    def transaction_key(self) -> str:
        return str(self.body.get("transaction") or "") or self.intake.receipt


# The personal data the book prints, read out of ``person.data`` by the database:
# never the whole document, whose signature strokes are most of its bytes.
PRINTED_PERSON_FIELDS = (
    "name",
    "address",
    "occupation",
    "age",
    "birth_date",
    "id_document",
    "guardian",
)
# Rows fetched from the database at a time (a server-side cursor on PostgreSQL).
STREAM_CHUNK = 500


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


def _period_conditions(date_from: date, date_to: date, station: str | None) -> list[Any]:
    conditions: list[Any] = [
        Intake.business_day >= date_from,
        Intake.business_day <= date_to,
        Intake.outcome == Outcome.ACCEPTED.value,
        Intake.purpose.in_(sorted(purpose.value for purpose in LEDGER_PURPOSES)),
    ]
    if station is not None:
        conditions.append(Intake.station == station)
    return conditions


def _person_fields(dialect: str) -> Any:
    """One expression giving the printed fields as a JSON array text (one parse per row)."""
    if dialect == "sqlite":
        paths = [f'$."{field}"' for field in PRINTED_PERSON_FIELDS]
        return func.json_extract(Person.data, *paths)
    elements = [Person.data[field] for field in PRINTED_PERSON_FIELDS]
    return cast(func.json_build_array(*elements), Text)


def count_ledger_rows(
    session: Session, date_from: date, date_to: date, *, station: str | None = None
) -> int:
    """How many rows :func:`iter_ledger_rows` gives (the book's header says so first)."""
    check_period(date_from, date_to)
    conditions = _period_conditions(date_from, date_to, station)
    return int(session.scalar(select(func.count()).select_from(Intake).where(*conditions)) or 0)


def iter_ledger_rows(
    session: Session,
    date_from: date,
    date_to: date,
    timezone: str,
    *,
    station: str | None = None,
) -> Iterator[LedgerBookRow]:
    """The accepted acquisitions of ``date_from``…``date_to`` (business days, inclusive).

    Oldest first; the phones of one transaction together, where its first phone is;
    only ``station``'s when it is given.  Streamed: the rows come from one cursor
    ``STREAM_CHUNK`` at a time and leave one business day at a time (a transaction
    never spans business days), so memory holds a day, never the period.
    """
    check_period(date_from, date_to)
    zone = ZoneInfo(timezone)
    notes = _notes(session, _utc_start(date_from, zone))
    dialect = session.get_bind().dialect.name
    stmt = (
        select(
            Intake.receipt,
            Intake.station,
            Intake.created_at,
            Intake.business_day,
            Intake.purpose,
            Intake.price_yen,
            Intake.maker,
            Intake.model,
            Intake.imei1,
            Intake.imei2,
            LedgerEntry.body,
            Person.receipt.label("person_receipt"),
            _person_fields(dialect).label("person_fields"),
        )
        .join(
            LedgerEntry,
            and_(
                LedgerEntry.station == Intake.station,
                LedgerEntry.seq == Intake.seq,
                LedgerEntry.kind == ledger.EntryKind.INTAKE,
            ),
        )
        .outerjoin(Person, Person.receipt == Intake.receipt)
        .where(*_period_conditions(date_from, date_to, station))
        .order_by(Intake.business_day, Intake.created_at, Intake.receipt)
        .execution_options(yield_per=STREAM_CHUNK)
    )
    # The `with` closes the (server-side, on PostgreSQL) cursor when the caller stops early.
    with session.execute(stmt) as result:
        for _, day in groupby(result, key=lambda r: r.business_day):
            read = [_found(row, notes) for row in day]
            yield from _day_rows(read, zone)


def _found(
    row: Any, notes: dict[str, tuple[VoidNote | None, tuple[CorrectionNote, ...]]]
) -> _Found:
    intake = _Intake(
        row.receipt,
        row.station,
        row.created_at,
        row.business_day,
        row.purpose,
        row.price_yen,
        row.maker,
        row.model,
        row.imei1,
        row.imei2,
    )
    person: dict[str, Any] | None = None
    if row.person_receipt is not None:
        values = row.person_fields or []
        if isinstance(values, str):  # a driver may hand JSON back decoded, or not
            values = json.loads(values)
        person = {
            field: value
            for field, value in zip(PRINTED_PERSON_FIELDS, values, strict=False)
            if value is not None
        }
    void, corrections = notes.get(intake.receipt, (None, ()))
    return _Found(intake, json.loads(row.body), person, void, corrections)


def ledger_rows(
    session: Session,
    date_from: date,
    date_to: date,
    timezone: str,
    *,
    station: str | None = None,
) -> list[LedgerBookRow]:
    """:func:`iter_ledger_rows` as a list: for a short period (tests, a screen)."""
    return list(iter_ledger_rows(session, date_from, date_to, timezone, station=station))


def _utc_start(day: date, zone: ZoneInfo) -> datetime:
    """The first moment of business day ``day`` in UTC, less a day for any clock skew."""
    return datetime.combine(day - timedelta(days=1), time.min, zone).astimezone(UTC)


def _day_rows(found: Sequence[_Found], zone: ZoneInfo) -> list[LedgerBookRow]:
    """One business day's rows, each transaction's phones together (first phone's place)."""
    transactions: dict[str, list[_Found]] = {}
    for item in found:
        transactions.setdefault(item.transaction_key, []).append(item)
    rows: list[LedgerBookRow] = []
    for key, members in transactions.items():
        rows.extend(_transaction_rows(key, members, zone))
    return rows


def _transaction_rows(key: str, members: list[_Found], zone: ZoneInfo) -> list[LedgerBookRow]:
    """The rows of one transaction: exempt or not on its total, details shared.

    The total is the standing phones' (a voided phone was not bought); a wholly
    voided transaction shows what it was.
    """
    standing = [m for m in members if m.void is None]
    counted = standing or members
    total = sum(m.intake.price_yen for m in counted)
    purpose = members[0].intake.purpose
    exempt = purpose in EXEMPTABLE_PURPOSES and total < ID_CHECK_EXEMPT_BELOW_YEN
    note = None
    if len(members) > 1:
        note = TransactionNote(key, len(standing), total, len(members) - len(standing))
    rows = [_row(m, zone, exempt=exempt, transaction=note) for m in members]
    donor = _details_donor(rows) if note is not None else None
    if donor is None:
        return rows
    return [_with_details_of(row, donor) for row in rows]


def _has_details(row: LedgerBookRow) -> bool:
    return not row.erased and bool(row.address) and row.id_check not in {"", EXEMPT_NOTE}


def _details_donor(rows: list[LedgerBookRow]) -> LedgerBookRow | None:
    """The latest standing phone of the transaction recorded with the seller's details.

    Never a voided one: a void may have been for wrong details.
    """
    with_details = [row for row in rows if not row.voided and _has_details(row)]
    return with_details[-1] if with_details else None


def _with_details_of(row: LedgerBookRow, donor: LedgerBookRow) -> LedgerBookRow:
    """``row`` with the seller's details it lacks taken from ``donor`` (same visit)."""
    if row is donor or row.erased:
        return row
    lacking = {
        attribute
        for attribute, _ in DETAIL_FIELDS
        if getattr(row, attribute) in {"", EXEMPT_NOTE if attribute == "id_check" else ""}
    }
    if not lacking:
        return row

    def value(attribute: str) -> str:
        return str(getattr(donor if attribute in lacking else row, attribute))

    return replace(
        row,
        address=value("address"),
        occupation=value("occupation"),
        age=value("age"),
        id_check=value("id_check"),
        details_from=donor.receipt,
        details_taken=tuple(
            heading for attribute, heading in DETAIL_FIELDS if attribute in lacking
        ),
    )


def _notes(
    session: Session, since: datetime
) -> dict[str, tuple[VoidNote | None, tuple[CorrectionNote, ...]]]:
    """Every void and correction recorded since ``since``, by the receipt it concerns.

    An intake is voided after it was taken, so the voids of a period's rows are all
    recorded after the period began: few (about one intake in a thousand), read once,
    before the rows are streamed.  A correction notes both rows, the voided one
    ("→ NEW") and its replacement ("OLD の訂正"), whichever of them the period lists.
    """
    out: dict[str, tuple[VoidNote | None, tuple[CorrectionNote, ...]]] = {}
    events = session.execute(
        select(LedgerEntry.subject, LedgerEntry.body, LedgerEntry.created_at)
        .where(LedgerEntry.kind == ledger.EntryKind.VOID, LedgerEntry.created_at >= since)
        .order_by(LedgerEntry.created_at, LedgerEntry.id)
    )
    for subject, raw, created_at in events:
        data: dict[str, Any] = json.loads(raw)
        manager = str(data.get("manager", ""))
        _, corrections = out.get(subject, (None, ()))
        void = VoidNote(created_at, str(data.get("reason", "")), manager)
        replaced_by = str(data.get("replaced_by", ""))
        if replaced_by:
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


def _row(
    found: _Found,
    zone: ZoneInfo,
    *,
    exempt: bool,
    transaction: TransactionNote | None,
) -> LedgerBookRow:
    intake, body, person = found.intake, found.body, found.person
    device: dict[str, Any] = body.get("device", {})
    purpose = intake.purpose
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
        purpose_label=label(PURPOSE_LABELS, purpose)[0],
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
        void=found.void,
        corrections=found.corrections,
        suspected_stolen=bool(body.get("suspected_stolen", False)),
        guardian=guardian_text(person, minor=bool(body.get("minor", False))),
        transaction=transaction,
    )


def _age(person: dict[str, Any]) -> str:
    age = person.get("age")
    birth = str(person.get("birth_date") or "")
    if isinstance(age, int):
        return f"{age}歳" + (f" / {birth}生" if birth else "")
    return f"{birth}生" if birth else ""


def id_check_text(document: object) -> str:
    """The document in Japanese, and its number where one may be recorded.

    An "other" document is named by the name the clerk recorded:
    「その他（学生証） / 番号」.  The number of a NUMBER_FORBIDDEN_DOCUMENTS type is
    never printed, whatever the record holds.
    """
    if not isinstance(document, dict):
        return ""
    raw_type = str(document.get("type", ""))
    text = label(ID_DOCUMENT_LABELS, raw_type)[0]
    own_name = str(document.get("name") or "").strip()
    if raw_type == IdDocumentType.OTHER and own_name:
        text = f"{text}（{own_name}）"
    number = str(document.get("number") or "")
    if raw_type in NUMBER_FORBIDDEN_DOCUMENTS or not number:
        return text
    return f"{text} / {number}"


def guardian_text(person: dict[str, Any] | None, *, minor: bool) -> str:
    """A minor's guardian consent as the ledger notes it; "" for an adult.

    The guardian's name, relation and how the consent was confirmed: what an
    inspector asks to see (the contact stays in the record, for History).
    """
    guardian = person.get("guardian") if person is not None else None
    if isinstance(guardian, dict):
        method = label(CONSENT_METHOD_LABELS, str(guardian.get("method", "")))[0]
        relation = str(guardian.get("relation") or "")
        how = "・".join(part for part in (relation, method) if part)
        name = str(guardian.get("name") or "")
        return f"未成年者: 保護者同意 {name}（{how}）" if how else f"未成年者: 保護者同意 {name}"
    if minor:
        return "未成年者: 保護者同意あり" + (ERASED if person is None else "")
    return ""


def features_text(device: dict[str, Any], intake: Any) -> str:
    """The 特徴 column; ``intake`` is anything with ``imei1`` and ``imei2``."""
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


def transaction_text(note: TransactionNote) -> str:
    """「同一取引 S01-20261127-0001 ほか（2台・合計 12,000円）」, voided phones apart."""
    if note.phones == 0:
        return f"同一取引 {note.first_receipt} ほか（{note.voided}台・合計 {note.total_yen:,}円、全台取消）"
    others = " ほか" if note.phones > 1 else ""
    voided = f"、取消{note.voided}台を除く" if note.voided else ""
    return (
        f"同一取引 {note.first_receipt}{others}"
        f"（{note.phones}台・合計 {note.total_yen:,}円{voided}）"
    )


def row_notes(row: LedgerBookRow, zone: ZoneInfo) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What the book prints under a row: (alerts, remarks).

    Alerts — the 不正品 flag, the void and the corrections — print in red; remarks —
    the transaction, where its details come from, a guardian's consent, the
    exemption — in black.
    """
    alerts: list[str] = []
    if row.suspected_stolen:
        alerts.append(SUSPECTED_STOLEN_NOTE)
    if row.void is not None:
        alerts.append(
            f"取消 VOID {_when(row.void.voided_at, zone)} 理由: {row.void.reason}"
            f"（承認 {row.void.manager}）"
        )
    alerts.extend(
        f"訂正 {_when(c.corrected_at, zone)} {c.text}（承認 {c.manager}）" for c in row.corrections
    )
    remarks: list[str] = []
    if row.transaction is not None:
        remarks.append(transaction_text(row.transaction))
    if row.details_from:
        remarks.append(
            f"{'・'.join(row.details_taken)}は同一取引の記録による（{row.details_from}）"
        )
    if row.guardian:
        remarks.append(row.guardian)
    if row.exempt:
        remarks.append(EXEMPT_NOTE)
    return tuple(alerts), tuple(remarks)


def _when(moment: datetime, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}"


def _line(row: LedgerBookRow, zone: ZoneInfo) -> LedgerBookLine:
    alerts, remarks = row_notes(row, zone)
    return LedgerBookLine(
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
        notes=alerts,
        remarks=remarks,
        transaction=row.transaction.first_receipt if row.transaction else "",
        suspected_stolen=row.suspected_stolen,
    )


def ledger_snapshot(
    rows: Iterable[LedgerBookRow],
    *,
    shop_name: str,
    license_no: str,
    commission: str,
    date_from: date,
    date_to: date,
    generated_at: datetime,
    timezone: str,
    count: int | None = None,
) -> LedgerBookSnapshot:
    """The plain-text view ``reports.ledger_book`` renders (every text chosen here).

    ``rows`` may be a stream (then ``count`` says how many it gives): the lines are
    made from it as the renderer asks for them.
    """
    zone = ZoneInfo(timezone)
    if count is None:
        rows = list(rows)
        count = len(rows)
    return LedgerBookSnapshot(
        shop_name=shop_name,
        license_no=license_no,
        commission=commission,
        period=f"{date_from:%Y-%m-%d} 〜 {date_to:%Y-%m-%d}",
        generated_at=_when(generated_at, zone),
        lines=(_line(row, zone) for row in rows),
        count=count,
    )


def build_snapshot(
    session: Session,
    date_from: date,
    date_to: date,
    *,
    now: datetime,
    station: str | None = None,
) -> LedgerBookSnapshot:
    """The ledger book of a period, as of ``now``, with the shop's details.

    Its lines are a stream read from ``session`` while it is rendered: render it
    inside the session's block, once.
    """
    shop = session.scalars(select(Shop)).first()
    if shop is None:
        raise UserError(
            "まだ設定されていません。先に revoke-desk init を実行してください",
            "not set up yet: run `revoke-desk init` first",
        )
    if station is not None and session.get(Station, station) is None:
        raise UserError(
            f"ステーション {station} はこのデータベースにありません",
            f"no station {station} in this database",
        )
    return ledger_snapshot(
        iter_ledger_rows(session, date_from, date_to, shop.timezone, station=station),
        shop_name=shop.name,
        license_no=shop.license_no,
        commission=shop.commission,
        date_from=date_from,
        date_to=date_to,
        generated_at=now,
        timezone=shop.timezone,
        count=count_ledger_rows(session, date_from, date_to, station=station),
    )


def ledger_book_pdf(
    session: Session,
    signer: StationSigner,
    date_from: date,
    date_to: date,
    *,
    now: datetime,
    station: str | None = None,
) -> bytes:
    """The signed A4 PDF of the period's ledger book (nothing is written to the ledger).

    ``station``: only that counter's acquisitions (a chain's shared database);
    None: the whole shop's.
    """
    snapshot = build_snapshot(session, date_from, date_to, now=now, station=station)
    return sign_pdf(
        render_ledger_book(snapshot),
        signer.key,
        signer.certificate,
        reason=f"Revoke Desk 古物台帳 {snapshot.period}",
        location=snapshot.shop_name,
    )


def ledger_book_csv(
    session: Session,
    date_from: date,
    date_to: date,
    *,
    now: datetime,
    station: str | None = None,
) -> bytes:
    """The period's ledger book as CSV (UTF-8 with BOM, every cell spreadsheet-safe)."""
    return render_ledger_csv(build_snapshot(session, date_from, date_to, now=now, station=station))

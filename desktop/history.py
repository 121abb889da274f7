"""History: find committed intakes by receipt, IMEI, name and date, a page at a time.

Rows are plain frozen values (never ORM objects), so a Qt table model can hold
them after the session is gone.  Pages are fetched by keyset — "the next N older
than the last row shown" — so the millionth row costs what the first does.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Row, Select, and_, false, func, or_, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from db.models import Intake, LedgerEntry, Person
from desktop import ledger

_IMEI_LIKE = re.compile(r"[0-9]{6,15}")
_RECEIPT_LIKE = re.compile(r"[A-Z0-9]{1,8}-[0-9]{0,8}(-[0-9]{0,5})?")
_FULL_RECEIPT = re.compile(r"[A-Z0-9]{1,8}-[0-9]{8}-[0-9]{4,5}")
_DAY = timedelta(days=1)
_DETAIL_KINDS = (ledger.EntryKind.VOID, ledger.EntryKind.SLIP_ISSUED, ledger.EntryKind.REPRINT)


@dataclass(frozen=True)
class HistoryQuery:
    """What the clerk typed: one text (receipt, IMEI or name) and an optional date range."""

    text: str = ""
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class HistoryRow:
    receipt: str
    created_at: datetime  # UTC; the view shows it in the shop's zone
    station: str
    clerk: str
    purpose: str
    outcome: str
    refusal_reason: str
    revocation_path: str
    maker: str
    model: str
    imei1: str
    imei2: str
    name: str  # "" once the personal data was erased
    voided: bool
    void_reason: str

    def local_time(self, timezone: str) -> str:
        return f"{self.created_at.astimezone(ZoneInfo(timezone)):%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class SlipIssue:
    """One printed copy of a receipt's slip, as the ledger records it."""

    format: str  # thermal | a4
    issue_no: int  # per format: 1 = the first copy, 2… = reprints (再発行)
    issued_at: datetime  # UTC


@dataclass(frozen=True)
class ReceiptDetail:
    """What the history screen shows about one receipt beyond its row."""

    row: HistoryRow
    business_day: date
    price_yen: int
    device_os: str
    void_manager: str  # the approving manager's code; "" unless void
    voided_at: datetime | None
    slips: tuple[SlipIssue, ...]  # oldest first

    def copies(self, fmt: str) -> int:
        """How many copies of this format were issued (0: the next one is the first)."""
        return sum(1 for slip in self.slips if slip.format == fmt)


PageKey = tuple[datetime, str]  # (created_at, receipt) of the last row of a page
# The intake's columns of a HistoryRow, then the person's name (None once erased)
# and the void entry's body (None if not void).  Columns, not Intake objects: a page
# loads three times faster without the ORM's identity map (bench/history.py).
_IntakeQuery = Select[*tuple[Any, ...]]
_ROW_COLUMNS = (
    Intake.receipt,
    Intake.created_at,
    Intake.station,
    Intake.clerk,
    Intake.purpose,
    Intake.outcome,
    Intake.refusal_reason,
    Intake.revocation_path,
    Intake.maker,
    Intake.model,
    Intake.imei1,
    Intake.imei2,
)


def _make_base() -> _IntakeQuery:
    void = aliased(LedgerEntry, name="void")
    # Without ANALYZE statistics (the app never gathers them) SQLite serves
    # ``kind = 'void'`` from ix_ledger_kind_created and so reads every void entry
    # for each row shown.  Hiding kind in an expression leaves it ix_ledger_subject:
    # on a million intakes a page takes 9 ms instead of 380 (bench/history.py).
    is_void = func.coalesce(void.kind, "") == ledger.EntryKind.VOID
    return (
        select(*_ROW_COLUMNS, Person.name.label("name"), void.body.label("void_body"))
        .outerjoin(Person, Person.receipt == Intake.receipt)
        .outerjoin(void, and_(void.subject == Intake.receipt, is_void))
    )


# Built once: composing the aliased join costs more than running an indexed search.
_BASE = _make_base()


def _base() -> _IntakeQuery:
    return _BASE


def search(
    session: Session, query: HistoryQuery, *, after: PageKey | None = None, limit: int = 100
) -> list[HistoryRow]:
    """Newest first; pass the last row's :func:`page_key` as ``after`` for the next page."""
    stmt = _filtered(_base(), query)
    if after is not None:
        stmt = stmt.where(tuple_(Intake.created_at, Intake.receipt) < tuple_(*after))
    stmt = stmt.order_by(Intake.created_at.desc(), Intake.receipt.desc()).limit(limit)
    return [_row(row) for row in session.execute(stmt)]


def page_key(row: HistoryRow) -> PageKey:
    return (row.created_at, row.receipt)


def receipts_for_imei(session: Session, imei: str, *, limit: int = 20) -> list[HistoryRow]:
    """Earlier intakes of the same phone (by either IMEI slot), newest first."""
    stmt = (
        _base()
        .where(or_(Intake.imei1 == imei, Intake.imei2 == imei))
        .order_by(Intake.created_at.desc())
        .limit(limit)
    )
    return [_row(row) for row in session.execute(stmt)]


def receipt_detail(session: Session, receipt: str) -> ReceiptDetail | None:
    """One receipt with its price, void approval and issued slips; None if there is none."""
    found = session.execute(_base().where(Intake.receipt == receipt)).first()
    intake = session.get(Intake, receipt)
    if found is None or intake is None:
        return None
    void_manager, voided_at = "", None
    slips: list[SlipIssue] = []
    events = session.execute(
        select(LedgerEntry.kind, LedgerEntry.body, LedgerEntry.created_at)
        .where(LedgerEntry.subject == receipt, LedgerEntry.kind.in_(_DETAIL_KINDS))
        .order_by(LedgerEntry.created_at, LedgerEntry.id)
    )
    for kind, body, created_at in events:
        data = json.loads(body)
        if kind == ledger.EntryKind.VOID:
            void_manager, voided_at = str(data.get("manager", "")), created_at
        else:
            slips.append(SlipIssue(str(data["format"]), int(data["issue_no"]), created_at))
    return ReceiptDetail(
        row=_row(found),
        business_day=intake.business_day,
        price_yen=intake.price_yen,
        device_os=intake.device_os,
        void_manager=void_manager,
        voided_at=voided_at,
        slips=tuple(slips),
    )


def _filtered(stmt: _IntakeQuery, query: HistoryQuery) -> _IntakeQuery:
    # NFKC as the validator stores names: an IME's full-width "３５６…" or "ＳＯＮＹ"
    # finds what was saved.  Nothing is stored from here, so the folding is harmless.
    text = unicodedata.normalize("NFKC", query.text).strip()
    if text:
        compact = text.replace(" ", "").replace("-", "")
        is_number = compact.isascii() and compact.isdigit()
        receipt = text.upper()
        conditions: list[ColumnElement[bool]] = []
        if _IMEI_LIKE.fullmatch(compact):
            if len(compact) == 15:
                conditions.append(or_(Intake.imei1 == compact, Intake.imei2 == compact))
            else:  # a partial IMEI typed from a label: match its start
                conditions.append(
                    or_(_starts_with(Intake.imei1, compact), _starts_with(Intake.imei2, compact))
                )
        if _FULL_RECEIPT.fullmatch(receipt):
            conditions.append(Intake.receipt == receipt)
        elif _RECEIPT_LIKE.fullmatch(receipt):
            conditions.append(Intake.receipt.startswith(receipt))
        # A name: anywhere in it ("山田" finds "山田 太郎"); the data is erasable, so
        # the search column lives with the (outer-joined) person row.  A number or a
        # receipt is never a name, and leaving the name out of those searches keeps
        # them on the indexes: with it, one OR-ed LIKE makes every IMEI scan read the
        # whole table (bench/history.py: 1.3 s on a million intakes, against 0.2 ms).
        looks_like_receipt = _RECEIPT_LIKE.fullmatch(receipt) and any(c.isdigit() for c in text)
        if not (is_number or looks_like_receipt):
            conditions.append(Person.name.contains(text, autoescape=True))
        stmt = stmt.where(or_(*conditions) if conditions else false())
    if query.date_from is not None:
        stmt = stmt.where(
            Intake.business_day >= query.date_from,
            # The business day is the shop-local date of created_at, which lies within
            # a day of the UTC date anywhere on Earth: these looser bounds on the
            # indexed created_at let the date search read only those days.
            Intake.created_at >= _utc_midnight(query.date_from - _DAY),
        )
    if query.date_to is not None:
        stmt = stmt.where(
            Intake.business_day <= query.date_to,
            Intake.created_at < _utc_midnight(query.date_to + 2 * _DAY),
        )
    return stmt


def _starts_with(column: InstrumentedAttribute[str], digits: str) -> ColumnElement[bool]:
    """``column`` starts with ``digits``, as a range an index can serve (LIKE cannot)."""
    return and_(column >= digits, column < digits[:-1] + chr(ord(digits[-1]) + 1))


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _row(row: Row[*tuple[Any, ...]]) -> HistoryRow:
    # Unpacked by position (the order of _ROW_COLUMNS): looking each column up by
    # name costs more than the query itself on a full page.
    (
        receipt,
        created_at,
        station,
        clerk,
        purpose,
        outcome,
        refusal_reason,
        revocation_path,
        maker,
        model,
        imei1,
        imei2,
        name,
        void_body,
    ) = row
    void_reason = ""
    if void_body is not None:
        void_reason = str(json.loads(void_body).get("reason", ""))
    return HistoryRow(
        receipt=receipt,
        created_at=created_at,
        station=station,
        clerk=clerk,
        purpose=purpose,
        outcome=outcome,
        refusal_reason=refusal_reason,
        revocation_path=revocation_path,
        maker=maker,
        model=model,
        imei1=imei1,
        imei2=imei2,
        name=name or "",
        voided=void_body is not None,
        void_reason=void_reason,
    )

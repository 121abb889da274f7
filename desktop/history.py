"""History: find committed intakes by receipt, IMEI, name and date, a page at a time.

Rows are plain frozen values (never ORM objects), so a Qt table model can hold
them after the session is gone.  Pages are fetched by keyset — "the next N older
than the last row shown" — so the millionth row costs what the first does.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, or_, select, tuple_
from sqlalchemy.orm import Session, aliased

from db.models import Intake, LedgerEntry, Person
from desktop import ledger

_IMEI_LIKE = re.compile(r"[0-9]{6,15}")
_RECEIPT_LIKE = re.compile(r"[A-Z0-9]{1,8}-[0-9]{0,8}(-[0-9]{0,5})?")


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


PageKey = tuple[datetime, str]  # (created_at, receipt) of the last row of a page
# intake, person name (None once erased), the void entry's body (None if not void)
_IntakeQuery = Select[Intake, str | None, str | None]


def _base() -> _IntakeQuery:
    void = aliased(LedgerEntry)
    return (
        select(Intake, Person.name, void.body)
        .outerjoin(Person, Person.receipt == Intake.receipt)
        .outerjoin(void, and_(void.subject == Intake.receipt, void.kind == ledger.EntryKind.VOID))
    )


def search(
    session: Session, query: HistoryQuery, *, after: PageKey | None = None, limit: int = 100
) -> list[HistoryRow]:
    """Newest first; pass the last row's :func:`page_key` as ``after`` for the next page."""
    stmt = _filtered(_base(), query)
    if after is not None:
        stmt = stmt.where(tuple_(Intake.created_at, Intake.receipt) < tuple_(*after))
    stmt = stmt.order_by(Intake.created_at.desc(), Intake.receipt.desc()).limit(limit)
    return [_row(intake, name, void_body) for intake, name, void_body in session.execute(stmt)]


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
    return [_row(intake, name, void_body) for intake, name, void_body in session.execute(stmt)]


def _filtered(stmt: _IntakeQuery, query: HistoryQuery) -> _IntakeQuery:
    text = query.text.strip()
    if text:
        compact = (
            text.replace(" ", "").replace("-", "") if text.replace("-", "").isdigit() else text
        )
        conditions = []
        if _IMEI_LIKE.fullmatch(compact):
            if len(compact) == 15:
                conditions.append(or_(Intake.imei1 == compact, Intake.imei2 == compact))
            else:  # a partial IMEI typed from a label: match its start
                conditions.append(
                    or_(Intake.imei1.startswith(compact), Intake.imei2.startswith(compact))
                )
        if _RECEIPT_LIKE.fullmatch(text.upper()):
            conditions.append(Intake.receipt.startswith(text.upper()))
        # A name: anywhere in it ("山田" finds "山田 太郎"); the data is erasable, so
        # the search column lives with the (outer-joined) person row.
        conditions.append(Person.name.contains(text, autoescape=True))
        stmt = stmt.where(or_(*conditions))
    if query.date_from is not None:
        stmt = stmt.where(Intake.business_day >= query.date_from)
    if query.date_to is not None:
        stmt = stmt.where(Intake.business_day <= query.date_to)
    return stmt


def _row(intake: Intake, name: str | None, void_body: str | None) -> HistoryRow:
    void_reason = ""
    if void_body is not None:
        void_reason = str(json.loads(void_body).get("reason", ""))
    return HistoryRow(
        receipt=intake.receipt,
        created_at=intake.created_at,
        station=intake.station,
        clerk=intake.clerk,
        purpose=intake.purpose,
        outcome=intake.outcome,
        refusal_reason=intake.refusal_reason,
        revocation_path=intake.revocation_path,
        maker=intake.maker,
        model=intake.model,
        imei1=intake.imei1,
        imei2=intake.imei2,
        name=name or "",
        voided=void_body is not None,
        void_reason=void_reason,
    )

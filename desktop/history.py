"""History: find committed intakes by receipt, IMEI, name and date, a page at a time.

Rows are plain frozen values (never ORM objects), so a Qt table model can hold
them after the session is gone.  Pages are fetched by keyset — "the next N older
than the last row shown" — so the millionth row costs what the first does.

A name is found by any part of it or of its reading, spaces ignored and hiragana
read as katakana, through the name tokens (``desktop.name_tokens``): a name that
matches nothing costs one index probe, whatever the size of the table.  A slip's QR
code, typed by a scanner into the same search field, is checked by
:func:`check_scanned_slip`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    and_,
    bindparam,
    exists,
    func,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from db.models import Intake, LedgerEntry, Person, PersonNameToken, Station
from desktop import ledger
from desktop.keys import signature_is_valid
from desktop.name_tokens import prefix_range, search_key
from desktop.slips import PAYLOAD_PREFIX, SlipPayload, payload_entry

_IMEI_LIKE = re.compile(r"[0-9]{6,15}")
_RECEIPT_LIKE = re.compile(r"[A-Z0-9]{1,8}-[0-9]{0,8}(-[0-9]{0,5})?")
_FULL_RECEIPT = re.compile(r"[A-Z0-9]{1,8}-[0-9]{8}-[0-9]{4,5}")
_DAY = timedelta(days=1)
_DETAIL_KINDS = (ledger.EntryKind.VOID, ledger.EntryKind.SLIP_ISSUED, ledger.EntryKind.REPRINT)
# Past this many matching tokens a name search walks the newest intakes and keeps
# those whose person has a matching token (a common surname fills a page at once);
# below it, it reads the few matching people and sorts them (a rare name, which the
# walk would have to read the whole table for).  Measured in bench/history.py.
NAME_WALK_FROM = 5000
_IN_TOKEN_RANGE = and_(
    PersonNameToken.token >= bindparam("token_low"), PersonNameToken.token < bindparam("token_high")
)
_NAME_MATCHES = select(func.count()).select_from(
    select(PersonNameToken.receipt).where(_IN_TOKEN_RANGE).limit(NAME_WALK_FROM).subquery()
)


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
    replaced_by: str  # the intake that corrects this one (a void with a correction), or ""
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
    found = _filtered(session, query)
    if found is None:  # nothing can match (a name no token starts with)
        return []
    conditions, few = found
    if after is not None:
        conditions.append(tuple_(Intake.created_at, Intake.receipt) < tuple_(*after))
    newest_first = (Intake.created_at.desc(), Intake.receipt.desc())
    if few:
        # A few people by name: choose the page's receipts from the intake rows alone,
        # then join the person and the void to those only (bench/history.py: a full
        # name's 680 matches on a million intakes, 19 ms against 9).
        page = (
            select(Intake.receipt).where(*conditions).order_by(*newest_first).limit(limit)
        ).subquery()
        stmt = _base().where(Intake.receipt.in_(select(page.c.receipt)))
    else:
        stmt = _base().where(*conditions).limit(limit)
    return [_row(row) for row in session.execute(stmt.order_by(*newest_first))]


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
    void_manager, voided_at, replaced_by = "", None, ""
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
            replaced_by = str(data.get("replaced_by", ""))
        else:
            slips.append(SlipIssue(str(data["format"]), int(data["issue_no"]), created_at))
    return ReceiptDetail(
        row=_row(found),
        business_day=intake.business_day,
        price_yen=intake.price_yen,
        device_os=intake.device_os,
        void_manager=void_manager,
        voided_at=voided_at,
        replaced_by=replaced_by,
        slips=tuple(slips),
    )


def _filtered(
    session: Session, query: HistoryQuery
) -> tuple[list[ColumnElement[bool]], bool] | None:
    """The query's conditions on the intake, and whether they pick a few people by name
    (see :func:`_name_condition`); None when no intake can match."""
    where: list[ColumnElement[bool]] = []
    few = False
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
        # A name: any part of it or of its reading (desktop.name_tokens).  A number or
        # a receipt is never a name, and leaving the name out of those searches keeps
        # them on their own indexes.
        looks_like_receipt = _RECEIPT_LIKE.fullmatch(receipt) and any(c.isdigit() for c in text)
        if not (is_number or looks_like_receipt):
            name = _name_condition(session, text)
            if name is not None:
                conditions.append(name[0])
                few = name[1] and len(conditions) == 1
        if not conditions:
            return None
        where.append(or_(*conditions))
    if query.date_from is not None:
        where += [
            Intake.business_day >= query.date_from,
            # The business day is the shop-local date of created_at, which lies within
            # a day of the UTC date anywhere on Earth: these looser bounds on the
            # indexed created_at let the date search read only those days.
            Intake.created_at >= _utc_midnight(query.date_from - _DAY),
        ]
    if query.date_to is not None:
        where += [
            Intake.business_day <= query.date_to,
            Intake.created_at < _utc_midnight(query.date_to + 2 * _DAY),
        ]
    return where, few


def _name_condition(session: Session, text: str) -> tuple[ColumnElement[bool], bool] | None:
    """Intakes whose person has a token starting with the folded ``text``, and whether
    they are few; None if no token does.

    One probe counts the matching tokens (up to NAME_WALK_FROM, an index range) and
    chooses the plan: none — the search is over; a few — read exactly those people;
    many — walk the newest intakes and test each one's tokens (by its primary key).
    """
    key = search_key(text)
    if not key:
        return None
    low, high = prefix_range(key)
    matches = session.execute(_NAME_MATCHES, {"token_low": low, "token_high": high}).scalar_one()
    in_range = and_(PersonNameToken.token >= low, PersonNameToken.token < high)
    if matches == 0:
        return None
    if matches < NAME_WALK_FROM:
        return Intake.receipt.in_(select(PersonNameToken.receipt).where(in_range)), True
    return exists().where(PersonNameToken.receipt == Intake.receipt, in_range), False


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


# ---------------------------------------------------------------------------
# A slip's QR code at the counter


class SlipStanding(StrEnum):
    """What a scanned slip code says about its record in this ledger."""

    STANDING = "standing"  # genuine, and the intake stands
    VOIDED = "voided"  # genuine, but the intake was voided since
    NOT_IN_LEDGER = "not_in_ledger"  # no such record here: another shop's, another database's
    NOT_GENUINE = "not_genuine"  # not a slip code, or its signature does not verify
    DAMAGED = "damaged"  # the code is genuine, but this ledger's record of it does not verify


@dataclass(frozen=True)
class ScannedSlip:
    """The verdict on one scanned code, in both languages (the screen shows it as is)."""

    standing: SlipStanding
    ja: str
    en: str
    receipt: str = ""  # the record's receipt when this ledger has it
    void_reason: str = ""
    replaced_by: str = ""

    @property
    def genuine(self) -> bool:
        return self.standing in (SlipStanding.STANDING, SlipStanding.VOIDED)


def looks_like_slip_code(text: str) -> bool:
    """Whether the search field holds a slip's QR payload (``RD1:…``) rather than a search.

    NFKC first: with the input method on, a scanner's keystrokes arrive full-width.
    """
    return unicodedata.normalize("NFKC", text).strip().upper().startswith(f"{PAYLOAD_PREFIX}:")


def check_scanned_slip(session: Session, text: str) -> ScannedSlip:
    """Check a scanned slip code ``RD1:STATION:SEQ:ENTRY_HASH:SIGNATURE`` against this ledger.

    As ``desktop.slips.verify_slip`` checks the payload part of a PDF: the signature
    over the entry hash with the station's certificate in force at that entry, then
    the entry itself (same hash, and the entry verifies on its own), then whether a
    void entry names its receipt.  The paper cannot prove which copy it is (a
    photocopy reads the same): that is what ``verify-slip`` on the PDF is for.
    """
    payload = SlipPayload.decode(unicodedata.normalize("NFKC", text).strip())
    hash_bytes = _hex(payload.entry_hash) if payload is not None else None
    if payload is None or hash_bytes is None or payload.seq < 1:
        return ScannedSlip(
            SlipStanding.NOT_GENUINE,
            "読み取ったコードは Revoke Desk の控えのコードではありません（形式が違います）",
            "the scanned code is not a Revoke Desk slip code (malformed)",
        )
    place = f"{payload.station} #{payload.seq}"
    station = session.get(Station, payload.station)
    if station is None:
        return ScannedSlip(
            SlipStanding.NOT_IN_LEDGER,
            f"レジ {payload.station} はこの台帳にありません。他の店の控えではありませんか",
            f"station {payload.station} is not in this ledger: another shop's slip?",
        )
    try:
        history = ledger.certificate_history(session, station)
    except (ValueError, KeyError, TypeError):
        return _damaged(place, f"station {payload.station}'s key rotations cannot be read")
    certificate = ledger.certificate_at(history, payload.seq).certificate
    if not signature_is_valid(certificate, hash_bytes, payload.signature):
        return ScannedSlip(
            SlipStanding.NOT_GENUINE,
            f"コードの署名がレジ {payload.station} の証明書で確認できません。"
            "本物の控えではないか、書き換えられています",
            f"the code's signature does not verify with station {payload.station}'s "
            "certificate: not a genuine slip, or an altered one",
        )
    entry = payload_entry(session, payload)
    if entry is None:
        return ScannedSlip(
            SlipStanding.NOT_IN_LEDGER,
            f"署名は本物ですが、この台帳に記録 {place} がありません"
            "（別のデータベースの控えか、台帳が欠けています）",
            f"the signature is genuine, but record {place} is not in this ledger "
            "(a slip of another database, or the ledger lacks it)",
        )
    problem = ledger.entry_problem(entry, certificate)
    if problem is not None:
        return _damaged(place, problem)
    receipt = entry.subject
    void_body = session.execute(
        select(LedgerEntry.body)
        .where(LedgerEntry.subject == receipt, LedgerEntry.kind == ledger.EntryKind.VOID)
        .limit(1)
    ).scalar_one_or_none()
    if void_body is not None:
        void = json.loads(void_body)
        reason, replaced_by = str(void.get("reason", "")), str(void.get("replaced_by", ""))
        correction_ja = f"（訂正後の受付: {replaced_by}）" if replaced_by else ""
        correction_en = f" (corrected by {replaced_by})" if replaced_by else ""
        return ScannedSlip(
            SlipStanding.VOIDED,
            f"本物の控えですが、受付 {receipt} は取り消されています — 理由: {reason}{correction_ja}",
            f"a genuine slip, but receipt {receipt} has been voided — reason: {reason}"
            f"{correction_en}",
            receipt,
            reason,
            replaced_by,
        )
    return ScannedSlip(
        SlipStanding.STANDING,
        f"本物の控えです。受付 {receipt} は有効です（取消なし）",
        f"a genuine slip: receipt {receipt} stands (not voided)",
        receipt,
    )


def _hex(text: str) -> bytes | None:
    if len(text) != 64:
        return None
    try:
        return bytes.fromhex(text)
    except ValueError:
        return None


def _damaged(place: str, problem: str) -> ScannedSlip:
    return ScannedSlip(
        SlipStanding.DAMAGED,
        f"控えのコードは本物ですが、台帳の記録 {place} が検証できません。"
        "revoke-desk verify で台帳を確認してください",
        f"the code is genuine, but ledger record {place} does not verify ({problem}): "
        "run revoke-desk verify",
    )

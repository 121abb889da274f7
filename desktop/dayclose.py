"""Day close: the manager's end-of-day summary of one station, sealed in the ledger.

``close_day`` reads the shop-local business day of one station, renders its exports
in memory (the signed day report, the intakes as CSV and XLSX: ``desktop.exports``)
and appends one signed ``day_closed`` ledger entry whose body holds the day, the
counts, the chain head at the moment of closing and the SHA-256 of every export.
All in the caller's transaction: if anything fails (a character CP932 cannot
encode, a full disk while the folder is written) nothing is recorded.

A day closes once per station.  An entry made after its own day was closed (an
intake of 27 Nov committed after 27 Nov's close, a void or reprint dated that day)
is *late*: the next close of the station reports it, marked, in its report and CSV.
Precisely: the close reports as late every intake, void and reprint of its chain
made after the previous close entry whose own day already has a close.

The summary (:class:`DayClose`) is a frozen value: the renderers and the export
writer never see a session.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Intake, LedgerEntry, Person, Shop
from desktop import ledger
from desktop.domain import PURPOSE_LABELS, Purpose
from desktop.errors import UserError
from desktop.keys import StationSigner

Progress = Callable[[str, int], None]

LATE_KINDS = (ledger.EntryKind.INTAKE, ledger.EntryKind.VOID, ledger.EntryKind.REPRINT)

OUTCOME_LABELS = {"accepted": "受付", "refused": "受付不可"}
OS_LABELS = {"android": "Android", "iphone": "iPhone", "other": "その他"}
REFUSAL_LABELS = {
    "performed_by_other": "本人以外が手続き / performed by someone else",
    "holder_not_present": "本人不在 / holder not present",
    "clerk_assisted": "従業員が関与 / clerk assisted",
    "certificate_unknown": "証明書の有無不明 / certificate unknown",
    "not_done": "失効未了 / not revoked",
}


@dataclass(frozen=True)
class IntakeLine:
    """One intake as the day's exports list it (personal fields "" once erased)."""

    receipt: str
    business_day: date
    created_at: datetime  # UTC
    seq: int
    clerk: str
    purpose: str
    outcome: str
    refusal_reason: str
    price_yen: int
    device_os: str
    maker: str
    model: str
    color: str
    storage_gb: int | None
    imei1: str
    imei2: str
    serial: str
    network_restriction: str
    revocation_path: str
    suspected_stolen: bool
    id_document_type: str
    voided: bool
    void_reason: str
    late: bool  # made after its own day was closed: reported with this close
    # Personal data (DOMAIN.md §3/§5): see desktop.exports for which reach an export.
    name: str
    address: str
    occupation: str
    age: int | None


@dataclass(frozen=True)
class Event:
    """A void, reprint or late entry: what the exceptions list shows."""

    kind: str  # "refusal" | "void" | "reprint" | "late"
    seq: int
    at: datetime  # UTC
    receipt: str
    detail: str


@dataclass(frozen=True)
class DayClose:
    """The frozen summary of one closed day (or, before ``close_day`` appends, of a day)."""

    station: str
    day: date
    timezone: str
    shop_name: str
    manager: str
    closed_at: datetime  # UTC
    intakes: tuple[IntakeLine, ...]  # the day's own, oldest first
    late_intakes: tuple[IntakeLine, ...]  # earlier days', made after their close
    refusals: tuple[Event, ...]
    voids: tuple[Event, ...]
    reprints: tuple[Event, ...]
    late: tuple[Event, ...]
    head: ledger.ChainHead  # the chain head at the moment of closing (before the close entry)
    fingerprint: str
    close_entry: ledger.ChainHead | None = None  # the day_closed entry, once appended
    encoding: str = "utf-8-sig"
    files: Mapping[str, bytes] = field(default_factory=dict)  # name → exact bytes

    @property
    def counts(self) -> dict[str, Any]:
        """The counts as the close entry and the manifest hold them (plain JSON)."""
        return day_counts(self.intakes, self.voids, self.reprints, self.late)

    @property
    def exceptions(self) -> tuple[Event, ...]:
        return tuple(
            sorted((*self.refusals, *self.voids, *self.reprints, *self.late), key=lambda e: e.seq)
        )


def day_counts(
    intakes: tuple[IntakeLine, ...],
    voids: tuple[Event, ...],
    reprints: tuple[Event, ...],
    late: tuple[Event, ...],
) -> dict[str, Any]:
    return {
        "intakes": len(intakes),
        "outcome": dict(sorted(Counter(i.outcome for i in intakes).items())),
        "purpose": dict(sorted(Counter(i.purpose for i in intakes).items())),
        "path": dict(sorted(Counter(i.revocation_path for i in intakes).items())),
        "os": dict(sorted(Counter(i.device_os for i in intakes).items())),
        "voids": len(voids),
        "reprints": len(reprints),
        "late": len(late),
    }


def _noop(stage: str, percent: int) -> None:
    del stage, percent


def local_day(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()


def day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    """The UTC instants of the shop-local midnight starting ``day`` and the next one."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(day, time(), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
    return start, end


def close_entries(session: Session, station: str) -> list[LedgerEntry]:
    return list(
        session.scalars(
            select(LedgerEntry)
            .where(
                LedgerEntry.station == station,
                LedgerEntry.kind == ledger.EntryKind.DAY_CLOSED,
            )
            .order_by(LedgerEntry.seq)
        )
    )


def find_close(session: Session, station: str, day: date) -> LedgerEntry | None:
    return session.scalars(
        select(LedgerEntry).where(
            LedgerEntry.station == station,
            LedgerEntry.kind == ledger.EntryKind.DAY_CLOSED,
            LedgerEntry.subject == day.isoformat(),
        )
    ).first()


def close_day(
    session: Session,
    signer: StationSigner,
    *,
    day: date,
    manager: str,
    now: datetime,
    encoding: str = "utf-8-sig",
    progress: Progress | None = None,
) -> DayClose:
    """Close ``day`` of the signer's station, in the caller's transaction.

    The caller has already checked the manager's PIN.  Renders the exports in memory
    (so that their SHA-256 go into the signed close entry) and appends the entry;
    ``desktop.exports.export_day`` then writes the folder.
    """
    from desktop import exports  # noqa: PLC0415 - ReportLab/openpyxl only when closing

    report = progress or _noop
    station = signer.station
    ledger.lock_station(session, station)  # nobody appends between the head and the close
    shop = session.scalars(select(Shop)).one()
    if day > local_day(now, shop.timezone):
        raise UserError(
            f"{day} はまだ来ていないため締められません",
            f"{day} is in the future: it cannot be closed",
        )
    previous = find_close(session, station, day)
    if previous is not None:
        raise UserError(
            f"ステーション {station} の {day} は既に締められています（台帳 #{previous.seq}）",
            f"{day} of station {station} is already closed (ledger entry #{previous.seq})",
        )
    report("reading", 5)
    summary = summarise_day(session, station, day, timezone=shop.timezone, manager=manager, now=now)
    summary = replace(summary, shop_name=shop.name, fingerprint=signer.fingerprint)
    report("rendering", 25)
    files = exports.render_files(summary, signer, encoding=encoding, progress=report)
    report("sealing", 90)
    close_entry = ledger.append_locked(
        session,
        signer,
        ledger.EntryKind.DAY_CLOSED,
        {
            "day": day.isoformat(),
            "manager": manager,
            "counts": summary.counts,
            "head": {"seq": summary.head.seq, "entry_hash": summary.head.entry_hash},
            "encoding": encoding,
            "exports": {name: exports.sha256(data) for name, data in sorted(files.items())},
            "late": [e.seq for e in summary.late],
        },
        now=now,
        subject=day.isoformat(),
    )
    report("closed", 95)
    return replace(summary, close_entry=close_entry, encoding=encoding, files=dict(files))


def summarise_day(
    session: Session,
    station: str,
    day: date,
    *,
    timezone: str,
    manager: str,
    now: datetime,
) -> DayClose:
    """What the close of ``day`` would report now (reads only)."""
    head = ledger.chain_head(session, station)
    closes = close_entries(session, station)
    closed_days = {date.fromisoformat(json.loads(c.body)["day"]) for c in closes}
    last_close_seq = closes[-1].seq if closes else 0
    start, end = day_bounds(day, timezone)

    intakes = _intake_lines(
        session,
        select(Intake, LedgerEntry.body, Person.data)
        .join(
            LedgerEntry,
            (LedgerEntry.station == Intake.station) & (LedgerEntry.seq == Intake.seq),
        )
        .outerjoin(Person, Person.receipt == Intake.receipt)
        .where(Intake.station == station, Intake.business_day == day)
        .order_by(Intake.seq),
        late=False,
    )

    # Events of this chain: voids and reprints dated this day, and anything after the
    # previous close whose own day is closed already (late).
    events = session.execute(
        select(
            LedgerEntry.seq,
            LedgerEntry.kind,
            LedgerEntry.subject,
            LedgerEntry.body,
            LedgerEntry.created_at,
        )
        .where(
            LedgerEntry.station == station,
            LedgerEntry.kind.in_(LATE_KINDS),
            ((LedgerEntry.created_at >= start) & (LedgerEntry.created_at < end))
            | (LedgerEntry.seq > last_close_seq),
        )
        .order_by(LedgerEntry.seq)
    ).all()
    voids: list[Event] = []
    reprints: list[Event] = []
    late: list[Event] = []
    late_receipts: list[str] = []
    for seq, kind, subject, raw, created_at in events:
        body = json.loads(raw)
        own_day = (
            date.fromisoformat(body["business_day"])
            if kind == ledger.EntryKind.INTAKE
            else local_day(created_at, timezone)
        )
        if seq > last_close_seq and own_day != day and own_day in closed_days:
            late.append(Event("late", seq, created_at, subject, _late_detail(kind, body, own_day)))
            if kind == ledger.EntryKind.INTAKE:
                late_receipts.append(subject)
            continue
        if own_day != day:
            continue
        if kind == ledger.EntryKind.VOID:
            voids.append(
                Event("void", seq, created_at, subject, f"{body['reason']}（{body['manager']}）")
            )
        elif kind == ledger.EntryKind.REPRINT:
            reprints.append(
                Event(
                    "reprint",
                    seq,
                    created_at,
                    subject,
                    f"{body['format']} #{int(body['issue_no']) - 1}",
                )
            )
    late_intakes = (
        _intake_lines(
            session,
            select(Intake, LedgerEntry.body, Person.data)
            .join(
                LedgerEntry,
                (LedgerEntry.station == Intake.station) & (LedgerEntry.seq == Intake.seq),
            )
            .outerjoin(Person, Person.receipt == Intake.receipt)
            .where(Intake.receipt.in_(late_receipts))
            .order_by(Intake.seq),
            late=True,
        )
        if late_receipts
        else ()
    )
    refusals = tuple(
        Event(
            "refusal",
            i.seq,
            i.created_at,
            i.receipt,
            REFUSAL_LABELS.get(i.refusal_reason, i.refusal_reason),
        )
        for i in intakes
        if i.outcome == "refused"
    )
    return DayClose(
        station=station,
        day=day,
        timezone=timezone,
        shop_name="",
        manager=manager,
        closed_at=now,
        intakes=intakes,
        late_intakes=late_intakes,
        refusals=refusals,
        voids=tuple(voids),
        reprints=tuple(reprints),
        late=tuple(late),
        head=head,
        fingerprint="",
    )


def _late_detail(kind: str, body: dict[str, Any], own_day: date) -> str:
    what = {
        ledger.EntryKind.INTAKE: "受付 intake",
        ledger.EntryKind.VOID: "取消 void",
        ledger.EntryKind.REPRINT: "再発行 reprint",
    }[kind]
    return f"{own_day} 締め後 / after the close of {own_day}: {what}"


def _intake_lines(session: Session, stmt: Any, *, late: bool) -> tuple[IntakeLine, ...]:
    rows = session.execute(stmt).all()
    receipts = [row[0].receipt for row in rows]
    void_bodies: dict[str, str] = {}
    if receipts:
        void_bodies = {
            subject: body
            for subject, body in session.execute(
                select(LedgerEntry.subject, LedgerEntry.body).where(
                    LedgerEntry.kind == ledger.EntryKind.VOID,
                    LedgerEntry.subject.in_(receipts),
                )
            )
        }
    lines = []
    for intake, raw, person in rows:
        body = json.loads(raw)
        device = body["device"]
        data: dict[str, Any] = person or {}
        void_body = void_bodies.get(intake.receipt)
        age = data.get("age")
        lines.append(
            IntakeLine(
                receipt=intake.receipt,
                business_day=intake.business_day,
                created_at=intake.created_at,
                seq=intake.seq,
                clerk=intake.clerk,
                purpose=intake.purpose,
                outcome=intake.outcome,
                refusal_reason=intake.refusal_reason,
                price_yen=intake.price_yen,
                device_os=intake.device_os,
                maker=intake.maker,
                model=intake.model,
                color=str(device.get("color", "")),
                storage_gb=device.get("storage_gb"),
                imei1=intake.imei1,
                imei2=intake.imei2,
                serial=str(device.get("serial", "")),
                network_restriction=str(device.get("network_restriction", "")),
                revocation_path=intake.revocation_path,
                suspected_stolen=bool(body.get("suspected_stolen", False)),
                id_document_type=str(body.get("id_document_type", "")),
                voided=void_body is not None,
                void_reason=str(json.loads(void_body).get("reason", "")) if void_body else "",
                late=late,
                name=str(data.get("name", "")),
                address=str(data.get("address", "")),
                occupation=str(data.get("occupation", "")),
                age=int(age) if isinstance(age, int) else None,
            )
        )
    return tuple(lines)


def purpose_label(purpose: str) -> str:
    try:
        return PURPOSE_LABELS[Purpose(purpose)][0]
    except ValueError:
        return purpose

"""Day close: the manager's end-of-day summary of one station, sealed in the ledger.

``day_to_close`` reads the shop-local business day of one station; ``close_day``
seals the exports it is given (rendered from that summary by ``desktop.exports``: the
signed day report, the intakes as CSV and XLSX) in one signed ``day_closed`` ledger
entry whose body holds the day, the counts, the chain head at the moment of closing
and the SHA-256 of every export.  All in the caller's transaction: if anything fails
(a character CP932 cannot encode, a full disk while the folder is written) nothing
is recorded.  This module renders nothing and imports no renderer.

A day closes once per station.  An entry made after its own day was closed (an
intake of 27 Nov committed after 27 Nov's close, a void or reprint dated that day)
is *late*: the next close of the station reports it, marked, in its report and CSV.
Precisely: the close reports as late every intake, void and reprint of its chain
made after the previous close entry whose own day already has a close.

The counts (:func:`day_counts`, rules version 2) never count a voided intake as taken
in: it is counted as voided, apart from the accepted and refused ones, and the money
total per purpose is the accepted, not voided intakes' prices (:func:`purpose_totals`).

The summary (:class:`DayClose`) is a frozen value: the renderers and the export
writer never see a session.
"""

from __future__ import annotations

import hashlib
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
from desktop.catalogue import RevocationCatalogue, bundled_revocation_catalogue
from desktop.domain import REFUSAL_REASON_LABELS, Label, Purpose, label
from desktop.errors import UserError
from desktop.keys import StationSigner
from reports.snapshot import SlipFormat

Progress = Callable[[str, int], None]

LATE_KINDS = (ledger.EntryKind.INTAKE, ledger.EntryKind.VOID, ledger.EntryKind.REPRINT)

# The rules the counts follow; stored in the counts so that ``verify-export`` recounts an
# old close by the rules it was made under.  1: every intake of the day counted (voided
# ones too).  2: voided intakes apart, amounts of the accepted ones per purpose.
COUNTS_VERSION = 2
ACCEPTED, REFUSED = "accepted", "refused"
# The slip formats as the GUI names them (ui.history), for the reprints listed.
SLIP_FORMAT_LABELS: dict[SlipFormat, Label] = {
    SlipFormat.THERMAL: ("レシート / receipt roll", "receipt roll"),
    SlipFormat.A4: ("A4", "A4"),
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
    id_document_name: str  # the document's own name when its type is "other"
    voided: bool
    void_reason: str
    void_seq: int  # the void entry's seq (0 when not voided)
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
    # Revocation path id → its title in the catalogue (ja, en), for every path the
    # exports name; an id the catalogue does not know shows as itself.
    path_titles: Mapping[str, Label] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, Any]:
        """The counts as the close entry and the manifest hold them (plain JSON)."""
        return day_counts(self.intakes, self.voids, self.reprints, self.late)

    def path_title(self, path_id: str) -> Label:
        return self.path_titles.get(path_id, (path_id, path_id))

    @property
    def exceptions(self) -> tuple[Event, ...]:
        return tuple(
            sorted((*self.refusals, *self.voids, *self.reprints, *self.late), key=lambda e: e.seq)
        )


@dataclass(frozen=True)
class PurposeTotal:
    """One purpose's intakes of a day: how many of each kind, and the money accepted."""

    purpose: str
    accepted: int  # accepted and not voided
    refused: int  # refused and not voided
    voided: int  # voided, whatever the outcome: neither taken in nor refused
    amount_yen: int  # the prices of the accepted, not voided intakes

    def as_json(self) -> dict[str, int]:
        return {
            "accepted": self.accepted,
            "refused": self.refused,
            "voided": self.voided,
            "amount_yen": self.amount_yen,
        }


def purpose_totals(intakes: tuple[IntakeLine, ...]) -> tuple[PurposeTotal, ...]:
    """Every purpose (each of the four, in their order, then any unknown one) and its totals."""
    order = [p.value for p in Purpose]
    order += sorted({i.purpose for i in intakes} - set(order))
    totals = []
    for purpose in order:
        lines = [i for i in intakes if i.purpose == purpose]
        accepted = [i for i in lines if not i.voided and i.outcome == ACCEPTED]
        totals.append(
            PurposeTotal(
                purpose=purpose,
                accepted=len(accepted),
                refused=sum(1 for i in lines if not i.voided and i.outcome == REFUSED),
                voided=sum(1 for i in lines if i.voided),
                amount_yen=sum(i.price_yen for i in accepted),
            )
        )
    return tuple(totals)


def day_counts(
    intakes: tuple[IntakeLine, ...],
    voids: tuple[Event, ...],
    reprints: tuple[Event, ...],
    late: tuple[Event, ...],
) -> dict[str, Any]:
    """The day's counts (rules version 2): a voided intake is counted only as voided.

    ``intakes`` are the standing ones (accepted + refused); ``voided`` the day's
    intakes voided before the close; ``voids`` every void entry dated this day (an
    earlier day's intake may be voided today).  Paths, OS and hours count standing
    intakes only.
    """
    standing = [i for i in intakes if not i.voided]
    outcome = Counter(i.outcome for i in standing)
    return {
        "version": COUNTS_VERSION,
        "intakes": len(standing),
        "outcome": {
            ACCEPTED: outcome.pop(ACCEPTED, 0),
            REFUSED: outcome.pop(REFUSED, 0),
            **dict(sorted(outcome.items())),
        },
        "voided": len(intakes) - len(standing),
        "purpose": {t.purpose: t.as_json() for t in purpose_totals(intakes)},
        "path": dict(sorted(Counter(i.revocation_path for i in standing).items())),
        "os": dict(sorted(Counter(i.device_os for i in standing).items())),
        "voids": len(voids),
        "reprints": len(reprints),
        "late": len(late),
    }


def legacy_day_counts(intakes: tuple[IntakeLine, ...]) -> dict[str, Any]:
    """The counts of rules version 1 (before 2026-11), for ``verify-export`` of old closes.

    Every intake counted, voided or not; no amounts.  ``voids``, ``reprints`` and
    ``late`` are not recounted from the intakes.
    """
    return {
        "intakes": len(intakes),
        "outcome": dict(sorted(Counter(i.outcome for i in intakes).items())),
        "purpose": dict(sorted(Counter(i.purpose for i in intakes).items())),
        "path": dict(sorted(Counter(i.revocation_path for i in intakes).items())),
        "os": dict(sorted(Counter(i.device_os for i in intakes).items())),
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


def _of_station(station: str) -> Any:
    """``ledger_entry.station = station``, written so that no index serves it.

    SQLite plans without statistics (the app never gathers them), and then prefers the
    unique (station, seq) index for any ``station = ?`` — which walks every entry of the
    station's chain, growing by a thousand a busy day, where a query on the kind (and
    time or subject) reads a handful through ``ix_ledger_kind_created`` or
    ``ix_ledger_subject``.  ``station || ''`` is the same test on SQLite and
    PostgreSQL, and no index on ``station`` matches it.
    """
    return LedgerEntry.station.concat("") == station


def find_close(session: Session, station: str, day: date) -> LedgerEntry | None:
    return session.scalars(
        select(LedgerEntry).where(
            _of_station(station),
            LedgerEntry.kind == ledger.EntryKind.DAY_CLOSED,
            LedgerEntry.subject == day.isoformat(),
        )
    ).first()


def day_to_close(
    session: Session,
    signer: StationSigner,
    *,
    day: date,
    manager: str,
    now: datetime,
    progress: Progress | None = None,
    catalogue: RevocationCatalogue | None = None,
) -> DayClose:
    """The summary of ``day`` of the signer's station, about to be closed.

    Locks the station's chain (nobody appends between the head read here and the close
    entry :func:`close_day` appends, in the same transaction), and refuses a day still
    to come and a day closed already.
    """
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
    summary = summarise_day(
        session,
        station,
        day,
        timezone=shop.timezone,
        manager=manager,
        now=now,
        catalogue=catalogue,
    )
    return replace(summary, shop_name=shop.name, fingerprint=signer.fingerprint)


def close_day(
    session: Session,
    signer: StationSigner,
    summary: DayClose,
    files: Mapping[str, bytes],
    *,
    encoding: str,
) -> DayClose:
    """Seal the day of ``summary`` (from :func:`day_to_close`) and its exports ``files``.

    Appends the signed ``day_closed`` entry, in the caller's transaction: the day, the
    counts, the chain head and the SHA-256 of every file (named as in the folder,
    ``desktop.export_folder``), so that a changed file is told from the ledger.
    """
    day = summary.day.isoformat()
    close_entry = ledger.append_locked(
        session,
        signer,
        ledger.EntryKind.DAY_CLOSED,
        {
            "day": day,
            "manager": summary.manager,
            "counts": summary.counts,
            "head": {"seq": summary.head.seq, "entry_hash": summary.head.entry_hash},
            "encoding": encoding,
            "exports": {
                name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())
            },
            "late": [e.seq for e in summary.late],
        },
        now=summary.closed_at,
        subject=day,
    )
    return replace(summary, close_entry=close_entry, encoding=encoding, files=dict(files))


def summarise_day(
    session: Session,
    station: str,
    day: date,
    *,
    timezone: str,
    manager: str,
    now: datetime,
    catalogue: RevocationCatalogue | None = None,
) -> DayClose:
    """What the close of ``day`` would report now (reads only)."""
    head = ledger.chain_head(session, station)
    closes = session.execute(
        select(LedgerEntry.seq, LedgerEntry.body)
        .where(
            _of_station(station),
            LedgerEntry.kind == ledger.EntryKind.DAY_CLOSED,
        )
        .order_by(LedgerEntry.seq)
    ).all()
    closed_days = {date.fromisoformat(json.loads(body)["day"]) for _, body in closes}
    last_close_seq = closes[-1].seq if closes else 0
    start, end = day_bounds(day, timezone)

    intakes = _intake_lines(
        session,
        select(*_INTAKE_COLUMNS, LedgerEntry.body, *_PERSON_FIELDS)
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
    # previous close whose own day is closed already (late).  Read in two bounded parts,
    # by indexed columns, and no ledger body parsed: what a day's voids and reprints say
    # is read for that day's entries only, and a late entry is told by its kind, its
    # own day (an intake's business day, anything else's local date) and its seq.
    voids: list[Event] = []
    reprints: list[Event] = []
    day_events = session.execute(
        select(
            LedgerEntry.seq,
            LedgerEntry.kind,
            LedgerEntry.subject,
            LedgerEntry.body,
            LedgerEntry.created_at,
        )
        .where(
            _of_station(station),
            LedgerEntry.kind.in_((ledger.EntryKind.VOID, ledger.EntryKind.REPRINT)),
            LedgerEntry.created_at >= start,
            LedgerEntry.created_at < end,
        )
        .order_by(LedgerEntry.seq)
    )
    for seq, kind, subject, raw, created_at in day_events:
        body = json.loads(raw)
        if kind == ledger.EntryKind.VOID:
            voids.append(
                Event("void", seq, created_at, subject, f"{body['reason']}（{body['manager']}）")
            )
        else:
            reprints.append(
                Event(
                    "reprint",
                    seq,
                    created_at,
                    subject,
                    f"{label(SLIP_FORMAT_LABELS, body['format'])[0]} #{int(body['issue_no']) - 1}",
                )
            )
    late, late_receipts = _late_events(
        session,
        station,
        day=day,
        timezone=timezone,
        last_close_seq=last_close_seq,
        closed_days=closed_days,
    )
    late_intakes = (
        _intake_lines(
            session,
            select(*_INTAKE_COLUMNS, LedgerEntry.body, *_PERSON_FIELDS)
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
            " / ".join(label(REFUSAL_REASON_LABELS, i.refusal_reason)),
        )
        for i in intakes
        if i.outcome == REFUSED
    )
    paths = (catalogue or bundled_revocation_catalogue()).paths.values()
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
        path_titles={p.id: (p.title.ja, p.title.en) for p in paths},
    )


_LATE_WHAT = {
    ledger.EntryKind.INTAKE: "受付 intake",
    ledger.EntryKind.VOID: "取消 void",
    ledger.EntryKind.REPRINT: "再発行 reprint",
}


def _late_detail(kind: str, own_day: date) -> str:
    return f"{own_day} 締め後 / after the close of {own_day}: {_LATE_WHAT[kind]}"


def _late_events(
    session: Session,
    station: str,
    *,
    day: date,
    timezone: str,
    last_close_seq: int,
    closed_days: set[date],
) -> tuple[list[Event], list[str]]:
    """Every intake, void and reprint after the previous close whose own day (not
    ``day``) is closed, and the receipts of the intakes among them: none before a
    station's first close, and otherwise only the entries since the last close are
    read, as narrow rows."""
    late: list[Event] = []
    receipts: list[str] = []
    if not closed_days:
        return late, receipts
    rows = session.execute(
        select(
            LedgerEntry.seq,
            LedgerEntry.kind,
            LedgerEntry.subject,
            LedgerEntry.created_at,
            Intake.business_day,
        )
        .outerjoin(
            Intake,
            (Intake.station == LedgerEntry.station) & (Intake.seq == LedgerEntry.seq),
        )
        .where(
            LedgerEntry.station == station,
            LedgerEntry.seq > last_close_seq,
            LedgerEntry.kind.in_(LATE_KINDS),
        )
        .order_by(LedgerEntry.seq)
    )
    for seq, kind, subject, created_at, business_day in rows:
        own_day = (
            business_day
            if kind == ledger.EntryKind.INTAKE and business_day is not None
            else local_day(created_at, timezone)
        )
        if own_day != day and own_day in closed_days:
            late.append(Event("late", seq, created_at, subject, _late_detail(kind, own_day)))
            if kind == ledger.EntryKind.INTAKE:
                receipts.append(subject)
    return late, receipts


# The intake's own columns an export line needs (columns, not ORM objects: a day's
# thousand rows are read once and never changed).
_INTAKE_COLUMNS = (
    Intake.receipt,
    Intake.business_day,
    Intake.created_at,
    Intake.seq,
    Intake.clerk,
    Intake.purpose,
    Intake.outcome,
    Intake.refusal_reason,
    Intake.price_yen,
    Intake.device_os,
    Intake.maker,
    Intake.model,
    Intake.imei1,
    Intake.imei2,
    Intake.revocation_path,
)


# The personal fields an export line holds, each taken out of ``person.data`` by the
# database (SQLAlchemy's JSON index: JSON_EXTRACT on SQLite, -> on PostgreSQL), so the
# signature strokes, most of the document's bytes, are never decoded here.
_PERSON_FIELDS = (
    Person.data["name"].label("person_name"),
    Person.data["address"].label("person_address"),
    Person.data["occupation"].label("person_occupation"),
    Person.data["age"].label("person_age"),
    Person.data["id_document"].label("person_id_document"),
)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _intake_lines(session: Session, stmt: Any, *, late: bool) -> tuple[IntakeLine, ...]:
    rows = session.execute(stmt).all()
    receipts = [row.receipt for row in rows]
    void_bodies: dict[str, tuple[int, str]] = {}
    if receipts:
        void_bodies = {
            subject: (seq, body)
            for subject, seq, body in session.execute(
                select(LedgerEntry.subject, LedgerEntry.seq, LedgerEntry.body).where(
                    LedgerEntry.kind == ledger.EntryKind.VOID,
                    LedgerEntry.subject.in_(receipts),
                )
            )
        }
    lines = []
    for intake in rows:
        body = json.loads(intake.body)
        device = body["device"]
        void_seq, void_body = void_bodies.get(intake.receipt, (0, ""))
        age = intake.person_age
        document = intake.person_id_document
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
                id_document_name=(
                    str(document.get("name", "")) if isinstance(document, dict) else ""
                ),
                voided=bool(void_body),
                void_reason=str(json.loads(void_body).get("reason", "")) if void_body else "",
                void_seq=void_seq,
                late=late,
                name=_text(intake.person_name),
                address=_text(intake.person_address),
                occupation=_text(intake.person_occupation),
                age=int(age) if isinstance(age, int) else None,
            )
        )
    return tuple(lines)

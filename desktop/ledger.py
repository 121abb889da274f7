"""The tamper-evident ledger: one signed hash chain per station.

``entry_hash = SHA-256(DOMAIN ‖ prev_hash ‖ canonical(body))`` where the canonical
body is UTF-8 JSON with sorted keys and no insignificant white space, and the body
itself names its station, seq and kind, so an entry cannot be moved to another
place in the chain without changing its hash.  Each entry_hash is signed with the
station's ECDSA key.  Per-station chains let several counters write at once; two
writers of one station queue on the station row's lock.

Nothing is updated or deleted in place: a correction is a new entry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509
from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session, aliased

from db.models import LedgerEntry, Station
from desktop.errors import UserError
from desktop.keys import StationSigner, load_certificate, signature_is_valid

HASH_DOMAIN = b"revoke-desk/ledger/v1\x00"
GENESIS_PREV_HASH = "0" * 64
BODY_VERSION = 1


class EntryKind:
    """The kinds of ledger entry.  Plain strings: they are stored in bodies forever."""

    STATION_CREATED = "station_created"
    INTAKE = "intake"
    VOID = "void"
    CLERK_ADDED = "clerk_added"
    CLERK_CHANGED = "clerk_changed"
    SLIP_ISSUED = "slip_issued"
    REPRINT = "reprint"
    SETTINGS_CHANGED = "settings_changed"
    DAY_CLOSED = "day_closed"
    RETENTION_PURGE = "retention_purge"
    EXPORT = "export"
    RESTORE = "restore"  # a backup put back; names any entries it rolled back
    PIN_FAILED = "pin_failed"  # a refused unlock: who, why, any lockout; never the PIN


# Keys of ``Session.info`` where appends leave what the committer must witness.
APPENDED_HEADS = "revoke_desk_appended_heads"
CREATED_STATIONS = "revoke_desk_created_stations"


def canonical(body: Mapping[str, Any]) -> bytes:
    """The exact bytes that are hashed: sorted keys, no spaces, UTF-8, no floats."""
    return json.dumps(
        body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def compute_entry_hash(prev_hash: str, body_bytes: bytes) -> str:
    return hashlib.sha256(HASH_DOMAIN + bytes.fromhex(prev_hash) + body_bytes).hexdigest()


@dataclass(frozen=True)
class ChainHead:
    station: str
    seq: int  # 0 for an empty chain
    entry_hash: str


# The statements of the commit path are built once: composing a SQLAlchemy
# expression costs more than SQLite takes to run it.  They run on the session's
# Core connection, skipping the ORM layer (nothing here needs mapped objects).
_HEAD = (
    select(LedgerEntry.seq, LedgerEntry.entry_hash)
    .where(LedgerEntry.station == bindparam("station"))
    .order_by(LedgerEntry.seq.desc())
    .limit(1)
)
# The other stations' heads, for cross-witnessing on a shared database (see append_locked).
_OTHER = aliased(LedgerEntry)
_OTHER_HEADS = select(LedgerEntry.station, LedgerEntry.seq, LedgerEntry.entry_hash).where(
    LedgerEntry.station != bindparam("station"),
    LedgerEntry.seq
    == select(func.max(_OTHER.seq)).where(_OTHER.station == LedgerEntry.station).scalar_subquery(),
)
_LOCK_STATION = select(Station.code).where(Station.code == bindparam("station")).with_for_update()
_INSERT_ENTRY = insert(LedgerEntry)


def chain_head(session: Session, station: str) -> ChainHead:
    row = session.connection().execute(_HEAD, {"station": station}).first()
    if row is None:
        return ChainHead(station, 0, GENESIS_PREV_HASH)
    return ChainHead(station, row.seq, row.entry_hash)


def lock_station(session: Session, station: str) -> None:
    """Serialise writers of one station's chain: a row lock on PostgreSQL.

    On SQLite the transaction already holds the database's write lock (it began
    with BEGIN IMMEDIATE), so there is nothing to take; the foreign key on
    ``ledger_entry.station`` still refuses an unregistered station.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        return
    found = connection.execute(_LOCK_STATION, {"station": station}).scalar_one_or_none()
    if found is None:
        raise UserError(
            f"ステーション {station} は登録されていません",
            f"station {station} is not registered in this database",
        )


def append(
    session: Session,
    signer: StationSigner,
    kind: str,
    fields: Mapping[str, Any],
    *,
    now: datetime,
    subject: str = "",
) -> ChainHead:
    """Append one signed entry to the signer's station chain, in the caller's transaction.

    Returns the new head of the chain (this entry's seq and hash).
    """
    lock_station(session, signer.station)
    return append_locked(session, signer, kind, fields, now=now, subject=subject)


def append_locked(
    session: Session,
    signer: StationSigner,
    kind: str,
    fields: Mapping[str, Any],
    *,
    now: datetime,
    subject: str = "",
) -> ChainHead:
    """:func:`append` for a caller that already took :func:`lock_station` in this transaction."""
    head = chain_head(session, signer.station)
    seq = head.seq + 1
    connection = session.connection()
    # On a database that several counters share, each entry also carries the other
    # stations' latest heads: cutting one station's tail is then caught by the others
    # (desktop.verification).  A lone station has none, and its bodies stay as they were.
    others = {
        row.station: [row.seq, row.entry_hash]
        for row in connection.execute(_OTHER_HEADS, {"station": signer.station})
    }
    body = {
        **fields,
        **({"heads": others} if others else {}),
        "v": BODY_VERSION,
        "kind": kind,
        "station": signer.station,
        "seq": seq,
        "subject": subject,
        "at": now.isoformat(),
    }
    body_bytes = canonical(body)
    entry_hash = compute_entry_hash(head.entry_hash, body_bytes)
    signature = signer.sign(bytes.fromhex(entry_hash))
    connection.execute(
        _INSERT_ENTRY,
        [
            {
                "station": signer.station,
                "seq": seq,
                "kind": kind,
                "subject": subject,
                "body": body_bytes.decode("utf-8"),
                "prev_hash": head.entry_hash,
                "entry_hash": entry_hash,
                "signature": signature,
                "created_at": now,
            }
        ],
    )
    # What the transaction's owner writes to the witness once it has committed
    # (desktop.app.AppContext.transaction; see desktop.trust).
    session.info.setdefault(APPENDED_HEADS, {})[signer.station] = (seq, entry_hash, signature)
    if kind == EntryKind.STATION_CREATED:
        session.info.setdefault(CREATED_STATIONS, {})[signer.station] = signer.fingerprint
    return ChainHead(signer.station, seq, entry_hash)


# ---------------------------------------------------------------------------
# Verification


@dataclass(frozen=True)
class Finding:
    """The first thing wrong with one station's chain."""

    station: str
    seq: int
    message: str

    def line(self) -> str:
        return f"{self.station}#{self.seq}: {self.message}"


# A check of one kind of entry against the rows it describes: returns what is
# wrong, or None.  Registered by the services that write that kind.
EntryCheck = Callable[[Session, LedgerEntry, dict[str, Any]], str | None]


@dataclass(frozen=True)
class StationReport:
    station: str
    entries: int
    head: ChainHead
    finding: Finding | None


def verify_station(
    session: Session,
    station: Station,
    *,
    entry_checks: Mapping[str, EntryCheck],
    trusted_certificate: x509.Certificate | None = None,
) -> StationReport:
    """Walk one chain from its first entry; stop at the first bad one."""
    certificate = load_certificate(station.certificate_pem)
    if trusted_certificate is not None and trusted_certificate != certificate:
        return StationReport(
            station.code,
            0,
            ChainHead(station.code, 0, GENESIS_PREV_HASH),
            Finding(station.code, 0, "the station certificate differs from the key folder's"),
        )
    stmt = (
        select(LedgerEntry)
        .where(LedgerEntry.station == station.code)
        .order_by(LedgerEntry.seq, LedgerEntry.id)
        .execution_options(yield_per=1000)
    )
    # The `with` closes the (server-side, on PostgreSQL) cursor when the walk stops early.
    with session.scalars(stmt) as entries:
        return _walk(session, station, entries, certificate, entry_checks)


def _walk(
    session: Session,
    station: Station,
    entries: Iterable[LedgerEntry],
    certificate: x509.Certificate,
    entry_checks: Mapping[str, EntryCheck],
) -> StationReport:
    count = 0
    head = ChainHead(station.code, 0, GENESIS_PREV_HASH)

    def report(seq: int, message: str) -> StationReport:
        return StationReport(station.code, count, head, Finding(station.code, seq, message))

    for entry in entries:
        expected = head.seq + 1
        if entry.seq != expected:
            if entry.seq > expected:
                return report(
                    expected, f"entry missing (the chain jumps from #{head.seq} to #{entry.seq})"
                )
            return report(entry.seq, "entry out of order or duplicated")
        problem = _check_entry(entry, head.entry_hash, certificate)
        if problem is None:
            body = json.loads(entry.body)
            check = entry_checks.get(entry.kind)
            problem = check(session, entry, body) if check else None
        if problem is not None:
            return report(entry.seq, problem)
        head = ChainHead(station.code, entry.seq, entry.entry_hash)
        count += 1
    return StationReport(station.code, count, head, None)


def entry_problem(entry: LedgerEntry, certificate: x509.Certificate) -> str | None:
    """What is wrong with one entry on its own (hash, signature, columns), or None.

    Its link to the previous entry is taken as stated: :func:`verify_station` walks
    the links.
    """
    return _check_entry(entry, entry.prev_hash, certificate)


def _check_entry(entry: LedgerEntry, prev_hash: str, certificate: x509.Certificate) -> str | None:
    if entry.prev_hash != prev_hash:
        return "prev_hash does not link to the previous entry"
    try:
        body = json.loads(entry.body)
    except ValueError:
        return "body is not valid JSON"
    if not isinstance(body, dict):
        return "body is not a JSON object"
    body_bytes = canonical(body)
    if body_bytes != entry.body.encode("utf-8"):
        return "body is not in canonical form (it was rewritten)"
    if compute_entry_hash(prev_hash, body_bytes) != entry.entry_hash:
        return "entry_hash does not match the body (the body was changed)"
    if not signature_is_valid(certificate, bytes.fromhex(entry.entry_hash), entry.signature):
        return "signature does not verify with the station certificate"
    columns = {
        "station": entry.station,
        "seq": entry.seq,
        "kind": entry.kind,
        "subject": entry.subject,
    }
    for key, value in columns.items():
        if body.get(key) != value:
            return f"column {key} ({value!r}) differs from the signed body ({body.get(key)!r})"
    try:
        signed_at = datetime.fromisoformat(str(body.get("at")))
    except ValueError:
        return "the signed body has no valid time"
    if signed_at != entry.created_at:
        return "column created_at differs from the signed body"
    return None

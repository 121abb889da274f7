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
from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from cryptography import x509
from sqlalchemy import ColumnElement, Select, bindparam, insert, select
from sqlalchemy.orm import Session

from db.models import LedgerEntry, Station
from desktop.errors import UserError
from desktop.keys import (
    StationSigner,
    certificate_fingerprint,
    load_certificate,
    signature_is_valid,
)

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
    KEY_ROTATED = "key_rotated"  # signed by the old key; names the new certificate


# Keys of ``Session.info`` where appends leave what the committer must witness.
APPENDED_HEADS = "revoke_desk_appended_heads"
# Station → certificate fingerprint to pin in this PC's trust folder once the
# transaction has committed: the first certificate (station_created) and each new one
# a key rotation names (key_rotated).
CREATED_STATIONS = "revoke_desk_created_stations"


# json.dumps with these arguments makes this very encoder on every call; made once, it
# gives the same text (verify encodes two objects an entry).
_CANONICAL = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
)


# The canonical encoder for what ``json.loads`` made (verify's bodies and person data):
# such a value cannot hold itself, so the encoder need not keep the set of containers
# it is in that ``check_circular`` costs on every list and object; for any value
# without a cycle it writes the very text of ``_CANONICAL``
# (tests/unit/desktop/test_verify_canonical.py).
_encode_decoded = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False, check_circular=False
).encode


# json.loads's own scanner without the white-space matching around it: a text it
# decodes to its end from its first character is decoded to the same value.
scan_json = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # not in typeshed


def canonical_decoded(value: Any) -> bytes:
    """:func:`canonical` of a value ``json.loads`` made (no cycle): the same bytes."""
    return _encode_decoded(value).encode("utf-8")


def canonical(body: Mapping[str, Any]) -> bytes:
    """The exact bytes that are hashed: sorted keys, no spaces, UTF-8, no floats."""
    return _CANONICAL.encode(body).encode("utf-8")


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
# Every station with its key's fingerprint and its chain head, in one statement: the
# appending station's own (the key check, the next seq) and the others' for
# cross-witnessing on a shared database (see append_locked).  Each head is a seek on
# the (station, seq) key, a correlated subquery per station row.  (A max(seq) per
# station as a condition scanned the whole ledger on every commit: ~40 ms at 30,000
# entries; one statement per station cost a round trip each: issue 11.)
_LATEST = (
    select(LedgerEntry)
    .where(LedgerEntry.station == Station.code)
    .order_by(LedgerEntry.seq.desc())
    .limit(1)
    .correlate(Station)
)
_STATION_HEADS = select(
    Station.code,
    Station.fingerprint,
    _LATEST.with_only_columns(LedgerEntry.seq).scalar_subquery().label("seq"),
    _LATEST.with_only_columns(LedgerEntry.entry_hash).scalar_subquery().label("entry_hash"),
).order_by(Station.code)
_LOCK_STATION = select(Station.code).where(Station.code == bindparam("station")).with_for_update()


def station_heads_with(*facts: ColumnElement[Any]) -> Select[Any]:
    """The statement :func:`append_locked` reads every station's head with, and the
    caller's ``facts`` on each of its rows: uncorrelated scalar subqueries, which the
    database works out once.  A commit then reads all it needs under the chain lock in
    one round trip (desktop.intake: the clerk, the day's last number; issue 11) and
    hands the rows to :func:`station_heads`.
    """
    return _STATION_HEADS.add_columns(*facts)


@dataclass(frozen=True)
class StationHeads:
    """What an append reads of the stations: the appending one's fingerprint and head
    (None: no such station), and the other stations' heads that it witnesses."""

    fingerprint: str | None
    head: ChainHead
    others: dict[str, list[Any]]


def station_heads(rows: Iterable[Any], station: str) -> StationHeads:
    """The rows of :func:`station_heads_with` (or of ``append_locked``'s own read), for
    an append to ``station``'s chain."""
    rows = list(rows)
    own = next((row for row in rows if row.code == station), None)
    # No row of its own: an unregistered station, which the ledger's foreign key refuses.
    head = (
        ChainHead(station, own.seq, own.entry_hash)
        if own is not None and own.seq is not None
        else ChainHead(station, 0, GENESIS_PREV_HASH)
    )
    # On a database that several counters share, each entry also carries the other
    # stations' latest heads: cutting one station's tail is then caught by the others
    # (desktop.verification).  A lone station has none, and its bodies stay as they were;
    # a station that has not written yet witnesses nothing.
    others = {
        row.code: [row.seq, row.entry_hash]
        for row in rows
        if row.code != station and row.seq is not None
    }
    return StationHeads(own.fingerprint if own is not None else None, head, others)


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
        raise unregistered_station(station)


def unregistered_station(station: str) -> UserError:
    return UserError(
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


def entry_body(
    fields: Mapping[str, Any],
    *,
    kind: str,
    station: str,
    seq: int,
    subject: str,
    now: datetime,
    heads: Mapping[str, list[Any]],
) -> dict[str, Any]:
    """The body an entry signs: the caller's fields and the chain's own (no database).

    ``heads`` are the other stations' latest ``[seq, entry_hash]`` (cross-witnessing);
    a lone station has none, and then the body has no ``heads`` at all.
    """
    return {
        **fields,
        **({"heads": dict(heads)} if heads else {}),
        "v": BODY_VERSION,
        "kind": kind,
        "station": station,
        "seq": seq,
        "subject": subject,
        "at": now.isoformat(),
    }


def append_locked(
    session: Session,
    signer: StationSigner,
    kind: str,
    fields: Mapping[str, Any],
    *,
    now: datetime,
    subject: str = "",
    heads: StationHeads | None = None,
) -> ChainHead:
    """:func:`append` for a caller that already took :func:`lock_station` in this transaction.

    ``heads``: what :func:`station_heads` made of rows the caller read in this
    transaction, under the lock; else they are read here.
    """
    connection = session.connection()
    if heads is None:
        heads = station_heads(connection.execute(_STATION_HEADS), signer.station)
    if heads.fingerprint is not None and heads.fingerprint != signer.fingerprint:
        # A key rotated by another program (a script, another window) while this one
        # held the old key: the retired key must never sign again.
        raise UserError(
            f"ステーション {signer.station} の署名鍵は更新されています。アプリを再起動してください",
            f"the signing key of station {signer.station} has been rotated since this program "
            "loaded it: restart it to use the new key",
        )
    head = heads.head
    seq = head.seq + 1
    body = entry_body(
        fields,
        kind=kind,
        station=signer.station,
        seq=seq,
        subject=subject,
        now=now,
        heads=heads.others,
    )
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
    elif kind == EntryKind.KEY_ROTATED:
        session.info.setdefault(CREATED_STATIONS, {})[signer.station] = str(
            fields["certificate_sha256"]
        )
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
    # The fingerprints of the certificates the chain was signed with, oldest first
    # (one, or one more per key rotation), as far as the walk got.
    certificates: tuple[str, ...] = ()


@dataclass(frozen=True)
class CertificateEpoch:
    """One certificate of a station and the first entry it signs (the ones after, up to the next)."""

    from_seq: int
    certificate: x509.Certificate
    fingerprint: str


def _rotations(session: Session, code: str) -> list[tuple[int, dict[str, Any]]]:
    rows = session.execute(
        select(LedgerEntry.seq, LedgerEntry.body)
        .where(LedgerEntry.station == code, LedgerEntry.kind == EntryKind.KEY_ROTATED)
        .order_by(LedgerEntry.seq)
    )
    return [(seq, json.loads(body)) for seq, body in rows]


def certificate_history(session: Session, station: Station) -> list[CertificateEpoch]:
    """Every certificate the station has signed with, oldest first, as its rotations name them.

    Read, not checked: :func:`verify_station` checks each as it walks the chain.  Raises
    ValueError (or KeyError) for a ``key_rotated`` body whose certificates cannot be read.
    """
    rotations = _rotations(session, station.code)
    if not rotations:
        first = load_certificate(station.certificate_pem)
    else:
        first = load_certificate(str(rotations[0][1]["previous_certificate_pem"]))
    epochs = [CertificateEpoch(1, first, certificate_fingerprint(first))]
    for seq, body in rotations:
        certificate = load_certificate(str(body["certificate_pem"]))
        epochs.append(CertificateEpoch(seq + 1, certificate, certificate_fingerprint(certificate)))
    return epochs


def certificate_at(history: Sequence[CertificateEpoch], seq: int) -> CertificateEpoch:
    """The certificate that signed entry ``seq`` (a rotation entry is signed by the old one)."""
    return [epoch for epoch in history if epoch.from_seq <= seq][-1]


# Told of every entry the walk has found sound, with its decoded body (so that a
# caller collecting something from the bodies need not decode them again).
SoundEntry = Callable[[LedgerEntry, dict[str, Any]], None]


def verify_station(
    session: Session,
    station: Station,
    *,
    entry_checks: Mapping[str, EntryCheck],
    trusted_certificate: x509.Certificate | None = None,
    on_sound: SoundEntry | None = None,
) -> StationReport:
    """Walk one chain from its first entry; stop at the first bad one.

    The walk starts with the station's first certificate — the row's, or, once the key
    has been rotated, the one the first ``key_rotated`` entry names as the previous —
    and moves to the next certificate after each ``key_rotated`` entry.  The row must
    hold the last one.  ``on_sound`` is called with each entry found sound, in chain
    order.
    """
    certificate = load_certificate(station.certificate_pem)
    empty = ChainHead(station.code, 0, GENESIS_PREV_HASH)
    if trusted_certificate is not None and trusted_certificate != certificate:
        return StationReport(
            station.code,
            0,
            empty,
            Finding(station.code, 0, "the station certificate differs from the key folder's"),
        )
    first_rotation = session.execute(
        select(LedgerEntry.seq, LedgerEntry.body)
        .where(LedgerEntry.station == station.code, LedgerEntry.kind == EntryKind.KEY_ROTATED)
        .order_by(LedgerEntry.seq)
        .limit(1)
    ).first()
    first = certificate
    if first_rotation is not None:
        try:
            body = json.loads(first_rotation.body)
            first = load_certificate(str(body["previous_certificate_pem"]))
        except (ValueError, KeyError, TypeError):
            finding = Finding(
                station.code,
                first_rotation.seq,
                "key_rotated: the previous certificate it names cannot be read",
            )
            return StationReport(station.code, 0, empty, finding)
    table = LedgerEntry.__table__
    stmt = (
        select(*table.c)
        .where(table.c.station == station.code)
        .order_by(table.c.seq, table.c.id)
        .execution_options(yield_per=1000)
    )
    # The `with` closes the (server-side, on PostgreSQL) cursor when the walk stops early.
    with session.execute(stmt) as rows:
        # Plain tuples of the entry's columns, not mapped objects (a fifth of the walk's
        # time at 100,000 entries went to making them), nor SQLAlchemy's rows (reading
        # a column of one by name costs ten times a named tuple's, and the walk reads a
        # dozen an entry): the walk and every check only read the columns, by the same
        # names.
        entries = cast(Iterable[LedgerEntry], map(_EntryRow._make, rows))
        return _walk(session, station, entries, first, entry_checks, on_sound=on_sound)


# An entry as verify reads it: its columns by name, in the table's order.
_EntryRow = namedtuple("_EntryRow", [column.key for column in LedgerEntry.__table__.c])  # type: ignore[misc]


def _walk(
    session: Session,
    station: Station,
    entries: Iterable[LedgerEntry],
    certificate: x509.Certificate,
    entry_checks: Mapping[str, EntryCheck],
    *,
    on_sound: SoundEntry | None,
) -> StationReport:
    # The head as two locals, not a ChainHead an entry: this loop runs once per entry
    # of every chain (100,000 times at a shop's second year), so it does nothing on the
    # sound path that it can leave to the end or to the entry that is not sound.
    code = station.code
    count = 0
    head_seq, head_hash = 0, GENESIS_PREV_HASH
    fingerprints = [certificate_fingerprint(certificate)]
    check_of = entry_checks.get
    for entry in entries:
        seq = entry.seq
        if seq != head_seq + 1:
            expected = head_seq + 1
            if seq > expected:
                message = f"entry missing (the chain jumps from #{head_seq} to #{seq})"
                return _bad(
                    code,
                    count,
                    ChainHead(code, head_seq, head_hash),
                    fingerprints,
                    seq=expected,
                    message=message,
                )
            message = "entry out of order or duplicated"
            return _bad(
                code,
                count,
                ChainHead(code, head_seq, head_hash),
                fingerprints,
                seq=seq,
                message=message,
            )
        problem, body = _checked_body(entry, head_hash, certificate)
        kind = entry.kind
        if problem is None:
            if kind == EntryKind.STATION_CREATED:
                problem = _check_created(body, fingerprints[-1])
            elif kind == EntryKind.KEY_ROTATED:
                rotated = _rotated_to(body, certificate)
                if isinstance(rotated, str):
                    problem = rotated
                else:
                    certificate = rotated
                    fingerprints.append(certificate_fingerprint(certificate))
            check = check_of(kind)
            if problem is None and check is not None:
                problem = check(session, entry, body)
        if problem is not None:
            return _bad(
                code,
                count,
                ChainHead(code, head_seq, head_hash),
                fingerprints,
                seq=seq,
                message=problem,
            )
        if on_sound is not None:
            on_sound(entry, body)
        head_seq, head_hash = seq, entry.entry_hash
        count += 1
    if (
        fingerprints[-1] != station.fingerprint
        or certificate_fingerprint(load_certificate(station.certificate_pem)) != station.fingerprint
    ):
        message = (
            "the station certificate is not the one the chain was last signed with "
            f"({fingerprints[-1][:16]}…): it was replaced outside a key rotation"
        )
        return _bad(
            code,
            count,
            ChainHead(code, head_seq, head_hash),
            fingerprints,
            seq=head_seq,
            message=message,
        )
    return StationReport(
        code, count, ChainHead(code, head_seq, head_hash), None, tuple(fingerprints)
    )


def _bad(
    code: str, count: int, head: ChainHead, fingerprints: list[str], *, seq: int, message: str
) -> StationReport:
    """The report of a walk that stopped at entry ``seq``: ``count`` sound before it."""
    return StationReport(code, count, head, Finding(code, seq, message), tuple(fingerprints))


def _check_created(body: dict[str, Any], fingerprint: str) -> str | None:
    named = body.get("certificate_sha256")
    if named is not None and named != fingerprint:
        return (
            f"station_created names certificate {str(named)[:16]}…, but the chain was signed "
            f"with {fingerprint[:16]}…"
        )
    return None


def _rotated_to(body: dict[str, Any], current: x509.Certificate) -> x509.Certificate | str:
    """The new certificate a ``key_rotated`` body names, or what is wrong with it."""
    current_fp = certificate_fingerprint(current)
    try:
        previous = load_certificate(str(body["previous_certificate_pem"]))
        new = load_certificate(str(body["certificate_pem"]))
    except (KeyError, ValueError, TypeError):
        return "key_rotated: its certificates cannot be read"
    if (
        certificate_fingerprint(previous) != current_fp
        or body.get("previous_certificate_sha256") != current_fp
    ):
        return "key_rotated: the previous certificate it names is not the one that signed it"
    if body.get("certificate_sha256") != certificate_fingerprint(new):
        return "key_rotated: certificate_sha256 does not match the new certificate"
    if certificate_fingerprint(new) == current_fp:
        return "key_rotated: the new certificate is the old one"
    return new


def entry_problem(entry: LedgerEntry, certificate: x509.Certificate) -> str | None:
    """What is wrong with one entry on its own (hash, signature, columns), or None.

    Its link to the previous entry is taken as stated: :func:`verify_station` walks
    the links.
    """
    return _check_entry(entry, entry.prev_hash, certificate)


def _check_entry(entry: LedgerEntry, prev_hash: str, certificate: x509.Certificate) -> str | None:
    return _checked_body(entry, prev_hash, certificate)[0]


_NO_BODY: dict[str, Any] = {}


def _checked_body(
    entry: LedgerEntry, prev_hash: str, certificate: x509.Certificate
) -> tuple[str | None, dict[str, Any]]:
    """What is wrong with the entry (or None), and its body decoded once for the walk
    (empty when the problem is that it cannot be)."""
    if entry.prev_hash != prev_hash:
        return "prev_hash does not link to the previous entry", _NO_BODY
    text = entry.body
    try:
        # json.loads's scanner alone: a canonical body has no white space around it.
        body, end = scan_json(text, 0)
    except (StopIteration, ValueError):
        end = -1
    if end != len(text):  # anything else is decoded by json.loads itself, as always
        try:
            body = json.loads(text)
        except ValueError:
            return "body is not valid JSON", _NO_BODY
    if not isinstance(body, dict):
        return "body is not a JSON object", _NO_BODY
    return _problem_in(entry, body, prev_hash, certificate), body


def _problem_in(
    entry: LedgerEntry, body: dict[str, Any], prev_hash: str, certificate: x509.Certificate
) -> str | None:
    text = _encode_decoded(body)
    if text != entry.body:
        canonical(body)  # raises where it always did (a lone surrogate in a string)
        return "body is not in canonical form (it was rewritten)"
    # The same text, so the same bytes as canonical(body) (UTF-8 is one-to-one).
    body_bytes = text.encode("utf-8")
    if compute_entry_hash(prev_hash, body_bytes) != entry.entry_hash:
        return "entry_hash does not match the body (the body was changed)"
    if not signature_is_valid(certificate, bytes.fromhex(entry.entry_hash), entry.signature):
        return "signature does not verify with the station certificate"
    columns = (entry.station, entry.seq, entry.kind, entry.subject)
    signed = (body.get("station"), body.get("seq"), body.get("kind"), body.get("subject"))
    if signed != columns:  # all at once; one by one to name the first that differs
        for key, value in zip(("station", "seq", "kind", "subject"), columns, strict=True):
            if body.get(key) != value:
                return f"column {key} ({value!r}) differs from the signed body ({body.get(key)!r})"
    try:
        signed_at = datetime.fromisoformat(str(body.get("at")))
    except ValueError:
        return "the signed body has no valid time"
    if signed_at != entry.created_at:
        return "column created_at differs from the signed body"
    return None

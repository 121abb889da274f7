"""``revoke-desk verify``: every chain, every signature, every personal-data digest.

Each station's chain is walked with two streams side by side, in chain order: its
ledger entries (``desktop.ledger.verify_station``) and its intake rows joined to
their personal data, so an intake entry costs no look-up of its own (an intake row
that is not where its entry says — tampering — is looked up by receipt as before,
so the verdicts and messages are the same).  With several stations, each chain is
walked in a process of its own, up to one per core; the checks that span chains
(pins, witness, checkpoints, cross-station heads, clerks) run in the calling
process on its own read transaction, begun before the walks, so every head a walk
reports is at least the one those checks saw.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import queue
import sys
import time
from collections import namedtuple
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from cryptography import x509
from sqlalchemy import Text, cast, func, outerjoin, select
from sqlalchemy.orm import Session

from db.engine import make_engine, read_only
from db.models import Intake, LedgerEntry, Person, Slip, Station
from desktop import clerk_ledger, config, ledger
from desktop.errors import UserError
from desktop.intake import (
    SIGNED_INTAKE_COLUMNS,
    check_intake_entry,
    check_intake_row,
    check_person_row,
    find_unchained_intakes,
    person_digest_of_canonical,
)
from desktop.keys import KeyState, StationKeyFiles, station_key_state, stations_with_keys
from desktop.retention import check_purge_entry, purged_receipts
from desktop.trust import Checkpoint, TrustStore, matches
from desktop.voiding import check_void_entry


def check_slip_entry(session: Session, entry: LedgerEntry, body: dict[str, Any]) -> str | None:
    """A stored slip must be the very file the ledger says was issued.

    A missing row is accepted only as a slip erased by a retention purge.
    """
    slip = session.execute(
        select(Slip).where(
            Slip.receipt == body["receipt"],
            Slip.format == body["format"],
            Slip.issue_no == body["issue_no"],
        )
    ).scalar_one_or_none()
    if slip is None:
        if body["receipt"] in purged_receipts(session):
            return None
        return f"stored slip {body['receipt']} #{body['issue_no']} is missing and no retention purge erased it"
    if slip.sha256 != body["pdf_sha256"] or hashlib.sha256(slip.pdf).hexdigest() != slip.sha256:
        return f"stored slip {body['receipt']} #{body['issue_no']} differs from the one issued"
    return None


def check_intake_and_person(
    session: Session, entry: LedgerEntry, body: dict[str, Any]
) -> str | None:
    """:func:`check_intake_entry`, and a missing person row needs a retention purge."""
    problem = check_intake_entry(session, entry, body)
    if problem is not None:
        return problem
    return _person_purged(session, entry, session.get(Person, entry.subject))


def _person_purged(session: Session, entry: LedgerEntry, person: object | None) -> str | None:
    if person is None and entry.subject not in purged_receipts(session):
        return f"personal data of {entry.subject} is missing and no retention purge erased it"
    return None


ENTRY_CHECKS: dict[str, ledger.EntryCheck] = {
    ledger.EntryKind.INTAKE: check_intake_and_person,
    ledger.EntryKind.RETENTION_PURGE: check_purge_entry,
    ledger.EntryKind.VOID: check_void_entry,
    ledger.EntryKind.SLIP_ISSUED: check_slip_entry,
    ledger.EntryKind.REPRINT: check_slip_entry,
}


# Rows read from the database at a time by each stream of a walk.
STREAM_CHUNK = 1000
# Below this many entries a second process costs more than it saves.
PARALLEL_FROM_ENTRIES = 20_000
PROGRESS_EVERY = 2000  # entries between progress reports of a walk


class _PersonRow(NamedTuple):
    salt: bytes
    data: Any  # decoded: a dict unless someone wrote something else
    name: str


class _StoredPerson(NamedTuple):
    """A person row as stored: its data still the JSON text (decoded only if needed)."""

    salt: bytes
    text: str | None
    name: str


# How commit stores a person's data (SQLAlchemy's JSON type: ``json.dumps`` with its
# defaults, keys in the order desktop.intake.personal_data writes them): the
# signature strokes, most of the bytes, come last.
_STORED_SIGNATURE = ', "signature": '
_STROKE_CHARACTERS = b"[]-0123456789, "


def canonical_stored_person(text: str | None) -> tuple[bytes, dict[str, Any]] | None:
    """``ledger.canonical(json.loads(text))`` without decoding the strokes, and the
    decoded rest (for the name); None when ``text`` is not in the form commit stores.

    Only ever trusted when its digest matches the signed one: the strokes' text, of
    brackets, integers, commas and spaces only, is then the canonical text of the
    strokes signed with commas spaced, which decodes to them; a digest that does not
    match is decided by decoding the whole text, as always (see
    ``_stored_person_problem``), so no verdict depends on this shortcut.
    """
    if text is None or not text.endswith("}"):
        return None
    cut = text.rfind(_STORED_SIGNATURE)
    if cut < 0:
        return None
    strokes_text = text[cut + len(_STORED_SIGNATURE) : -1]
    if not strokes_text.isascii():
        return None
    strokes = strokes_text.encode("ascii")
    if strokes.translate(None, _STROKE_CHARACTERS):  # anything but brackets, integers, ", "
        return None
    try:
        rest, end = ledger.scan_json(text[:cut] + "}", 0)
    except (StopIteration, ValueError):
        return None
    # The whole text decoded, no more ("signature" would not be the last key in
    # canonical order if another key sorted after it).
    if end != cut + 1 or type(rest) is not dict or max(rest, default="") >= "signature":
        return None
    try:
        head = ledger.canonical_decoded(rest)
    except (ValueError, TypeError, UnicodeEncodeError):
        return None
    compact = strokes.translate(None, b" ")
    if len(strokes) - len(compact) != strokes.count(b", "):
        return None  # a space not after a comma: not json.dumps's
    joined = head[:-1] + (b"," if rest else b"") + b'"signature":'
    return joined + compact + b"}", rest


def _stored_person_problem(
    entry: LedgerEntry, body: dict[str, Any], stored: _StoredPerson
) -> str | None:
    """:func:`desktop.intake.check_person_row` on a stored row, decoding its data only
    when the shortcut cannot show it sound."""
    fast = canonical_stored_person(stored.text)
    if fast is not None:
        canonical_data, rest = fast
        digest = person_digest_of_canonical(stored.salt, canonical_data)
        if digest == body["person_digest"] and stored.name == rest.get("name"):
            return None
    data = None if stored.text is None else json.loads(stored.text)
    return check_person_row(entry, body, _PersonRow(stored.salt, data, stored.name))


def _intake_rows(session: Session, station: str) -> Any:
    """One station's intake rows with their person rows, in chain (seq) order, as
    :data:`_IntakeRow` tuples.

    Read through ``uq_intake_station_seq`` beside the walk of the ledger entries:
    the row an intake entry names is, unless someone moved it, the next one.
    """
    intake = Intake.__table__
    person = Person.__table__
    stmt = (
        select(
            *(intake.c[name] for name in _INTAKE_COLUMNS),
            person.c.receipt.label("person_receipt"),
            person.c.salt.label("person_salt"),
            # The text as stored: decoded only when needed (_stored_person_problem).
            cast(person.c.data, Text).label("person_text"),
            person.c.name.label("person_name"),
        )
        .select_from(outerjoin(intake, person, person.c.receipt == intake.c.receipt))
        .where(intake.c.station == station)
        .order_by(intake.c.seq)
        .execution_options(yield_per=STREAM_CHUNK)
    )
    return session.execute(stmt)


# The signed columns first, in check_intake_row's order, so that they are one slice.
_INTAKE_COLUMNS = (
    *SIGNED_INTAKE_COLUMNS,
    *(c.key for c in Intake.__table__.c if c.key not in SIGNED_INTAKE_COLUMNS),
)
_SIGNED_END = len(SIGNED_INTAKE_COLUMNS)
# A named tuple, not SQLAlchemy's row: a column read by name costs a tenth.
_IntakeRow = namedtuple(  # type: ignore[misc]
    "_IntakeRow", [*_INTAKE_COLUMNS, "person_receipt", "person_salt", "person_text", "person_name"]
)


class _StationWalker:
    """What one station's walk (``desktop.ledger.verify_station``) is given: the entry
    checks, with intake entries checked against the streamed rows, and ``on_sound``,
    which collects the heads the entries claim and counts the entries for the progress
    report.

    The intake check is the walk's inner loop (most entries are intakes): it reads the
    streamed row, compares the columns and proves the person's digest in one function,
    and anything not as commit writes it goes the old, exact way
    (``check_intake_and_person``, ``_stored_person_problem``) for its message.
    """

    def __init__(
        self,
        session: Session,
        station: str,
        tick: Callable[[int], None] | None,
        claims_up_to: int | None,
    ) -> None:
        self.checks: dict[str, ledger.EntryCheck] = {
            **ENTRY_CHECKS,
            ledger.EntryKind.INTAKE: self._intake,
        }
        self.claims: Claims = {}
        self.walked = 0
        self._session = session
        self._station = station
        self._tick = tick
        self._claims_up_to = claims_up_to
        self._result: Any = None
        self._rows: Iterator[Any] = iter(())
        self._next: Any = None

    def _intake(self, session: Session, entry: LedgerEntry, body: dict[str, Any]) -> str | None:
        if self._result is None:
            self._result = _intake_rows(self._session, self._station)
            self._rows = map(_IntakeRow._make, self._result)
            self._next = next(self._rows, None)
        seq = entry.seq
        row = self._next
        while row is not None and row.seq < seq:
            row = next(self._rows, None)
        self._next = row
        if row is None or row.seq != seq or row.receipt != entry.subject:
            # Not where the entry puts it: looked up by receipt, as always.
            return check_intake_and_person(session, entry, body)
        problem = check_intake_row(entry, body, row, None, row[:_SIGNED_END])
        if problem is not None:
            return problem
        if row.person_receipt is None:
            return _person_purged(session, entry, None)
        fast = canonical_stored_person(row.person_text)
        if fast is not None:
            canonical_data, rest = fast
            if person_digest_of_canonical(row.person_salt, canonical_data) == body[
                "person_digest"
            ] and row.person_name == rest.get("name"):
                return None
        stored = _StoredPerson(row.person_salt, row.person_text, row.person_name)
        return _stored_person_problem(entry, body, stored)

    def on_sound(self, entry: LedgerEntry, body: dict[str, Any]) -> None:
        self.walked += 1
        if self._tick is not None and self.walked % PROGRESS_EVERY == 0:
            self._tick(PROGRESS_EVERY)
        if "heads" not in body:
            return
        seq = entry.seq
        if self._claims_up_to is None or seq <= self._claims_up_to:
            _claims_in(self.claims, entry.station, seq, entry.id, body)

    def close(self) -> None:
        if self._result is not None:
            self._result.close()


# The highest head of a station that another station's entries claim (desktop.ledger
# writes the claims): station → (seq, entry_hash, "BY#SEQ", id of the claiming entry).
# Of two claims of one seq the first written (lowest id) stands.
Claim = tuple[int, str, str, int]
Claims = dict[str, Claim]


def _claim(claims: Claims, code: str, claim: Claim) -> None:
    held = claims.get(code)
    if held is None:
        if claim[0] > 0:
            claims[code] = claim
    elif claim[0] > held[0] or (claim[0] == held[0] and claim[3] < held[3]):
        claims[code] = claim


def _claims_in(claims: Claims, by: str, by_seq: int, by_id: int, body: dict[str, Any]) -> None:
    """Add the heads ``body`` (entry ``by``#``by_seq``) claims for other stations."""
    for code, (seq, entry_hash) in body.get("heads", {}).items():
        _claim(claims, code, (seq, entry_hash, f"{by}#{by_seq}", by_id))


class StationWalk(NamedTuple):
    report: ledger.StationReport
    # The claims of its sound entries up to the seq it was asked for (all of them when
    # the walk found nothing wrong).
    claims: Claims


def verify_one_station(
    session: Session,
    station: Station,
    keys_dir: Path | None,
    tick: Callable[[int], None] | None = None,
    claims_up_to: int | None = None,
) -> StationWalk:
    """Walk ``station``'s chain (``desktop.ledger.verify_station``) with the streamed rows,
    collecting the heads its entries up to ``claims_up_to`` claim for other stations."""
    trusted = _certificate_in(keys_dir, station.code) if keys_dir else None
    walker = _StationWalker(session, station.code, tick, claims_up_to)
    try:
        report = ledger.verify_station(
            session,
            station,
            entry_checks=walker.checks,
            trusted_certificate=trusted,
            on_sound=walker.on_sound,
        )
    finally:
        walker.close()
    if tick is not None:
        tick(walker.walked % PROGRESS_EVERY)
    return StationWalk(report, walker.claims)


# --- one process per station ----------------------------------------------------------

_child_progress: Any = None  # the queue a walk in a worker process reports progress on


def _child_init(progress: Any) -> None:
    global _child_progress  # noqa: PLW0603 - one per worker process, set once
    _child_progress = progress


def _child_tick(done: int) -> None:
    if _child_progress is not None and done:
        _child_progress.put(done)


def _verify_in_child(
    db_url: str, code: str, keys_dir: Path | None, claims_up_to: int | None
) -> StationWalk:
    """One station's walk in a worker process, on its own connection and read transaction."""
    engine = make_engine(db_url)
    try:
        with read_only(engine).begin() as session:
            station = session.get(Station, code)
            if station is None:  # gone since the caller listed it: walk nothing
                raise UserError(f"ステーション {code} がありません", f"no station {code}")
            return verify_one_station(session, station, keys_dir, _child_tick, claims_up_to)
    finally:
        engine.dispose()


def _parallel_url(session: Session) -> str | None:
    """The URL a worker process can open, or None: an in-memory database (no sharing),
    or a frozen bundle (PyInstaller), whose spawned child would start the program
    again unless its entry point calls ``multiprocessing.freeze_support()`` — not done
    yet, so a bundle walks the chains in one process."""
    if getattr(sys, "frozen", False):
        return None
    url = session.get_bind().engine.url
    text = url.render_as_string(hide_password=False)
    if url.get_backend_name() == "sqlite" and config.sqlite_file(text) is None:
        return None
    return text


def default_workers(stations: int, entries: int) -> int:
    """Processes for the walks: one per station, at most one per core; one for a small
    database (starting a process costs more than walking a few thousand entries)."""
    if stations < 2 or entries < PARALLEL_FROM_ENTRIES:
        return 1
    return max(1, min(stations, os.cpu_count() or 1))


def _walk_stations(
    session: Session,
    stations: list[Station],
    keys_dir: Path | None,
    workers: int,
    progress: Progress | None,
    *,
    claims_up_to: dict[str, int],
) -> list[StationWalk]:
    """Every station's walk; the claims of each up to its seq in ``claims_up_to``."""
    tick = progress.advance if progress is not None else None
    url = _parallel_url(session) if workers > 1 and len(stations) > 1 else None
    if url is None:
        return [
            verify_one_station(session, station, keys_dir, tick, claims_up_to.get(station.code))
            for station in stations
        ]
    # spawn, as on Windows: a forked child would share the caller's open connections.
    context = multiprocessing.get_context("spawn")
    walks: dict[str, StationWalk] = {}
    done = context.Queue()
    with ProcessPoolExecutor(
        max_workers=min(workers, len(stations)),
        mp_context=context,
        initializer=_child_init,
        initargs=(done,),
    ) as pool:
        futures: dict[Future[StationWalk], str] = {
            pool.submit(
                _verify_in_child, url, station.code, keys_dir, claims_up_to.get(station.code)
            ): station.code
            for station in stations
        }
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            _drain(done, tick)
            for future in finished:
                walks[futures[future]] = future.result()
    _drain(done, tick)
    return [walks[station.code] for station in stations]


def _drain(done: Any, tick: Callable[[int], None] | None) -> None:
    while True:
        try:
            walked = done.get_nowait()
        except queue.Empty:
            return
        if tick is not None:
            tick(walked)


# --- the progress bar -----------------------------------------------------------------


class Progress:
    """A one-line progress bar for ``verify`` on a terminal (stderr).

    Redrawn at most ten times a second; :meth:`finish` clears the line, so what the
    command prints afterwards (the verdicts) reads as it always did.
    """

    WIDTH = 30

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total = max(total, 1)
        self.stream = stream
        self.done = 0
        self._shown = 0.0

    def advance(self, entries: int) -> None:
        self.done = min(self.total, self.done + entries)
        now = time.monotonic()
        if now - self._shown >= 0.1 or self.done == self.total:
            self._shown = now
            self._draw()

    def _draw(self) -> None:
        filled = self.WIDTH * self.done // self.total
        bar = "#" * filled + "." * (self.WIDTH - filled)
        percent = 100 * self.done // self.total
        self.stream.write(
            f"\r検証中 / verifying [{bar}] {percent:3d}% {self.done:,}/{self.total:,}"
        )
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("\r\033[K")
        self.stream.flush()


def terminal_progress(stream: TextIO | None = None) -> Callable[[int], Progress] | None:
    """A maker of :class:`Progress` bars on ``stream`` (stderr) if it is a terminal; None
    otherwise (a pipe, a log file, a test): nothing but the verdicts is written there."""
    target = stream if stream is not None else sys.stderr
    try:
        tty = target.isatty()
    except (AttributeError, ValueError):
        tty = False
    if not tty:
        return None
    return lambda total: Progress(total, target)


@dataclass(frozen=True)
class VerifyReport:
    stations: list[ledger.StationReport]
    unchained_intakes: list[str]
    # Checks against what lies outside the database (pins, witness, paper): failures,
    # then notes that fail nothing (no witness on this PC, a witness behind).
    trust_findings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    # The clerk table and every manager's approval against the replayed chain
    # (desktop.clerk_ledger).
    clerk_findings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return (
            not self.unchained_intakes
            and not self.trust_findings
            and not self.clerk_findings
            and all(s.finding is None for s in self.stations)
        )

    def lines(self) -> list[str]:
        out = []
        for station in self.stations:
            if station.finding is None:
                out.append(
                    f"{station.station}: OK, {station.entries} entries, "
                    f"head #{station.head.seq} {station.head.entry_hash}"
                )
            else:
                out.append(
                    f"{station.finding.line()}  (first bad entry; {station.entries} good before it)"
                )
        out.extend(
            f"{receipt}: intake row has no ledger entry" for receipt in self.unchained_intakes
        )
        out.extend(f"NG {finding}" for finding in self.trust_findings)
        out.extend(f"NG {finding}" for finding in self.clerk_findings)
        out.extend(f"note: {note}" for note in self.notes)
        return out


def verify_all(
    session: Session,
    keys_dir: Path | None = None,
    *,
    trust: TrustStore | None = None,
    fingerprints: Sequence[str] = (),
    checkpoints: Sequence[Checkpoint] = (),
    workers: int | None = None,
    progress: Callable[[int], Progress] | None = None,
) -> VerifyReport:
    """Verify every station's chain.  Certificates found in ``keys_dir`` must match the database's.

    ``workers``: processes walking the chains (default :func:`default_workers`; 1
    walks them here, one after the other).  ``progress``: makes the bar shown while
    walking, given the number of entries (:func:`terminal_progress`).

    With ``trust`` (this PC's pins and witness), ``fingerprints`` (``[STATION:]FP`` as
    read from paper) and ``checkpoints`` (heads printed on day reports), the chains are
    also held against what lies outside the database (desktop.trust).
    """
    stations = list(session.scalars(select(Station).order_by(Station.code)))
    # The heads now, before the walks (which may run in other processes, on later
    # snapshots): the claims are those of the entries up to them, so every head a
    # station claims for another is at most the head walked.
    claims_up_to = {
        station.code: ledger.chain_head(session, station.code).seq for station in stations
    }
    entries = session.scalar(select(func.count()).select_from(LedgerEntry)) or 0
    if workers is None:
        workers = default_workers(len(stations), entries)
    bar = progress(entries) if progress is not None else None
    try:
        walks = _walk_stations(session, stations, keys_dir, workers, bar, claims_up_to=claims_up_to)
    finally:
        if bar is not None:
            bar.finish()
    reports = [walk.report for walk in walks]
    claims = _cross_witness_claims(session, walks, claims_up_to)
    heads = {report.station: report.head for report in reports}
    walked = {r.station: r.certificates for r in reports if r.finding is None}
    by_code = {station.code: station for station in stations}
    findings, notes = _against_trust(session, trust, by_code, heads, walked) if trust else ([], [])
    if keys_dir is not None:
        notes.extend(_legacy_key_notes(keys_dir, by_code))
    _against_fingerprints(by_code, fingerprints, findings)
    for checkpoint in checkpoints:
        problem = _against_checkpoint(session, checkpoint, heads)
        if problem:
            findings.append(problem)
    findings.extend(_cross_witness_problems(session, claims, heads))
    clerks = clerk_ledger.audit(session)
    return VerifyReport(
        reports,
        find_unchained_intakes(session),
        tuple(findings),
        (*notes, *clerks.notes),
        tuple(clerks.findings),
    )


def _entry_hash(session: Session, station: str, seq: int) -> str | None:
    found: str | None = session.execute(
        select(LedgerEntry.entry_hash).where(LedgerEntry.station == station, LedgerEntry.seq == seq)
    ).scalar_one_or_none()
    return found


def _rollbacks(session: Session) -> list[dict[str, Any]]:
    """What every confirmed restore rolled back (desktop.backup)."""
    bodies = session.scalars(
        select(LedgerEntry.body).where(LedgerEntry.kind == ledger.EntryKind.RESTORE)
    )
    return [item for body in bodies for item in json.loads(body).get("rolled_back", [])]


def _against_trust(
    session: Session,
    trust: TrustStore,
    stations: dict[str, Station],
    heads: dict[str, ledger.ChainHead],
    walked: dict[str, tuple[str, ...]],
) -> tuple[list[str], list[str]]:
    """The pins and the witness of this PC: ``(findings, notes)``.

    Every certificate pinned for a station must be one its chain was signed with, and
    the station's certificate now must be pinned: a chain rewritten from the start with
    a retired key lacks the rotation this PC pinned.
    """
    if not trust.exists():
        return [], [
            "this PC holds no pin or witness for this database: check the fingerprint and "
            "the last checkpoint from paper (--fingerprint, --checkpoint)"
        ]
    findings: list[str] = []
    notes: list[str] = []
    rollbacks = _rollbacks(session)
    for code, pinned in sorted(trust.stations().items()):
        station = stations.get(code)
        if station is None:
            findings.append(f"{code}: station pinned on this PC is missing from the database")
            continue
        if pinned.fingerprints and station.fingerprint not in pinned.fingerprints:
            findings.append(
                f"{code}: the station certificate ({station.fingerprint[:16]}…) is not the one "
                f"pinned on this PC ({pinned.fingerprints[-1][:16]}…): the key was replaced"
            )
        used = walked.get(code)
        for fingerprint in pinned.fingerprints:
            if used is not None and fingerprint not in used:
                findings.append(
                    f"{code}: the certificate {fingerprint[:16]}… pinned on this PC (a key "
                    "rotation) never signed the chain: the chain was rewritten"
                )
        witnessed = pinned.head
        if witnessed is None:
            continue
        head = heads[code]
        # A restore the manager confirmed gave up entries up to its from_seq: the
        # witness may still stand there if it could not be updated afterwards.
        if any(
            r["station"] == code and r["to_seq"] < witnessed.seq <= r["from_seq"] for r in rollbacks
        ):
            continue
        if witnessed.seq > head.seq:
            findings.append(
                f"{code}: entries #{head.seq + 1}–#{witnessed.seq} are missing (this PC "
                f"witnessed the chain at #{witnessed.seq} {witnessed.entry_hash[:16]}…)"
            )
        elif _entry_hash(session, code, witnessed.seq) != witnessed.entry_hash:
            findings.append(
                f"{code}: entry #{witnessed.seq} differs from the one this PC witnessed: "
                "the chain was rewritten"
            )
        elif witnessed.seq < head.seq:
            notes.append(
                f"{code}: the witness on this PC is at #{witnessed.seq}, the chain at #{head.seq} "
                "(written from another PC, or the witness could not be updated)"
            )
    return findings, notes


def _against_fingerprints(
    stations: dict[str, Station], typed: Sequence[str], findings: list[str]
) -> None:
    for text in typed:
        code, _, fingerprint = text.rpartition(":") if ":" in text[:9] else ("", "", text)
        if not code:
            if len(stations) != 1:
                findings.append(
                    f"--fingerprint {text}: name the station (STATION:FP), the database has "
                    f"{len(stations)}"
                )
                continue
            code = next(iter(stations))
        station = stations.get(code)
        if station is None:
            findings.append(f"--fingerprint {text}: no station {code} in the database")
        elif not matches(station.fingerprint, fingerprint):
            findings.append(
                f"{code}: the station certificate ({station.fingerprint[:16]}…) is not the one "
                f"on paper ({fingerprint[:16]}…)"
            )


def _against_checkpoint(
    session: Session, checkpoint: Checkpoint, heads: dict[str, ledger.ChainHead]
) -> str | None:
    head = heads.get(checkpoint.station)
    label = f"checkpoint {checkpoint.station}:{checkpoint.seq}"
    if head is None:
        return f"{label}: no station {checkpoint.station} in the database"
    if head.seq < checkpoint.seq:
        return (
            f"{label}: entries #{head.seq + 1}–#{checkpoint.seq} are missing (the chain ends "
            f"at #{head.seq})"
        )
    found = _entry_hash(session, checkpoint.station, checkpoint.seq)
    if found is None or not matches(found, checkpoint.entry_hash):
        return f"{label}: the entry differs from the checkpoint: the chain was rewritten"
    return None


def _cross_witness_claims(
    session: Session, walks: Sequence[StationWalk], claims_up_to: dict[str, int]
) -> Claims:
    """The highest head each station is claimed at by every entry of the ledger.

    A chain walked to its end brought the claims of its entries (decoded once, by the
    walk); the entries of a chain that stopped at a bad one, and any of a station not
    registered, are read here, in this transaction, up to the heads read before the
    walks, as every entry was before the walks brought them.
    """
    claims: Claims = {}
    sound = {walk.report.station for walk in walks if walk.report.finding is None}
    for walk in walks:
        if walk.report.station in sound:
            for code, claim in walk.claims.items():
                _claim(claims, code, claim)
    codes = session.scalars(select(LedgerEntry.station).distinct())
    for code in sorted(set(codes) - sound):
        stmt = select(LedgerEntry.id, LedgerEntry.station, LedgerEntry.seq, LedgerEntry.body).where(
            LedgerEntry.station == code, LedgerEntry.body.contains('"heads":')
        )
        if code in claims_up_to:
            stmt = stmt.where(LedgerEntry.seq <= claims_up_to[code])
        # Streamed: nearly every body of a shared database names the others' heads.
        rows = session.execute(stmt.execution_options(yield_per=STREAM_CHUNK))
        for by_id, by, by_seq, body in rows:
            _claims_in(claims, by, by_seq, by_id, json.loads(body))
    return claims


def _cross_witness_problems(
    session: Session, claims: Claims, heads: dict[str, ledger.ChainHead]
) -> list[str]:
    """On a shared database each entry names the other stations' heads (desktop.ledger).

    The highest head any station claims for another must still be in that chain:
    cutting one station's tail is caught by the others' entries.
    """
    problems = []
    for code, (seq, entry_hash, by, _) in sorted(claims.items()):
        head = heads.get(code)
        if head is None or head.seq < seq:
            problems.append(
                f"{code}: entries up to #{seq} are missing (station {by} saw the chain at #{seq})"
            )
        elif _entry_hash(session, code, seq) != entry_hash:
            problems.append(f"{code}: entry #{seq} differs from the one station {by} saw")
    return problems


def _legacy_key_notes(keys_dir: Path, stations: dict[str, Station]) -> list[str]:
    """A key folder's clear (unencrypted) keys: they work, but anyone at the PC can sign."""
    notes = []
    for code in stations_with_keys(keys_dir):
        if code not in stations:
            continue
        try:
            state = station_key_state(keys_dir, code)
        except UserError:
            continue  # a damaged key is not verify's to report: signing says so
        if state is KeyState.CLEAR:
            notes.append(
                f"{code}: the station key in {keys_dir} is not encrypted (a legacy key "
                "file): run `revoke-desk key protect`"
            )
    return notes


def _certificate_in(keys_dir: Path, station: str) -> x509.Certificate | None:
    path = StationKeyFiles.in_dir(keys_dir, station).certificate
    if not path.is_file():
        return None
    return x509.load_pem_x509_certificate(path.read_bytes())

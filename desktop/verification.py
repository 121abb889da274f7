"""``revoke-desk verify``: every chain, every signature, every personal-data digest."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import LedgerEntry, Person, Slip, Station
from desktop import clerk_ledger, ledger
from desktop.errors import UserError
from desktop.intake import check_intake_entry, find_unchained_intakes
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
    if session.get(Person, entry.subject) is None and entry.subject not in purged_receipts(session):
        return f"personal data of {entry.subject} is missing and no retention purge erased it"
    return None


ENTRY_CHECKS: dict[str, ledger.EntryCheck] = {
    ledger.EntryKind.INTAKE: check_intake_and_person,
    ledger.EntryKind.RETENTION_PURGE: check_purge_entry,
    ledger.EntryKind.VOID: check_void_entry,
    ledger.EntryKind.SLIP_ISSUED: check_slip_entry,
    ledger.EntryKind.REPRINT: check_slip_entry,
}


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
) -> VerifyReport:
    """Verify every station's chain.  Certificates found in ``keys_dir`` must match the database's.

    With ``trust`` (this PC's pins and witness), ``fingerprints`` (``[STATION:]FP`` as
    read from paper) and ``checkpoints`` (heads printed on day reports), the chains are
    also held against what lies outside the database (desktop.trust).
    """
    reports = []
    stations = list(session.scalars(select(Station).order_by(Station.code)))
    for station in stations:
        trusted = _certificate_in(keys_dir, station.code) if keys_dir else None
        reports.append(
            ledger.verify_station(
                session, station, entry_checks=ENTRY_CHECKS, trusted_certificate=trusted
            )
        )
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
    findings.extend(_cross_witness_problems(session, heads))
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


def _cross_witness_problems(session: Session, heads: dict[str, ledger.ChainHead]) -> list[str]:
    """On a shared database each entry names the other stations' heads (desktop.ledger).

    The highest head any station claims for another must still be in that chain:
    cutting one station's tail is caught by the others' entries.
    """
    claims: dict[str, tuple[int, str, str]] = {}
    rows = session.execute(
        select(LedgerEntry.station, LedgerEntry.seq, LedgerEntry.body).where(
            LedgerEntry.body.contains('"heads":')
        )
    )
    for by, by_seq, body in rows:
        for code, (seq, entry_hash) in json.loads(body).get("heads", {}).items():
            if seq > claims.get(code, (0, "", ""))[0]:
                claims[code] = (seq, entry_hash, f"{by}#{by_seq}")
    problems = []
    for code, (seq, entry_hash, by) in sorted(claims.items()):
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

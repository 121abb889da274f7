"""``revoke-desk verify``: every chain, every signature, every personal-data digest."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import LedgerEntry, Person, Slip, Station
from desktop import ledger
from desktop.intake import check_intake_entry, find_unchained_intakes
from desktop.keys import StationKeyFiles
from desktop.retention import check_purge_entry, purged_receipts
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

    @property
    def ok(self) -> bool:
        return not self.unchained_intakes and all(s.finding is None for s in self.stations)

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
        return out


def verify_all(session: Session, keys_dir: Path | None = None) -> VerifyReport:
    """Verify every station's chain.  Certificates found in ``keys_dir`` must match the database's."""
    reports = []
    for station in session.scalars(select(Station).order_by(Station.code)):
        trusted = _certificate_in(keys_dir, station.code) if keys_dir else None
        reports.append(
            ledger.verify_station(
                session, station, entry_checks=ENTRY_CHECKS, trusted_certificate=trusted
            )
        )
    return VerifyReport(reports, find_unchained_intakes(session))


def _certificate_in(keys_dir: Path, station: str) -> x509.Certificate | None:
    path = StationKeyFiles.in_dir(keys_dir, station).certificate
    if not path.is_file():
        return None
    return x509.load_pem_x509_certificate(path.read_bytes())

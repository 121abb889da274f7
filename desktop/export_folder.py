"""The day's export folder: what it holds, how it is written, and how it is checked.

A folder per closed day::

    day-report.pdf    the signed day report (reports.day_report, PAdES)
    intakes.csv       the intakes, UTF-8 with BOM (Excel in Japan needs it) or CP932
    day-summary.csv   the counts and money totals per purpose, in the same encoding
    intakes.xlsx      the intakes (first sheet) and the summary (second sheet), values
                      only, never a formula (reports.day_export)
    station-cert.pem  the station certificate, to check the signatures offline
    manifest.json     every other file's SHA-256 and size, the counts, the chain head
    manifest.sig      the station key's signature of manifest.json's exact bytes (base64)

What the files hold is ``desktop.exports``'; the close entry that seals their SHA-256 is
``desktop.dayclose``'.  The folder is written to a hidden sibling and renamed into
place only when complete (``desktop.files.write_folder_atomically``), so a failure
leaves nothing half-written.  ``verify-export`` checks the signature, every file's hash
and, with a session, the close entry and the counts against the ledger.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from cryptography import x509
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Shop, Station
from desktop import ledger
from desktop.dayclose import (
    COUNTS_VERSION,
    DayClose,
    day_counts,
    find_close,
    legacy_day_counts,
    summarise_day,
)
from desktop.files import write_folder_atomically
from desktop.keys import StationSigner, certificate_fingerprint, signature_is_valid

REPORT = "day-report.pdf"
CSV_FILE = "intakes.csv"
SUMMARY_FILE = "day-summary.csv"
XLSX_FILE = "intakes.xlsx"
CERT_FILE = "station-cert.pem"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
# v2: the summary CSV and the XLSX summary sheet, labels instead of ids, counts of
# rules version 2 (voided intakes apart, money per purpose).
MANIFEST_FORMAT = "revoke-desk-day-export/v2"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_bytes(summary: DayClose, files: Mapping[str, bytes]) -> bytes:
    assert summary.close_entry is not None, "export a day only after close_day"
    manifest = {
        "format": MANIFEST_FORMAT,
        "station": summary.station,
        "day": summary.day.isoformat(),
        "generated_at": summary.closed_at.isoformat(),
        "manager": summary.manager,
        "encoding": summary.encoding,
        "files": [
            {"name": name, "sha256": sha256(data), "size": len(data)}
            for name, data in sorted(files.items())
        ],
        "counts": summary.counts,
        "chain_head": {"seq": summary.head.seq, "entry_hash": summary.head.entry_hash},
        "close_entry": {
            "seq": summary.close_entry.seq,
            "entry_hash": summary.close_entry.entry_hash,
        },
        "certificate_fingerprint": summary.fingerprint,
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return text.encode("utf-8")


def export_day(summary: DayClose, out_dir: Path, signer: StationSigner) -> Path:
    """Write the closed day's folder atomically; returns ``out_dir``.

    ``out_dir`` must not exist yet (or be an empty folder): an export never mixes
    with other files.
    """
    files = {**summary.files, CERT_FILE: signer.certificate_pem.encode("ascii")}
    manifest = manifest_bytes(summary, files)
    everything = {
        **files,
        MANIFEST: manifest,
        SIGNATURE: (signer.sign(manifest) + "\n").encode("ascii"),
    }
    return write_folder_atomically(out_dir, everything)


# ---------------------------------------------------------------------------
# verify-export


@dataclass(frozen=True)
class ExportVerdict:
    problems: tuple[str, ...]  # each names the file or count that differs
    station: str = ""
    day: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        if self.ok:
            return [f"OK {self.station} {self.day}: signature, files and counts agree"]
        return [f"NG {problem}" for problem in self.problems]


def read_signed_files(folder: Path) -> tuple[dict[str, bytes], x509.Certificate | None, list[str]]:
    """A signed folder's manifest, signature and certificate (a day's or head office's).

    Returns the files as read, the certificate — None when the check cannot go on (a
    file missing, the certificate unreadable), the problems then saying why — and the
    problems found so far: a signature that does not verify is one, and the caller goes
    on to check the files against the manifest all the same.
    """
    raw: dict[str, bytes] = {}
    problems: list[str] = []
    for name in (MANIFEST, SIGNATURE, CERT_FILE):
        try:
            raw[name] = (folder / name).read_bytes()
        except OSError:
            problems.append(f"{name}: missing")
    if problems:
        return raw, None, problems
    try:
        certificate = x509.load_pem_x509_certificate(raw[CERT_FILE])
    except ValueError:
        return raw, None, [f"{CERT_FILE}: not a certificate (changed?)"]
    try:
        signature = raw[SIGNATURE].decode("ascii").strip()
        base64.b64decode(signature, validate=True)
    except (UnicodeDecodeError, binascii.Error):
        signature = ""
    if not signature or not signature_is_valid(certificate, raw[MANIFEST], signature):
        problems.append(
            f"{MANIFEST}/{SIGNATURE}: the signature does not verify with {CERT_FILE} "
            "(the manifest or its signature was changed)"
        )
    return raw, certificate, problems


def verify_export(folder: Path, session: Session | None = None) -> ExportVerdict:
    """Check an export folder: signature, every file's hash, and (with a session) the ledger."""
    raw, certificate, problems = read_signed_files(folder)
    if certificate is None:
        return ExportVerdict(tuple(problems))
    try:
        manifest = json.loads(raw[MANIFEST].decode("utf-8"))
        station, day = str(manifest["station"]), str(manifest["day"])
        listed = {str(f["name"]): f for f in manifest["files"]}
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        return ExportVerdict((*problems, f"{MANIFEST}: not a readable manifest"))
    if manifest.get("certificate_fingerprint") != certificate_fingerprint(certificate):
        problems.append(f"{CERT_FILE}: not the certificate the manifest names")
    for name, entry in sorted(listed.items()):
        path = folder / Path(name).name
        try:
            data = path.read_bytes()
        except OSError:
            problems.append(f"{name}: missing")
            continue
        if sha256(data) != entry.get("sha256") or len(data) != entry.get("size"):
            problems.append(f"{name}: SHA-256 differs from the manifest (the file was changed)")
    expected = {*listed, MANIFEST, SIGNATURE}
    for path in sorted(folder.iterdir()):
        if path.name not in expected:
            problems.append(f"{path.name}: not listed in the manifest")
    if session is not None:
        problems.extend(_against_ledger(session, manifest, certificate, station, day))
    return ExportVerdict(tuple(problems), station, day)


def _against_ledger(
    session: Session,
    manifest: dict[str, Any],
    certificate: x509.Certificate,
    station: str,
    day: str,
) -> list[str]:
    problems: list[str] = []
    registered = session.get(Station, station)
    if registered is None:
        return [f"station {station}: not in this database"]
    try:
        the_day = date.fromisoformat(day)
    except ValueError:
        return [*problems, f"{MANIFEST}: day {day!r} is not a date"]
    close = find_close(session, station, the_day)
    # The certificate in force at the close: after a key rotation, older exports carry
    # the old one (desktop.ledger.certificate_history).
    try:
        history = ledger.certificate_history(session, registered)
        epoch = ledger.certificate_at(history, close.seq) if close else history[-1]
        in_force = epoch.fingerprint
    except (ValueError, KeyError, TypeError):
        in_force = registered.fingerprint
    if in_force != certificate_fingerprint(certificate):
        problems.append(
            f"{CERT_FILE}: differs from station {station}'s certificate in the database"
        )
    if close is None:
        return [*problems, f"ledger: no day close of {station} {day}"]
    body = json.loads(close.body)
    if manifest.get("close_entry") != {"seq": close.seq, "entry_hash": close.entry_hash}:
        problems.append(f"{MANIFEST}: close_entry differs from the ledger's #{close.seq}")
    if manifest.get("chain_head") != body["head"]:
        problems.append(f"{MANIFEST}: chain_head differs from the ledger's close entry")
    listed = {f["name"]: f["sha256"] for f in manifest.get("files", [])}
    for name, digest in body["exports"].items():
        if listed.get(name) != digest:
            problems.append(f"{name}: SHA-256 differs from the ledger's close entry")
    problems.extend(
        _count_differences("ledger close entry", manifest.get("counts"), body["counts"])
    )
    # Recount from the intakes themselves: those of the day recorded before the close.
    shop = session.scalars(select(Shop)).one()
    now_view = summarise_day(
        session, station, the_day, timezone=shop.timezone, manager="", now=close.created_at
    )
    # A void made after the close (it is reported late, with a later close) did not
    # count at this one.
    on_time = tuple(
        replace(i, voided=i.voided and i.void_seq < close.seq)
        for i in now_view.intakes
        if i.seq < close.seq
    )
    stored = dict(manifest.get("counts") or {})
    version = stored.get("version")
    if version == COUNTS_VERSION:
        recount = day_counts(on_time, (), (), ())
    elif version is None:  # a close made before the counts had a version: rules 1
        recount = legacy_day_counts(on_time)
    else:
        return [*problems, f"counts: rules version {version!r} unknown to this version"]
    for key in ("voids", "reprints", "late"):
        stored.pop(key, None)
        recount.pop(key, None)
    problems.extend(_count_differences("ledger intakes", stored, recount))
    return problems


def _count_differences(source: str, exported: Any, ledger_counts: Any) -> list[str]:
    if not isinstance(exported, dict) or not isinstance(ledger_counts, dict):
        return [f"counts: missing in the export or the {source}"]
    problems = []
    for key in sorted({*exported, *ledger_counts}):
        if exported.get(key) != ledger_counts.get(key):
            problems.append(
                f"counts.{key}: export {exported.get(key)!r}, {source} {ledger_counts.get(key)!r}"
            )
    return problems

"""The ``commit_cpu`` floor: the same commit, hand-written on a plain ``sqlite3`` connection.

Issue 11 asks what the project's commit costs over the least a program doing the same
work could cost.  "The same work" here is everything ``commit_intake`` does for an
ordinary intake (no ``transaction_with``) except going through SQLAlchemy:

- the same validation and policy (``validate_intake``, ``decide``), the same personal
  data, digest, body (``personal_data``, ``person_digest``, ``intake_body``,
  ``ledger.entry_body``), canonical bytes, entry hash and ECDSA signature, the same
  name tokens — the project's own pure functions, so neither side does less;
- the same look-ups, written by hand in one statement as the project reads them: the
  clerk is active, the day's last number, every station's key fingerprint and chain head
  (its own, and the others' to witness);
- the same inserts into the real schema (a shop made by ``AppContext.open``, with its
  triggers and indexes): the ledger entry, the intake row, the person row, its tokens;
- between ``BEGIN IMMEDIATE`` and ``COMMIT``, as the project's transaction.

Not done here, and so part of what the ratio shows: SQLAlchemy's sessions and
statements, and the witness file the project writes after each commit (desktop.trust).
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from db.engine import BUSY_TIMEOUT_MS, SQLITE_PRAGMAS
from desktop import ledger
from desktop.attestation import decide
from desktop.catalogue import RevocationCatalogue
from desktop.intake import (
    SALT_BYTES,
    SIGNED_INTAKE_COLUMNS,
    intake_body,
    intake_row,
    person_digest,
    personal_data,
    receipt_number,
)
from desktop.keys import StationSigner
from desktop.name_tokens import name_tokens
from desktop.rules import validate_intake

# Every station's fingerprint and head, and on each row the clerk's state and the day's
# last number, in one statement, as desktop.intake reads them (its _COMMIT_READS).
_COMMIT_READS = (
    "SELECT code, fingerprint,"
    " (SELECT seq FROM ledger_entry e WHERE e.station = s.code ORDER BY seq DESC LIMIT 1),"
    " (SELECT entry_hash FROM ledger_entry e WHERE e.station = s.code ORDER BY seq DESC LIMIT 1),"
    " (SELECT active FROM clerk WHERE code = ?),"
    " (SELECT max(day_number) FROM intake WHERE station = ? AND business_day = ?)"
    " FROM station s ORDER BY code"
)
_INSERT_ENTRY = (
    "INSERT INTO ledger_entry (station, seq, kind, subject, body, prev_hash, entry_hash,"
    " signature, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
# Every column of the intake row: the ones verify holds against the body, and the two
# that are the row's own (desktop.intake.intake_row).
_INTAKE_COLUMNS = ("receipt", "day_number", *SIGNED_INTAKE_COLUMNS)
_INSERT_INTAKE = (
    f"INSERT INTO intake ({', '.join(_INTAKE_COLUMNS)})"
    f" VALUES ({', '.join('?' for _ in _INTAKE_COLUMNS)})"
)
_INSERT_PERSON = "INSERT INTO person (receipt, salt, data, name, created_at) VALUES (?, ?, ?, ?, ?)"
_INSERT_TOKEN = "INSERT INTO person_name_token (receipt, token) VALUES (?, ?)"


def _stored_time(moment: datetime) -> str:
    """A UTC time as SQLAlchemy's SQLite ``DateTime`` stores it (db.types.UTCDateTime)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


class HandWrittenCommit:
    """One intake committed without SQLAlchemy into a shop's real SQLite file."""

    def __init__(
        self,
        database: Path,
        *,
        signer: StationSigner,
        catalogue: RevocationCatalogue,
        timezone: str,
        synchronous_off: bool,
    ) -> None:
        self.db = sqlite3.connect(database, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        for pragma in SQLITE_PRAGMAS:
            self.db.execute(pragma)
        if synchronous_off:
            self.db.execute("PRAGMA synchronous=OFF")
        self.signer = signer
        self.catalogue = catalogue
        self.timezone = ZoneInfo(timezone)

    def close(self) -> None:
        self.db.close()

    def commit(self, document: dict[str, Any], now: datetime) -> str:
        """Validate and commit ``document``; its receipt number."""
        business_day = now.astimezone(self.timezone).date()
        draft = validate_intake(document, today=business_day, catalogue=self.catalogue)
        decision = decide(
            draft.revocation,
            clerk_did_not_assist=draft.clerk_did_not_assist,
            catalogue=self.catalogue,
        )
        station = self.signer.station
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            rows = db.execute(
                _COMMIT_READS, (draft.clerk, station, business_day.isoformat())
            ).fetchall()
            if not rows or not rows[0][4]:
                raise ValueError(f"{draft.clerk} is not an active clerk")
            day_number = 1 + (rows[0][5] or 0)
            prev_seq, prev_hash = 0, ledger.GENESIS_PREV_HASH
            heads = {}
            for code, fingerprint, head_seq, head_hash, _, _ in rows:
                if code == station:
                    if fingerprint != self.signer.fingerprint:
                        raise ValueError("the station's key was rotated")
                    if head_seq is not None:
                        prev_seq, prev_hash = head_seq, head_hash
                elif head_seq is not None:
                    heads[code] = [head_seq, head_hash]
            number = receipt_number(station, business_day, day_number)
            person = personal_data(draft, business_day, decision.outcome)
            salt = os.urandom(SALT_BYTES)
            fields = intake_body(
                draft,
                decision,
                receipt=number,
                business_day=business_day,
                first_receipt="",
                transaction_total_yen=draft.price_yen,
                digest=person_digest(salt, person),
                catalogue=self.catalogue,
            )
            seq = prev_seq + 1
            body = ledger.entry_body(
                fields,
                kind=ledger.EntryKind.INTAKE,
                station=station,
                seq=seq,
                subject=number,
                now=now,
                heads=heads,
            )
            body_bytes = ledger.canonical(body)
            entry_hash = ledger.compute_entry_hash(prev_hash, body_bytes)
            signature = self.signer.sign(bytes.fromhex(entry_hash))
            stored_now = _stored_time(now)
            db.execute(
                _INSERT_ENTRY,
                (
                    station,
                    seq,
                    ledger.EntryKind.INTAKE,
                    number,
                    body_bytes.decode("utf-8"),
                    prev_hash,
                    entry_hash,
                    signature,
                    stored_now,
                ),
            )
            row = intake_row(
                draft,
                fields,
                station=station,
                seq=seq,
                business_day=business_day,
                day_number=day_number,
                now=now,
            )
            row["business_day"] = business_day.isoformat()
            row["created_at"] = stored_now
            db.execute(_INSERT_INTAKE, tuple(row[column] for column in _INTAKE_COLUMNS))
            db.execute(
                _INSERT_PERSON, (number, salt, json.dumps(person), draft.seller.name, stored_now)
            )
            db.executemany(
                _INSERT_TOKEN,
                [(number, token) for token in name_tokens(draft.seller.name, draft.seller.kana)],
            )
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        return number

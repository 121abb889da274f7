"""Who may do what, as the signed ledger says it: clerk state replayed from the chain.

The ``clerk`` table holds each clerk's role, active flag and PIN hash so that the
counter can unlock quickly; the ledger holds the same as signed entries
(``clerk_added``, ``clerk_changed``), each carrying the clerk's state after it: role,
active flag and ``pin_sha256``, a digest of the argon2 hash string (never the PIN,
never the hash itself).  The table is only a cache of the chain:

- ``authenticate`` (desktop.clerks) refuses a clerk row that differs from the state
  its own signed entries give, so ``update clerk set role='manager'`` or a PIN hash
  copied from another row opens nothing;
- ``verify`` replays every clerk entry of every station in chain order, holds the
  table against the result, and checks that every act a manager must approve (a void,
  a restore, a change of the shop's details or the minors policy, a day close, any
  change of staff) names someone who was an active manager at that point.

Databases from before this (their entries carry no digest, e.g.
``tests/data/schema_0001``) keep working: an entry without ``pin_sha256`` binds the
role and the active flag only, and a clerk's PIN becomes bound at its next reset.
``verify`` notes the clerks whose PINs are not bound yet.  Once the chain holds one
entry with a digest, every later ``clerk_added`` must carry one.

Order across stations: by ``created_at``, then station and seq, except that an entry
never goes before the entries of other stations it names as seen (``heads``, written
on a shared database), so a clock running behind on one counter cannot put a void
before the manager who approved it was added.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography import x509
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Clerk, LedgerEntry, Station
from desktop import ledger
from desktop.keys import load_certificate

PIN_DIGEST_DOMAIN = b"revoke-desk/pin-hash/v1\x00"
MANAGER = "manager"
ROLES = frozenset({"clerk", MANAGER})
# Who adds the first manager at set-up: accepted only while the shop has no active manager.
INIT = "init"
# What clerk_added bodies of older versions named as the adder when nobody approved
# (the command line before it asked for a manager, and the API's default).
LEGACY_ADDERS = frozenset({"", "cli"})
CLERK_KINDS = (ledger.EntryKind.CLERK_ADDED, ledger.EntryKind.CLERK_CHANGED)
# The acts a manager approves, and the body key that names the manager.
APPROVER_KEYS = {
    ledger.EntryKind.VOID: "manager",
    ledger.EntryKind.RESTORE: "by",
    ledger.EntryKind.DAY_CLOSED: "manager",
    ledger.EntryKind.SETTINGS_CHANGED: "by",
    ledger.EntryKind.CLERK_ADDED: "added_by",
    ledger.EntryKind.CLERK_CHANGED: "by",
}
SETTINGS_SUBJECTS = frozenset({"shop", "minors_policy"})

Position = tuple[datetime, str, int]  # created_at, station, seq


def pin_digest(pin_hash: str) -> str:
    """What the ledger records of a PIN: a digest of its (salted) argon2 hash string."""
    return hashlib.sha256(PIN_DIGEST_DOMAIN + pin_hash.encode("utf-8")).hexdigest()


def state_fields(role: str, active: bool, pin_hash: str) -> dict[str, Any]:
    """The clerk's state as every new clerk entry carries it."""
    return {"role": role, "active": active, "pin_sha256": pin_digest(pin_hash)}


class ClerkEntryError(ValueError):
    """A clerk entry that cannot be replayed (never added, a bad role, does not verify)."""


@dataclass(frozen=True)
class ClerkState:
    """A clerk as the chain says it is after some entry."""

    code: str
    role: str
    active: bool
    pin_sha256: str | None  # None: no entry binds the PIN (made before PINs were bound)
    pin_set_at: Position  # the entry that last set the PIN (a lockout before it is lifted)

    @property
    def is_manager(self) -> bool:
        return self.active and self.role == MANAGER


@dataclass(frozen=True)
class Placed:
    """One ledger entry with its parsed body and its place in the chains."""

    station: str
    seq: int
    kind: str
    subject: str
    created_at: datetime
    body: dict[str, Any]

    @property
    def position(self) -> Position:
        return (self.created_at, self.station, self.seq)

    @property
    def where(self) -> str:
        return f"{self.station}#{self.seq}"

    def seen(self) -> dict[str, int]:
        """Other stations' heads this entry names (a shared database), station → seq."""
        heads = self.body.get("heads")
        if not isinstance(heads, dict):
            return {}
        return {
            str(station): head[0]
            for station, head in heads.items()
            if isinstance(head, list) and head and isinstance(head[0], int)
        }


def placed(entry: LedgerEntry) -> Placed:
    body = json.loads(entry.body)
    if not isinstance(body, dict):
        raise ClerkEntryError(f"{entry.station}#{entry.seq}: the body is not a JSON object")
    return Placed(entry.station, entry.seq, entry.kind, entry.subject, entry.created_at, body)


def chain_order(entries: Iterable[Placed]) -> list[Placed]:
    """Entries of several stations in one order (see the module docstring)."""
    queues: dict[str, deque[Placed]] = {}
    for entry in sorted(entries, key=lambda e: (e.station, e.seq)):
        queues.setdefault(entry.station, deque()).append(entry)
    out: list[Placed] = []
    while queues:
        heads = [queue[0] for queue in queues.values()]

        def ready(entry: Placed) -> bool:
            for station, seq in entry.seen().items():
                queue = queues.get(station)
                if station != entry.station and queue and queue[0].seq <= seq:
                    return False
            return True

        candidates = [entry for entry in heads if ready(entry)] or heads  # a cycle: forged
        chosen = min(candidates, key=lambda e: e.position)
        queue = queues[chosen.station]
        queue.popleft()
        if not queue:
            del queues[chosen.station]
        out.append(chosen)
    return out


def next_state(previous: ClerkState | None, entry: Placed) -> ClerkState:
    """The clerk's state after one of their entries."""
    body = entry.body
    code = str(body.get("code", entry.subject))
    if code != entry.subject:
        raise ClerkEntryError(f"the entry names clerk {code} but is filed under {entry.subject}")
    if entry.kind == ledger.EntryKind.CLERK_ADDED:
        return ClerkState(
            code,
            _role(body.get("role"), code),
            _flag(body.get("active", True), code),
            _digest(body.get("pin_sha256"), code),
            entry.position,
        )
    if previous is None:
        raise ClerkEntryError(f"a change of clerk {code}, who was never added")
    change = body.get("change")
    role = _role(body.get("role", previous.role), code)
    active = _flag(body.get("active", False if change == "deactivated" else previous.active), code)
    if "pin_sha256" in body:
        return ClerkState(code, role, active, _digest(body["pin_sha256"], code), entry.position)
    if change == "pin_reset":  # an older version's reset: the new PIN is not bound
        return ClerkState(code, role, active, None, entry.position)
    return ClerkState(code, role, active, previous.pin_sha256, previous.pin_set_at)


def _role(value: object, code: str) -> str:
    if value not in ROLES:
        raise ClerkEntryError(f"clerk {code} has no valid role in the ledger ({value!r})")
    return str(value)


def _flag(value: object, code: str) -> bool:
    if not isinstance(value, bool):
        raise ClerkEntryError(f"clerk {code} has no valid active flag in the ledger ({value!r})")
    return value


def _digest(value: object, code: str) -> str | None:
    if value is None:
        return None
    if not (isinstance(value, str) and len(value) == 64):
        raise ClerkEntryError(f"clerk {code} has no valid PIN digest in the ledger")
    return value


def row_problems(clerk: Clerk, state: ClerkState) -> list[str]:
    """How a clerk row differs from the chain's state for it (nothing: it matches)."""
    problems = []
    if clerk.role != state.role:
        problems.append(f"role {clerk.role} in the clerk table, {state.role} in the ledger")
    if clerk.active != state.active:
        problems.append(
            f"{'active' if clerk.active else 'inactive'} in the clerk table, "
            f"{'active' if state.active else 'inactive'} in the ledger"
        )
    if state.pin_sha256 is not None and pin_digest(clerk.pin_hash) != state.pin_sha256:
        problems.append("the PIN hash is not the one the ledger records (replaced or copied)")
    return problems


# ---------------------------------------------------------------------------
# One clerk, at the counter


def chain_state(session: Session, code: str) -> ClerkState | None:
    """The clerk's state from their own signed entries; None when they have none.

    Each entry's hash and signature are checked against its station's certificate
    (a handful of entries per clerk), so a row written beside a forged entry is no
    better than the row alone.  Raises :class:`ClerkEntryError` for one that fails.
    """
    entries = session.scalars(
        select(LedgerEntry).where(LedgerEntry.subject == code, LedgerEntry.kind.in_(CLERK_KINDS))
    ).all()
    certificates: dict[str, x509.Certificate | None] = {}
    for entry in entries:
        if entry.station not in certificates:
            station = session.get(Station, entry.station)
            certificates[entry.station] = (
                load_certificate(station.certificate_pem) if station is not None else None
            )
        certificate = certificates[entry.station]
        problem = (
            "its station is not registered"
            if certificate is None
            else ledger.entry_problem(entry, certificate)
        )
        if problem is not None:
            raise ClerkEntryError(f"clerk entry {entry.station}#{entry.seq}: {problem}")
    state: ClerkState | None = None
    for item in chain_order(placed(entry) for entry in entries):
        state = next_state(state, item)
    return state


# ---------------------------------------------------------------------------
# Every clerk and every approval, for verify


@dataclass
class ClerkAudit:
    findings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def audit(session: Session) -> ClerkAudit:
    """Hold the clerk table and every manager's approval against the replayed chain.

    The chains themselves (hashes, signatures, links) are checked by
    :func:`desktop.ledger.verify_station`; this reads the bodies of the entries
    that grant or use a manager's authority.
    """
    result = ClerkAudit()
    rows = session.scalars(
        select(LedgerEntry)
        .where(LedgerEntry.kind.in_(tuple(APPROVER_KEYS)))
        .execution_options(yield_per=1000)
    )
    entries: list[Placed] = []
    for row in rows:
        try:
            entries.append(placed(row))
        except (ClerkEntryError, ValueError):
            continue  # verify_station names a body that is not JSON
    states: dict[str, ClerkState] = {}
    bound = False  # the chain binds PINs from its first entry that carries a digest
    legacy: list[str] = []
    for entry in chain_order(entries):
        problem = _approval_problem(entry, states, bound, legacy)
        if problem is not None:
            result.findings.append(f"{entry.where}: {problem}")
        if entry.kind not in CLERK_KINDS:
            continue
        code = entry.subject
        if entry.kind == ledger.EntryKind.CLERK_ADDED and code in states:
            result.findings.append(f"{entry.where}: clerk {code} is added a second time")
            continue
        try:
            states[code] = next_state(states.get(code), entry)
        except ClerkEntryError as exc:
            result.findings.append(f"{entry.where}: {exc}")
            continue
        if "pin_sha256" in entry.body:
            bound = True
    _against_table(session, states, result)
    if legacy:
        result.notes.append(
            f"clerks added before additions needed a manager's approval: {', '.join(legacy)}"
        )
    return result


def _approval_problem(
    entry: Placed, states: dict[str, ClerkState], bound: bool, legacy: list[str]
) -> str | None:
    kind = entry.kind
    if kind == ledger.EntryKind.SETTINGS_CHANGED and entry.subject not in SETTINGS_SUBJECTS:
        return None
    approver = entry.body.get(APPROVER_KEYS[kind])
    carries_digest = "pin_sha256" in entry.body
    if kind in CLERK_KINDS and bound and not carries_digest:
        return (
            f"{_what(entry)} without a PIN digest, after the ledger began binding PINs "
            "(an entry in an older version's form)"
        )
    if kind == ledger.EntryKind.CLERK_ADDED:
        if approver == INIT:
            if any(state.is_manager for state in states.values()):
                return (
                    f"clerk {entry.subject} is added by set-up (init) although the shop "
                    "already had an active manager"
                )
            if entry.body.get("role") != MANAGER:
                return f"set-up (init) added {entry.subject}, who is not a manager"
            return None
        if not carries_digest and approver in LEGACY_ADDERS:
            legacy.append(entry.subject)
            return None
    state = states.get(approver) if isinstance(approver, str) else None
    if state is not None and state.is_manager:
        return None
    return (
        f"{_what(entry)} approved by {approver!r}, who was not an active manager at that "
        "point of the chain"
    )


def _what(entry: Placed) -> str:
    kind = entry.kind
    if kind == ledger.EntryKind.VOID:
        return f"void of {entry.subject}"
    if kind == ledger.EntryKind.RESTORE:
        return "restore"
    if kind == ledger.EntryKind.DAY_CLOSED:
        return f"day close of {entry.subject}"
    if kind == ledger.EntryKind.SETTINGS_CHANGED:
        return f"settings change ({entry.subject})"
    if kind == ledger.EntryKind.CLERK_ADDED:
        return f"clerk {entry.subject} ({entry.body.get('role')}) added"
    return f"change of clerk {entry.subject} ({entry.body.get('change')})"


def _against_table(session: Session, states: dict[str, ClerkState], result: ClerkAudit) -> None:
    remaining = dict(states)
    unbound: list[str] = []
    for clerk in session.scalars(select(Clerk).order_by(Clerk.code)):
        state = remaining.pop(clerk.code, None)
        if state is None:
            result.findings.append(
                f"clerk {clerk.code} is in the clerk table but was never added in the ledger"
            )
            continue
        problems = row_problems(clerk, state)
        if problems:
            result.findings.append(
                f"clerk {clerk.code} does not match the ledger: {'; '.join(problems)}"
            )
        if state.pin_sha256 is None:
            unbound.append(clerk.code)
    result.findings.extend(
        f"clerk {code} of the ledger is missing from the clerk table" for code in sorted(remaining)
    )
    if unbound:
        result.notes.append(
            f"the PINs of {', '.join(unbound)} are not bound to the ledger yet (set by an "
            "older version): reset them (revoke-desk clerk reset-pin) to bind them"
        )

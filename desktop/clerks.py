"""Staff: codes, roles, PINs (argon2id) and the lockout after repeated failures.

The ``clerk`` row holds the current state; every change of who may do what is also
a signed ledger entry carrying the clerk's new state (role, active flag, a digest of
the PIN hash), and :func:`authenticate` refuses a row that differs from it
(desktop.clerk_ledger).  Adding a clerk and every change need an active manager's
approval (their code is in the entry; the caller has checked their PIN).

PIN guessing: every refused attempt is logged (never the PIN) and is a signed
``pin_failed`` entry; after :data:`MAX_FAILED_ATTEMPTS` wrong PINs in a row the clerk
is locked out, and each further wrong PIN locks again, for longer (:data:`LOCKOUTS`).
Only a right PIN or a manager's PIN reset clears the count: a lockout ending does
not.  A manager's PIN has at least 6 digits, a clerk's at least 4.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from db.models import Clerk, LedgerEntry
from desktop import clerk_ledger, ledger
from desktop.errors import UserError
from desktop.keys import StationSigner
from desktop.rules import CLERK_CODE, MAX_NAME
from desktop.text import clean_text

log = logging.getLogger(__name__)

PIN_PATTERN = re.compile(r"[0-9]{4,12}")
MANAGER_PIN_PATTERN = re.compile(r"[0-9]{6,12}")
MAX_FAILED_ATTEMPTS = 5
# The lockout after the 5th wrong PIN in a row, the 6th, and every one after.
LOCKOUTS = (timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=60))
LOCKOUT = LOCKOUTS[0]
# argon2id with the library defaults (RFC 9106 low-memory profile: 64 MiB, 3 passes).
_hasher = PasswordHasher()


class Role(StrEnum):
    CLERK = "clerk"
    MANAGER = "manager"


@dataclass(frozen=True)
class ClerkView:
    """A clerk as the layers above see it: no PIN hash."""

    code: str
    name: str
    role: Role
    active: bool


class PinRefused(UserError):
    """A refused unlock, with what the lock screen shows besides the message.

    ``attempts_left``: wrong PINs left before the next lockout (0 while locked; None
    for an unknown code).  ``locked_until``: the end of the lockout in force.
    """

    def __init__(
        self,
        ja: str,
        en: str,
        *,
        attempts_left: int | None = None,
        locked_until: datetime | None = None,
    ) -> None:
        super().__init__(ja, en)
        self.attempts_left = attempts_left
        self.locked_until = locked_until

    def attempts_text(self) -> tuple[str, str] | None:
        """What the lock screen shows beside the message: the attempts left (ja, en)."""
        if self.attempts_left is None:
            return None
        if self.attempts_left == 0:
            return (
                "残り0回: ロックが解けるまでPINは確認されません",
                "0 attempts left: no PIN is checked until the lockout ends",
            )
        plural = "s" if self.attempts_left > 1 else ""
        return (
            f"残り{self.attempts_left}回",
            f"{self.attempts_left} attempt{plural} left before a lockout",
        )


def _view(clerk: Clerk) -> ClerkView:
    return ClerkView(clerk.code, clerk.name, Role(clerk.role), clerk.active)


def check_pin_format(pin: str, role: Role = Role.CLERK) -> None:
    """A new PIN: 4 to 12 digits, a manager's 6 to 12 (an existing PIN is never re-checked)."""
    if role is Role.MANAGER:
        if not MANAGER_PIN_PATTERN.fullmatch(pin):
            raise UserError(
                "店長のPINは6〜12桁の数字にしてください",
                "a manager's PIN must be 6 to 12 digits",
            )
        return
    if not PIN_PATTERN.fullmatch(pin):
        raise UserError("PINは4〜12桁の数字にしてください", "the PIN must be 4 to 12 digits")


def check_code(code: str) -> None:
    if not CLERK_CODE.fullmatch(code):
        raise UserError(
            "担当者コードは英大文字と数字8文字以内です（例: C01）",
            "a clerk code is up to 8 capital letters and digits (e.g. C01)",
        )


def add_clerk(
    session: Session,
    signer: StationSigner,
    *,
    code: str,
    name: str,
    role: Role,
    pin: str,
    now: datetime,
    added_by: str,
) -> ClerkView:
    """Add a clerk, approved by the active manager ``added_by`` (whose PIN the caller checked).

    ``added_by="init"`` is the set-up adding the shop's first manager, and is
    accepted only while the shop has no active manager.
    """
    check_code(code)
    check_pin_format(pin, role)
    clean_name, problem = clean_text("name", name, max_len=MAX_NAME)
    if problem is not None:
        raise UserError(f"氏名: {problem.ja}", f"name {problem.en}")
    if session.get(Clerk, code) is not None:
        raise UserError(f"担当者コード {code} は既に使われています", f"clerk code {code} is taken")
    if added_by == clerk_ledger.INIT:
        if _active_managers(session) or role is not Role.MANAGER:
            raise UserError(
                "この店舗には既に店長がいます。既存の店長の担当者コードとPINで設定してください",
                "the shop already has a manager: set up with an existing manager's code and PIN",
            )
    else:
        _check_approver(session, added_by)
    clerk = Clerk(
        code=code,
        name=clean_name,
        role=role.value,
        pin_hash=_hasher.hash(pin),
        active=True,
        failed_attempts=0,
        locked_until=None,
        created_at=now,
    )
    session.add(clerk)
    # The chain records the role and a digest of the PIN hash, not the name: names are
    # personal data.
    ledger.append(
        session,
        signer,
        ledger.EntryKind.CLERK_ADDED,
        {
            "code": code,
            **clerk_ledger.state_fields(clerk.role, True, clerk.pin_hash),
            "added_by": added_by,
        },
        now=now,
        subject=code,
    )
    return _view(clerk)


def list_clerks(session: Session) -> list[ClerkView]:
    return [_view(c) for c in session.scalars(select(Clerk).order_by(Clerk.code))]


# Whether clerk ``code`` may work: here and inside the commit's one read (desktop.intake).
CLERK_ACTIVE = select(Clerk.active).where(Clerk.code == bindparam("code"))


def is_active_clerk(session: Session, code: str) -> bool:
    return bool(session.connection().execute(CLERK_ACTIVE, {"code": code}).scalar_one_or_none())


# ---------------------------------------------------------------------------
# Unlocking


def lockout_after(failures: int) -> timedelta | None:
    """The lockout the ``failures``-th wrong PIN in a row starts (None: not yet)."""
    if failures < MAX_FAILED_ATTEMPTS:
        return None
    return LOCKOUTS[min(failures - MAX_FAILED_ATTEMPTS, len(LOCKOUTS) - 1)]


def attempts_left(failures: int) -> int:
    """Wrong PINs left before the next lockout: after the first lockout, one."""
    return max(MAX_FAILED_ATTEMPTS - failures, 1)


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _wrong() -> PinRefused:
    return PinRefused("担当者コードまたはPINが違います", "wrong clerk code or PIN")


def authenticate(
    session: Session,
    code: str,
    pin: str,
    *,
    now: datetime,
    require: Role | None = None,
    signer: StationSigner | None = None,
) -> ClerkView:
    """Check a PIN; count failures and lock the clerk out after too many.

    A refusal is logged and, with ``signer``, recorded as a signed ``pin_failed``
    entry.  The failure count and that entry are written in the caller's
    transaction, so the caller must commit even when this raises (see
    :meth:`desktop.app.AppContext.authenticate`).
    """
    clerk = session.get(Clerk, code)
    if clerk is None or not clerk.active:
        reason = "unknown_clerk" if clerk is None else "inactive"
        log.warning("authentication failed: unknown or inactive clerk code %s", _shown(code))
        _record_failure(session, signer, code, reason, now=now)
        raise _wrong()
    state, problems = _ledger_state(session, clerk)
    if state is None or problems:
        log.error(
            "authentication refused for clerk %s: the clerk record does not match the ledger (%s)",
            code,
            "; ".join(problems),
        )
        _record_failure(session, signer, code, "record_mismatch", now=now)
        raise UserError(
            "担当者の記録が台帳と一致しません。店長に連絡してください",
            "the clerk record does not match the ledger: call a manager",
        )
    locked_until = _locked_until(session, clerk, state)
    if locked_until is not None and locked_until > now:
        minutes = max(1, _minutes(locked_until - now) + 1)
        following = lockout_after(max(clerk.failed_attempts + 1, MAX_FAILED_ATTEMPTS))
        assert following is not None
        log.warning(
            "authentication refused for clerk %s: locked until %s (%d wrong PINs in a row)",
            code,
            locked_until.isoformat(),
            clerk.failed_attempts,
        )
        _record_failure(
            session,
            signer,
            code,
            "locked",
            now=now,
            failures=clerk.failed_attempts,
            locked_until=locked_until,
        )
        raise PinRefused(
            f"PINの誤りが続いたためロック中です。約{minutes}分後にもう一度お試しください"
            f"（次に誤ると{_minutes(following)}分間ロックされます）",
            f"locked after repeated wrong PINs: try again in about {minutes} min "
            f"(the next wrong PIN locks for {_minutes(following)} min)",
            attempts_left=0,
            locked_until=locked_until,
        )
    try:
        _hasher.verify(clerk.pin_hash, pin)
    except (VerificationError, InvalidHashError):
        clerk.failed_attempts += 1
        failures = clerk.failed_attempts
        lockout = lockout_after(failures)
        log.warning("authentication failed for clerk %s (%d in a row)", code, failures)
        if lockout is None:
            _record_failure(session, signer, code, "wrong_pin", now=now, failures=failures)
            left = attempts_left(failures)
            raise PinRefused(
                f"担当者コードまたはPINが違います（あと{left}回誤るとロックされます）",
                f"wrong clerk code or PIN ({left} attempt{'s' if left > 1 else ''} left "
                "before a lockout)",
                attempts_left=left,
            ) from None
        clerk.locked_until = now + lockout
        following = lockout_after(failures + 1)
        assert following is not None
        _record_failure(
            session,
            signer,
            code,
            "wrong_pin",
            now=now,
            failures=failures,
            locked_until=clerk.locked_until,
        )
        raise PinRefused(
            f"PINの誤りが{failures}回続いたため、{_minutes(lockout)}分間ロックしました"
            f"（次に誤ると{_minutes(following)}分間ロックされます）",
            f"{failures} wrong PINs in a row: locked for {_minutes(lockout)} min "
            f"(the next wrong PIN locks for {_minutes(following)} min)",
            attempts_left=0,
            locked_until=clerk.locked_until,
        ) from None
    clerk.failed_attempts = 0
    clerk.locked_until = None
    if require is Role.MANAGER and clerk.role != Role.MANAGER.value:
        raise UserError("この操作には店長（マネージャー）の権限が必要です", "this needs a manager")
    return _view(clerk)


def _shown(code: str) -> str:
    """A typed code as the log may show it (it could be anything)."""
    return code if CLERK_CODE.fullmatch(code) else repr(code[:12])


def _ledger_state(
    session: Session, clerk: Clerk
) -> tuple[clerk_ledger.ClerkState | None, list[str]]:
    """The clerk's state by the ledger, and how the row differs from it."""
    try:
        state = clerk_ledger.chain_state(session, clerk.code)
    except clerk_ledger.ClerkEntryError as exc:
        return None, [str(exc)]
    if state is None:
        return None, ["no clerk_added entry in the ledger"]
    return state, clerk_ledger.row_problems(clerk, state)


_LAST_FAILURE = (
    select(LedgerEntry)
    .where(
        LedgerEntry.kind == ledger.EntryKind.PIN_FAILED,
        LedgerEntry.subject == bindparam("code"),
    )
    .order_by(LedgerEntry.created_at.desc(), LedgerEntry.station.desc(), LedgerEntry.seq.desc())
    .limit(1)
)


def _locked_until(
    session: Session, clerk: Clerk, state: clerk_ledger.ClerkState
) -> datetime | None:
    """The end of the clerk's lockout: the row's, or the ledger's if that ends later.

    The ledger's ``pin_failed`` entries state each lockout, so clearing
    ``locked_until`` in the table does not lift one; a PIN reset after it does.
    """
    until = clerk.locked_until
    entry = session.scalars(_LAST_FAILURE, {"code": clerk.code}).first()
    if entry is None:
        return until
    if (entry.created_at, entry.station, entry.seq) < state.pin_set_at:
        return until
    try:
        recorded = json.loads(entry.body).get("locked_until")
        ledger_until = datetime.fromisoformat(recorded) if isinstance(recorded, str) else None
    except ValueError:
        ledger_until = None
    if ledger_until is None:
        return until
    return ledger_until if until is None else max(until, ledger_until)


def _record_failure(
    session: Session,
    signer: StationSigner | None,
    code: str,
    reason: str,
    *,
    now: datetime,
    failures: int | None = None,
    locked_until: datetime | None = None,
) -> None:
    """The refused attempt as a signed entry: who, why, any lockout (never the PIN)."""
    if signer is None:
        log.warning(
            "refused PIN of %s not recorded in the ledger: no station key here", _shown(code)
        )
        return
    if not CLERK_CODE.fullmatch(code):
        return  # not a code anyone could have: the log line above is enough
    session.flush()
    ledger.append(
        session,
        signer,
        ledger.EntryKind.PIN_FAILED,
        {
            "code": code,
            "reason": reason,
            "failures": failures,
            "locked_until": locked_until.isoformat() if locked_until is not None else None,
        },
        now=now,
        subject=code,
    )


# ---------------------------------------------------------------------------
# Changes, each approved by a manager


def change_role(
    session: Session,
    signer: StationSigner,
    *,
    code: str,
    role: Role,
    by: str,
    now: datetime,
    pin: str | None = None,
) -> ClerkView:
    """Make a clerk a manager or a manager a clerk.

    A new manager needs a new PIN of at least 6 digits (``pin``): the clerk's PIN may
    be shorter.
    """
    _check_approver(session, by)
    clerk = _existing(session, code)
    if clerk.role == role.value:
        raise UserError(
            f"担当者 {code} は既に {role.value} です", f"clerk {code} is already a {role.value}"
        )
    if role is Role.MANAGER:
        if pin is None:
            raise UserError(
                "店長にするには新しいPIN（6桁以上）が必要です",
                "making a manager needs a new PIN of 6 or more digits",
            )
        check_pin_format(pin, Role.MANAGER)
    elif clerk.active and _active_managers(session) <= 1:
        raise UserError(
            "最後の店長（マネージャー）は担当者に変更できません。先に別の店長を追加してください",
            "the last active manager cannot become a clerk: add another manager first",
        )
    elif pin is not None:
        check_pin_format(pin, role)
    clerk.role = role.value
    if pin is not None:
        _set_pin(clerk, pin)
    _record_change(session, signer, clerk, change="role", by=by, now=now)
    return _view(clerk)


def deactivate_clerk(
    session: Session, signer: StationSigner, *, code: str, by: str, now: datetime
) -> ClerkView:
    """Stop a clerk from unlocking the counter; their past records stay theirs."""
    _check_approver(session, by)
    clerk = _existing(session, code)
    if not clerk.active:
        raise UserError(f"担当者 {code} は既に無効です", f"clerk {code} is already inactive")
    if clerk.role == Role.MANAGER.value and _active_managers(session) <= 1:
        raise UserError(
            "最後の店長（マネージャー）は無効にできません。先に別の店長を追加してください",
            "the last active manager cannot be deactivated: add another manager first",
        )
    clerk.active = False
    _record_change(session, signer, clerk, change="deactivated", by=by, now=now)
    return _view(clerk)


def reset_pin(
    session: Session, signer: StationSigner, *, code: str, pin: str, by: str, now: datetime
) -> ClerkView:
    """Give a clerk a new PIN (and lift any lockout); it binds the PIN to the ledger."""
    _check_approver(session, by)
    clerk = _existing(session, code)
    check_pin_format(pin, Role(clerk.role))
    _set_pin(clerk, pin)
    _record_change(session, signer, clerk, change="pin_reset", by=by, now=now)
    return _view(clerk)


def _set_pin(clerk: Clerk, pin: str) -> None:
    clerk.pin_hash = _hasher.hash(pin)
    clerk.failed_attempts = 0
    clerk.locked_until = None


def _existing(session: Session, code: str) -> Clerk:
    clerk = session.get(Clerk, code)
    if clerk is None:
        raise UserError(f"担当者 {code} は登録されていません", f"no clerk {code}")
    return clerk


def _check_approver(session: Session, code: str) -> None:
    """The approver named in a staff change must be an active manager."""
    approver = session.get(Clerk, code) if code else None
    if approver is None or not approver.active or approver.role != Role.MANAGER.value:
        raise UserError(
            "スタッフの追加・変更には店長の承認が必要です",
            "adding or changing staff needs an active manager's approval",
        )


def _active_managers(session: Session) -> int:
    return len(
        session.scalars(
            select(Clerk.code).where(Clerk.role == Role.MANAGER.value, Clerk.active.is_(True))
        ).all()
    )


def _record_change(
    session: Session, signer: StationSigner, clerk: Clerk, *, change: str, by: str, now: datetime
) -> None:
    """A ``clerk_changed`` entry carrying the clerk's whole new state."""
    session.flush()
    ledger.append(
        session,
        signer,
        ledger.EntryKind.CLERK_CHANGED,
        {
            "code": clerk.code,
            "change": change,
            **clerk_ledger.state_fields(clerk.role, clerk.active, clerk.pin_hash),
            "by": by,
        },
        now=now,
        subject=clerk.code,
    )

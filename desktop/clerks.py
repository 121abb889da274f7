"""Staff: codes, roles, PINs (argon2id) and the lockout after repeated failures.

The ``clerk`` row holds the current state; every change of who may do what is
also a ledger entry, so the chain shows who could act at any time.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from db.models import Clerk
from desktop import ledger
from desktop.errors import UserError
from desktop.keys import StationSigner
from desktop.rules import CLERK_CODE, MAX_NAME
from desktop.text import clean_text

log = logging.getLogger(__name__)

PIN_PATTERN = re.compile(r"[0-9]{4,12}")
MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=5)
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


def _view(clerk: Clerk) -> ClerkView:
    return ClerkView(clerk.code, clerk.name, Role(clerk.role), clerk.active)


def check_pin_format(pin: str) -> None:
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
    added_by: str = "",
) -> ClerkView:
    check_code(code)
    check_pin_format(pin)
    clean_name, problem = clean_text("name", name, max_len=MAX_NAME)
    if problem is not None:
        raise UserError(f"氏名: {problem.ja}", f"name {problem.en}")
    if session.get(Clerk, code) is not None:
        raise UserError(f"担当者コード {code} は既に使われています", f"clerk code {code} is taken")
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
    # The chain records the role, not the name: names are personal data.
    ledger.append(
        session,
        signer,
        ledger.EntryKind.CLERK_ADDED,
        {"code": code, "role": role.value, "added_by": added_by},
        now=now,
        subject=code,
    )
    return _view(clerk)


def list_clerks(session: Session) -> list[ClerkView]:
    return [_view(c) for c in session.scalars(select(Clerk).order_by(Clerk.code))]


_CLERK_ACTIVE = select(Clerk.active).where(Clerk.code == bindparam("code"))


def is_active_clerk(session: Session, code: str) -> bool:
    return bool(session.connection().execute(_CLERK_ACTIVE, {"code": code}).scalar_one_or_none())


def authenticate(
    session: Session, code: str, pin: str, *, now: datetime, require: Role | None = None
) -> ClerkView:
    """Check a PIN; count failures and lock the clerk out after too many.

    The failure count is written in the caller's transaction, so the caller must
    commit even when this raises (see :func:`desktop.app.App.authenticate`).
    """
    clerk = session.get(Clerk, code)
    if clerk is None or not clerk.active:
        log.warning("authentication failed: unknown or inactive clerk code")
        raise UserError("担当者コードまたはPINが違います", "wrong clerk code or PIN")
    if clerk.locked_until is not None and clerk.locked_until > now:
        minutes = max(1, int((clerk.locked_until - now).total_seconds() // 60) + 1)
        raise UserError(
            f"PINの誤りが続いたためロック中です。約{minutes}分後にもう一度お試しください",
            f"locked after repeated wrong PINs: try again in about {minutes} min",
        )
    try:
        _hasher.verify(clerk.pin_hash, pin)
    except (VerificationError, InvalidHashError):
        clerk.failed_attempts += 1
        log.warning("authentication failed for clerk %s (%d)", code, clerk.failed_attempts)
        if clerk.failed_attempts >= MAX_FAILED_ATTEMPTS:
            clerk.locked_until = now + LOCKOUT
            clerk.failed_attempts = 0
            raise UserError(
                f"PINの誤りが{MAX_FAILED_ATTEMPTS}回続いたため、{int(LOCKOUT.total_seconds() // 60)}分間ロックしました",
                f"{MAX_FAILED_ATTEMPTS} wrong PINs in a row: locked for "
                f"{int(LOCKOUT.total_seconds() // 60)} min",
            ) from None
        raise UserError("担当者コードまたはPINが違います", "wrong clerk code or PIN") from None
    clerk.failed_attempts = 0
    clerk.locked_until = None
    if require is Role.MANAGER and clerk.role != Role.MANAGER.value:
        raise UserError("この操作には店長（マネージャー）の権限が必要です", "this needs a manager")
    return _view(clerk)


def deactivate_clerk(
    session: Session, signer: StationSigner, *, code: str, by: str, now: datetime
) -> ClerkView:
    """Stop a clerk from unlocking the counter; their past records stay theirs."""
    clerk = _existing(session, code)
    if not clerk.active:
        raise UserError(f"担当者 {code} は既に無効です", f"clerk {code} is already inactive")
    if clerk.role == Role.MANAGER.value and _active_managers(session) <= 1:
        raise UserError(
            "最後の店長（マネージャー）は無効にできません。先に別の店長を追加してください",
            "the last active manager cannot be deactivated: add another manager first",
        )
    clerk.active = False
    _record_change(session, signer, code=code, change="deactivated", by=by, now=now)
    return _view(clerk)


def reset_pin(
    session: Session, signer: StationSigner, *, code: str, pin: str, by: str, now: datetime
) -> ClerkView:
    """Give a clerk a new PIN (and lift any lockout)."""
    check_pin_format(pin)
    clerk = _existing(session, code)
    clerk.pin_hash = _hasher.hash(pin)
    clerk.failed_attempts = 0
    clerk.locked_until = None
    _record_change(session, signer, code=code, change="pin_reset", by=by, now=now)
    return _view(clerk)


def _existing(session: Session, code: str) -> Clerk:
    clerk = session.get(Clerk, code)
    if clerk is None:
        raise UserError(f"担当者 {code} は登録されていません", f"no clerk {code}")
    return clerk


def _active_managers(session: Session) -> int:
    return len(
        session.scalars(
            select(Clerk.code).where(Clerk.role == Role.MANAGER.value, Clerk.active.is_(True))
        ).all()
    )


def _record_change(
    session: Session, signer: StationSigner, *, code: str, change: str, by: str, now: datetime
) -> None:
    session.flush()
    ledger.append(
        session,
        signer,
        ledger.EntryKind.CLERK_CHANGED,
        {"code": code, "change": change, "by": by},
        now=now,
        subject=code,
    )

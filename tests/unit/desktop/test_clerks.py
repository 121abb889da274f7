"""PINs, roles and the lockout."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import Clerk, LedgerEntry
from desktop.clerks import LOCKOUT, MAX_FAILED_ATTEMPTS, Role, add_clerk
from desktop.errors import UserError
from tests.conftest import CLERK_PIN, MANAGER_PIN


def test_pin_is_stored_as_argon2id(ctx):
    with ctx.reading() as session:
        clerk = session.get(Clerk, "C01")
        assert clerk is not None
        assert clerk.pin_hash.startswith("$argon2id$")
        assert CLERK_PIN not in clerk.pin_hash


def test_right_pin_authenticates_and_wrong_pin_does_not(ctx):
    assert ctx.authenticate("C01", CLERK_PIN).code == "C01"
    with pytest.raises(UserError, match="wrong clerk code or PIN"):
        ctx.authenticate("C01", "0000")
    with pytest.raises(UserError, match="wrong clerk code or PIN"):
        ctx.authenticate("NOONE", "0000")


def test_manager_only_actions_refuse_a_clerk(ctx):
    with pytest.raises(UserError, match="needs a manager"):
        ctx.authenticate("C01", CLERK_PIN, require=Role.MANAGER)
    assert ctx.authenticate("M01", MANAGER_PIN, require=Role.MANAGER).role is Role.MANAGER


def test_lockout_after_repeated_failures_survives_the_failed_transactions(ctx):
    for _ in range(MAX_FAILED_ATTEMPTS - 1):
        with pytest.raises(UserError, match="wrong clerk code or PIN"):
            ctx.authenticate("C01", "0000")
    with pytest.raises(UserError, match="locked for"):
        ctx.authenticate("C01", "0000")
    # Even the right PIN is refused while locked…
    with pytest.raises(UserError, match="locked"):
        ctx.authenticate("C01", CLERK_PIN)
    # …and accepted once the lockout has passed.
    ctx.clock.advance(seconds=LOCKOUT.total_seconds() + 1)
    assert ctx.authenticate("C01", CLERK_PIN).code == "C01"


@pytest.mark.parametrize(
    ("code", "pin", "message"),
    [
        ("c01", "1234", "clerk code"),
        ("C0123456789", "1234", "clerk code"),
        ("C02", "12", "4 to 12 digits"),
        ("C02", "12ab", "4 to 12 digits"),
        ("C01", "1234", "taken"),
    ],
)
def test_bad_clerks_are_refused(ctx, code, pin, message):
    with pytest.raises(UserError, match=message), ctx.transaction() as session:
        add_clerk(
            session, ctx.signer(), code=code, name="新人", role=Role.CLERK, pin=pin, now=ctx.clock()
        )


def test_adding_a_clerk_is_a_ledger_entry(ctx):
    with ctx.transaction() as session:
        add_clerk(
            session,
            ctx.signer(),
            code="C02",
            name="新人 次郎",
            role=Role.CLERK,
            pin="2468",
            now=ctx.clock(),
        )
    with ctx.reading() as session:
        subjects = list(
            session.scalars(select(LedgerEntry.subject).where(LedgerEntry.kind == "clerk_added"))
        )
    assert subjects == ["M01", "C01", "C02"]


def test_deactivated_clerk_cannot_unlock_and_the_change_is_chained(ctx):
    from desktop.clerks import deactivate_clerk

    with ctx.transaction() as session:
        deactivate_clerk(session, ctx.signer(), code="C01", by="M01", now=ctx.clock())
    with pytest.raises(UserError, match="wrong clerk code or PIN"):
        ctx.authenticate("C01", CLERK_PIN)
    with ctx.reading() as session:
        kinds = list(session.scalars(select(LedgerEntry.kind).where(LedgerEntry.subject == "C01")))
    assert kinds == ["clerk_added", "clerk_changed"]


def test_the_last_manager_cannot_be_deactivated(ctx):
    from desktop.clerks import deactivate_clerk

    with pytest.raises(UserError, match="last active manager"), ctx.transaction() as session:
        deactivate_clerk(session, ctx.signer(), code="M01", by="M01", now=ctx.clock())


def test_a_pin_reset_replaces_the_pin_and_lifts_a_lockout(ctx):
    from desktop.clerks import reset_pin

    for _ in range(MAX_FAILED_ATTEMPTS):
        with pytest.raises(UserError):
            ctx.authenticate("C01", "0000")
    with ctx.transaction() as session:
        reset_pin(session, ctx.signer(), code="C01", pin="2468", by="M01", now=ctx.clock())
    assert ctx.authenticate("C01", "2468").code == "C01"
    with pytest.raises(UserError, match="wrong clerk code or PIN"):
        ctx.authenticate("C01", CLERK_PIN)

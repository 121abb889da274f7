"""PINs, roles and the lockout."""

from __future__ import annotations

import json

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
    for left in range(MAX_FAILED_ATTEMPTS - 1, 0, -1):
        with pytest.raises(UserError, match=f"wrong clerk code or PIN \\({left} attempt"):
            ctx.authenticate("C01", "0000")
    with pytest.raises(UserError, match="locked for 5 min"):
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
        ("c01", "2468", "clerk code"),
        ("C0123456789", "2468", "clerk code"),
        ("C02", "12", "4 to 12 digits"),
        ("C02", "12ab", "4 to 12 digits"),
        ("C01", "2468", "taken"),
    ],
)
def test_bad_clerks_are_refused(ctx, code, pin, message):
    with pytest.raises(UserError, match=message), ctx.transaction() as session:
        add_clerk(
            session,
            ctx.signer(),
            code=code,
            name="新人",
            role=Role.CLERK,
            pin=pin,
            now=ctx.clock(),
            added_by="M01",
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
            added_by="M01",
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
    assert kinds == ["clerk_added", "clerk_changed", "pin_failed"]  # the refused unlock too


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


def test_a_manager_pin_has_six_digits_and_a_clerk_pin_four(ctx):
    with pytest.raises(UserError, match="6 to 12 digits"), ctx.transaction() as session:
        add_clerk(
            session,
            ctx.signer(),
            code="M02",
            name="副店長",
            role=Role.MANAGER,
            pin="24680",
            now=ctx.clock(),
            added_by="M01",
        )
    with ctx.transaction() as session:
        add_clerk(
            session,
            ctx.signer(),
            code="M02",
            name="副店長",
            role=Role.MANAGER,
            pin="246802",
            now=ctx.clock(),
            added_by="M01",
        )
    assert ctx.authenticate("M02", "246802", require=Role.MANAGER).code == "M02"


@pytest.mark.parametrize("approver", ["", "C01", "NOONE", "init"])
def test_staff_changes_need_an_active_manager(ctx, approver):
    from desktop.clerks import deactivate_clerk, reset_pin

    with pytest.raises(UserError, match="manager"), ctx.transaction() as session:
        add_clerk(
            session,
            ctx.signer(),
            code="C02",
            name="新人",
            role=Role.CLERK,
            pin="2468",
            now=ctx.clock(),
            added_by=approver,
        )
    with pytest.raises(UserError, match="manager"), ctx.transaction() as session:
        reset_pin(session, ctx.signer(), code="C01", pin="2468", by=approver, now=ctx.clock())
    with pytest.raises(UserError, match="manager"), ctx.transaction() as session:
        deactivate_clerk(session, ctx.signer(), code="C01", by=approver, now=ctx.clock())


def test_promoting_a_clerk_needs_a_manager_pin_and_demoting_keeps_one_manager(ctx):
    from desktop.clerks import change_role

    with pytest.raises(UserError, match="new PIN"), ctx.transaction() as session:
        change_role(session, ctx.signer(), code="C01", role=Role.MANAGER, by="M01", now=ctx.clock())
    with pytest.raises(UserError, match="6 to 12"), ctx.transaction() as session:
        change_role(
            session,
            ctx.signer(),
            code="C01",
            role=Role.MANAGER,
            by="M01",
            now=ctx.clock(),
            pin=CLERK_PIN,
        )
    with ctx.transaction() as session:
        change_role(
            session,
            ctx.signer(),
            code="C01",
            role=Role.MANAGER,
            by="M01",
            now=ctx.clock(),
            pin="975310",
        )
    assert ctx.authenticate("C01", "975310", require=Role.MANAGER).role is Role.MANAGER
    with ctx.transaction() as session:
        change_role(session, ctx.signer(), code="M01", role=Role.CLERK, by="C01", now=ctx.clock())
    with pytest.raises(UserError, match="last active manager"), ctx.transaction() as session:
        change_role(session, ctx.signer(), code="C01", role=Role.CLERK, by="C01", now=ctx.clock())
    with ctx.reading() as session:
        from desktop.verification import verify_all

        assert verify_all(session, ctx.keys_dir).ok


def test_every_clerk_entry_carries_the_state_and_a_digest_never_the_pin_or_hash(ctx):
    from desktop.clerk_ledger import pin_digest
    from desktop.clerks import reset_pin

    with ctx.transaction() as session:
        reset_pin(session, ctx.signer(), code="C01", pin="2468", by="M01", now=ctx.clock())
    with ctx.reading() as session:
        clerk = session.get(Clerk, "C01")
        assert clerk is not None
        bodies = [
            json.loads(body)
            for body in session.scalars(
                select(LedgerEntry.body)
                .where(LedgerEntry.subject == "C01")
                .order_by(LedgerEntry.seq)
            )
        ]
    added, changed = bodies
    assert (added["role"], added["active"], added["added_by"]) == ("clerk", True, "M01")
    assert (changed["change"], changed["role"], changed["active"]) == ("pin_reset", "clerk", True)
    assert changed["pin_sha256"] == pin_digest(clerk.pin_hash) != added["pin_sha256"]
    for body in bodies:
        text = json.dumps(body)
        assert "2468" not in text and CLERK_PIN not in text and "$argon2" not in text


def test_lockouts_grow_and_only_a_right_pin_clears_the_count(ctx):
    from desktop.clerks import PinRefused

    for _ in range(MAX_FAILED_ATTEMPTS):
        with pytest.raises(UserError):
            ctx.authenticate("C01", "0000")
    for minutes in (5, 15, 60, 60):
        ctx.clock.advance(minutes=minutes, seconds=1)
        with pytest.raises(PinRefused) as refused:
            ctx.authenticate("C01", "0000")
        assert refused.value.attempts_left == 0
    assert "locked for 60 min" in str(refused.value)
    ctx.clock.advance(minutes=61)
    assert ctx.authenticate("C01", CLERK_PIN).code == "C01"
    with pytest.raises(PinRefused) as refused:
        ctx.authenticate("C01", "0000")
    assert refused.value.attempts_left == MAX_FAILED_ATTEMPTS - 1

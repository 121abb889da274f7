"""Roles and PINs bound to the signed ledger, and PIN guessing made slow and visible (issue 10).

Each case once passed: an edited ``clerk`` row made a manager, a copied PIN hash opened
the manager's account, anyone at the PC could add a manager, guesses during a lockout
went unseen and the counter reset after each lockout (≈1,440 guesses a day), a manager
could have a 4-digit PIN, and ``verify`` never asked who approved a void.
"""

from __future__ import annotations

import io
import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import Clerk, LedgerEntry
from desktop import ledger
from desktop.app import AppContext
from desktop.clerks import MAX_FAILED_ATTEMPTS, PinRefused, Role
from desktop.cli import EXIT_OK, EXIT_TAMPERED, EXIT_USAGE, run
from desktop.errors import UserError
from desktop.verification import verify_all
from tests.conftest import CLERK_PIN, MANAGER_PIN, example_document
from tests.support.cli_shop import CliShop, _Stdin

WRONG_PIN = "918273"  # never to be found in the log or the ledger


@pytest.fixture
def shop(tmp_path: Path) -> CliShop:
    return CliShop(tmp_path / "shop")


def void(shop: CliShop, receipt: str, manager: str, pin: str) -> tuple[int, str, str]:
    return shop("void", receipt, "--reason", "入力誤り", "--manager", manager, stdin=f"{pin}\n")


def voided(shop: CliShop, receipt: str) -> bool:
    return bool(shop.query("SELECT 1 FROM ledger_entry WHERE kind='void' AND subject=?", receipt))


def failures_in_ledger(shop: CliShop, code: str) -> list[dict[str, object]]:
    rows = shop.query(
        "SELECT body FROM ledger_entry WHERE kind='pin_failed' AND subject=? ORDER BY seq", code
    )
    return [json.loads(body) for (body,) in rows]


def _ctx(shop: CliShop) -> AppContext:
    return AppContext.open(f"sqlite:///{shop.db}", shop.home / "keys")


def test_a_clerk_row_edited_to_manager_cannot_approve_a_void_and_verify_names_it(shop):
    receipt = shop.intake(example_document())
    shop.query("UPDATE clerk SET role='manager' WHERE code='C01'")

    code, _, err = void(shop, receipt, "C01", CLERK_PIN)
    assert code == EXIT_USAGE
    assert "担当者の記録が台帳と一致しません" in err
    assert "the clerk record does not match the ledger" in err
    assert not voided(shop, receipt)
    # Not even the counter unlocks for that row.
    ctx = _ctx(shop)
    try:
        with pytest.raises(UserError, match="does not match the ledger"):
            ctx.authenticate("C01", CLERK_PIN)
    finally:
        ctx.close()

    code, out, _ = shop("verify")
    assert code == EXIT_TAMPERED
    assert "clerk C01 does not match the ledger: role manager in the clerk table" in out


def test_a_pin_hash_copied_onto_the_managers_row_opens_nothing_and_verify_names_it(shop):
    receipt = shop.intake(example_document())
    shop.query(
        "UPDATE clerk SET pin_hash=(SELECT pin_hash FROM clerk WHERE code='C01') WHERE code='M01'"
    )

    code, _, err = void(shop, receipt, "M01", CLERK_PIN)
    assert code == EXIT_USAGE
    assert "the clerk record does not match the ledger" in err
    assert not voided(shop, receipt)

    code, out, _ = shop("verify")
    assert code == EXIT_TAMPERED
    assert "clerk M01 does not match the ledger" in out
    assert "PIN hash is not the one the ledger records" in out


def test_adding_a_manager_needs_a_managers_pin(shop):
    with pytest.raises(SystemExit) as no_manager:  # argparse: --manager is required
        shop("clerk", "add", "M02", "--name", "副店長", "--role", "manager", stdin="975310\n")
    assert no_manager.value.code == EXIT_USAGE

    for approver, stdin in (
        ("M01", ""),  # no PIN at all
        ("M01", f"{WRONG_PIN}\n975310\n"),  # a wrong one
        ("C01", f"{CLERK_PIN}\n975310\n"),  # a clerk's
    ):
        code, _, err = shop(
            "clerk",
            "add",
            "M02",
            "--name",
            "副店長",
            "--role",
            "manager",
            "--manager",
            approver,
            stdin=stdin,
        )
        assert code == EXIT_USAGE, err
    assert shop.query("SELECT code FROM clerk WHERE code='M02'") == []

    code, _, err = shop(
        "clerk",
        "add",
        "M02",
        "--name",
        "副店長",
        "--role",
        "manager",
        "--manager",
        "M01",
        stdin=f"{MANAGER_PIN}\n975310\n",
    )
    assert code == EXIT_OK, err
    added = shop.query("SELECT body FROM ledger_entry WHERE kind='clerk_added' AND subject='M02'")
    assert json.loads(added[0][0])["added_by"] == "M01"
    assert shop("verify")[0] == EXIT_OK


def test_failed_attempts_during_a_lockout_are_logged_and_in_the_ledger(shop, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    receipt = shop.intake(example_document())
    for _ in range(MAX_FAILED_ATTEMPTS):
        assert void(shop, receipt, "M01", WRONG_PIN)[0] == EXIT_USAGE
    # Locked now: the right PIN is refused, and that attempt is seen too.
    code, _, err = void(shop, receipt, "M01", MANAGER_PIN)
    assert code == EXIT_USAGE and "locked" in err
    assert not voided(shop, receipt)

    during = [r.getMessage() for r in caplog.records if "locked until" in r.getMessage()]
    assert len(during) == 1 and "M01" in during[0]
    log_file = (tmp_path / "log" / "revoke-desk.log").read_text(encoding="utf-8")
    assert "authentication refused for clerk M01: locked until" in log_file

    failures = failures_in_ledger(shop, "M01")
    assert [f["reason"] for f in failures] == ["wrong_pin"] * MAX_FAILED_ATTEMPTS + ["locked"]
    assert [f["failures"] for f in failures] == [1, 2, 3, 4, 5, 5]
    assert failures[-2]["locked_until"] is not None
    assert failures[-1]["locked_until"] == failures[-2]["locked_until"]
    assert all(f["station"] == "S01" and f["code"] == "M01" for f in failures)
    for text in (log_file, *shop.query("SELECT body FROM ledger_entry")[0]):
        assert WRONG_PIN not in text and MANAGER_PIN not in text
    assert shop("verify")[0] == EXIT_OK  # signed entries of their own, in the chain


def locked_for(ctx: AppContext, code: str) -> timedelta:
    with ctx.reading() as session:
        clerk = session.get(Clerk, code)
        assert clerk is not None and clerk.locked_until is not None
        return clerk.locked_until - ctx.clock()


def test_lockouts_grow(ctx):
    for _ in range(MAX_FAILED_ATTEMPTS):
        with pytest.raises(PinRefused):
            ctx.authenticate("C01", "0000")
    assert locked_for(ctx, "C01") == timedelta(minutes=5)
    for minutes in (15, 60, 60):
        ctx.clock.advance(seconds=locked_for(ctx, "C01").total_seconds() + 1)
        with pytest.raises(PinRefused, match=f"locked for {minutes} min"):
            ctx.authenticate("C01", "0000")
        assert locked_for(ctx, "C01") == timedelta(minutes=minutes)


def test_the_failure_count_survives_a_lockout(ctx):
    for _ in range(MAX_FAILED_ATTEMPTS):
        with pytest.raises(PinRefused):
            ctx.authenticate("C01", "0000")
    ctx.clock.advance(minutes=5, seconds=1)
    # Once locked out, the next wrong PIN locks again at once: no fresh five guesses.
    with pytest.raises(PinRefused, match="6 wrong PINs in a row: locked for 15 min") as refused:
        ctx.authenticate("C01", "0000")
    assert refused.value.attempts_left == 0
    with ctx.reading() as session:
        clerk = session.get(Clerk, "C01")
        assert clerk is not None and clerk.failed_attempts == MAX_FAILED_ATTEMPTS + 1
    # A day of guessing: about 30 PINs, where a lockout that forgave the count let 1,440.
    guesses = MAX_FAILED_ATTEMPTS + 1
    end = ctx.clock() - timedelta(minutes=5, seconds=1) + timedelta(days=1)
    while True:
        ctx.clock.advance(seconds=locked_for(ctx, "C01").total_seconds() + 1)
        if ctx.clock() >= end:
            break
        with pytest.raises(PinRefused):
            ctx.authenticate("C01", "0000")
        guesses += 1
    assert guesses < 35


def test_a_lockout_cleared_in_the_clerk_table_still_holds(ctx):
    for _ in range(MAX_FAILED_ATTEMPTS):
        with pytest.raises(PinRefused):
            ctx.authenticate("C01", "0000")
    with ctx.transaction() as session:
        clerk = session.get(Clerk, "C01")
        assert clerk is not None
        clerk.locked_until = None
    with pytest.raises(PinRefused, match="locked"):
        ctx.authenticate("C01", CLERK_PIN)


def test_a_four_digit_manager_pin_is_refused(tmp_path, shop):
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    err = io.StringIO()
    code = run(
        [
            *("init", "--shop-name", "T", "--station", "S01", "--manager", "M01"),
            *("--db", f"sqlite:///{fresh / 'shop.sqlite3'}"),
        ],
        out=io.StringIO(),
        err=err,
        stdin=_Stdin("1234\n"),
    )
    assert code == EXIT_USAGE
    assert "a manager's PIN must be 6 to 12 digits" in err.getvalue()

    for args, stdin in (
        (
            ["add", "M02", "--name", "副店長", "--role", "manager"],
            f"{MANAGER_PIN}\n1234\n",
        ),
        (["reset-pin", "M01"], f"{MANAGER_PIN}\n1234\n"),
        (["role", "C01", "--role", "manager"], f"{MANAGER_PIN}\n{CLERK_PIN}\n"),
    ):
        code, _, err = shop("clerk", *args, "--manager", "M01", stdin=stdin)
        assert code == EXIT_USAGE
        assert "a manager's PIN must be 6 to 12 digits" in err
    assert shop.query("SELECT code, role FROM clerk ORDER BY code") == [
        ("C01", "clerk"),
        ("M01", "manager"),
    ]


def test_verify_finds_a_void_approved_by_someone_not_a_manager_at_that_point(shop):
    receipt = shop.intake(example_document())
    ctx = _ctx(shop)
    try:
        # A genuine signature over a lie: "approved" by the clerk C01.
        with ctx.transaction() as session:
            ledger.append(
                session,
                ctx.signer(),
                ledger.EntryKind.VOID,
                {"receipt": receipt, "reason": "入力誤り", "manager": "C01"},
                now=ctx.clock(),
                subject=receipt,
            )
        with ctx.reading() as session:
            (forged,) = session.scalars(
                select(LedgerEntry.seq).where(LedgerEntry.kind == ledger.EntryKind.VOID)
            ).all()
    finally:
        ctx.close()
    finding = (
        f"S01#{forged}: void of {receipt} approved by 'C01', who was not an active manager "
        "at that point of the chain"
    )
    code, out, _ = shop("verify")
    assert code == EXIT_TAMPERED
    assert finding in out
    assert "S01: OK" in out  # every signature and link holds: only the approval is wrong

    # C01 made a manager afterwards does not make the earlier void approved.
    code, _, err = shop(
        "clerk",
        "role",
        "C01",
        "--role",
        "manager",
        "--manager",
        "M01",
        stdin=f"{MANAGER_PIN}\n975310\n",
    )
    assert code == EXIT_OK, err
    code, out, _ = shop("verify")
    assert code == EXIT_TAMPERED
    assert finding in out


def test_verify_replays_clerk_state_in_chain_order(ctx):
    """A void by a manager who was deactivated before it is caught; one before is fine."""
    from desktop.clerks import add_clerk, deactivate_clerk
    from tests.support.intakes import commit_document

    receipt = commit_document(ctx, example_document()).number
    other = commit_document(ctx, example_document()).number
    with ctx.transaction() as session:
        add_clerk(
            session,
            ctx.signer(),
            code="M02",
            name="副店長",
            role=Role.MANAGER,
            pin="975310",
            now=ctx.clock(),
            added_by="M01",
        )
        ledger.append(
            session,
            ctx.signer(),
            ledger.EntryKind.VOID,
            {"receipt": receipt, "reason": "誤り", "manager": "M02"},
            now=ctx.clock(),
            subject=receipt,
        )
        deactivate_clerk(session, ctx.signer(), code="M02", by="M01", now=ctx.clock())
        ledger.append(
            session,
            ctx.signer(),
            ledger.EntryKind.VOID,
            {"receipt": other, "reason": "誤り", "manager": "M02"},
            now=ctx.clock(),
            subject=other,
        )
    with ctx.reading() as session:
        report = verify_all(session, ctx.keys_dir)
    assert not report.ok
    assert [line for line in report.clerk_findings if "void" in line] == [
        next(line for line in report.clerk_findings if other in line)
    ]

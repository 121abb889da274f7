"""Voiding a committed intake: a new signed entry, never an edit of the old one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Intake, LedgerEntry
from desktop import ledger
from desktop.errors import UserError
from desktop.identifiers import find_my_number, my_number_problem
from desktop.keys import StationSigner
from desktop.text import clean_text

MAX_REASON = 200


def void_intake(
    session: Session,
    signer: StationSigner,
    *,
    receipt: str,
    reason: str,
    manager: str,
    now: datetime,
    replaced_by: str = "",
) -> ledger.ChainHead:
    """Record that ``receipt`` is void, with the reason and the approving manager.

    A correction of a committed record is a void that names the intake taken again
    in its place (``replaced_by``): nothing is overwritten, and the 古物台帳 shows both
    rows with the link between them.  The caller has already checked the manager's PIN.
    """
    clean_reason, problem = clean_text("reason", reason, max_len=MAX_REASON)
    if problem is None and find_my_number(clean_reason):
        problem = my_number_problem("reason")
    if problem is not None:
        raise UserError(f"取消理由: {problem.ja}", f"reason {problem.en}")
    if session.get(Intake, receipt) is None:
        raise UserError(f"受付番号 {receipt} は見つかりません", f"no receipt {receipt}")
    if is_voided(session, receipt):
        raise UserError(
            f"受付番号 {receipt} は既に取り消されています", f"{receipt} is already void"
        )
    if replaced_by:
        if replaced_by == receipt or session.get(Intake, replaced_by) is None:
            raise UserError(
                f"訂正後の受付番号 {replaced_by} が見つかりません（取り消す受付とは別の、登録済みの受付を指定してください）",
                f"no receipt {replaced_by} to correct {receipt} with (name another committed intake)",
            )
        if is_voided(session, replaced_by):
            raise UserError(
                f"訂正後の受付 {replaced_by} は取り消されています",
                f"the correcting receipt {replaced_by} is itself void",
            )
    fields = {"receipt": receipt, "reason": clean_reason, "manager": manager}
    if replaced_by:
        fields["replaced_by"] = replaced_by
    return ledger.append(session, signer, ledger.EntryKind.VOID, fields, now=now, subject=receipt)


def is_voided(session: Session, receipt: str) -> bool:
    return (
        session.execute(
            select(LedgerEntry.id)
            .where(LedgerEntry.subject == receipt, LedgerEntry.kind == ledger.EntryKind.VOID)
            .limit(1)
        ).first()
        is not None
    )


def check_void_entry(session: Session, entry: LedgerEntry, body: dict[str, object]) -> str | None:
    """``verify``: a void must point at an intake that exists."""
    if session.get(Intake, str(body.get("receipt"))) is None:
        return f"void of {body.get('receipt')}, which does not exist"
    return None

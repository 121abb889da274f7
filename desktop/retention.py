"""``revoke-desk purge-expired``: erase personal data once its retention period is over.

The 古物台帳 must be kept 3 years from the record date (DOMAIN.md §3), and personal
data deleted once that is over (§5).  A purge deletes, for every intake whose record
date (``business_day``) is more than ``years`` years before today in the shop's time
zone, its ``person`` row with the name tokens the history searches
(``person_name_token``) and its stored ``slip`` rows (a slip shows the signature).
The intake row and every ledger entry stay: the chain holds only a salted digest of
the personal data, so it still verifies.

One ``retention_purge`` ledger entry lists the receipts erased and the cut-off date;
``verify`` accepts a missing person or slip row only when such an entry covers it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, exists, func, or_, select
from sqlalchemy.orm import Session

from db.models import Intake, LedgerEntry, Person, PersonNameToken, Shop, Slip
from desktop import ledger
from desktop.errors import UserError
from desktop.keys import StationSigner

RETENTION_YEARS = 3
_BATCH = 500  # receipts per DELETE … IN (…): well under every engine's parameter limit
_CACHE_KEY = "revoke_desk.purged_receipts"


@dataclass(frozen=True)
class PurgeResult:
    cutoff: date  # intakes recorded before this day were erased
    receipts: tuple[str, ...]
    persons_erased: int
    slips_erased: int
    entry: ledger.ChainHead | None  # the retention_purge entry; None when nothing was due

    @property
    def count(self) -> int:
        return len(self.receipts)


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def retention_cutoff(today: date, years: int = RETENTION_YEARS) -> date:
    """Records dated before this day are past retention; the cut-off day itself is kept."""
    return years_before(today, years)


def purge_expired(
    session: Session, signer: StationSigner, *, now: datetime, years: int = RETENTION_YEARS
) -> PurgeResult:
    """Erase the personal data past retention, in the caller's transaction."""
    if years < RETENTION_YEARS:
        raise UserError(
            f"保存期間は{RETENTION_YEARS}年より短くできません",
            f"the retention period cannot be shorter than {RETENTION_YEARS} years",
        )
    shop = session.scalars(select(Shop)).first()
    if shop is None:
        raise UserError(
            "まだ設定されていません。先に revoke-desk init を実行してください",
            "not set up yet: run `revoke-desk init` first",
        )
    today = now.astimezone(ZoneInfo(shop.timezone)).date()
    cutoff = retention_cutoff(today, years)
    # Take the chain lock first: two purges (or a purge and an intake) queue here.
    ledger.lock_station(session, signer.station)
    receipts = tuple(
        session.scalars(
            select(Intake.receipt)
            .where(
                Intake.business_day < cutoff,
                or_(
                    exists().where(Person.receipt == Intake.receipt),
                    exists().where(Slip.receipt == Intake.receipt),
                ),
            )
            .order_by(Intake.receipt)
        )
    )
    if not receipts:
        return PurgeResult(cutoff, (), 0, 0, None)
    persons = slips = 0
    for start in range(0, len(receipts), _BATCH):
        batch = receipts[start : start + _BATCH]
        slips += _deleted(session, delete(Slip).where(Slip.receipt.in_(batch)))
        # The foreign key cascades as well; the purge does not rely on a pragma for it.
        session.execute(
            delete(PersonNameToken).where(PersonNameToken.receipt.in_(batch)),
            execution_options={"synchronize_session": False},
        )
        persons += _deleted(session, delete(Person).where(Person.receipt.in_(batch)))
    head = ledger.append_locked(
        session,
        signer,
        ledger.EntryKind.RETENTION_PURGE,
        {
            "cutoff": cutoff.isoformat(),
            "retention_years": years,
            "receipts": list(receipts),
        },
        now=now,
        subject=cutoff.isoformat(),
    )
    session.info.pop(_CACHE_KEY, None)
    return PurgeResult(cutoff, receipts, persons, slips, head)


def _deleted(session: Session, statement: Any) -> int:
    result = session.execute(statement, execution_options={"synchronize_session": False})
    return int(getattr(result, "rowcount", 0) or 0)


# ---------------------------------------------------------------------------
# Verification


def purged_receipts(session: Session) -> frozenset[str]:
    """Every receipt some ``retention_purge`` entry lists (read once per session).

    The entries themselves are checked by the chain walk: a forged one fails its
    station's chain, so trusting the list here opens no gap.
    """
    newest = session.scalar(
        select(func.max(LedgerEntry.id)).where(LedgerEntry.kind == ledger.EntryKind.RETENTION_PURGE)
    )
    cached: tuple[int | None, frozenset[str]] | None = session.info.get(_CACHE_KEY)
    if cached is not None and cached[0] == newest:
        return cached[1]
    found: set[str] = set()
    if newest is not None:
        bodies = session.scalars(
            select(LedgerEntry.body).where(LedgerEntry.kind == ledger.EntryKind.RETENTION_PURGE)
        )
        for text in bodies:
            found.update(_listed(text))
    result = frozenset(found)
    session.info[_CACHE_KEY] = (newest, result)
    return result


def _listed(text: str) -> Sequence[str]:
    try:
        receipts = json.loads(text).get("receipts", [])
    except (ValueError, AttributeError):
        return []  # a damaged body: the chain walk reports it
    return [r for r in receipts if isinstance(r, str)] if isinstance(receipts, list) else []


def check_purge_entry(session: Session, entry: LedgerEntry, body: dict[str, Any]) -> str | None:
    """``verify``: a purge lists only intakes past its cut-off whose personal data is gone."""
    try:
        cutoff = date.fromisoformat(str(body["cutoff"]))
        receipts = list(body["receipts"])
    except (KeyError, TypeError, ValueError):
        return "retention purge entry without a valid cut-off or receipt list"
    for start in range(0, len(receipts), _BATCH):
        batch = receipts[start : start + _BATCH]
        days: dict[str, date] = {
            receipt: day
            for receipt, day in session.execute(
                select(Intake.receipt, Intake.business_day).where(Intake.receipt.in_(batch))
            )
        }
        for receipt in batch:
            if receipt not in days:
                return f"retention purge lists {receipt}, which has no intake row"
            if days[receipt] >= cutoff:
                return f"retention purge lists {receipt}, recorded on or after its cut-off {cutoff}"
        kept = session.scalars(select(Person.receipt).where(Person.receipt.in_(batch))).first()
        if kept is not None:
            return f"personal data of {kept} is present although a retention purge erased it"
        named = session.scalars(
            select(PersonNameToken.receipt).where(PersonNameToken.receipt.in_(batch)).limit(1)
        ).first()
        if named is not None:
            return f"name tokens of {named} are present although a retention purge erased them"
    return None

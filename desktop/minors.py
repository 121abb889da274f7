"""Buying from minors: the shop's rule under its prefecture's youth ordinance.

Prefectural youth ordinances (青少年保護育成条例; e.g. 福岡県青少年健全育成条例 第30条)
forbid buying 古物 from anyone under 18 unless a guardian consents; many shops refuse
outright.  The age limit and whether consent may be accepted at all are a shop-wide
setting, recorded as a signed ``settings_changed`` ledger entry (subject
``minors_policy``) so the chain shows which rule an intake was judged under.  The
default is the safe one: under 18 needs a guardian's recorded consent.

A repair is not a purchase: the rule does not apply to it (DOMAIN.md §3).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import LedgerEntry
from desktop import ledger
from desktop.domain import LEDGER_PURPOSES, Purpose
from desktop.errors import UserError
from desktop.keys import StationSigner

POLICY_SUBJECT = "minors_policy"
DEFAULT_AGE_LIMIT = 18
MIN_AGE_LIMIT = 16
MAX_AGE_LIMIT = 20

# The 47 prefectures, for the set-up screen's preset list.  Every youth ordinance of
# 2026 sets 18 as the age; most allow a purchase with a guardian's consent.  A preset
# only fills in the age: whether the shop accepts consent at all is its own choice.
PREFECTURES = (
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
)


@dataclass(frozen=True)
class MinorsPolicy:
    """Under ``age_limit`` on the transaction day, a sale needs a guardian (or is refused)."""

    age_limit: int = DEFAULT_AGE_LIMIT
    consent_accepted: bool = True  # False: the shop never buys from minors
    prefecture: str = ""  # for the record; "" when not chosen

    def applies(self, purpose: Purpose, age: int) -> bool:
        """Whether the rule covers this seller's sale (a repair is never a purchase)."""
        return purpose in LEDGER_PURPOSES and age < self.age_limit

    def as_body(self) -> dict[str, object]:
        return {
            "age_limit": self.age_limit,
            "consent_accepted": self.consent_accepted,
            "prefecture": self.prefecture,
        }


DEFAULT_POLICY = MinorsPolicy()


def validate_policy(policy: MinorsPolicy) -> MinorsPolicy:
    if not MIN_AGE_LIMIT <= policy.age_limit <= MAX_AGE_LIMIT:
        raise UserError(
            f"年齢の上限は{MIN_AGE_LIMIT}〜{MAX_AGE_LIMIT}歳で指定してください",
            f"the age limit must be {MIN_AGE_LIMIT} to {MAX_AGE_LIMIT}",
        )
    if policy.prefecture and policy.prefecture not in PREFECTURES:
        raise UserError(
            f"都道府県名が正しくありません: {policy.prefecture}",
            f"not a prefecture: {policy.prefecture}",
        )
    return policy


def current_policy(session: Session) -> MinorsPolicy:
    """The shop's rule as its latest signed entry states it (the default before any)."""
    body = session.execute(
        select(LedgerEntry.body)
        .where(
            LedgerEntry.kind == ledger.EntryKind.SETTINGS_CHANGED,
            LedgerEntry.subject == POLICY_SUBJECT,
        )
        .order_by(LedgerEntry.created_at.desc(), LedgerEntry.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if body is None:
        return DEFAULT_POLICY
    raw = json.loads(body)["minors_policy"]
    return MinorsPolicy(
        age_limit=int(raw["age_limit"]),
        consent_accepted=bool(raw["consent_accepted"]),
        prefecture=str(raw.get("prefecture", "")),
    )


def set_policy(
    session: Session,
    signer: StationSigner,
    policy: MinorsPolicy,
    *,
    manager: str,
    now: datetime,
) -> MinorsPolicy:
    """Change the shop's rule (a manager's act), as a signed ledger entry."""
    validate_policy(policy)
    ledger.append(
        session,
        signer,
        ledger.EntryKind.SETTINGS_CHANGED,
        {"minors_policy": policy.as_body(), "by": manager},
        now=now,
        subject=POLICY_SUBJECT,
    )
    return policy

"""Domain vocabulary: the enumerations of the intake document and the frozen draft.

Values are the strings of the JSON contract (ARCHITECTURE.md); the Japanese legal
term stands beside each where the law names it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Purpose(StrEnum):
    PURCHASE = "purchase"  # 買取（買受け）
    TRADE_IN = "trade_in"  # 下取り
    CONSIGNMENT = "consignment"  # 委託
    REPAIR = "repair"  # 修理受付


PURPOSE_LABELS: dict[Purpose, tuple[str, str]] = {
    Purpose.PURCHASE: ("買取", "Purchase"),
    Purpose.TRADE_IN: ("下取り", "Trade-in"),
    Purpose.CONSIGNMENT: ("委託", "Consignment"),
    Purpose.REPAIR: ("修理受付", "Repair"),
}


class IdDocumentType(StrEnum):
    DRIVERS_LICENSE = "drivers_license"  # 運転免許証
    MY_NUMBER_CARD = "my_number_card"  # マイナンバーカード (type only, never its number)
    PASSPORT = "passport"  # パスポート
    RESIDENCE_CARD = "residence_card"  # 在留カード
    HEALTH_INSURANCE = "health_insurance"  # 健康保険証
    OTHER = "other"


class DeviceOs(StrEnum):
    ANDROID = "android"
    IPHONE = "iphone"
    OTHER = "other"


class NetworkRestriction(StrEnum):
    OK = "ok"  # ○
    PENDING = "pending"  # △
    RESTRICTED = "restricted"  # ×
    UNKNOWN = "unknown"  # −


class CertificateUsed(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class PerformedBy(StrEnum):
    SELF = "self"
    STAFF = "staff"
    OTHER = "other"


class StatementLanguage(StrEnum):
    JA = "ja"
    EN = "en"


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    REFUSED = "refused"


class RefusalReason(StrEnum):
    """Why the shop could not take the attestation (DOMAIN.md §2)."""

    PERFORMED_BY_OTHER = "performed_by_other"  # staff, family or anyone but the holder
    HOLDER_NOT_PRESENT = "holder_not_present"  # the person at the counter is not the holder
    CLERK_ASSISTED = "clerk_assisted"
    CERTIFICATE_UNKNOWN = "certificate_unknown"  # must check validity in the app first
    NOT_DONE = "not_done"


RESET_CHECK_KEYS = (
    "factory_reset",
    "account_removed",
    "sim_removed",
    "sd_removed",
    "felica_cleared",
)

# 古物営業法: a purchase under ¥10,000 is exempt from the identity check and the
# ledger (施行規則 第16条), though a shop may still record it.
ID_CHECK_EXEMPT_BELOW_YEN = 10_000
LEDGER_PURPOSES = frozenset({Purpose.PURCHASE, Purpose.TRADE_IN, Purpose.CONSIGNMENT})
EXEMPTABLE_PURPOSES = frozenset({Purpose.PURCHASE, Purpose.TRADE_IN})


def ledger_required(purpose: Purpose, price_yen: int) -> bool:
    """Whether the 古物台帳 fields (address, occupation, age, ID check) are mandatory."""
    if purpose not in LEDGER_PURPOSES:
        return False
    return not (purpose in EXEMPTABLE_PURPOSES and price_yen < ID_CHECK_EXEMPT_BELOW_YEN)


@dataclass(frozen=True)
class IdDocument:
    type: IdDocumentType
    number: str  # "" when none may or need be recorded


@dataclass(frozen=True)
class Seller:
    name: str
    kana: str
    address: str
    occupation: str
    birth_date: date | None
    id_document: IdDocument | None


@dataclass(frozen=True)
class Device:
    os: DeviceOs
    maker: str
    model: str
    color: str
    storage_gb: int | None
    imeis: tuple[str, ...]
    serial: str
    network_restriction: NetworkRestriction


@dataclass(frozen=True)
class Revocation:
    certificate_used: CertificateUsed
    path: str
    performed_by: PerformedBy
    holder_is_seller: bool


Stroke = tuple[tuple[int, int, int], ...]


@dataclass(frozen=True)
class IntakeDraft:
    """A validated intake document, ready for the attestation policy and commit."""

    purpose: Purpose
    price_yen: int
    clerk: str
    seller: Seller
    device: Device
    reset_checks: dict[str, bool]
    revocation: Revocation
    clerk_did_not_assist: bool
    statement_language: StatementLanguage
    signature: tuple[Stroke, ...]
    suspected_stolen: bool = False  # 不正品の疑い: flagged for a police report

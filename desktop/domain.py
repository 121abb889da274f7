"""Domain vocabulary: the enumerations of the intake document and the frozen draft.

Values are the strings of the JSON contract (ARCHITECTURE.md); the Japanese legal
term stands beside each where the law names it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar


class Purpose(StrEnum):
    PURCHASE = "purchase"  # 買取（買受け）
    TRADE_IN = "trade_in"  # 下取り
    CONSIGNMENT = "consignment"  # 委託
    REPAIR = "repair"  # 修理受付


# A label in the two languages of the product: (Japanese, English).  Every screen,
# slip, export and the ledger read the labels below; none writes its own.
Label = tuple[str, str]

PURPOSE_LABELS: dict[Purpose, Label] = {
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
    SPECIAL_PERMANENT_RESIDENT = "special_permanent_resident"  # 特別永住者証明書
    DRIVING_HISTORY = "driving_history"  # 運転経歴証明書
    QUALIFICATION_CERTIFICATE = "qualification_certificate"  # 資格確認書 (type only)
    # 健康保険証: no longer issued since 2024-12, still shown at counters; type only.
    HEALTH_INSURANCE = "health_insurance"
    OTHER = "other"  # その他: the document's name is required


# Documents whose number a shop may never record: the My Number Card (番号法) and the
# health-insurance documents (健康保険法 告知要求制限: the insurer's numbers may not be
# asked for or kept for any purpose but insurance).
NUMBER_FORBIDDEN_DOCUMENTS = frozenset(
    {
        IdDocumentType.MY_NUMBER_CARD,
        IdDocumentType.HEALTH_INSURANCE,
        IdDocumentType.QUALIFICATION_CERTIFICATE,
    }
)


class DeviceOs(StrEnum):
    ANDROID = "android"
    IPHONE = "iphone"
    OTHER = "other"


# The maker a phone of this OS always has: choosing iPhone fills in Apple (a clerk's
# keystrokes saved; the field stays editable).
MAKER_OF_OS: dict[DeviceOs, str] = {DeviceOs.IPHONE: "Apple"}


def maker_of(os: str | None) -> str:
    """The maker implied by the OS ('' when the OS does not settle it)."""
    try:
        return MAKER_OF_OS.get(DeviceOs(os), "") if os else ""
    except ValueError:
        return ""


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
    """The language the customer reads the statement in (desktop.languages names them)."""

    JA = "ja"
    EN = "en"
    ZH_HANS = "zh-Hans"
    KO = "ko"
    VI = "vi"
    FIL = "fil"
    PT_BR = "pt-BR"
    NE = "ne"
    ID = "id"


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    REFUSED = "refused"


class ConsentMethod(StrEnum):
    """How a guardian's consent to a minor's sale was confirmed (青少年保護育成条例)."""

    ACCOMPANIED = "accompanied"  # 保護者が同伴
    PHONE = "phone"  # 保護者に電話で確認
    WRITTEN = "written"  # 保護者の同意書


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

OUTCOME_LABELS: dict[Outcome, Label] = {
    Outcome.ACCEPTED: ("受付", "Accepted"),
    Outcome.REFUSED: ("お断り", "Refused"),
}
# Short forms for lists and exports; the slips print the full wording (slip_texts.json).
REFUSAL_REASON_LABELS: dict[RefusalReason, Label] = {
    RefusalReason.PERFORMED_BY_OTHER: ("名義人以外が失効", "revoked by someone else"),
    RefusalReason.HOLDER_NOT_PRESENT: ("名義人が不在", "holder not present"),
    RefusalReason.CLERK_ASSISTED: ("従業員が関与", "clerk assisted"),
    RefusalReason.CERTIFICATE_UNKNOWN: ("搭載の有無が不明", "not known whether it was used"),
    RefusalReason.NOT_DONE: ("失効が未了", "not revoked yet"),
}
OS_LABELS: dict[DeviceOs, Label] = {
    DeviceOs.ANDROID: ("Android", "Android"),
    DeviceOs.IPHONE: ("iPhone", "iPhone"),
    DeviceOs.OTHER: ("その他", "Other"),
}
ID_DOCUMENT_LABELS: dict[IdDocumentType, Label] = {
    IdDocumentType.DRIVERS_LICENSE: ("運転免許証", "Driver's licence"),
    IdDocumentType.MY_NUMBER_CARD: ("マイナンバーカード", "My Number Card"),
    IdDocumentType.PASSPORT: ("パスポート", "Passport"),
    IdDocumentType.RESIDENCE_CARD: ("在留カード", "Residence card"),
    IdDocumentType.SPECIAL_PERMANENT_RESIDENT: (
        "特別永住者証明書",
        "Special permanent resident certificate",
    ),
    IdDocumentType.DRIVING_HISTORY: ("運転経歴証明書", "Certificate of driving history"),
    IdDocumentType.QUALIFICATION_CERTIFICATE: (
        "資格確認書",
        "Health insurance eligibility certificate",
    ),
    IdDocumentType.HEALTH_INSURANCE: ("健康保険証", "Health insurance card"),
    IdDocumentType.OTHER: ("その他", "Other"),
}
# The carriers' own marks, the same in every language.
NETWORK_MARKS: dict[NetworkRestriction, str] = {
    NetworkRestriction.OK: "○",
    NetworkRestriction.PENDING: "△",
    NetworkRestriction.RESTRICTED: "×",
    NetworkRestriction.UNKNOWN: "−",
}
NETWORK_RESTRICTION_LABELS: dict[NetworkRestriction, Label] = {
    NetworkRestriction.OK: ("制限なし", "not restricted"),
    NetworkRestriction.PENDING: ("支払い中", "still being paid for"),
    NetworkRestriction.RESTRICTED: ("制限あり", "restricted"),
    NetworkRestriction.UNKNOWN: ("未確認・対象外", "not checked, or not applicable"),
}
CERTIFICATE_USED_LABELS: dict[CertificateUsed, Label] = {
    CertificateUsed.YES: ("入れたことがある", "yes, it held one"),
    CertificateUsed.NO: ("一度も入れていない", "never"),
    CertificateUsed.UNKNOWN: ("分からない", "not sure"),
}
PERFORMED_BY_LABELS: dict[PerformedBy, Label] = {
    PerformedBy.SELF: ("名義人ご本人", "the holder personally"),
    PerformedBy.STAFF: ("店舗の従業員", "shop staff"),
    PerformedBy.OTHER: ("家族など名義人以外", "family or anyone else"),
}
CONSENT_METHOD_LABELS: dict[ConsentMethod, Label] = {
    ConsentMethod.ACCOMPANIED: ("保護者が同伴", "guardian present at the counter"),
    ConsentMethod.PHONE: ("保護者に電話で確認", "confirmed with the guardian by phone"),
    ConsentMethod.WRITTEN: ("保護者の同意書", "guardian's written consent"),
}
RESET_CHECK_LABELS: dict[str, Label] = {
    "factory_reset": ("初期化", "factory reset"),
    "account_removed": ("アカウント削除", "account removed"),
    "sim_removed": ("SIM取り出し", "SIM out"),
    "sd_removed": ("SD取り出し", "SD out"),
    "felica_cleared": ("おサイフケータイ消去", "FeliCa cleared"),
}

E = TypeVar("E", bound=StrEnum)


def label(labels: Mapping[E, Label], raw: str) -> Label:
    """The label of a stored value; a value this version does not know shows as itself.

    Records outlive the code: a body written by a newer version (or an id dropped
    since) must still print, never raise.
    """
    for key, value in labels.items():
        if key.value == raw:
            return value
    return (raw, raw)


# 古物営業法: a purchase under ¥10,000 is exempt from the identity check and the
# ledger (施行規則 第16条), though a shop may still record it.
ID_CHECK_EXEMPT_BELOW_YEN = 10_000
LEDGER_PURPOSES = frozenset({Purpose.PURCHASE, Purpose.TRADE_IN, Purpose.CONSIGNMENT})
EXEMPTABLE_PURPOSES = frozenset({Purpose.PURCHASE, Purpose.TRADE_IN})


def age_on(born: date, day: date) -> int:
    """Completed years of age on ``day`` (born on 29 February: a year older from 1 March)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def ledger_required(purpose: Purpose, transaction_total_yen: int) -> bool:
    """Whether the 古物台帳 fields (address, occupation, age, ID check) are mandatory.

    The exemption is judged on the whole transaction: two ¥6,000 phones sold in one
    visit are one ¥12,000 purchase, not two exempt ones.
    """
    if purpose not in LEDGER_PURPOSES:
        return False
    return not (
        purpose in EXEMPTABLE_PURPOSES and transaction_total_yen < ID_CHECK_EXEMPT_BELOW_YEN
    )


@dataclass(frozen=True)
class IdDocument:
    type: IdDocumentType
    number: str  # "" when none may or need be recorded
    name: str = ""  # the document's own name, for OTHER (e.g. 学生証)


@dataclass(frozen=True)
class GuardianConsent:
    """A guardian's consent to a minor's sale (青少年保護育成条例, e.g. 福岡県 第30条)."""

    name: str
    relation: str  # 続柄, e.g. 母
    contact: str  # a telephone number or address
    method: ConsentMethod


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
    performed_by: PerformedBy  # who revoked: only the holder may
    holder_is_seller: bool
    # Who phoned the hotline to suspend (一時停止), on the hotline path only.  Anyone
    # may suspend (family in Japan for a holder abroad); only revocation is personal.
    suspended_by: PerformedBy | None = None


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
    guardian_consent: GuardianConsent | None = None  # a minor's sale (see desktop.minors)
    # The first intake of the same visit when one customer sells several phones: they
    # are one transaction (the ¥10,000 exemption is judged on its total).
    transaction_with: str = ""

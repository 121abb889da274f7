"""The frozen view a slip is rendered from: plain values, no database, no ORM.

``desktop`` builds a :class:`SlipSnapshot` from the committed record (the ledger
entry, the intake row, the personal data, the shop and the catalogues); the
renderers in this package turn it into PDF bytes and nothing else.  Every text a
slip prints arrives here already chosen, in both languages, so a renderer makes no
decisions about law or wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SlipFormat(StrEnum):
    THERMAL = "thermal"  # an 80 mm roll; the length follows the content
    A4 = "a4"  # customer copy and shop copy on one sheet, with a cut line


class SlipKind(StrEnum):
    CONFIRMATION = "confirmation"  # 失効確認控え: an accepted attestation
    GUIDANCE = "guidance"  # 手続きのご案内: a refused intake


@dataclass(frozen=True)
class Text:
    """One text in Japanese (authoritative) and a second language beneath it.

    ``en`` is English, or on a customer-facing text of a record signed in another
    language (desktop.languages) that language's reference translation, which
    ``lang`` then names ("zh-Hans", "vi", …) so the renderer sets it in its script.
    """

    ja: str
    en: str
    lang: str = "en"


@dataclass(frozen=True)
class LanguageNote:
    """On a slip of a record signed in a language other than Japanese: that the
    translation is for reference and the Japanese text prevails, and the hotline's
    foreign-language number, each in Japanese and in that language."""

    language: Text  # 「ベトナム語」 / "Tiếng Việt"
    prevails: Text  # 「…参考訳です。日本語の文面が優先します。」
    foreign_line: Text  # 「外国語でのお問い合わせ…」
    number: str  # 0120-0178-27


@dataclass(frozen=True)
class ShopLines:
    name: str
    license_no: str  # 古物商許可番号
    commission: str  # 公安委員会
    address: str
    phone: str


@dataclass(frozen=True)
class DeviceLines:
    maker: str
    model: str
    color: str
    storage: str  # e.g. "128 GB", or ""
    imeis: tuple[str, ...]  # in full: the renderer masks them on the customer copy
    os_label: Text


@dataclass(frozen=True)
class StepSection:
    """One block of a guidance slip's steps: an imperative heading, numbered steps."""

    heading: Text  # e.g. 「マイナポータルアプリで失効する」
    steps: tuple[Text, ...]


@dataclass(frozen=True)
class PathSteps:
    """The revocation path of the record, and the steps a guidance slip prints.

    ``title`` is the path as the customer attested it (「…で失効した」, on a
    confirmation); ``heading`` names the guidance (「…で失効する」, on the shop copy of a
    guidance slip); ``sections`` are the full steps for the customer's phone, e.g. for
    an Android phone not yet revoked: the app, the forgotten-password fallback and the
    hotline route.
    """

    id: str
    title: Text
    heading: Text
    sections: tuple[StepSection, ...]


@dataclass(frozen=True)
class Hotline:
    number: str  # 0120-95-0178
    foreign_language: str  # 0120-0178-27
    description: Text


# A signature stroke: (x, y, milliseconds) points as the pad captured them.
Stroke = tuple[tuple[int, int, int], ...]


@dataclass(frozen=True)
class SlipSnapshot:
    """Everything one slip shows, exactly as it will be printed."""

    kind: SlipKind
    shop: ShopLines
    receipt: str
    issued_at: str  # the intake's local date and time in the shop's zone, e.g. "2026-11-27 10:00"
    printed_at: str  # when this copy was made (differs from issued_at on a reprint)
    clerk: str  # code and name, e.g. "C01 佐藤 花子"
    purpose: Text
    device: DeviceLines
    outcome: Text  # what happened to the phone, for the purpose: 買取いたしました, 本日は…
    # Accepted only: what was confirmed about the certificate (失効を確認しました, or
    # that none was on the phone).
    revocation_fact: Text | None
    # Refused only: the heading of the reason box, for the purpose (本日は買取できません).
    refusal_heading: Text | None
    # The customer's statement in the version that was shown and signed: Japanese is
    # authoritative, English beneath; ``statement_version`` and ``statement_sha256``
    # identify the exact text.
    statement: Text
    statement_version: str
    statement_sha256: str
    statement_language: Text  # the language it was shown and signed in: 日本語 / English
    signer: str  # the seller's name as recorded (the shop copy names the signer)
    clerk_declaration: Text
    path: PathSteps  # the path taken (confirmation) or to take (guidance)
    path_note: Text | None  # e.g. who suspended and who revoked, on the hotline path
    refusal_reason: Text | None  # guidance slips only
    guidance_notes: tuple[Text, ...]  # guidance: no proxy allowed, welcome back, …
    hotline: Hotline
    reset_reminder: Text  # a factory reset does not remove the certificate
    privacy_notice: Text  # the purpose of use of personal data (個人情報の利用目的)
    signature: tuple[Stroke, ...]  # empty when there is none (or it was erased)
    # Station, seq, entry hash and entry signature (see desktop.slips): drawn as the QR
    # code and also written to the PDF's Keywords as "revoke-desk-slip:v1 <payload>".
    qr_payload: str
    certificate_fingerprint: str  # SHA-256 of the station certificate, hex
    reprint_count: int = 0  # 0 for the first issue; N for the N-th reprint (再発行)
    voided: bool = False  # a reprint of a voided receipt carries a visible VOID mark
    # The language the customer chose (desktop.languages); a note on every slip not
    # in Japanese (None for ja).
    language: str = "ja"
    language_note: LanguageNote | None = None

    @property
    def is_reprint(self) -> bool:
        return self.reprint_count > 0

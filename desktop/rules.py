"""The one validator of the intake document (ARCHITECTURE.md, "The intake document").

The command line and the GUI both build this document, so every field rule lives
here once and returns a :class:`Problem` naming the field, in Japanese and English.
``validate_intake`` collects every problem rather than stopping at the first, so
the clerk can fix them all in one pass.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from desktop.attestation import CHECK_FIRST_PATH, NEVER_USED_PATH, decide
from desktop.catalogue import RevocationCatalogue
from desktop.domain import (
    NUMBER_FORBIDDEN_DOCUMENTS,
    RESET_CHECK_KEYS,
    CertificateUsed,
    ConsentMethod,
    Device,
    DeviceOs,
    GuardianConsent,
    IdDocument,
    IdDocumentType,
    IntakeDraft,
    NetworkRestriction,
    Outcome,
    PerformedBy,
    Purpose,
    Revocation,
    Seller,
    StatementLanguage,
    Stroke,
    age_on,
    ledger_required,
)
from desktop.errors import Problem, ValidationFailed
from desktop.identifiers import (
    FULL_WIDTH_DIGITS,
    find_my_number,
    my_number_problem,
    normalise_imei,
)
from desktop.minors import DEFAULT_POLICY, MinorsPolicy
from desktop.text import clean_text

E = TypeVar("E", bound=StrEnum)

# Length caps, applied before normalisation (see desktop.text).
MAX_NAME = 100
MAX_ADDRESS = 200
MAX_OCCUPATION = 50
MAX_MAKER = 50
MAX_MODEL = 100
MAX_COLOR = 30
MAX_SERIAL = 40
MAX_ID_NUMBER = 30
MAX_DOCUMENT_NAME = 50
MAX_RELATION = 20
MAX_CONTACT = 100
MAX_PRICE_YEN = 100_000_000
MAX_STORAGE_GB = 16_384
MAX_AGE = 130
MAX_STROKES = 200
MAX_POINTS = 20_000
MAX_COORDINATE = 100_000
MAX_STROKE_MS = 3_600_000
CLERK_CODE = re.compile(r"[A-Z0-9]{1,8}")
_KANA = re.compile(r"[\u30A0-\u30FF ・ー]+")
_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}
_LICENCE_DIGITS = re.compile(r"[0-9]{12}")
# date.fromisoformat also reads ISO week dates such as 2024-W01-1 (ten characters too).
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

TOP_LEVEL_KEYS = frozenset(
    {
        "purpose",
        "price_yen",
        "clerk",
        "seller",
        "device",
        "reset_checks",
        "revocation",
        "clerk_did_not_assist",
        "statement",
        "signature",
        "suspected_stolen",
        "guardian_consent",
        "transaction_with",
    }
)
SELLER_KEYS = frozenset({"name", "kana", "address", "occupation", "birth_date", "id_document"})
ID_DOCUMENT_KEYS = frozenset({"type", "number", "name"})
GUARDIAN_KEYS = frozenset({"name", "relation", "contact", "method"})
RECEIPT = re.compile(r"[A-Z0-9]{1,8}-[0-9]{8}-[0-9]{4}")
DEVICE_KEYS = frozenset(
    {"os", "maker", "model", "color", "storage_gb", "imei", "serial", "network_restriction"}
)
REVOCATION_KEYS = frozenset(
    {"certificate_used", "path", "performed_by", "holder_is_seller", "suspended_by"}
)
HOTLINE_PATH = "hotline_suspended"
STATEMENT_KEYS = frozenset({"language"})
SIGNATURE_KEYS = frozenset({"strokes"})


class _Collector:
    """Gathers problems while reading a document; each reader returns a usable default."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, problem: Problem | None) -> None:
        if problem is not None:
            self.problems.append(problem)

    def section(
        self, doc: Mapping[str, Any], key: str, allowed: frozenset[str]
    ) -> dict[str, Any] | None:
        """The object under ``key``, or None (with a problem) when it is missing or no object.

        An empty object is returned as such, so that its readers report each missing field.
        """
        value = doc.get(key)
        if value is None:
            self.add(Problem(key, "この項目がありません", "is missing"))
            return None
        if not isinstance(value, dict):
            self.add(Problem(key, "項目の形式が正しくありません", "must be an object"))
            return None
        self.unknown_keys(value, allowed, prefix=f"{key}.")
        return value

    def unknown_keys(
        self, doc: Mapping[str, Any], allowed: frozenset[str], prefix: str = ""
    ) -> None:
        for key in sorted(set(doc) - allowed):
            self.add(
                Problem(
                    f"{prefix}{key}",
                    "想定していない項目です（綴りを確認してください）",
                    "is not a known field (check the spelling)",
                )
            )

    def text(self, field: str, value: object, max_len: int, *, required: bool = True) -> str:
        result, problem = clean_text(field, value, max_len=max_len, required=required)
        self.add(problem)
        if result and problem is None and find_my_number(result):
            self.add(my_number_problem(field))
            return ""
        return result

    def choice(self, field: str, value: object, enum: type[E], *, label_ja: str) -> E | None:
        if isinstance(value, str):
            try:
                return enum(value)
            except ValueError:
                pass
        allowed = " | ".join(member.value for member in enum)
        self.add(
            Problem(field, f"{label_ja}は次のいずれかです: {allowed}", f"must be one of: {allowed}")
        )
        return None

    def boolean(self, field: str, value: object) -> bool:
        if isinstance(value, bool):
            return value
        self.add(Problem(field, "true か false で指定してください", "must be true or false"))
        return False

    def integer(
        self, field: str, value: object, *, low: int, high: int, label_ja: str
    ) -> int | None:
        # bool is an int in Python; a price of `true` is a mistake, not ¥1.
        if not isinstance(value, int) or isinstance(value, bool):
            self.add(
                Problem(field, f"{label_ja}は整数で入力してください", "must be a whole number")
            )
            return None
        # Say the bound that was crossed: "-5000" is "0 or more", not "whole number".
        if value < low:
            self.add(
                Problem(
                    field, f"{label_ja}は{low:,}以上で入力してください", f"must be {low:,} or more"
                )
            )
            return None
        if value > high:
            self.add(
                Problem(
                    field,
                    f"{label_ja}は{high:,}以下で入力してください",
                    f"must be {high:,} or less",
                )
            )
            return None
        return value


@dataclass(frozen=True)
class IntakeContext:
    """What the validator needs to know from the shop's records, read by the caller.

    ``transaction_before_yen`` is the price of the phones already taken in earlier in
    the same transaction (``transaction_with``); see desktop.transactions.
    """

    minors: MinorsPolicy = DEFAULT_POLICY
    transaction_before_yen: int = 0


NO_CONTEXT = IntakeContext()


def validate_intake(
    doc: object,
    *,
    today: date,
    catalogue: RevocationCatalogue,
    context: IntakeContext = NO_CONTEXT,
) -> IntakeDraft:
    """Validate one intake document; raise :class:`ValidationFailed` listing every problem.

    ``today`` is the shop's business day (its time zone): ages are judged on it.
    """
    if not isinstance(doc, dict):
        raise ValidationFailed(
            [Problem("(document)", "JSONオブジェクトではありません", "is not a JSON object")]
        )
    c = _Collector()
    c.unknown_keys(doc, TOP_LEVEL_KEYS)

    purpose = c.choice("purpose", doc.get("purpose"), Purpose, label_ja="取引の種類")
    price = c.integer("price_yen", doc.get("price_yen"), low=0, high=MAX_PRICE_YEN, label_ja="金額")
    clerk = _clerk_code(c, doc.get("clerk"))
    transaction_with = _transaction_with(c, doc.get("transaction_with"))
    needs_ledger = (
        purpose is not None
        and price is not None
        and ledger_required(purpose, price + context.transaction_before_yen)
    )
    seller = _seller(
        c, c.section(doc, "seller", SELLER_KEYS), today=today, needs_ledger=needs_ledger
    )
    guardian = _guardian_consent(
        c, doc.get("guardian_consent"), purpose, seller, today=today, policy=context.minors
    )
    device = _device(c, c.section(doc, "device", DEVICE_KEYS))
    reset_checks = _reset_checks(c, doc.get("reset_checks"))
    revocation = _revocation(c, c.section(doc, "revocation", REVOCATION_KEYS), device, catalogue)
    clerk_did_not_assist = c.boolean("clerk_did_not_assist", doc.get("clerk_did_not_assist"))
    # Optional: a document without it (or without its language) was shown Japanese.
    statement = (c.section(doc, "statement", STATEMENT_KEYS) if "statement" in doc else {}) or {}
    # The customer's language; a document without one was shown the Japanese text.
    language = c.choice(
        "statement.language",
        statement.get("language", StatementLanguage.JA.value),
        StatementLanguage,
        label_ja="言語",
    )
    suspected_stolen = c.boolean("suspected_stolen", doc.get("suspected_stolen", False))
    signature = _signature(c, doc.get("signature"))

    if revocation is not None and not signature:
        decision = decide(
            revocation, clerk_did_not_assist=clerk_did_not_assist, catalogue=catalogue
        )
        if decision.outcome is Outcome.ACCEPTED:
            c.add(
                Problem(
                    "signature",
                    "お客様の署名がありません",
                    "the customer's signature is missing",
                )
            )

    if c.problems:
        raise ValidationFailed(c.problems)
    assert purpose is not None and price is not None and seller is not None
    assert device is not None and revocation is not None and language is not None
    return IntakeDraft(
        purpose=purpose,
        price_yen=price,
        clerk=clerk,
        seller=seller,
        device=device,
        reset_checks=reset_checks,
        revocation=revocation,
        clerk_did_not_assist=clerk_did_not_assist,
        statement_language=language,
        signature=signature,
        suspected_stolen=suspected_stolen,
        guardian_consent=guardian,
        transaction_with=transaction_with,
    )


def _transaction_with(c: _Collector, value: object) -> str:
    """The receipt of an earlier intake of the same visit (checked against the records later)."""
    if value in (None, ""):
        return ""
    if isinstance(value, str) and RECEIPT.fullmatch(value):
        return value
    c.add(
        Problem(
            "transaction_with",
            "同じ取引の受付番号は S01-20261127-0001 の形です",
            "must be a receipt number such as S01-20261127-0001",
        )
    )
    return ""


def _guardian_consent(
    c: _Collector,
    raw: object,
    purpose: Purpose | None,
    seller: Seller | None,
    *,
    today: date,
    policy: MinorsPolicy,
) -> GuardianConsent | None:
    """A minor's sale needs a guardian's recorded consent, or is refused (desktop.minors)."""
    field = "guardian_consent"
    born = seller.birth_date if seller is not None else None
    minor = (
        purpose is not None and born is not None and policy.applies(purpose, age_on(born, today))
    )
    if not minor:
        if raw not in (None, {}):
            c.add(
                Problem(
                    field,
                    f"保護者の同意は{policy.age_limit}歳未満の売主の場合だけ記録します",
                    f"a guardian's consent is recorded only for a seller under {policy.age_limit}",
                )
            )
        return None
    if not policy.consent_accepted:
        c.add(
            Problem(
                "seller.birth_date",
                f"{policy.age_limit}歳未満の方からは買取・下取り・委託をお受けできません"
                "（青少年保護育成条例・当店の方針）",
                f"the shop does not buy from anyone under {policy.age_limit} "
                "(youth protection ordinance, shop policy)",
            )
        )
        return None
    if raw is None:
        c.add(
            Problem(
                field,
                f"{policy.age_limit}歳未満の方です。保護者の同意（氏名・続柄・連絡先・確認方法）を"
                "記録してください（青少年保護育成条例）",
                f"the seller is under {policy.age_limit}: record the guardian's consent "
                "(name, relation, contact, how it was confirmed) — youth protection ordinance",
            )
        )
        return None
    if not isinstance(raw, dict):
        c.add(Problem(field, "項目の形式が正しくありません", "must be an object"))
        return None
    c.unknown_keys(raw, GUARDIAN_KEYS, prefix=f"{field}.")
    name = c.text(f"{field}.name", raw.get("name"), MAX_NAME)
    relation = c.text(f"{field}.relation", raw.get("relation"), MAX_RELATION)
    contact = c.text(f"{field}.contact", raw.get("contact"), MAX_CONTACT)
    method = c.choice(
        f"{field}.method", raw.get("method"), ConsentMethod, label_ja="同意の確認方法"
    )
    if seller is not None and name and name.replace(" ", "") == seller.name.replace(" ", ""):
        c.add(
            Problem(
                f"{field}.name",
                "保護者の氏名が売主と同じです",
                "the guardian's name is the seller's own",
            )
        )
    if method is None or not (name and relation and contact):
        return None
    return GuardianConsent(name, relation, contact, method)


def _clerk_code(c: _Collector, value: object) -> str:
    if isinstance(value, str) and CLERK_CODE.fullmatch(value):
        return value
    c.add(
        Problem(
            "clerk",
            "担当者コードは英大文字と数字8文字以内です（例: C01）",
            "clerk code is up to 8 capital letters and digits (e.g. C01)",
        )
    )
    return ""


def _seller(
    c: _Collector, raw: Mapping[str, Any] | None, *, today: date, needs_ledger: bool
) -> Seller | None:
    if raw is None:  # the problem is already recorded
        return None
    name = c.text("seller.name", raw.get("name"), MAX_NAME)
    kana = _kana(c, raw.get("kana"))
    address = c.text("seller.address", raw.get("address"), MAX_ADDRESS, required=needs_ledger)
    occupation = c.text(
        "seller.occupation", raw.get("occupation"), MAX_OCCUPATION, required=needs_ledger
    )
    birth_date = _birth_date(c, raw.get("birth_date"), today=today, required=needs_ledger)
    id_document = _id_document(c, raw.get("id_document"), required=needs_ledger)
    return Seller(name, kana, address, occupation, birth_date, id_document)


def _kana(c: _Collector, value: object) -> str:
    text = c.text("seller.kana", value, MAX_NAME, required=False)
    if not text:
        return ""
    katakana = text.translate(_HIRAGANA_TO_KATAKANA)
    if not _KANA.fullmatch(katakana):
        c.add(
            Problem(
                "seller.kana", "フリガナはカタカナで入力してください", "reading must be in katakana"
            )
        )
        return ""
    return katakana


def _birth_date(c: _Collector, value: object, *, today: date, required: bool) -> date | None:
    field = "seller.birth_date"
    if value is None or value == "":
        if required:
            c.add(
                Problem(
                    field,
                    "生年月日を入力してください（年齢の確認に必要です）",
                    "is required (for the seller's age)",
                )
            )
        return None
    try:
        if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
            raise ValueError
        born = date.fromisoformat(value)
    except ValueError:
        c.add(
            Problem(
                field,
                "生年月日は YYYY-MM-DD の形で入力してください",
                "must be a date written YYYY-MM-DD",
            )
        )
        return None
    if born > today:
        c.add(Problem(field, "生年月日が未来の日付です", "is in the future"))
        return None
    if age_on(born, today) > MAX_AGE:
        c.add(
            Problem(
                field,
                f"年齢が{MAX_AGE}歳を超えています。入力を確認してください",
                f"gives an age over {MAX_AGE}: check it",
            )
        )
        return None
    return born


def _id_document(c: _Collector, raw: object, *, required: bool) -> IdDocument | None:
    field = "seller.id_document"
    if raw is None:
        if required:
            c.add(
                Problem(
                    field, "本人確認書類を入力してください", "the identity document is required"
                )
            )
        return None
    if not isinstance(raw, dict):
        c.add(Problem(field, "項目の形式が正しくありません", "must be an object"))
        return None
    c.unknown_keys(raw, ID_DOCUMENT_KEYS, prefix=f"{field}.")
    doc_type = c.choice(
        f"{field}.type", raw.get("type"), IdDocumentType, label_ja="本人確認書類の種類"
    )
    number_raw = raw.get("number")
    number_field = f"{field}.number"
    name = ""
    if doc_type is IdDocumentType.OTHER:
        name = c.text(f"{field}.name", raw.get("name"), MAX_DOCUMENT_NAME)
    elif raw.get("name") not in (None, ""):
        c.add(
            Problem(
                f"{field}.name",
                "書類の名称は「その他」の場合だけ入力します",
                "a document name is given only for 'other'",
            )
        )
    if doc_type in NUMBER_FORBIDDEN_DOCUMENTS:
        # 番号法 (My Number) and 健康保険法 告知要求制限 (insurance numbers): the shop may
        # not collect these numbers for identification; the type alone is recorded.
        if number_raw not in (None, ""):
            kind = (
                "マイナンバーカード"
                if doc_type is IdDocumentType.MY_NUMBER_CARD
                else "健康保険の書類"
            )
            kind_en = (
                "a My Number Card"
                if doc_type is IdDocumentType.MY_NUMBER_CARD
                else "a health-insurance document"
            )
            c.add(
                Problem(
                    number_field,
                    f"{kind}の番号は記録できません（法律で禁止）。書類の種類だけを記録します",
                    f"the number of {kind_en} may not be recorded (forbidden by law): "
                    "keep the document type only",
                )
            )
        assert doc_type is not None
        return IdDocument(doc_type, "")
    if doc_type is IdDocumentType.DRIVERS_LICENSE:
        return IdDocument(doc_type, _licence_number(c, number_field, number_raw))
    number, problem = clean_text(number_field, number_raw, max_len=MAX_ID_NUMBER, required=False)
    c.add(problem)
    if number and find_my_number(number):
        c.add(my_number_problem(number_field))
        number = ""
    return IdDocument(doc_type, number, name) if doc_type is not None else None


def _licence_number(c: _Collector, field: str, raw: object) -> str:
    """A driver's licence number: 12 digits.  Never refused for passing the My Number check."""
    if raw in (None, ""):
        return ""
    if not isinstance(raw, str) or len(raw) > MAX_ID_NUMBER:
        c.add(Problem(field, "免許証番号は12桁の数字です", "licence number has 12 digits"))
        return ""
    digits = "".join(ch for ch in raw.translate(FULL_WIDTH_DIGITS) if ch not in " -\u3000")
    if not _LICENCE_DIGITS.fullmatch(digits):
        c.add(Problem(field, "免許証番号は12桁の数字です", "licence number has 12 digits"))
        return ""
    return digits


def _device(c: _Collector, raw: Mapping[str, Any] | None) -> Device | None:
    if raw is None:  # the problem is already recorded
        return None
    os = c.choice("device.os", raw.get("os"), DeviceOs, label_ja="OS")
    maker = c.text("device.maker", raw.get("maker"), MAX_MAKER)
    model = c.text("device.model", raw.get("model"), MAX_MODEL)
    color = c.text("device.color", raw.get("color"), MAX_COLOR, required=False)
    storage = raw.get("storage_gb")
    storage_gb = (
        None
        if storage is None
        else c.integer(
            "device.storage_gb", storage, low=1, high=MAX_STORAGE_GB, label_ja="容量(GB)"
        )
    )
    imeis = _imeis(c, raw.get("imei"))
    serial = c.text("device.serial", raw.get("serial"), MAX_SERIAL, required=False)
    restriction = c.choice(
        "device.network_restriction",
        raw.get("network_restriction", NetworkRestriction.UNKNOWN.value),
        NetworkRestriction,
        label_ja="ネットワーク利用制限",
    )
    if os is None or restriction is None:
        return None
    return Device(os, maker, model, color, storage_gb, imeis, serial, restriction)


def _imeis(c: _Collector, raw: object) -> tuple[str, ...]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not 1 <= len(raw) <= 2:
        c.add(
            Problem(
                "device.imei",
                "IMEIは1つ（デュアルSIMは2つ）入力してください",
                "give one IMEI, or two for a dual-SIM phone",
            )
        )
        return ()
    imeis: list[str] = []
    for index, value in enumerate(raw):
        number, problem = normalise_imei(f"device.imei[{index}]", value)
        c.add(problem)
        if number:
            imeis.append(number)
    if len(imeis) == 2 and imeis[0] == imeis[1]:
        c.add(
            Problem(
                "device.imei[1]",
                "2つ目のIMEIが1つ目と同じです",
                "the second IMEI repeats the first",
            )
        )
    return tuple(imeis)


def _reset_checks(c: _Collector, raw: object) -> dict[str, bool]:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        c.add(Problem("reset_checks", "項目の形式が正しくありません", "must be an object"))
        return dict.fromkeys(RESET_CHECK_KEYS, False)
    c.unknown_keys(raw, frozenset(RESET_CHECK_KEYS), prefix="reset_checks.")
    return {key: c.boolean(f"reset_checks.{key}", raw.get(key, False)) for key in RESET_CHECK_KEYS}


def _revocation(
    c: _Collector,
    raw: Mapping[str, Any] | None,
    device: Device | None,
    catalogue: RevocationCatalogue,
) -> Revocation | None:
    if raw is None:  # the problem is already recorded
        return None
    used = c.choice(
        "revocation.certificate_used",
        raw.get("certificate_used"),
        CertificateUsed,
        label_ja="電子証明書の利用",
    )
    performed_by = c.choice(
        "revocation.performed_by", raw.get("performed_by"), PerformedBy, label_ja="手続きを行った人"
    )
    holder_is_seller = c.boolean("revocation.holder_is_seller", raw.get("holder_is_seller"))
    path = _path(c, raw.get("path"), used, device, catalogue)
    suspended_by: PerformedBy | None = None
    if raw.get("suspended_by") not in (None, ""):
        suspended_by = c.choice(
            "revocation.suspended_by",
            raw.get("suspended_by"),
            PerformedBy,
            label_ja="一時停止の電話をした人",
        )
        if path is not None and path != HOTLINE_PATH:
            c.add(
                Problem(
                    "revocation.suspended_by",
                    "一時停止した人は、電話で一時停止した場合だけ記録します",
                    f"who suspended is recorded only on the path {HOTLINE_PATH}",
                )
            )
    if used is None or performed_by is None or path is None:
        return None
    return Revocation(used, path, performed_by, holder_is_seller, suspended_by)


def _path(
    c: _Collector,
    value: object,
    used: CertificateUsed | None,
    device: Device | None,
    catalogue: RevocationCatalogue,
) -> str | None:
    field = "revocation.path"
    # The path may be left out where the answer to certificate_used settles it.
    if value in (None, ""):
        if used is CertificateUsed.NO:
            return NEVER_USED_PATH
        if used is CertificateUsed.UNKNOWN:
            return CHECK_FIRST_PATH
        c.add(
            Problem(
                field, "失効の方法を選んでください", "choose how the certificate was dealt with"
            )
        )
        return None
    entry = catalogue.get(value) if isinstance(value, str) else None
    if entry is None:
        known = " | ".join(catalogue.paths)
        c.add(Problem(field, f"失効の方法は次のいずれかです: {known}", f"must be one of: {known}"))
        return None
    if used is CertificateUsed.NO and entry.id != NEVER_USED_PATH:
        c.add(
            Problem(
                field,
                "「電子証明書を使っていない」と回答した場合、方法は never_used です",
                "with certificate_used 'no' the path is never_used",
            )
        )
        return None
    if used is CertificateUsed.YES and entry.id in (NEVER_USED_PATH, CHECK_FIRST_PATH):
        c.add(
            Problem(
                field,
                "「電子証明書を使っていた」と回答した場合、この方法は選べません",
                "this path contradicts certificate_used 'yes'",
            )
        )
        return None
    if device is not None and device.os.value not in entry.os:
        c.add(
            Problem(
                field,
                f"この方法（{entry.title.ja}）はこの端末の種類（{device.os.value}）には使えません",
                f"path {entry.id} does not apply to a {device.os.value} device",
            )
        )
        return None
    return entry.id


def _signature(c: _Collector, raw: object) -> tuple[Stroke, ...]:
    field = "signature.strokes"
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        c.add(Problem("signature", "項目の形式が正しくありません", "must be an object"))
        return ()
    c.unknown_keys(raw, SIGNATURE_KEYS, prefix="signature.")
    strokes = raw.get("strokes", [])
    if not isinstance(strokes, list) or len(strokes) > MAX_STROKES:
        c.add(
            Problem(
                field,
                f"署名の線が多すぎるか、形式が正しくありません（{MAX_STROKES}本まで）",
                f"must be a list of at most {MAX_STROKES} strokes",
            )
        )
        return ()
    result: list[Stroke] = []
    total = 0
    for stroke in strokes:
        points = _stroke(stroke)
        if points is None:
            c.add(
                Problem(
                    field,
                    "署名データの形式が正しくありません",
                    "each stroke must be a list of [x, y, ms] whole-number points",
                )
            )
            return ()
        total += len(points)
        if total > MAX_POINTS:
            c.add(Problem(field, "署名データが大きすぎます", f"has more than {MAX_POINTS} points"))
            return ()
        result.append(points)
    if result and not any(len(points) >= 2 for points in result):
        c.add(
            Problem(
                field,
                "署名が短すぎます。もう一度署名してください",
                "is too short to be a signature: sign again",
            )
        )
        return ()
    return tuple(result)


def _stroke(raw: object) -> Stroke | None:
    if not isinstance(raw, list) or not raw:
        return None
    points: list[tuple[int, int, int]] = []
    last_ms = 0  # times start at 0 and never run backwards within a stroke
    for point in raw:
        if not (
            isinstance(point, list) and len(point) == 3 and all(_is_plain_int(v) for v in point)
        ):
            return None
        x, y, ms = point
        if not (
            0 <= x <= MAX_COORDINATE and 0 <= y <= MAX_COORDINATE and last_ms <= ms <= MAX_STROKE_MS
        ):
            return None
        last_ms = ms
        points.append((x, y, ms))
    return tuple(points)


def _is_plain_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)

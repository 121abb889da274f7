"""Every text of the intake screens, Japanese first with its English, in one table.

The pages, the review and the wizard share these words (the review repeats the
pages' labels), so they live here once.  Each Japanese text is marked with
``QT_TRANSLATE_NOOP`` under the context ``IntakeTexts`` so that ``pyside6-lupdate``
puts it in the translation file; the English written here stands in until the
catalogue carries it (see :func:`ui.intake.widgets.bilingual`).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from PySide6.QtCore import QT_TRANSLATE_NOOP as _QT_TRANSLATE_NOOP
from PySide6.QtCore import QCoreApplication

from desktop.catalogue import statement_catalogue
from desktop.domain import CERTIFICATE_USED_LABELS as DOMAIN_CERTIFICATE_USED_LABELS
from desktop.domain import CONSENT_METHOD_LABELS as DOMAIN_CONSENT_METHOD_LABELS
from desktop.domain import (
    ID_DOCUMENT_LABELS,
    NETWORK_RESTRICTION_LABELS,
    OUTCOME_LABELS,
    PURPOSE_LABELS,
    REFUSAL_REASON_LABELS,
    CertificateUsed,
    ConsentMethod,
    DeviceOs,
    IdDocumentType,
    NetworkRestriction,
    Outcome,
    PerformedBy,
    Purpose,
    RefusalReason,
)
from desktop.domain import NETWORK_MARKS as DOMAIN_NETWORK_MARKS
from desktop.domain import OS_LABELS as DOMAIN_OS_LABELS
from desktop.domain import PERFORMED_BY_LABELS as DOMAIN_PERFORMED_BY_LABELS
from desktop.intake_flow import STEP_TITLES, Step
from desktop.languages import CUSTOMER_LANGUAGES
from desktop.slip_texts import slip_texts
from desktop.statements import CLERK_STATEMENT_ID
from ui import i18n
from ui.i18n import bilingual
from ui.intake.widgets import Option, pair_html

CONTEXT = "IntakeTexts"
# PySide6 types this marker as returning ``object``; it returns its text unchanged.
# The name stays QT_TRANSLATE_NOOP, the one pyside6-lupdate looks for.
QT_TRANSLATE_NOOP = cast(Callable[[str, str], str], _QT_TRANSLATE_NOOP)


@dataclass(frozen=True)
class T:
    """One text: its Japanese source (what ``tr`` looks up) and its English."""

    ja: str
    en: str

    def pair(self, **values: object) -> tuple[str, str]:
        """``(main, English)`` in the UI's language, with ``{name}`` fields filled."""
        main, en = bilingual(CONTEXT, QCoreApplication.translate(CONTEXT, self.ja), self.en)
        if values:
            return main.format(**values), en.format(**values)
        return main, en

    def line(self, **values: object) -> str:
        main, en = self.pair(**values)
        return f"{main} / {en}" if en else main

    def html(self, **values: object) -> str:
        """The Japanese, and the English beneath it in small grey type."""
        return pair_html(*self.pair(**values))

    def inline(self, **values: object) -> str:
        """The Japanese, and the English after it in small grey type (for field labels)."""
        main, english = self.pair(**values)
        if not english:
            return html.escape(main)
        return (
            f"{html.escape(main)}&nbsp;&nbsp;<span style='{i18n.SUBTITLE_STYLE}'>"
            f"{html.escape(english)}</span>"
        )

    def option(self, value: str, *, mark: str = "") -> Option:
        main, en = self.pair()
        return Option(value, f"{mark} {main}" if mark else main, en)


def core(ja: str, en: str) -> T:
    """A text the core already gives in both languages (catalogue titles, labels)."""
    return T(ja, en)


# -- the wizard --------------------------------------------------------------

NEXT = T(QT_TRANSLATE_NOOP("IntakeTexts", "次へ"), "Next")
BACK = T(QT_TRANSLATE_NOOP("IntakeTexts", "戻る"), "Back")
CANCEL = T(QT_TRANSLATE_NOOP("IntakeTexts", "中止"), "Cancel")
COMMIT = T(QT_TRANSLATE_NOOP("IntakeTexts", "確定"), "Commit")
CANCEL_TITLE = T(QT_TRANSLATE_NOOP("IntakeTexts", "受付の中止"), "Cancel the intake")
CANCEL_QUESTION = T(
    QT_TRANSLATE_NOOP(
        "IntakeTexts", "この受付を中止して、入力した内容を破棄しますか？（元に戻せません）"
    ),
    "Cancel this intake and discard what was entered? (This cannot be undone.)",
)
HINT_NEXT_FIELD = T(QT_TRANSLATE_NOOP("IntakeTexts", "次の項目"), "next field")
HINT_ENTER = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "次の項目・最後の項目なら次の画面"),
    "next field, or the next page from the last one",
)
HINT_CHOOSE = T(QT_TRANSLATE_NOOP("IntakeTexts", "選んで次へ"), "answer and move on")
HINT_TICK = T(QT_TRANSLATE_NOOP("IntakeTexts", "チェック"), "tick")
HINT_COMMIT = T(QT_TRANSLATE_NOOP("IntakeTexts", "確定して登録"), "commit")
PAGE_PROBLEMS = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "{count}件の項目を直してください（赤字の説明を参照）"),
    "{count} field(s) need correcting (see the red notes)",
)
UNANSWERED = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "まだ選ばれていません。数字キー 1〜{last} で選んでください"),
    "Not answered yet: press a number key 1–{last} to choose",
)
SLIP_TITLE = T(QT_TRANSLATE_NOOP("IntakeTexts", "控えの発行"), "Issuing the slip")
COMMIT_PROBLEMS_TITLE = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "登録できませんでした"), "Could not commit"
)
UNEXPECTED = T(
    QT_TRANSLATE_NOOP(
        "IntakeTexts",
        "予期しないエラーが起きました。記録の状態は履歴で確かめてください。詳しくはログにあります",
    ),
    "Something unexpected went wrong. Check the record in History; the log has the details.",
)


def step_title(step: Step) -> T:
    return core(*STEP_TITLES[step])


# -- purpose and price ---------------------------------------------------------

PURPOSE = T(QT_TRANSLATE_NOOP("IntakeTexts", "取引の種類"), "Purpose")
PRICE = T(QT_TRANSLATE_NOOP("IntakeTexts", "金額（円）"), "Price (yen)")
PRICE_NOTE = T(
    QT_TRANSLATE_NOOP(
        "IntakeTexts", "数字だけで入力します（全角・カンマも可）。修理受付で代金がなければ 0"
    ),
    "Digits only (full-width digits and commas are fine). 0 for a repair with no price.",
)
PRICE_READS = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "{amount}円として記録します"), "recorded as ¥{amount}"
)


def purpose_options() -> list[Option]:
    return [core(*PURPOSE_LABELS[purpose]).option(purpose.value) for purpose in Purpose]


ZERO_PRICE_TITLE = T(QT_TRANSLATE_NOOP("IntakeTexts", "金額が0円です"), "The price is ¥0")
ZERO_PRICE_QUESTION = T(
    QT_TRANSLATE_NOOP(
        "IntakeTexts",
        "{purpose}の金額が0円になっています。0円で記録しますか？\n「いいえ」で金額の入力に戻ります",
    ),
    "{purpose} for ¥0: record it like this?\n'No' goes back to the price.",
)
TRANSACTION_JOINED = T(
    QT_TRANSLATE_NOOP(
        "IntakeTexts",
        "同じお客様の{count}台目の端末です（取引 {first}）。これまでの{phones}台で ¥{before}",
    ),
    "Phone no. {count} of the same customer (transaction {first}); the {phones} before it "
    "come to ¥{before}",
)
TRANSACTION_TOTAL = T(
    QT_TRANSLATE_NOOP(
        "IntakeTexts", "取引の合計 ¥{total}（1万円未満の免除はこの合計で判断します）"
    ),
    "Transaction total ¥{total} (the exemption under ¥10,000 is judged on it)",
)


# -- seller ----------------------------------------------------------------------

NAME = T(QT_TRANSLATE_NOOP("IntakeTexts", "氏名"), "Name")
KANA = T(QT_TRANSLATE_NOOP("IntakeTexts", "フリガナ"), "Name in katakana")
ADDRESS = T(QT_TRANSLATE_NOOP("IntakeTexts", "住所"), "Address")
OCCUPATION = T(QT_TRANSLATE_NOOP("IntakeTexts", "職業"), "Occupation")
BIRTH_DATE = T(QT_TRANSLATE_NOOP("IntakeTexts", "生年月日（西暦）"), "Date of birth")
BIRTH_DATE_NOTE = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "例 1985-04-01（19850401 や 1985/4/1 でも可）"),
    "e.g. 1985-04-01 (19850401 or 1985/4/1 work too)",
)
AGE = T(QT_TRANSLATE_NOOP("IntakeTexts", "{age}歳"), "age {age}")
ID_TYPE = T(QT_TRANSLATE_NOOP("IntakeTexts", "本人確認書類"), "Identity document")
ID_NUMBER = T(QT_TRANSLATE_NOOP("IntakeTexts", "書類の番号"), "Document number")
MY_NUMBER_NOTE = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "マイナンバーカードの番号は記録しません"),
    "The card's number is never recorded",
)
# 健康保険法 告知要求制限: the insurance documents' numbers may not be asked for or kept.
HEALTH_INSURANCE_NOTE = T(
    QT_TRANSLATE_NOOP(
        "IntakeTexts", "健康保険の書類の番号は法律で記録できません。書類の種類だけを記録します"
    ),
    "A health-insurance document's number may not be recorded by law: only its type is kept",
)
NUMBER_FORBIDDEN_NOTES: dict[IdDocumentType, T] = {
    IdDocumentType.MY_NUMBER_CARD: MY_NUMBER_NOTE,
    IdDocumentType.HEALTH_INSURANCE: HEALTH_INSURANCE_NOTE,
    IdDocumentType.QUALIFICATION_CERTIFICATE: HEALTH_INSURANCE_NOTE,
}
LICENCE_MY_NUMBER_TITLE = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "マイナンバーではありませんか？"), "Is this a My Number?"
)
LICENCE_MY_NUMBER_QUESTION = T(
    QT_TRANSLATE_NOOP(
        "IntakeTexts",
        "マイナンバーではありませんか？\n"
        "{number} はマイナンバー（個人番号）の形にも当てはまります。店舗は個人番号を記録できません。\n"
        "運転免許証に書かれた免許証番号と同じなら「はい」、違えば「いいえ」で入力に戻ります",
    ),
    "Is this a My Number?\n{number} also has the form of a My Number (Individual Number), "
    "which shops may not record.\n'Yes' if it is the number printed on the licence; "
    "'No' goes back to the field.",
)
REQUIRED = T(QT_TRANSLATE_NOOP("IntakeTexts", "必須"), "required")
OPTIONAL = T(QT_TRANSLATE_NOOP("IntakeTexts", "任意"), "optional")
LEDGER_REQUIRED = T(
    QT_TRANSLATE_NOOP(
        "IntakeTexts",
        "古物台帳に記録する取引です。住所・職業・生年月日・本人確認書類は法律で必須です",
    ),
    "This transaction goes into the dealer's ledger: address, occupation, date of birth "
    "and the identity document are required by law.",
)
LEDGER_EXEMPT = T(
    QT_TRANSLATE_NOOP(
        "IntakeTexts",
        "取引の合計が1万円未満の買取・下取りのため、本人確認と台帳の記録は免除されます"
        "（記録してもかまいません）",
    ),
    "A purchase or trade-in totalling under ¥10,000 is exempt from the identity check and "
    "the ledger (you may still record them).",
)
LEDGER_REPAIR = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "修理受付は古物台帳の対象外です。住所などは任意です"),
    "A repair is not a dealer's-ledger transaction: address and the rest are optional.",
)
LEDGER_UNKNOWN = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "取引の種類と金額を決めると、必須の項目が分かります"),
    "Which fields are required follows from the purpose and the price.",
)

# The vocabulary of the record comes from the core (desktop.domain), declared once.
ID_TYPE_LABELS: dict[IdDocumentType, T] = {
    kind: core(*ID_DOCUMENT_LABELS[kind]) for kind in IdDocumentType
}
ID_NAME = T(QT_TRANSLATE_NOOP("IntakeTexts", "書類の名称"), "Name of the document")
ID_NAME_NOTE = T(QT_TRANSLATE_NOOP("IntakeTexts", "例 学生証"), "e.g. student card")

# -- minors (青少年保護育成条例) ------------------------------------------------------------

ORDINANCE = T(QT_TRANSLATE_NOOP("IntakeTexts", "青少年保護育成条例"), "youth protection ordinance")
ORDINANCE_OF = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "{prefecture}の青少年保護育成条例"),
    "youth protection ordinance of {prefecture}",
)
MINOR_NEEDS_CONSENT = T(
    QT_TRANSLATE_NOOP(
        "IntakeTexts",
        "{age}歳の方です。{limit}歳未満の方からの買取・下取り・委託には、{ordinance}により"
        "保護者の同意が必要です。下の欄に保護者の同意を記録してください",
    ),
    "The seller is {age}. Under {limit}, a purchase, trade-in or consignment needs a "
    "guardian's consent ({ordinance}): record it below.",
)
MINOR_REFUSED = T(
    QT_TRANSLATE_NOOP(
        "IntakeTexts",
        "{age}歳の方です。当店は{limit}歳未満の方から買取・下取り・委託をお受けしていません"
        "（{ordinance}・当店の方針）。この受付は続けられません（修理受付はできます）",
    ),
    "The seller is {age}. This shop does not buy from anyone under {limit} ({ordinance}, "
    "shop policy): this intake cannot go on (a repair can).",
)
GUARDIAN = T(QT_TRANSLATE_NOOP("IntakeTexts", "保護者の同意"), "Guardian's consent")
GUARDIAN_NAME = T(QT_TRANSLATE_NOOP("IntakeTexts", "保護者の氏名"), "Guardian's name")
GUARDIAN_RELATION = T(QT_TRANSLATE_NOOP("IntakeTexts", "続柄"), "Relation")
GUARDIAN_CONTACT = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "連絡先（電話番号など）"), "Contact (telephone …)"
)
GUARDIAN_METHOD = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "同意を確かめた方法"), "How the consent was confirmed"
)
CONSENT_METHOD_LABELS: dict[ConsentMethod, T] = {
    method: core(*DOMAIN_CONSENT_METHOD_LABELS[method]) for method in ConsentMethod
}

# -- device ------------------------------------------------------------------------

OS = T(QT_TRANSLATE_NOOP("IntakeTexts", "OS"), "Operating system")
MAKER = T(QT_TRANSLATE_NOOP("IntakeTexts", "メーカー"), "Maker")
MODEL = T(QT_TRANSLATE_NOOP("IntakeTexts", "機種名"), "Model")
COLOUR = T(QT_TRANSLATE_NOOP("IntakeTexts", "色"), "Colour")
STORAGE = T(QT_TRANSLATE_NOOP("IntakeTexts", "容量（GB）"), "Storage (GB)")
IMEI_1 = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "IMEI（スキャンして Enter）"), "IMEI (scan, then Enter)"
)
IMEI_2 = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "IMEI 2（デュアルSIM）"),
    "Second IMEI (dual SIM)",
)
IMEI_2_NOTE = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "なければ空のまま Enter"), "If there is none, press Enter"
)
SERIAL = T(QT_TRANSLATE_NOOP("IntakeTexts", "製造番号（シリアル）"), "Serial number")
NETWORK = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "ネットワーク利用制限"), "Network restriction (carrier check)"
)
STOLEN = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "不正品の疑い（警察へ届出）"),
    "Suspected stolen: report to the police",
)
STOLEN_NOTE = T(
    QT_TRANSLATE_NOOP(
        "IntakeTexts",
        "盗品などの疑いがあるときにチェックします。記録に残り、警察へ届け出る対象になります（Space）",
    ),
    "Tick when the phone may be stolen or otherwise unlawful: the record keeps the flag "
    "for a police report (Space).",
)
STOLEN_SHORT = T(QT_TRANSLATE_NOOP("IntakeTexts", "不正品の疑い"), "Suspected stolen")
SEEN_BEFORE = T(
    QT_TRANSLATE_NOOP(
        "IntakeTexts", "このIMEIは以前にも受付があります。前回の記録を確かめてください"
    ),
    "This IMEI has been taken in before: check the earlier records",
)
SEEN_ROW = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "{receipt}　{when}\n{outcome}"), "{receipt}  {when}\n{outcome}"
)
VOIDED = T(QT_TRANSLATE_NOOP("IntakeTexts", "取消済み"), "voided")

OS_LABELS: dict[DeviceOs, T] = {system: core(*DOMAIN_OS_LABELS[system]) for system in DeviceOs}
# The carriers' own marks, the same in every language.
NETWORK_MARKS: dict[str, str] = {
    status.value: mark for status, mark in DOMAIN_NETWORK_MARKS.items()
}
NETWORK_LABELS: dict[NetworkRestriction, T] = {
    status: core(*NETWORK_RESTRICTION_LABELS[status]) for status in NetworkRestriction
}

# -- reset checks ----------------------------------------------------------------------

RESET_NOTE = T(
    QT_TRANSLATE_NOOP(
        "IntakeTexts",
        "Space でチェックを入れ、Enter で次の項目へ。初期化しても電子証明書は消えません（次の画面で確認します）",
    ),
    "Space ticks a box, Enter goes to the next. A reset does not remove the certificate "
    "(the next page asks about it).",
)
RESET_LABELS: dict[str, T] = {
    "factory_reset": T(
        QT_TRANSLATE_NOOP("IntakeTexts", "端末を初期化した（工場出荷時の状態に戻した）"),
        "The phone was reset to factory settings",
    ),
    "account_removed": T(
        QT_TRANSLATE_NOOP(
            "IntakeTexts",
            "Googleアカウントを削除した（FRP解除）／iPhoneはアクティベーションロックをオフにした",
        ),
        "Google account removed (FRP off), or Activation Lock turned off on an iPhone",
    ),
    "sim_removed": T(
        QT_TRANSLATE_NOOP("IntakeTexts", "SIMカードを取り出した"), "SIM card taken out"
    ),
    "sd_removed": T(
        QT_TRANSLATE_NOOP("IntakeTexts", "SDカードを取り出した（入っていない場合も含む）"),
        "SD card taken out (or none was fitted)",
    ),
    "felica_cleared": T(
        QT_TRANSLATE_NOOP("IntakeTexts", "おサイフケータイ（FeliCa）のデータを消去した"),
        "Osaifu-Keitai (FeliCa) data cleared",
    ),
}

# -- revocation ----------------------------------------------------------------------------

CERTIFICATE_USED = T(
    QT_TRANSLATE_NOOP(
        "IntakeTexts", "この端末に、マイナンバーカードの電子証明書を入れたことがありますか？"
    ),
    "Did this phone ever hold the My Number Card certificate?",
)
PATH = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "次のうち、どれを行いましたか？"),
    "Which of these did you do?",
)
PATH_SETTLED = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "上の答えで決まります（選ぶ必要はありません）"),
    "Settled by the answer above (nothing to choose)",
)
PERFORMED_BY = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "その手続きをしたのはどなたですか？"),
    "Who carried out the procedure?",
)
PERFORMED_BY_HOTLINE = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "一時停止のあと、失効の手続きをしたのはどなたですか？"),
    "Who revoked the certificate after it was suspended?",
)
STOLEN_HINT = T(
    QT_TRANSLATE_NOOP(
        "IntakeTexts",
        "紛失・盗難で一時停止した端末が持ち込まれた場合は、端末の画面（Alt+←）で"
        "「不正品の疑い」にチェックを入れるか検討し、疑いがあれば直ちに警察に申告してください",
    ),
    "A phone suspended after loss or theft is now at the counter: consider ticking "
    "'suspected stolen' on the device page (Alt+←) and, if in doubt, report it to the police.",
)
SUSPENDED_BY = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "電話（0120-95-0178）で一時停止したのはどなたですか？"),
    "Who phoned the hotline to suspend the certificate?",
)
SUSPENDED_BY_NOTE = T(
    QT_TRANSLATE_NOOP(
        "IntakeTexts",
        "一時停止は家族など名義人以外でもできます。受け付けられるかどうかは、失効の手続きを"
        "した人で決まります",
    ),
    "Anyone may suspend it (family, for instance): only who revoked it decides whether "
    "the intake can be accepted.",
)
HOLDER = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "来店された方は、電子証明書の名義人ご本人ですか？"),
    "Is the person at the counter the certificate holder?",
)
# The clerk's checkbox is the clerk's statement itself, word for word as the customer
# screen and the slip print it (desktop/data/statements/<version>.json).
_CLERK_STATEMENT = statement_catalogue().texts[CLERK_STATEMENT_ID]
CLERK_DID_NOT_ASSIST = T(_CLERK_STATEMENT.ja, _CLERK_STATEMENT.en)
CLERK_CHECK = T(QT_TRANSLATE_NOOP("IntakeTexts", "担当者の確認"), "The clerk's own statement")
STEPS_OF_PATH = T(QT_TRANSLATE_NOOP("IntakeTexts", "選んだ方法の手順"), "Steps of the chosen way")
STEPS_NONE = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "方法を選ぶと、ここに手順が出ます"),
    "Choose a way and its steps appear here",
)
WILL_ACCEPT = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "この回答なら受け付けられます"),
    "With these answers the intake can be accepted",
)
WILL_REFUSE = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "この回答では受け付けられません"),
    "With these answers the intake cannot be accepted",
)

# The answers are the record's own labels (desktop.domain), declared once.
CERTIFICATE_USED_LABELS: dict[CertificateUsed, T] = {
    used: core(*DOMAIN_CERTIFICATE_USED_LABELS[used]) for used in CertificateUsed
}
PERFORMED_BY_LABELS: dict[PerformedBy, T] = {
    who: core(*DOMAIN_PERFORMED_BY_LABELS[who]) for who in PerformedBy
}
YES = T(QT_TRANSLATE_NOOP("IntakeTexts", "はい"), "Yes")
NO = T(QT_TRANSLATE_NOOP("IntakeTexts", "いいえ"), "No")

# Why a refusal happened: the very words of the guidance slip (desktop/data/slip_texts.json),
# so the clerk explains what the customer takes home.
REFUSAL_REASONS: dict[RefusalReason, T] = {
    reason: core(
        slip_texts().refusal_reasons[reason.value].ja, slip_texts().refusal_reasons[reason.value].en
    )
    for reason in RefusalReason
}

# -- customer -------------------------------------------------------------------------------

CUSTOMER_WAITING = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "画面をお客様に向けてください"),
    "Turn the screen to the customer",
)
CUSTOMER_KEYS = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "Alt+← 戻る　Esc 中止"), "Alt+← back, Esc cancel"
)
CUSTOMER_CANCELLED = T(
    QT_TRANSLATE_NOOP(
        "IntakeTexts",
        "お客様が署名を取りやめました。内容を説明し直すか、Alt+← で前に戻ってください",
    ),
    "The customer did not sign. Explain again, or go back with Alt+←.",
)
ALL_CHECKS_DONE = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "すべて確認した"),
    "All checks done",
)
CUSTOMER_SCREEN_MISSING = T(
    QT_TRANSLATE_NOOP(
        "IntakeTexts",
        "お客様用の画面（2台目）が見つからないため、この画面に表示しています",
    ),
    "No second screen for the customer was found: shown on this screen",
)
CUSTOMER_ELSEWHERE = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "お客様用の画面に表示しています"),
    "Shown on the customer's screen",
)
SIGN_AGAIN = T(
    QT_TRANSLATE_NOOP(
        "IntakeTexts", "署名のあとで内容が変わったため、もう一度署名していただきます"
    ),
    "The answers changed after signing: the customer signs again",
)
SIGNED = T(QT_TRANSLATE_NOOP("IntakeTexts", "署名済み（{count}画）"), "signed ({count} strokes)")
NOT_SIGNED = T(QT_TRANSLATE_NOOP("IntakeTexts", "署名なし"), "not signed")
LANGUAGE = T(QT_TRANSLATE_NOOP("IntakeTexts", "確認文の言語"), "Statement language")
# The statement's language on the review, by its Japanese and English names (every
# language the customer can choose: desktop.languages).
LANGUAGE_LABELS = {choice.code: T(choice.ja, choice.en) for choice in CUSTOMER_LANGUAGES}

# -- review and after ------------------------------------------------------------------------

OUTCOME_ACCEPTED = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "受付：確認控えを印刷します"),
    "Accepted: the confirmation slip will be printed",
)
OUTCOME_REFUSED = T(
    QT_TRANSLATE_NOOP(
        "IntakeTexts", "お断り：記録を残し、手続きのご案内（0120-95-0178 など）を印刷します"
    ),
    "Refused: the refusal is recorded and a guidance slip (with 0120-95-0178 …) is printed",
)
PREVIEW_FIRST = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "印刷の前にプレビューを表示する"), "Preview before printing"
)
SIGNATURE = T(QT_TRANSLATE_NOOP("IntakeTexts", "署名"), "Signature")
# Short labels for the review, where the full questions would not fit beside the answers.
BIRTH_DATE_SHORT = T(QT_TRANSLATE_NOOP("IntakeTexts", "生年月日"), "Date of birth")
IMEI_SHORT = T(QT_TRANSLATE_NOOP("IntakeTexts", "IMEI"), "IMEI")
NETWORK_SHORT = T(QT_TRANSLATE_NOOP("IntakeTexts", "利用制限"), "Network restriction")
CERTIFICATE_USED_SHORT = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "電子証明書の利用"), "Certificate on the phone"
)
PATH_SHORT = T(QT_TRANSLATE_NOOP("IntakeTexts", "対応の方法"), "How it was dealt with")
PERFORMED_BY_SHORT = T(QT_TRANSLATE_NOOP("IntakeTexts", "手続きをした人"), "Who did it")
HOLDER_SHORT = T(QT_TRANSLATE_NOOP("IntakeTexts", "名義人ご本人の来店"), "Holder at the counter")
CLERK_SHORT = T(QT_TRANSLATE_NOOP("IntakeTexts", "担当者は関与していない"), "Clerk did not assist")
RESET_SHORT: dict[str, T] = {
    "factory_reset": T(QT_TRANSLATE_NOOP("IntakeTexts", "初期化"), "Factory reset"),
    "account_removed": T(
        QT_TRANSLATE_NOOP("IntakeTexts", "アカウント・ロック解除"), "Account / lock removed"
    ),
    "sim_removed": T(QT_TRANSLATE_NOOP("IntakeTexts", "SIM取り出し"), "SIM taken out"),
    "sd_removed": T(QT_TRANSLATE_NOOP("IntakeTexts", "SD取り出し"), "SD card taken out"),
    "felica_cleared": T(QT_TRANSLATE_NOOP("IntakeTexts", "おサイフケータイ消去"), "FeliCa cleared"),
}
SECTION_TRANSACTION = T(QT_TRANSLATE_NOOP("IntakeTexts", "取引"), "Transaction")
SAME_TRANSACTION = T(QT_TRANSLATE_NOOP("IntakeTexts", "同じ取引"), "Same transaction as")
TRANSACTION_TOTAL_SHORT = T(QT_TRANSLATE_NOOP("IntakeTexts", "取引の合計"), "Transaction total")
SUSPENDED_BY_SHORT = T(QT_TRANSLATE_NOOP("IntakeTexts", "一時停止した人"), "Who suspended")
SECTION_SELLER = T(QT_TRANSLATE_NOOP("IntakeTexts", "売主"), "Seller")
SECTION_DEVICE = T(QT_TRANSLATE_NOOP("IntakeTexts", "端末"), "Device")
SECTION_RESET = T(QT_TRANSLATE_NOOP("IntakeTexts", "初期化など"), "Reset checks")
SECTION_REVOCATION = T(QT_TRANSLATE_NOOP("IntakeTexts", "電子証明書の失効"), "Revocation")
SECTION_CUSTOMER = T(QT_TRANSLATE_NOOP("IntakeTexts", "お客様の確認"), "Customer")
NOT_RECORDED = T(QT_TRANSLATE_NOOP("IntakeTexts", "（記録しません）"), "(not recorded)")
EMPTY = T(QT_TRANSLATE_NOOP("IntakeTexts", "（なし）"), "(none)")
DONE_TICK = T(QT_TRANSLATE_NOOP("IntakeTexts", "済"), "done")
NOT_DONE_TICK = T(QT_TRANSLATE_NOOP("IntakeTexts", "未"), "not done")

DONE_ACCEPTED = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "受付：名義人ご本人による失効の確認を記録しました"),
    "Accepted: the holder's own revocation is on record",
)
DONE_REFUSED = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "お断り：理由とお渡しした案内を記録しました"),
    "Refused: the reason and the guidance given are on record",
)
RECEIPT = T(QT_TRANSLATE_NOOP("IntakeTexts", "受付番号"), "Receipt number")
COMMITTED_ACCEPTED = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "受付を登録しました"), "The intake is committed"
)
COMMITTED_REFUSED = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "お断りを記録しました"), "The refusal is recorded"
)
SLIP_PRINTED = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "控えを印刷しました（{kind}）"),
    "The slip was printed ({kind})",
)
SLIP_IN_PREVIEW = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "プレビューを表示しています。Enter で印刷します"),
    "The preview is open: Enter prints",
)
SLIP_NOT_PRINTED = T(
    QT_TRANSLATE_NOOP(
        "IntakeTexts",
        "プレビューを閉じたので、控えは印刷されていません。記録は登録済みです。Ctrl+P で印刷してください",
    ),
    "The preview was closed without printing. The record is committed: press Ctrl+P to print.",
)
SLIP_FAILED = T(
    QT_TRANSLATE_NOOP(
        "IntakeTexts",
        "記録は登録済みです。プリンターを確かめて Ctrl+P で再印刷してください",
    ),
    "The record is committed: check the printer and press Ctrl+P to reprint.",
)
SLIP_KINDS = {
    "confirmation": T(QT_TRANSLATE_NOOP("IntakeTexts", "失効確認の控え"), "confirmation slip"),
    "guidance": T(QT_TRANSLATE_NOOP("IntakeTexts", "手続きのご案内"), "guidance slip"),
}
REPRINT = T(QT_TRANSLATE_NOOP("IntakeTexts", "再印刷"), "Reprint")
NEW_INTAKE = T(QT_TRANSLATE_NOOP("IntakeTexts", "次の受付"), "Next intake")
ANOTHER_DEVICE = T(
    QT_TRANSLATE_NOOP("IntakeTexts", "同じお客様の別の端末"), "Another phone, same customer"
)
STOLEN_REMINDER = T(
    QT_TRANSLATE_NOOP(
        "IntakeTexts", "不正品の疑いとして記録しました。警察への届出を忘れずに行ってください"
    ),
    "Recorded as suspected stolen: remember to report it to the police.",
)

# -- earlier receipts of the same IMEI ---------------------------------------------------------

OUTCOME_WORDS: dict[str, T] = {outcome.value: core(*OUTCOME_LABELS[outcome]) for outcome in Outcome}
REFUSAL_SHORT: dict[str, T] = {
    reason.value: core(*REFUSAL_REASON_LABELS[reason]) for reason in RefusalReason
}

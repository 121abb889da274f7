"""The intake as a sequence of steps: a state machine in the core, rendered by the GUI.

The GUI's pages only display a step and hand back what the clerk typed; which step
comes next, what each step must get right before the clerk may move on, and when
the flow branches to a refusal all live here, tested without Qt.  So do the rules a
page shows while the clerk types: which seller fields the law requires (on the
transaction's total), whether the guardian's consent is asked for, which ways of
revoking the phone's OS offers, how an answer settles the path, when a question
needs the clerk's confirmation, and when the customer must sign again.

Each step owns a set of fields of the intake document (ARCHITECTURE.md).  Moving
on validates the whole document with the one validator (desktop.rules) and shows
only the problems of the fields the clerk has already been through, so a step is
never blocked by a later one.

What the records say (the shop's rule for minors, the phones already taken in
from the same customer this visit) is read by the caller through
``desktop.transactions.intake_context`` and handed over with :meth:`IntakeFlow.set_context`.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from desktop.attestation import CHECK_FIRST_PATH, NEVER_USED_PATH, Decision, decide
from desktop.catalogue import RevocationCatalogue, RevocationPath
from desktop.domain import (
    NUMBER_FORBIDDEN_DOCUMENTS,
    CertificateUsed,
    DeviceOs,
    IdDocumentType,
    IntakeDraft,
    Outcome,
    Purpose,
    StatementLanguage,
    age_on,
    ledger_required,
)
from desktop.errors import Problem, ValidationFailed
from desktop.identifiers import FULL_WIDTH_DIGITS, is_my_number
from desktop.minors import MinorsPolicy
from desktop.rules import HOTLINE_PATH, NO_CONTEXT, IntakeContext, validate_intake
from desktop.statements import statement_id_for
from desktop.transactions import ALONE, TransactionSoFar


class Step(StrEnum):
    PURPOSE = "purpose"  # 取引の種類と金額
    SELLER = "seller"  # 売主と本人確認
    DEVICE = "device"  # 端末（IMEI）
    RESET = "reset"  # 初期化などの確認
    REVOCATION = "revocation"  # 失効についての質問
    CUSTOMER = "customer"  # お客様の確認と署名
    REVIEW = "review"  # 確認して登録


STEP_ORDER = tuple(Step)

# The document fields each step is answerable for (a problem's field starts with one).
STEP_FIELDS: dict[Step, tuple[str, ...]] = {
    Step.PURPOSE: ("purpose", "price_yen", "clerk", "transaction_with", "(document)"),
    Step.SELLER: ("seller", "guardian_consent"),
    Step.DEVICE: ("device", "suspected_stolen"),
    Step.RESET: ("reset_checks",),
    Step.REVOCATION: ("revocation", "clerk_did_not_assist"),
    Step.CUSTOMER: ("statement", "signature"),
    Step.REVIEW: (),
}

STEP_TITLES: dict[Step, tuple[str, str]] = {
    Step.PURPOSE: ("取引の種類と金額", "Purpose and price"),
    Step.SELLER: ("売主と本人確認", "Seller and identity check"),
    Step.DEVICE: ("端末", "Device"),
    Step.RESET: ("初期化などの確認", "Reset checks"),
    Step.REVOCATION: ("電子証明書の失効", "Certificate revocation"),
    Step.CUSTOMER: ("お客様の確認と署名", "Customer's statement and signature"),
    Step.REVIEW: ("確認して登録", "Review and commit"),
}

# A price of ¥0 is normal for a repair with no charge, and a slip of the finger for
# anything the shop pays for: those ask the clerk first.
ZERO_PRICE_ASKED_FOR = frozenset({Purpose.PURCHASE, Purpose.TRADE_IN})
# The paths the answer to "did it ever hold the certificate?" settles by itself.
SETTLED_PATHS: dict[CertificateUsed, str] = {
    CertificateUsed.NO: NEVER_USED_PATH,
    CertificateUsed.UNKNOWN: CHECK_FIRST_PATH,
}
# The document keys the customer's signature covers: everything but the signature and
# the language it was given in (chosen on the customer's screen as they sign).
_UNSIGNED_KEYS = frozenset({"signature", "statement"})
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _belongs(problem: Problem, step: Step) -> bool:
    return any(
        problem.field == name or problem.field.startswith((f"{name}.", f"{name}["))
        for name in STEP_FIELDS[step]
    )


def settled_path(certificate_used: object) -> str | None:
    """The path an answer to "did the phone ever hold it?" settles, or None (to choose)."""
    try:
        return SETTLED_PATHS.get(CertificateUsed(str(certificate_used)))
    except ValueError:
        return None


def number_allowed(document_type: object) -> bool:
    """Whether the shop may record the number of this identity document.

    Never for the My Number Card (番号法) nor the health-insurance documents
    (健康保険法 告知要求制限): the type alone is recorded.
    """
    try:
        return IdDocumentType(str(document_type)) not in NUMBER_FORBIDDEN_DOCUMENTS
    except ValueError:
        return True


def document_name_needed(document_type: object) -> bool:
    """「その他」 names its document (e.g. 学生証): the ledger prints it."""
    return document_type == IdDocumentType.OTHER


def licence_digits(raw: object) -> str:
    """A licence number as the validator stores it: ASCII digits, separators dropped."""
    if not isinstance(raw, str):
        return ""
    return "".join(ch for ch in raw.translate(FULL_WIDTH_DIGITS) if ch not in " -\u3000")


class LedgerRule(StrEnum):
    """What the law asks of the seller's details for this transaction."""

    UNKNOWN = "unknown"  # purpose or price not given yet
    REQUIRED = "required"  # 古物台帳: address, occupation, date of birth and ID are mandatory
    EXEMPT = "exempt"  # purchase / trade-in whose transaction totals under ¥10,000
    NOT_LEDGER = "not_ledger"  # a repair is no 古物 transaction


class GuardianRule(StrEnum):
    """The shop's rule for a seller under its age limit (青少年保護育成条例), as it applies."""

    NONE = "none"  # not a minor, a repair, or no date of birth yet
    CONSENT = "consent"  # a minor: the guardian's consent must be recorded
    REFUSED = "refused"  # a minor, and the shop does not buy from minors at all


class Confirm(StrEnum):
    """Answers the validator accepts but a clerk confirms before moving on (GUI only)."""

    ZERO_PRICE = "zero_price"  # a purchase or trade-in for ¥0
    # A licence number is 12 digits, and about one in ten passes the My Number check
    # digit: it is accepted, but the clerk is asked whether a My Number was typed.
    LICENCE_MY_NUMBER = "licence_my_number"


@dataclass(frozen=True)
class Confirmation:
    """A question the clerk answers before the step moves on.

    ``field`` is where the clerk goes back to on "No"; ``value`` is what was
    confirmed (a changed value asks again).
    """

    kind: Confirm
    field: str
    value: str


@dataclass(frozen=True)
class StepResult:
    """What happened when the clerk tried to move on.

    Not moved with no problems and a ``confirm``: the clerk answers it first
    (:meth:`IntakeFlow.confirm`), then tries again.
    """

    moved: bool
    problems: tuple[Problem, ...]
    confirm: Confirmation | None = None


@dataclass(frozen=True)
class SellerRules:
    """What the seller page shows as required, as the document stands.

    ``required`` maps document fields to True (required), False (optional) or None
    (not known yet: purpose and price come first).
    """

    ledger: LedgerRule
    required: dict[str, bool | None] = field(default_factory=dict)
    guardian: GuardianRule = GuardianRule.NONE
    age: int | None = None


SELLER_FIELDS = (
    "seller.name",
    "seller.kana",
    "seller.address",
    "seller.occupation",
    "seller.birth_date",
    "seller.id_document",
    "seller.id_document.number",
    "seller.id_document.name",
    "guardian_consent",
)
_LEDGER_FIELDS = frozenset(
    {"seller.address", "seller.occupation", "seller.birth_date", "seller.id_document"}
)


class IntakeFlow:
    """One intake being taken at the counter, from the first step to the review.

    The document is the same JSON document the command line takes, so committing
    goes through the same validator; the flow adds the order of the steps, the
    per-step checks, the confirmations, and the refusal branch (a refused intake
    skips the customer's signature: there is nothing for them to sign, only
    guidance to take home).

    ``document`` holds what the clerk typed, as typed; what is validated and
    committed is that document with the flow's rules applied (:meth:`effective`):
    the path an answer settles, no guardian section for an adult, no "who
    suspended" off the hotline path.
    """

    def __init__(
        self,
        *,
        clerk: str,
        catalogue: RevocationCatalogue,
        today: date,
        context: IntakeContext = NO_CONTEXT,
        transaction: TransactionSoFar = ALONE,
    ) -> None:
        self.catalogue = catalogue
        self.today = today
        self.context = context
        self.transaction = transaction
        self.step = Step.PURPOSE
        self.document: dict[str, Any] = {
            "clerk": clerk,
            "statement": {"language": "ja"},
            "suspected_stolen": False,
        }
        self._confirmed: set[tuple[Confirm, str]] = set()
        self._signed_over: str | None = None  # fingerprint of what the signature covers
        self._signature_dropped = False

    def set_context(self, context: IntakeContext, transaction: TransactionSoFar = ALONE) -> None:
        """What the records say now: the shop's minors rule, the transaction so far."""
        self.context = context
        self.transaction = transaction

    # -- what the pages read -------------------------------------------------

    def steps(self) -> tuple[Step, ...]:
        """The steps this intake goes through, as it stands (refusals skip the customer)."""
        if self.is_refusal():
            return tuple(s for s in STEP_ORDER if s is not Step.CUSTOMER)
        return STEP_ORDER

    def position(self) -> tuple[int, int]:
        """``(n, of)``: this step's number and the number of steps, for a progress line."""
        steps = self.steps()
        return steps.index(self.step) + 1, len(steps)

    def section(self, key: str) -> dict[str, Any]:
        """A copy of one section of the document, for a page to fill its widgets."""
        value = self.document.get(key)
        return copy.deepcopy(value) if isinstance(value, dict) else {}

    def decision(self) -> Decision | None:
        """The outcome the revocation answers lead to, once they can be judged."""
        try:
            draft = self._validated(through=Step.REVOCATION)
        except ValidationFailed:
            return None
        return decide(
            draft.revocation,
            clerk_did_not_assist=draft.clerk_did_not_assist,
            catalogue=self.catalogue,
        )

    def is_refusal(self) -> bool:
        decision = self.decision()
        return decision is not None and decision.outcome is Outcome.REFUSED

    def path_steps(self, path_id: str) -> RevocationPath | None:
        """The catalogue's steps for a path, shown beside the revocation question."""
        return self.catalogue.get(path_id)

    # -- purpose, price and the transaction ---------------------------------------

    def statement_id(self) -> str | None:
        """The statement the customer will sign, once the answers can be judged."""
        decision = self.decision()
        if decision is None:
            return None
        return statement_id_for(decision.guidance_path, self.purpose() or Purpose.PURCHASE)

    def purpose(self) -> Purpose | None:
        try:
            return Purpose(str(self.document.get("purpose")))
        except ValueError:
            return None

    def price(self) -> int | None:
        price = self.document.get("price_yen")
        if isinstance(price, int) and not isinstance(price, bool) and price >= 0:
            return price
        return None

    def transaction_with(self) -> str:
        """The first receipt of the visit this phone joins ("" when it stands alone)."""
        value = self.document.get("transaction_with")
        return value if isinstance(value, str) else ""

    def transaction_total(self) -> int | None:
        """This phone's price plus the phones already taken in this visit (None: no price)."""
        price = self.price()
        return None if price is None else price + self.context.transaction_before_yen

    def ledger_rule(self) -> LedgerRule:
        """Whether the 古物台帳 fields are required: judged on the transaction's total."""
        purpose, total = self.purpose(), self.transaction_total()
        if purpose is None or total is None:
            return LedgerRule.UNKNOWN
        if ledger_required(purpose, total):
            return LedgerRule.REQUIRED
        if purpose is Purpose.REPAIR:
            return LedgerRule.NOT_LEDGER
        return LedgerRule.EXEMPT

    def zero_price_needs_confirmation(self) -> bool:
        return self.purpose() in ZERO_PRICE_ASKED_FOR and self.price() == 0

    # -- seller -----------------------------------------------------------------------

    @property
    def minors(self) -> MinorsPolicy:
        return self.context.minors

    def seller_age(self) -> int | None:
        """The seller's age on the shop's business day, from a well-formed date of birth."""
        born = self.section("seller").get("birth_date")
        if not isinstance(born, str) or not _ISO_DATE.fullmatch(born):
            return None
        try:
            day = date.fromisoformat(born)
        except ValueError:
            return None
        return age_on(day, self.today) if day <= self.today else None

    def guardian_rule(self) -> GuardianRule:
        """Whether a guardian's consent is asked for, or the sale refused (desktop.minors)."""
        purpose, age = self.purpose(), self.seller_age()
        if purpose is None or age is None or not self.minors.applies(purpose, age):
            return GuardianRule.NONE
        return GuardianRule.CONSENT if self.minors.consent_accepted else GuardianRule.REFUSED

    def document_type(self) -> str | None:
        document = self.section("seller").get("id_document")
        kind = document.get("type") if isinstance(document, dict) else None
        return kind if isinstance(kind, str) and kind else None

    def seller_rules(self) -> SellerRules:
        """Which seller fields are required, and what the guardian section does."""
        ledger = self.ledger_rule()
        needed = None if ledger is LedgerRule.UNKNOWN else ledger is LedgerRule.REQUIRED
        kind = self.document_type()
        guardian = self.guardian_rule()
        required: dict[str, bool | None] = {}
        for name in SELLER_FIELDS:
            if name == "seller.name":
                required[name] = True
            elif name in _LEDGER_FIELDS:
                required[name] = needed
            elif name == "seller.id_document.name":
                required[name] = document_name_needed(kind)
            elif name == "guardian_consent":
                required[name] = guardian is GuardianRule.CONSENT
            else:
                required[name] = None if needed is None else False
        return SellerRules(ledger, required, guardian, self.seller_age())

    def licence_may_be_my_number(self) -> bool:
        """A licence number whose 12 digits pass the My Number check digit (DOMAIN.md §4)."""
        if self.document_type() != IdDocumentType.DRIVERS_LICENSE:
            return False
        document = self.section("seller").get("id_document") or {}
        return is_my_number(licence_digits(document.get("number")))

    # -- revocation ----------------------------------------------------------------------

    def device_os(self) -> str | None:
        os = self.section("device").get("os")
        return os if isinstance(os, str) and os else None

    def path_choices(self) -> tuple[RevocationPath, ...]:
        """The ways of dealing with the certificate that the phone's OS offers (catalogue).

        The paths an answer settles by itself (never used, don't know) are not
        choices; before the OS is known, every path is offered.
        """
        os = self.device_os()
        offered = [
            path
            for path in self.catalogue.paths.values()
            if path.id not in SETTLED_PATHS.values() and (os is None or os in path.os)
        ]
        # The OS's own way first (the Mynaportal app on Android, Wallet on iPhone), then
        # the ways every OS shares: the same number key (1) is the usual answer on both.
        every_os = {os.value for os in DeviceOs}
        return tuple(sorted(offered, key=lambda path: every_os <= path.os))

    def settled_path(self) -> str | None:
        """The path the answer to "did it ever hold one?" settles (None: the clerk chooses)."""
        return settled_path(self.section("revocation").get("certificate_used"))

    def shown_path(self) -> str | None:
        """The path whose steps the page shows: the settled one, else the one chosen."""
        settled = self.settled_path()
        if settled is not None:
            return settled
        path = self.section("revocation").get("path")
        return path if isinstance(path, str) and path else None

    def suggests_stolen_flag(self) -> bool:
        """The hotline path is for a phone lost, stolen or out of the holder's hands: one that
        is now at the counter deserves the 不正品 question (古物営業法 §15③), unless it is
        already flagged."""
        return self.asks_suspended_by() and not self.document.get("suspected_stolen")

    def asks_suspended_by(self) -> bool:
        """On the hotline path: who phoned to suspend (一時停止) is asked, apart from who revoked.

        Anyone may suspend (family in Japan for a holder abroad); only the
        revocation must be the holder's own, so only ``performed_by`` decides a refusal.
        """
        return self.settled_path() is None and self.shown_path() == HOTLINE_PATH

    # -- signature -------------------------------------------------------------------------

    def signature_dropped(self) -> bool:
        """Whether a signature was taken off because the answers changed after it was given."""
        return self._signature_dropped

    # -- what the pages write ------------------------------------------------

    def update(self, values: dict[str, Any]) -> None:
        """Merge what a page collected into the document (top-level keys replace).

        A signature covers the answers it was given under: if any of them changes
        afterwards, the signature is dropped and the customer signs again.
        """
        for key, value in values.items():
            self.document[key] = copy.deepcopy(value)
        signature = self.document.get("signature")
        if "signature" in values:
            self._signed_over = self._fingerprint() if signature else None
            self._signature_dropped = False
        elif signature and self._fingerprint() != self._signed_over:
            self.document["signature"] = None
            self._signed_over = None
            self._signature_dropped = True

    def problems(self, step: Step | None = None) -> tuple[Problem, ...]:
        """The problems of ``step`` (default: the current one) as the document stands."""
        step = step or self.step
        found: list[Problem] = []
        try:
            validate_intake(
                self._probe_document(),
                today=self.today,
                catalogue=self.catalogue,
                context=self.context,
            )
        except ValidationFailed as failed:
            found = [p for p in failed.problems if _belongs(p, step)]
        return (*found, *self._step_problems(step))

    def pending_confirmation(self) -> Confirmation | None:
        """The first question of the current step the clerk has not confirmed yet."""
        for confirmation in self._confirmations(self.step):
            if (confirmation.kind, confirmation.value) not in self._confirmed:
                return confirmation
        return None

    def confirm(self, confirmation: Confirmation) -> None:
        """The clerk answered Yes: the same value is not asked about again."""
        self._confirmed.add((confirmation.kind, confirmation.value))

    def next(self) -> StepResult:
        """Move on if the current step is right; otherwise stay and say what is wrong."""
        problems = self.problems()
        if problems:
            return StepResult(False, problems)
        pending = self.pending_confirmation()
        if pending is not None:
            return StepResult(False, (), pending)
        steps = self.steps()
        index = steps.index(self.step)
        if index + 1 < len(steps):
            self.step = steps[index + 1]
        return StepResult(True, ())

    def back(self) -> None:
        steps = self.steps()
        index = steps.index(self.step) if self.step in steps else len(steps) - 1
        self.step = steps[max(0, index - 1)]

    def go_to(self, step: Step) -> None:
        """Jump back to an earlier step (from the review); never forward past a check."""
        steps = self.steps()
        if step in steps and steps.index(step) <= steps.index(self.step):
            self.step = step

    def draft(self) -> IntakeDraft:
        """The whole document, validated: what commit_intake takes.  Raises ValidationFailed."""
        return validate_intake(
            self.effective(), today=self.today, catalogue=self.catalogue, context=self.context
        )

    def another_device(self, receipt: str) -> IntakeFlow:
        """The next phone of the same customer, after ``receipt`` was accepted.

        One visit is one transaction (the ¥10,000 exemption is judged on its total):
        the new intake names the transaction's first receipt, and starts with the
        same purpose and seller (and guardian); the phone, its answers, its price
        and the signature are its own.  Refresh the context before showing it.
        """
        first = self.transaction.first_receipt or self.transaction_with() or receipt
        flow = IntakeFlow(
            clerk=str(self.document.get("clerk", "")),
            catalogue=self.catalogue,
            today=self.today,
            context=self.context,
        )
        carried: dict[str, Any] = {"transaction_with": first}
        for key in ("purpose", "seller", "guardian_consent"):
            if self.document.get(key) is not None:
                carried[key] = self.document[key]
        language = self.section("statement").get("language")
        # The customer reads the next phone's statement in the language they chose.
        known = {member.value for member in StatementLanguage}
        carried["statement"] = {"language": language if language in known else "ja"}
        flow.update(carried)
        # The seller's licence number was confirmed already: the same one is not asked again.
        flow._confirmed = {c for c in self._confirmed if c[0] is Confirm.LICENCE_MY_NUMBER}
        return flow

    def effective(self) -> dict[str, Any]:
        """The document with the flow's rules applied: what is validated and committed.

        - "never" and "don't know" settle the path (never_used, check_first);
        - who suspended is recorded on the hotline path only;
        - a document name for 「その他」 only;
        - the guardian section only for a minor the shop may buy from.
        """
        doc = copy.deepcopy(self.document)
        revocation = doc.get("revocation")
        if isinstance(revocation, dict):
            settled = settled_path(revocation.get("certificate_used"))
            if settled is not None:
                revocation["path"] = settled
            if not self.asks_suspended_by():
                revocation.pop("suspended_by", None)
        seller = doc.get("seller")
        document = seller.get("id_document") if isinstance(seller, dict) else None
        if isinstance(document, dict) and not document_name_needed(document.get("type")):
            document.pop("name", None)
        if self.guardian_rule() is not GuardianRule.CONSENT:
            doc.pop("guardian_consent", None)
        for key in ("transaction_with", "guardian_consent"):
            if doc.get(key) in (None, ""):
                doc.pop(key, None)
        return doc

    # -- internals -------------------------------------------------------------

    def _step_problems(self, step: Step) -> list[Problem]:
        """The GUI's own checks, beyond the validator's (which also serves the command line)."""
        answered = self.section("revocation").get("suspended_by")
        if step is Step.REVOCATION and self.asks_suspended_by() and not answered:
            return [
                Problem(
                    "revocation.suspended_by",
                    "電話で一時停止したのはどなたか選んでください",
                    "choose who phoned the hotline to suspend the certificate",
                )
            ]
        return []

    def _confirmations(self, step: Step) -> list[Confirmation]:
        if step is Step.PURPOSE and self.zero_price_needs_confirmation():
            return [Confirmation(Confirm.ZERO_PRICE, "price_yen", str(self.purpose()))]
        if step is Step.SELLER and self.licence_may_be_my_number():
            number = (self.section("seller").get("id_document") or {}).get("number")
            return [
                Confirmation(
                    Confirm.LICENCE_MY_NUMBER,
                    "seller.id_document.number",
                    licence_digits(number),
                )
            ]
        return []

    def _fingerprint(self) -> str:
        covered = {k: v for k, v in self.effective().items() if k not in _UNSIGNED_KEYS}
        return json.dumps(covered, sort_keys=True, ensure_ascii=False, default=str)

    def _probe_document(self) -> dict[str, Any]:
        """The document with harmless stand-ins for sections not reached yet.

        The validator wants a whole document; a section the clerk has not reached
        is filled with a placeholder whose problems are filtered out by step.
        """
        probe = self.effective()
        for key in ("seller", "device", "revocation"):
            probe.setdefault(key, {})
        probe.setdefault("clerk_did_not_assist", False)
        return probe

    def _validated(self, *, through: Step) -> IntakeDraft:
        """Validate, ignoring problems of steps after ``through``; raise if any remain."""
        relevant = STEP_ORDER[: STEP_ORDER.index(through) + 1]
        document = self.effective()
        try:
            return validate_intake(
                document, today=self.today, catalogue=self.catalogue, context=self.context
            )
        except ValidationFailed as failed:
            blocking = [p for p in failed.problems if any(_belongs(p, s) for s in relevant)]
            if blocking:
                raise ValidationFailed(blocking) from None
            # Only later steps are incomplete: judge on a copy with a placeholder signature.
            probe = copy.deepcopy(document)
            probe["signature"] = {"strokes": [[[0, 0, 0], [1, 1, 1]]]}
            probe.setdefault("statement", {"language": "ja"})
            return validate_intake(
                probe, today=self.today, catalogue=self.catalogue, context=self.context
            )

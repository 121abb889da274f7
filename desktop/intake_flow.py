"""The intake as a sequence of steps: a state machine in the core, rendered by the GUI.

The GUI's pages only display a step and hand back what the clerk typed; which step
comes next, what each step must get right before the clerk may move on, and when
the flow branches to a refusal all live here, tested without Qt.

Each step owns a set of fields of the intake document (ARCHITECTURE.md).  Moving
on validates the whole document with the one validator (desktop.rules) and shows
only the problems of the fields the clerk has already been through, so a step is
never blocked by a later one.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from desktop.attestation import Decision, decide
from desktop.catalogue import RevocationCatalogue, RevocationPath
from desktop.domain import IntakeDraft, Outcome
from desktop.errors import Problem, ValidationFailed
from desktop.rules import validate_intake


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
    Step.PURPOSE: ("purpose", "price_yen", "clerk", "(document)"),
    Step.SELLER: ("seller",),
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


def _belongs(problem: Problem, step: Step) -> bool:
    return any(
        problem.field == name or problem.field.startswith((f"{name}.", f"{name}["))
        for name in STEP_FIELDS[step]
    )


@dataclass(frozen=True)
class StepResult:
    """What happened when the clerk tried to move on."""

    moved: bool
    problems: tuple[Problem, ...]


class IntakeFlow:
    """One intake being taken at the counter, from the first step to the review.

    The document is the same JSON document the command line takes, so committing
    goes through the same validator; the flow adds the order of the steps, the
    per-step checks, and the refusal branch (a refused intake skips the customer's
    signature: there is nothing for them to sign, only guidance to take home).
    """

    def __init__(self, *, clerk: str, catalogue: RevocationCatalogue, today: date) -> None:
        self.catalogue = catalogue
        self.today = today
        self.step = Step.PURPOSE
        self.document: dict[str, Any] = {
            "clerk": clerk,
            "statement": {"language": "ja"},
            "suspected_stolen": False,
        }

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

    # -- what the pages write ------------------------------------------------

    def update(self, values: dict[str, Any]) -> None:
        """Merge what a page collected into the document (top-level keys replace)."""
        for key, value in values.items():
            self.document[key] = copy.deepcopy(value)

    def problems(self, step: Step | None = None) -> tuple[Problem, ...]:
        """The problems of ``step`` (default: the current one) as the document stands."""
        step = step or self.step
        try:
            validate_intake(self._probe_document(), today=self.today, catalogue=self.catalogue)
        except ValidationFailed as failed:
            return tuple(p for p in failed.problems if _belongs(p, step))
        return ()

    def next(self) -> StepResult:
        """Move on if the current step is right; otherwise stay and say what is wrong."""
        problems = self.problems()
        if problems:
            return StepResult(False, problems)
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
        return validate_intake(self.document, today=self.today, catalogue=self.catalogue)

    # -- internals -------------------------------------------------------------

    def _probe_document(self) -> dict[str, Any]:
        """The document with harmless stand-ins for sections not reached yet.

        The validator wants a whole document; a section the clerk has not reached
        is filled with a placeholder whose problems are filtered out by step.
        """
        probe = copy.deepcopy(self.document)
        for key in ("seller", "device", "revocation"):
            probe.setdefault(key, {})
        probe.setdefault("clerk_did_not_assist", False)
        return probe

    def _validated(self, *, through: Step) -> IntakeDraft:
        """Validate, ignoring problems of steps after ``through``; raise if any remain."""
        relevant = STEP_ORDER[: STEP_ORDER.index(through) + 1]
        try:
            return validate_intake(self.document, today=self.today, catalogue=self.catalogue)
        except ValidationFailed as failed:
            blocking = [p for p in failed.problems if any(_belongs(p, s) for s in relevant)]
            if blocking:
                raise ValidationFailed(blocking) from None
            # Only later steps are incomplete: judge on a copy with a placeholder signature.
            probe = copy.deepcopy(self.document)
            probe["signature"] = {"strokes": [[[0, 0, 0], [1, 1, 1]]]}
            probe.setdefault("statement", {"language": "ja"})
            return validate_intake(probe, today=self.today, catalogue=self.catalogue)

"""The attestation policy: may the shop take this customer's attestation?

The law obliges the certificate *holder* to revoke it personally (DOMAIN.md §1–2).
A refusal is not an error: it is committed and printed as a guidance slip, so the
shop can show that it told the customer what to do.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.catalogue import RevocationCatalogue
from desktop.domain import CertificateUsed, Outcome, PerformedBy, RefusalReason, Revocation

# The path whose steps a refused customer is given when they do not know whether
# the phone held a certificate at all.
CHECK_FIRST_PATH = "check_first"
NEVER_USED_PATH = "never_used"


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reason: RefusalReason | None
    # The catalogue path whose steps the slip prints (for a refusal: the guidance).
    guidance_path: str

    @property
    def label(self) -> str:
        """``accepted`` or ``refused:<reason>``, as the command line prints it."""
        if self.reason is None:
            return self.outcome.value
        return f"{self.outcome.value}:{self.reason.value}"


def decide(
    revocation: Revocation, *, clerk_did_not_assist: bool, catalogue: RevocationCatalogue
) -> Decision:
    """Apply the policy.  The most serious reason wins when several apply.

    Order: someone else did it (the heart of the law) → the holder is not here →
    the clerk helped → the holder does not know → nothing done yet.
    """
    path = revocation.path  # a refused customer is shown the steps of the path they named
    if revocation.performed_by is not PerformedBy.SELF:
        return Decision(Outcome.REFUSED, RefusalReason.PERFORMED_BY_OTHER, path)
    if not revocation.holder_is_seller:
        return Decision(Outcome.REFUSED, RefusalReason.HOLDER_NOT_PRESENT, path)
    if not clerk_did_not_assist:
        return Decision(Outcome.REFUSED, RefusalReason.CLERK_ASSISTED, path)
    if revocation.certificate_used is CertificateUsed.UNKNOWN:
        return Decision(Outcome.REFUSED, RefusalReason.CERTIFICATE_UNKNOWN, CHECK_FIRST_PATH)
    entry = catalogue.get(path)
    if entry is None or not entry.attestable:
        return Decision(Outcome.REFUSED, RefusalReason.NOT_DONE, path)
    return Decision(Outcome.ACCEPTED, None, path)

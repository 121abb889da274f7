"""Which statement a customer signs: a pure choice from the path and the purpose.

The texts live in ``desktop/data/statements/<version>.json`` (see
:func:`desktop.catalogue.statement_catalogue`); this module only picks the id.

* The fact attested follows the path: revoked it myself (``customer_revoked``);
  revoked it by uninstalling or reinstalling the app while the phone was online
  (``customer_revoked_online``); revoked it after a suspension by phone, which anyone
  may have made (``customer_suspended``); put it on the new phone, which revoked this
  one (``customer_model_changed``); never had it on this phone (``customer_never_used``).
* The truthfulness and ownership line follows the purpose: a sale, trade-in or
  consignment attests the 古物台帳 details and that the phone is the seller's to sell; a
  repair (``…_repair``) only that the details are true and the phone is theirs.
"""

from __future__ import annotations

from desktop.domain import Purpose

CLERK_STATEMENT_ID = "clerk_no_assist"

# The path's fact; a path not listed here was revoked by the holder in person.
_FACT_BY_PATH = {
    "never_used": "customer_never_used",
    "app_uninstalled": "customer_revoked_online",
    "reinstalled_after_reset": "customer_revoked_online",
    "hotline_suspended": "customer_suspended",
    "model_changed": "customer_model_changed",
}
_DEFAULT_FACT = "customer_revoked"
REPAIR_SUFFIX = "_repair"

CUSTOMER_STATEMENT_IDS = tuple(
    fact + suffix
    for suffix in ("", REPAIR_SUFFIX)
    for fact in (_DEFAULT_FACT, *dict.fromkeys(_FACT_BY_PATH.values()))
)


def statement_id_for(path_id: str, purpose: Purpose | str) -> str:
    """The id of the customer statement for a record on ``path_id`` for ``purpose``.

    Total: an unknown path gets ``customer_revoked`` (a refused intake records the
    statement it would have been shown too), an unknown purpose the sale wording.
    """
    fact = _FACT_BY_PATH.get(path_id, _DEFAULT_FACT)
    return fact + REPAIR_SUFFIX if purpose == Purpose.REPAIR else fact

"""Who printed or exported what: every copy of the records that leaves the ledger is an entry.

DOMAIN.md §5 asks for an audit trail of who saw, printed, exported or voided what.
Voids, slips and reprints, day closes and restores are entries of their own; the
copies below are ``export`` entries naming the clerk, what was written and its
SHA-256 — never the data itself, and never a search text (it may be a customer's
name): the count of rows stands for it.

The entry is appended after the copy was made, in its own transaction, so an
export that failed to write leaves no trace claiming it happened.
"""

from __future__ import annotations

import getpass
import hashlib
from datetime import datetime

from sqlalchemy.orm import Session

from desktop import ledger
from desktop.keys import StationSigner


class Copy:
    """The kinds of copy, as the ``what`` of an export entry (stored forever)."""

    LEDGER_PDF = "ledger_book_pdf"  # 古物台帳, printed or saved
    LEDGER_CSV = "ledger_book_csv"
    HISTORY_CSV = "history_search_csv"
    BACKUP = "backup"
    HEAD_OFFICE = "head_office_export"  # every station's intakes of a period (desktop.headoffice)


def command_line_user() -> str:
    """Who ran a command-line export: the clerk the command names, else the OS account."""
    try:
        return f"os:{getpass.getuser()}"
    except (KeyError, OSError):  # no name for this uid (a container)
        return "os:?"


def record_copy(
    session: Session,
    signer: StationSigner,
    *,
    what: str,
    by: str,
    data: bytes | None,
    now: datetime,
    **details: str | int,
) -> ledger.ChainHead:
    """Append one ``export`` entry for a copy just written (caller's transaction)."""
    fields: dict[str, object] = {"what": what, "by": by, **details}
    if data is not None:
        fields["sha256"] = hashlib.sha256(data).hexdigest()
        fields["bytes"] = len(data)
    return ledger.append(session, signer, ledger.EntryKind.EXPORT, fields, now=now, subject=what)

"""Who may resume a half-done intake: the counter's one draft and the clerk it belongs to.

A draft holds a customer's personal data.  It outlives the lock screen so that the
clerk who locked (or was locked by the idle timer) comes back to it, and it is never
shown to another clerk: another clerk who signs in is told it exists, and may discard
it only when starting an intake of their own (after a question).  These rules lived in
the main window, the wizard and the counter state; they are here once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class DraftOwnership:
    """The counter's open intake (``flow``, any object: an IntakeFlow in the GUI) and its
    owner's clerk code.  Empty when ``flow`` is None."""

    flow: object | None = None
    owner: str = ""

    def keep(self, flow: object, clerk: str) -> None:
        """``flow`` is now ``clerk``'s open intake (a new one, or the next of a visit)."""
        if not clerk:
            raise ValueError("a draft belongs to a clerk")
        self.flow, self.owner = flow, clerk

    def discard(self) -> None:
        """Committed, cancelled or thrown away: nothing is open any more."""
        self.flow, self.owner = None, ""

    def is_open(self) -> bool:
        return self.flow is not None

    def resumable_by(self, clerk: str) -> object | None:
        """The draft if ``clerk`` may carry on with it, else None."""
        return self.flow if self.flow is not None and self.owner == clerk else None

    def held_for_another(self, clerk: str) -> str:
        """The owner's code when a draft is open for someone other than ``clerk``, else ''.

        What the main window tells a clerk who signs in (and asks before a discard).
        """
        return self.owner if self.flow is not None and self.owner != clerk else ""

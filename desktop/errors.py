"""Errors a person at the counter can act on, in Japanese with English."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One failed rule: which field, and what is wrong in words a clerk understands."""

    field: str
    ja: str
    en: str

    def line(self) -> str:
        return f"{self.field}: {self.ja} / {self.en}"


class UserError(Exception):
    """Something the user can fix; shown as one line, never as a traceback."""

    def __init__(self, ja: str, en: str) -> None:
        super().__init__(f"{ja} / {en}")
        self.ja = ja
        self.en = en

    def line(self) -> str:
        return f"{self.ja} / {self.en}"


class ValidationFailed(UserError):
    """A document broke one or more field rules; nothing was stored."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            f"入力に{len(problems)}件の誤りがあります",
            f"{len(problems)} field(s) need correcting",
        )
        self.problems = problems

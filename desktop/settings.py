"""This counter's own settings, each declared once with its key, type, default and meaning.

Shop-wide details (name, licence, address) live in the database and are changed
through the ledger; what belongs to one PC — its printers, its idle lock, the
language, window sizes — lives in ``settings-<STATION>.json`` beside the key folder.
A corrupt or unreadable file falls back to the defaults (and says so in the log)
rather than stopping the counter, and so does a single bad value: every setting
declares what it allows (a type, a range, a list of choices), and a value outside
that — ``"a5"`` for the slip format, a string where a number belongs — reads as the
setting's default, with one warning in the log.  No screen ever sees a value its
setting does not allow.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T", str, int, bool)


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One setting: its key in the file, its default, what it allows and what it is for."""

    key: str
    default: T
    description: str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[T, ...] = ()  # when given, the only values allowed

    def __post_init__(self) -> None:
        if self.choices and self.default not in self.choices:
            raise ValueError(f"{self.key}: the default {self.default!r} is not a choice")

    def allows(self, raw: object) -> bool:
        """Whether ``raw`` is a value of this setting (type, range and choices)."""
        expected = type(self.default)
        if not isinstance(raw, expected) or (expected is not bool and isinstance(raw, bool)):
            return False
        if isinstance(raw, int) and not isinstance(raw, bool):
            if self.minimum is not None and raw < self.minimum:
                return False
            if self.maximum is not None and raw > self.maximum:
                return False
        return not self.choices or raw in self.choices

    def coerce(self, raw: object) -> T:
        """The stored value if this setting allows it, else the default."""
        return raw if self.allows(raw) else self.default  # type: ignore[return-value]


LANGUAGE = Setting("language", "ja", "UI language: ja or en", choices=("ja", "en"))
IDLE_LOCK_MINUTES = Setting(
    "idle_lock_minutes", 3, "lock the counter after this many idle minutes", minimum=1, maximum=120
)
PRINTER_THERMAL = Setting("printer_thermal", "", "printer for the 80 mm roll ('' = ask)")
PRINTER_A4 = Setting("printer_a4", "", "printer for A4 slips and reports ('' = ask)")
DEFAULT_SLIP_FORMAT = Setting(
    "default_slip_format", "thermal", "thermal or a4", choices=("thermal", "a4")
)
CUSTOMER_SCREEN = Setting(
    "customer_screen",
    "auto",
    "auto (second screen if present), main (this screen) or second (always the second)",
    choices=("auto", "main", "second"),
)
MAIN_WINDOW_GEOMETRY = Setting("main_window_geometry", "", "saved window geometry (Qt, base64)")
BACKUP_DIR = Setting("backup_dir", "", "folder for the backup made at every day close ('' = none)")
BACKUP_KEEP = Setting(
    "backup_keep", 14, "backup generations kept in that folder", minimum=1, maximum=365
)

ALL_SETTINGS: tuple[Setting[Any], ...] = (
    LANGUAGE,
    IDLE_LOCK_MINUTES,
    PRINTER_THERMAL,
    PRINTER_A4,
    DEFAULT_SLIP_FORMAT,
    CUSTOMER_SCREEN,
    MAIN_WINDOW_GEOMETRY,
    BACKUP_DIR,
    BACKUP_KEEP,
)


class StationSettings:
    """The settings file of one station: read once, written on every change (atomically)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._values: dict[str, Any] = {}
        self._warned: set[str] = set()  # keys whose bad value was logged once already
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(raw, dict):
                self._values = raw
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as exc:
            log.warning("settings file %s unreadable, using defaults: %s", path, exc)

    @classmethod
    def for_station(cls, keys_dir: Path, station: str) -> StationSettings:
        return cls(keys_dir.parent / f"settings-{station}.json")

    def get(self, setting: Setting[T]) -> T:
        """The value in the file, or the default when the file has none or a bad one."""
        raw = self._values.get(setting.key, setting.default)
        if setting.allows(raw):
            return raw  # type: ignore[no-any-return]
        if setting.key not in self._warned:
            self._warned.add(setting.key)
            log.warning(
                "settings file %s: %s = %r is not allowed (%s), using %r",
                self.path,
                setting.key,
                raw,
                setting.description,
                setting.default,
            )
        return setting.default

    def set(self, setting: Setting[T], value: T) -> None:
        if not setting.allows(value):
            raise ValueError(f"{setting.key}: {value!r} is not allowed")
        self._values[setting.key] = value
        self._save()

    def _save(self) -> None:
        # Imported on the first save, not with the declarations: the counter's window
        # imports this module before its first paint, and desktop.files brings in
        # subprocess, tempfile and platformdirs (~10 ms of the cold start, issue 11).
        from desktop.files import write_atomically  # noqa: PLC0415

        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self._values, ensure_ascii=False, indent=2)
        write_atomically(self.path, text.encode("utf-8"))

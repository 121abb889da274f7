"""Trust kept outside the database and the key folder: the pinned certificate, the witnessed head.

The chain proves that entries were not changed *relative to the station key*.  Someone
who holds the PC can replace the key, the certificate and the ``station`` row and
re-sign the whole chain, or cut off its last entries: the database alone then looks
perfect.  Two records outside it catch that:

- the **pin**: each station certificate's SHA-256 fingerprint, written at set-up (and
  at a key rotation) into this PC's trust folder — apart from the data folder that
  holds the database and the keys.  ``verify`` refuses a station whose certificate is
  not pinned.  The same fingerprint is printed at ``init``, on every day report and on
  every slip, so ``verify --fingerprint FP`` checks against paper too;
- the **witness**: after every commit, each station's new chain head (seq, hash and the
  entry's signature) is written here, atomically and fsynced.  ``verify`` compares the
  database's head with it and names what is missing; ``verify --checkpoint
  STATION:SEQ:HASH`` does the same against a head printed on a day report.

What this cannot do is written in docs/threat-model.md: someone who holds the whole PC
can rewrite the trust folder too.  Only what has left the PC — paper, exports, other
stations of a chain — convicts them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from desktop.errors import UserError
from desktop.files import (
    Protection,
    exclusive_lock,
    private_folder,
    protection,
    read_small_file,
    write_atomically,
)

log = logging.getLogger(__name__)

STORE_VERSION = 1
# The witness's encoder, made once (``json.dumps`` with arguments makes one a call).
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)
MIN_PREFIX = 12  # hex digits of a fingerprint or hash typed from paper


@dataclass(frozen=True)
class WitnessedHead:
    seq: int
    entry_hash: str
    signature: str


@dataclass(frozen=True)
class StationTrust:
    fingerprints: tuple[str, ...]  # every certificate pinned for the station, oldest first
    head: WitnessedHead | None


def database_identity(db_url: str) -> str:
    """What names one database on this PC: a SQLite file's real path, or a server URL.

    A PostgreSQL URL is kept without its password (the trust folder is no key store).
    """
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return f"sqlite:{Path(url.database).resolve()}"
    return url.set(password=None).render_as_string(hide_password=True)


class TrustStore:
    """This PC's pins and witness for one database: one small JSON file in the trust folder."""

    def __init__(self, folder: Path, db_url: str) -> None:
        self.folder = folder
        self.identity = database_identity(db_url)
        digest = hashlib.sha256(self.identity.encode("utf-8")).hexdigest()[:24]
        self.path = folder / f"{digest}.json"
        # Read once per store: working it out reads the data location file, and the
        # witness is written after every commit (issue 11: 0.5 ms of a commit's CPU).
        self._protection: Protection | None = None
        # The folder is made and set private by the store's first update, not by every
        # commit's (issue 11): a mode changed by hand since is set right at the next start.
        self._folder_ready = False
        self._lock = folder / ".lock"

    # -- reading -------------------------------------------------------------

    def exists(self) -> bool:
        return self.path.is_file()

    def stations(self) -> dict[str, StationTrust]:
        raw = self._read()
        result = {}
        for code, item in raw.get("stations", {}).items():
            head = item.get("head")
            result[code] = StationTrust(
                tuple(item.get("fingerprints", ())),
                WitnessedHead(int(head["seq"]), head["hash"], head["signature"]) if head else None,
            )
        return result

    def _read(self) -> dict[str, Any]:
        try:
            text = read_small_file(self.path).decode("utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise UserError(
                f"信頼情報 {self.path} を読めません（{exc.strerror}）",
                f"cannot read the trust record {self.path} ({exc.strerror})",
            ) from exc
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("database") != self.identity:
                raise ValueError("not this database's record")
        except ValueError as exc:
            raise UserError(
                f"信頼情報 {self.path} が壊れています",
                f"the trust record {self.path} is damaged ({exc})",
            ) from None
        return data

    # -- writing ---------------------------------------------------------------

    def pin(self, station: str, fingerprint: str) -> None:
        """Pin a station certificate (at set-up, at a join, at a key rotation)."""
        with self._updating() as data:
            item = data["stations"].setdefault(station, {"fingerprints": [], "head": None})
            if fingerprint not in item["fingerprints"]:
                item["fingerprints"].append(fingerprint)

    def witness(self, heads: dict[str, WitnessedHead]) -> None:
        """Record the chain heads a commit just made (never called with nothing)."""
        with self._updating() as data:
            for station, head in heads.items():
                item = data["stations"].setdefault(station, {"fingerprints": [], "head": None})
                item["head"] = {
                    "seq": head.seq,
                    "hash": head.entry_hash,
                    "signature": head.signature,
                    "at": datetime.now(UTC).isoformat(timespec="seconds"),
                }

    @contextlib.contextmanager
    def _updating(self) -> Iterator[dict[str, Any]]:
        if self._protection is None:
            self._protection = protection()
        # A folder removed since is made again, as the first time.
        if not self._folder_ready or not os.path.isdir(self.folder):
            private_folder(self.folder, ours=True, wanted=self._protection)
            self._folder_ready = True
        with exclusive_lock(self._lock, self._protection):
            # Read again under the lock every time: another window or a script may
            # have written since, and what they wrote must be kept.
            data = self._read() or {"database": self.identity, "stations": {}}
            data["version"] = STORE_VERSION
            yield data
            # One line: with ``indent`` json falls back to its pure-Python encoder, a
            # tenth of a millisecond of every commit (issue 11); readers parse it anyway.
            text = _ENCODER.encode(data)
            write_atomically(self.path, text.encode("utf-8"))


def matches(full: str, typed: str) -> bool:
    """A fingerprint or hash as read from paper: the whole of it, or a prefix of 12+ digits."""
    typed = typed.strip().lower().replace(" ", "").replace(":", "")
    return len(typed) >= MIN_PREFIX and full.lower().startswith(typed)


@dataclass(frozen=True)
class Checkpoint:
    """A chain head read from paper or an export: ``STATION:SEQ:HASH``."""

    station: str
    seq: int
    entry_hash: str

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        parts = text.strip().split(":")
        if len(parts) != 3 or not parts[1].isdigit() or len(parts[2]) < MIN_PREFIX:
            raise UserError(
                f"チェックポイント {text!r} は 局:番号:ハッシュ の形で指定してください"
                f"（ハッシュは{MIN_PREFIX}桁以上）",
                f"checkpoint {text!r} must be STATION:SEQ:HASH (at least {MIN_PREFIX} hex "
                "digits of the hash)",
            )
        return cls(parts[0], int(parts[1]), parts[2].lower())

"""The revocation-path catalogue and the statement texts, kept as versioned data.

The government changes procedures; a shop ships an updated ``revocation_paths.json``
rather than new code.  A file of the same name in the data folder's ``catalogue/``
directory replaces the bundled one when its version is newer.  Records keep the
catalogue and statement versions they were made under, and the SHA-256 of the exact
statement text, so an old slip stays explainable after the texts change.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from desktop.errors import UserError

REQUIRED_PATH_IDS = frozenset(
    {
        "never_used",
        "app_revoked",
        "app_uninstalled",
        "reinstalled_after_reset",
        "hotline_suspended",
        "iphone_removed",
        "not_done",
        # Not a way of revoking, but the guidance a refused "don't know" customer is
        # given (desktop.attestation.CHECK_FIRST_PATH); the slip needs its steps.
        "check_first",
    }
)
# Paths on which the shop can never take the attestation, whatever a file says.
NEVER_ATTESTABLE_PATH_IDS = frozenset({"not_done", "check_first"})
DEVICE_OS_VALUES = frozenset({"android", "iphone", "other"})


@dataclass(frozen=True)
class Bilingual:
    ja: str
    en: str


@dataclass(frozen=True)
class RevocationPath:
    """One way a holder can have dealt with the certificate (DOMAIN.md §2)."""

    id: str
    attestable: bool  # False: the shop cannot take the attestation on this path
    os: frozenset[str]
    title: Bilingual
    when: Bilingual
    steps: tuple[Bilingual, ...]


@dataclass(frozen=True)
class Hotline:
    number: str
    foreign_language: str
    description: Bilingual


@dataclass(frozen=True)
class RevocationCatalogue:
    version: str
    hotline: Hotline
    paths: dict[str, RevocationPath]

    def get(self, path_id: str) -> RevocationPath | None:
        return self.paths.get(path_id)


@dataclass(frozen=True)
class Statement:
    """One statement text in one language, as a record refers to it."""

    id: str
    version: str
    language: str
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StatementCatalogue:
    version: str
    texts: dict[str, Bilingual]

    def statement(self, statement_id: str, language: str) -> Statement:
        texts = self.texts[statement_id]
        return Statement(statement_id, self.version, language, getattr(texts, language))


def _bilingual(raw: dict[str, Any]) -> Bilingual:
    ja, en = raw["ja"], raw["en"]
    if not (isinstance(ja, str) and isinstance(en, str) and ja and en):
        raise ValueError("a text needs both ja and en")
    return Bilingual(ja, en)


def _version_key(version: object) -> tuple[int, ...]:
    if not isinstance(version, str):
        raise ValueError(f"version must be text like 2026.11.1, not {version!r}")
    return tuple(int(part) for part in version.split("."))


def parse_revocation_catalogue(raw: dict[str, Any]) -> RevocationCatalogue:
    """Build the catalogue from its JSON form, refusing an incomplete file."""
    paths: dict[str, RevocationPath] = {}
    for item in raw["paths"]:
        path_os = frozenset(item["os"])
        if not path_os or not path_os <= DEVICE_OS_VALUES:
            raise ValueError(
                f"path {item['id']}: os must be a subset of {sorted(DEVICE_OS_VALUES)}"
            )
        if item["id"] in paths:
            raise ValueError(f"path {item['id']} appears twice")
        # A string "false" would be truthy: only a JSON boolean will do.
        attestable = item["attestable"]
        if not isinstance(attestable, bool):
            raise ValueError(f"path {item['id']}: attestable must be true or false")
        if attestable and item["id"] in NEVER_ATTESTABLE_PATH_IDS:
            raise ValueError(f"path {item['id']}: the shop can never take this attestation")
        steps = tuple(_bilingual(step) for step in item["steps"])
        if not steps:
            raise ValueError(f"path {item['id']}: at least one step is needed")
        paths[item["id"]] = RevocationPath(
            id=item["id"],
            attestable=attestable,
            os=path_os,
            title=_bilingual(item["title"]),
            when=_bilingual(item["when"]),
            steps=steps,
        )
    missing = REQUIRED_PATH_IDS - paths.keys()
    if missing:
        raise ValueError(f"catalogue lacks the paths {sorted(missing)}")
    hotline = raw["hotline"]
    for key in ("number", "foreign_language"):
        if not (isinstance(hotline[key], str) and hotline[key]):
            raise ValueError(f"hotline {key} must be a telephone number as text")
    _version_key(raw["version"])  # refuse a malformed version early
    return RevocationCatalogue(
        version=raw["version"],
        hotline=Hotline(hotline["number"], hotline["foreign_language"], _bilingual(hotline)),
        paths=paths,
    )


def _bundled(name: str) -> dict[str, Any]:
    text = resources.files("desktop").joinpath("data", name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def bundled_revocation_catalogue() -> RevocationCatalogue:
    return parse_revocation_catalogue(_bundled("revocation_paths.json"))


def revocation_catalogue(override_dir: Path | None = None) -> RevocationCatalogue:
    """The bundled catalogue, or a shop-installed one in ``override_dir`` if newer."""
    bundled = bundled_revocation_catalogue()
    if override_dir is None:
        return bundled
    candidate = override_dir / "revocation_paths.json"
    if not candidate.is_file():
        return bundled
    try:
        installed = parse_revocation_catalogue(json.loads(candidate.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UserError(
            f"失効手順カタログ {candidate} を読み込めません: {exc}",
            f"cannot read the revocation catalogue {candidate}: {exc}",
        ) from exc
    if _version_key(installed.version) > _version_key(bundled.version):
        return installed
    return bundled


@cache
def statement_catalogue() -> StatementCatalogue:
    raw = _bundled("statements.json")
    return StatementCatalogue(
        version=raw["version"],
        texts={key: _bilingual(value) for key, value in raw["statements"].items()},
    )

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
from dataclasses import dataclass, field
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
        "model_changed",
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
    """A text in Japanese and a second language: English, or in a translated view
    (:func:`overlay_translation`) the customer's language, which ``lang`` names."""

    ja: str
    en: str
    lang: str = "en"


@dataclass(frozen=True)
class StepSection:
    """What a guidance slip prints for one way of dealing with the certificate:
    an imperative heading and its numbered steps, already chosen for the phone's OS."""

    heading: Bilingual
    steps: tuple[Bilingual, ...]


class _Worded:
    """A heading and steps, optionally worded per OS (``steps_by_os`` wins over ``steps``)."""

    heading: Bilingual
    steps: tuple[Bilingual, ...]
    steps_by_os: dict[str, tuple[Bilingual, ...]]

    def steps_for(self, os: str) -> tuple[Bilingual, ...]:
        """The steps for a phone of ``os``: its own wording if the catalogue has one."""
        return self.steps_by_os.get(os, self.steps)

    def section(self, os: str) -> StepSection:
        return StepSection(self.heading, self.steps_for(os))


@dataclass(frozen=True)
class GuidanceBlock(_Worded):
    """Guidance-only steps: printed on a slip, never a path a customer can choose."""

    id: str
    heading: Bilingual
    steps: tuple[Bilingual, ...]
    steps_by_os: dict[str, tuple[Bilingual, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class RevocationPath(_Worded):
    """One way a holder can have dealt with the certificate (DOMAIN.md §2).

    ``title`` is the past-tense choice on the attestation (「…で失効した」), ``heading``
    the imperative heading of its guidance (「…で失効する」).  ``guidance_by_os`` names,
    per OS, the paths and sections whose steps a guidance slip for this path prints
    (e.g. ``not_done`` on Android: the app, the forgotten-password fallback, the
    hotline); without an entry the slip prints this path's own steps.
    """

    id: str
    attestable: bool  # False: the shop cannot take the attestation on this path
    os: frozenset[str]
    title: Bilingual
    heading: Bilingual
    when: Bilingual
    steps: tuple[Bilingual, ...]
    steps_by_os: dict[str, tuple[Bilingual, ...]] = field(default_factory=dict)
    guidance_by_os: dict[str, tuple[str, ...]] = field(default_factory=dict)


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
    # Guidance-only steps (not a path a customer can choose), e.g. "check for yourself
    # whether it is already revoked" for a customer refused because someone else acted.
    sections: dict[str, GuidanceBlock] = field(default_factory=dict)
    # refusal reason -> OS -> the paths and sections its guidance prints, whatever
    # path the customer named (e.g. performed_by_other: check the status first).
    refusal_guidance: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    def get(self, path_id: str) -> RevocationPath | None:
        return self.paths.get(path_id)

    def block(self, block_id: str) -> RevocationPath | GuidanceBlock:
        """A path or a guidance-only section by its id."""
        return self.paths.get(block_id) or self.sections[block_id]

    def guidance(self, path_id: str, os: str, reason: str | None = None) -> tuple[StepSection, ...]:
        """The sections a guidance slip prints for a customer refused on ``path_id``
        with a phone of ``os`` (DOMAIN.md §2: always the full steps for the OS).

        A refusal reason with guidance of its own (someone else acted: check the status
        first) takes precedence over the path; an unknown path gets ``not_done``'s.
        """
        by_reason = self.refusal_guidance.get(reason or "", {})
        path = self.paths.get(path_id) or self.paths["not_done"]
        refs = by_reason.get(os) or path.guidance_by_os.get(os) or (path.id,)
        return tuple(self.block(ref).section(os) for ref in refs)


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
    # language -> statement id -> text: the reference translations of this version
    # (``<version>.<language>.json``), each with every id of ``texts``.
    translations: dict[str, dict[str, str]] = field(default_factory=dict)

    def statement(self, statement_id: str, language: str) -> Statement:
        """The text of ``statement_id`` in ``language``, as a record pins it.

        Raises ``KeyError`` for an id or a language this version does not have.
        """
        texts = self.texts[statement_id]
        if language in ("ja", "en"):
            return Statement(statement_id, self.version, language, getattr(texts, language))
        return Statement(
            statement_id, self.version, language, self.translations[language][statement_id]
        )

    def bilingual(self, statement_id: str, language: str) -> Bilingual:
        """Japanese and ``language`` (English for ``ja``), for the screen and the slip."""
        texts = self.texts[statement_id]
        if language in ("ja", "en"):
            return texts
        return Bilingual(texts.ja, self.statement(statement_id, language).text, language)

    @property
    def languages(self) -> tuple[str, ...]:
        return ("ja", "en", *sorted(self.translations))


def _bilingual(raw: dict[str, Any]) -> Bilingual:
    ja, en = raw["ja"], raw["en"]
    if not (isinstance(ja, str) and isinstance(en, str) and ja and en):
        raise ValueError("a text needs both ja and en")
    return Bilingual(ja, en, raw.get("lang", "en"))


# --- translations (issue 13) ------------------------------------------------------
#
# A translation file mirrors its base file: the same tree with each {"ja", "en"} text
# replaced by the text in its language, a list of objects with ids as an object by id,
# and everything that is no text (ids, OS lists, numbers) left out.  It names the
# base's catalogue and version and its language:
#   {"catalogue": "slip_texts", "version": "2026.12.2", "language": "vi", ...}
# so a translation can never be read against texts it does not translate.

TRANSLATION_KEYS = frozenset({"catalogue", "version", "language"})


def _has_text(node: object) -> bool:
    if isinstance(node, dict):
        return isinstance(node.get("ja"), str) or any(_has_text(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_text(v) for v in node)
    return False


def _overlay(base: object, tr: object, lang: str, where: str) -> object:
    if isinstance(base, dict) and isinstance(base.get("ja"), str):
        if not (isinstance(tr, str) and tr.strip()):
            raise ValueError(f"{where}: the {lang} text is missing")
        return {**base, "en": tr, "lang": lang}
    if isinstance(base, list):
        if base and all(isinstance(item, dict) and "id" in item for item in base):
            if not isinstance(tr, dict):
                raise ValueError(f"{where}: must be an object by id")
            extra = set(tr) - {item["id"] for item in base}
            if extra:
                raise ValueError(f"{where}: no such ids {sorted(extra)}")
            return [
                _overlay(item, tr.get(item["id"]), lang, f"{where}.{item['id']}")
                if _has_text(item)
                else item
                for item in base
            ]
        if not isinstance(tr, list) or len(tr) != len(base):
            raise ValueError(f"{where}: must be a list of {len(base)}")
        return [
            _overlay(b, t, lang, f"{where}[{i}]")
            for i, (b, t) in enumerate(zip(base, tr, strict=True))
        ]
    if isinstance(base, dict):
        texts = {key for key, value in base.items() if _has_text(value)}
        if not isinstance(tr, dict):
            raise ValueError(f"{where}: must be an object")
        extra = set(tr) - texts - (TRANSLATION_KEYS if where == "" else set())
        if extra:
            raise ValueError(f"{where or '(file)'}: nothing to translate under {sorted(extra)}")
        return {
            key: _overlay(value, tr.get(key), lang, f"{where}.{key}".lstrip("."))
            if key in texts
            else value
            for key, value in base.items()
        }
    return base


def overlay_translation(base: dict[str, Any], translation: dict[str, Any]) -> dict[str, Any]:
    """``base`` (a catalogue's JSON) with every text's ``en`` replaced by the
    translation's, each marked with its ``lang``; refuses a translation that misses
    a text, has one the base lacks, or was made for another catalogue or version."""
    lang = translation.get("language")
    if not isinstance(lang, str) or not lang:
        raise ValueError("a translation names its language")
    for key in ("catalogue", "version"):
        if translation.get(key) != base.get(key):
            raise ValueError(
                f"the {lang} translation is of {key} {translation.get(key)!r}, "
                f"not {base.get(key)!r}"
            )
    result = _overlay(base, translation, lang, "")
    assert isinstance(result, dict)
    return result


def bundled_translation(name: str, lang: str) -> dict[str, Any] | None:
    """The bundled ``desktop/data/<name>.<lang>.json``, or None if there is none."""
    entry = resources.files("desktop").joinpath("data", f"{name}.{lang}.json")
    if not entry.is_file():
        return None
    data: dict[str, Any] = json.loads(entry.read_text(encoding="utf-8"))
    return data


def _version_key(version: object) -> tuple[int, ...]:
    if not isinstance(version, str):
        raise ValueError(f"version must be text like 2026.11.1, not {version!r}")
    return tuple(int(part) for part in version.split("."))


def _steps(owner: str, raw: object) -> tuple[Bilingual, ...]:
    if not isinstance(raw, list):
        raise ValueError(f"{owner}: steps must be a list")
    steps = tuple(_bilingual(step) for step in raw)
    if not steps:
        raise ValueError(f"{owner}: at least one step is needed")
    return steps


def _os_keys(owner: str, raw: object, allowed: frozenset[str]) -> dict[str, Any]:
    """A per-OS table (``steps_by_os``, ``guidance_by_os``): keys must be OS values."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValueError(f"{owner}: a per-OS table must be an object")
    unknown = set(raw) - allowed
    if unknown:
        raise ValueError(f"{owner}: {sorted(unknown)} are not among its os {sorted(allowed)}")
    return raw


def _block_fields(owner: str, item: dict[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
    steps_by_os = {
        os: _steps(f"{owner} ({os})", steps)
        for os, steps in _os_keys(owner, item.get("steps_by_os"), allowed).items()
    }
    return {
        "id": item["id"],
        "heading": _bilingual(item["heading"]),
        "steps": _steps(owner, item["steps"]),
        "steps_by_os": steps_by_os,
    }


def _refs(owner: str, raw: object) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw or not all(isinstance(ref, str) for ref in raw):
        raise ValueError(f"{owner}: a guidance list must name at least one path or section")
    return tuple(raw)


def parse_revocation_catalogue(raw: dict[str, Any]) -> RevocationCatalogue:
    """Build the catalogue from its JSON form, refusing an incomplete file."""
    paths: dict[str, RevocationPath] = {}
    for item in raw["paths"]:
        owner = f"path {item['id']}"
        path_os = frozenset(item["os"]) if isinstance(item["os"], list) else frozenset()
        if not path_os or not path_os <= DEVICE_OS_VALUES:
            raise ValueError(f"{owner}: os must be a subset of {sorted(DEVICE_OS_VALUES)}")
        if item["id"] in paths:
            raise ValueError(f"path {item['id']} appears twice")
        # A string "false" would be truthy: only a JSON boolean will do.
        attestable = item["attestable"]
        if not isinstance(attestable, bool):
            raise ValueError(f"{owner}: attestable must be true or false")
        if attestable and item["id"] in NEVER_ATTESTABLE_PATH_IDS:
            raise ValueError(f"{owner}: the shop can never take this attestation")
        guidance = {
            os: _refs(f"{owner} ({os})", refs)
            for os, refs in _os_keys(owner, item.get("guidance_by_os"), path_os).items()
        }
        paths[item["id"]] = RevocationPath(
            **_block_fields(owner, item, path_os),
            attestable=attestable,
            os=path_os,
            title=_bilingual(item["title"]),
            when=_bilingual(item["when"]),
            guidance_by_os=guidance,
        )
    missing = REQUIRED_PATH_IDS - paths.keys()
    if missing:
        raise ValueError(f"catalogue lacks the paths {sorted(missing)}")
    sections: dict[str, GuidanceBlock] = {}
    for item in raw.get("sections", []):
        owner = f"section {item['id']}"
        if item["id"] in paths or item["id"] in sections:
            raise ValueError(f"{owner}: the id is already taken")
        sections[item["id"]] = GuidanceBlock(**_block_fields(owner, item, DEVICE_OS_VALUES))
    refusal_guidance = {
        reason: {
            os: _refs(f"refusal guidance {reason} ({os})", refs)
            for os, refs in _os_keys(f"refusal guidance {reason}", table, DEVICE_OS_VALUES).items()
        }
        for reason, table in raw.get("refusal_guidance", {}).items()
    }
    # Every guidance list must name known blocks that apply to the OS it is listed for.
    lists = [(f"path {p.id}", p.guidance_by_os) for p in paths.values()]
    lists += [(f"refusal guidance {reason}", table) for reason, table in refusal_guidance.items()]
    for owner, table in lists:
        for os, refs in table.items():
            for ref in refs:
                if ref in sections:
                    continue
                if ref not in paths:
                    raise ValueError(f"{owner} ({os}): no path or section {ref}")
                if os not in paths[ref].os:
                    raise ValueError(f"{owner} ({os}): path {ref} does not apply to {os}")
    hotline = raw["hotline"]
    for key in ("number", "foreign_language"):
        if not (isinstance(hotline[key], str) and hotline[key]):
            raise ValueError(f"hotline {key} must be a telephone number as text")
    _version_key(raw["version"])  # refuse a malformed version early
    return RevocationCatalogue(
        version=raw["version"],
        hotline=Hotline(hotline["number"], hotline["foreign_language"], _bilingual(hotline)),
        paths=paths,
        sections=sections,
        refusal_guidance=refusal_guidance,
    )


def _bundled(name: str) -> dict[str, Any]:
    text = resources.files("desktop").joinpath("data", name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def bundled_revocation_catalogue() -> RevocationCatalogue:
    return parse_revocation_catalogue(_bundled("revocation_paths.json"))


@cache
def _translated_catalogue(lang: str) -> RevocationCatalogue | None:
    translation = bundled_translation("revocation_paths", lang)
    if translation is None:
        return None
    return parse_revocation_catalogue(
        overlay_translation(_bundled("revocation_paths.json"), translation)
    )


def catalogue_in(catalogue: RevocationCatalogue, lang: str) -> RevocationCatalogue | None:
    """``catalogue`` with its texts in Japanese and ``lang`` (``Bilingual.en`` holding
    ``lang``), or None when no translation of its version ships: a shop-installed
    newer catalogue is shown in Japanese and English until the app brings its
    translations.  ``ja`` and ``en`` are the catalogue itself."""
    if lang in ("ja", "en"):
        return catalogue
    translated = _translated_catalogue(lang)
    if translated is None or translated.version != catalogue.version:
        return None
    return translated


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


STATEMENTS_FOLDER = "statements"  # desktop/data/statements/<version>.json, every version released


def parse_statement_catalogue(raw: dict[str, Any]) -> StatementCatalogue:
    _version_key(raw["version"])
    return StatementCatalogue(
        version=raw["version"],
        texts={key: _bilingual(value) for key, value in raw["statements"].items()},
    )


@cache
def statement_versions() -> dict[str, StatementCatalogue]:
    """Every statement version the app has ever shipped, by version.

    A record pins the id, version, language and SHA-256 of the text it was signed
    under; the old versions stay so that such a record still verifies and reprints
    with its own words after the texts change.
    """
    folder = resources.files("desktop").joinpath("data", STATEMENTS_FOLDER)
    versions: dict[str, StatementCatalogue] = {}
    translations: list[tuple[str, dict[str, Any]]] = []
    for entry in folder.iterdir():
        if not entry.name.endswith(".json"):
            continue
        raw = json.loads(entry.read_text(encoding="utf-8"))
        if "language" in raw:  # <version>.<language>.json: a translation
            translations.append((entry.name, raw))
            continue
        catalogue = parse_statement_catalogue(raw)
        if entry.name != f"{catalogue.version}.json":
            raise ValueError(f"statement file {entry.name} holds version {catalogue.version}")
        versions[catalogue.version] = catalogue
    for name, raw in translations:
        version, language = raw.get("version"), raw["language"]
        if name != f"{version}.{language}.json" or version not in versions:
            raise ValueError(f"statement translation {name} names version {version} {language}")
        base = versions[version]
        texts = raw.get("statements")
        if not isinstance(texts, dict) or set(texts) != set(base.texts):
            raise ValueError(f"statement translation {name} must have exactly the ids of {version}")
        if not all(isinstance(text, str) and text.strip() for text in texts.values()):
            raise ValueError(f"statement translation {name} has an empty text")
        base.translations[language] = dict(texts)
    return versions


@cache
def statement_catalogue() -> StatementCatalogue:
    """The current statements: the newest version (new records are signed under it)."""
    versions = statement_versions()
    return versions[max(versions, key=_version_key)]


def statement_version(version: str) -> StatementCatalogue:
    """The statements of an earlier (or the current) version, to reprint an old record.

    Raises ``KeyError`` for a version this app never shipped.
    """
    return statement_versions()[version]

"""desktop.catalogue: the revocation paths and statements, kept as versioned data."""

from __future__ import annotations

import copy
import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from desktop.catalogue import (
    RevocationCatalogue,
    bundled_revocation_catalogue,
    parse_revocation_catalogue,
    revocation_catalogue,
    statement_catalogue,
)
from desktop.errors import UserError

# DOMAIN.md §2, plus the guidance for a customer who does not know (attestation.py).
DOMAIN_PATH_IDS = (
    "never_used",
    "app_revoked",
    "app_uninstalled",
    "reinstalled_after_reset",
    "hotline_suspended",
    "iphone_removed",
    "not_done",
)
HOTLINE = "0120-95-0178"
FOREIGN_LINE = "0120-0178-27"


def bundled_json(name: str) -> dict[str, Any]:
    text = resources.files("desktop").joinpath("data", name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def raw_catalogue() -> dict[str, Any]:
    return copy.deepcopy(bundled_json("revocation_paths.json"))


def path_item(raw: dict[str, Any], path_id: str) -> dict[str, Any]:
    item: dict[str, Any] = next(p for p in raw["paths"] if p["id"] == path_id)
    return item


@pytest.fixture
def catalogue() -> RevocationCatalogue:
    return bundled_revocation_catalogue()


# --- the bundled catalogue ----------------------------------------------------------


@pytest.mark.parametrize("path_id", [*DOMAIN_PATH_IDS, "check_first"])
def test_every_domain_path_is_present_with_titles_and_steps(
    catalogue: RevocationCatalogue, path_id: str
) -> None:
    entry = catalogue.get(path_id)
    assert entry is not None
    assert entry.id == path_id
    assert entry.title.ja.strip()
    assert entry.title.en.strip()
    assert entry.when.ja.strip()
    assert entry.when.en.strip()
    assert len(entry.steps) >= 1
    for step in entry.steps:
        assert step.ja.strip()
        assert step.en.strip()
    assert entry.os  # it applies to some kind of phone


def test_only_not_done_and_check_first_cannot_be_attested(
    catalogue: RevocationCatalogue,
) -> None:
    refused = {path_id for path_id, entry in catalogue.paths.items() if not entry.attestable}
    assert refused == {"not_done", "check_first"}


def test_paths_apply_to_the_right_phones(catalogue: RevocationCatalogue) -> None:
    assert "iphone" in catalogue.paths["iphone_removed"].os
    assert "android" not in catalogue.paths["iphone_removed"].os
    for path_id in ("app_revoked", "app_uninstalled", "reinstalled_after_reset"):
        assert "android" in catalogue.paths[path_id].os
        assert "iphone" not in catalogue.paths[path_id].os
    for path_id in ("never_used", "hotline_suspended", "not_done", "check_first"):
        assert catalogue.paths[path_id].os == {"android", "iphone", "other"}


def test_the_hotline_numbers(catalogue: RevocationCatalogue) -> None:
    assert catalogue.hotline.number == HOTLINE
    assert catalogue.hotline.foreign_language == FOREIGN_LINE
    assert catalogue.hotline.description.ja
    assert catalogue.hotline.description.en
    steps = catalogue.paths["hotline_suspended"].steps
    for language in ("ja", "en"):
        texts = " ".join(getattr(step, language) for step in steps)
        assert HOTLINE in texts
        assert FOREIGN_LINE in texts


def test_the_app_revoked_steps_name_the_password_rule(catalogue: RevocationCatalogue) -> None:
    texts = " ".join(step.ja for step in catalogue.paths["app_revoked"].steps)
    assert "6〜16" in texts
    assert "失効する" in texts


def test_the_bundled_catalogue_has_a_dotted_version(catalogue: RevocationCatalogue) -> None:
    assert all(part.isdigit() for part in catalogue.version.split("."))


# --- a shop-installed catalogue -----------------------------------------------------------


def install(tmp_path: Path, raw: object) -> Path:
    folder = tmp_path / "catalogue"
    folder.mkdir(exist_ok=True)
    text = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False)
    (folder / "revocation_paths.json").write_text(text, encoding="utf-8")
    return folder


def test_no_override_folder_or_file_gives_the_bundled_one(tmp_path: Path) -> None:
    bundled = bundled_revocation_catalogue()
    assert revocation_catalogue(None) is bundled
    assert revocation_catalogue(tmp_path / "absent") is bundled
    assert revocation_catalogue(tmp_path) is bundled  # the folder exists, the file does not


def test_a_newer_installed_catalogue_replaces_the_bundled_one(tmp_path: Path) -> None:
    raw = raw_catalogue()
    raw["version"] = "2099.1.1"
    path_item(raw, "app_revoked")["title"]["en"] = "Revoked in the app (new procedure)"
    installed = revocation_catalogue(install(tmp_path, raw))
    assert installed.version == "2099.1.1"
    assert installed.paths["app_revoked"].title.en == "Revoked in the app (new procedure)"


def test_versions_compare_as_numbers_not_text(tmp_path: Path) -> None:
    bundled = bundled_revocation_catalogue()
    year, month, serial = (int(part) for part in bundled.version.split("."))
    raw = raw_catalogue()
    raw["version"] = f"{year}.{month}.{serial + 9}"  # e.g. 2026.11.10 > 2026.11.1
    assert revocation_catalogue(install(tmp_path, raw)).version == raw["version"]


@pytest.mark.parametrize("version", ["2000.1.1", "2026.11.1"])
def test_an_older_or_equal_installed_catalogue_is_ignored(tmp_path: Path, version: str) -> None:
    raw = raw_catalogue()
    raw["version"] = version
    path_item(raw, "app_revoked")["title"]["en"] = "Outdated"
    chosen = revocation_catalogue(install(tmp_path, raw))
    assert chosen is bundled_revocation_catalogue()
    assert chosen.paths["app_revoked"].title.en != "Outdated"


def _without_path(raw: dict[str, Any], path_id: str) -> None:
    raw["paths"] = [p for p in raw["paths"] if p["id"] != path_id]


BROKEN: dict[str, Any] = {
    "not json": "{ this is not json",
    "not an object": [1, 2, 3],
    "no paths": lambda raw: raw.pop("paths"),
    "no hotline": lambda raw: raw.pop("hotline"),
    "missing not_done": lambda raw: _without_path(raw, "not_done"),
    "missing check_first": lambda raw: _without_path(raw, "check_first"),
    "duplicate path": lambda raw: raw["paths"].append(copy.deepcopy(raw["paths"][0])),
    "bad os": lambda raw: path_item(raw, "app_revoked").update(os=["windows"]),
    "os as a string": lambda raw: path_item(raw, "app_revoked").update(os="android"),
    "empty os": lambda raw: path_item(raw, "app_revoked").update(os=[]),
    "title without en": lambda raw: path_item(raw, "app_revoked")["title"].pop("en"),
    "empty title": lambda raw: path_item(raw, "app_revoked")["title"].update(ja=""),
    "no steps": lambda raw: path_item(raw, "app_revoked").update(steps=[]),
    "attestable as text": lambda raw: path_item(raw, "not_done").update(attestable="false"),
    "not_done attestable": lambda raw: path_item(raw, "not_done").update(attestable=True),
    "check_first attestable": lambda raw: path_item(raw, "check_first").update(attestable=True),
    "version not dotted numbers": lambda raw: raw.update(version="2099.x"),
    "version a number": lambda raw: raw.update(version=2099),
    "hotline number missing": lambda raw: raw["hotline"].update(number=""),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_installed_catalogue_is_a_user_error(tmp_path: Path, case: str) -> None:
    change = BROKEN[case]
    raw: object = change
    if callable(change):
        raw = raw_catalogue()
        raw["version"] = "2099.1.1"  # newer than the bundled one: it would be chosen
        change(raw)
    folder = install(tmp_path, raw)
    with pytest.raises(UserError) as info:
        revocation_catalogue(folder)
    assert str(folder / "revocation_paths.json") in info.value.en
    assert info.value.en.startswith("cannot read the revocation catalogue")
    assert "失効手順カタログ" in info.value.ja


def test_a_broken_file_is_refused_even_when_it_claims_an_older_version(tmp_path: Path) -> None:
    raw = raw_catalogue()
    raw["version"] = "2000.1.1"
    _without_path(raw, "never_used")
    with pytest.raises(UserError):
        revocation_catalogue(install(tmp_path, raw))


def test_parse_names_the_missing_paths() -> None:
    raw = raw_catalogue()
    _without_path(raw, "hotline_suspended")
    with pytest.raises(ValueError, match="hotline_suspended"):
        parse_revocation_catalogue(raw)


# --- statements --------------------------------------------------------------------------

STATEMENT_IDS = ("customer_revoked", "customer_never_used", "clerk_no_assist")


@pytest.mark.parametrize("statement_id", STATEMENT_IDS)
@pytest.mark.parametrize("language", ["ja", "en"])
def test_statement_hash_is_the_sha256_of_the_exact_text(statement_id: str, language: str) -> None:
    raw = bundled_json("statements.json")
    exact = raw["statements"][statement_id][language]
    statement = statement_catalogue().statement(statement_id, language)
    assert statement.text == exact
    assert statement.id == statement_id
    assert statement.language == language
    assert statement.version == raw["version"]
    assert statement.sha256 == hashlib.sha256(exact.encode("utf-8")).hexdigest()
    assert len(statement.sha256) == 64


def test_statement_hashes_differ_between_texts_and_languages() -> None:
    catalogue = statement_catalogue()
    hashes = {
        catalogue.statement(statement_id, language).sha256
        for statement_id in STATEMENT_IDS
        for language in ("ja", "en")
    }
    assert len(hashes) == len(STATEMENT_IDS) * 2


def test_statements_say_what_the_law_requires() -> None:
    catalogue = statement_catalogue()
    revoked = catalogue.statement("customer_revoked", "ja").text
    assert "自分自身で失効" in revoked  # done personally
    assert "初期化だけでは" in revoked  # a reset does not remove it
    assert "myself" in catalogue.statement("customer_revoked", "en").text
    assert "代わりに" in catalogue.statement("clerk_no_assist", "ja").text

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
    statement_version,
    statement_versions,
)
from desktop.domain import Purpose
from desktop.errors import UserError
from desktop.statements import CLERK_STATEMENT_ID, CUSTOMER_STATEMENT_IDS, statement_id_for

# DOMAIN.md §2, plus the guidance for a customer who does not know (attestation.py).
DOMAIN_PATH_IDS = (
    "never_used",
    "app_revoked",
    "app_uninstalled",
    "reinstalled_after_reset",
    "hotline_suspended",
    "iphone_removed",
    "model_changed",
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
    assert entry.heading.ja.strip()
    assert entry.heading.en.strip()
    assert entry.heading != entry.title
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
    for path_id in ("never_used", "hotline_suspended", "model_changed", "not_done", "check_first"):
        assert catalogue.paths[path_id].os == {"android", "iphone", "other"}
    assert catalogue.paths["model_changed"].attestable


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
    steps = catalogue.paths["app_revoked"].steps
    texts = " ".join(step.ja for step in steps)
    assert "半角英大文字と数字を含む6〜16文字" in texts
    assert "英数字6" not in texts
    assert "6 to 16 half-width characters including capital letters and digits" in " ".join(
        step.en for step in steps
    )
    for menu in ("マイページ", "スマホ用電子証明書", "「失効」", "はじめる", "「失効する」"):
        assert menu in texts
    assert "初期化する前に" in texts  # revoke before the reset


def _all_steps(catalogue: RevocationCatalogue) -> list[tuple[str, Any]]:
    blocks = [*catalogue.paths.values(), *catalogue.sections.values()]
    out = []
    for block in blocks:
        for os, steps in [("", block.steps), *block.steps_by_os.items()]:
            out += [(f"{block.id} {os}", step) for step in steps]
    return out


def test_every_step_asks_politely(catalogue: RevocationCatalogue) -> None:
    """Customer-facing steps read 「〜してください」, never plain or です/ます alone."""
    for where, step in _all_steps(catalogue):
        assert "ください" in step.ja, (where, step.ja)
        assert step.ja.endswith("。"), (where, step.ja)
        assert step.en.endswith((".", ")")), (where, step.en)


def test_titles_are_the_attested_fact_and_headings_what_to_do(
    catalogue: RevocationCatalogue,
) -> None:
    for entry in catalogue.paths.values():
        assert entry.title.ja.endswith(("た", "ない", "）")), entry.title.ja
        assert entry.heading.ja.endswith(("する", "る", "させる")), entry.heading.ja
    assert catalogue.paths["app_revoked"].title.ja == "マイナポータルアプリで失効した"
    assert catalogue.paths["app_revoked"].heading.ja == "マイナポータルアプリで失効する"
    assert "revoked" in catalogue.paths["iphone_removed"].title.en.lower()
    assert "removed" in catalogue.paths["iphone_removed"].title.en.lower()


def test_the_holder_is_always_the_meigi_nin(catalogue: RevocationCatalogue) -> None:
    for _, step in _all_steps(catalogue):
        assert "持ち主" not in step.ja


def test_not_done_guidance_carries_the_full_steps_for_the_phone(
    catalogue: RevocationCatalogue,
) -> None:
    def headings(os: str, path_id: str = "not_done", reason: str | None = None) -> list[str]:
        return [section.heading.ja for section in catalogue.guidance(path_id, os, reason)]

    app, uninstall, hotline = (
        catalogue.paths[p].heading.ja
        for p in ("app_revoked", "app_uninstalled", "hotline_suspended")
    )
    iphone = catalogue.paths["iphone_removed"].heading.ja
    assert headings("android") == [app, uninstall, hotline]
    assert headings("iphone") == [iphone, hotline]
    assert app in headings("other") and iphone in headings("other")
    # An unknown path gets not_done's guidance; a named attestable path its own steps.
    assert headings("android", "no_such_path") == headings("android")
    assert headings("android", "app_revoked", "holder_not_present") == [app]


def test_check_first_tells_each_phone_its_own_way_to_check(catalogue: RevocationCatalogue) -> None:
    android = catalogue.guidance("check_first", "android", "certificate_unknown")
    iphone = catalogue.guidance("check_first", "iphone", "certificate_unknown")
    assert "スマホ用電子証明書の有効性確認" in " ".join(step.ja for step in android[0].steps)
    iphone_text = " ".join(step.ja for s in iphone for step in s.steps)
    assert "スマホ用電子証明書" not in iphone_text  # never the Android wording on an iPhone
    assert "Wallet" in iphone_text
    assert "iPhoneのマイナンバーカード" in iphone_text


def test_someone_else_acted_first_check_whether_it_is_already_revoked(
    catalogue: RevocationCatalogue,
) -> None:
    for reason in ("performed_by_other", "clerk_assisted"):
        sections = catalogue.guidance("app_revoked", "android", reason)
        first = " ".join(step.ja for step in sections[0].steps)
        assert "すでに失効している可能性" in first
        assert "有効性確認" in first
        assert "まだ有効であれば" in first
        assert len(sections) > 1  # and how to revoke it, if it is still valid
        iphone = catalogue.guidance("iphone_removed", "iphone", reason)
        assert "スマホ用電子証明書" not in " ".join(
            step.ja for section in iphone for step in section.steps
        )


def test_the_hotline_separates_suspension_from_revocation(catalogue: RevocationCatalogue) -> None:
    steps = " ".join(step.ja for step in catalogue.paths["hotline_suspended"].steps)
    assert "一時停止は名義人以外でもできます" in steps
    assert "失効は名義人ご本人が行ってください" in steps
    assert "市区町村の窓口" in steps
    assert "別のスマートフォンのマイナポータルアプリ" in steps
    assert "24時間" in catalogue.hotline.description.ja
    assert "一時停止" in catalogue.hotline.description.ja  # 24 h is for suspension only
    assert "受付時間内" in catalogue.hotline.description.ja


def test_model_change_says_the_old_phone_must_go_online(catalogue: RevocationCatalogue) -> None:
    entry = catalogue.paths["model_changed"]
    steps = " ".join(step.ja for step in entry.steps)
    assert "自動で失効" in steps
    assert "インターネットにつないで" in steps
    assert "48時間" in steps


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
    "missing model_changed": lambda raw: _without_path(raw, "model_changed"),
    "no heading": lambda raw: path_item(raw, "app_revoked").pop("heading"),
    "steps for an os the path lacks": lambda raw: path_item(raw, "app_revoked").update(
        steps_by_os={"iphone": [{"ja": "…してください。", "en": "…"}]}
    ),
    "empty os steps": lambda raw: path_item(raw, "check_first")["steps_by_os"].update(android=[]),
    "guidance names no such path": lambda raw: path_item(raw, "not_done")["guidance_by_os"].update(
        android=["app_revoked", "teleport"]
    ),
    "guidance names a path of another os": lambda raw: path_item(raw, "not_done")[
        "guidance_by_os"
    ].update(android=["iphone_removed"]),
    "empty guidance": lambda raw: path_item(raw, "not_done")["guidance_by_os"].update(iphone=[]),
    "section id taken by a path": lambda raw: raw["sections"].append(
        {"id": "not_done", "heading": {"ja": "x", "en": "x"}, "steps": [{"ja": "x", "en": "x"}]}
    ),
    "refusal guidance for a bad os": lambda raw: raw["refusal_guidance"][
        "performed_by_other"
    ].update(windows=["app_revoked"]),
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


# --- statements ---------------------------------------------------------------------------

CURRENT = "2026.12.1"
FIRST = "2026.11.1"
STATEMENT_IDS = (*CUSTOMER_STATEMENT_IDS, CLERK_STATEMENT_ID)


def statement_file(version: str) -> dict[str, Any]:
    return bundled_json(f"statements/{version}.json")


@pytest.mark.parametrize("statement_id", STATEMENT_IDS)
@pytest.mark.parametrize("language", ["ja", "en"])
def test_statement_hash_is_the_sha256_of_the_exact_text(statement_id: str, language: str) -> None:
    raw = statement_file(CURRENT)
    exact = raw["statements"][statement_id][language]
    statement = statement_catalogue().statement(statement_id, language)
    assert statement.text == exact
    assert statement.id == statement_id
    assert statement.language == language
    assert statement.version == raw["version"] == CURRENT
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


def test_every_released_statement_version_is_kept() -> None:
    """An old record verifies and reprints against the words it was signed with."""
    versions = statement_versions()
    assert {FIRST, CURRENT} <= versions.keys()
    assert statement_catalogue() is versions[CURRENT]
    first = statement_version(FIRST)
    assert first.version == FIRST
    assert first.texts["customer_revoked"] != statement_catalogue().texts["customer_revoked"]
    # The text of 2026.11.1 is what the first records pinned: it must never change.
    assert (
        first.statement("customer_revoked", "ja").sha256
        == "97cb54fb4a55dab500161d76d6b87e37d8a87dbb758fe718bb894944b04c4ab9"
    )
    with pytest.raises(KeyError):
        statement_version("1999.1.1")


def test_statements_say_what_the_law_requires() -> None:
    catalogue = statement_catalogue()
    for statement_id in CUSTOMER_STATEMENT_IDS:
        ja = catalogue.statement(statement_id, "ja").text
        en = catalogue.statement(statement_id, "en").text
        assert "私名義" in ja  # the signer is the holder
        assert "in my name" in en
        assert "初期化だけでは" in ja  # a reset does not remove it
        assert "代わりに" in ja or "に代わって" in ja  # nobody did it for them
        assert "盗品等ではありません" in ja
        assert "相違ありません" in ja
        if statement_id.endswith("_repair"):
            assert "to sell" not in en
            assert "記載の内容に相違ありません" in ja
        else:
            assert "記載の住所・氏名・職業・生年月日に相違ありません。" in ja
            assert "本品は私の所有物であり、盗品等ではありません。" in ja
            assert "mine to sell" in en
    revoked = catalogue.statement("customer_revoked", "ja").text
    assert "自分自身で失効" in revoked  # done personally
    assert "myself" in catalogue.statement("customer_revoked", "en").text
    for online in ("customer_revoked_online", "customer_revoked_online_repair"):
        assert "インターネットにつながっていました" in catalogue.statement(online, "ja").text
        assert "online" in catalogue.statement(online, "en").text
    assert "機種変更" in catalogue.statement("customer_model_changed", "ja").text
    assert "一度も入れていません" in catalogue.statement("customer_never_used", "ja").text


def test_the_clerk_statement_is_scoped_to_the_revocation() -> None:
    clerk = statement_catalogue().texts[CLERK_STATEMENT_ID]
    assert clerk.ja == (
        "担当者は、お客様の電子証明書の失効手続きを代わりに行っておらず、"
        "失効のための端末操作も行っていません。"
    )
    assert clerk.en == (
        "The clerk did not revoke the certificate for the customer, "
        "nor did they operate the phone for the revocation."
    )


@pytest.mark.parametrize(
    ("path_id", "purpose", "expected"),
    [
        ("app_revoked", "purchase", "customer_revoked"),
        ("iphone_removed", "trade_in", "customer_revoked"),
        ("app_uninstalled", "consignment", "customer_revoked_online"),
        ("reinstalled_after_reset", "purchase", "customer_revoked_online"),
        ("hotline_suspended", "purchase", "customer_suspended"),
        ("model_changed", "trade_in", "customer_model_changed"),
        ("never_used", "purchase", "customer_never_used"),
        ("never_used", "repair", "customer_never_used_repair"),
        ("app_revoked", "repair", "customer_revoked_repair"),
        ("not_done", "purchase", "customer_revoked"),  # a refusal records one too
    ],
)
def test_the_statement_follows_the_path_and_the_purpose(
    path_id: str, purpose: str, expected: str
) -> None:
    assert statement_id_for(path_id, purpose) == expected
    assert statement_id_for(path_id, Purpose(purpose)) == expected
    assert expected in statement_catalogue().texts


def test_every_customer_statement_id_exists() -> None:
    texts = statement_catalogue().texts
    assert set(texts) == set(STATEMENT_IDS)

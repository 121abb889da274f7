"""Shared fixtures: a real SQLite file per test, set up as a shop with one station."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

# Qt must never look for a screen in tests (QUALITY.md): set before any Qt import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop.app import AppContext
from desktop.clerks import Role, add_clerk
from desktop.setup import ShopDetails, initialise

DATA = Path(__file__).parent / "data"
# The station keys are encrypted at rest (desktop.keys): every test's shop uses this.
KEY_PASSPHRASE = "test-station-passphrase"
# scrypt at 2^10 instead of 2^17 for the keys the tests make: hundreds of set-ups and
# unlocks would otherwise cost 0.4 s each.  The real cost is tested on its own
# (tests/reliability/test_station_key.py), and keys made by a child process use it.
TEST_SCRYPT_LOG2_N = 10
MANAGER_PIN = "246813"  # a manager's PIN has at least 6 digits
CLERK_PIN = "5678"
# 2026-11-27 10:00 in Tokyo.
START = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


class Clock:
    """A clock the tests move by hand."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def example_document() -> dict[str, Any]:
    """The intake document of ARCHITECTURE.md (a fresh copy each call)."""
    return copy.deepcopy(json.loads((DATA / "intake_example.json").read_text(encoding="utf-8")))


@pytest.fixture
def doc() -> dict[str, Any]:
    return example_document()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user's data, log folder or OS key store."""
    monkeypatch.setenv("REVOKE_DESK_LOG_DIR", str(tmp_path / "log"))
    # Set in os.environ, so child processes (subprocess tests, benches) inherit it.
    monkeypatch.setenv("REVOKE_DESK_KEY_PASSPHRASE", KEY_PASSPHRASE)
    # keyring's back-end that keeps nothing: a developer's real key store stays untouched.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setattr("desktop.keys.SCRYPT_LOG2_N", TEST_SCRYPT_LOG2_N)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("REVOKE_DESK_TRUST_DIR", str(tmp_path / "trust"))
    # Never this machine's own location file (/etc/revoke-desk/location.json, if a .deb
    # was installed here): the per-user folders above, unless a test writes its own.
    monkeypatch.setenv("REVOKE_DESK_LOCATION_FILE", str(tmp_path / "no-location.json"))
    for var in (
        "REVOKE_DESK_DB",
        "REVOKE_DESK_KEYS",
        "REVOKE_DESK_STATION",
        "REVOKE_DESK_PKCS12_PASSPHRASE",
    ):
        monkeypatch.delenv(var, raising=False)


def set_up_shop(ctx: AppContext, station: str = "S01") -> None:
    with ctx.transaction() as session:
        signer = initialise(
            session,
            keys_dir=ctx.keys_dir,
            shop=ShopDetails(
                name="リボーク質店 千代田店",
                license_no="第301020001234号",
                commission="東京都公安委員会",
                address="東京都千代田区丸の内1-1-1",
                phone="03-0000-0000",
            ),
            station=station,
            manager_code="M01",
            manager_name="店長 一郎",
            manager_pin=MANAGER_PIN,
            now=ctx.clock(),
        )
        add_clerk(
            session,
            signer,
            code="C01",
            name="佐藤 花子",
            role=Role.CLERK,
            pin=CLERK_PIN,
            now=ctx.clock(),
            added_by="M01",
        )


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'shop.sqlite3'}"


@pytest.fixture
def ctx(db_url: str, tmp_path: Path, clock: Clock) -> Iterator[AppContext]:
    """An initialised shop: station S01, manager M01 (PIN 246813), clerk C01 (PIN 5678)."""
    context = AppContext.open(db_url, tmp_path / "keys", create=True, clock=clock)
    set_up_shop(context)
    yield context
    context.close()

"""The PyInstaller bundle, run from the bundle (not from a venv): the CLI contract and the GUI.

Each program runs with no PYTHONPATH, from a folder outside the checkout, on a shop of
its own, so nothing is borrowed from the source tree or the test venv.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import CLERK_PIN, DATA, MANAGER_PIN
from tests.installer.conftest import ROOT

pytestmark = pytest.mark.bundle

EXE = ".exe" if sys.platform == "win32" else ""
TIMEOUT = 120
PASSPHRASE = "bundle-smoke-passphrase"


def program(bundle: Path, name: str = "revoke-desk") -> Path:
    return bundle / f"{name}{EXE}"


class Shop:
    """One PC's folders and the bundle's programs run against them."""

    def __init__(self, bundle: Path, home: Path) -> None:
        self.bundle = bundle
        self.home = home
        self.work = home / "work"
        self.work.mkdir(parents=True)
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTHON", "REVOKE_DESK_", "VIRTUAL_ENV", "XDG_"))
        }
        env.update(
            HOME=str(home),
            XDG_DATA_HOME=str(home / "data"),
            XDG_CONFIG_HOME=str(home / "config"),
            XDG_STATE_HOME=str(home / "state"),
            # platformdirs on Windows asks the shell, not the environment: name the folders
            REVOKE_DESK_DB=f"sqlite:///{home / 'data' / 'revoke-desk.sqlite3'}",
            REVOKE_DESK_KEYS=str(home / "data" / "keys"),
            REVOKE_DESK_LOG_DIR=str(home / "log"),
            REVOKE_DESK_TRUST_DIR=str(home / "config" / "trust"),
            # never this PC's own /etc/revoke-desk/location.json
            REVOKE_DESK_LOCATION_FILE=str(home / "no-location.json"),
            REVOKE_DESK_KEY_PASSPHRASE=PASSPHRASE,
            PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
            QT_QPA_PLATFORM="offscreen",
        )
        self.env = env

    def run(
        self, *args: str, stdin: str = "", name: str = "revoke-desk"
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(program(self.bundle, name)), *args],
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=self.work,
            env=self.env,
            timeout=TIMEOUT,
            check=False,
        )

    def ok(self, *args: str, stdin: str = "") -> str:
        result = self.run(*args, stdin=stdin)
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result.stdout


@pytest.fixture(scope="module")
def shop(bundle_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Shop:
    """A shop set up from the bundle: init (first manager M01) and a clerk C01."""
    shop = Shop(bundle_dir, tmp_path_factory.mktemp("bundle-shop"))
    shop.ok(
        "init",
        "--shop-name",
        "リボーク質店",
        "--station",
        "S01",
        "--manager",
        "M01",
        "--license-no",
        "第301020001234号",
        "--commission",
        "東京都公安委員会",
        stdin=f"{MANAGER_PIN}\n",
    )
    out = shop.ok(
        "clerk", "add", "C01", "--name", "佐藤 花子", "--manager", "M01",
        stdin=f"{MANAGER_PIN}\n{CLERK_PIN}\n",
    )  # fmt: skip
    assert "C01" in out
    return shop


def test_the_bundle_holds_its_programs_and_data(bundle_dir):
    for name in ("revoke-desk", "revoke-desk-gui"):
        head = program(bundle_dir, name).read_bytes()[:4]
        assert head == b"\x7fELF" or head.startswith(b"MZ"), f"{name} is not a program"
    internal = bundle_dir / "_internal"
    for relative in (
        "db/migrations/env.py",
        "db/migrations/versions/0001_initial.py",
        "desktop/data/revocation_paths.json",
        "desktop/data/slip_texts.json",
        "reports/fonts/BIZUDPGothic-Regular.ttf",
        "reports/fonts/HanaMinB.ttf",
        "reports/fonts/OFL.txt",
        "reports/fonts/HANAZONO-LICENSE.txt",
        "ui/translations/revoke_desk_en.qm",
        "ui/icons/revoke-desk.png",
    ):
        assert (internal / relative).is_file(), relative
    assert list((internal / "desktop" / "data" / "statements").glob("*.json"))
    assert list(internal.glob("revoke_desk-*.dist-info"))


def test_version_is_the_package_version(bundle_dir, tmp_path):
    expected = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    result = Shop(bundle_dir, tmp_path).run("--version")
    assert result.returncode == 0, result.stderr
    version, location = result.stdout.splitlines()
    assert version == f"revoke-desk {expected}"
    # the data location in use: per-user here (no location file on this test's PC)
    assert location.startswith("data: ") and "per-user" in location


def test_the_bundle_reads_a_machine_wide_location_file(bundle_dir, tmp_path):
    shop = Shop(bundle_dir, tmp_path)
    location = tmp_path / "location.json"
    shared = tmp_path / "shared"
    location.write_text(
        json.dumps(
            {
                "format": 1,
                "scope": "machine",
                "data_dir": str(shared / "data"),
                "trust_dir": str(shared / "trust"),
                "log_dir": str(shared / "log"),
                "group": "revoke-desk",
            }
        ),
        "utf-8",
    )
    shop.env["REVOKE_DESK_LOCATION_FILE"] = str(location)
    out = shop.ok("--version")
    assert f"data: {shared / 'data'}" in out and "machine-wide, group revoke-desk" in out


def test_the_gui_opens_its_first_run_on_a_new_pc(bundle_dir, tmp_path):
    result = Shop(bundle_dir, tmp_path).run("--smoke-gui")
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert "smoke-gui: FirstRunView shown" in result.stdout


def test_intake_verify_slip_and_verify_slip(shop):
    out = shop.ok("intake", "--json", str(DATA / "intake_example.json"))
    receipt, outcome = out.split()[:2]
    assert outcome == "accepted"
    assert "S01: OK" in shop.ok("verify")
    slip = shop.work / "slip.pdf"
    shop.ok("slip", receipt, "-o", str(slip))
    assert slip.read_bytes().startswith(b"%PDF")
    assert f"OK {receipt}: genuine" in shop.ok("verify-slip", str(slip))
    # a changed slip is caught, from the bundle too (pyHanko and its data are in it)
    tampered = shop.work / "tampered.pdf"
    tampered.write_bytes(slip.read_bytes() + b"\n%extra\n")
    assert shop.run("verify-slip", str(tampered)).returncode == 1


def test_close_day_and_verify_export(shop):
    receipt = shop.ok("intake", "--json", str(DATA / "intake_example.json")).split()[0]
    day = receipt.split("-")[1]
    out_dir = shop.work / "export"
    shop.ok(
        "close-day", "--date", f"{day[:4]}-{day[4:6]}-{day[6:]}", "--out", str(out_dir),
        "--manager", "M01", stdin=f"{MANAGER_PIN}\n",
    )  # fmt: skip
    assert (out_dir / "intakes.xlsx").is_file()
    assert "OK S01" in shop.ok("verify-export", str(out_dir))


def test_the_gui_opens_the_main_window_once_set_up(shop):
    result = shop.run("--smoke-gui")
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert "smoke-gui: MainWindow shown" in result.stdout
    # the windowed program too (on Windows it has no console: only its exit code tells)
    assert shop.run("--smoke-gui", name="revoke-desk-gui").returncode == 0


def test_the_log_shows_no_fault(shop):
    shop.ok("verify")
    log = "\n".join(p.read_text("utf-8") for p in (shop.home / "log").glob("*.log*"))
    assert "GUI smoke check: MainWindow shown" in log
    assert "unexpected fault" not in log
    assert "Traceback" not in log


def test_a_wrong_command_is_usage_not_a_fault(shop):
    result = shop.run("no-such-command")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="the symlink is the .deb's")
def test_it_runs_through_a_symlink_as_usr_bin_does(shop, tmp_path):
    link = tmp_path / "revoke-desk"
    link.symlink_to(program(shop.bundle))
    result = subprocess.run(
        [str(link), "--version"], capture_output=True, text=True, env=shop.env,
        timeout=TIMEOUT, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr

"""The Linux machine-wide data folders: installer/linux/revoke-desk-data-location and postinst.

Run for real as root, with the paths moved under a temporary folder and the group
``users`` standing in for ``revoke-desk`` (the script makes the group only when it is
missing, and this machine's /etc/group is left alone).  The location file it writes
is then read by the app's own desktop/config.py.
"""

from __future__ import annotations

import grp
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from desktop import config, files
from tests.installer.conftest import ROOT

LINUX = ROOT / "installer" / "linux"
SCRIPT = LINUX / "revoke-desk-data-location"
POSTINST = LINUX / "debian" / "postinst"
POSTRM = LINUX / "debian" / "postrm"
GROUP = "users"
pytestmark = [
    pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="needs root (chown)"),
    pytest.mark.skipif(shutil.which("getent") is None, reason="needs getent"),
]


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    if GROUP not in {g.gr_name for g in grp.getgrall()}:
        pytest.skip(f"no group {GROUP!r}")
    return {
        "PATH": os.environ["PATH"],
        "REVOKE_DESK_ETC": str(tmp_path / "etc" / "revoke-desk"),
        "REVOKE_DESK_VAR_LIB": str(tmp_path / "var" / "lib" / "revoke-desk"),
        "REVOKE_DESK_VAR_LOG": str(tmp_path / "var" / "log" / "revoke-desk"),
        "REVOKE_DESK_GROUP": GROUP,
        "REVOKE_DESK_DATA_LOCATION_TOOL": str(SCRIPT),
        **extra,
    }


def run(program: Path, *args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(program), *args], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_machine_makes_the_group_folders_and_the_location_file(tmp_path, monkeypatch):
    env = environment(tmp_path)
    out = run(SCRIPT, "machine", env=env)
    assert "machine-wide data" in out and "adduser" in out
    gid = grp.getgrnam(GROUP).gr_gid
    var_lib = tmp_path / "var" / "lib" / "revoke-desk"
    for folder in (var_lib / "data", var_lib / "trust", tmp_path / "var" / "log" / "revoke-desk"):
        info = folder.stat()
        assert stat.S_IMODE(info.st_mode) == 0o2770, folder
        assert (info.st_uid, info.st_gid) == (0, gid), folder
    location = tmp_path / "etc" / "revoke-desk" / "location.json"
    info = location.stat()
    assert stat.S_IMODE(info.st_mode) == 0o644 and info.st_uid == 0  # only root writes it
    # the app reads what the installer wrote
    monkeypatch.setenv(config.LOCATION_FILE.env, str(location))
    read = config.data_location()
    assert read.shared and read.group == GROUP
    assert read.data == var_lib / "data"
    assert read.trust == var_lib / "trust"
    assert files.protection() == files.shared(GROUP)
    assert '"scope": "machine"' in run(SCRIPT, "show", env=env)


def test_again_keeps_the_data_and_user_removes_only_the_location_file(tmp_path):
    env = environment(tmp_path)
    run(SCRIPT, "machine", env=env)
    data = tmp_path / "var" / "lib" / "revoke-desk" / "data"
    (data / "revoke-desk.sqlite3").write_bytes(b"shop")
    run(SCRIPT, "machine", env=env)  # an upgrade runs it again
    assert (data / "revoke-desk.sqlite3").read_bytes() == b"shop"
    assert "per-user" in run(SCRIPT, "user", env=env)
    assert not (tmp_path / "etc" / "revoke-desk" / "location.json").exists()
    assert (data / "revoke-desk.sqlite3").read_bytes() == b"shop"
    assert "per-user" in run(SCRIPT, "show", env=env)


def test_postinst_writes_the_location_only_when_asked(tmp_path):
    location = tmp_path / "etc" / "revoke-desk" / "location.json"
    run(POSTINST, "configure", env=environment(tmp_path))
    assert (tmp_path / "var" / "lib" / "revoke-desk" / "data").is_dir()  # prepared
    assert not location.exists()  # per-user unless asked
    run(POSTINST, "configure", env=environment(tmp_path, REVOKE_DESK_SCOPE="machine"))
    assert location.is_file()
    run(POSTINST, "configure", env=environment(tmp_path))  # an upgrade keeps the choice
    assert location.is_file()


def test_purge_keeps_the_shared_data_and_the_location_file(tmp_path):
    env = environment(tmp_path)
    run(SCRIPT, "machine", env=env)
    data = tmp_path / "var" / "lib" / "revoke-desk" / "data"
    (data / "revoke-desk.sqlite3").write_bytes(b"shop")
    for action in ("remove", "purge"):
        out = run(POSTRM, action, env=env)
    assert "kept" in out and "/var/lib/revoke-desk" in out
    assert (data / "revoke-desk.sqlite3").read_bytes() == b"shop"
    assert (tmp_path / "etc" / "revoke-desk" / "location.json").is_file()
    assert "rm " not in POSTRM.read_text("utf-8")


def test_a_bad_word_is_usage(tmp_path):
    done = subprocess.run(
        [str(SCRIPT), "everyone"], env=environment(tmp_path), capture_output=True, check=False
    )
    assert done.returncode == 2

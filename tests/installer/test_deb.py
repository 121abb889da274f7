"""The .deb around the bundle (installer/linux/make-deb.sh): layout, metadata, data kept.

Run by ./test after the suite with REVOKE_DESK_DEB set; the package is unpacked
with dpkg-deb, not installed (docs/decisions.md: installed by hand once, here).
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="needs dpkg-deb"),
]


def deb(*args: str) -> str:
    return subprocess.run(["dpkg-deb", *args], capture_output=True, text=True, check=True).stdout


def test_the_control_file_names_the_package(deb_file):
    control = deb("--field", str(deb_file))
    fields = dict(line.split(": ", 1) for line in control.splitlines() if ": " in line)
    assert fields["Package"] == "revoke-desk"
    assert deb_file.name == f"revoke-desk_{fields['Version']}_{fields['Architecture']}.deb"
    assert int(fields["Installed-Size"]) > 100_000  # KiB: the whole bundle is in it


def test_it_installs_under_opt_with_links_a_menu_entry_and_an_icon(deb_file):
    listing = deb("--contents", str(deb_file))
    assert "./opt/revoke-desk/revoke-desk\n" in listing
    assert "./opt/revoke-desk/revoke-desk-gui\n" in listing
    assert "./usr/bin/revoke-desk -> /opt/revoke-desk/revoke-desk" in listing
    assert "./usr/bin/revoke-desk-gui -> /opt/revoke-desk/revoke-desk-gui" in listing
    for path in (
        "./usr/share/applications/revoke-desk.desktop",
        "./usr/share/icons/hicolor/scalable/apps/revoke-desk.svg",
        "./usr/share/icons/hicolor/256x256/apps/revoke-desk.png",
        "./usr/share/doc/revoke-desk/copyright",
        "./usr/share/doc/revoke-desk/README.Debian",
        "./usr/sbin/revoke-desk-data-location",
    ):
        assert f"{path}\n" in listing, path
    assert " root/root " in listing  # --root-owner-group


def test_the_unpacked_program_runs(deb_file, tmp_path):
    subprocess.run(["dpkg-deb", "-x", str(deb_file), str(tmp_path)], check=True)
    result = subprocess.run(
        [str(tmp_path / "opt/revoke-desk/revoke-desk"), "--version"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    entry = (tmp_path / "usr/share/applications/revoke-desk.desktop").read_text("utf-8")
    assert "Exec=revoke-desk-gui\n" in entry
    assert "Icon=revoke-desk\n" in entry
    validate = shutil.which("desktop-file-validate")
    if validate:
        subprocess.run([validate, str(tmp_path / "usr/share/applications/revoke-desk.desktop")],
                       check=True)  # fmt: skip


def test_removing_or_purging_keeps_the_shops_data(deb_file, tmp_path):
    control = tmp_path / "control"
    subprocess.run(["dpkg-deb", "-e", str(deb_file), str(control)], check=True)
    postrm = control / "postrm"
    assert os.access(postrm, os.X_OK)
    # postinst makes the machine-wide folders; it writes no data and removes nothing
    assert os.access(control / "postinst", os.X_OK)
    assert "revoke-desk-data-location" in (control / "postinst").read_text("utf-8")
    assert not (control / "prerm").exists()
    home = tmp_path / "home"
    data = home / ".local/share/revoke-desk"
    (data / "keys").mkdir(parents=True)
    (data / "revoke-desk.sqlite3").write_bytes(b"shop")
    (data / "keys" / "S01.key.pem").write_bytes(b"key")
    env = {"PATH": os.environ["PATH"], "HOME": str(home)}
    for action in ("remove", "purge"):
        result = subprocess.run(
            [str(postrm), action], capture_output=True, text=True, env=env, check=False
        )
        assert result.returncode == 0, result.stderr
    assert (data / "revoke-desk.sqlite3").read_bytes() == b"shop"
    assert (data / "keys" / "S01.key.pem").read_bytes() == b"key"
    assert "kept" in result.stdout
    text = postrm.read_text("utf-8")
    assert "rm " not in text  # it deletes nothing

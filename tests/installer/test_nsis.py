"""The Windows installer script compiles (makensis on Debian) against a stand-in payload.

The real payload is the Windows bundle, which only a Windows machine can build
(.github/workflows/windows.yml); what is checked here is the script itself: it
compiles in Japanese to a Windows installer, takes its version, and runs the
signing step on the installer and the uninstaller only when it is given one.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.installer.conftest import ROOT

MAKENSIS = shutil.which("makensis")
SCRIPT = ROOT / "installer" / "windows" / "revoke-desk.nsi"
pytestmark = pytest.mark.skipif(MAKENSIS is None, reason="needs makensis (apt-get install nsis)")


def stand_in_payload(folder: Path) -> Path:
    """The bundle's shape: the two programs and _internal/ (with a Japanese file name)."""
    payload = folder / "payload"
    (payload / "_internal" / "reports" / "fonts").mkdir(parents=True)
    for name in ("revoke-desk.exe", "revoke-desk-gui.exe"):
        (payload / name).write_bytes(b"MZ stand-in")
    (payload / "_internal" / "reports" / "fonts" / "OFL.txt").write_text("OFL", "utf-8")
    (payload / "_internal" / "控え.txt").write_text("stand-in", "utf-8")
    return payload


def compile_installer(tmp_path: Path, *defines: str) -> tuple[Path, str]:
    out = tmp_path / "RevokeDesk-0.1.0-setup.exe"
    assert MAKENSIS is not None
    result = subprocess.run(
        [
            MAKENSIS,
            "-V2",
            "-DVERSION=0.1.0",
            f"-DPAYLOAD={stand_in_payload(tmp_path)}",
            f"-DOUTFILE={out}",
            *defines,
            str(SCRIPT),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out, result.stdout + result.stderr


def test_the_script_compiles_to_a_windows_installer(tmp_path):
    out, log = compile_installer(tmp_path)
    data = out.read_bytes()
    assert data[:2] == b"MZ"
    assert b"Nullsoft" in data or b"NullsoftInst" in data
    assert "warning" not in log.lower()


def test_it_needs_a_version_and_a_payload(tmp_path):
    result = subprocess.run(
        [str(MAKENSIS), "-V2", f"-DOUTFILE={tmp_path / 'x.exe'}", str(SCRIPT)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "VERSION" in result.stdout + result.stderr


def test_signing_runs_on_the_installer_and_the_uninstaller_only_when_asked(tmp_path):
    record = tmp_path / "signed.txt"
    signer = tmp_path / "sign.sh"
    signer.write_text(f'#!/bin/sh\necho "$1" >> "{record}"\n', "utf-8")
    signer.chmod(0o755)
    out, _ = compile_installer(tmp_path, f"-DSIGN_SCRIPT={signer}")
    signed = record.read_text("utf-8").split()
    assert len(signed) == 2  # the uninstaller (a temporary file), then the installer
    assert signed[-1] == str(out)

    record.unlink()
    unsigned = tmp_path / "unsigned"
    unsigned.mkdir()
    compile_installer(unsigned)
    assert not record.exists()


def test_the_script_is_japanese_and_keeps_the_data_on_uninstall():
    text = SCRIPT.read_text("utf-8-sig")
    assert 'MUI_LANGUAGE "Japanese"' in text
    assert "Unicode true" in text
    uninstall = text.split('Section "Uninstall"', 1)[1]
    # the program folder's own files only: nothing under the users' data folders
    assert "LOCALAPPDATA" not in uninstall.split("SectionEnd", 1)[0]
    assert "APPDATA" not in uninstall.split("SectionEnd", 1)[0]
    assert 'RMDir /r "$INSTDIR"' not in uninstall
    assert "店舗のデータ" in text

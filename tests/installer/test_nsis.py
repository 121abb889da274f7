"""The Windows installer script compiles (makensis on Debian) against a stand-in payload.

The real payload is the Windows bundle, which only a Windows machine can build
(.github/workflows/windows.yml); what is checked here is the script itself: it
compiles in Japanese to a Windows installer, takes its version, and runs the
signing step on the installer and the uninstaller only when it is given one.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from desktop import config, files
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


# --- all users: the machine-wide data folders ------------------------------------------------


def _defines(text: str) -> dict[str, str]:
    found = re.findall(r'^!define (\w+) "([^"]*)"', text, flags=re.MULTILINE)
    return dict(found)


def _expand(line: str, defines: dict[str, str]) -> str:
    return re.sub(r"\$\{(\w+)\}", lambda m: defines.get(m.group(1), m.group(0)), line)


def test_the_shared_folders_get_the_dacl_that_files_py_builds():
    """One DACL, declared in desktop/files.py; the installer's icacls lines are the same."""
    text = SCRIPT.read_text("utf-8-sig")
    defines = _defines(text)
    macro = text.split("!macro ProtectShared FOLDER", 1)[1].split("!macroend", 1)[0]
    lines = [
        shlex.split(_expand(m, {**defines, "FOLDER": "C:/RD/data"}))
        for m in re.findall(r"nsExec::ExecToLog '([^']*)'", macro)
    ]
    expected = files.icacls_commands(
        "C:/RD/data", folder=True, wanted=files.shared(config.WINDOWS_GROUP), account="unused"
    )
    assert lines == expected
    assert defines["USERS_GROUP"] == config.WINDOWS_GROUP
    for folder in ("data", "trust", "log"):
        assert f'!insertmacro ProtectShared "$R0\\{folder}"' in text


def test_the_location_file_it_writes_is_the_one_the_app_reads(tmp_path, monkeypatch):
    text = SCRIPT.read_text("utf-8-sig")
    defines = _defines(text)
    written = "".join(re.findall(r"FileWrite \$0 '([^']*)'", text))
    base = r"C:\ProgramData\RevokeDesk"
    content = (
        _expand(written, defines)
        .replace("$\\r$\\n", "\r\n")
        .replace("$R1", base.replace("\\", "\\\\"))
    )
    document = json.loads(content)
    monkeypatch.setattr(config.sys, "platform", "win32")
    monkeypatch.setenv("PROGRAMDATA", r"C:\ProgramData")
    assert document["format"] == config.LOCATION_FORMAT and document["scope"] == "machine"
    assert document["group"] == config.machine_folders()["group"]
    assert document["data_dir"] == base + r"\data"
    assert document["trust_dir"] == base + r"\trust"
    assert document["log_dir"] == base + r"\log"
    # the same file with POSIX paths passes the app's own reader
    posix = {**document, **{k: f"/srv/rd/{k}" for k in ("data_dir", "trust_dir", "log_dir")}}
    (tmp_path / "location.json").write_text(json.dumps(posix), "utf-8")
    read = config.read_location_file(tmp_path / "location.json")
    assert read is not None and read.shared and read.group == config.WINDOWS_GROUP


def test_all_users_is_a_choice_on_its_own_page_and_a_silent_option():
    text = SCRIPT.read_text("utf-8-sig")
    assert "Page custom ScopePage ScopePageLeave" in text
    assert '${GetOptions} $R0 "/ALLUSERS" $R1' in text
    assert "このユーザーだけ（既定）" in text
    assert "StrCpy $AllUsers 0" in text  # just me by default
    assert 'net localgroup "${USERS_GROUP}" /add' in text
    # the uninstaller keeps the shared data, the location file and the group
    uninstall = text.split('Section "Uninstall"', 1)[1]
    assert "ProgramData" not in uninstall.split("SectionEnd", 1)[0]
    assert "localgroup" not in uninstall

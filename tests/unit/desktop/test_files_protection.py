"""Who may read the app's files: modes per scope (POSIX) and the icacls lines (Windows).

icacls cannot run here (no Windows): what is tested is the pure function that builds its
command lines, and that nothing runs it on another OS.
"""

from __future__ import annotations

import grp
import json
import os
import stat
from pathlib import Path

import pytest

from desktop import config, files

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def own_group() -> str:
    return grp.getgrgid(os.getgid()).gr_name


@pytest.fixture
def machine_wide(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A location file naming a group this process is in (the installers use revoke-desk)."""
    shared = tmp_path / "shared"
    path = tmp_path / "location.json"
    path.write_text(
        json.dumps(
            {
                "format": 1,
                "scope": "machine",
                "data_dir": str(shared / "data"),
                "trust_dir": str(shared / "trust"),
                "log_dir": str(shared / "log"),
                "group": own_group(),
            }
        ),
        "utf-8",
    )
    monkeypatch.setenv(config.LOCATION_FILE.env, str(path))
    return shared


@pytest.fixture
def restore_umask():
    before = os.umask(0o022)
    os.umask(before)
    yield
    os.umask(before)


def test_per_user_the_files_are_the_users_alone(tmp_path, restore_umask):
    assert files.protection() == files.PRIVATE
    files.use_private_umask()
    assert os.umask(0o077) == 0o077
    folder = files.private_folder(tmp_path / "data" / "keys", ours=True)
    assert mode(folder) == 0o700
    fd = files.new_private_file(folder / "S01.key.pem")
    os.close(fd)
    assert mode(folder / "S01.key.pem") == 0o600


def test_machine_wide_the_apps_group_shares_them(machine_wide, restore_umask):
    wanted = files.protection()
    assert wanted.shared and wanted.group == own_group()
    assert (wanted.file_mode, wanted.folder_mode, wanted.umask) == (0o660, 0o2770, 0o007)
    files.use_private_umask()
    assert os.umask(0o007) == 0o007
    folder = files.private_folder(machine_wide / "data", ours=True)
    assert mode(folder) == 0o2770  # setgid: files made inside take the group
    keys = files.private_folder(folder / "keys", ours=False)
    assert mode(keys) == 0o2770
    os.close(files.new_private_file(keys / "S01.key.pem"))
    assert mode(keys / "S01.key.pem") == 0o660
    assert (keys / "S01.key.pem").stat().st_gid == grp.getgrnam(own_group()).gr_gid


def test_existing_files_are_set_to_the_scopes_modes(tmp_path, machine_wide):
    db = tmp_path / "shop.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").write_bytes(b"x")
        Path(f"{db}{suffix}").chmod(0o644)
    files.make_database_private(db)
    assert {mode(Path(f"{db}{s}")) for s in ("", "-wal", "-shm")} == {0o660}
    files.make_private(db, files.PRIVATE)
    assert mode(db) == 0o600
    db.chmod(0o666)
    files.make_private(db, files.PRIVATE)
    assert mode(db) == 0o600  # world-writable is tightened too


def test_a_folder_the_user_chose_is_not_changed(tmp_path):
    chosen = tmp_path / "chosen"
    chosen.mkdir(mode=0o755)
    chosen.chmod(0o755)
    files.private_folder(chosen, ours=False)
    assert mode(chosen) == 0o755
    files.private_folder(chosen, ours=True)
    assert mode(chosen) == 0o700


def test_a_symlink_is_never_followed(tmp_path):
    target = tmp_path / "someone-elses"
    target.write_bytes(b"x")
    target.chmod(0o644)
    link = tmp_path / "link"
    link.symlink_to(target)
    files.make_private(link)
    assert mode(target) == 0o644


def test_a_damaged_location_file_falls_back_to_the_strictest(tmp_path, monkeypatch):
    broken = tmp_path / "location.json"
    broken.write_text("{", "utf-8")
    monkeypatch.setenv(config.LOCATION_FILE.env, str(broken))
    assert files.protection() == files.PRIVATE


# --- Windows: the icacls command lines ------------------------------------------------------


def test_icacls_per_user_folder_gives_the_account_system_and_administrators_only():
    lines = files.icacls_commands(
        r"C:\Users\tanaka\AppData\Local\revoke-desk",
        folder=True,
        wanted=files.PRIVATE,
        account=r"SHOP-PC\tanaka",
    )
    assert lines == [
        [
            "icacls",
            r"C:\Users\tanaka\AppData\Local\revoke-desk",
            "/grant:r",
            "*S-1-5-18:(OI)(CI)F",
            "*S-1-5-32-544:(OI)(CI)F",
            r"SHOP-PC\tanaka:(OI)(CI)F",
            "/Q",
        ],
        ["icacls", r"C:\Users\tanaka\AppData\Local\revoke-desk", "/inheritance:r", "/Q"],
        [
            "icacls",
            r"C:\Users\tanaka\AppData\Local\revoke-desk",
            "/remove:g",
            "*S-1-1-0",
            "*S-1-5-11",
            "*S-1-5-32-545",
            "/Q",
        ],
    ]


def test_icacls_grants_before_it_cuts_inheritance():
    """Cutting first would leave the path, for a moment, with no entry for its user."""
    lines = files.icacls_commands("k", folder=False, wanted=files.PRIVATE, account="u")
    options = [line[2] for line in lines]
    assert options.index("/grant:r") < options.index("/inheritance:r")


def test_icacls_on_a_file_passes_nothing_on():
    (grant, *_) = files.icacls_commands(
        r"C:\data\keys\S01.key.pem", folder=False, wanted=files.PRIVATE, account="tanaka"
    )
    assert grant[3:6] == ["*S-1-5-18:F", "*S-1-5-32-544:F", "tanaka:F"]
    assert not any("(OI)" in part for part in grant)


def test_icacls_machine_wide_gives_the_group_modify_and_no_single_account():
    (grant, cut, remove) = files.icacls_commands(
        r"C:\ProgramData\RevokeDesk\data",
        folder=True,
        wanted=files.shared(config.WINDOWS_GROUP),
        account=r"SHOP-PC\tanaka",
    )
    assert grant[3:6] == [
        "*S-1-5-18:(OI)(CI)F",
        "*S-1-5-32-544:(OI)(CI)F",
        "RevokeDesk Users:(OI)(CI)M",  # one argument: subprocess, no shell quoting
    ]
    assert not any("tanaka" in part for line in (grant, cut, remove) for part in line)
    assert cut[2] == "/inheritance:r"
    assert "*S-1-1-0" in remove  # Everyone


def test_a_path_with_spaces_and_japanese_stays_one_argument():
    path = r"C:\Users\田中 太郎\AppData\Local\revoke-desk"
    for line in files.icacls_commands(path, folder=True, wanted=files.PRIVATE, account="x"):
        assert line[1] == path


def test_the_windows_account_is_domain_and_user(monkeypatch):
    monkeypatch.setenv("USERNAME", "tanaka")
    monkeypatch.setenv("USERDOMAIN", "SHOP-PC")
    assert files.windows_account() == r"SHOP-PC\tanaka"
    monkeypatch.delenv("USERDOMAIN")
    assert files.windows_account() == "tanaka"


def test_icacls_never_runs_on_another_os(tmp_path, monkeypatch):
    ran: list[object] = []
    monkeypatch.setattr(files.subprocess, "run", lambda *a, **k: ran.append(a))
    assert files.protect_on_windows(tmp_path, folder=True) is False
    files.private_folder(tmp_path / "new", ours=True)
    assert ran == []


def test_a_refusal_names_the_group_only_for_the_shared_folders(tmp_path, machine_wide):
    inside = files.no_access(machine_wide / "data" / "revoke-desk.sqlite3")
    assert f"must be in the group {own_group()!r}" in inside.en
    assert own_group() in inside.ja
    outside = files.no_access(tmp_path / "export" / "day.csv")
    assert "must be in the group" not in outside.en
    assert "check the folder's permissions" in outside.en

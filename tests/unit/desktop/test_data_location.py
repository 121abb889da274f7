"""Where the data lives: per-user by default, machine-wide when the installer wrote a location file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from desktop import config
from desktop.cli import run
from desktop.errors import UserError


def write_location(path: Path, **fields: object) -> Path:
    document = {"format": 1, "scope": "machine", **fields}
    path.write_text(json.dumps(document), "utf-8")
    return path


def machine_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **extra: object) -> Path:
    shared = tmp_path / "shared"
    fields: dict[str, object] = {
        "data_dir": str(shared / "data"),
        "trust_dir": str(shared / "trust"),
        "log_dir": str(shared / "log"),
        "group": "revoke-desk",
        **extra,
    }
    path = write_location(tmp_path / "location.json", **fields)
    monkeypatch.setenv(config.LOCATION_FILE.env, str(path))
    return path


@pytest.fixture
def no_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    for location in (config.TRUST_DIR, config.LOG_DIR):
        monkeypatch.delenv(location.env, raising=False)


def test_without_a_location_file_the_folders_are_the_users_own(tmp_path, no_overrides):
    location = config.data_location()
    assert location.scope == "user" and not location.shared
    assert location.data == tmp_path / "xdg-data" / "revoke-desk"  # XDG_DATA_HOME (conftest)
    assert config.data_dir() == location.data
    assert config.trust_dir() == tmp_path / "xdg-config" / "revoke-desk" / "trust"
    assert "per-user" in location.describe()


def test_the_installers_location_file_moves_every_folder(tmp_path, monkeypatch, no_overrides):
    path = machine_file(tmp_path, monkeypatch)
    location = config.data_location()
    assert location.shared and location.group == "revoke-desk" and location.source == path
    assert config.data_dir() == tmp_path / "shared" / "data"
    assert config.trust_dir() == tmp_path / "shared" / "trust"
    assert config.log_dir() == tmp_path / "shared" / "log"
    # the database and the keys follow the data folder
    url = config.resolve_db_url(None)
    assert url == f"sqlite:///{tmp_path / 'shared' / 'data' / config.DB_FILE_NAME}"
    assert config.resolve_keys_dir(None, url) == tmp_path / "shared" / "data" / "keys"
    described = location.describe()
    assert "machine-wide" in described and "revoke-desk" in described and str(path) in described


def test_the_folder_variables_still_win_over_the_location_file(tmp_path, monkeypatch):
    machine_file(tmp_path, monkeypatch)
    monkeypatch.setenv(config.TRUST_DIR.env, str(tmp_path / "mine"))
    assert config.trust_dir() == tmp_path / "mine"
    monkeypatch.setenv(config.DB_URL.env, "sqlite:///elsewhere.sqlite3")
    assert config.resolve_db_url(None) == "sqlite:///elsewhere.sqlite3"


def test_an_empty_override_ignores_the_machine_file(tmp_path, monkeypatch):
    machine_file(tmp_path, monkeypatch)
    monkeypatch.setenv(config.LOCATION_FILE.env, "")
    assert config.location_file() is None
    assert config.data_location().scope == "user"


def test_without_the_override_the_file_is_the_os_ones(monkeypatch):
    monkeypatch.delenv(config.LOCATION_FILE.env)
    assert config.location_file() == config.default_location_file()
    assert config.default_location_file() == Path("/etc/revoke-desk/location.json")
    monkeypatch.setattr(config.sys, "platform", "win32")
    monkeypatch.setenv("PROGRAMDATA", r"D:\ProgramData")
    assert str(config.default_location_file()).endswith("location.json")
    assert "RevokeDesk" in str(config.default_location_file())
    assert config.machine_folders()["group"] == config.WINDOWS_GROUP


def test_a_user_scope_file_means_the_per_user_folders(tmp_path, monkeypatch):
    path = write_location(tmp_path / "location.json", scope="user")
    monkeypatch.setenv(config.LOCATION_FILE.env, str(path))
    assert config.data_location() == config.user_location()


def test_a_bom_written_by_a_windows_tool_is_accepted(tmp_path, monkeypatch):
    path = machine_file(tmp_path, monkeypatch)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert config.data_location().shared


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (b"{not json", "not JSON"),
        (b'{"format": 2, "scope": "machine"}', "format"),
        (b'{"format": 1, "scope": "everyone"}', "scope"),
        (b'{"format": 1, "scope": "machine", "data_dir": "relative/data", "trust_dir": "/t",'
         b' "log_dir": "/l", "group": "g"}', "data_dir must be absolute"),
        (b'{"format": 1, "scope": "machine", "data_dir": "/d", "trust_dir": "/t",'
         b' "log_dir": "/l"}', "no group"),
        (b"[1, 2]", "format"),
        (b"\xff\xfe", "not JSON"),
    ],
)  # fmt: skip
def test_a_damaged_location_file_is_one_clear_line(tmp_path, monkeypatch, content, named):
    path = tmp_path / "location.json"
    path.write_bytes(content)
    monkeypatch.setenv(config.LOCATION_FILE.env, str(path))
    with pytest.raises(UserError) as failed:
        config.data_location()
    assert str(path) in failed.value.en and named in failed.value.en
    assert "データの場所" in failed.value.ja
    assert named in config.location_summary()  # --version names it instead of failing


def test_a_damaged_location_file_stops_a_command_with_exit_2(tmp_path, monkeypatch):
    path = tmp_path / "location.json"
    path.write_text("{", "utf-8")
    monkeypatch.setenv(config.LOCATION_FILE.env, str(path))
    out, err_stream = io.StringIO(), io.StringIO()
    assert run(["verify"], out=out, err=err_stream) == 2
    err = err_stream.getvalue()
    assert "location file" in err and "Traceback" not in err


def test_version_names_the_location_in_use(tmp_path, monkeypatch, capsys):
    with pytest.raises(SystemExit) as done:
        run(["--version"])
    assert done.value.code == 0
    first, second = capsys.readouterr().out.splitlines()
    assert first.startswith("revoke-desk ")
    assert second == f"data: {config.data_location().describe()}" and "per-user" in second
    machine_file(tmp_path, monkeypatch)
    with pytest.raises(SystemExit):
        run(["--version"])
    assert "machine-wide, group revoke-desk" in capsys.readouterr().out

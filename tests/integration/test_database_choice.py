"""The database chosen in the app (desktop.database_choice): saved without a password, the
password in PostgreSQL's own password file, and a real server that refuses without it."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from desktop import config
from desktop.app import AppContext
from desktop.database_choice import (
    ServerDetails,
    check_connection,
    check_server_details,
    password_file,
    save_choice,
    store_password,
    use_this_pc,
)
from desktop.errors import UserError

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "kanji:pass\\word"  # a colon and a backslash: the password file's own escapes


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """This account's folders, in a temporary home (the data folder and the password file)."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("PGPASSFILE", raising=False)
    monkeypatch.delenv(config.DB_URL.env, raising=False)
    return tmp_path


@pytest.fixture
def password_server(pg_server: Engine) -> Iterator[ServerDetails]:
    """A role and database on the test server that need a password (scram-sha-256): the
    server trusts everyone else, so the rule goes first in pg_hba.conf for this role only."""
    role = f"revoke_shop_{uuid.uuid4().hex[:8]}"
    with pg_server.connect() as conn:
        hba = Path(conn.execute(text("SHOW hba_file")).scalar_one())
        literal = "'" + PASSWORD.replace("'", "''") + "'"  # DDL takes no bound parameters
        conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD {literal}"))
        conn.execute(text(f'CREATE DATABASE "{role}" OWNER {role}'))
        before = hba.read_text()
        hba.write_text(
            f"host all {role} 127.0.0.1/32 scram-sha-256\n"
            f"host all {role} ::1/128 scram-sha-256\n" + before
        )
        conn.execute(text("SELECT pg_reload_conf()"))
    url = make_url(pg_server.url)
    try:
        yield ServerDetails(url.host or "127.0.0.1", url.port or 5432, role, role)
    finally:
        hba.write_text(before)
        with pg_server.connect() as conn:
            conn.execute(text("SELECT pg_reload_conf()"))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{role}" WITH (FORCE)'))
            conn.execute(text(f"DROP ROLE IF EXISTS {role}"))


def test_the_default_is_this_pc_s_sqlite_file(home):
    assert config.saved_database_url() is None
    assert config.resolve_db_url(None) == f"sqlite:///{config.data_dir() / config.DB_FILE_NAME}"


def test_a_saved_server_is_used_and_the_environment_still_wins(home, monkeypatch):
    details = ServerDetails("db.shop.example", 5432, "revoke", "counter")
    path = save_choice(details.url())
    assert json.loads(path.read_text()) == {"format": 1, "url": details.url()}
    assert config.resolve_db_url(None) == details.url()
    monkeypatch.setenv(config.DB_URL.env, "sqlite:////tmp/other.sqlite3")
    assert config.resolve_db_url(None) == "sqlite:////tmp/other.sqlite3"
    monkeypatch.delenv(config.DB_URL.env)
    use_this_pc()
    assert config.saved_database_url() is None


def test_a_password_is_never_saved_in_our_file(home):
    with pytest.raises(UserError, match="password file"):
        save_choice("postgresql+psycopg://counter:secret@db.shop.example/revoke")
    assert not config.database_choice_file().exists()


def test_a_damaged_choice_file_is_one_clear_line(home):
    path = config.database_choice_file()
    path.parent.mkdir(parents=True)
    path.write_text('{"format": 1, "url": ')
    with pytest.raises(UserError, match="database choice file"):
        config.resolve_db_url(None)


def test_the_password_file_gets_one_line_per_server_escaped_and_private(home):
    details = ServerDetails("db.shop.example", 5432, "revoke", "counter")
    other = "other.example:5432:x:y:keep-me"
    password_file().write_text(other + "\n")
    store_password(details, "first")
    path = store_password(details, PASSWORD)
    lines = path.read_text().splitlines()
    assert lines == [other, "db.shop.example:5432:revoke:counter:kanji\\:pass\\\\word"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (("", "5432", "db", "u"), "host"),
        (("h", "70000", "db", "u"), "port"),
        (("h", "x", "db", "u"), "port"),
        (("h", "5432", "", "u"), "database"),
        (("h", "5432", "db", " "), "user"),
    ],
)
def test_a_wrong_field_says_which(fields, message):
    with pytest.raises(UserError, match=message):
        check_server_details(*fields)


def test_a_real_server_refuses_without_the_password_and_opens_with_the_file(home, password_server):
    url = password_server.url()
    with pytest.raises(UserError, match="cannot connect"):
        check_connection(url)
    store_password(password_server, PASSWORD)
    check_connection(url)  # psycopg read the password file
    save_choice(url)
    db_url = config.resolve_db_url(None)
    assert "kanji" not in db_url
    ctx = AppContext.open(db_url, home / "keys", create=True)
    try:
        with ctx.reading() as session:
            assert session.execute(text("SELECT current_user")).scalar_one() == password_server.user
    finally:
        ctx.close()


def test_the_command_line_chooses_a_server_with_the_password_on_stdin(home, password_server):
    env = {
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "PATH": "/usr/bin:/bin",
        "REVOKE_DESK_LOCATION_FILE": str(home / "no-location.json"),
        "REVOKE_DESK_LOG_DIR": str(home / "log"),
    }
    command = [sys.executable, "-m", "desktop", "database"]
    server = [
        "server",
        "--host",
        password_server.host,
        "--port",
        str(password_server.port),
        "--database",
        password_server.database,
        "--user",
        password_server.user,
    ]
    wrong = subprocess.run(
        [*command, *server],
        input="not-it\n",
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert wrong.returncode == 2, wrong.stderr
    assert "cannot connect" in wrong.stderr
    done = subprocess.run(
        [*command, *server],
        check=False,
        input=PASSWORD + "\n",
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    shown = subprocess.run(
        [*command, "show"], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert password_server.url() in shown.stdout
    assert PASSWORD not in shown.stdout and "kanji" not in shown.stdout
    assert "kanji" not in (home / "data" / "revoke-desk" / "database.json").read_text()


# --- the screens ------------------------------------------------------------------------


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_the_dialog_tries_the_server_and_saves_it_only_when_it_answers(
    qtbot, home, password_server
):
    from ui.database_dialog import DatabaseDialog

    dialog = DatabaseDialog()
    qtbot.addWidget(dialog)
    assert dialog.this_pc.isChecked() and not dialog.host.isEnabled()
    dialog.server.setChecked(True)
    for edit, value in (
        (dialog.host, password_server.host),
        (dialog.port, str(password_server.port)),
        (dialog.database, password_server.database),
        (dialog.user, password_server.user),
        (dialog.password, "not-it"),
    ):
        edit.setText(value)
    dialog.save_button.click()
    assert "cannot connect" in dialog.message.text()
    assert dialog.result() == 0 and not config.database_choice_file().exists()
    dialog.password.setText(PASSWORD)
    dialog.try_button.click()
    assert "接続できました" in dialog.message.text()
    dialog.save_button.click()
    assert dialog.chosen_url == password_server.url()
    assert config.saved_database_url() == password_server.url()
    assert PASSWORD not in config.database_choice_file().read_text()


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_the_first_run_moves_to_the_chosen_server(qtbot, home, password_server, tmp_path):
    from ui.first_run import FirstRunView
    from ui.startup import Startup

    store_password(password_server, PASSWORD)
    local = AppContext.open(f"sqlite:///{tmp_path / 'here.sqlite3'}", tmp_path / "k", create=True)
    startup = Startup(local)
    first = startup.start()
    qtbot.addWidget(first)
    assert isinstance(first, FirstRunView)
    first.database_chosen.emit(local.db_url)  # this PC's file chosen again: nothing moves
    assert startup.ctx is local and startup.window is first
    first.database_chosen.emit(password_server.url())
    try:
        assert startup.ctx.db_url == password_server.url()
        assert isinstance(startup.window, FirstRunView) and startup.window is not first
        qtbot.addWidget(startup.window)
    finally:
        startup.ctx.close()

"""The command line as a shop script uses it: real processes on a real SQLite file."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from db.engine import make_engine
from desktop.app import AppContext
from desktop.cli import EXIT_OK, EXIT_USAGE, run
from desktop.errors import UserError
from tests.conftest import DATA, MANAGER_PIN, example_document

EXAMPLE = DATA / "intake_example.json"


class Cli:
    """Runs the command line against one shop folder.

    In a real process (``python -m desktop``) when ``real_process``; otherwise
    in-process through the same ``run`` entry, which is much faster.
    """

    def __init__(self, home: Path, monkeypatch: pytest.MonkeyPatch, *, real_process: bool = False):
        self.home = home
        self.db = home / "shop.sqlite3"
        self.real_process = real_process
        self.env = {
            "REVOKE_DESK_DB": f"sqlite:///{self.db}",
            "REVOKE_DESK_LOG_DIR": str(home / "log"),
        }
        for name, value in self.env.items():
            monkeypatch.setenv(name, value)

    def __call__(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        if self.real_process:
            return subprocess.run(
                [sys.executable, "-m", "desktop", *args],
                input=stdin,
                capture_output=True,
                text=True,
                env={**os.environ, **self.env},
                timeout=120,
                check=False,
            )
        out, err = io.StringIO(), io.StringIO()
        code = run(list(args), out=out, err=err, stdin=_Stdin(stdin))
        return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())

    def count(self, table: str) -> int:
        with sqlite3.connect(self.db) as conn:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


class _Stdin(io.StringIO):
    """Piped standard input: also readable as bytes, never a terminal."""

    @property
    def buffer(self) -> io.BytesIO:
        return io.BytesIO(self.getvalue().encode("utf-8", "surrogateescape"))


@pytest.fixture(params=["in-process"])
def cli(tmp_path, monkeypatch) -> Cli:
    return Cli(tmp_path, monkeypatch)


@pytest.fixture
def real_cli(tmp_path, monkeypatch) -> Cli:
    return Cli(tmp_path, monkeypatch, real_process=True)


@pytest.fixture
def shop(cli) -> Cli:
    return _set_up(cli)


def _set_up(cli: Cli) -> Cli:
    result = cli(
        "init",
        "--shop-name",
        "リボーク質店",
        "--station",
        "S01",
        "--manager",
        "M01",
        "--manager-name",
        "店長 一郎",
        "--license-no",
        "第301020001234号",
        "--commission",
        "東京都公安委員会",
        stdin=f"{MANAGER_PIN}\n",
    )
    assert result.returncode == 0, result.stderr
    result = cli(
        "clerk",
        "add",
        "C01",
        "--name",
        "佐藤 花子",
        "--role",
        "clerk",
        "--manager",
        "M01",
        stdin=f"{MANAGER_PIN}\n5678\n",
    )
    assert result.returncode == 0, result.stderr
    return cli


def _today() -> str:
    return datetime.now(ZoneInfo("Asia/Tokyo")).strftime("%Y%m%d")


def test_init_creates_database_and_owner_only_key(real_cli):
    cli = real_cli
    result = cli(
        "init",
        "--shop-name",
        "リボーク質店",
        "--station",
        "S01",
        "--manager",
        "M01",
        stdin=f"{MANAGER_PIN}\n",
    )
    assert result.returncode == 0, result.stderr
    assert "station S01" in result.stdout
    key = cli.home / "keys" / "S01.key.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    assert b"PRIVATE KEY" in key.read_bytes()
    # The private key is nowhere in the database.
    assert b"PRIVATE KEY" not in cli.db.read_bytes()
    again = cli(
        "init", "--shop-name", "x", "--station", "S01", "--manager", "M01", stdin=f"{MANAGER_PIN}\n"
    )
    assert again.returncode == EXIT_USAGE
    assert "already set up" in again.stderr


def test_the_done_when_flow(real_cli):
    """Init, the example accepted, a staff-performed one refused, a bad IMEI stores nothing, verify."""
    shop = _set_up(real_cli)
    day = _today()
    accepted = shop("intake", "--json", str(EXAMPLE))
    assert (accepted.returncode, accepted.stdout) == (0, f"S01-{day}-0001 accepted\n")

    staff = example_document()
    staff["revocation"]["performed_by"] = "staff"
    refused = shop("intake", "--json", "-", stdin=json.dumps(staff))
    assert (refused.returncode, refused.stdout) == (
        0,
        f"S01-{day}-0002 refused:performed_by_other\n",
    )
    assert shop.count("intake") == 2

    entries_before = shop.count("ledger_entry")
    bad = example_document()
    bad["device"]["imei"] = ["356938035643808"]
    result = shop("intake", "--json", "-", stdin=json.dumps(bad))
    assert result.returncode == EXIT_USAGE
    assert result.stdout == ""
    assert result.stderr.startswith("device.imei[0]: ")
    assert "Traceback" not in result.stderr
    assert (shop.count("intake"), shop.count("person"), shop.count("ledger_entry")) == (
        2,
        2,
        entries_before,
    )

    verified = shop("verify")
    assert verified.returncode == 0, verified.stdout
    assert "S01: OK" in verified.stdout


def test_every_failed_rule_is_one_line_naming_its_field(shop):
    bad = example_document()
    bad["price_yen"] = -5
    bad["seller"]["birth_date"] = "1985/04/01"
    bad["device"]["imei"] = ["35693803564380"]
    result = shop("intake", "--json", "-", stdin=json.dumps(bad))
    assert result.returncode == EXIT_USAGE
    fields = [line.split(":")[0] for line in result.stderr.splitlines()]
    assert fields == ["price_yen", "seller.birth_date", "device.imei[0]"]
    assert shop.count("intake") == 0


def test_void_needs_the_managers_pin(shop):
    receipt = shop("intake", "--json", str(EXAMPLE)).stdout.split()[0]
    wrong = shop("void", receipt, "--reason", "入力誤り", "--manager", "M01", stdin="9999\n")
    assert wrong.returncode == EXIT_USAGE
    assert "PIN" in wrong.stderr
    by_clerk = shop("void", receipt, "--reason", "入力誤り", "--manager", "C01", stdin="5678\n")
    assert by_clerk.returncode == EXIT_USAGE
    assert "manager" in by_clerk.stderr
    done = shop(
        "void", receipt, "--reason", "入力誤り", "--manager", "M01", stdin=f"{MANAGER_PIN}\n"
    )
    assert (done.returncode, done.stdout) == (0, f"{receipt} void\n")
    twice = shop(
        "void", receipt, "--reason", "入力誤り", "--manager", "M01", stdin=f"{MANAGER_PIN}\n"
    )
    assert twice.returncode == EXIT_USAGE
    assert "already void" in twice.stderr
    assert shop("verify").returncode == 0


def test_clerk_list_shows_roles(shop):
    result = shop("clerk", "list")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "C01\tclerk\tactive\t佐藤 花子",
        "M01\tmanager\tactive\t店長 一郎",
    ]


def test_no_database_is_a_clear_message_and_creates_nothing(cli):
    result = cli("intake", "--json", str(EXAMPLE))
    assert result.returncode == EXIT_USAGE
    assert "revoke-desk init" in result.stderr
    assert "Traceback" not in result.stderr
    assert not cli.db.exists()


def test_a_file_that_is_not_a_database(cli):
    cli.db.write_bytes(b"this is a letter, not a database" * 100)
    result = cli("verify")
    assert result.returncode == EXIT_USAGE
    assert "not a database" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "is not a JSON object"),
        ("\xff", "not valid JSON"),
    ],
)
def test_malformed_documents(shop, payload, expected):
    result = shop("intake", "--json", "-", stdin=payload)
    assert result.returncode == EXIT_USAGE
    assert expected in result.stderr
    assert shop.count("intake") == 0


def test_missing_document_file(shop):
    result = shop("intake", "--json", str(shop.home / "nope.json"))
    assert result.returncode == EXIT_USAGE
    assert "cannot read the intake document" in result.stderr


def test_no_arguments_shows_help():
    out = io.StringIO()
    assert run([], out=out) == EXIT_OK
    assert "intake" in out.getvalue()
    assert "verify" in out.getvalue()


def test_a_locked_database_is_reported_not_raised(ctx):
    """Another program holds the write lock longer than the busy timeout."""
    path = ctx.engine.url.database
    impatient = AppContext(ctx.db_url, ctx.keys_dir, make_engine(ctx.db_url, busy_timeout_ms=50))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(UserError) as caught, impatient.transaction() as session:
            ctx.shop(session)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        impatient.close()
    assert "busy" in caught.value.en


def test_log_has_no_personal_data(shop):
    shop("intake", "--json", str(EXAMPLE), "--verbose")
    log_text = "".join(p.read_text(encoding="utf-8") for p in (shop.home / "log").iterdir())
    assert "intake committed: S01-" in log_text
    for personal in ("山田", "千代田区", "123456789012", "会社員"):
        assert personal not in log_text

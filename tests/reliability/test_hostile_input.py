"""Bad input and broken files: one clear line and exit 2, nothing stored (issue 10).

Each case below once ended in exit 3 ("unexpected fault") with a traceback in the log,
or — the duplicate key — was silently accepted with the opposite meaning.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.cli import EXIT_OK, EXIT_USAGE
from tests.conftest import MANAGER_PIN, example_document
from tests.support.cli_shop import CliShop

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shop(tmp_path: Path) -> CliShop:
    return CliShop(tmp_path / "shop")


def intakes(shop: CliShop) -> int:
    return shop.query("SELECT count(*) FROM intake")[0][0]


def submit_text(shop: CliShop, text: str) -> tuple[int, str, str]:
    return shop("intake", "--json", "-", stdin=text)


def test_a_duplicate_key_is_refused_naming_the_key(shop: CliShop) -> None:
    text = json.dumps(example_document(), ensure_ascii=False)
    # The reader of the file sees "staff" first; json.loads would keep the last, "self".
    text = text.replace('"performed_by": "self"', '"performed_by": "staff", "performed_by": "self"')
    code, out, err = submit_text(shop, text)
    assert (code, out) == (EXIT_USAGE, "")
    assert "'performed_by' twice" in err
    assert intakes(shop) == 0


def test_deep_nesting_is_an_input_error(shop: CliShop) -> None:
    code, _, err = submit_text(shop, "[" * 2000 + "]" * 2000)
    assert code == EXIT_USAGE
    assert "nested deeper" in err and "unexpected" not in err


def test_a_huge_integer_is_an_input_error(shop: CliShop) -> None:
    doc = json.dumps(example_document()).replace('"price_yen": 12000', '"price_yen": ' + "9" * 5000)
    code, _, err = submit_text(shop, doc)
    assert code == EXIT_USAGE and "digits" in err
    assert intakes(shop) == 0


def test_nan_is_not_json(shop: CliShop) -> None:
    doc = json.dumps(example_document()).replace('"price_yen": 12000', '"price_yen": NaN')
    assert submit_text(shop, doc)[0] == EXIT_USAGE


@pytest.mark.parametrize("offset", [40, 64, 90, 120, 150])
def test_a_key_file_with_flipped_bytes_is_reported_as_damaged(shop: CliShop, offset: int) -> None:
    key = shop.home / "keys" / "S01.key.pem"
    data = bytearray(key.read_bytes())
    data[offset] ^= 0x01
    data[offset + 7] ^= 0x02
    key.write_bytes(bytes(data))
    code, _, err = shop.submit(example_document())
    assert code == EXIT_USAGE, err
    assert "damaged or unreadable" in err
    assert intakes(shop) == 0


def test_a_database_of_a_newer_schema_asks_for_an_update(shop: CliShop) -> None:
    with sqlite3.connect(shop.db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    code, _, err = shop("verify")
    assert code == EXIT_USAGE
    assert "newer Revoke Desk" in err and "update the app" in err


@pytest.mark.parametrize("url", ["not a url", "nosuchdb://x", "sqlite+nodriver:///x.db"])
def test_a_malformed_db_url_is_one_clear_line(tmp_path: Path, url: str) -> None:
    from desktop.cli import run

    err = __import__("io").StringIO()
    code = run(["verify", "--db", url], out=__import__("io").StringIO(), err=err)
    assert code == EXIT_USAGE
    assert "unexpected" not in err.getvalue()
    if "nodriver" not in url:  # that one names a file, which does not exist
        assert "is not a database URL" in err.getvalue()


# --- writers that never clobber ---------------------------------------------------------


def receipt_of(shop: CliShop) -> str:
    return shop.intake(example_document())


def slips_issued(shop: CliShop) -> int:
    return shop.query("SELECT count(*) FROM ledger_entry WHERE kind IN ('slip_issued', 'reprint')")[
        0
    ][0]


def test_a_slip_is_never_written_over_a_fifo(shop: CliShop, tmp_path: Path) -> None:
    receipt = receipt_of(shop)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, _, err = shop("slip", receipt, "-o", str(fifo))
    assert code == EXIT_USAGE and "not a regular file" in err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert slips_issued(shop) == 0  # refused before anything was issued or recorded


def test_a_slip_is_never_written_over_a_device(shop: CliShop, tmp_path: Path) -> None:
    receipt = receipt_of(shop)
    link = tmp_path / "slip.pdf"
    link.symlink_to("/dev/null")  # a link to a device is refused as the device is
    code, _, err = shop("slip", receipt, "-o", str(link))
    assert code == EXIT_USAGE and "not a regular file" in err
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_slip_is_never_written_over_a_directory(shop: CliShop, tmp_path: Path) -> None:
    receipt = receipt_of(shop)
    (tmp_path / "folder").mkdir()
    code, _, _ = shop("slip", receipt, "-o", str(tmp_path / "folder"))
    assert code == EXIT_USAGE
    assert (tmp_path / "folder").is_dir()


def test_a_link_to_a_regular_file_writes_the_file(shop: CliShop, tmp_path: Path) -> None:
    receipt = receipt_of(shop)
    real = tmp_path / "real.pdf"
    real.write_bytes(b"old")
    link = tmp_path / "link.pdf"
    link.symlink_to(real)
    assert shop("slip", receipt, "-o", str(link))[0] == EXIT_OK
    assert link.is_symlink() and real.read_bytes().startswith(b"%PDF")


def test_dash_writes_the_pdf_to_standard_output(shop: CliShop, tmp_path: Path) -> None:
    receipt = receipt_of(shop)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "slip", receipt, "-o", "-", *shop.base],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=False,
    )
    assert done.returncode == EXIT_OK, done.stderr.decode()
    assert done.stdout.startswith(b"%PDF") and done.stdout.rstrip().endswith(b"%%EOF")


# --- files only the app's user can read ----------------------------------------------------


def test_every_file_with_personal_data_is_private(tmp_path: Path) -> None:
    """Under the usual umask 022 the real entry point still makes 0600 files, 0700 folders."""
    data = tmp_path / "data" / "revoke-desk"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "REVOKE_DESK_LOG_DIR": str(tmp_path / "log"),
    }
    env.pop("REVOKE_DESK_DB", None)

    def cli(*args: str, stdin: str = "") -> None:
        done = subprocess.run(
            ["sh", "-c", 'umask 022 && exec "$0" -m desktop "$@"', sys.executable, *args],
            cwd=ROOT,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == EXIT_OK, done.stderr

    cli(
        "init", "--shop-name", "T", "--station", "S01", "--manager", "M01", stdin=f"{MANAGER_PIN}\n"
    )
    cli("clerk", "add", "C01", "--name", "佐藤", "--manager", "M01", stdin=f"{MANAGER_PIN}\n5678\n")
    cli("intake", "--json", "-", stdin=json.dumps(example_document()))
    cli("backup", "--out", str(tmp_path / "copy.sqlite3"))
    paths = [
        data / "revoke-desk.sqlite3",
        tmp_path / "copy.sqlite3",
        *(tmp_path / "log").iterdir(),
        *(data / "keys").iterdir(),
    ]
    wal = data / "revoke-desk.sqlite3-wal"
    if wal.exists():
        paths.append(wal)
    for path in paths:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for folder in (data, data / "keys", tmp_path / "log"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder

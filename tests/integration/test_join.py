"""A further counter joins a shop through ``revoke-desk init`` (issue 12, "a chain of counters").

The second PC has its own key folder and gives an existing manager's PIN; the shop is
the stored one, whatever ``--shop-name`` says, and its certificate names that shop.
On SQLite the two "PCs" share one file; tests/integration/test_chain.py does the same
on a PostgreSQL server with separate processes.
"""

from __future__ import annotations

import io
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import NameOID

from desktop.cli import EXIT_OK, EXIT_USAGE, run
from desktop.keys import StationKeyFiles
from tests.conftest import MANAGER_PIN
from tests.support.cli_shop import CliShop, _Stdin

SHOP_NAME = "リボーク質店"


def organisation(keys_dir: Path, station: str) -> str:
    pem = StationKeyFiles.in_dir(keys_dir, station).certificate.read_bytes()
    (attribute,) = x509.load_pem_x509_certificate(pem).subject.get_attributes_for_oid(
        NameOID.ORGANIZATION_NAME
    )
    return str(attribute.value)


def join(shop: CliShop, keys: Path, *args: str, pin: str = MANAGER_PIN) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(
        ["init", "--station", "S02", "--manager", "M01", *args, *shop.base, "--keys", str(keys)],
        out=out,
        err=err,
        stdin=_Stdin(f"{pin}\n"),
    )
    return code, out.getvalue(), err.getvalue()


def test_a_joining_counter_without_a_shop_name_takes_the_stored_shop(tmp_path):
    shop = CliShop(tmp_path / "shop", SHOP_NAME)
    keys = tmp_path / "pc-b" / "keys"

    code, out, err = join(shop, keys)

    assert code == EXIT_OK, err
    assert f"店舗「{SHOP_NAME}」にレジを追加しました" in out
    assert organisation(keys, "S02") == SHOP_NAME
    assert organisation(shop.home / "keys", "S01") == SHOP_NAME
    assert not StationKeyFiles.in_dir(keys, "S01").key.exists()  # each PC its own key
    (created,) = shop.query(
        "SELECT body FROM ledger_entry WHERE station='S02' AND kind='station_created'"
    )
    assert f'"shop_name":"{SHOP_NAME}"' in created[0]
    assert shop.query("SELECT count(*) FROM shop") == [(1,)]


def test_the_stored_shop_name_typed_again_is_accepted(tmp_path):
    shop = CliShop(tmp_path / "shop", SHOP_NAME)
    keys = tmp_path / "pc-b" / "keys"

    code, _, err = join(shop, keys, "--shop-name", f" {SHOP_NAME} ", "--license-no", "ignored")

    assert code == EXIT_OK, err
    assert organisation(keys, "S02") == SHOP_NAME
    assert shop.query("SELECT license_no FROM shop") == [("第301020001234号",)]


def test_another_shop_name_is_refused_and_nothing_is_made(tmp_path):
    """The name the review saw in the certificate ("ignored?") now stops the join: likely the
    wrong database."""
    shop = CliShop(tmp_path / "shop", SHOP_NAME)
    keys = tmp_path / "pc-b" / "keys"

    code, out, err = join(shop, keys, "--shop-name", "ignored?")

    assert code == EXIT_USAGE
    assert out == ""
    assert SHOP_NAME in err and "leave out --shop-name" in err
    assert not StationKeyFiles.in_dir(keys, "S02").key.exists()
    assert shop.query("SELECT count(*) FROM station") == [(1,)]


def test_a_new_shop_still_needs_its_name(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    code = run(
        [
            "init",
            "--station",
            "S01",
            "--manager",
            "M01",
            "--db",
            f"sqlite:///{tmp_path / 'new.sqlite3'}",
        ],
        out=out,
        err=err,
        stdin=_Stdin(f"{MANAGER_PIN}\n"),
    )
    assert code == EXIT_USAGE
    assert "--shop-name" in err.getvalue()
    assert not (tmp_path / "keys" / "S01.key.pem").exists()


def test_a_wrong_pin_when_joining_adds_no_counter(tmp_path):
    shop = CliShop(tmp_path / "shop", SHOP_NAME)
    keys = tmp_path / "pc-b" / "keys"

    code, _, err = join(shop, keys, pin="135790")

    assert code == EXIT_USAGE
    assert "wrong clerk code or PIN" in err
    assert shop.query("SELECT count(*) FROM station") == [(1,)]
    assert shop.query("SELECT failed_attempts FROM clerk WHERE code='M01'") == [(1,)]

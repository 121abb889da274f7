"""Trust pinned outside the database and the key folder (issue 10).

Both attacks below once passed ``verify`` with exit 0: the database on its own was
perfect.  The pin, the witness, a paper fingerprint and a paper checkpoint each catch
them now.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from desktop.cli import EXIT_OK, EXIT_TAMPERED, EXIT_USAGE
from tests.conftest import MANAGER_PIN, example_document
from tests.support.cli_shop import CliShop
from tests.support.tamper import resign_with_new_key, truncate_tail


@pytest.fixture
def shop(tmp_path: Path) -> CliShop:
    shop = CliShop(tmp_path / "shop")
    for _ in range(5):
        shop.intake(example_document())
    return shop


def fingerprint(shop: CliShop) -> str:
    return shop.query("SELECT fingerprint FROM station WHERE code='S01'")[0][0]


def head(shop: CliShop) -> tuple[int, str]:
    seq, entry_hash = shop.query(
        "SELECT seq, entry_hash FROM ledger_entry WHERE station='S01' ORDER BY seq DESC LIMIT 1"
    )[0]
    return seq, entry_hash


def engine(shop: CliShop):
    return create_engine(f"sqlite:///{shop.db}")


def test_init_pins_the_certificate_apart_from_the_data_and_prints_it(tmp_path: Path) -> None:
    shop = CliShop(tmp_path / "other")
    (store,) = (tmp_path / "trust").glob("*.json")
    pinned = json.loads(store.read_text())["stations"]["S01"]["fingerprints"]
    assert pinned == [fingerprint(shop)]
    assert not store.is_relative_to(shop.home)  # not beside the database or the keys
    assert f"certificate SHA-256 {fingerprint(shop)}" in shop.init_output


def test_a_replaced_key_and_a_resigned_chain_are_caught_by_the_pin(shop: CliShop) -> None:
    paper = fingerprint(shop)
    receipt = shop.query("SELECT receipt FROM intake ORDER BY receipt LIMIT 1")[0][0]
    resign_with_new_key(engine(shop), shop.home / "keys", price_of=receipt)
    code, out, _ = shop("verify")
    assert code == EXIT_TAMPERED
    assert "not the one pinned on this PC" in out and "the key was replaced" in out
    # The same against the fingerprint printed on paper, with no pin on the PC at all.
    for pinned in (shop.home.parent / "trust").glob("*.json"):
        pinned.unlink()
    code, out, _ = shop("verify", "--fingerprint", paper[:16])
    assert code == EXIT_TAMPERED and "not the one on paper" in out
    assert shop("verify")[0] == EXIT_OK  # alone, the database looks perfect: hence the pin


def test_a_cut_tail_is_caught_by_the_witness(shop: CliShop) -> None:
    seq, _ = head(shop)
    removed = truncate_tail(engine(shop), 3)
    assert len(removed) == 3
    code, out, _ = shop("verify")
    assert code == EXIT_TAMPERED
    assert "are missing (this PC witnessed the chain at" in out
    assert f"#{seq}" in out


def test_a_cut_tail_is_caught_against_a_printed_checkpoint(shop: CliShop) -> None:
    seq, entry_hash = head(shop)
    truncate_tail(engine(shop), 2)
    for witness in (shop.home.parent / "trust").glob("*.json"):
        witness.unlink()
    code, out, _ = shop("verify", "--checkpoint", f"S01:{seq}:{entry_hash[:16]}")
    assert code == EXIT_TAMPERED and "are missing (the chain ends at" in out


def test_a_checkpoint_that_holds_passes(shop: CliShop) -> None:
    seq, entry_hash = head(shop)
    shop.intake(example_document())  # the chain went on after the day report: fine
    code, out, err = shop(
        "verify", "--checkpoint", f"S01:{seq}:{entry_hash}", "--fingerprint", fingerprint(shop)
    )
    assert code == EXIT_OK, out + err


def test_a_malformed_checkpoint_is_an_input_error(shop: CliShop) -> None:
    code, _, err = shop("verify", "--checkpoint", "S01:abc")
    assert code == EXIT_USAGE and "STATION:SEQ:HASH" in err


def test_the_witness_follows_every_commit(shop: CliShop) -> None:
    (store,) = (shop.home.parent / "trust").glob("*.json")
    seq, entry_hash = head(shop)
    witnessed = json.loads(store.read_text())["stations"]["S01"]["head"]
    assert (witnessed["seq"], witnessed["hash"]) == (seq, entry_hash)


def test_a_confirmed_restore_is_not_a_truncation(shop: CliShop, tmp_path: Path) -> None:
    backup = tmp_path / "old.sqlite3"
    assert shop("backup", "--out", str(backup))[0] == EXIT_OK
    shop.intake(example_document())
    code, _, err = shop(
        "restore", str(backup), "--manager", "M01", "--accept-loss", stdin=f"{MANAGER_PIN}\n"
    )
    assert code == EXIT_OK, err
    code, out, _ = shop("verify")
    assert code == EXIT_OK, out

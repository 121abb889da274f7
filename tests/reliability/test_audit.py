"""Who printed or exported what: ledger prints, exports and backups are entries (issue 10)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from desktop.cli import EXIT_OK
from tests.conftest import example_document
from tests.support.cli_shop import CliShop


def exports(shop: CliShop) -> list[dict]:
    rows = shop.query("SELECT body FROM ledger_entry WHERE kind='export' ORDER BY id")
    return [json.loads(body) for (body,) in rows]


def test_a_ledger_print_names_the_clerk_and_the_file(tmp_path: Path) -> None:
    shop = CliShop(tmp_path / "shop")
    shop.intake(example_document())
    out = tmp_path / "ledger.pdf"
    code, _, err = shop(
        "ledger", "--from", "2026-11-01", "--to", "2026-12-31", "--out", str(out), "--clerk", "C01"
    )
    assert code == EXIT_OK, err
    (entry,) = exports(shop)
    assert (entry["what"], entry["by"]) == ("ledger_book_pdf", "C01")
    assert entry["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert (entry["date_from"], entry["date_to"]) == ("2026-11-01", "2026-12-31")
    assert shop("verify")[0] == EXIT_OK


def test_a_csv_ledger_and_a_backup_are_recorded_too(tmp_path: Path) -> None:
    shop = CliShop(tmp_path / "shop")
    shop.intake(example_document())
    out = tmp_path / "ledger.csv"
    assert (
        shop("ledger", "--from", "2026-11-01", "--to", "2026-12-31", "--out", str(out), "--csv")[0]
        == EXIT_OK
    )
    assert shop("backup", "--out", str(tmp_path / "b.sqlite3"))[0] == EXIT_OK
    csv_entry, backup_entry = exports(shop)
    assert csv_entry["what"] == "ledger_book_csv" and csv_entry["by"].startswith("os:")
    assert (backup_entry["what"], backup_entry["file"]) == ("backup", "b.sqlite3")


def test_a_reprint_names_who_printed_it(tmp_path: Path) -> None:
    shop = CliShop(tmp_path / "shop")
    receipt = shop.intake(example_document())
    assert shop("slip", receipt, "-o", str(tmp_path / "a.pdf"), "--clerk", "C01")[0] == EXIT_OK
    again = ("slip", receipt, "-o", str(tmp_path / "b.pdf"), "--reprint", "--clerk", "C01")
    assert shop(*again)[0] == EXIT_OK
    rows = shop.query(
        "SELECT kind, body FROM ledger_entry WHERE kind IN ('slip_issued', 'reprint') ORDER BY id"
    )
    assert [(kind, json.loads(body)["by"]) for kind, body in rows] == [
        ("slip_issued", "C01"),
        ("reprint", "C01"),
    ]

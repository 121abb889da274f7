"""The head-office export: every station's day or period in one signed, verifiable folder.

On one SQLite file with two stations (the same as a shared database; the PostgreSQL
run with two PCs is tests/integration/test_chain.py).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import select

from db.models import LedgerEntry
from desktop.app import AppContext
from desktop.audit import Copy
from desktop.cli import EXIT_OK, EXIT_USAGE, run
from desktop.exports import close_and_export
from desktop.headoffice import (
    CSV_FILE,
    MANIFEST_FORMAT,
    SUMMARY_FILE,
    XLSX_FILE,
    export_head_office,
    verify_head_office,
)
from desktop.setup import ShopDetails, initialise
from desktop.voiding import void_intake
from tests.conftest import MANAGER_PIN, Clock, example_document
from tests.support.cli_shop import _Stdin
from tests.support.intakes import commit_document

DAY = date(2026, 11, 27)
PERSONAL = ("山田", "太郎", "千代田区千代田1-1", "会社員", "ヤマダ", "1985-04-01", "123456789012")


@pytest.fixture
def chain(ctx: AppContext, clock: Clock) -> AppContext:
    """S01 and S02 on one database (both keys in the one key folder), intakes on both."""
    with ctx.transaction() as session:
        initialise(
            session,
            keys_dir=ctx.keys_dir,
            shop=ShopDetails(name=""),
            station="S02",
            manager_code="M01",
            manager_name="",
            manager_pin=MANAGER_PIN,
            now=clock(),
        )
    commit_document(ctx, example_document(), "S01")
    refused = example_document()
    refused["revocation"]["performed_by"] = "staff"
    commit_document(ctx, refused, "S01")
    clock.advance(minutes=10)
    commit_document(ctx, example_document(), "S02")
    return ctx


def cli(ctx: AppContext, *args: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(
        [*args, "--db", ctx.db_url, "--keys", str(ctx.keys_dir)],
        out=out,
        err=err,
        stdin=_Stdin(stdin),
    )
    return code, out.getvalue(), err.getvalue()


def rows(path: Path, encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode(encoding))))


def export_entries(ctx: AppContext) -> list[dict]:
    with ctx.reading() as session:
        return [
            json.loads(body)
            for body in session.scalars(
                select(LedgerEntry.body)
                .where(LedgerEntry.kind == "export")
                .order_by(LedgerEntry.id)
            )
        ]


def test_one_command_exports_the_day_of_every_station_signed_and_recorded(chain, tmp_path):
    out = tmp_path / "ho"
    code, printed, err = cli(
        chain,
        "head-office-export",
        "--date",
        DAY.isoformat(),
        "--out",
        str(out),
        "--manager",
        "M01",
        "--station",
        "S01",
        stdin=f"{MANAGER_PIN}\n",
    )
    assert code == EXIT_OK, err
    assert "2 stations (S01 2, S02 1)" in printed

    assert sorted(p.name for p in out.iterdir()) == sorted(
        [CSV_FILE, SUMMARY_FILE, XLSX_FILE, "station-cert.pem", "manifest.json", "manifest.sig"]
    )
    intakes = rows(out / CSV_FILE)
    assert [(r["ステーション station"], r["受付番号 receipt"][:3]) for r in intakes] == [
        ("S01", "S01"),
        ("S01", "S01"),
        ("S02", "S02"),
    ]
    assert [r["結果 outcome"] for r in intakes] == ["受付", "お断り", "受付"]
    # No personal data: not a column, not a cell, not in the workbook.
    assert "氏名 name" not in intakes[0] and "住所 address" not in intakes[0]
    for path in out.iterdir():
        data = path.read_bytes()
        text = (
            " ".join(
                str(c)
                for s in load_workbook(path)
                for r in s.iter_rows(values_only=True)
                for c in r
            )
            if path.suffix == ".xlsx"
            else data.decode("utf-8", "replace")
        )
        for personal in PERSONAL:
            assert personal not in text, (path.name, personal)
    summary = rows(out / SUMMARY_FILE)
    totals = {
        (r["ステーション station"], r["区分 purpose"]): r
        for r in summary
        if r["締め close"] == "期間計 period"
    }
    assert totals[("S01", "計")]["受付 accepted"] == "1"
    assert totals[("S01", "計")]["お断り refused"] == "1"
    assert totals[("全ステーション all", "下取り")]["金額合計(円) total yen"] == "24000"
    assert {r["締め close"] for r in summary if r["営業日 day"] == DAY.isoformat()} == {
        "未締め open"
    }

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == MANIFEST_FORMAT
    assert manifest["station"] == "S01" and manifest["manager"] == "M01"
    assert manifest["personal_data"] is False
    assert [shop["name"] for shop in manifest["shops"]] == ["リボーク質店 千代田店"]
    assert sorted(manifest["stations"]) == ["S01", "S02"]
    assert manifest["counts"]["total"]["intakes"] == 3

    (entry,) = [e for e in export_entries(chain) if e["what"] == Copy.HEAD_OFFICE]
    assert (entry["by"], entry["date_from"], entry["date_to"], entry["stations"]) == (
        "M01",
        "2026-11-27",
        "2026-11-27",
        2,
    )
    code, printed, err = cli(chain, "verify-head-office", str(out))
    assert code == EXIT_OK, printed + err
    assert "OK head office 2026-11-27..2026-11-27 signed by S01" in printed
    assert "recorded as S01#" in printed
    # verify-export knows the folder too, and the offline check needs no database.
    assert cli(chain, "verify-export", str(out))[0] == EXIT_OK
    assert verify_head_office(out).ok


def test_a_period_with_a_close_a_void_and_a_late_intake(chain, clock, tmp_path):
    signer = chain.signer("S01")
    clock.advance(hours=8)
    close_and_export(chain, signer, day=DAY, manager="M01", out_dir=tmp_path / "close")
    late = commit_document(chain, example_document(), "S01")  # after the close, same day
    clock.advance(days=1)
    next_day = commit_document(chain, example_document(), "S02").number
    with chain.transaction() as session:
        void_intake(
            session,
            chain.signer("S02"),
            receipt=next_day,
            reason="二重登録",
            manager="M01",
            now=clock(),
        )

    done = export_head_office(
        chain,
        signer,
        date_from=DAY,
        date_to=date(2026, 11, 28),
        manager="M01",
        out_dir=tmp_path / "period",
        encoding="cp932",
    )

    intakes = rows(done.folder / CSV_FILE, "cp932")
    by_receipt = {r["受付番号 receipt"]: r for r in intakes}
    assert by_receipt[late.number]["締め後 late"] != ""
    assert by_receipt[next_day]["取消 void"] == "取消"
    counts = done.snapshot.counts()
    assert counts["stations"]["S01"]["days"]["2026-11-27"]["late"] == 1
    assert counts["stations"]["S02"]["days"]["2026-11-28"]["voided"] == 1
    manifest = json.loads(done.manifest)
    (close,) = manifest["stations"]["S01"]["closes"]
    assert close["day"] == "2026-11-27"
    summary = rows(done.folder / SUMMARY_FILE, "cp932")
    assert any(r["締め close"].startswith("締め済 closed #") for r in summary)
    with chain.reading() as session:
        assert verify_head_office(done.folder, session).ok


def test_later_business_does_not_change_what_an_export_counts(chain, clock, tmp_path):
    done = export_head_office(
        chain,
        chain.signer("S02"),
        date_from=DAY,
        date_to=DAY,
        manager="M01",
        out_dir=tmp_path / "x",
    )
    clock.advance(minutes=5)
    receipt = commit_document(chain, example_document(), "S01").number
    with chain.transaction() as session:
        void_intake(
            session,
            chain.signer("S01"),
            receipt=receipt,
            reason="入力誤り",
            manager="M01",
            now=clock(),
        )
    with chain.reading() as session:
        verdict = verify_head_office(done.folder, session)
    assert verdict.ok, verdict.lines()
    assert verdict.station == "S02" and verdict.stations == ("S01", "S02")


def test_a_changed_file_or_manifest_is_named(chain, tmp_path):
    done = export_head_office(
        chain,
        chain.signer("S01"),
        date_from=DAY,
        date_to=DAY,
        manager="M01",
        out_dir=tmp_path / "x",
    )
    csv_path = done.folder / CSV_FILE
    csv_path.write_bytes(csv_path.read_bytes().replace(b"12000", b"1200"))
    code, printed, _ = cli(chain, "verify-head-office", str(done.folder))
    assert code == 1
    assert f"NG {CSV_FILE}: SHA-256 differs from the manifest" in printed

    manifest = done.folder / "manifest.json"
    manifest.write_bytes(manifest.read_bytes().replace(b'"intakes": 3', b'"intakes": 2'))
    code, printed, _ = cli(chain, "verify-head-office", str(done.folder), "--offline")
    assert code == 1
    assert "the signature does not verify" in printed
    (done.folder / "extra.txt").write_text("x")
    assert "extra.txt: not listed in the manifest" in " ".join(
        verify_head_office(done.folder).problems
    )


def test_the_fingerprint_on_paper_is_checked(chain, tmp_path):
    done = export_head_office(
        chain,
        chain.signer("S01"),
        date_from=DAY,
        date_to=DAY,
        manager="M01",
        out_dir=tmp_path / "x",
    )
    fingerprint = chain.signer("S01").fingerprint
    args = ("verify-head-office", str(done.folder), "--offline", "--fingerprint")
    assert cli(chain, *args, fingerprint[:16])[0] == EXIT_OK
    code, printed, _ = cli(chain, *args, "0123456789abcdef")
    assert code == 1 and "not the one on paper" in printed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--date", "2026-11-27", "--from", "2026-11-01"), "not both"),
        ((), "--date"),
        (("--from", "2026-11-28", "--to", "2026-11-01"), "after it ends"),
        (("--date", "2026-11-31"), "--date"),
    ],
)
def test_bad_dates_are_refused(chain, tmp_path, args, message):
    code, _, err = cli(
        chain,
        "head-office-export",
        *args,
        "--out",
        str(tmp_path / "x"),
        "--manager",
        "M01",
        stdin=f"{MANAGER_PIN}\n",
    )
    assert code == EXIT_USAGE
    assert message in err
    assert not (tmp_path / "x").exists()


def test_a_wrong_pin_or_a_clerk_writes_nothing(chain, tmp_path):
    out = tmp_path / "x"
    base = ("head-office-export", "--date", "2026-11-27", "--out", str(out), "--station", "S01")
    code, _, err = cli(chain, *base, "--manager", "M01", stdin="135790\n")
    assert code == EXIT_USAGE and "wrong clerk code or PIN" in err
    code, _, err = cli(chain, *base, "--manager", "C01", stdin="5678\n")
    assert code == EXIT_USAGE and "manager" in err
    assert not out.exists()
    assert [e for e in export_entries(chain) if e["what"] == Copy.HEAD_OFFICE] == []
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "a").write_text("a")
    code, _, err = cli(
        chain,
        "head-office-export",
        "--date",
        "2026-11-27",
        "--out",
        str(tmp_path / "full"),
        "--manager",
        "M01",
        stdin=f"{MANAGER_PIN}\n",
    )
    assert code == EXIT_USAGE and "not an empty folder" in err

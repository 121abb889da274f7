"""Day close: counts, the once-only rule, late entries, and every export read back.

A day at the fixture's shop (2026-11-27, Tokyo): an accepted trade-in whose seller's
occupation is ``=1+1`` and whose model is ``@x`` (CSV injection), a refusal, a void and a
reprint.  The exports are read back the way their readers would: Python's csv, openpyxl,
poppler (pdftotext, pdffonts, pdfsig); ``verify-export`` must notice any changed byte.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from desktop import cli
from desktop.app import AppContext
from desktop.dayclose import DayClose, close_day
from desktop.errors import UserError
from desktop.exports import (
    CERT_FILE,
    CSV_FILE,
    MANIFEST,
    REPORT,
    SIGNATURE,
    XLSX_FILE,
    export_day,
    header_of,
    verify_export,
)
from desktop.slips import issue_slip
from desktop.voiding import void_intake
from reports.csv_safe import original_cell
from reports.snapshot import SlipFormat
from tests.conftest import MANAGER_PIN, Clock
from tests.support.intakes import commit_document
from tests.support.pdfs import pdf_text, pdfsig, squeeze

DAY = date(2026, 11, 27)
ALL_FILES = (REPORT, CSV_FILE, XLSX_FILE, CERT_FILE, MANIFEST, SIGNATURE)


@pytest.fixture
def day(ctx: AppContext, clock: Clock, doc: dict[str, Any]) -> dict[str, str]:
    """Four intakes of 27 Nov: accepted (tricky cells), refused, voided, and one reprinted."""
    tricky = json.loads(json.dumps(doc))
    tricky["seller"]["occupation"] = "=1+1"
    tricky["device"]["model"] = "@x"
    accepted = commit_document(ctx, tricky).number
    clock.advance(hours=1)
    refused_doc = json.loads(json.dumps(doc))
    refused_doc["revocation"]["performed_by"] = "staff"
    refused = commit_document(ctx, refused_doc).number
    clock.advance(hours=1)
    voided = commit_document(ctx, doc).number
    clock.advance(minutes=5)
    signer = ctx.signer()
    with ctx.transaction() as session:
        void_intake(
            session, signer, receipt=voided, reason="入力誤り", manager="M01", now=ctx.clock()
        )
    clock.advance(minutes=5)
    for reprint in (False, True):
        with ctx.transaction() as session:
            issue_slip(
                session,
                signer,
                receipt=accepted,
                fmt=SlipFormat.THERMAL,
                reprint=reprint,
                catalogue=ctx.catalogue(),
                now=ctx.clock(),
            )
    clock.advance(hours=6)  # 18:10 in Tokyo
    return {"accepted": accepted, "refused": refused, "voided": voided}


def _close(
    ctx: AppContext, when: date = DAY, *, encoding: str = "utf-8-sig", out: Path | None = None
) -> DayClose:
    signer = ctx.signer()
    with ctx.transaction() as session:
        summary = close_day(
            session, signer, day=when, manager="M01", now=ctx.clock(), encoding=encoding
        )
        if out is not None:
            export_day(summary, out, signer)
    return summary


@pytest.fixture
def closed(ctx: AppContext, day: dict[str, str], tmp_path: Path) -> Path:
    out = tmp_path / "export-2026-11-27"
    _close(ctx, out=out)
    return out


def test_a_day_closes_to_the_right_counts(ctx, day):
    summary = _close(ctx)
    assert summary.counts == {
        "intakes": 3,
        "outcome": {"accepted": 2, "refused": 1},
        "purpose": {"trade_in": 3},
        "path": {"app_revoked": 3},
        "os": {"android": 3},
        "voids": 1,
        "reprints": 1,
        "late": 0,
    }
    assert [(e.receipt, e.detail) for e in summary.refusals] == [
        (day["refused"], "本人以外が手続き / performed by someone else")
    ]
    assert [(e.receipt, e.detail) for e in summary.voids] == [(day["voided"], "入力誤り（M01）")]
    assert [e.receipt for e in summary.reprints] == [day["accepted"]]
    assert summary.fingerprint == ctx.signer().fingerprint
    assert summary.close_entry is not None
    assert summary.close_entry.seq == summary.head.seq + 1
    with ctx.reading() as session:
        from db.models import LedgerEntry

        entry = session.query(LedgerEntry).filter_by(seq=summary.close_entry.seq).one()
        body = json.loads(entry.body)
    assert entry.kind == "day_closed"
    assert body["day"] == "2026-11-27"
    assert body["counts"] == summary.counts
    assert body["head"] == {"seq": summary.head.seq, "entry_hash": summary.head.entry_hash}
    assert set(body["exports"]) == {REPORT, CSV_FILE, XLSX_FILE}
    assert "山田" not in entry.body  # no personal data in the chain


def test_a_day_closes_only_once(ctx, day):
    _close(ctx)
    with pytest.raises(UserError, match="already closed"):
        _close(ctx)


def test_a_future_day_cannot_be_closed(ctx):
    with pytest.raises(UserError, match="future"):
        _close(ctx, date(2026, 11, 28))


def test_an_entry_after_the_close_is_reported_late_with_the_next_day(
    ctx, clock, day, doc, tmp_path
):
    first = _close(ctx)
    assert first.late == ()
    clock.advance(hours=1)  # 19:10, still 27 Nov in Tokyo: a day already closed
    late = commit_document(ctx, doc).number
    assert late.startswith("S01-20261127-")
    clock.advance(hours=15)  # 28 Nov, 10:10
    today = commit_document(ctx, doc).number
    clock.advance(hours=8)
    out = tmp_path / "export-2026-11-28"
    second = _close(ctx, date(2026, 11, 28), out=out)
    assert [line.receipt for line in second.intakes] == [today]
    assert [e.receipt for e in second.late] == [late]
    assert second.counts["intakes"] == 1 and second.counts["late"] == 1
    rows = _csv_rows(out / CSV_FILE)
    marked = {row[header_of("receipt")]: row[header_of("late")] for row in rows}
    assert marked == {today: "", late: "締め後の記録 LATE"}
    text = pdf_text(out / REPORT)
    assert "締め後の記録" in text and late in squeeze(text)
    assert verify_export(out).ok


def _csv_rows(path: Path, encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return [
            {key: original_cell(value) for key, value in row.items()}
            for row in csv.DictReader(handle)
        ]


def test_the_csv_has_a_bom_neutralises_formulas_and_round_trips(closed, day):
    raw = (closed / CSV_FILE).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with (closed / CSV_FILE).open(encoding="utf-8-sig", newline="") as handle:
        cells = list(csv.DictReader(handle))
    first = next(r for r in cells if r[header_of("receipt")] == day["accepted"])
    assert first[header_of("occupation")] == "'=1+1"
    assert first[header_of("model")] == "'@x"
    assert not any(v.startswith(("=", "+", "-", "@")) for r in cells for v in r.values())
    rows = {r[header_of("receipt")]: r for r in _csv_rows(closed / CSV_FILE)}
    assert rows[day["accepted"]][header_of("occupation")] == "=1+1"
    assert rows[day["accepted"]][header_of("name")] == "山田 太郎"
    assert rows[day["accepted"]][header_of("address")] == "東京都千代田区千代田1-1"
    assert rows[day["voided"]][header_of("voided")] == "取消"
    # Minimal outside the 古物台帳: a refusal acquired nothing, so no personal data.
    assert rows[day["refused"]][header_of("name")] == ""
    assert "1985-04-01" not in raw.decode("utf-8-sig")  # birth date: the age suffices
    assert "123456789012" not in raw.decode("utf-8-sig")  # the ID document's number


def test_the_xlsx_reads_back_without_formulas(closed, day):
    sheet = openpyxl.load_workbook(closed / XLSX_FILE).active
    rows = list(sheet.iter_rows(values_only=True))
    headers = rows[0]
    first = dict(zip(headers, next(r for r in rows[1:] if r[0] == day["accepted"]), strict=True))
    assert first[header_of("occupation")] == "'=1+1"
    assert first[header_of("model")] == "'@x"
    assert first[header_of("name")] == "山田 太郎"
    assert first[header_of("price_yen")] == 12000
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_cp932_stops_on_a_character_it_cannot_encode_and_leaves_nothing(ctx, doc, tmp_path):
    doc["seller"]["name"] = "𠮷田 太郎"
    receipt = commit_document(ctx, doc).number
    out = tmp_path / "export"
    with pytest.raises(UserError) as raised:
        _close(ctx, encoding="cp932", out=out)
    message = raised.value.line()
    assert receipt in message and "𠮷" in message and "name" in message
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".export")] == []
    _close(ctx, out=out)  # nothing was recorded: the day can still be closed in UTF-8
    assert verify_export(out).ok


def test_cp932_writes_japanese_text(ctx, day, tmp_path):
    out = tmp_path / "export"
    _close(ctx, encoding="cp932", out=out)
    rows = {r[header_of("receipt")]: r for r in _csv_rows(out / CSV_FILE, "cp932")}
    assert rows[day["accepted"]][header_of("name")] == "山田 太郎"


def test_the_report_shows_the_chain_head_counts_only_the_bundled_font_and_is_signed(
    ctx, day, tmp_path
):
    out = tmp_path / "export"
    summary = _close(ctx, out=out)
    text = pdf_text(out / REPORT)
    flat = squeeze(text)
    assert summary.head.entry_hash in flat
    assert f"#{summary.head.seq}" in flat
    assert summary.fingerprint in flat
    assert "受付件数/intakes:3" in flat
    assert day["refused"] in flat and day["voided"] in flat
    fonts = subprocess.run(
        ["pdffonts", str(out / REPORT)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts, "no fonts listed"
    for line in fonts:
        assert "BIZUDPGothic" in line and " yes " in line, line  # embedded
    assert "Signature is Valid" in pdfsig(out / REPORT)


# ---------------------------------------------------------------------------
# verify-export


def test_verify_export_accepts_the_folder_against_the_ledger(ctx, closed):
    with ctx.reading() as session:
        verdict = verify_export(closed, session)
    assert verdict.ok, verdict.problems


@pytest.mark.parametrize("name", ALL_FILES)
def test_one_changed_byte_in_any_file_is_named(ctx, closed, name):
    path = closed / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    verdict = verify_export(closed)
    assert not verdict.ok
    assert any(name in problem for problem in verdict.problems), verdict.problems


def test_a_removed_file_is_named(closed):
    (closed / XLSX_FILE).unlink()
    assert verify_export(closed).problems == (f"{XLSX_FILE}: missing",)


def test_a_rewritten_and_resigned_by_nobody_manifest_is_caught(ctx, closed):
    manifest = json.loads((closed / MANIFEST).read_text("utf-8"))
    manifest["counts"]["intakes"] = 2
    (closed / MANIFEST).write_text(json.dumps(manifest), "utf-8")
    with ctx.reading() as session:
        verdict = verify_export(closed, session)
    assert any("signature does not verify" in p for p in verdict.problems)
    assert any("counts.intakes: export 2" in p for p in verdict.problems)


# ---------------------------------------------------------------------------
# The command line


def _run(ctx: AppContext, monkeypatch, *args: str, stdin: str = "") -> tuple[int, str, str]:
    """``revoke-desk`` in-process, on the test's database and clock."""
    monkeypatch.setattr(
        cli,
        "_open",
        lambda args, create=False: AppContext.open(ctx.db_url, ctx.keys_dir, clock=ctx.clock),
    )
    out, err = io.StringIO(), io.StringIO()
    stream = _Stdin(stdin)
    code = cli.run(list(args), out=out, err=err, stdin=stream)
    return code, out.getvalue(), err.getvalue()


class _Stdin(io.StringIO):
    @property
    def buffer(self) -> io.BytesIO:
        return io.BytesIO(self.getvalue().encode())


def test_close_day_and_verify_export_from_the_command_line(ctx, day, tmp_path, monkeypatch):
    out = tmp_path / "out"
    args = ("close-day", "--date", "2026-11-27", "--out", str(out), "--manager", "M01")
    code, stdout, stderr = _run(ctx, monkeypatch, *args, stdin="0000\n")
    assert code == cli.EXIT_USAGE and not out.exists(), stderr
    code, stdout, stderr = _run(ctx, monkeypatch, *args, stdin=f"{MANAGER_PIN}\n")
    assert code == cli.EXIT_OK, stderr
    assert "3 intakes" in stdout and sorted(p.name for p in out.iterdir()) == sorted(ALL_FILES)
    out2 = tmp_path / "again"
    args2 = ("close-day", "--date", "2026-11-27", "--out", str(out2), "--manager", "M01")
    code, _, stderr = _run(ctx, monkeypatch, *args2, stdin=f"{MANAGER_PIN}\n")
    assert code == cli.EXIT_USAGE and "already closed" in stderr and not out2.exists()

    code, stdout, _ = _run(ctx, monkeypatch, "verify-export", str(out))
    assert code == cli.EXIT_OK and stdout.startswith("OK S01 2026-11-27")
    (out / CSV_FILE).write_bytes((out / CSV_FILE).read_bytes() + b"x")
    code, stdout, _ = _run(ctx, monkeypatch, "verify-export", str(out))
    assert code == cli.EXIT_TAMPERED and f"NG {CSV_FILE}" in stdout


def test_close_day_needs_a_manager(ctx, day, tmp_path, monkeypatch):
    from tests.conftest import CLERK_PIN

    out = tmp_path / "out"
    code, _, stderr = _run(
        ctx,
        monkeypatch,
        *("close-day", "--date", "2026-11-27", "--out", str(out), "--manager", "C01"),
        stdin=f"{CLERK_PIN}\n",
    )
    assert code == cli.EXIT_USAGE and not out.exists(), stderr


def test_close_day_takes_a_backup_when_asked(ctx, day, tmp_path, monkeypatch):
    out, backups = tmp_path / "out", tmp_path / "backups"
    code, stdout, stderr = _run(
        ctx,
        monkeypatch,
        *("close-day", "--date", "2026-11-27", "--out", str(out), "--manager", "M01"),
        *("--backup-dir", str(backups), "--keep", "3"),
        stdin=f"{MANAGER_PIN}\n",
    )
    assert code == cli.EXIT_OK, stderr
    assert "backup" in stdout

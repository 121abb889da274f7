"""Day close: counts, the once-only rule, late entries, and every export read back.

A day at the fixture's shop (2026-11-27, Tokyo): an accepted trade-in whose seller's
occupation is ``=1+1`` and whose model is ``@x`` (CSV injection), a refusal, a void and a
reprint; and a busier day of every purpose, outcome, OS and path (``mixed_day``).  The
exports are read back the way their readers would: Python's csv, openpyxl, poppler
(pdftotext, pdffonts, pdfsig); ``verify-export`` must notice any changed byte.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from desktop import cli, dayclose
from desktop.app import AppContext
from desktop.catalogue import bundled_revocation_catalogue
from desktop.cli import common
from desktop.dayclose import DayClose
from desktop.domain import (
    CertificateUsed,
    DeviceOs,
    IdDocumentType,
    NetworkRestriction,
    Outcome,
    PerformedBy,
    Purpose,
    RefusalReason,
)
from desktop.errors import UserError
from desktop.export_folder import (
    CERT_FILE,
    CSV_FILE,
    MANIFEST,
    REPORT,
    SIGNATURE,
    SUMMARY_FILE,
    XLSX_FILE,
    export_day,
    verify_export,
)
from desktop.exports import close_day_exports
from desktop.slips import issue_slip
from desktop.voiding import void_intake
from reports.csv_safe import original_cell
from reports.day_export import SUMMARY_HEADERS, SUMMARY_SHEET, header_of
from reports.day_report import MARGIN, PAGE_WIDTH
from reports.snapshot import SlipFormat
from tests.conftest import MANAGER_PIN, Clock, example_document
from tests.support.intakes import commit_document
from tests.support.pdfs import pdf_text, pdfsig, squeeze

DAY = date(2026, 11, 27)
ALL_FILES = (REPORT, CSV_FILE, SUMMARY_FILE, XLSX_FILE, CERT_FILE, MANIFEST, SIGNATURE)
# Every id a stored record may hold: none may reach a reader of the exports.
RAW_IDS = frozenset(
    {
        *(e.value for e in (*Purpose, *Outcome, *RefusalReason, *DeviceOs, *IdDocumentType)),
        *(e.value for e in (*NetworkRestriction, *CertificateUsed, *PerformedBy)),
        *bundled_revocation_catalogue().paths,
    }
)
# In the report's running text, English words (accepted, refused, other) are English:
# only the ids no English sentence holds are out of place.
CODE_IDS = frozenset(i for i in RAW_IDS if "_" in i or i == "ok")
ZERO = {"accepted": 0, "refused": 0, "voided": 0, "amount_yen": 0}


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
        summary = close_day_exports(
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
        "version": 2,
        "intakes": 2,  # the voided one is not counted as taken in
        "outcome": {"accepted": 1, "refused": 1},
        "voided": 1,
        "purpose": {
            "purchase": ZERO,
            "trade_in": {"accepted": 1, "refused": 1, "voided": 1, "amount_yen": 12000},
            "consignment": ZERO,
            "repair": ZERO,
        },
        "path": {"app_revoked": 2},
        "os": {"android": 2},
        "voids": 1,
        "reprints": 1,
        "late": 0,
    }
    assert [(e.receipt, e.detail) for e in summary.refusals] == [
        (day["refused"], "名義人以外が失効 / revoked by someone else")
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
    assert set(body["exports"]) == {REPORT, CSV_FILE, SUMMARY_FILE, XLSX_FILE}
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


def test_late_entries_are_found_across_days_left_open_and_only_for_closed_days(
    ctx, clock, day, doc, tmp_path
):
    """The close reads only the entries since the previous close (desktop.dayclose):
    a late intake of a closed day is still found when the next close comes days later,
    and an intake of a day nobody closed yet is never late."""
    assert _close(ctx).late == ()  # 27 Nov, the shop's first close: nothing can be late
    clock.advance(hours=1)  # 19:10, still 27 Nov
    late = commit_document(ctx, doc).number
    clock.advance(hours=15)  # 28 Nov: left open for now
    open_day = commit_document(ctx, doc).number
    clock.advance(hours=24)  # 29 Nov
    today = commit_document(ctx, doc).number
    clock.advance(hours=8)
    out = tmp_path / "export-2026-11-29"
    third = _close(ctx, date(2026, 11, 29), out=out)
    assert [line.receipt for line in third.intakes] == [today]
    assert [e.receipt for e in third.late] == [late]
    assert [line.receipt for line in third.late_intakes] == [late]
    assert verify_export(out).ok
    # 28 Nov, closed last: its intake is its own, and nothing since the 29th's close.
    second = _close(ctx, date(2026, 11, 28), out=tmp_path / "export-2026-11-28")
    assert [line.receipt for line in second.intakes] == [open_day]
    assert second.late == ()


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
    # Exactly what was typed, no visible apostrophe: Excel's quote prefix says "text".
    assert first[header_of("occupation")] == "=1+1"
    assert first[header_of("model")] == "@x"
    assert first[header_of("name")] == "山田 太郎"
    assert first[header_of("price_yen")] == 12000
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    quoted = {cell.value for row in sheet.iter_rows() for cell in row if cell.quotePrefix}
    assert quoted == {"=1+1", "@x"}


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
    assert "受付件数（取消を除く）/intakes,voidedonesexcluded:2" in flat
    assert day["refused"] in flat and day["voided"] in flat
    fonts = subprocess.run(
        ["pdffonts", str(out / REPORT)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts, "no fonts listed"
    for line in fonts:
        assert "BIZUDPGothic" in line and " yes " in line, line  # embedded
    assert "Signature is Valid" in pdfsig(out / REPORT)


# ---------------------------------------------------------------------------
# A day of every kind: labels, counts without the voided, money per purpose


def _variant(purpose: str, price: int, **changes: Any) -> dict[str, Any]:
    """The example document as ``purpose`` at ``price``; ``a__b=v`` sets doc["a"]["b"]."""
    doc = example_document()
    doc["purpose"], doc["price_yen"] = purpose, price
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        node = doc
        for key in parents:
            node = node[key]
        node[last] = value
    return doc


IPHONE = {"device__os": "iphone", "device__maker": "Apple", "device__model": "iPhone 15"}
MIXED = (
    ("purchase", _variant("purchase", 15000)),
    (
        "purchase_iphone",
        _variant(
            "purchase",
            30000,
            **IPHONE,
            revocation__path="iphone_removed",
            seller__id_document={"type": "other", "number": "", "name": "学生証"},
            device__network_restriction="pending",
        ),
    ),
    ("purchase_refused", _variant("purchase", 8000, revocation__performed_by="staff")),
    ("trade_in", _variant("trade_in", 12000)),
    ("trade_in_voided", _variant("trade_in", 20000)),
    (
        "consignment",
        _variant(
            "consignment",
            50000,
            revocation__path="hotline_suspended",
            device__network_restriction="restricted",
        ),
    ),
    (
        "repair",
        _variant(
            "repair",
            0,
            revocation__certificate_used="no",
            revocation__path="never_used",
            device__network_restriction="unknown",
        ),
    ),
    ("trade_in_refused", _variant("trade_in", 9000, revocation__path="not_done")),
    ("purchase_small", _variant("purchase", 5000, revocation__path="app_uninstalled")),
    (
        "purchase_unknown",
        _variant(
            "purchase", 7000, revocation__certificate_used="unknown", revocation__path="check_first"
        ),
    ),
)


@pytest.fixture
def mixed_day(ctx: AppContext, clock: Clock) -> dict[str, str]:
    """Ten intakes of 27 Nov from 10:00: every purpose, accepted, refused and one voided."""
    receipts = {}
    for name, document in MIXED:
        receipts[name] = commit_document(ctx, document).number
        clock.advance(minutes=47)
    with ctx.transaction() as session:
        void_intake(
            session,
            ctx.signer(),
            receipt=receipts["trade_in_voided"],
            reason="二重登録のため",
            manager="M01",
            now=ctx.clock(),
        )
    clock.advance(hours=1)
    return receipts


@pytest.fixture
def mixed_closed(ctx: AppContext, mixed_day: dict[str, str], tmp_path: Path) -> Path:
    out = tmp_path / "export-mixed"
    _close(ctx, out=out)
    return out


def test_voided_intakes_are_counted_apart_and_money_is_totalled_per_purpose(ctx, mixed_day):
    counts = _close(ctx).counts
    assert counts["intakes"] == 9  # ten taken, one voided
    assert counts["outcome"] == {"accepted": 6, "refused": 3}
    assert counts["voided"] == 1
    assert counts["purpose"] == {
        "purchase": {"accepted": 3, "refused": 2, "voided": 0, "amount_yen": 50000},
        "trade_in": {"accepted": 1, "refused": 1, "voided": 1, "amount_yen": 12000},
        "consignment": {"accepted": 1, "refused": 0, "voided": 0, "amount_yen": 50000},
        "repair": {"accepted": 1, "refused": 0, "voided": 0, "amount_yen": 0},
    }
    assert counts["os"] == {"android": 8, "iphone": 1}
    assert sum(counts["path"].values()) == 9 and counts["path"]["app_revoked"] == 3


def _words(text: str) -> set[str]:
    return set(re.split(r"[\s/:=,()（）]+", text))


def test_the_report_has_japanese_labels_path_titles_totals_and_no_raw_ids(mixed_closed):
    text = pdf_text(mixed_closed / REPORT)
    flat = squeeze(text)
    assert "お断り" in text and "受付不可" not in text
    assert "受付/Accepted6" in flat and "お断り/Refused3" in flat and "取消/voided1" in flat
    catalogue = bundled_revocation_catalogue()
    for _, document in MIXED:  # every path of the day, by its title
        path = catalogue.paths[document["revocation"]["path"]]
        assert path.title.ja in flat, path.id
    assert "買取/Purchase320¥50,000" in flat
    assert "下取り/Trade-in111¥12,000" in flat
    assert "委託/Consignment100¥50,000" in flat
    assert "修理受付/Repair100¥0" in flat
    assert "計/total631" in flat
    assert "名義人以外が失効/revokedbysomeoneelse" in flat
    assert not CODE_IDS & _words(text), CODE_IDS & _words(text)


def test_no_word_of_the_report_runs_off_the_page(ctx, clock, mixed_day, tmp_path):
    # A void reason of 200 characters without a space.
    receipt = commit_document(ctx, _variant("purchase", 1000)).number
    clock.advance(minutes=1)
    reason = "お客様のご依頼により取り消します（" + "入力誤り" * 50
    with ctx.transaction() as session:
        void_intake(
            session,
            ctx.signer(),
            receipt=receipt,
            reason=reason[:199] + "）",
            manager="M01",
            now=clock(),
        )
    clock.advance(minutes=1)
    out = tmp_path / "long"
    _close(ctx, out=out)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(out / REPORT), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)<', html)
    assert len(words) > 100
    for x_min, x_max, word in words:
        assert float(x_min) >= MARGIN - 0.5, word
        assert float(x_max) <= PAGE_WIDTH - MARGIN + 0.5, word
    assert all(
        not line.startswith(("）", "。", "、")) for line in pdf_text(out / REPORT).splitlines()
    )


def test_the_csv_and_xlsx_show_labels_never_ids(mixed_closed, mixed_day):
    rows = {r[header_of("receipt")]: r for r in _csv_rows(mixed_closed / CSV_FILE)}
    first = rows[mixed_day["purchase"]]
    assert first[header_of("purpose")] == "買取"
    assert first[header_of("outcome")] == "受付"
    assert first[header_of("os")] == "Android"
    assert first[header_of("network_restriction")] == "○ 制限なし"
    assert first[header_of("revocation_path")] == "マイナポータルアプリで失効した"
    assert first[header_of("id_method")] == "運転免許証"
    iphone = rows[mixed_day["purchase_iphone"]]
    assert iphone[header_of("network_restriction")] == "△ 支払い中"
    assert iphone[header_of("id_method")] == "その他（学生証）"
    assert iphone[header_of("os")] == "iPhone"
    refused = rows[mixed_day["purchase_refused"]]
    assert refused[header_of("outcome")] == "お断り"
    assert refused[header_of("refusal_reason")] == "名義人以外が失効"
    assert rows[mixed_day["trade_in_refused"]][header_of("refusal_reason")] == "失効が未了"
    assert rows[mixed_day["repair"]][header_of("purpose")] == "修理受付"
    assert rows[mixed_day["repair"]][header_of("network_restriction")] == "− 未確認・対象外"
    assert rows[mixed_day["trade_in_voided"]][header_of("voided")] == "取消"
    cells = {v for r in rows.values() for v in r.values()}
    assert not RAW_IDS & cells, RAW_IDS & cells
    assert "お断りの理由 refusal reason" in first

    book = openpyxl.load_workbook(mixed_closed / XLSX_FILE)
    sheet = book.worksheets[0]
    headers, *values = list(sheet.iter_rows(values_only=True))
    xlsx = [dict(zip(headers, row, strict=True)) for row in values]
    assert {row[header_of("outcome")] for row in xlsx} == {"受付", "お断り"}
    by_receipt = {row[header_of("receipt")]: row for row in xlsx}
    assert by_receipt[mixed_day["purchase"]][header_of("revocation_path")] == (
        "マイナポータルアプリで失効した"
    )
    assert not RAW_IDS & {v for row in xlsx for v in row.values() if isinstance(v, str)}
    summary = list(book[SUMMARY_SHEET].iter_rows(values_only=True))
    assert summary[0] == SUMMARY_HEADERS
    table = {row[3]: row[4:] for row in summary[1:] if row[2] == "当日"}
    assert table == {
        "買取": (3, 2, 0, 50000),
        "下取り": (1, 1, 1, 12000),
        "委託": (1, 0, 0, 50000),
        "修理受付": (1, 0, 0, 0),
        "計": (6, 3, 1, None),
    }


def test_the_summary_csv_totals_money_per_purpose(mixed_closed):
    with (mixed_closed / SUMMARY_FILE).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == SUMMARY_HEADERS
    assert rows[1:] == [
        ["2026-11-27", "S01", "当日", "買取", "3", "2", "0", "50000"],
        ["2026-11-27", "S01", "当日", "下取り", "1", "1", "1", "12000"],
        ["2026-11-27", "S01", "当日", "委託", "1", "0", "0", "50000"],
        ["2026-11-27", "S01", "当日", "修理受付", "1", "0", "0", "0"],
        ["2026-11-27", "S01", "当日", "計", "6", "3", "1", ""],
    ]


def test_every_label_is_written_in_cp932_too(ctx, mixed_day, tmp_path):
    out = tmp_path / "cp932"
    _close(ctx, encoding="cp932", out=out)
    rows = {r[header_of("receipt")]: r for r in _csv_rows(out / CSV_FILE, "cp932")}
    # CP932 writes U+2212 as 0x817C, which reads back as the full-width minus U+FF0D.
    assert rows[mixed_day["repair"]][header_of("network_restriction")] == "－ 未確認・対象外"
    assert rows[mixed_day["purchase_refused"]][header_of("outcome")] == "お断り"
    summary = (out / SUMMARY_FILE).read_bytes().decode("cp932")
    assert "当日,買取,3,2,0,50000" in summary
    assert verify_export(out).ok


def test_a_void_after_the_close_does_not_change_that_close(ctx, clock, mixed_day, tmp_path):
    out = tmp_path / "export"
    _close(ctx, out=out)
    clock.advance(minutes=10)  # still 27 Nov: a late void, reported with the next close
    with ctx.transaction() as session:
        void_intake(
            session,
            ctx.signer(),
            receipt=mixed_day["purchase"],
            reason="誤り",
            manager="M01",
            now=clock(),
        )
    with ctx.reading() as session:
        verdict = verify_export(out, session)
    assert verdict.ok, verdict.problems


def test_a_close_made_before_the_counts_had_a_version_still_verifies(
    ctx, mixed_day, tmp_path, monkeypatch
):
    def old_counts(intakes, voids, reprints, late):
        return {
            **dayclose.legacy_day_counts(intakes),
            "voids": len(voids),
            "reprints": len(reprints),
            "late": len(late),
        }

    out = tmp_path / "old"
    with monkeypatch.context() as patch:
        patch.setattr(dayclose, "day_counts", old_counts)
        _close(ctx, out=out)
    counts = json.loads((out / MANIFEST).read_text("utf-8"))["counts"]
    assert counts["intakes"] == 10 and "version" not in counts
    with ctx.reading() as session:
        verdict = verify_export(out, session)
    assert verdict.ok, verdict.problems


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
    manifest["counts"]["intakes"] = 3
    (closed / MANIFEST).write_text(json.dumps(manifest), "utf-8")
    with ctx.reading() as session:
        verdict = verify_export(closed, session)
    assert any("signature does not verify" in p for p in verdict.problems)
    assert any("counts.intakes: export 3" in p for p in verdict.problems)


# ---------------------------------------------------------------------------
# The command line


def _run(ctx: AppContext, monkeypatch, *args: str, stdin: str = "") -> tuple[int, str, str]:
    """``revoke-desk`` in-process, on the test's database and clock."""
    monkeypatch.setattr(
        common,
        "open_context",
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
    assert "2 intakes" in stdout and sorted(p.name for p in out.iterdir()) == sorted(ALL_FILES)
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

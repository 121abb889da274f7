"""The 古物台帳: `ledger --from --to --out [--csv]` on a period with every kind of intake."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from desktop import cli
from desktop.cli import EXIT_OK, EXIT_USAGE
from desktop.domain import ID_DOCUMENT_LABELS, label
from desktop.ledger_book import (
    ERASED,
    EXEMPT_NOTE,
    SUSPECTED_STOLEN_NOTE,
    id_check_text,
    ledger_rows,
)
from desktop.voiding import void_intake
from reports.csv_safe import original_cell
from reports.signing import check_signed_pdf
from tests.conftest import MANAGER_PIN, example_document
from tests.support.cli_shop import CliShop
from tests.support.intakes import commit_document
from tests.support.pdfs import pdf_text, squeeze

MY_NUMBER_LIKE = "123456789018"  # would never be stored; the card's number is never shown


@pytest.fixture
def run_cli(ctx, monkeypatch):

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = cli.run(
            [*args, "--db", ctx.db_url, "--keys", str(ctx.keys_dir)],
            out=out,
            err=err,
            stdin=io.StringIO(stdin),
        )
        return code, out.getvalue(), err.getvalue()

    return run


@pytest.fixture
def period(ctx, clock):
    """Five intakes on 2026-11-27 (Tokyo): accepted, refused, voided, exempt, My Number card."""
    accepted = commit_document(ctx, example_document()).number

    clock.advance(minutes=10)
    doc = example_document()
    doc["seller"]["name"] = "断 られ子"
    doc["device"]["imei"] = ["490154203237518"]
    doc["revocation"]["performed_by"] = "staff"
    refused = commit_document(ctx, doc)
    assert refused.decision.outcome.value == "refused"

    clock.advance(minutes=10)
    doc = example_document()
    doc["seller"]["name"] = "取消 二郎"
    doc["seller"]["occupation"] = "=HYPERLINK(1)"
    doc["device"]["imei"] = ["352099001761481"]
    voided = commit_document(ctx, doc).number
    clock.advance(minutes=5)
    with ctx.transaction() as session:
        void_intake(
            session,
            ctx.signer(),
            receipt=voided,
            reason="IMEI入力誤り",
            manager="M01",
            now=ctx.clock(),
        )

    clock.advance(minutes=10)
    doc = example_document()
    doc["purpose"] = "purchase"
    doc["price_yen"] = 5000
    doc["seller"]["name"] = "小額 三郎"
    doc["seller"]["id_document"] = None
    doc["device"]["imei"] = ["356938035643817"]
    exempt = commit_document(ctx, doc).number

    clock.advance(minutes=10)
    doc = example_document()
    doc["seller"]["name"] = "番号 四郎"
    doc["seller"]["id_document"] = {"type": "my_number_card", "number": ""}
    doc["device"]["imei"] = ["353918051234561"]
    my_number = commit_document(ctx, doc).number
    return {
        "accepted": accepted,
        "refused": refused.number,
        "voided": voided,
        "exempt": exempt,
        "my_number": my_number,
    }


def test_rows_list_acquisitions_oldest_first_with_voids_and_exemptions(ctx, period):
    with ctx.reading() as session:
        rows = ledger_rows(
            session,
            ctx.clock().date().replace(day=27),
            ctx.clock().date().replace(day=27),
            "Asia/Tokyo",
        )
    receipts = [row.receipt for row in rows]
    assert receipts == [period["accepted"], period["voided"], period["exempt"], period["my_number"]]
    assert period["refused"] not in receipts  # not an acquisition (docs/decisions.md)
    by_receipt = {row.receipt: row for row in rows}
    first = by_receipt[period["accepted"]]
    assert first.purpose_label == "下取り"
    assert first.name == "山田 太郎"
    assert first.age.startswith("41歳")
    assert first.id_check == "運転免許証 / 123456789012"
    assert "IMEI 356938035643809" in first.features
    assert "128GB" in first.features
    assert first.quantity == 1
    assert first.local_time == "2026-11-27 10:00"
    void = by_receipt[period["voided"]].void
    assert void is not None
    assert (void.reason, void.manager) == ("IMEI入力誤り", "M01")
    assert by_receipt[period["exempt"]].exempt
    assert by_receipt[period["exempt"]].id_check == EXEMPT_NOTE
    assert by_receipt[period["my_number"]].id_check == "マイナンバーカード"


def test_erased_personal_data_is_shown_as_erased(ctx, period):
    from datetime import date

    from desktop.retention import purge_expired
    from desktop.verification import verify_all

    ctx.clock.advance(days=3 * 366)
    with ctx.transaction() as session:
        purged = purge_expired(session, ctx.signer(), now=ctx.clock())
    assert period["accepted"] in purged.receipts
    day = date(2026, 11, 27)
    with ctx.reading() as session:
        row = ledger_rows(session, day, day, "Asia/Tokyo")[0]
        assert verify_all(session, ctx.keys_dir).ok
    assert (row.name, row.address, row.occupation, row.age) == (ERASED,) * 4
    assert row.erased


def test_a_correction_links_the_voided_row_and_its_replacement(ctx, period, run_cli, tmp_path):
    """A wrong record is voided naming the intake taken again; both rows show the link."""
    from datetime import date

    again = commit_document(ctx, example_document()).number
    code, _, err = run_cli(
        "void",
        period["accepted"],
        "--reason",
        "機種の誤り",
        "--manager",
        "M01",
        "--replaced-by",
        again,
        stdin=f"{MANAGER_PIN}\n",
    )
    assert code == 0, err
    day = date(2026, 11, 27)
    with ctx.reading() as session:
        rows = {row.receipt: row for row in ledger_rows(session, day, day, "Asia/Tokyo")}
    old, new = rows[period["accepted"]], rows[again]
    assert old.voided
    assert [c.text for c in old.corrections] == [f"→ {again}"]
    assert [c.text for c in new.corrections] == [f"{period['accepted']} の訂正"]
    out = tmp_path / "book.pdf"
    assert (
        run_cli("ledger", "--from", "2026-11-27", "--to", "2026-11-27", "--out", str(out))[0] == 0
    )
    text = squeeze(pdf_text(out))
    assert squeeze(f"{period['accepted']} の訂正") in text
    assert squeeze(f"→ {again}") in text


def test_a_correction_must_name_a_standing_intake(ctx, period, run_cli):
    code, _, err = run_cli(
        "void",
        period["accepted"],
        "--reason",
        "誤り",
        "--manager",
        "M01",
        "--replaced-by",
        "S01-20261127-0999",
        stdin=f"{MANAGER_PIN}\n",
    )
    assert code == 2
    assert "no receipt S01-20261127-0999" in err


def test_ledger_pdf_holds_the_legal_columns_and_the_void_note(ctx, period, run_cli, tmp_path):
    out = tmp_path / "ledger.pdf"
    code, stdout, stderr = run_cli(
        "ledger", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(out)
    )
    assert (code, stderr) == (EXIT_OK, "")
    assert str(out) in stdout
    data = out.read_bytes()
    assert check_signed_pdf(data).ok
    text = squeeze(pdf_text(out))
    assert "1985-04-01生" in text
    for heading in (
        "年月日時",
        "区別",
        "品目",
        "特徴",
        "数量",
        "住所",
        "氏名",
        "職業",
        "年齢",
        "確認方法",
    ):
        assert heading in text
    for value in (
        "古物台帳",
        "リボーク質店千代田店",
        "第301020001234号",
        "2026-11-01〜2026-11-30",
        "山田太郎",
        "東京都千代田区千代田1-1",
        "会社員",
        "41歳",
        "運転免許証",
        "123456789012",
        "356938035643809",
        "下取り",
        "携帯電話機",
        "取消VOID",
        "IMEI入力誤り",
        EXEMPT_NOTE,
        "マイナンバーカード",
        "1/1",
        period["accepted"],
        period["voided"],
    ):
        assert squeeze(value) in text, value
    assert period["refused"] not in text
    assert "断られ子" not in text
    assert MY_NUMBER_LIKE not in text


def test_ledger_csv_reads_back_with_bom_and_neutralised_cells(ctx, period, run_cli, tmp_path):
    out = tmp_path / "ledger.csv"
    code, _, stderr = run_cli(
        "ledger", "--from", "2026-11-27", "--to", "2026-11-27", "--out", str(out), "--csv"
    )
    assert (code, stderr) == (EXIT_OK, "")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    assert header[0].startswith("受付番号")
    assert [row[0] for row in body] == [
        period["accepted"],
        period["voided"],
        period["exempt"],
        period["my_number"],
    ]
    occupation = header.index("職業 / Occupation")
    voided = body[1]
    assert voided[occupation] == "'=HYPERLINK(1)"  # a formula never reaches a spreadsheet
    assert original_cell(voided[occupation]) == "=HYPERLINK(1)"
    assert voided[-2] == "取消"
    assert "IMEI入力誤り" in voided[-1]
    assert "運転免許証 / 123456789012" in body[0]


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [("2026-13-01", "2026-12-01"), ("yesterday", "2026-12-01"), ("2026-12-02", "2026-12-01")],
)
def test_bad_dates_exit_2(ctx, run_cli, tmp_path, date_from, date_to):
    out = tmp_path / "ledger.pdf"
    code, _, stderr = run_cli("ledger", "--from", date_from, "--to", date_to, "--out", str(out))
    assert code == EXIT_USAGE
    assert stderr.startswith("エラー / error:")
    assert not out.exists()


def test_unwritable_file_exits_2(ctx, run_cli, tmp_path):
    code, _, stderr = run_cli(
        "ledger",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "--out",
        str(tmp_path / "no" / "x.pdf"),
    )
    assert code == EXIT_USAGE
    assert "no folder" in stderr
    folder = tmp_path / "a-folder"
    folder.mkdir()
    code, _, stderr = run_cli(
        "ledger", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(folder)
    )
    assert code == EXIT_USAGE
    assert "not a regular file" in stderr  # refused before the ledger is even read


def test_empty_period_still_renders(ctx, run_cli, tmp_path: Path):
    out = tmp_path / "empty.pdf"
    code, _, _ = run_cli("ledger", "--from", "2026-01-01", "--to", "2026-01-31", "--out", str(out))
    assert code == EXIT_OK
    assert "該当する記録はありません" in squeeze(pdf_text(out))


# --- issue 8: what the 古物台帳 lists and how (through the CLI contract) -------------

GUARDIAN = {"name": "田中 洋子", "relation": "母", "contact": "090-0000-0000", "method": "phone"}
STUDENT_CARD = {"type": "other", "number": "S-20-4711", "name": "学生証"}
VALID_IMEIS = (
    "356938035643809",
    "353918104432311",
    "490154203237518",
    "352099001761481",
    "356938035643817",
    "353918051234561",
    "354403064522046",
    "357805023984942",
)


@pytest.fixture
def law_shop(tmp_path) -> tuple[CliShop, dict[str, str]]:
    """One day's intakes: a repair, a flagged phone, documents, a visit of two, a minor."""
    imeis = iter(VALID_IMEIS)

    def phone(**seller: Any) -> dict[str, Any]:
        doc = example_document()
        doc["device"]["imei"] = [next(imeis)]
        doc["seller"].update(seller)
        return doc

    def exempt_phone(name: str = "山田 太郎") -> dict[str, Any]:
        doc = phone(name=name)
        doc["purpose"], doc["price_yen"] = "purchase", 6000
        for key in ("address", "occupation", "birth_date", "id_document"):
            del doc["seller"][key]
        return doc

    shop = CliShop(tmp_path / "shop")
    receipts: dict[str, str] = {}
    repair = phone(name="修理 五郎")
    repair["purpose"], repair["price_yen"] = "repair", 0
    receipts["repair"] = shop.intake(repair)
    stolen = phone(name="疑義 六郎")
    stolen["suspected_stolen"] = True
    receipts["stolen"] = shop.intake(stolen)
    receipts["student"] = shop.intake(phone(name="学生 七子", id_document=STUDENT_CARD))
    receipts["first"] = shop.intake(exempt_phone())  # ¥6,000 without details
    receipts["between"] = shop.intake(  # another customer while the first one waits
        phone(name="番号 八郎", id_document={"type": "health_insurance", "number": ""})
    )
    second = phone()  # the same customer's second phone, with his details: ¥12,000
    second["purpose"], second["price_yen"] = "purchase", 6000
    second["transaction_with"] = receipts["first"]
    receipts["second"] = shop.intake(second)
    receipts["lone"] = shop.intake(exempt_phone("単品 九郎"))
    minor = phone(name="田中 翔", birth_date=_years_ago(16))
    minor["guardian_consent"] = GUARDIAN
    receipts["minor"] = shop.intake(minor)
    return shop, receipts


def _today() -> date:
    return datetime.now(ZoneInfo("Asia/Tokyo")).date()


def _years_ago(years: int) -> str:
    today = _today()
    return today.replace(year=today.year - years, day=min(today.day, 28)).isoformat()


def _ledger(shop: CliShop, out: Path, *extra: str) -> Path:
    """The ledger of the days around today (a test may run across midnight)."""
    day = timedelta(days=1)
    code, _, err = shop(
        "ledger",
        "--from",
        f"{_today() - day}",
        "--to",
        f"{_today() + day}",
        "--out",
        str(out),
        *extra,
    )
    assert code == EXIT_OK, err
    return out


def _csv_rows(shop: CliShop, tmp_path: Path) -> list[dict[str, str]]:
    raw = _ledger(shop, tmp_path / "ledger.csv", "--csv").read_bytes()
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_a_repair_never_appears_in_the_ledger(law_shop, tmp_path):
    shop, receipts = law_shop
    text = squeeze(pdf_text(_ledger(shop, tmp_path / "ledger.pdf")))
    assert receipts["repair"] not in text
    assert "修理" not in text and "修理五郎" not in text
    rows = _csv_rows(shop, tmp_path)
    assert receipts["repair"] not in {row["受付番号 / Receipt"] for row in rows}
    assert "修理" not in str(rows)
    assert len(rows) == len(receipts) - 1
    # It is still on the record (History, the day report), just not a 古物 transaction.
    assert shop.query("SELECT purpose FROM intake WHERE receipt=?", receipts["repair"]) == [
        ("repair",)
    ]


def test_the_stolen_flag_shows_in_the_pdf_and_the_csv(law_shop, tmp_path):
    shop, receipts = law_shop
    text = squeeze(pdf_text(_ledger(shop, tmp_path / "ledger.pdf")))
    assert "【不正品の疑い】" in text
    assert squeeze(SUSPECTED_STOLEN_NOTE) in text
    rows = {row["受付番号 / Receipt"]: row for row in _csv_rows(shop, tmp_path)}
    assert rows[receipts["stolen"]]["不正品の疑い / Suspected stolen"] == "あり"
    assert SUSPECTED_STOLEN_NOTE in rows[receipts["stolen"]]["備考 / Notes"]
    others = [row for receipt, row in rows.items() if receipt != receipts["stolen"]]
    assert {row["不正品の疑い / Suspected stolen"] for row in others} == {""}


def test_documents_print_by_name_and_forbidden_numbers_never(law_shop, tmp_path):
    shop, receipts = law_shop
    text = squeeze(pdf_text(_ledger(shop, tmp_path / "ledger.pdf")))
    assert "その他（学生証）" in text and "S-20-4711" in text  # a cell wraps: layout splits it
    rows = {row["受付番号 / Receipt"]: row for row in _csv_rows(shop, tmp_path)}
    assert rows[receipts["student"]]["確認方法 / ID check"] == "その他（学生証） / S-20-4711"
    assert rows[receipts["between"]]["確認方法 / ID check"] == "健康保険証"


@pytest.mark.parametrize(
    "kind", ["my_number_card", "health_insurance", "qualification_certificate"]
)
def test_a_forbidden_number_in_an_old_record_is_never_printed(kind):
    # The validator refuses such numbers now; a record from before must not leak one.
    text = id_check_text({"type": kind, "number": MY_NUMBER_LIKE, "name": ""})
    assert MY_NUMBER_LIKE not in text
    assert text == label(ID_DOCUMENT_LABELS, kind)[0]


def test_two_phones_of_one_visit_are_one_transaction_not_exempt(law_shop, tmp_path):
    shop, receipts = law_shop
    rows = _csv_rows(shop, tmp_path)
    order = [row["受付番号 / Receipt"] for row in rows]
    first, second = receipts["first"], receipts["second"]
    assert order.index(second) == order.index(first) + 1  # together, the visit's order
    assert order.index(receipts["between"]) > order.index(second)
    by_receipt = {row["受付番号 / Receipt"]: row for row in rows}
    note = f"同一取引 {first} ほか（2台・合計 12,000円）"
    for receipt in (first, second):
        row = by_receipt[receipt]
        assert row["同一取引 / Transaction"] == first
        assert note in row["備考 / Notes"]
        assert EXEMPT_NOTE not in row["備考 / Notes"] + row["確認方法 / ID check"]
    # The first phone was taken without details: the ledger shows the visit's, and says so.
    early = by_receipt[first]
    assert early["住所 / Address"] == "東京都千代田区千代田1-1"
    assert early["確認方法 / ID check"] == "運転免許証 / 123456789012"
    assert f"住所・職業・年齢・確認方法は同一取引の記録による（{second}）" in early["備考 / Notes"]
    assert "同一取引の記録による" not in by_receipt[second]["備考 / Notes"]
    lone = by_receipt[receipts["lone"]]
    assert (lone["確認方法 / ID check"], lone["同一取引 / Transaction"]) == (EXEMPT_NOTE, "")
    assert EXEMPT_NOTE in lone["備考 / Notes"]
    text = squeeze(pdf_text(_ledger(shop, tmp_path / "ledger.pdf")))
    assert text.count(squeeze(note)) == 2


def test_a_voided_phone_leaves_the_transaction_and_its_total(law_shop, tmp_path):
    shop, receipts = law_shop
    code, _, err = shop(
        "void",
        receipts["second"],
        "--reason",
        "二重登録",
        "--manager",
        "M01",
        stdin=f"{MANAGER_PIN}\n",
    )
    assert code == EXIT_OK, err
    by_receipt = {row["受付番号 / Receipt"]: row for row in _csv_rows(shop, tmp_path)}
    first = by_receipt[receipts["first"]]
    assert (
        f"同一取引 {receipts['first']}（1台・合計 6,000円、取消1台を除く）" in first["備考 / Notes"]
    )
    assert EXEMPT_NOTE in first["備考 / Notes"]  # ¥6,000 bought after all
    assert "同一取引の記録による" not in first["備考 / Notes"]  # never from a voided record
    assert first["住所 / Address"] == ""


def test_a_minors_row_shows_the_guardians_consent(law_shop, tmp_path):
    shop, receipts = law_shop
    consent = "未成年者: 保護者同意 田中 洋子（母・保護者に電話で確認）"
    rows = {row["受付番号 / Receipt"]: row for row in _csv_rows(shop, tmp_path)}
    assert consent in rows[receipts["minor"]]["備考 / Notes"]
    assert "保護者同意" not in rows[receipts["stolen"]]["備考 / Notes"]
    text = squeeze(pdf_text(_ledger(shop, tmp_path / "ledger.pdf")))
    assert squeeze(consent) in text
    assert "090-0000-0000" not in text  # the contact stays in the record

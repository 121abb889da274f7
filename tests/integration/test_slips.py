"""Slips from the command line: issued, signed, readable, verifiable; every forgery caught."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

from desktop.cli import EXIT_OK, EXIT_TAMPERED, EXIT_USAGE, run
from tests.conftest import CLERK_PIN, MANAGER_PIN, example_document
from tests.support.pdfs import decode_qr, pdf_text, pdfsig, squeeze


class Shop:
    """A shop folder driven through the command line, in-process."""

    def __init__(self, home: Path, name: str = "リボーク質店") -> None:
        self.home = home
        self.db = home / "shop.sqlite3"
        self.base = ["--db", f"sqlite:///{self.db}"]
        home.mkdir(parents=True, exist_ok=True)
        assert (
            self(
                "init",
                "--shop-name",
                name,
                "--station",
                "S01",
                "--manager",
                "M01",
                "--license-no",
                "第301020001234号",
                "--commission",
                "東京都公安委員会",
                stdin=f"{MANAGER_PIN}\n",
            )[0]
            == EXIT_OK
        )
        assert (
            self(
                "clerk",
                "add",
                "C01",
                "--name",
                "佐藤 花子",
                "--manager",
                "M01",
                stdin=f"{MANAGER_PIN}\n{CLERK_PIN}\n",
            )[0]
            == EXIT_OK
        )

    def __call__(self, *args: str, stdin: str = "") -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        stream = _Stdin(stdin)
        code = run([*args, *self.base], out=out, err=err, stdin=stream)
        return code, out.getvalue(), err.getvalue()

    def intake(self, document: dict) -> str:
        code, out, err = self("intake", "--json", "-", stdin=json.dumps(document))
        assert code == EXIT_OK, err
        return out.split()[0]

    def payload(self, receipt: str) -> str:
        with sqlite3.connect(self.db) as conn:
            station, seq, entry_hash, signature = conn.execute(
                "SELECT station, seq, entry_hash, signature FROM ledger_entry "
                "WHERE kind='intake' AND subject=?",
                (receipt,),
            ).fetchone()
        return f"RD1:{station}:{seq}:{entry_hash}:{signature}"


class _Stdin(io.StringIO):
    @property
    def buffer(self) -> io.BytesIO:
        return io.BytesIO(self.getvalue().encode())


@pytest.fixture
def shop(tmp_path) -> Shop:
    return Shop(tmp_path / "shop")


@pytest.fixture
def accepted(shop) -> str:
    return shop.intake(example_document())


@pytest.mark.parametrize("fmt", ["thermal", "a4"])
def test_a_slip_is_signed_readable_and_verifiable(shop, accepted, tmp_path, fmt):
    out = tmp_path / f"{fmt}.pdf"
    code, stdout, err = shop("slip", accepted, "-o", str(out), "--format", fmt)
    assert code == EXIT_OK, err
    assert f"{accepted} confirmation issue 1" in stdout

    signature_report = pdfsig(out)
    assert "Signature is Valid" in signature_report
    assert "Total document signed" in signature_report
    text = squeeze(pdf_text(out))
    assert accepted in text
    assert "356938035643809" in text  # in full on the shop copy
    assert squeeze("マイナポータルアプリで失効した") in text
    assert decode_qr(out, tmp_path) == [shop.payload(accepted)] * 2  # customer and shop copy

    assert shop("verify-slip", str(out)) == (
        EXIT_OK,
        f"OK {accepted}: genuine, {fmt} first issue, signed by station S01\n",
        "",
    )
    assert shop("verify")[0] == EXIT_OK


def test_each_format_has_one_original_and_further_copies_are_reprints(shop, accepted, tmp_path):
    first = tmp_path / "first.pdf"
    assert shop("slip", accepted, "-o", str(first))[0] == EXIT_OK
    code, _, err = shop("slip", accepted, "-o", str(tmp_path / "again.pdf"))
    assert code == EXIT_USAGE
    assert "--reprint" in err
    assert shop("slip", accepted, "-o", str(tmp_path / "a4.pdf"), "--format", "a4")[0] == EXIT_OK

    again = tmp_path / "reprint.pdf"
    assert shop("slip", accepted, "-o", str(again), "--reprint")[0] == EXIT_OK
    assert "再発行" in pdf_text(again)
    assert "再発行" not in pdf_text(first)
    code, out, _ = shop("verify-slip", str(again))
    assert (code, out) == (
        EXIT_OK,
        f"OK {accepted}: genuine, thermal reprint #1, signed by station S01\n",
    )
    with sqlite3.connect(shop.db) as conn:
        kinds = [
            r[0]
            for r in conn.execute(
                "SELECT kind FROM ledger_entry WHERE subject=? ORDER BY seq", (accepted,)
            )
        ]
    assert kinds == ["intake", "slip_issued", "slip_issued", "reprint"]
    assert shop("verify")[0] == EXIT_OK


def test_a_refused_intake_gets_a_guidance_slip(shop, tmp_path):
    document = example_document()
    document["revocation"]["performed_by"] = "staff"
    receipt = shop.intake(document)
    out = tmp_path / "guidance.pdf"
    code, stdout, _ = shop("slip", receipt, "-o", str(out))
    assert code == EXIT_OK
    assert "guidance" in stdout
    text = squeeze(pdf_text(out))
    for expected in ("0120-95-0178", "0120-0178-27", receipt):
        assert expected in text
    assert "Signature is Valid" in pdfsig(out)
    assert shop("verify-slip", str(out))[0] == EXIT_OK


@pytest.fixture
def genuine(shop, accepted, tmp_path) -> Path:
    out = tmp_path / "genuine.pdf"
    assert shop("slip", accepted, "-o", str(out))[0] == EXIT_OK
    return out


def _rejected(shop, pdf: bytes, tmp_path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    code, out, _ = shop("verify-slip", str(path))
    assert code == EXIT_TAMPERED
    assert out.startswith("NG ")
    return out


def test_a_flipped_byte_is_rejected(shop, genuine, tmp_path):
    data = bytearray(genuine.read_bytes())
    middle = len(data) // 3
    data[middle] ^= 0x01
    out = _rejected(shop, bytes(data), tmp_path, "flipped.pdf")
    assert "changed" in out or "not" in out


def test_appended_junk_is_rejected(shop, genuine, tmp_path):
    out = _rejected(shop, genuine.read_bytes() + b"\n%junk\n", tmp_path, "junk.pdf")
    assert "entire file" in out or "appended" in out


def test_an_incremental_update_is_rejected(shop, genuine, tmp_path):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(genuine.read_bytes()))
    # Any new object makes pyHanko append an update section after the signature.
    writer.add_object(generic.TextStringObject("added after signing"))
    buffer = io.BytesIO()
    writer.write(buffer)
    assert len(buffer.getvalue()) > len(genuine.read_bytes())
    _rejected(shop, buffer.getvalue(), tmp_path, "updated.pdf")


def test_another_shops_slip_is_rejected(shop, accepted, tmp_path):
    other = Shop(tmp_path / "other", name="よその店")
    receipt = other.intake(example_document())
    theirs = tmp_path / "theirs.pdf"
    assert other("slip", receipt, "-o", str(theirs))[0] == EXIT_OK
    assert other("verify-slip", str(theirs))[0] == EXIT_OK
    out = _rejected(shop, theirs.read_bytes(), tmp_path, "theirs-copy.pdf")
    assert "not signed by station S01" in out


def test_a_qr_that_does_not_match_the_ledger_is_rejected(shop, accepted, tmp_path):
    """Signed with the real station key, but carrying another entry's payload."""
    import dataclasses

    from desktop.app import AppContext
    from desktop.slips import SlipPayload, build_snapshot
    from reports.signing import sign_pdf
    from reports.slip import render_slip
    from reports.snapshot import SlipFormat

    ctx = AppContext.open(f"sqlite:///{shop.db}", shop.home / "keys")
    try:
        signer = ctx.signer()
        with ctx.reading() as session:
            snapshot = build_snapshot(
                session,
                accepted,
                catalogue=ctx.catalogue(),
                printed_at=ctx.clock(),
                reprint_count=0,
            )
        real = SlipPayload.decode(snapshot.qr_payload)
        assert real is not None
        forged = dataclasses.replace(
            snapshot, qr_payload=dataclasses.replace(real, seq=real.seq - 1).encode()
        )
        pdf = sign_pdf(
            render_slip(forged, SlipFormat.THERMAL), signer.key, signer.certificate, reason="test"
        )
    finally:
        ctx.close()
    out = _rejected(shop, pdf, tmp_path, "forged-qr.pdf")
    assert "does not match the ledger" in out


def test_a_voided_receipts_slip_is_rejected(shop, accepted, genuine, tmp_path):
    assert (
        shop(
            "void", accepted, "--reason", "入力誤り", "--manager", "M01", stdin=f"{MANAGER_PIN}\n"
        )[0]
        == EXIT_OK
    )
    out = _rejected(shop, genuine.read_bytes(), tmp_path, "voided.pdf")
    assert "voided" in out


def test_a_stored_slip_changed_in_the_database_fails_verify(shop, genuine):
    with sqlite3.connect(shop.db) as conn:
        conn.execute("UPDATE slip SET pdf = CAST(pdf || x'00' AS BLOB)")
    code, out, _ = shop("verify")
    assert code == EXIT_TAMPERED
    assert "stored slip" in out


def test_a_slip_that_cannot_be_written_is_kept_and_reprintable(
    shop, accepted, tmp_path, monkeypatch
):
    """The printer (here: the disk) fails after the commit: the record stands, a reprint works."""
    import errno
    import os

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as patched:
        patched.setattr("desktop.files.os.fsync", disk_full)
        code, _, err = shop("slip", accepted, "-o", str(tmp_path / "full.pdf"))
    assert code == EXIT_USAGE
    assert "--reprint" in err
    assert not (tmp_path / "full.pdf").exists()  # nothing half-written is left
    out = tmp_path / "second-try.pdf"
    assert shop("slip", accepted, "-o", str(out), "--reprint")[0] == EXIT_OK
    assert "再発行" in pdf_text(out)


# --- what the slips say, for each purpose, path and phone ---------------------------------


def _slip_text(shop, receipt: str, tmp_path: Path, fmt: str = "a4") -> tuple[str, str]:
    """The squeezed text of the customer copy and the shop copy (one page each)."""
    out = tmp_path / f"{receipt}-{fmt}.pdf"
    code, _, err = shop("slip", receipt, "-o", str(out), "--format", fmt)
    assert code == EXIT_OK, err
    text = pdf_text(out)
    customer, _, rest = text.partition("\f")
    return squeeze(customer), squeeze(rest)


def _iphone(document: dict) -> dict:
    document["device"].update(os="iphone", maker="Apple", model="iPhone 15")
    return document


@pytest.mark.parametrize(
    ("purpose", "price", "outcome"),
    [
        ("purchase", 12000, "買取いたしました"),
        ("trade_in", 12000, "下取りとしてお引き取りしました"),
        ("consignment", 12000, "委託をお受けしました"),
        ("repair", 0, "修理のためお預かりしました"),
    ],
)
def test_a_confirmation_says_what_happened_to_the_phone(shop, tmp_path, purpose, price, outcome):
    document = example_document()
    document.update(purpose=purpose, price_yen=price)
    receipt = shop.intake(document)
    customer, shop_copy = _slip_text(shop, receipt, tmp_path)
    for copy in (customer, shop_copy):
        assert outcome in copy
        assert "電子証明書の失効を確認しました" in copy
        assert "署名時の表示言語:日本語" in copy
        assert "私名義" in copy  # the statement as signed
    if purpose != "repair":
        assert "預か" not in customer + shop_copy
        assert "本品は私の所有物であり、盗品等ではありません。" in customer
    assert "失効確認済み" not in customer + shop_copy
    # The shop copy names the signer.
    assert squeeze("署名者 Signer 山田 太郎") in shop_copy
    assert "山田太郎" not in customer


def test_an_english_signed_statement_says_so(shop, tmp_path):
    document = example_document()
    document["statement"]["language"] = "en"
    receipt = shop.intake(document)
    customer, shop_copy = _slip_text(shop, receipt, tmp_path, "thermal")
    for copy in (customer, shop_copy):
        assert "署名時の表示言語:英語" in copy
        assert "Languageshownandsigned:English" in copy


def test_never_used_is_not_called_a_revocation(shop, tmp_path):
    document = example_document()
    document["revocation"].update(certificate_used="no", path="never_used")
    receipt = shop.intake(document)
    customer, shop_copy = _slip_text(shop, receipt, tmp_path)
    assert "電子証明書が搭載されていないことを確認しました" in customer
    assert "電子証明書の失効を確認しました" not in customer + shop_copy


def test_a_model_change_is_attested(shop, tmp_path):
    document = example_document()
    document["revocation"]["path"] = "model_changed"
    code, out, err = shop("intake", "--json", "-", stdin=json.dumps(document))
    assert code == EXIT_OK, err
    assert out.split()[1] == "accepted"
    customer, _ = _slip_text(shop, out.split()[0], tmp_path)
    assert "機種変更により失効したことを確認しました" in customer
    assert squeeze("機種変更で新しい端末に電子証明書を入れた") in customer


@pytest.mark.parametrize("fmt", ["thermal", "a4"])
def test_not_yet_revoked_on_android_prints_the_full_procedure(shop, tmp_path, fmt):
    document = example_document()
    document.update(purpose="purchase")
    document["revocation"]["path"] = "not_done"
    receipt = shop.intake(document)
    customer, shop_copy = _slip_text(shop, receipt, tmp_path, fmt)
    assert "本日は買取できません" in customer
    assert "買取できませんでした" in shop_copy
    for words in (
        "マイページ",  # the app's own steps
        "「はじめる」",
        "半角英大文字と数字を含む6〜16文字",
        "パスワードを忘れた場合",  # the fallback
        "0120-95-0178",  # and the hotline route
        "0120-0178-27",
        "初期化の前に失効してください",
        "Welookforwardtoseeingyouonceitisdone.",
    ):
        assert words in customer, words
    assert "状況に合った" not in customer
    assert "預か" not in customer + shop_copy
    assert "山田太郎" in shop_copy


def test_an_iphone_check_first_never_gets_the_android_wording(shop, tmp_path):
    document = _iphone(example_document())
    document["revocation"].update(certificate_used="unknown")
    document["revocation"].pop("path")
    receipt = shop.intake(document)
    customer, _ = _slip_text(shop, receipt, tmp_path)
    assert "Wallet" in customer
    assert "iPhoneのマイナンバーカード" in customer
    assert "スマホ用電子証明書" not in customer


def test_refused_because_staff_did_it_is_told_how_to_unblock(shop, tmp_path):
    document = example_document()
    document["revocation"]["performed_by"] = "staff"
    receipt = shop.intake(document)
    customer, _ = _slip_text(shop, receipt, tmp_path)
    assert "すでに失効している可能性" in customer
    assert "スマホ用電子証明書の有効性確認" in customer
    assert "まだ有効であれば" in customer


def test_a_record_signed_under_the_first_statements_reprints_with_its_own_text(
    shop, tmp_path, monkeypatch
):
    """An intake committed by the release of 2026.11.1 keeps its words after the update."""
    from desktop import intake
    from desktop.catalogue import statement_catalogue, statement_version

    old = statement_version("2026.11.1")
    with monkeypatch.context() as patched:  # only this patch: the isolation fixture's stay
        patched.setattr(intake, "statement_catalogue", lambda: old)
        receipt = shop.intake(example_document())
    with sqlite3.connect(shop.db) as conn:
        (body,) = conn.execute(
            "SELECT body FROM ledger_entry WHERE kind='intake' AND subject=?", (receipt,)
        ).fetchone()
    assert json.loads(body)["statement"]["version"] == "2026.11.1"
    customer, shop_copy = _slip_text(shop, receipt, tmp_path)
    for copy in (customer, shop_copy):
        assert squeeze(old.texts["customer_revoked"].ja) in copy
        assert squeeze(old.texts["clerk_no_assist"].ja) in copy
        assert "2026.11.1" in copy
        assert squeeze(statement_catalogue().texts["customer_revoked"].ja) not in copy
    assert shop("verify")[0] == EXIT_OK


def test_a_signed_statement_that_does_not_match_its_version_is_refused():
    from desktop.catalogue import statement_version
    from desktop.errors import UserError
    from desktop.slips import _signed_statement

    shown = statement_version("2026.11.1").statement("customer_revoked", "en")
    recorded = {"id": shown.id, "version": shown.version, "language": "en", "sha256": shown.sha256}
    assert _signed_statement(recorded).en == shown.text
    for broken in ({"sha256": "0" * 64}, {"version": "1999.1.1"}, {"id": "customer_unknown"}):
        with pytest.raises(UserError, match="not available"):
            _signed_statement({**recorded, **broken})


def test_the_shop_copy_says_when_the_name_was_erased(shop, accepted):
    from desktop.app import AppContext
    from desktop.slips import build_snapshot

    with sqlite3.connect(shop.db) as conn:
        conn.execute("DELETE FROM person WHERE receipt = ?", (accepted,))
    ctx = AppContext.open(f"sqlite:///{shop.db}", shop.home / "keys")
    try:
        with ctx.reading() as session:
            snapshot = build_snapshot(
                session,
                accepted,
                catalogue=ctx.catalogue(),
                printed_at=ctx.clock(),
                reprint_count=1,
            )
    finally:
        ctx.close()
    assert snapshot.signer.startswith("（保存期間経過により消去）")
    assert snapshot.signature == ()


# --- a copy is counted once it is in the customer's hands -----------------------------------


def _kinds(ctx, receipt: str) -> list[str]:
    from sqlalchemy import select

    from db.models import LedgerEntry

    with ctx.reading() as session:
        rows = session.scalars(
            select(LedgerEntry.kind).where(LedgerEntry.subject == receipt).order_by(LedgerEntry.seq)
        )
        return list(rows)


def _prepare(ctx, receipt: str, *, reprint: bool):
    from desktop.slips import prepare_slip
    from reports.snapshot import SlipFormat

    with ctx.reading() as session:
        return prepare_slip(
            session,
            ctx.signer(),
            receipt=receipt,
            fmt=SlipFormat.THERMAL,
            reprint=reprint,
            catalogue=ctx.catalogue(),
            now=ctx.clock(),
        )


def _record(ctx, slip):
    from desktop.slips import record_slip

    with ctx.transaction() as session:
        return record_slip(session, ctx.signer(), slip, now=ctx.clock())


def _verify(ctx, pdf: bytes):
    from desktop.slips import verify_slip

    with ctx.reading() as session:
        return verify_slip(session, pdf)


def test_a_prepared_reprint_counts_and_verifies_only_once_recorded(ctx, tmp_path):
    from tests.support.intakes import commit_document

    receipt = commit_document(ctx, example_document()).number
    _record(ctx, _prepare(ctx, receipt, reprint=False))
    reprint = _prepare(ctx, receipt, reprint=True)
    assert reprint.issue_no == 2
    path = tmp_path / "reprint.pdf"
    path.write_bytes(reprint.pdf)
    assert "再発行" in pdf_text(path)
    # Rendered and signed, but nobody has it yet: nothing is written.
    assert _kinds(ctx, receipt) == ["intake", "slip_issued"]
    verdict = _verify(ctx, reprint.pdf)
    assert not verdict.ok and "not one the shop issued" in verdict.reason

    _record(ctx, reprint)
    _record(ctx, reprint)  # printed, then saved for the customer: the same file, once
    assert _kinds(ctx, receipt) == ["intake", "slip_issued", "reprint"]
    verdict = _verify(ctx, reprint.pdf)
    assert verdict.ok and "thermal reprint #1" in verdict.reason
    assert "Signature is Valid" in pdfsig(path)


def test_a_prepared_copy_whose_number_was_taken_meanwhile_is_refused(ctx):
    from desktop.errors import UserError
    from tests.support.intakes import commit_document

    receipt = commit_document(ctx, example_document()).number
    _record(ctx, _prepare(ctx, receipt, reprint=False))
    here = _prepare(ctx, receipt, reprint=True)
    other_window = _prepare(ctx, receipt, reprint=True)
    assert here.issue_no == other_window.issue_no == 2
    _record(ctx, other_window)
    with pytest.raises(UserError, match="recorded meanwhile"):
        _record(ctx, here)
    assert _kinds(ctx, receipt) == ["intake", "slip_issued", "reprint"]

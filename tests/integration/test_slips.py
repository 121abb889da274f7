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

"""PAdES signing of PDFs and the offline check (QUALITY.md reliability check 7)."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from desktop.keys import StationSigner, certificate_fingerprint, create_station_identity
from reports.signing import SignedPdfCheck, check_signed_pdf, sign_pdf
from tests.conftest import KEY_PASSPHRASE

FONT_FILE = Path(__file__).resolve().parents[3] / "reports" / "fonts" / "BIZUDPGothic-Regular.ttf"
FONT_NAME = "TestSigningBIZUDPGothic"
KEYWORDS = "revoke-desk-slip:v1 S01:7:abc"

CHANGED = "the file was changed after it was signed"
NOT_ENTIRE = "the signature does not cover the entire file"


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> StationSigner:
    keys_dir = tmp_path_factory.mktemp("keys")
    return create_station_identity(
        keys_dir, "S01", "テスト携帯店", dt.datetime.now(dt.UTC), passphrase=KEY_PASSPHRASE
    )


@pytest.fixture(scope="module")
def other_station(tmp_path_factory: pytest.TempPathFactory) -> StationSigner:
    keys_dir = tmp_path_factory.mktemp("other-keys")
    return create_station_identity(
        keys_dir, "S02", "別の店", dt.datetime.now(dt.UTC), passphrase=KEY_PASSPHRASE
    )


@pytest.fixture(scope="module")
def unsigned_pdf() -> bytes:
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_FILE)))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, initialFontName=FONT_NAME)
    canvas.setKeywords(KEYWORDS)
    canvas.drawString(72, 760, "マイナンバーカード電子証明書 失効確認票")
    canvas.drawString(72, 740, "IMEI 490154203237518 / 受付番号 7")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def signed_pdf(unsigned_pdf: bytes, station: StationSigner) -> bytes:
    return sign_pdf(
        unsigned_pdf, station.key, station.certificate, reason="失効確認票", location="S01"
    )


def _only_signature(pdf: bytes) -> object:
    signatures = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    assert len(signatures) == 1
    return signatures[0]


# ------------------------------------------------------------------------- good file


def test_signed_pdf_checks_ok(signed_pdf: bytes, station: StationSigner) -> None:
    before = dt.datetime.now(dt.UTC)

    check = check_signed_pdf(signed_pdf)

    assert check.ok, check.problem
    assert check.problem == ""
    assert check.signer == station.certificate
    assert check.signer_fingerprint == certificate_fingerprint(station.certificate)
    assert check.keywords == KEYWORDS
    signed_at = dt.datetime.fromisoformat(check.signed_at)
    assert abs(signed_at - before) < dt.timedelta(minutes=5)


def test_signed_pdf_checks_ok_against_its_station_certificate(
    signed_pdf: bytes, station: StationSigner
) -> None:
    check = check_signed_pdf(signed_pdf, trusted=station.certificate)

    assert check.ok, check.problem
    assert check.signer_fingerprint == station.fingerprint


def test_signature_is_an_incremental_update_with_pades_metadata(
    unsigned_pdf: bytes, signed_pdf: bytes
) -> None:
    assert signed_pdf.startswith(unsigned_pdf)  # the original revision is untouched
    signature = PdfFileReader(io.BytesIO(signed_pdf)).embedded_signatures[0]
    sig_object = signature.sig_object
    assert sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert sig_object["/Filter"] == "/Adobe.PPKLite"
    assert sig_object["/Reason"] == "失効確認票"
    assert sig_object["/Location"] == "S01"
    assert signature.field_name == "RevokeDeskSignature"
    assert signature.md_algorithm == "sha256"


def test_pyhanko_validation_is_intact_valid_trusted_and_covers_the_entire_file(
    signed_pdf: bytes, station: StationSigner
) -> None:
    signature = PdfFileReader(io.BytesIO(signed_pdf)).embedded_signatures[0]
    context = ValidationContext(
        trust_roots=[signature.signer_cert], allow_fetching=False, revocation_mode="soft-fail"
    )

    status = validate_pdf_signature(signature, context)

    assert status.intact
    assert status.valid
    assert status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.bottom_line
    assert status.md_algorithm == "sha256"
    assert status.pkcs7_signature_mechanism == "sha256_ecdsa"


@pytest.mark.skipif(
    shutil.which("pdfsig") is None and not os.environ.get("CI"),
    reason="poppler-utils is not installed (./test installs it; on CI this must run)",
)
def test_poppler_pdfsig_accepts_the_signature(signed_pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "slip.pdf"
    path.write_bytes(signed_pdf)

    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)

    lines = [line.strip() for line in result.stdout.splitlines()]
    assert "Signature #1:" in lines
    assert "Signature #2:" not in lines
    assert "- Signature Type: ETSI.CAdES.detached" in lines
    assert "- Signing Hash Algorithm: SHA-256" in lines
    assert "- Total document signed" in lines
    # The self-signed station certificate draws "Certificate issuer is unknown."
    # on the certificate line; the signature line is the one that matters.
    assert "- Signature Validation: Signature is Valid." in lines


def test_a_long_japanese_shop_name_still_fits_the_reserved_space(
    tmp_path: Path, unsigned_pdf: bytes
) -> None:
    # The shop name appears several times in the CMS blob (certificate, signer
    # identifier, signing-certificate attribute): 64 three-byte characters.
    long_station = create_station_identity(tmp_path, "S09", "〇" * 64, dt.datetime.now(dt.UTC))

    signed = sign_pdf(unsigned_pdf, long_station.key, long_station.certificate, reason="r")

    check = check_signed_pdf(signed, trusted=long_station.certificate)
    assert check.ok, check.problem


def test_each_station_signs_with_its_own_identity(
    unsigned_pdf: bytes, station: StationSigner, other_station: StationSigner
) -> None:
    first = sign_pdf(unsigned_pdf, station.key, station.certificate, reason="r")
    second = sign_pdf(unsigned_pdf, other_station.key, other_station.certificate, reason="r")
    again = sign_pdf(unsigned_pdf, station.key, station.certificate, reason="r")

    assert check_signed_pdf(first).signer_fingerprint == station.fingerprint
    assert check_signed_pdf(second).signer_fingerprint == other_station.fingerprint
    assert check_signed_pdf(again).signer_fingerprint == station.fingerprint
    assert check_signed_pdf(second, trusted=other_station.certificate).ok


def test_works_inside_a_running_event_loop(unsigned_pdf: bytes, station: StationSigner) -> None:
    # pyHanko's synchronous API calls asyncio.run(), which refuses a running loop.
    async def sign_and_check() -> SignedPdfCheck:
        signed = sign_pdf(unsigned_pdf, station.key, station.certificate, reason="r")
        return check_signed_pdf(signed, trusted=station.certificate)

    check = asyncio.run(sign_and_check())

    assert check.ok, check.problem


# -------------------------------------------------------------------------- tampering


def test_a_flipped_byte_in_the_signed_content_is_a_change(signed_pdf: bytes) -> None:
    # A byte of the compressed page content, well inside the first signed range.
    position = signed_pdf.index(b"stream\n") + len(b"stream\n") + 10
    tampered = bytearray(signed_pdf)
    tampered[position] ^= 0x01

    check = check_signed_pdf(bytes(tampered))

    assert not check.ok
    assert check.problem == CHANGED


@pytest.mark.parametrize(
    "junk",
    [b"\n", b"junk", b"\n%%EOF\n", b"x" * 5000],
    ids=["newline", "word", "eof-marker", "5kB"],
)
def test_appended_bytes_are_not_covered(
    signed_pdf: bytes, station: StationSigner, junk: bytes
) -> None:
    check = check_signed_pdf(signed_pdf + junk, trusted=station.certificate)

    assert not check.ok
    assert NOT_ENTIRE in check.problem
    assert "appended" in check.problem
    assert check.signer_fingerprint == station.fingerprint  # still says who signed it


def _update_keywords(pdf: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    info = writer.trailer["/Info"].get_object()
    info["/Keywords"] = generic.TextStringObject("revoke-desk-slip:v1 S01:8:forged")
    writer.update_container(info)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _add_annotation(pdf: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    note = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Text"),
            generic.pdf_name("/Rect"): generic.ArrayObject(
                [generic.NumberObject(n) for n in (100, 100, 120, 120)]
            ),
            generic.pdf_name("/Contents"): generic.TextStringObject("確認済み"),
        }
    )
    annots_ref = page.raw_get("/Annots")
    annots = page["/Annots"]
    annots.append(writer.add_object(note))
    writer.update_container(annots if isinstance(annots_ref, generic.IndirectObject) else page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("update", [_update_keywords, _add_annotation], ids=["keywords", "annot"])
def test_an_incremental_update_after_signing_is_a_change(
    signed_pdf: bytes, station: StationSigner, update: object
) -> None:
    assert callable(update)
    updated = update(signed_pdf)
    assert updated.startswith(signed_pdf)

    check = check_signed_pdf(updated, trusted=station.certificate)

    assert not check.ok
    assert check.problem.startswith(CHANGED)
    assert "update" in check.problem
    assert check.keywords == KEYWORDS  # the signed revision's, not the forged ones


def test_a_second_signature_is_refused(
    signed_pdf: bytes, station: StationSigner, other_station: StationSigner
) -> None:
    twice = sign_pdf(
        signed_pdf, other_station.key, other_station.certificate, reason="r", field_name="Second"
    )

    check = check_signed_pdf(twice, trusted=other_station.certificate)

    assert not check.ok
    assert check.problem == "more than one signature"


def test_a_signature_by_another_station_is_refused(
    unsigned_pdf: bytes, station: StationSigner, other_station: StationSigner
) -> None:
    signed_elsewhere = sign_pdf(
        unsigned_pdf, other_station.key, other_station.certificate, reason="r"
    )

    check = check_signed_pdf(signed_elsewhere, trusted=station.certificate)

    assert not check.ok
    assert "another station" in check.problem
    assert "not the trusted certificate" in check.problem
    assert check.signer_fingerprint == other_station.fingerprint
    assert check_signed_pdf(signed_elsewhere).ok  # intact in itself: only trust fails


# ------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda signed, unsigned: b"", "not a PDF"),
        (lambda signed, unsigned: b"garbage" * 100, "not a PDF"),
        (lambda signed, unsigned: bytes(range(256)) * 8, "not a PDF"),
        (lambda signed, unsigned: unsigned, "no signature"),
        (lambda signed, unsigned: b"%PDF-1.7\n" + b"\x00" * 200, "cannot be read"),
        (lambda signed, unsigned: signed[: len(signed) // 2], "cannot be read"),
        (lambda signed, unsigned: signed[:-1], "truncated"),
        (lambda signed, unsigned: signed[:-40], "cannot be read"),
    ],
    ids=[
        "empty",
        "garbage",
        "binary",
        "unsigned",
        "pdf-header-only",
        "half",
        "last-byte-cut",
        "trailer-cut",
    ],
)
def test_bad_input_is_reported_not_raised(
    signed_pdf: bytes, unsigned_pdf: bytes, make: object, problem: str
) -> None:
    assert callable(make)
    data = make(signed_pdf, unsigned_pdf)

    check = check_signed_pdf(data)

    assert isinstance(check, SignedPdfCheck)
    assert not check.ok
    assert problem in check.problem


def test_sign_pdf_refuses_a_key_that_does_not_match_the_certificate(
    unsigned_pdf: bytes, station: StationSigner, other_station: StationSigner
) -> None:
    with pytest.raises(ValueError, match="does not belong to the certificate"):
        sign_pdf(unsigned_pdf, other_station.key, station.certificate, reason="r")


def test_sign_pdf_refuses_input_that_is_not_a_pdf(station: StationSigner) -> None:
    with pytest.raises(ValueError, match="cannot sign the PDF"):
        sign_pdf(b"not a pdf", station.key, station.certificate, reason="r")

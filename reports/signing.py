"""PAdES signatures on the slip and day-report PDFs, and their offline check.

``sign_pdf`` adds one PAdES baseline B-B signature (sub-filter ``ETSI.CAdES.detached``,
SHA-256, the station's ECDSA P-256 key) to a finished PDF as an incremental update.
Everything happens in memory: no key file is written, no timestamp server or
revocation service is asked.

``check_signed_pdf`` is the counterpart used by ``verify`` and by the tests: it never
raises on bad input and accepts a file only when it carries exactly one signature that
is intact, cryptographically valid and covers the *entire* file.  pyHanko's
``bottom_line`` alone is not enough: junk appended after ``%%EOF`` leaves it true.

This module takes the key and certificate as ``cryptography`` objects; it must not
import ``desktop``, ``db`` or ``ui``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TypeVar

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

__all__ = ["SignedPdfCheck", "check_signed_pdf", "sign_pdf"]

DEFAULT_FIELD_NAME = "RevokeDeskSignature"

# Room reserved for the CMS blob.  Left to itself, pyHanko builds a whole dummy
# signature on every call just to measure it (about half the signing time); we build
# one per signer and cache its size.  The slack absorbs the variable length of the
# DER-encoded ECDSA value.  Too small a reserve makes pyHanko fail loudly, never
# silently; keep it tight anyway, since validators read the hex digits one by one.
_CMS_RESERVE_SLACK = 256


_T = TypeVar("_T")

# How many trailing %%EOF markers to try when junk after the PDF hides its end.
_EOF_MARKERS_TRIED = 4


# --------------------------------------------------------------------------- signing


@dataclass(frozen=True)
class _CachedSigner:
    signer: signers.SimpleSigner
    bytes_reserved: int


_SIGNERS: dict[str, _CachedSigner] = {}
_SIGNERS_LOCK = threading.Lock()
_SIGNERS_MAX = 16


def _fingerprint(der: bytes) -> str:
    """SHA-256 of the DER certificate, as ``desktop.keys.certificate_fingerprint``."""
    return hashlib.sha256(der).hexdigest()


def _signer_for(key: ec.EllipticCurvePrivateKey, certificate: x509.Certificate) -> _CachedSigner:
    """The pyHanko signer for this key, built once per certificate.

    Keyed by certificate fingerprint: the key is checked against the certificate
    first, so one certificate can only ever correspond to one private key.
    """
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError("the signing key must be an ECDSA P-256 private key")
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    der_format = serialization.Encoding.DER
    if key.public_key().public_bytes(der_format, public) != certificate.public_key().public_bytes(
        der_format, public
    ):
        raise ValueError("the signing key does not belong to the certificate")
    cert_der = certificate.public_bytes(der_format)
    fingerprint = _fingerprint(cert_der)
    cached = _SIGNERS.get(fingerprint)
    if cached is not None:
        return cached
    asn1_cert = asn1_x509.Certificate.load(cert_der)
    asn1_key = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            der_format, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    registry = SimpleCertificateStore()  # type: ignore[no-untyped-call]  # pyHanko leaves __init__ unannotated
    registry.register(asn1_cert)
    signer = signers.SimpleSigner(
        signing_cert=asn1_cert, signing_key=asn1_key, cert_registry=registry
    )
    probe = asyncio.run(
        signer.async_sign(hashlib.sha256().digest(), "sha256", dry_run=True, use_pades=True)
    )
    # pyHanko's bytes_reserved counts hex digits.
    cached = _CachedSigner(signer, bytes_reserved=2 * (len(probe.dump()) + _CMS_RESERVE_SLACK))
    with _SIGNERS_LOCK:
        if len(_SIGNERS) >= _SIGNERS_MAX:
            _SIGNERS.clear()
        _SIGNERS[fingerprint] = cached
    return cached


def sign_pdf(
    pdf: bytes,
    key: ec.EllipticCurvePrivateKey,
    certificate: x509.Certificate,
    *,
    reason: str,
    location: str = "",
    field_name: str = DEFAULT_FIELD_NAME,
) -> bytes:
    """Return ``pdf`` with a PAdES B-B signature appended as an incremental update.

    Raises ``ValueError`` if the key is not an ECDSA P-256 key matching the
    certificate, or if pyHanko cannot read ``pdf`` or cannot sign it (for example,
    the signature field is already filled).
    """
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason,
        location=location or None,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )

    def work() -> bytes:
        cached = _signer_for(key, certificate)
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        out = io.BytesIO()
        signers.PdfSigner(meta, cached.signer).sign_pdf(
            writer, bytes_reserved=cached.bytes_reserved, output=out
        )
        return out.getvalue()

    try:
        return _outside_event_loop(work)
    except ValueError:
        raise
    except Exception as exc:  # pyHanko raises its own PdfError/SigningError family
        raise ValueError(f"cannot sign the PDF: {exc}") from exc


# ----------------------------------------------------------------------------- check


@dataclass(frozen=True)
class SignedPdfCheck:
    """Outcome of :func:`check_signed_pdf`.  ``problem`` is "" exactly when ``ok``."""

    ok: bool
    problem: str
    signer: x509.Certificate | None = None
    signer_fingerprint: str = ""
    keywords: str = ""
    signed_at: str = ""


PROBLEM_NOT_PDF = "not a PDF"
PROBLEM_UNREADABLE = "the PDF is damaged or truncated and cannot be read"
PROBLEM_NO_SIGNATURE = "no signature"
PROBLEM_MANY_SIGNATURES = "more than one signature"
PROBLEM_BAD_SIGNATURE_OBJECT = "the signature is damaged and cannot be read"
PROBLEM_CHANGED = "the file was changed after it was signed"
PROBLEM_UPDATED = (
    "the file was changed after it was signed (an update was added after the signature)"
)
PROBLEM_APPENDED = (
    "data was appended after the signature (the signature does not cover the entire file)"
)
PROBLEM_TRUNCATED = "the file is truncated (it is shorter than the signed byte range)"
PROBLEM_SIGNATURE_INVALID = "the signature value does not match the signer certificate"
PROBLEM_UNTRUSTED = "signed by another station: the signer is not the trusted certificate"


def check_signed_pdf(pdf: bytes, trusted: x509.Certificate | None = None) -> SignedPdfCheck:
    """Check a signed PDF offline.  Never raises on bad input.

    ``ok`` requires: a PDF with exactly one signature, whose signed bytes are
    unchanged, whose CMS signature verifies with the embedded signer certificate,
    and whose byte range covers the whole file (nothing appended, no later
    revision).  With ``trusted``, the signer certificate must also be that very
    certificate and validate with it as the only trust root (no revocation check:
    station certificates carry no revocation information).
    """
    try:
        return _outside_event_loop(lambda: _check(pdf, trusted))
    except Exception as exc:  # defensive: a reader bug must not crash `verify`
        return SignedPdfCheck(ok=False, problem=f"the signature cannot be checked: {exc}")


def _check(pdf: bytes, trusted: x509.Certificate | None) -> SignedPdfCheck:
    if not isinstance(pdf, bytes | bytearray | memoryview):
        return SignedPdfCheck(ok=False, problem=PROBLEM_NOT_PDF)
    data = bytes(pdf)
    if b"%PDF-" not in data[:1024]:
        return SignedPdfCheck(ok=False, problem=PROBLEM_NOT_PDF)
    parsed = _read(data)
    if parsed is None:
        return _check_unreadable(data, trusted)
    return _check_signatures(data, *parsed, trusted)


def _read(data: bytes) -> tuple[PdfFileReader, list[EmbeddedPdfSignature]] | None:
    try:
        reader = PdfFileReader(io.BytesIO(data))
        return reader, list(reader.embedded_signatures)
    except Exception:
        return None


def _check_unreadable(data: bytes, trusted: x509.Certificate | None) -> SignedPdfCheck:
    """Tell "something was appended to a good signed PDF" from plain damage.

    pyHanko's reader looks for ``%%EOF``/``startxref`` only near the end of the file,
    so a few kilobytes of junk after a signed PDF make the whole file unreadable.
    Try the file cut after each of its last few ``%%EOF`` markers: if such a prefix
    is a correctly signed PDF, the rest was appended.
    """
    end = len(data)
    for _ in range(_EOF_MARKERS_TRIED):
        end = data.rfind(b"%%EOF", 0, end)
        if end < 0:
            break
        cut = end + len(b"%%EOF")
        for eol in (b"\r\n", b"\n", b"\r"):
            if data.startswith(eol, cut):
                cut += len(eol)
                break
        parsed = _read(data[:cut])
        if parsed is None:
            continue
        prefix = _check_signatures(data[:cut], *parsed, trusted)
        if prefix.ok:
            return replace(prefix, ok=False, problem=PROBLEM_APPENDED)
        break
    return SignedPdfCheck(ok=False, problem=PROBLEM_UNREADABLE)


def _check_signatures(
    data: bytes,
    reader: PdfFileReader,
    signatures: list[EmbeddedPdfSignature],
    trusted: x509.Certificate | None,
) -> SignedPdfCheck:
    if not signatures:
        return SignedPdfCheck(ok=False, problem=PROBLEM_NO_SIGNATURE)
    if len(signatures) > 1:
        return SignedPdfCheck(ok=False, problem=PROBLEM_MANY_SIGNATURES)
    embedded = signatures[0]
    try:
        signer_der = embedded.signer_cert.dump()
        byte_range = [int(n) for n in embedded.byte_range]
    except Exception:
        return SignedPdfCheck(ok=False, problem=PROBLEM_BAD_SIGNATURE_OBJECT)
    try:
        signer: x509.Certificate | None = x509.load_der_x509_certificate(signer_der)
    except ValueError:
        signer = None
    found = SignedPdfCheck(
        ok=True,
        problem="",
        signer=signer,
        signer_fingerprint=_fingerprint(signer_der),
        keywords=_signed_keywords(reader, embedded),
        signed_at=_signed_at(embedded),
    )
    if len(byte_range) != 4 or byte_range[2] + byte_range[3] > len(data):
        return replace(found, ok=False, problem=PROBLEM_TRUNCATED)

    # The signer's own certificate is the only trust root: a station certificate is
    # self-signed, and with ``trusted`` the two must be byte-identical anyway (and a
    # foreign root would only make the path builder log a traceback).  No revocation
    # information exists for these certificates and nothing may be fetched.
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(signer_der)],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    try:
        # skip_diff: any later revision already fails the entire-file rule below.
        status = validate_pdf_signature(embedded, context, skip_diff=True)
    except Exception:
        return replace(found, ok=False, problem=PROBLEM_BAD_SIGNATURE_OBJECT)

    if not status.intact:
        return replace(found, ok=False, problem=PROBLEM_CHANGED)
    if not status.valid:
        return replace(found, ok=False, problem=PROBLEM_SIGNATURE_INVALID)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE or (
        # belt and braces: the second signed range must end at the very last byte
        byte_range[2] + byte_range[3] != len(data)
    ):
        if reader.xrefs.total_revisions > embedded.signed_revision + 1:
            return replace(found, ok=False, problem=PROBLEM_UPDATED)
        return replace(found, ok=False, problem=PROBLEM_APPENDED)
    if trusted is not None:
        if signer_der != trusted.public_bytes(serialization.Encoding.DER):
            return replace(found, ok=False, problem=PROBLEM_UNTRUSTED)
        if not status.trusted:
            indication = status.trust_problem_indic
            detail = str(indication.standard_name) if indication else "unknown reason"
            return replace(
                found, ok=False, problem=f"the trusted certificate does not validate ({detail})"
            )
    return found


def _signed_keywords(reader: PdfFileReader, embedded: EmbeddedPdfSignature) -> str:
    """/Keywords from the document information of the signed revision, "" if none."""
    try:
        resolver = reader.get_historical_resolver(embedded.signed_revision)

        def resolve(obj: generic.PdfObject) -> generic.PdfObject:
            # Resolve in the signed revision: a plain .get_object() on a reference
            # from the flattened trailer would read the *latest* revision.
            if isinstance(obj, generic.IndirectObject):
                return resolver.get_object(obj.reference)  # type: ignore[no-any-return]
            return obj

        info = resolve(resolver.trailer_view.raw_get("/Info"))
        if not isinstance(info, generic.DictionaryObject):
            return ""
        value = resolve(info.raw_get("/Keywords"))
    except Exception:
        return ""
    if isinstance(value, generic.TextStringObject | str):
        return str(value)
    if isinstance(value, generic.ByteStringObject | bytes):
        return bytes(value).decode("latin-1")
    return ""


def _signed_at(embedded: EmbeddedPdfSignature) -> str:
    try:
        moment = embedded.self_reported_timestamp
    except Exception:
        return ""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.isoformat()


def _outside_event_loop(work: Callable[[], _T]) -> _T:
    """Run ``work`` here, or in a helper thread if this thread runs an event loop.

    pyHanko's synchronous entry points call ``asyncio.run``, which refuses to run
    inside a running loop (e.g. a Qt app driven by an asyncio bridge).
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf-signing") as pool:
        return pool.submit(work).result()

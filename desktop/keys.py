"""The station's signing identity: an ECDSA P-256 key and a self-signed X.509 certificate.

The private key never enters the database, an export or a backup: it is a PEM file
under the data folder, created owner-only (0600) in an owner-only directory.  The
certificate is written beside it and also stored in the ``station`` table, so that
``verify`` can check signatures anywhere and can notice when the two disagree.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from desktop.errors import UserError

CERT_VALIDITY_DAYS = 3650
_SIGNATURE_HASH = ec.ECDSA(hashes.SHA256())


@dataclass(frozen=True)
class StationKeyFiles:
    key: Path
    certificate: Path

    @classmethod
    def in_dir(cls, keys_dir: Path, station: str) -> StationKeyFiles:
        return cls(keys_dir / f"{station}.key.pem", keys_dir / f"{station}.cert.pem")


class StationSigner:
    """Signs ledger entries (and, later, PDFs) for one station."""

    def __init__(
        self, station: str, key: ec.EllipticCurvePrivateKey, certificate: x509.Certificate
    ):
        self.station = station
        self.key = key
        self.certificate = certificate

    @property
    def certificate_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")

    @property
    def fingerprint(self) -> str:
        return certificate_fingerprint(self.certificate)

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self.key.sign(message, _SIGNATURE_HASH)).decode("ascii")


def certificate_fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


def load_certificate(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode("ascii"))


def signature_is_valid(certificate: x509.Certificate, message: bytes, signature_b64: str) -> bool:
    public_key = certificate.public_key()
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        return False
    try:
        public_key.verify(base64.b64decode(signature_b64, validate=True), message, _SIGNATURE_HASH)
    except (InvalidSignature, ValueError):
        return False
    return True


def create_station_identity(
    keys_dir: Path, station: str, shop_name: str, now: dt.datetime
) -> StationSigner:
    """Make a new key pair and self-signed certificate, and write both files.

    Refuses to overwrite an existing key: losing a station key would leave its
    chain unverifiable by anyone holding only the new certificate.
    """
    files = StationKeyFiles.in_dir(keys_dir, station)
    if files.key.exists():
        raise UserError(
            f"ステーション {station} の鍵は既にあります: {files.key}",
            f"station {station} already has a key: {files.key}",
        )
    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"Revoke Desk station {station}"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, shop_name[:64]),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=CERT_VALIDITY_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # non-repudiation: the slips are attestations
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write_owner_only(files.key, key_pem)
    files.certificate.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return StationSigner(station, key, certificate)


def _write_owner_only(path: Path, data: bytes) -> None:
    # O_EXCL: never follow or replace an existing file; 0600 from the first byte.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def load_station_signer(keys_dir: Path, station: str) -> StationSigner:
    files = StationKeyFiles.in_dir(keys_dir, station)
    try:
        key = serialization.load_pem_private_key(files.key.read_bytes(), password=None)
        certificate = x509.load_pem_x509_certificate(files.certificate.read_bytes())
    except FileNotFoundError as exc:
        raise UserError(
            f"ステーション {station} の署名鍵が見つかりません（{keys_dir}）",
            f"no signing key for station {station} in {keys_dir}",
        ) from exc
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        # A damaged file fails in whichever layer the flipped bytes reach: base64,
        # DER, or the key's own structure.  Each is the same problem for the shop.
        raise UserError(
            f"ステーション {station} の署名鍵ファイルが壊れているか、読み込めません"
            f"（{keys_dir}）。バックアップの鍵に戻してください",
            f"the signing key of station {station} in {keys_dir} is damaged or unreadable "
            f"({type(exc).__name__}): restore the key folder from its backup",
        ) from None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise UserError("署名鍵の種類が正しくありません", "the signing key is not an EC key")
    return StationSigner(station, key, certificate)


def stations_with_keys(keys_dir: Path) -> list[str]:
    if not keys_dir.is_dir():
        return []
    return sorted(p.name.removesuffix(".key.pem") for p in keys_dir.glob("*.key.pem"))

"""The station's signing identity: an ECDSA P-256 key and an X.509 certificate.

The private key never enters the database, an export or a backup, and it is never
written to disk in the clear: it is an *encrypted* PKCS#8 PEM file under the data
folder (``S01.key.pem``, 0600 in a 0700 folder), next to its certificate
(``S01.cert.pem``).  The certificate is also stored in the ``station`` table, so that
``verify`` can check signatures anywhere and can notice when the two disagree.

Encryption at rest (docs/decisions.md, "Station key at rest"): PBES2 (RFC 8018) with
**scrypt** (RFC 7914; N = 2^17, r = 8, p = 1: 128 MiB and about 0.4 s per unlock) as
the key-derivation function and AES-256-CBC, in the standard ``ENCRYPTED PRIVATE
KEY`` PEM that ``cryptography`` (and OpenSSL with a raised scrypt memory limit)
reads.  ``cryptography``'s own ``BestAvailableEncryption`` for PKCS#8 uses PBKDF2 with
only 2,048 iterations, and its tunable ``encryption_builder`` exists only for PKCS#12
and OpenSSH, so the envelope is built here from cryptography's primitives.

A key file made before encryption at rest (a clear ``PRIVATE KEY`` PEM) still loads,
with a warning in the log and a note from ``verify``; ``revoke-desk key protect``
encrypts it in place.  Where the passphrase comes from (the environment, the OS key
store, a prompt) is desktop.key_access's business; this module only takes it.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import logging
import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from desktop.errors import UserError
from desktop.files import new_private_file, private_folder

log = logging.getLogger(__name__)

CERT_VALIDITY_DAYS = 3650
_SIGNATURE_HASH = ec.ECDSA(hashes.SHA256())

PASSPHRASE_ENV = "REVOKE_DESK_KEY_PASSPHRASE"  # noqa: S105 - a variable's name
MIN_PASSPHRASE_LEN = 8

# scrypt's cost at creation.  Tests lower SCRYPT_LOG2_N (tests/conftest.py) so that
# hundreds of set-ups stay fast; the parameters are stored in each file, so a key
# always unlocks with the cost it was made with.
SCRYPT_LOG2_N = 17
SCRYPT_R = 8
SCRYPT_P = 1
# What a key file may ask of the KDF before it is even tried: a flipped byte (or a
# hostile file) must not make the counter spend gigabytes and minutes on an unlock.
MAX_SCRYPT_MEMORY = 256 * 1024 * 1024  # 128 * N * r bytes
MAX_SCRYPT_P = 4
MAX_PBKDF2_ITERATIONS = 10_000_000

_OID_PBES2 = "1.2.840.113549.1.5.13"
_OID_SCRYPT = "1.3.6.1.4.1.11591.4.11"
_OID_PBKDF2 = "1.2.840.113549.1.5.12"
_OID_AES256_CBC = "2.16.840.1.101.3.4.1.42"
_ENCRYPTED_LABEL = "ENCRYPTED PRIVATE KEY"


class KeyState(Enum):
    ENCRYPTED = "encrypted"
    CLEAR = "clear"  # a legacy key file, from before encryption at rest


class KeyLocked(UserError):
    """The key is encrypted and no passphrase was given."""


class WrongPassphrase(UserError):
    """The passphrase does not open the key (or the encrypted part of the file is damaged)."""


@dataclass(frozen=True)
class StationKeyFiles:
    key: Path
    certificate: Path

    @classmethod
    def in_dir(cls, keys_dir: Path, station: str) -> StationKeyFiles:
        return cls(keys_dir / f"{station}.key.pem", keys_dir / f"{station}.cert.pem")

    def staged(self) -> StationKeyFiles:
        """Where a rotation writes the new identity until its ledger entry is committed."""
        return StationKeyFiles(
            self.key.with_name(self.key.name + ".new"),
            self.certificate.with_name(self.certificate.name + ".new"),
        )

    def retired(self, stamp: str) -> StationKeyFiles:
        """Where a rotation keeps the old identity (never loaded again by the app)."""
        return StationKeyFiles(
            self.key.with_name(f"{self.key.name}.retired-{stamp}"),
            self.certificate.with_name(f"{self.certificate.name}.retired-{stamp}"),
        )


class StationSigner:
    """Signs ledger entries and PDFs for one station."""

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


# --------------------------------------------------------------------------- passphrases


def passphrase_from_environment() -> str | None:
    """REVOKE_DESK_KEY_PASSPHRASE, if set (an empty value counts as unset)."""
    return os.environ.get(PASSPHRASE_ENV) or None


def check_new_passphrase(passphrase: str) -> None:
    """A passphrase for a key being encrypted now: long enough to resist guessing."""
    if len(passphrase) < MIN_PASSPHRASE_LEN:
        raise UserError(
            f"鍵のパスフレーズは{MIN_PASSPHRASE_LEN}文字以上にしてください",
            f"the key passphrase must be at least {MIN_PASSPHRASE_LEN} characters",
        )


# --------------------------------------------------------------------------- encryption


def encrypt_private_key(key: ec.EllipticCurvePrivateKey, passphrase: str) -> bytes:
    """The key as an encrypted PKCS#8 PEM: PBES2, scrypt, AES-256-CBC."""
    check_new_passphrase(passphrase)
    clear = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    salt, iv = os.urandom(16), os.urandom(16)
    cost = 1 << SCRYPT_LOG2_N
    secret = Scrypt(salt=salt, length=32, n=cost, r=SCRYPT_R, p=SCRYPT_P).derive(
        passphrase.encode("utf-8")
    )
    padder = padding.PKCS7(128).padder()
    padded = padder.update(clear) + padder.finalize()
    encryptor = Cipher(algorithms.AES(secret), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padded) + encryptor.finalize()
    kdf = _seq(
        _oid(_OID_SCRYPT),
        _seq(_octets(salt), _int(cost), _int(SCRYPT_R), _int(SCRYPT_P), _int(32)),
    )
    scheme = _seq(_oid(_OID_AES256_CBC), _octets(iv))
    der = _seq(_seq(_oid(_OID_PBES2), _seq(kdf, scheme)), _octets(ciphertext))
    return _pem(_ENCRYPTED_LABEL, der)


@dataclass(frozen=True)
class KdfParameters:
    """What an encrypted key file asks of its key-derivation function."""

    name: str  # "scrypt" or "pbkdf2"
    cost: int  # scrypt's N, or PBKDF2's iteration count
    block_size: int = 0  # scrypt's r
    parallelism: int = 0  # scrypt's p

    def line(self) -> str:
        if self.name == "scrypt":
            return (
                f"scrypt N=2^{self.cost.bit_length() - 1} r={self.block_size} p={self.parallelism}"
            )
        return f"pbkdf2 {self.cost} iterations"


def key_state(data: bytes) -> KeyState:
    """Encrypted or clear, from the PEM armour; ValueError for anything else."""
    label = _pem_label(data)
    if label == _ENCRYPTED_LABEL or b"Proc-Type: 4,ENCRYPTED" in data:
        return KeyState.ENCRYPTED
    if label in ("PRIVATE KEY", "EC PRIVATE KEY"):
        return KeyState.CLEAR
    raise ValueError("not a private key PEM")


def kdf_parameters(data: bytes) -> KdfParameters:
    """The KDF an ``ENCRYPTED PRIVATE KEY`` PEM names; ValueError if it is not PBES2."""
    reader = _Der(_unarmour(data, _ENCRYPTED_LABEL))
    outer = reader.sequence()
    algorithm = outer.sequence()
    if algorithm.oid() != _OID_PBES2:
        raise ValueError("not PBES2")
    params = algorithm.sequence()
    kdf = params.sequence()
    kdf_oid = kdf.oid()
    kdf_params = kdf.sequence()
    kdf_params.octets()  # salt
    if kdf_oid == _OID_SCRYPT:
        cost, block, parallel = kdf_params.integer(), kdf_params.integer(), kdf_params.integer()
        return KdfParameters("scrypt", cost, block, parallel)
    if kdf_oid == _OID_PBKDF2:
        return KdfParameters("pbkdf2", kdf_params.integer())
    raise ValueError(f"unknown key-derivation function {kdf_oid}")


def _check_kdf_bounds(params: KdfParameters) -> None:
    if params.name == "scrypt":
        n, r, p = params.cost, params.block_size, params.parallelism
        if n < 2 or n & (n - 1) or r < 1 or not 1 <= p <= MAX_SCRYPT_P:
            raise ValueError("scrypt parameters out of range")
        if 128 * n * r > MAX_SCRYPT_MEMORY:
            raise ValueError("scrypt parameters ask for too much memory")
    elif not 1 <= params.cost <= MAX_PBKDF2_ITERATIONS:
        raise ValueError("PBKDF2 iteration count out of range")


def decrypt_private_key(data: bytes, passphrase: str | None) -> ec.EllipticCurvePrivateKey:
    """The key in a key file: clear (legacy) or encrypted with ``passphrase``.

    Raises KeyLocked (encrypted, no passphrase), WrongPassphrase, or ValueError /
    TypeError / UnsupportedAlgorithm for a file that is damaged or not a key.
    """
    state = key_state(data)
    if state is KeyState.CLEAR:
        key = serialization.load_pem_private_key(data, password=None)
    else:
        if passphrase is None:
            raise KeyLocked("署名鍵は暗号化されています", "the signing key is encrypted")
        if _pem_label(data) == _ENCRYPTED_LABEL:
            _check_kdf_bounds(kdf_parameters(data))
        try:
            key = serialization.load_pem_private_key(data, password=passphrase.encode("utf-8"))
        except ValueError as exc:
            if "incorrect password" in str(exc).lower() or "bad decrypt" in str(exc).lower():
                raise WrongPassphrase(
                    "パスフレーズが違います", "wrong passphrase (or a damaged key file)"
                ) from None
            raise
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise UnsupportedAlgorithm("the signing key is not an ECDSA P-256 key")
    return key


# --------------------------------------------------------------------------- making keys


def new_identity(
    station: str, shop_name: str, now: dt.datetime
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A new key pair and its self-signed certificate, in memory."""
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
    return key, certificate


def create_station_identity(
    keys_dir: Path,
    station: str,
    shop_name: str,
    now: dt.datetime,
    *,
    passphrase: str | None = None,
) -> StationSigner:
    """Make a new key pair and self-signed certificate, and write both files.

    The key is encrypted with ``passphrase`` (default: REVOKE_DESK_KEY_PASSPHRASE).
    Refuses to overwrite an existing key: losing a station key would leave its chain
    unverifiable by anyone holding only the new certificate.
    """
    key, certificate = new_identity(station, shop_name, now)
    return write_station_identity(keys_dir, station, key, certificate, passphrase=passphrase)


def write_station_identity(
    keys_dir: Path,
    station: str,
    key: ec.EllipticCurvePrivateKey,
    certificate: x509.Certificate,
    *,
    passphrase: str | None,
    files: StationKeyFiles | None = None,
) -> StationSigner:
    """Write a key (encrypted) and its certificate, refusing to replace either."""
    files = files or StationKeyFiles.in_dir(keys_dir, station)
    passphrase = passphrase if passphrase is not None else passphrase_from_environment()
    if passphrase is None:
        raise KeyLocked(
            f"新しい署名鍵を暗号化するパスフレーズがありません。{PASSPHRASE_ENV} に"
            f"{MIN_PASSPHRASE_LEN}文字以上で設定するか、端末から実行してください",
            f"no passphrase to encrypt the new signing key with: set {PASSPHRASE_ENV} "
            f"({MIN_PASSPHRASE_LEN}+ characters) or run on a terminal",
        )
    if files.key.exists():
        raise UserError(
            f"ステーション {station} の鍵は既にあります: {files.key}",
            f"station {station} already has a key: {files.key}",
        )
    key_pem = encrypt_private_key(key, passphrase)  # checks the passphrase's length
    private_folder(keys_dir, ours=False)  # 0700 (shared PC: 2770); an ACL on Windows
    _write_new_file(files.key, key_pem)
    try:
        _write_new_file(
            files.certificate, certificate.public_bytes(serialization.Encoding.PEM), replace=True
        )
    except BaseException:
        files.key.unlink(missing_ok=True)
        raise
    sync_folder(keys_dir)
    return StationSigner(station, key, certificate)


def _write_new_file(path: Path, data: bytes, *, replace: bool = False) -> None:
    """0600 (shared PC: 0660) from the first byte, fsynced; never follows or replaces a
    file unless ``replace``.

    Not ``desktop.files.write_atomically``: a private key must never exist, even for a
    moment, with the umask's mode, so the file is created with its mode (O_EXCL) here.
    """
    if replace:
        path.unlink(missing_ok=True)
    fd = new_private_file(path)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def sync_folder(folder: Path) -> None:
    """Make renames and new names in ``folder`` durable (POSIX; a no-op on Windows)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --------------------------------------------------------------------------- loading


def _damaged(station: str, keys_dir: Path, exc: BaseException) -> UserError:
    # A damaged file fails in whichever layer the flipped bytes reach: the armour,
    # base64, DER, the KDF's parameters or the key's own structure.  Each is the same
    # problem for the shop.
    return UserError(
        f"ステーション {station} の署名鍵ファイルが壊れているか、読み込めません"
        f"（{keys_dir}）。バックアップの鍵に戻してください",
        f"the signing key of station {station} in {keys_dir} is damaged or unreadable "
        f"({type(exc).__name__}): restore the key folder from its backup",
    )


def wrong_passphrase(station: str, keys_dir: Path, source: str) -> WrongPassphrase:
    return WrongPassphrase(
        f"ステーション {station} の署名鍵のパスフレーズが違います（{source}）。"
        f"または鍵ファイルが壊れています（{keys_dir}）",
        f"wrong passphrase for the signing key of station {station} (from {source}), or the "
        f"key file in {keys_dir} is damaged or unreadable",
    )


def locked(station: str, keys_dir: Path) -> KeyLocked:
    return KeyLocked(
        f"ステーション {station} の署名鍵は暗号化されています。{PASSPHRASE_ENV} にパスフレーズを"
        "設定するか、端末から実行してください（revoke-desk key remember で OS の鍵ストアにも保存できます）",
        f"the signing key of station {station} in {keys_dir} is encrypted: set "
        f"{PASSPHRASE_ENV}, run on a terminal to be asked for it, or keep it in this PC's "
        "key store (revoke-desk key remember)",
    )


def read_key_file(keys_dir: Path, station: str) -> bytes:
    files = StationKeyFiles.in_dir(keys_dir, station)
    try:
        return files.key.read_bytes()
    except FileNotFoundError as exc:
        raise UserError(
            f"ステーション {station} の署名鍵が見つかりません（{keys_dir}）",
            f"no signing key for station {station} in {keys_dir}",
        ) from exc
    except OSError as exc:
        raise UserError(
            f"ステーション {station} の署名鍵を読めません（{exc.strerror}）",
            f"cannot read the signing key of station {station} ({exc.strerror})",
        ) from exc


def station_key_state(keys_dir: Path, station: str) -> KeyState:
    """Whether a station's key file is encrypted; a damaged one is an error."""
    try:
        return key_state(read_key_file(keys_dir, station))
    except ValueError as exc:
        raise _damaged(station, keys_dir, exc) from None


def load_station_signer(
    keys_dir: Path,
    station: str,
    passphrase: str | None = None,
    *,
    source: str = PASSPHRASE_ENV,
) -> StationSigner:
    """The station's key (decrypted in memory only) and certificate.

    ``source`` names where the passphrase came from, for the wrong-passphrase line.
    """
    files = StationKeyFiles.in_dir(keys_dir, station)
    data = read_key_file(keys_dir, station)
    try:
        key = decrypt_private_key(data, passphrase)
        certificate = x509.load_pem_x509_certificate(files.certificate.read_bytes())
    except KeyLocked:
        raise locked(station, keys_dir) from None
    except WrongPassphrase:
        raise wrong_passphrase(station, keys_dir, source) from None
    except FileNotFoundError as exc:
        raise UserError(
            f"ステーション {station} の証明書が見つかりません（{keys_dir}）",
            f"no certificate for station {station} in {keys_dir}",
        ) from exc
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise _damaged(station, keys_dir, exc) from None
    if key_state(data) is KeyState.CLEAR:
        log.warning(
            "the signing key of station %s in %s is not encrypted (a legacy key file): "
            "run `revoke-desk key protect` to encrypt it",
            station,
            keys_dir,
        )
    if not _same_public_key(key, certificate):
        raise UserError(
            f"ステーション {station} の署名鍵と証明書が一致しません（{keys_dir}）",
            f"the signing key of station {station} does not belong to its certificate "
            f"in {keys_dir}",
        )
    return StationSigner(station, key, certificate)


def _same_public_key(key: ec.EllipticCurvePrivateKey, certificate: x509.Certificate) -> bool:
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    der = serialization.Encoding.DER
    return key.public_key().public_bytes(der, spki) == certificate.public_key().public_bytes(
        der, spki
    )


def protect_key_file(keys_dir: Path, station: str, passphrase: str) -> bool:
    """Encrypt a legacy clear key file in place (atomically); False if it already is.

    The encrypted file is written beside the clear one (0600, fsynced) and renamed
    over it, so a crash leaves one or the other whole, never neither.
    """
    files = StationKeyFiles.in_dir(keys_dir, station)
    data = read_key_file(keys_dir, station)
    try:
        if key_state(data) is KeyState.ENCRYPTED:
            return False
        key = decrypt_private_key(data, None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise _damaged(station, keys_dir, exc) from None
    encrypted = encrypt_private_key(key, passphrase)
    partial = files.key.with_name(f".{files.key.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        _write_new_file(partial, encrypted)
        partial.replace(files.key)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    sync_folder(keys_dir)
    return True


def stations_with_keys(keys_dir: Path) -> list[str]:
    if not keys_dir.is_dir():
        return []
    return sorted(p.name.removesuffix(".key.pem") for p in keys_dir.glob("*.key.pem"))


# --------------------------------------------------------------------------- PKCS#12


def import_pkcs12(
    data: bytes, password: str | None, *, now: dt.datetime
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A shop's own identity from a PKCS#12 file: an ECDSA P-256 key and its certificate.

    The ledger's signatures and the PAdES slips are ECDSA P-256 (reports.signing), so
    an RSA identity is refused with a message that says what to ask for.  The file's
    CA certificates are not kept: the station certificate alone is what ``verify``,
    the pin and ``verify-slip`` check against.
    """
    try:
        key, certificate, _ = pkcs12.load_key_and_certificates(
            data, password.encode("utf-8") if password else None
        )
    except ValueError:
        raise UserError(
            "PKCS#12 ファイルを開けません（パスワードが違うか、ファイルが壊れています）",
            "cannot open the PKCS#12 file: wrong password (REVOKE_DESK_PKCS12_PASSPHRASE) "
            "or not a PKCS#12 file",
        ) from None
    except UnsupportedAlgorithm as exc:
        raise UserError(
            "PKCS#12 ファイルの暗号方式に対応していません",
            f"the PKCS#12 file uses an unsupported algorithm ({exc})",
        ) from None
    if key is None or certificate is None:
        raise UserError(
            "PKCS#12 ファイルに秘密鍵と証明書の両方が必要です",
            "the PKCS#12 file must hold both a private key and its certificate",
        )
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise UserError(
            "この鍵の種類には対応していません。ECDSA P-256（prime256v1）の鍵と証明書を用意してください",
            f"unsupported key type ({type(key).__name__.removeprefix('_')}): the ledger and the "
            "slips are signed with ECDSA P-256 only — ask for a P-256 (prime256v1) certificate",
        )
    if not _same_public_key(key, certificate):
        raise UserError(
            "PKCS#12 ファイルの鍵と証明書が一致しません",
            "the key in the PKCS#12 file does not belong to its certificate",
        )
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        raise UserError(
            "PKCS#12 ファイルの証明書は有効期間外です",
            f"the certificate in the PKCS#12 file is not valid now (valid "
            f"{certificate.not_valid_before_utc:%Y-%m-%d} to "
            f"{certificate.not_valid_after_utc:%Y-%m-%d})",
        )
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is not None and not (usage.digital_signature or usage.content_commitment):
        raise UserError(
            "PKCS#12 ファイルの証明書は署名に使えません（鍵用途）",
            "the certificate in the PKCS#12 file is not for signing (its key usage)",
        )
    return key, certificate


# --------------------------------------------------------------------------- DER, by hand


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _tlv(tag: int, value: bytes) -> bytes:
    return bytes([tag]) + _length(len(value)) + value


def _seq(*items: bytes) -> bytes:
    return _tlv(0x30, b"".join(items))


def _octets(value: bytes) -> bytes:
    return _tlv(0x04, value)


def _int(value: int) -> bytes:
    return _tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _oid(dotted: str) -> bytes:
    first, second, *rest = (int(part) for part in dotted.split("."))
    body = bytearray([40 * first + second])
    for arc in rest:
        chunk = [arc & 0x7F]
        higher = arc >> 7
        while higher:
            chunk.append(0x80 | (higher & 0x7F))
            higher >>= 7
        body.extend(reversed(chunk))
    return _tlv(0x06, bytes(body))


class _Der:
    """Reads the few DER types of an EncryptedPrivateKeyInfo; ValueError on anything else."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._at = 0

    def _next(self, tag: int) -> bytes:
        data, at = self._data, self._at
        if at + 2 > len(data) or data[at] != tag:
            raise ValueError("unexpected DER structure")
        length, at = data[at + 1], at + 2
        if length & 0x80:
            count = length & 0x7F
            if not 1 <= count <= 4 or at + count > len(data):
                raise ValueError("bad DER length")
            length, at = int.from_bytes(data[at : at + count], "big"), at + count
        if at + length > len(data):
            raise ValueError("truncated DER")
        self._at = at + length
        return data[at : at + length]

    def sequence(self) -> _Der:
        return _Der(self._next(0x30))

    def octets(self) -> bytes:
        return self._next(0x04)

    def integer(self) -> int:
        raw = self._next(0x02)
        if not raw or raw[0] & 0x80 or len(raw) > 8:
            raise ValueError("integer out of range")
        return int.from_bytes(raw, "big")

    def oid(self) -> str:
        raw = self._next(0x06)
        if not raw:
            raise ValueError("empty OID")
        arcs = [raw[0] // 40, raw[0] % 40]
        value = 0
        for byte in raw[1:]:
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                arcs.append(value)
                value = 0
        return ".".join(str(arc) for arc in arcs)


def _pem(label: str, der: bytes) -> bytes:
    text = base64.b64encode(der).decode("ascii")
    lines = [text[i : i + 64] for i in range(0, len(text), 64)]
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----", ""]).encode(
        "ascii"
    )


def _pem_label(data: bytes) -> str:
    start = data.find(b"-----BEGIN ")
    end = data.find(b"-----", start + 11) if start >= 0 else -1
    if start < 0 or end < 0:
        raise ValueError("no PEM armour")
    return data[start + 11 : end].decode("ascii", "replace")


def _unarmour(data: bytes, label: str) -> bytes:
    begin, end = f"-----BEGIN {label}-----".encode(), f"-----END {label}-----".encode()
    start, stop = data.find(begin), data.find(end)
    if start < 0 or stop < start:
        raise ValueError("no PEM armour")
    try:
        return base64.b64decode(b"".join(data[start + len(begin) : stop].split()), validate=True)
    except ValueError as exc:
        raise ValueError("bad base64") from exc

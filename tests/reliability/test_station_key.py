"""The station key is useless on its own (issue 10): encrypted at rest, unlocked, rotated.

Each case once failed on main: the key was a clear PEM that anyone at the PC could
sign with, there was no way to bring a shop's own identity, and a new key meant a
chain that no longer verified.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from desktop import key_access, keys, rotation
from desktop.app import AppContext
from desktop.cli import EXIT_OK, EXIT_TAMPERED, EXIT_USAGE
from desktop.errors import UserError
from tests.conftest import KEY_PASSPHRASE, MANAGER_PIN, example_document
from tests.support.cli_shop import CliShop

ROOT = Path(__file__).resolve().parents[2]
CLEAR_MARKERS = (b"BEGIN PRIVATE KEY", b"BEGIN EC PRIVATE KEY")


@pytest.fixture
def shop(tmp_path: Path) -> CliShop:
    shop = CliShop(tmp_path / "shop")
    shop.intake(example_document())
    return shop


def key_file(shop: CliShop) -> Path:
    return shop.home / "keys" / "S01.key.pem"


def intakes(shop: CliShop) -> int:
    return shop.query("SELECT count(*) FROM intake")[0][0]


def fingerprint(shop: CliShop) -> str:
    return shop.query("SELECT fingerprint FROM station WHERE code='S01'")[0][0]


def pins(tmp_path: Path) -> list[str]:
    (store,) = (tmp_path / "trust").glob("*.json")
    return json.loads(store.read_text())["stations"]["S01"]["fingerprints"]


def one_line(err: str) -> str:
    assert err.count("\n") == 1 and err.endswith("\n"), err
    return err


def make_legacy(shop: CliShop) -> None:
    """The key file as every shop had it before encryption at rest: a clear PKCS#8 PEM."""
    key = keys.decrypt_private_key(key_file(shop).read_bytes(), KEY_PASSPHRASE)
    clear = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    key_file(shop).write_bytes(clear)


# --- encrypted at rest ---------------------------------------------------------------------


def test_the_key_on_disk_is_encrypted_pkcs8_with_scrypt(shop: CliShop) -> None:
    data = key_file(shop).read_bytes()
    assert not any(marker in data for marker in CLEAR_MARKERS)
    assert data.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert keys.kdf_parameters(data).name == "scrypt"
    # Neither the database nor the certificate beside the key holds it.
    assert b"PRIVATE KEY" not in shop.db.read_bytes()


def test_a_real_process_writes_the_full_kdf_cost_and_inherits_the_passphrase(
    tmp_path: Path,
) -> None:
    """``init`` in a child process: REVOKE_DESK_KEY_PASSPHRASE from the test's environment."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    db = tmp_path / "child.sqlite3"

    def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "desktop", *args, "--db", f"sqlite:///{db}"],
            cwd=ROOT,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    done = cli(
        "init", "--shop-name", "T", "--station", "S01", "--manager", "M01", stdin=f"{MANAGER_PIN}\n"
    )
    assert done.returncode == EXIT_OK, done.stderr
    params = keys.kdf_parameters((tmp_path / "keys" / "S01.key.pem").read_bytes())
    assert (params.name, params.cost, params.block_size, params.parallelism) == (
        "scrypt",
        2**17,
        8,
        1,
    )
    done = cli(
        "clerk", "add", "C01", "--name", "佐藤", "--manager", "M01", stdin=f"{MANAGER_PIN}\n5678\n"
    )
    assert done.returncode == EXIT_OK, done.stderr


def test_without_the_passphrase_the_key_does_not_load_exit_2(
    shop: CliShop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REVOKE_DESK_KEY_PASSPHRASE")
    code, out, err = shop.submit(example_document())
    assert (code, out) == (EXIT_USAGE, "")
    assert "is encrypted" in one_line(err) and "REVOKE_DESK_KEY_PASSPHRASE" in err
    assert intakes(shop) == 1


def test_a_wrong_passphrase_is_one_line_exit_2(
    shop: CliShop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REVOKE_DESK_KEY_PASSPHRASE", "not-the-passphrase")
    code, _, err = shop.submit(example_document())
    assert code == EXIT_USAGE
    assert "wrong passphrase" in one_line(err)
    assert "Traceback" not in err
    assert intakes(shop) == 1


def test_verify_needs_no_passphrase(shop: CliShop, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REVOKE_DESK_KEY_PASSPHRASE")
    code, out, _ = shop("verify")
    assert code == EXIT_OK, out


def test_a_short_passphrase_is_refused_at_init_and_nothing_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REVOKE_DESK_KEY_PASSPHRASE", "short")
    with pytest.raises(AssertionError, match="at least 8 characters"):
        CliShop(tmp_path / "short")
    assert not (tmp_path / "short" / "keys").exists()
    assert not (tmp_path / "short" / "shop.sqlite3").exists()


def test_init_without_any_passphrase_is_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REVOKE_DESK_KEY_PASSPHRASE")
    with pytest.raises(AssertionError, match="no passphrase to encrypt"):
        CliShop(tmp_path / "none")


def test_a_kdf_asking_for_gigabytes_is_refused_before_it_runs(shop: CliShop) -> None:
    """A flipped byte in the scrypt cost must not make the counter spend 4 GB on an unlock."""
    hostile = keys._seq(
        keys._seq(
            keys._oid("1.2.840.113549.1.5.13"),  # PBES2
            keys._seq(
                keys._seq(
                    keys._oid("1.3.6.1.4.1.11591.4.11"),  # scrypt, N = 2^22: 4 GiB
                    keys._seq(keys._octets(os.urandom(16)), *map(keys._int, (1 << 22, 8, 1, 32))),
                ),
                keys._seq(keys._oid("2.16.840.1.101.3.4.1.42"), keys._octets(os.urandom(16))),
            ),
        ),
        keys._octets(os.urandom(144)),
    )
    key_file(shop).write_bytes(keys._pem("ENCRYPTED PRIVATE KEY", hostile))
    started = dt.datetime.now()
    code, _, err = shop.submit(example_document())
    assert code == EXIT_USAGE
    assert "damaged or unreadable" in one_line(err)
    assert (dt.datetime.now() - started).total_seconds() < 5


# --- legacy clear keys -----------------------------------------------------------------------


def test_a_legacy_clear_key_still_works_with_a_warning_and_a_note(
    shop: CliShop, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_legacy(shop)
    monkeypatch.delenv("REVOKE_DESK_KEY_PASSPHRASE")  # an old shop's script sets none
    shop.intake(example_document())
    assert any("is not encrypted" in r.getMessage() for r in caplog.records)
    code, out, _ = shop("verify")
    assert code == EXIT_OK, out
    assert "not encrypted (a legacy key file): run `revoke-desk key protect`" in out


def test_key_protect_encrypts_a_legacy_key_in_place(shop: CliShop) -> None:
    make_legacy(shop)
    before = keys.decrypt_private_key(key_file(shop).read_bytes(), None).private_numbers()
    code, out, err = shop("key", "protect")
    assert code == EXIT_OK, err
    assert "now encrypted" in out
    data = key_file(shop).read_bytes()
    assert not any(marker in data for marker in CLEAR_MARKERS)
    assert keys.decrypt_private_key(data, KEY_PASSPHRASE).private_numbers() == before
    assert [p.name for p in key_file(shop).parent.iterdir() if p.name.startswith(".")] == []
    assert oct(key_file(shop).stat().st_mode & 0o777) == "0o600"
    shop.intake(example_document())
    code, out, _ = shop("verify")
    assert code == EXIT_OK and "not encrypted" not in out
    assert shop("key", "protect") == (
        EXIT_OK,
        "S01: 鍵は暗号化済みです / the key is already encrypted\n",
        "",
    )


def test_key_protect_without_a_passphrase_leaves_the_file_alone(
    shop: CliShop, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_legacy(shop)
    clear = key_file(shop).read_bytes()
    monkeypatch.delenv("REVOKE_DESK_KEY_PASSPHRASE")
    code, _, err = shop("key", "protect")
    assert code == EXIT_USAGE and "no passphrase" in one_line(err)
    assert key_file(shop).read_bytes() == clear


# --- where the passphrase comes from -------------------------------------------------------


class MemoryKeyStore(key_access.OsKeyStore):
    """A key store that keeps secrets in a dict, as Credential Manager or the Keychain would."""

    def __init__(self) -> None:
        self.kept: dict[tuple[str, str], str] = {}

        class Backend:
            def get_password(inner, service: str, account: str) -> str | None:
                return self.kept.get((service, account))

            def set_password(inner, service: str, account: str, secret: str) -> None:
                self.kept[(service, account)] = secret

            def delete_password(inner, service: str, account: str) -> None:
                del self.kept[(service, account)]

        super().__init__(Backend())


def test_the_os_key_store_unlocks_a_shop_that_sets_no_variable(
    shop: CliShop, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = MemoryKeyStore()
    monkeypatch.setattr(key_access, "_discovered", lambda: store)
    code, _, err = shop("key", "remember")
    assert code == EXIT_OK, err
    assert list(store.kept.values()) == [KEY_PASSPHRASE]
    monkeypatch.delenv("REVOKE_DESK_KEY_PASSPHRASE")
    shop.intake(example_document())
    assert "passphrase kept in the OS key store" in shop("key", "status")[1]
    assert shop("key", "forget")[0] == EXIT_OK
    assert store.kept == {}
    assert shop.submit(example_document())[0] == EXIT_USAGE


def test_a_stale_key_store_entry_falls_back_to_the_prompt(
    tmp_path: Path, shop: CliShop, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = MemoryKeyStore()
    account = key_access.key_store_account(shop.home / "keys", "S01")
    store.kept[(key_access.KEY_STORE_SERVICE, account)] = "an-old-passphrase"
    monkeypatch.setattr(key_access, "_discovered", lambda: store)
    monkeypatch.delenv("REVOKE_DESK_KEY_PASSPHRASE")
    asked: list[key_access.UnlockRequest] = []

    def prompt(request: key_access.UnlockRequest) -> key_access.Answer:
        asked.append(request)
        return key_access.Answer(KEY_PASSPHRASE, remember=True)

    ctx = AppContext.open(f"sqlite:///{shop.db}", shop.home / "keys")
    ctx.passphrase_prompt = prompt
    try:
        assert ctx.signer().station == "S01"
    finally:
        ctx.close()
    assert [(r.attempt, r.can_remember) for r in asked] == [(1, True)]
    assert store.kept[(key_access.KEY_STORE_SERVICE, account)] == KEY_PASSPHRASE


def test_key_remember_without_a_key_store_is_exit_2(shop: CliShop) -> None:
    # The tests' environment is keyring's "fail" back-end (or no keyring at all): what a
    # headless Linux machine has.
    code, _, err = shop("key", "remember")
    assert code == EXIT_USAGE and "no usable OS key store" in one_line(err)


def test_keyrings_fail_and_null_backends_are_no_key_store(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("keyring")
    for backend in ("keyring.backends.fail.Keyring", "keyring.backends.null.Keyring"):
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", backend)
        key_access._discovered.cache_clear()
        try:
            assert key_access.os_key_store() is None
        finally:
            key_access._discovered.cache_clear()


def test_on_a_terminal_the_passphrase_is_asked_with_retries(
    shop: CliShop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REVOKE_DESK_KEY_PASSPHRASE")
    monkeypatch.setattr(key_access, "_on_terminal", lambda: True)
    typed = iter(["wrong-one", KEY_PASSPHRASE])
    monkeypatch.setattr(key_access.getpass, "getpass", lambda prompt="": next(typed))
    shop.intake(example_document())
    typed = iter(["wrong-one", "wrong-two", "wrong-three"])
    code, _, err = shop.submit(example_document())
    assert code == EXIT_USAGE and "wrong passphrase" in err
    assert intakes(shop) == 2


# --- PKCS#12 import ----------------------------------------------------------------------------


def own_identity(key: Any, *, days: int = 365) -> bytes:
    now = dt.datetime.now(dt.UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "リボーク質店 S01")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        b"s01", key, certificate, None, serialization.BestAvailableEncryption(b"p12-password")
    )


def init_with(tmp_path: Path, p12: bytes) -> tuple[int, str, str, Path]:
    from tests.support.cli_shop import _Stdin

    home = tmp_path / "own"
    home.mkdir()
    (home / "own.p12").write_bytes(p12)
    import io

    from desktop.cli import run

    out, err = io.StringIO(), io.StringIO()
    code = run(
        [
            "init",
            *("--shop-name", "自前の店", "--station", "S01", "--manager", "M01"),
            *("--pkcs12", str(home / "own.p12"), "--db", f"sqlite:///{home / 'shop.sqlite3'}"),
        ],
        out=out,
        err=err,
        stdin=_Stdin(f"{MANAGER_PIN}\n"),
    )
    return code, out.getvalue(), err.getvalue(), home


def test_a_shops_own_pkcs12_identity_is_imported_and_encrypted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REVOKE_DESK_PKCS12_PASSPHRASE", "p12-password")
    key = ec.generate_private_key(ec.SECP256R1())
    code, out, err, home = init_with(tmp_path, own_identity(key))
    assert code == EXIT_OK, err
    certificate = x509.load_pem_x509_certificate((home / "keys" / "S01.cert.pem").read_bytes())
    assert f"certificate SHA-256 {keys.certificate_fingerprint(certificate)}" in out
    data = (home / "keys" / "S01.key.pem").read_bytes()
    assert not any(marker in data for marker in CLEAR_MARKERS)
    opened = keys.decrypt_private_key(data, KEY_PASSPHRASE)
    assert opened.private_numbers() == key.private_numbers()


def test_an_rsa_pkcs12_is_refused_with_what_to_ask_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REVOKE_DESK_PKCS12_PASSPHRASE", "p12-password")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    code, _, err, home = init_with(tmp_path, own_identity(key))
    assert code == EXIT_USAGE
    assert "ECDSA P-256 only" in one_line(err)
    assert not (home / "keys" / "S01.key.pem").exists()


def test_a_wrong_pkcs12_password_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVOKE_DESK_PKCS12_PASSPHRASE", "not-it")
    code, _, err, _ = init_with(tmp_path, own_identity(ec.generate_private_key(ec.SECP256R1())))
    assert code == EXIT_USAGE and "cannot open the PKCS#12 file" in one_line(err)


# --- key rotation ------------------------------------------------------------------------------


def rotate(shop: CliShop, pin: str = MANAGER_PIN) -> tuple[int, str, str]:
    return shop("key", "rotate", "--manager", "M01", stdin=f"{pin}\n" if pin else "")


def test_a_rotation_keeps_history_verifying_and_old_slips_genuine(
    shop: CliShop, tmp_path: Path
) -> None:
    (receipt,) = shop.query("SELECT receipt FROM intake")[0]
    old_slip = tmp_path / "before.pdf"
    assert shop("slip", receipt, "-o", str(old_slip))[0] == EXIT_OK
    old = fingerprint(shop)

    code, out, err = rotate(shop)
    assert code == EXIT_OK, err
    new = fingerprint(shop)
    assert new != old and f"new certificate SHA-256 {new}" in out
    (body,) = shop.query("SELECT body FROM ledger_entry WHERE kind='key_rotated'")[0:1]
    rotated = json.loads(body[0])
    assert rotated["certificate_sha256"] == new and rotated["previous_certificate_sha256"] == old
    assert "BEGIN CERTIFICATE" in rotated["certificate_pem"]
    assert "BEGIN CERTIFICATE" in rotated["previous_certificate_pem"]

    after = shop.intake(example_document())
    new_slip = tmp_path / "after.pdf"
    assert shop("slip", after, "-o", str(new_slip))[0] == EXIT_OK
    reprint = tmp_path / "reprint.pdf"
    assert shop("slip", receipt, "-o", str(reprint), "--reprint")[0] == EXIT_OK

    code, out, _ = shop("verify")
    assert code == EXIT_OK, out
    for pdf in (old_slip, new_slip, reprint):
        code, out, _ = shop("verify-slip", str(pdf))
        assert code == EXIT_OK, (pdf.name, out)
    assert pins(tmp_path) == [old, new]
    # The key folder: the new key live and encrypted, the old one retired, still encrypted.
    folder = shop.home / "keys"
    live = x509.load_pem_x509_certificate((folder / "S01.cert.pem").read_bytes())
    assert keys.certificate_fingerprint(live) == new
    (retired,) = folder.glob("S01.key.pem.retired-*")
    assert not any(marker in retired.read_bytes() for marker in CLEAR_MARKERS)
    assert not list(folder.glob("*.new"))
    assert keys.stations_with_keys(folder) == ["S01"]


def test_the_retired_key_can_no_longer_sign(shop: CliShop, tmp_path: Path) -> None:
    from desktop import ledger

    assert rotate(shop)[0] == EXIT_OK
    folder = shop.home / "keys"
    (retired_key,) = folder.glob("S01.key.pem.retired-*")
    (retired_cert,) = folder.glob("S01.cert.pem.retired-*")
    old = keys.StationSigner(
        "S01",
        keys.decrypt_private_key(retired_key.read_bytes(), KEY_PASSPHRASE),
        x509.load_pem_x509_certificate(retired_cert.read_bytes()),
    )
    ctx = AppContext.open(f"sqlite:///{shop.db}", folder)
    try:
        with pytest.raises(UserError, match="has been rotated"), ctx.transaction() as session:
            ledger.append(session, old, ledger.EntryKind.REPRINT, {}, now=ctx.clock())
    finally:
        ctx.close()
    # Forced in past the check, an entry it signs after the rotation fails verify.
    from sqlalchemy import create_engine, insert

    from db.models import LedgerEntry

    engine = create_engine(f"sqlite:///{shop.db}")
    (seq, prev), at = (
        shop.query("SELECT seq, entry_hash FROM ledger_entry ORDER BY seq DESC LIMIT 1")[0],
        dt.datetime.now(dt.UTC),
    )
    body = {
        "v": 1,
        "kind": "export",
        "station": "S01",
        "seq": seq + 1,
        "subject": "",
        "at": at.isoformat(),
    }
    body_bytes = ledger.canonical(body)
    entry_hash = ledger.compute_entry_hash(prev, body_bytes)
    with engine.begin() as conn:
        conn.execute(
            insert(LedgerEntry),
            [
                {
                    "station": "S01",
                    "seq": seq + 1,
                    "kind": "export",
                    "subject": "",
                    "body": body_bytes.decode(),
                    "prev_hash": prev,
                    "entry_hash": entry_hash,
                    "signature": old.sign(bytes.fromhex(entry_hash)),
                    "created_at": at,
                }
            ],
        )
    code, out, _ = shop("verify")
    assert code == EXIT_TAMPERED
    assert f"S01#{seq + 1}: signature does not verify" in out


def test_a_rotation_without_the_managers_pin_is_exit_2(shop: CliShop) -> None:
    old = fingerprint(shop)
    for pin in ("", "9999", "5678"):  # none, a wrong one, the clerk's
        code, _, err = rotate(shop, pin)
        assert code == EXIT_USAGE, err
        assert "Traceback" not in err
    assert fingerprint(shop) == old
    assert shop.query("SELECT count(*) FROM ledger_entry WHERE kind='key_rotated'") == [(0,)]
    assert sorted(p.name for p in (shop.home / "keys").iterdir() if not p.name.startswith(".")) == [
        "S01.cert.pem",
        "S01.key.pem",
    ]


def test_a_rotation_stopped_after_its_commit_is_finished_at_the_next_start(
    shop: CliShop, monkeypatch: pytest.MonkeyPatch
) -> None:
    def power_cut(*args: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(rotation, "swap_in", power_cut)
        assert rotate(shop)[0] == EXIT_USAGE  # "interrupted", after the commit
    assert list((shop.home / "keys").glob("*.new"))  # the new key is still staged
    shop.intake(example_document())  # the next start finishes the swap, then signs
    assert not list((shop.home / "keys").glob("*.new"))
    code, out, _ = shop("verify")
    assert code == EXIT_OK, out


def test_a_chain_rewritten_from_the_start_with_the_retired_key_is_caught_by_the_pin(
    shop: CliShop, tmp_path: Path
) -> None:
    """The whole-PC attacker with the old key: the rotation and everything after it cut."""
    from sqlalchemy import create_engine, text

    from tests.support.tamper import _unguarded

    old_pem = shop.query("SELECT certificate_pem FROM station")[0][0]
    old = fingerprint(shop)
    assert rotate(shop)[0] == EXIT_OK
    (rotated_at,) = shop.query("SELECT seq FROM ledger_entry WHERE kind='key_rotated'")[0]
    engine = create_engine(f"sqlite:///{shop.db}")
    with _unguarded(engine) as conn:
        conn.execute(text("DELETE FROM ledger_entry WHERE seq >= :s"), {"s": rotated_at})
        conn.execute(
            text("UPDATE station SET certificate_pem=:p, fingerprint=:f"), {"p": old_pem, "f": old}
        )
        conn.commit()
    folder = shop.home / "keys"
    (folder / "S01.cert.pem").write_text(old_pem)
    code, out, _ = shop("verify")
    assert code == EXIT_TAMPERED
    assert "never signed the chain: the chain was rewritten" in out

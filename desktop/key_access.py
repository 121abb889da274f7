"""Where the station key's passphrase comes from, and unlocking the key with it.

In order (docs/decisions.md, "Station key at rest"):

1. the environment variable ``REVOKE_DESK_KEY_PASSPHRASE`` — scripts, services, tests;
   a wrong value is one clear line and exit 2, never a prompt that hangs a script;
2. the OS key store through ``keyring`` (Windows Credential Manager, which DPAPI
   encrypts for the Windows user; the macOS Keychain; the Secret Service of a Linux
   desktop), when ``revoke-desk key remember`` or the GUI's "remember" box put the
   passphrase there.  keyring's ``fail`` and ``null`` back-ends — what a headless
   Linux machine without a Secret Service gets — count as "no key store", and so do a
   missing ``keyring`` package and any error from the back-end;
3. a person: ``getpass`` on a terminal (the command line), the start-up dialog in the
   GUI (ui/key_unlock.py); a few attempts, then the same clear error.

The passphrase and the decrypted key stay in this process's memory only.
"""

from __future__ import annotations

import getpass
import importlib
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from desktop.errors import UserError
from desktop.keys import (
    MIN_PASSPHRASE_LEN,
    PASSPHRASE_ENV,
    KeyLocked,
    KeyState,
    StationKeyFiles,
    StationSigner,
    WrongPassphrase,
    check_new_passphrase,
    load_station_signer,
    locked,
    passphrase_from_environment,
    station_key_state,
)

log = logging.getLogger(__name__)

PKCS12_PASSPHRASE_ENV = "REVOKE_DESK_PKCS12_PASSPHRASE"  # noqa: S105 - a variable's name
KEY_STORE_SERVICE = "revoke-desk"
MAX_ATTEMPTS = 3
FROM_KEY_STORE = "the OS key store"
FROM_PROMPT = "the passphrase typed"


# --------------------------------------------------------------------------- the OS key store


class OsKeyStore:
    """One keyring back-end that can really keep a secret; every error is logged, not raised."""

    def __init__(self, backend: Any) -> None:
        self._backend = backend
        self.name = f"{type(backend).__module__}.{type(backend).__name__}"

    def get(self, account: str) -> str | None:
        try:
            value = self._backend.get_password(KEY_STORE_SERVICE, account)
        except Exception as exc:  # keyring's back-ends raise what their platform raises
            log.warning("the OS key store (%s) could not be read: %s", self.name, exc)
            return None
        return value if isinstance(value, str) and value else None

    def set(self, account: str, passphrase: str) -> None:
        try:
            self._backend.set_password(KEY_STORE_SERVICE, account, passphrase)
        except Exception as exc:
            log.warning("the OS key store (%s) could not be written: %s", self.name, exc)
            raise UserError(
                f"OS の鍵ストアに保存できませんでした（{exc}）",
                f"could not save to this PC's key store ({self.name}: {exc})",
            ) from None

    def delete(self, account: str) -> bool:
        try:
            self._backend.delete_password(KEY_STORE_SERVICE, account)
        except Exception as exc:  # PasswordDeleteError when there was none
            log.info("nothing deleted from the OS key store (%s): %s", self.name, exc)
            return False
        return True


# Back-ends that keyring picks when nothing usable is there: they keep nothing.
_NO_STORE_BACKENDS = ("keyring.backends.fail.", "keyring.backends.null.")


@cache
def _discovered() -> OsKeyStore | None:
    try:
        keyring: Any = importlib.import_module("keyring")
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception as exc:
        log.info("no OS key store: %s", exc)
        return None
    store = OsKeyStore(backend)
    if store.name.startswith(_NO_STORE_BACKENDS):
        log.info("no OS key store on this PC (keyring back-end %s)", store.name)
        return None
    return store


def os_key_store() -> OsKeyStore | None:
    """This PC's key store, or None where there is none (headless Linux, no ``keyring``)."""
    return _discovered()


def key_store_account(keys_dir: Path, station: str) -> str:
    """The key store's name for one key file (two shops on one PC each have an S01)."""
    return f"station key {StationKeyFiles.in_dir(keys_dir, station).key.resolve()}"


# --------------------------------------------------------------------------- prompts


@dataclass(frozen=True)
class UnlockRequest:
    """What a prompt is asked for: which key, which attempt, whether it may be remembered."""

    station: str
    key_file: Path
    attempt: int  # 1 for the first ask; later ones follow a wrong passphrase
    can_remember: bool  # an OS key store is there to keep the passphrase in


@dataclass(frozen=True)
class Answer:
    passphrase: str
    remember: bool = False  # keep it in the OS key store once it has opened the key


PassphrasePrompt = Callable[[UnlockRequest], Answer | None]


def _on_terminal() -> bool:
    stream = sys.stdin
    return stream is not None and stream.isatty()


def terminal_prompt(request: UnlockRequest) -> Answer | None:
    """``getpass`` when the command line runs on a terminal; None (no one to ask) otherwise."""
    if not _on_terminal():
        return None
    if request.attempt > 1:
        sys.stderr.write("パスフレーズが違います / wrong passphrase\n")
    text = getpass.getpass(
        f"ステーション {request.station} の鍵のパスフレーズ / "
        f"passphrase of station {request.station}'s key: "
    )
    return Answer(text) if text else None


def new_passphrase(purpose: str) -> str:
    """A passphrase to encrypt a key with: the environment's, else typed twice on a terminal."""
    from_env = passphrase_from_environment()
    if from_env is not None:
        check_new_passphrase(from_env)
        return from_env
    if not _on_terminal():
        raise KeyLocked(
            f"鍵を暗号化するパスフレーズがありません。{PASSPHRASE_ENV} に"
            f"{MIN_PASSPHRASE_LEN}文字以上で設定するか、端末から実行してください",
            f"no passphrase to encrypt the {purpose} with: set {PASSPHRASE_ENV} "
            f"({MIN_PASSPHRASE_LEN}+ characters) or run on a terminal",
        )
    first = getpass.getpass(
        f"鍵のパスフレーズ（{MIN_PASSPHRASE_LEN}文字以上）/ "
        f"passphrase for the {purpose} ({MIN_PASSPHRASE_LEN}+ characters): "
    )
    check_new_passphrase(first)
    if getpass.getpass("もう一度 / again: ") != first:
        raise UserError("パスフレーズが一致しません", "the passphrases do not match")
    return first


def pkcs12_password() -> str | None:
    """The password of a PKCS#12 file being imported: the environment's, a terminal's, or none."""
    import os  # noqa: PLC0415 - only an import needs it

    from_env = os.environ.get(PKCS12_PASSPHRASE_ENV)
    if from_env is not None:
        return from_env
    if _on_terminal():
        return getpass.getpass("PKCS#12 ファイルのパスワード / password of the PKCS#12 file: ")
    return None


# --------------------------------------------------------------------------- unlocking


@dataclass(frozen=True)
class Unlocked:
    signer: StationSigner
    passphrase: str | None  # None for a legacy clear key
    source: str  # where the passphrase came from ("clear" for a legacy key)


def unlock_station(
    keys_dir: Path,
    station: str,
    *,
    prompt: PassphrasePrompt | None,
    key_store: Callable[[], OsKeyStore | None] = os_key_store,
) -> Unlocked:
    """The station's signer, its key opened with the first passphrase that is there."""
    if station_key_state(keys_dir, station) is KeyState.CLEAR:
        return Unlocked(load_station_signer(keys_dir, station), None, "clear")
    from_env = passphrase_from_environment()
    if from_env is not None:
        signer = load_station_signer(keys_dir, station, from_env, source=PASSPHRASE_ENV)
        return Unlocked(signer, from_env, PASSPHRASE_ENV)
    store = key_store()
    account = key_store_account(keys_dir, station)
    stored = store.get(account) if store is not None else None
    if store is not None and stored is not None:
        try:
            signer = load_station_signer(keys_dir, station, stored, source=FROM_KEY_STORE)
        except WrongPassphrase:
            log.warning(
                "the passphrase kept in the OS key store (%s) does not open the key of "
                "station %s: asking for it",
                store.name,
                station,
            )
        else:
            return Unlocked(signer, stored, FROM_KEY_STORE)
    if prompt is None:
        raise locked(station, keys_dir)
    files = StationKeyFiles.in_dir(keys_dir, station)
    failure: WrongPassphrase | None = None
    for attempt in range(1, MAX_ATTEMPTS + 1):
        answer = prompt(UnlockRequest(station, files.key, attempt, store is not None))
        if answer is None:
            if failure is not None:
                raise failure
            raise locked(station, keys_dir)
        try:
            signer = load_station_signer(keys_dir, station, answer.passphrase, source=FROM_PROMPT)
        except WrongPassphrase as exc:
            log.warning("wrong passphrase typed for the key of station %s", station)
            failure = exc
            continue
        if answer.remember and store is not None:
            try:
                store.set(account, answer.passphrase)
            except UserError:
                pass  # logged; the key is open, and it is asked for again next time
            else:
                log.info("passphrase of station %s kept in the OS key store", station)
        return Unlocked(signer, answer.passphrase, FROM_PROMPT)
    assert failure is not None
    raise failure

"""The application context: one database, this station's key, the clock.

The command line and the GUI each hold one :class:`AppContext` and open one
transaction per user action (``with ctx.transaction() as session:``); the use-case
functions (``commit_intake``, ``void_intake`` …) take that session.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    IntegrityError,
    NoSuchModuleError,
    ProgrammingError,
)
from sqlalchemy.orm import Session, sessionmaker

from db import migrate
from db.engine import make_engine, read_only, session_factory
from db.models import Shop, Station
from desktop import config, ledger
from desktop.catalogue import RevocationCatalogue, revocation_catalogue
from desktop.clerks import ClerkView, Role, authenticate
from desktop.errors import UserError
from desktop.files import make_database_private, no_access, private_folder
from desktop.key_access import PassphrasePrompt, terminal_prompt, unlock_station
from desktop.key_swap import finish_pending_rotation
from desktop.keys import StationSigner, stations_with_keys
from desktop.setup import ShopDetails
from desktop.trust import TrustStore, WitnessedHead

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class AppContext:
    """Everything a use case needs besides its own arguments."""

    db_url: str
    keys_dir: Path
    engine: Engine
    clock: Callable[[], datetime] = utc_now
    # Who is asked for the station key's passphrase when neither the environment nor
    # the OS key store has it: getpass on a terminal; the GUI puts its dialog here.
    passphrase_prompt: PassphrasePrompt | None = terminal_prompt
    _sessions: sessionmaker[Session] = field(init=False)
    _readers: sessionmaker[Session] = field(init=False)
    _signers: dict[str, StationSigner] = field(init=False, default_factory=dict)
    # The passphrase that opened each station's key (None: a legacy clear key), kept in
    # memory so that a key rotation encrypts the new key with the same one.
    _passphrases: dict[str, str | None] = field(init=False, default_factory=dict)
    _shop_profile: ShopDetails | None = field(init=False, default=None)
    _trust: TrustStore | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self._sessions = session_factory(self.engine)
        self._readers = read_only(self.engine)

    @classmethod
    def open(
        cls,
        db_url: str,
        keys_dir: Path,
        *,
        create: bool = False,
        clock: Callable[[], datetime] = utc_now,
    ) -> AppContext:
        """Open (or with ``create``, make) the database and bring its schema up to date."""
        try:
            db_file = config.sqlite_file(db_url)
        except (ArgumentError, NoSuchModuleError):
            raise UserError(
                f"データベースの指定 {db_url!r} が正しくありません（例: sqlite:///shop.sqlite3 "
                "または postgresql+psycopg://…）",
                f"{db_url!r} is not a database URL (e.g. sqlite:///shop.sqlite3 or "
                "postgresql+psycopg://…)",
            ) from None
        if db_file is not None:
            try:
                exists = db_file.exists()
                if exists and not os.access(db_file, os.R_OK | os.W_OK):
                    raise PermissionError(13, "Permission denied", str(db_file))
            except PermissionError:
                # another account's shop: in a folder of the app's group this one is not in
                raise no_access(db_file) from None
            if not exists and not create:
                raise UserError(
                    f"データベース {db_file} がありません。先に revoke-desk init で設定してください",
                    f"no database at {db_file}: run `revoke-desk init` first",
                )
            private_folder(db_file.parent, ours=db_file.parent == config.data_dir())
        try:
            engine = make_engine(db_url)
        except (ArgumentError, NoSuchModuleError):
            raise config.not_a_database_url(db_url) from None
        try:
            with translated_database_errors():
                migrate.upgrade(engine)
        except migrate.SchemaTooNew as exc:
            engine.dispose()
            raise UserError(
                f"このデータベースは新しい版の Revoke Desk で作られています（スキーマ {exc.revision}）。"
                "アプリを更新してください",
                f"this database was made by a newer Revoke Desk (schema {exc.revision}): "
                "update the app",
            ) from None
        except BaseException:
            engine.dispose()
            raise
        if db_file is not None:
            make_database_private(db_file)
        return cls(db_url, keys_dir, engine, clock)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back on error.

        Once it has committed, the chain heads it moved are written to this PC's
        witness, and a station it created is pinned (desktop.trust).
        """
        with translated_database_errors(), self._sessions.begin() as session:
            yield session
            heads = session.info.pop(ledger.APPENDED_HEADS, {})
            created = session.info.pop(ledger.CREATED_STATIONS, {})
        if heads or created:
            self._witness(heads, created)

    @property
    def trust(self) -> TrustStore:
        """This PC's pins and witness for this database (desktop.trust).

        Made once per context: where the trust folder is, and the database's identity
        (a resolved path), are settled when the program starts, and the witness is
        written after every commit.
        """
        if self._trust is None:
            self._trust = TrustStore(config.trust_dir(), self.db_url)
        return self._trust

    def _witness(self, heads: dict[str, tuple[int, str, str]], created: dict[str, str]) -> None:
        """Record what a commit made.  The commit stands whatever happens here.

        A witness that cannot be written (a full disk) must not turn a committed
        intake into an error at the counter: it is logged, and ``verify`` then finds
        the witness behind the database, which it reports but does not fail on.
        """
        store = self.trust
        try:
            for station, fingerprint in created.items():
                store.pin(station, fingerprint)
            store.witness({code: WitnessedHead(*head) for code, head in heads.items()})
        except (OSError, UserError) as exc:
            log.warning("the witness of %s could not be written: %s", store.path, exc)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only transaction that never waits for a writer."""
        with translated_database_errors(), self._readers.begin() as session:
            yield session

    def is_initialised(self) -> bool:
        with self.reading() as session:
            return session.scalars(select(Shop)).first() is not None

    def shop(self, session: Session) -> Shop:
        shop = session.scalars(select(Shop)).first()
        if shop is None:
            raise UserError(
                "まだ設定されていません。先に revoke-desk init を実行してください",
                "not set up yet: run `revoke-desk init` first",
            )
        return shop

    def forget_shop_profile(self) -> None:
        """After the shop's details changed: the next shop_profile() reads them again."""
        self._shop_profile = None

    def shop_profile(self) -> ShopDetails:
        """The shop's details, read once per context (the commit path needs its time zone)."""
        if self._shop_profile is None:
            with self.reading() as session:
                shop = self.shop(session)
                self._shop_profile = ShopDetails(
                    name=shop.name,
                    license_no=shop.license_no,
                    commission=shop.commission,
                    address=shop.address,
                    phone=shop.phone,
                    timezone=shop.timezone,
                )
        return self._shop_profile

    def catalogue(self) -> RevocationCatalogue:
        return revocation_catalogue(self.keys_dir.parent / "catalogue")

    def signer(self, station: str | None = None) -> StationSigner:
        """A station's signing identity: the named one, else this counter's own.

        This counter is the station named by REVOKE_DESK_STATION, or the only key in
        the key folder.  The key is unlocked once per context (desktop.key_access) and
        must match the certificate the database holds; a key rotation that stopped
        between its commit and its file renames is finished first.
        """
        code = self.station_code(station)
        if code in self._signers:
            return self._signers[code]
        with self.reading() as session:
            registered = session.get(Station, code)
            if registered is None:
                raise UserError(
                    f"ステーション {code} はこのデータベースに登録されていません",
                    f"station {code} is not registered in this database",
                )
            fingerprint = registered.fingerprint
        finish_pending_rotation(self.keys_dir, code, fingerprint)
        unlocked = unlock_station(self.keys_dir, code, prompt=self.passphrase_prompt)
        if unlocked.signer.fingerprint != fingerprint:
            raise UserError(
                f"ステーション {code} の鍵がデータベースの証明書と一致しません",
                f"the key of station {code} does not match its certificate in the database",
            )
        self._signers[code] = unlocked.signer
        self._passphrases[code] = unlocked.passphrase
        return unlocked.signer

    def key_passphrase(self, station: str) -> str | None:
        """The passphrase that opened a station's key in this context (after :meth:`signer`)."""
        return self._passphrases.get(station)

    def adopt_signer(self, signer: StationSigner, passphrase: str | None) -> None:
        """A signer this context did not load (a new key at set-up, or after a rotation)."""
        self._signers[signer.station] = signer
        self._passphrases[signer.station] = passphrase

    def station_code(self, station: str | None = None) -> str:
        """``station``, else this counter's own (see :meth:`signer`), without unlocking a key."""
        return station or self._default_station()

    def _default_station(self) -> str:
        from_env = os.environ.get(config.STATION.env)
        if from_env:
            return from_env
        present = stations_with_keys(self.keys_dir)
        if len(present) != 1:
            raise UserError(
                f"ステーションを特定できません（鍵フォルダ {self.keys_dir} に {len(present)} 件）。--station を指定してください",
                f"cannot tell which station this is ({len(present)} keys in {self.keys_dir}): "
                "pass --station",
            )
        return present[0]

    def authenticate(
        self, code: str, pin: str, *, require: Role | None = None, station: str | None = None
    ) -> ClerkView:
        """Check a PIN in its own transaction, so a failed attempt is counted even though it raises.

        A refused attempt is also a signed ``pin_failed`` entry of this station (of
        ``station`` when named), committed with the count.  Where no station key is at
        hand (a counter being set up) it is only counted and logged.
        """
        signer = self._signer_for_failures(station)
        failure: UserError | None = None
        with self.transaction() as session:
            try:
                return authenticate(
                    session, code, pin, now=self.clock(), require=require, signer=signer
                )
            except UserError as exc:
                failure = exc  # leave the block normally: the failure and its entry are committed
        assert failure is not None
        raise failure

    def _signer_for_failures(self, station: str | None) -> StationSigner | None:
        try:
            return self.signer(station)
        except UserError as exc:
            log.info("refused PINs are not recorded in the ledger here: %s", exc.en)
            return None


@contextmanager
def translated_database_errors() -> Iterator[None]:
    """Turn the driver's errors into messages, except those that mean a bug or tampering."""
    try:
        yield
    except DBAPIError as exc:
        if isinstance(exc, IntegrityError | ProgrammingError):
            raise
        raise database_error(exc) from exc


def database_error(exc: DBAPIError) -> UserError:
    """Turn a driver's operational error into a message a clerk can act on."""
    text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    log.error("database error: %s", exc.orig)
    if "locked" in text or "busy" in text:
        return UserError(
            "データベースが他の処理で使用中です。しばらくしてからもう一度お試しください",
            "the database is busy with another task: try again in a moment",
        )
    if "disk" in text and "full" in text:
        return UserError(
            "ディスクがいっぱいで保存できませんでした。記録は保存されていません",
            "the disk is full: nothing was saved",
        )
    if "disk i/o error" in text:  # SQLITE_IOERR: the disk refused a read, write or flush
        return UserError(
            "ディスクの読み書きに失敗しました（I/O エラー）。記録は保存されていません。"
            "ディスクを点検し、revoke-desk verify で確認してください",
            "the disk failed to read or write (I/O error): nothing was saved; check the disk "
            "and run `revoke-desk verify`",
        )
    if "not a database" in text or "malformed" in text:
        return UserError(
            "データベースファイルが壊れているか、データベースではありません",
            "the database file is damaged or is not a database",
        )
    if "unable to open" in text or "readonly" in text or "read-only" in text:
        return UserError(
            "データベースを開けないか、書き込めません。フォルダの権限を確認してください",
            "cannot open or write the database: check the folder's permissions",
        )
    return UserError(f"データベースに接続できません: {exc.orig}", f"database error: {exc.orig}")

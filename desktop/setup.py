"""First set-up of a shop and a station (``revoke-desk init``, the GUI's first run)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Clerk, Shop, Station
from desktop import ledger
from desktop.clerks import Role, add_clerk, authenticate, check_code, check_pin_format
from desktop.errors import Problem, UserError, ValidationFailed
from desktop.keys import (
    StationKeyFiles,
    StationSigner,
    create_station_identity,
    load_station_signer,
    passphrase_from_environment,
    write_station_identity,
)
from desktop.text import clean_text

STATION_CODE_LEN = 8


@dataclass(frozen=True)
class ImportedIdentity:
    """A shop's own key and certificate (``init --pkcs12``; desktop.keys.import_pkcs12)."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate


@dataclass(frozen=True)
class ShopDetails:
    """What the slips print about the shop."""

    name: str
    license_no: str = ""  # 古物商許可番号
    commission: str = ""  # 許可した公安委員会
    address: str = ""
    phone: str = ""
    timezone: str = "Asia/Tokyo"


def validate_shop(details: ShopDetails) -> ShopDetails:
    """Clean every field; raise ValidationFailed naming each bad one.

    The 古物商許可番号 is itself twelve digits, so the My Number guard is not
    applied to the shop's own details.
    """
    problems: list[Problem] = []

    def field(name: str, value: str, max_len: int, required: bool = False) -> str:
        cleaned, problem = clean_text(name, value, max_len=max_len, required=required)
        if problem is not None:
            problems.append(problem)
        return cleaned

    cleaned = ShopDetails(
        name=field("shop_name", details.name, 100, required=True),
        license_no=field("license_no", details.license_no, 40),
        commission=field("commission", details.commission, 40),
        address=field("address", details.address, 200),
        phone=field("phone", details.phone, 40),
        timezone=details.timezone,
    )
    try:
        ZoneInfo(details.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            Problem(
                "timezone",
                f"タイムゾーン {details.timezone!r} が見つかりません",
                "unknown time zone (e.g. Asia/Tokyo)",
            )
        )
    if problems:
        raise ValidationFailed(problems)
    return cleaned


def stored_shop(shop: Shop) -> ShopDetails:
    """The details of the shop row a database holds."""
    return ShopDetails(
        name=shop.name,
        license_no=shop.license_no,
        commission=shop.commission,
        address=shop.address,
        phone=shop.phone,
        timezone=shop.timezone,
    )


def next_free_station(taken: Iterable[str], prefix: str = "S") -> str:
    """The first code ``S01``, ``S02`` … not in ``taken`` (what a joining counter is offered)."""
    used = set(taken)
    for number in itertools.count(1):
        code = f"{prefix}{number:02d}"
        if code not in used:
            return code
    raise AssertionError("unreachable")  # pragma: no cover


def station_codes(session: Session) -> list[str]:
    """The codes of the stations set up in this database, in order."""
    return list(session.scalars(select(Station.code).order_by(Station.code)))


def check_station_code(code: str) -> None:
    if not (code.isascii() and code.isalnum() and code.isupper() and len(code) <= STATION_CODE_LEN):
        raise UserError(
            "ステーションコードは英大文字と数字8文字以内です（例: S01）",
            "a station code is up to 8 capital letters and digits (e.g. S01)",
        )


def initialise(
    session: Session,
    *,
    keys_dir: Path,
    shop: ShopDetails,
    station: str,
    manager_code: str,
    manager_name: str,
    manager_pin: str,
    now: datetime,
    key_passphrase: str | None = None,
    identity: ImportedIdentity | None = None,
) -> StationSigner:
    """Create the shop (first time), this station with its key, and the first manager.

    On a shared (PostgreSQL) database a second counter runs the same set-up: the
    shop is kept as it is (``shop`` is not used: the new station's certificate and
    its ``station_created`` entry name the stored shop) and the manager must already
    exist and give their PIN.

    The station key is written encrypted with ``key_passphrase`` (default:
    REVOKE_DESK_KEY_PASSPHRASE); ``identity`` is a shop's own key and certificate
    instead of a new self-signed pair.
    """
    passphrase = key_passphrase if key_passphrase is not None else passphrase_from_environment()
    check_station_code(station)
    check_code(manager_code)
    new_manager = session.get(Clerk, manager_code) is None
    if new_manager:
        check_pin_format(manager_pin, Role.MANAGER)  # a new manager's PIN: 6+ digits
    existing_shop = session.scalars(select(Shop)).first()
    # Joining, the shop is the stored one whatever was typed: the new station's
    # certificate names it (the day reports and slips of every counter agree).
    details = validate_shop(shop) if existing_shop is None else stored_shop(existing_shop)
    if session.get(Station, station) is not None:
        raise UserError(
            f"ステーション {station} は設定済みです", f"station {station} is already set up"
        )
    if existing_shop is not None and new_manager:
        raise UserError(
            f"この店舗は設定済みです。既存の店長の担当者コードとPINを入力してください（{manager_code} は登録されていません）",
            f"the shop is set up already: give an existing manager's code and PIN "
            f"({manager_code} is not one)",
        )
    if existing_shop is None:
        session.add(
            Shop(
                id=1,
                name=details.name,
                license_no=details.license_no,
                commission=details.commission,
                address=details.address,
                phone=details.phone,
                timezone=details.timezone,
                created_at=now,
            )
        )
    # A key left by a set-up whose database commit failed is taken up again.
    if StationKeyFiles.in_dir(keys_dir, station).key.exists():
        signer = load_station_signer(keys_dir, station, passphrase)
        if identity is not None and signer.certificate != identity.certificate:
            raise UserError(
                f"ステーション {station} の鍵は既にあります（{keys_dir}）",
                f"station {station} already has another key in {keys_dir}",
            )
    elif identity is not None:
        signer = write_station_identity(
            keys_dir, station, identity.key, identity.certificate, passphrase=passphrase
        )
    else:
        signer = create_station_identity(
            keys_dir, station, details.name, now, passphrase=passphrase
        )
    session.add(
        Station(
            code=station,
            certificate_pem=signer.certificate_pem,
            fingerprint=signer.fingerprint,
            created_at=now,
        )
    )
    session.flush()
    ledger.append(
        session,
        signer,
        ledger.EntryKind.STATION_CREATED,
        {"certificate_sha256": signer.fingerprint, "shop_name": details.name},
        now=now,
        subject=station,
    )
    if new_manager:
        # Only the shop's first manager: on a shared database that has one already,
        # add_clerk refuses "init" as the approver (a second counter joins with an
        # existing manager's code and PIN).
        add_clerk(
            session,
            signer,
            code=manager_code,
            name=manager_name or manager_code,
            role=Role.MANAGER,
            pin=manager_pin,
            now=now,
            added_by="init",
        )
    else:
        # The caller has counted a wrong PIN already (AppContext.authenticate commits
        # it): this transaction rolls back when the PIN is wrong.
        authenticate(session, manager_code, manager_pin, now=now, require=Role.MANAGER)
    return signer


def update_shop(
    session: Session, signer: StationSigner, details: ShopDetails, *, manager: str, now: datetime
) -> ShopDetails:
    """Change the shop's details (what the slips print); the change is a ledger entry.

    The entry holds the new values (shop details are not personal data), so the
    chain shows what every slip of a period printed.
    """
    cleaned = validate_shop(details)
    shop = session.scalars(select(Shop)).first()
    if shop is None:
        raise UserError("まだ設定されていません", "not set up yet")
    shop.name = cleaned.name
    shop.license_no = cleaned.license_no
    shop.commission = cleaned.commission
    shop.address = cleaned.address
    shop.phone = cleaned.phone
    shop.timezone = cleaned.timezone
    session.flush()
    ledger.append(
        session,
        signer,
        ledger.EntryKind.SETTINGS_CHANGED,
        {
            "shop": {
                "name": cleaned.name,
                "license_no": cleaned.license_no,
                "commission": cleaned.commission,
                "address": cleaned.address,
                "phone": cleaned.phone,
                "timezone": cleaned.timezone,
            },
            "by": manager,
        },
        now=now,
        subject="shop",
    )
    return cleaned

"""``revoke-desk init``: set up the shop, this station and its first manager, or add a
counter to a shared (PostgreSQL) database (desktop.setup)."""

from __future__ import annotations

import argparse
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import make_url

from db.models import Clerk, Shop, Station
from desktop.clerks import Role
from desktop.cli.common import EXIT_OK, Console, opened
from desktop.errors import UserError
from desktop.key_access import new_passphrase, pkcs12_password
from desktop.keys import PASSPHRASE_ENV, import_pkcs12
from desktop.setup import ImportedIdentity, ShopDetails, initialise
from desktop.text import clean_text

log = logging.getLogger(__name__)


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``init`` to the ``revoke-desk`` subcommands."""
    init = sub.add_parser(
        "init",
        parents=[common],
        help="set up the shop, this station and the first manager; run again on another PC "
        "against a shared (PostgreSQL) database to add a counter",
    )
    init.add_argument(
        "--shop-name",
        help="the shop's name (a new shop); a counter joining a shared database takes the "
        "stored shop's name and may leave this out",
    )
    init.add_argument("--station", required=True, help="this counter's code, e.g. S01")
    init.add_argument(
        "--manager",
        required=True,
        help="the first manager's code, e.g. M01; joining a shared database, an existing "
        "manager's code (their PIN on stdin)",
    )
    init.add_argument("--manager-name", default="")
    init.add_argument("--license-no", default="", help="古物商許可番号")
    init.add_argument("--commission", default="", help="公安委員会 that issued the licence")
    init.add_argument("--address", default="")
    init.add_argument("--phone", default="")
    init.add_argument("--timezone", default="Asia/Tokyo")
    init.add_argument(
        "--pkcs12",
        metavar="FILE",
        help="the shop's own identity (ECDSA P-256 key and certificate) instead of a new "
        "self-signed one; its password from REVOKE_DESK_PKCS12_PASSPHRASE or typed",
    )
    init.set_defaults(handler=cmd_init)


def _imported_identity(path: str) -> ImportedIdentity:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UserError(
            f"PKCS#12 ファイル {path} を読み込めません: {exc.strerror}",
            f"cannot read the PKCS#12 file {path}: {exc.strerror}",
        ) from exc
    key, certificate = import_pkcs12(data, pkcs12_password(), now=datetime.now(UTC))
    return ImportedIdentity(key, certificate)


def cmd_init(args: argparse.Namespace, console: Console) -> int:
    pin = console.pin(f"{args.manager} のPIN / PIN for {args.manager}: ", confirm=True)
    identity = _imported_identity(args.pkcs12) if args.pkcs12 else None
    # The key is encrypted at rest from the start (desktop.keys): the passphrase is
    # asked for before anything is made, so a missing one leaves nothing behind.
    passphrase = new_passphrase("station key")
    with opened(args, create=True) as ctx:
        with ctx.reading() as session:
            joining = session.get(Clerk, args.manager) is not None
            stored = session.scalars(select(Shop)).first()
            stored_name = stored.name if stored is not None else None
            set_up_already = session.get(Station, args.station) is not None
        if not set_up_already:  # else the set-up says so: "station S01 is already set up"
            _check_shop_name(args.shop_name, stored_name)
        if joining:
            # A further counter of a shared database: its manager's PIN is checked in a
            # transaction of its own first, so a wrong one is counted (the set-up below
            # rolls back when it fails).
            ctx.authenticate(args.manager, pin, require=Role.MANAGER)
        shop = ShopDetails(
            name=args.shop_name or "",
            license_no=args.license_no,
            commission=args.commission,
            address=args.address,
            phone=args.phone,
            timezone=args.timezone,
        )
        with ctx.transaction() as session:
            signer = initialise(
                session,
                keys_dir=ctx.keys_dir,
                shop=shop,
                station=args.station,
                manager_code=args.manager,
                manager_name=args.manager_name,
                manager_pin=pin,
                now=ctx.clock(),
                key_passphrase=passphrase,
                identity=identity,
            )
        log.info("station %s set up", signer.station)
        if stored_name is not None:
            console.write(
                f"店舗「{stored_name}」にレジを追加しました / "
                f"joined the shop {stored_name!r} as a further counter\n"
            )
        console.write(
            f"設定しました / set up: station {signer.station}, "
            f"certificate SHA-256 {signer.fingerprint}\n"
            f"この指紋を紙に控えて保管してください（verify --fingerprint で照合します）/ "
            "write this fingerprint down and keep it: verify --fingerprint checks against it\n"
            f"database: {make_url(ctx.db_url).render_as_string(hide_password=True)}\n"
            f"keys: {ctx.keys_dir} (encrypted: unlock with {PASSPHRASE_ENV}, "
            "`revoke-desk key remember` or a prompt)\n"
        )
    return EXIT_OK


def _check_shop_name(typed: str | None, stored: str | None) -> None:
    """A new shop needs its name; a joining counter's typed name must be the stored one.

    A name that differs most likely means the wrong database (another shop's server):
    the counter is not added to it.
    """
    if stored is None:
        if not (typed or "").strip():
            raise UserError(
                "新しい店舗の設定には --shop-name（店名）が必要です",
                "setting up a new shop needs --shop-name",
            )
        return
    if typed is None:
        return
    cleaned, _ = clean_text("shop_name", typed, max_len=100)
    if cleaned != stored:
        raise UserError(
            f"このデータベースの店舗は「{stored}」です（--shop-name「{typed}」とは違います）。"
            "このデータベースで正しければ --shop-name を省いてください",
            f"this database holds the shop {stored!r}, not {typed!r}: if it is the right "
            "database, leave out --shop-name to add this counter to it",
        )

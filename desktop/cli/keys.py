"""``revoke-desk key …``: the station key at rest — status, protect, remember, forget, rotate.

Wired into ``desktop.cli.main.build_parser`` by :func:`add_parsers`; the handlers follow
the command line's shape and exit codes (0 done; 2 what the user can fix: a wrong
passphrase, a missing PIN, no OS key store).
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from desktop import config
from desktop.cli.common import EXIT_OK, Console, opened
from desktop.errors import UserError
from desktop.key_access import key_store_account, new_passphrase, os_key_store
from desktop.keys import (
    PASSPHRASE_ENV,
    KeyState,
    StationKeyFiles,
    kdf_parameters,
    protect_key_file,
    read_key_file,
    station_key_state,
)

log = logging.getLogger(__name__)


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``key`` and its actions to the command line's sub-parsers."""
    key = sub.add_parser("key", help="the station key: status, protect, remember, forget, rotate")
    actions = key.add_subparsers(dest="key_command", metavar="ACTION", required=True)

    def action(name: str, help_text: str, handler: Any) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = actions.add_parser(name, parents=[common], help=help_text)
        parser.add_argument("--station", help=f"station code (env {config.STATION.env})")
        parser.set_defaults(handler=handler)
        return parser

    action("status", "is the key encrypted, with what, and is it in the OS key store", cmd_status)
    action(
        "protect",
        f"encrypt a legacy clear key file in place (passphrase from {PASSPHRASE_ENV} or typed)",
        cmd_protect,
    )
    action(
        "remember",
        "keep the key's passphrase in this PC's key store (Windows Credential Manager, "
        "macOS Keychain, Secret Service), so the app unlocks without it",
        cmd_remember,
    )
    action("forget", "remove the key's passphrase from this PC's key store", cmd_forget)
    rotate = action(
        "rotate",
        "new key pair and certificate, announced in the ledger by the old key "
        "(manager's PIN on stdin)",
        cmd_rotate,
    )
    rotate.add_argument("--manager", required=True, help="the approving manager's code")


def cmd_status(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as ctx:
        code = ctx.station_code(args.station)
        files = StationKeyFiles.in_dir(ctx.keys_dir, code)
        state = station_key_state(ctx.keys_dir, code)
        if state is KeyState.ENCRYPTED:
            try:
                how = f"encrypted ({kdf_parameters(read_key_file(ctx.keys_dir, code)).line()})"
            except ValueError:
                how = "encrypted (a format other than PBES2)"
        else:
            how = "NOT encrypted (a legacy key file): run `revoke-desk key protect`"
        store = os_key_store()
        if store is None:
            kept = "no OS key store on this PC"
        elif store.get(key_store_account(ctx.keys_dir, code)) is None:
            kept = f"not in the OS key store ({store.name})"
        else:
            kept = f"passphrase kept in the OS key store ({store.name})"
        console.write(f"{code}: {files.key}\n  key: {how}\n  {kept}\n")
    return EXIT_OK


def cmd_protect(args: argparse.Namespace, console: Console) -> int:
    with opened(args) as ctx:
        code = ctx.station_code(args.station)
        if station_key_state(ctx.keys_dir, code) is KeyState.ENCRYPTED:
            console.write(f"{code}: 鍵は暗号化済みです / the key is already encrypted\n")
            return EXIT_OK
        passphrase = new_passphrase("station key")
        protect_key_file(ctx.keys_dir, code, passphrase)
    log.info("the key of station %s was encrypted in place", code)
    console.write(
        f"{code}: 鍵を暗号化しました / the key is now encrypted at rest "
        f"(unlock it with {PASSPHRASE_ENV}, the OS key store or a prompt)\n"
    )
    return EXIT_OK


def cmd_remember(args: argparse.Namespace, console: Console) -> int:
    store = os_key_store()
    if store is None:
        raise UserError(
            "このパソコンには使える OS の鍵ストアがありません",
            f"this PC has no usable OS key store (keyring has no back-end here): "
            f"use {PASSPHRASE_ENV} or type the passphrase at start-up",
        )
    with opened(args) as ctx:
        signer = ctx.signer(args.station)  # the passphrase must open the key first
        passphrase = ctx.key_passphrase(signer.station)
        if passphrase is None:
            raise UserError(
                "鍵が暗号化されていません。先に revoke-desk key protect を実行してください",
                "the key is not encrypted: run `revoke-desk key protect` first",
            )
        store.set(key_store_account(ctx.keys_dir, signer.station), passphrase)
    log.info("passphrase of station %s kept in the OS key store (%s)", signer.station, store.name)
    console.write(f"{signer.station}: passphrase kept in this PC's key store ({store.name})\n")
    return EXIT_OK


def cmd_forget(args: argparse.Namespace, console: Console) -> int:
    store = os_key_store()
    with opened(args) as ctx:
        code = ctx.station_code(args.station)
        removed = store is not None and store.delete(key_store_account(ctx.keys_dir, code))
    console.write(
        f"{code}: passphrase removed from this PC's key store\n"
        if removed
        else f"{code}: nothing kept in this PC's key store\n"
    )
    return EXIT_OK


def cmd_rotate(args: argparse.Namespace, console: Console) -> int:
    from desktop.rotation import rotate_station_key  # noqa: PLC0415 - only a rotation needs it

    pin = console.pin(f"{args.manager} のPIN / PIN for {args.manager}: ")
    with opened(args) as ctx:
        result = rotate_station_key(ctx, manager=args.manager, pin=pin, station=args.station)
    console.write(
        f"鍵を更新しました / key rotated: station {result.station}, entry #{result.seq}\n"
        f"new certificate SHA-256 {result.new_fingerprint}\n"
        f"この指紋を紙に控えて保管してください / write this fingerprint down and keep it "
        "(verify --fingerprint)\n"
        f"old key retired (never used again): {result.retired_key}\n"
    )
    if not result.pinned:
        console.write(
            "warning: this PC's trust folder could not pin the new certificate (see the log); "
            "verify will report it until it is pinned\n"
        )
    return EXIT_OK

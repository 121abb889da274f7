"""``revoke-desk intake``: validate and commit one intake document (desktop.intake)."""

from __future__ import annotations

import argparse
import logging
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from desktop import config, strict_json
from desktop.cli.common import EXIT_OK, Console, opened
from desktop.errors import UserError
from desktop.intake import commit_intake
from desktop.rules import validate_intake
from desktop.transactions import intake_context

log = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 2_000_000


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``intake`` to the ``revoke-desk`` subcommands."""
    intake = sub.add_parser(
        "intake", parents=[common], help="validate and commit one intake document"
    )
    intake.add_argument(
        "--json", required=True, metavar="FILE", help="the intake document, or - for stdin"
    )
    intake.add_argument("--station", help=f"station code (env {config.STATION.env})")
    intake.set_defaults(handler=cmd_intake)


def _read_document(source: str, console: Console) -> Any:
    try:
        if source == "-":
            raw = console.read_bytes(MAX_DOCUMENT_BYTES + 1)
        else:
            with Path(source).open("rb") as handle:
                raw = handle.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as exc:
        raise UserError(
            f"受付データ {source} を読み込めません: {exc.strerror}",
            f"cannot read the intake document {source}: {exc.strerror}",
        ) from exc
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise UserError("受付データが大きすぎます", "the intake document is too large")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(
            "受付データがUTF-8ではありません", "the intake document is not UTF-8"
        ) from exc
    return strict_json.loads(text, what=("受付データ", "the intake document"))


def cmd_intake(args: argparse.Namespace, console: Console) -> int:
    document = _read_document(args.json, console)
    with opened(args) as ctx:
        signer = ctx.signer(args.station)
        catalogue = ctx.catalogue()
        timezone = ctx.shop_profile().timezone
        now = ctx.clock()
        today = _local_date(now, timezone)
        with ctx.reading() as session:
            context, _ = intake_context(session, document, business_day=today)
        draft = validate_intake(document, today=today, catalogue=catalogue, context=context)
        with ctx.transaction() as session:
            receipt = commit_intake(
                session, draft, signer=signer, catalogue=catalogue, shop_timezone=timezone, now=now
            )
        log.info("intake committed: %s", receipt.line())
        console.write(receipt.line() + "\n")
    return EXIT_OK


def _local_date(now: datetime, timezone: str) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()

"""Helpers to commit intakes through the real validator and service."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from desktop.app import AppContext
from desktop.intake import Receipt, commit_intake
from desktop.rules import validate_intake


def commit_document(
    ctx: AppContext, document: dict[str, Any], station: str | None = None
) -> Receipt:
    """Validate and commit one document in its own transaction, as the CLI does."""
    catalogue = ctx.catalogue()
    signer = ctx.signer(station)
    timezone = ctx.shop_profile().timezone
    now = ctx.clock()
    draft = validate_intake(
        document, today=now.astimezone(ZoneInfo(timezone)).date(), catalogue=catalogue
    )
    with ctx.transaction() as session:
        return commit_intake(
            session, draft, signer=signer, catalogue=catalogue, shop_timezone=timezone, now=now
        )

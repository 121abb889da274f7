"""One way to run what a clerk asks for: one transaction, the user-error/fault split, the
log line and the change event, written once instead of in every slot.

A :class:`UserError` is the clerk's to fix (a wrong PIN, a bad value): it goes to the
screen's ``on_user_error`` (a message beside the form) or, without one, to a message box.
Anything else is a fault: logged with its traceback, and the clerk is told that nothing
half-done was kept (the transaction rolled back).  Only a completed action logs its line
and emits its change event.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from desktop import config
from desktop.errors import UserError
from ui.i18n import message
from ui.services import Services

log = logging.getLogger(__name__)
R = TypeVar("R")

FAULT_TITLE = "エラー / Error"


def fault_text() -> str:
    return message(
        f"予期しないエラーが発生しました。この操作は保存されていません。ログ: {config.log_dir()}",
        f"An unexpected fault occurred; this action was not saved. Log: {config.log_dir()}",
    )


@dataclass(frozen=True)
class Done(Generic[R]):
    """What an action came to: ``ok`` and its value, or not ok (the clerk was told)."""

    ok: bool
    value: R | None = None


def run_action(
    services: Services,
    parent: QWidget,
    work: Callable[[Session], R],
    *,
    logged: Callable[[R], str] | None = None,
    changed: SignalInstance | None = None,
    on_user_error: Callable[[UserError], None] | None = None,
) -> Done[R]:
    """Run ``work`` in one transaction of the station's database.

    ``logged`` makes the log line of a completed action from its value (never personal
    data: codes and receipt numbers only); ``changed`` is emitted after it.
    """
    try:
        with services.ctx.transaction() as session:
            value = work(session)
    except UserError as error:
        if on_user_error is not None:
            on_user_error(error)
        else:
            services.dialogs.user_error(parent, error)
        return Done(ok=False)
    except Exception:  # a fault, not the clerk's input: logged, and the clerk is told
        log.exception("an action of %s failed", type(parent).__name__)
        services.dialogs.error(parent, FAULT_TITLE, fault_text())
        return Done(ok=False)
    if logged is not None:
        log.info("%s", logged(value))
    if changed is not None:
        changed.emit()
    return Done(ok=True, value=value)

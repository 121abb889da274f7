"""Work off the GUI thread: a search, a day close, an export, delivered back by signal.

A :class:`Lane` runs one kind of work on its own small thread pool.  Each
:meth:`Lane.submit` supersedes what was submitted before it on the same lane: an
older job still running is left to finish (SQLite cannot be stopped mid-statement
from here), but its result is dropped, so a newer search always wins.  The job is a
plain function that opens its own session (``ctx.reading()`` or
``ctx.transaction()``): sessions are never shared across threads.

Results and errors come back through Qt's queued signals, so the slots run on the
GUI thread.  A :class:`desktop.errors.UserError` is delivered as ``failed``; any
other exception is logged with its traceback and delivered as a generic
``UserError``, so a bug in a job never passes silently and never kills the thread.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal

from desktop.errors import UserError

log = logging.getLogger(__name__)

Job = Callable[[], Any]


def unexpected_failure() -> UserError:
    return UserError(
        "予期しないエラーが起きました。ログを確認してください",
        "something unexpected went wrong: see the log",
    )


class _Task(QRunnable):
    def __init__(self, lane: Lane, ticket: int, job: Job) -> None:
        super().__init__()
        self._lane = lane
        self._ticket = ticket
        self._job = job

    def run(self) -> None:
        ok, value = True, None
        try:
            value = self._job()
        except UserError as error:
            ok, value = False, error
        except Exception:
            log.exception("background job failed")
            ok, value = False, unexpected_failure()
        # RuntimeError: the lane was deleted while the job ran, so nobody is waiting.
        with contextlib.suppress(RuntimeError):
            self._lane.relay.emit(self._ticket, ok, value)


class Lane(QObject):
    """One kind of background work, newest submission wins.

    Signals (on the GUI thread):
        finished(object): the newest job's return value.
        failed(UserError): the newest job raised.
        busy_changed(bool): whether a job of this lane is running or queued.
    """

    finished = Signal(object)
    failed = Signal(object)
    busy_changed = Signal(bool)
    relay = Signal(int, bool, object)  # from the worker threads; internal

    def __init__(self, parent: QObject | None = None, *, threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._ticket = 0
        self._pending = 0
        self.relay.connect(self._on_relay)

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def submit(self, job: Job) -> int:
        """Run ``job`` on a worker thread; what was submitted before will not be delivered."""
        self._ticket += 1
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Task(self, self._ticket, job))
        return self._ticket

    def cancel(self) -> None:
        """Deliver nothing of what was submitted so far (running jobs finish unheard)."""
        self._ticket += 1

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until every job has finished and its result was delivered (tests, shutdown)."""
        deadline = time.monotonic() + timeout_ms / 1000
        while self._pending:
            if time.monotonic() > deadline:
                return False
            self._pool.waitForDone(20)
            QCoreApplication.sendPostedEvents(self)
        return True

    def _on_relay(self, ticket: int, ok: bool, value: object) -> None:
        self._pending -= 1
        if ticket == self._ticket:  # else superseded by a newer submission, or cancelled
            (self.finished if ok else self.failed).emit(value)
        if self._pending == 0:  # a slot above may have submitted the next job already
            self.busy_changed.emit(False)

"""The GUI unlocks an encrypted station key once at start-up, from a manager's passphrase."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from desktop import key_access
from desktop.app import AppContext
from desktop.errors import UserError
from desktop.key_access import Answer, UnlockRequest
from desktop.keys import StationKeyFiles, decrypt_private_key
from tests.conftest import KEY_PASSPHRASE, MANAGER_PIN, Clock
from tests.gui.helpers import RecordingDialogs, show
from tests.gui.test_first_run import ANSWERS, fill_by_keyboard, form_of
from ui.key_unlock import KeyUnlockDialog
from ui.main_window import MainWindow
from ui.startup import Startup


def request(attempt: int = 1, *, can_remember: bool = False) -> UnlockRequest:
    return UnlockRequest("S01", Path("S01.key.pem"), attempt, can_remember)


@pytest.fixture
def locked(monkeypatch: pytest.MonkeyPatch, ctx: AppContext) -> AppContext:
    """The shop's key with no passphrase in the environment and no OS key store."""
    monkeypatch.delenv("REVOKE_DESK_KEY_PASSPHRASE")
    return AppContext.open(ctx.db_url, ctx.keys_dir, clock=ctx.clock)


def test_the_dialog_returns_what_the_manager_typed(qtbot) -> None:
    dialog = KeyUnlockDialog(request())
    qtbot.addWidget(dialog)
    show(qtbot, dialog)
    assert dialog.passphrase.hasFocus()
    assert dialog.passphrase.echoMode() == dialog.passphrase.EchoMode.Password
    assert not dialog.remember.isVisible()  # no key store on this PC
    assert not dialog.problem.isVisible()
    qtbot.keyClicks(dialog.passphrase, "correct horse")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert dialog.answer() == Answer("correct horse", remember=False)


def test_a_second_attempt_says_the_first_was_wrong_and_offers_the_key_store(qtbot) -> None:
    dialog = KeyUnlockDialog(request(2, can_remember=True))
    qtbot.addWidget(dialog)
    show(qtbot, dialog)
    assert (
        dialog.problem.isVisible() and "wrong passphrase (2 attempts left)" in dialog.problem.text()
    )
    assert dialog.remember.isVisible()
    qtbot.keyClicks(dialog.passphrase, "correct horse")
    dialog.remember.setChecked(True)
    dialog.accept()
    assert dialog.answer() == Answer("correct horse", remember=True)


def test_start_up_asks_once_and_opens_the_lock_screen(qtbot, locked: AppContext) -> None:
    asked: list[UnlockRequest] = []

    def ask(req: UnlockRequest) -> Answer:
        asked.append(req)
        return Answer("a wrong one" if len(asked) == 1 else KEY_PASSPHRASE)

    try:
        startup = Startup(locked, RecordingDialogs(), ask_key_passphrase=ask)
        window = startup.start()
        qtbot.addWidget(window)
        show(qtbot, window)
        assert isinstance(window, MainWindow)
        assert [r.attempt for r in asked] == [1, 2]
        locked.signer()  # the key stays unlocked for the rest of the session
        assert len(asked) == 2
        assert locked.authenticate("M01", MANAGER_PIN).code == "M01"
    finally:
        locked.close()


def test_the_real_dialog_is_what_start_up_shows(qtbot, locked: AppContext) -> None:
    seen: list[KeyUnlockDialog] = []

    def type_into_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, KeyUnlockDialog):
            QTimer.singleShot(20, type_into_dialog)
            return
        seen.append(dialog)
        qtbot.keyClicks(dialog.passphrase, KEY_PASSPHRASE)
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)

    QTimer.singleShot(0, type_into_dialog)
    try:
        window = Startup(locked, RecordingDialogs()).start()
        qtbot.addWidget(window)
        assert isinstance(window, MainWindow)
        assert len(seen) == 1
    finally:
        locked.close()


def test_quitting_the_dialog_stops_the_start_with_a_clear_error(locked: AppContext) -> None:
    try:
        with pytest.raises(UserError, match="is encrypted"):
            Startup(locked, RecordingDialogs(), ask_key_passphrase=lambda req: None).start()
    finally:
        locked.close()


# --- first run without a passphrase in the environment -----------------------------------


@pytest.fixture
def blank_ctx(
    tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[AppContext]:
    monkeypatch.delenv("REVOKE_DESK_KEY_PASSPHRASE")
    context = AppContext.open(
        f"sqlite:///{tmp_path / 'new.sqlite3'}", tmp_path / "new-keys", create=True, clock=clock
    )
    yield context
    context.close()


@pytest.fixture
def first_run(qtbot, blank_ctx: AppContext) -> Startup:
    def never(req: UnlockRequest) -> Answer:
        raise AssertionError("asked for the passphrase just typed at set-up")

    starter = Startup(blank_ctx, RecordingDialogs(), ask_key_passphrase=never)
    form = starter.start()
    qtbot.addWidget(form)
    show(qtbot, form)
    return starter


def test_first_run_asks_for_the_key_passphrase_twice_and_checks_it(
    qtbot, first_run: Startup, blank_ctx: AppContext
) -> None:
    form = form_of(first_run)
    fill_by_keyboard(qtbot, [*ANSWERS, ("key_passphrase", "short"), ("key_passphrase_again", "x")])
    assert "at least 8 characters" in form.counter_form.problem_text("key_passphrase")
    assert "do not match" in form.counter_form.problem_text("key_passphrase_again")
    assert not StationKeyFiles.in_dir(blank_ctx.keys_dir, "S01").key.exists()


def test_first_run_encrypts_the_key_with_the_typed_passphrase_and_asks_no_more(
    qtbot, first_run: Startup, blank_ctx: AppContext
) -> None:
    form = form_of(first_run)
    assert not form.remember_key.isVisible()  # no OS key store here
    with qtbot.waitSignal(form.completed):
        fill_by_keyboard(
            qtbot,
            [
                *ANSWERS,
                ("key_passphrase", "店の合言葉 2026"),
                ("key_passphrase_again", "店の合言葉 2026"),
            ],
        )
    key = StationKeyFiles.in_dir(blank_ctx.keys_dir, "S01").key.read_bytes()
    assert b"BEGIN ENCRYPTED PRIVATE KEY" in key
    decrypt_private_key(key, "店の合言葉 2026")
    window = first_run.window
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)


def test_first_run_can_keep_the_passphrase_in_the_os_key_store(
    qtbot, blank_ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept: dict[str, str] = {}

    class Store(key_access.OsKeyStore):
        def __init__(self) -> None:
            self.name = "memory"

        def get(self, account: str) -> str | None:
            return kept.get(account)

        def set(self, account: str, passphrase: str) -> None:
            kept[account] = passphrase

    monkeypatch.setattr(key_access, "_discovered", Store)
    monkeypatch.setattr("ui.first_run.os_key_store", key_access.os_key_store)
    starter = Startup(blank_ctx, RecordingDialogs())
    form = form_of_started(qtbot, starter)
    assert form.remember_key.isVisible()
    form.remember_key.setChecked(True)
    with qtbot.waitSignal(form.completed):
        fill_by_keyboard(
            qtbot,
            [
                *ANSWERS,
                ("key_passphrase", "店の合言葉 2026"),
                ("key_passphrase_again", "店の合言葉 2026"),
            ],
        )
    assert list(kept.values()) == ["店の合言葉 2026"]
    qtbot.addWidget(starter.window)
    # The next start unlocks from the key store, with no dialog.
    again = AppContext.open(blank_ctx.db_url, blank_ctx.keys_dir)
    try:
        again.passphrase_prompt = None
        assert again.signer().station == "S01"
    finally:
        again.close()


def form_of_started(qtbot, starter: Startup):
    form = starter.start()
    qtbot.addWidget(form)
    show(qtbot, form)
    return form_of(starter)

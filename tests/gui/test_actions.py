"""ui.actions.run_action: one transaction, the user-error/fault split, the log line and the
change event — against the real shop database."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtWidgets import QWidget

from desktop.clerks import Role, add_clerk, list_clerks
from desktop.errors import UserError
from ui.actions import run_action


@pytest.fixture
def parent(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def add_c09(services):
    ctx = services.ctx
    return lambda session: add_clerk(
        session,
        ctx.signer(),
        code="C09",
        name="試験 九郎",
        role=Role.CLERK,
        pin="975310",
        now=ctx.clock(),
        added_by="M01",
    )


def clerk_codes(services) -> set[str]:
    with services.ctx.reading() as session:
        return {clerk.code for clerk in list_clerks(session)}


def test_a_completed_action_logs_its_line_and_emits_its_change(
    qtbot, services, parent, dialogs, caplog
):
    caplog.set_level(logging.INFO, logger="ui.actions")
    with qtbot.waitSignal(services.events.clerks_changed, timeout=1000):
        done = run_action(
            services,
            parent,
            add_c09(services),
            logged=lambda clerk: f"clerk {clerk.code} added",
            changed=services.events.clerks_changed,
        )
    assert done.ok and done.value is not None and done.value.code == "C09"
    assert "C09" in clerk_codes(services)
    assert "clerk C09 added" in caplog.text
    assert dialogs.messages == []


def test_a_user_error_goes_to_the_screen_and_nothing_is_kept(services, parent, dialogs):
    refused: list[UserError] = []

    def work(session):
        add_c09(services)(session)
        raise UserError("理由を入力してください", "give a reason")

    done = run_action(services, parent, work, on_user_error=refused.append)
    assert not done.ok
    assert [error.en for error in refused] == ["give a reason"]
    assert "C09" not in clerk_codes(services)  # the transaction rolled back
    assert dialogs.messages == []


def test_without_a_handler_a_user_error_is_a_message_box(services, parent, dialogs):
    def work(session):
        raise UserError("理由を入力してください", "give a reason")

    assert not run_action(services, parent, work).ok
    assert [m.kind for m in dialogs.messages] == ["error"]
    assert "give a reason" in dialogs.messages[0].text


def test_a_fault_is_logged_told_and_rolled_back(qtbot, services, parent, dialogs, caplog):
    def work(session):
        add_c09(services)(session)
        raise RuntimeError("disk on fire")

    with qtbot.assertNotEmitted(services.events.clerks_changed):
        done = run_action(services, parent, work, changed=services.events.clerks_changed)
    assert not done.ok
    assert "C09" not in clerk_codes(services)
    assert "disk on fire" in caplog.text  # the traceback is in the log
    assert "保存されていません" in dialogs.messages[0].text
    assert "disk on fire" not in dialogs.messages[0].text  # not shown to the clerk

"""ui.intake: the intake wizard over a real shop database, driven through its widgets.

Each test types into the real widgets (Japanese arrives as an input method's
committed text, see tests/gui/helpers.py), scans IMEIs as keystrokes + Enter, lets
the customer sign on the real pad, commits, and checks what the database, the
ledger and the printed PDF hold.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QPushButton, QWidget
from sqlalchemy import select

from db.models import Intake, LedgerEntry
from desktop import ledger
from desktop.clerks import deactivate_clerk, list_clerks
from desktop.intake_flow import IntakeFlow, Step
from desktop.settings import PRINTER_THERMAL
from desktop.verification import verify_all
from tests.conftest import example_document
from tests.gui.helpers import focused, press, show, type_text
from tests.support.intakes import commit_document
from tests.support.pdfs import pdf_text, squeeze
from ui.intake import pages
from ui.intake.pages import CustomerPage, DevicePage, PurposePage, RevocationPage, SellerPage
from ui.intake.widgets import ChoiceField, ProblemLabel
from ui.intake.wizard import IntakeWizard
from ui.services import Services

IMEI = "356938035643809"
SECOND_IMEI = "490154203237518"
ENTER = Qt.Key.Key_Return
LEFT = Qt.MouseButton.LeftButton
NO_MODIFIER = Qt.KeyboardModifier.NoModifier


@pytest.fixture
def clerk_services(services: Services) -> Services:
    """The shop's services with clerk C01 unlocked at the counter."""
    with services.ctx.reading() as session:
        services.state.clerk = next(c for c in list_clerks(session) if c.code == "C01")
    return services


@pytest.fixture
def wizard(qtbot, clerk_services: Services) -> IntakeWizard:
    return open_wizard(qtbot, clerk_services)


def open_wizard(qtbot, services: Services) -> IntakeWizard:
    window = IntakeWizard(services)
    qtbot.addWidget(window)
    window.resize(1280, 860)
    show(qtbot, window)
    return window


# -- driving the widgets, as a clerk does --------------------------------------------


def fill(qtbot, widget: QLineEdit, text: str) -> None:
    """Put the focus on ``widget`` and type ``text`` over what it holds."""
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)
    widget.selectAll()
    if text:
        type_text(qtbot, text)
    else:
        press(qtbot, Qt.Key.Key_Delete)


def choose(qtbot, field: ChoiceField, value: str) -> None:
    """Answer a question with its number key."""
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    qtbot.keyClick(field, Qt.Key(Qt.Key.Key_1 + field.values().index(value)))
    assert field.value() == value


def scan(qtbot, widget: QLineEdit, code: str) -> None:
    """A barcode scanner: the code's keystrokes, then Enter, into the focused field."""
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)
    qtbot.keyClicks(widget, code)
    qtbot.keyClick(widget, ENTER)


def next_page(qtbot, wizard: IntakeWizard, expected: Step) -> None:
    qtbot.keyClick(focused(), Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert wizard.flow is not None
    assert wizard.flow.step is expected, problem_texts(wizard)


def fill_purpose(qtbot, wizard: IntakeWizard, *, purpose: str = "trade_in", price: str) -> None:
    page = wizard.pages[Step.PURPOSE]
    assert isinstance(page, PurposePage)
    choose(qtbot, page.purpose, purpose)
    fill(qtbot, page.price, price)
    next_page(qtbot, wizard, Step.SELLER)


def fill_seller(qtbot, wizard: IntakeWizard, **overrides: str) -> None:
    page = wizard.pages[Step.SELLER]
    assert isinstance(page, SellerPage)
    values = {
        "name": "山田 太郎",
        "kana": "やまだ たろう",
        "address": "東京都千代田区千代田1-1",
        "occupation": "会社員",
        "birth_date": "1985/4/1",
    } | overrides
    for key, text in values.items():
        fill(qtbot, getattr(page, key), text)
    choose(qtbot, page.id_type, "drivers_license")
    fill(qtbot, page.id_number, "123456789012")


def fill_device(qtbot, wizard: IntakeWizard, *, imei: str = IMEI) -> DevicePage:
    page = wizard.pages[Step.DEVICE]
    assert isinstance(page, DevicePage)
    choose(qtbot, page.os, "android")
    fill(qtbot, page.maker, "Google")
    fill(qtbot, page.model, "Pixel 8")
    fill(qtbot, page.color, "黒")
    fill(qtbot, page.storage, "128")
    scan(qtbot, page.imei1, imei)
    choose(qtbot, page.network, "ok")
    return page


def answer_revocation(qtbot, wizard: IntakeWizard, *, performed_by: str = "self") -> None:
    page = wizard.pages[Step.REVOCATION]
    assert isinstance(page, RevocationPage)
    choose(qtbot, page.used, "yes")
    choose(qtbot, page.path, "app_revoked")
    choose(qtbot, page.performed_by, performed_by)
    choose(qtbot, page.holder, "yes")
    page.clerk_check.setFocus()
    qtbot.waitUntil(page.clerk_check.hasFocus)
    qtbot.keyClick(page.clerk_check, Qt.Key.Key_Space)
    assert page.clerk_check.isChecked()


def to_revocation(qtbot, wizard: IntakeWizard, *, imei: str = IMEI) -> None:
    fill_purpose(qtbot, wizard, price="１２，０００")
    fill_seller(qtbot, wizard)
    next_page(qtbot, wizard, Step.DEVICE)
    fill_device(qtbot, wizard, imei=imei)
    next_page(qtbot, wizard, Step.RESET)
    for box in wizard.pages[Step.RESET].checks.values():  # type: ignore[attr-defined]
        box.setFocus()
        qtbot.keyClick(box, Qt.Key.Key_Space)
    next_page(qtbot, wizard, Step.REVOCATION)


def problem_texts(widget: QWidget) -> str:
    """Every problem line the clerk can see on ``widget``'s current page."""
    return " | ".join(
        label.text() for label in widget.findChildren(ProblemLabel) if label.isVisible()
    )


# -- the tests -----------------------------------------------------------------------------


def test_a_14_digit_imei_is_refused_beside_the_field_and_the_focus_stays(qtbot, wizard):
    fill_purpose(qtbot, wizard, price="12000")
    fill_seller(qtbot, wizard)
    next_page(qtbot, wizard, Step.DEVICE)
    page = wizard.pages[Step.DEVICE]
    assert isinstance(page, DevicePage)

    scan(qtbot, page.imei1, IMEI[:14])

    assert page.imei1.status.isVisible()
    assert "14桁" in page.imei1.status.text()
    assert "enter all 15" in page.imei1.status.text()
    assert focused() is page.imei1  # nothing moved on
    assert page.imei1.selectedText() == IMEI[:14]  # the next scan replaces it
    scan(qtbot, page.imei1, IMEI)
    assert "✓" in page.imei1.status.text()
    assert focused() is page.imei2  # a valid scan moves to the second IMEI


def test_an_unanswered_question_says_which_keys_answer_it(qtbot, wizard):
    page = wizard.pages[Step.PURPOSE]
    assert isinstance(page, PurposePage)
    fill(qtbot, page.price, "5000")

    next_page(qtbot, wizard, Step.PURPOSE)

    assert "数字キー 1〜4" in problem_texts(wizard)
    assert focused() is page.purpose


def test_my_number_card_disables_the_number_field(qtbot, wizard):
    fill_purpose(qtbot, wizard, price="12000")
    page = wizard.pages[Step.SELLER]
    assert isinstance(page, SellerPage)
    choose(qtbot, page.id_type, "passport")
    fill(qtbot, page.id_number, "TK1234567")

    choose(qtbot, page.id_type, "my_number_card")

    assert not page.id_number.isEnabled()
    assert page.id_number.text() == ""
    assert "マイナンバーカードの番号は記録しません" in page.sections["id_number"].note.text()
    assert wizard.flow is not None
    assert wizard.flow.section("seller")["id_document"] == {"type": "my_number_card"}


def test_a_my_number_typed_into_the_address_is_refused_with_the_guards_message(qtbot, wizard):
    fill_purpose(qtbot, wizard, price="12000")
    fill_seller(qtbot, wizard, address="東京都千代田区千代田1-1 1234 5678 9018")
    page = wizard.pages[Step.SELLER]

    next_page(qtbot, wizard, Step.SELLER)

    assert "マイナンバー（個人番号）と思われる12桁の数字" in page.sections["address"].problem.text()
    assert focused() is page.address


def test_the_law_s_required_fields_follow_purpose_and_price(qtbot, wizard):
    fill_purpose(qtbot, wizard, purpose="purchase", price="9800")
    page = wizard.pages[Step.SELLER]
    assert isinstance(page, SellerPage)
    assert "免除" in page.ledger_note.text()
    assert "必須" not in page.sections["address"].label.text()
    fill(qtbot, page.name, "山田 太郎")
    next_page(qtbot, wizard, Step.DEVICE)  # no address, no ID: fine under ¥10,000

    qtbot.keyClick(focused(), Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(focused(), Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    fill(qtbot, wizard.pages[Step.PURPOSE].price, "10000")  # type: ignore[attr-defined]
    next_page(qtbot, wizard, Step.SELLER)
    assert "法律で必須" in page.ledger_note.text()
    assert "必須" in page.sections["address"].label.text()
    next_page(qtbot, wizard, Step.SELLER)
    assert "入力してください" in page.sections["address"].problem.text()
    assert focused() is page.address


def test_a_half_done_intake_survives_rebuilding_the_wizard(qtbot, clerk_services):
    flow = IntakeFlow(
        clerk="C01",
        catalogue=clerk_services.ctx.catalogue(),
        today=clerk_services.ctx.clock().date(),
    )
    document = example_document()
    flow.update({"purpose": "trade_in", "price_yen": 12000, "seller": document["seller"]})
    assert flow.next().moved
    assert flow.next().moved
    flow.update({"device": document["device"] | {"imei": [IMEI, SECOND_IMEI]}})
    assert flow.step is Step.DEVICE
    clerk_services.state.drafts.keep(flow, "C01")

    wizard = open_wizard(qtbot, clerk_services)

    assert wizard.flow is flow
    page = wizard.pages[Step.DEVICE]
    assert isinstance(page, DevicePage)
    assert wizard.current_page() is page
    assert (page.maker.text(), page.model.text()) == ("Google", "Pixel 8")
    assert (page.imei1.text(), page.imei2.text()) == (IMEI, SECOND_IMEI)
    assert page.os.value() == "android"
    assert wizard.position.text() == "3 / 7"
    # What the clerk types next is kept in the same draft, lock or no lock.
    fill(qtbot, page.serial, "SN-0001")
    assert clerk_services.state.drafts.flow.section("device")["serial"] == "SN-0001"


def test_another_clerk_s_draft_is_not_resumed(qtbot, clerk_services):
    other = IntakeFlow(
        clerk="M01",
        catalogue=clerk_services.ctx.catalogue(),
        today=clerk_services.ctx.clock().date(),
    )
    clerk_services.state.drafts.keep(other, "M01")

    wizard = open_wizard(qtbot, clerk_services)

    assert wizard.flow is not other
    assert wizard.flow is not None and wizard.flow.step is Step.PURPOSE
    assert clerk_services.state.drafts.owner == "C01"


def test_cancel_asks_first_and_then_discards_the_draft(qtbot, wizard, clerk_services, dialogs):
    fill_purpose(qtbot, wizard, price="12000")
    dialogs.answers = [False]
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    assert dialogs.messages[-1].kind == "confirm"
    assert wizard.flow is not None and wizard.flow.step is Step.SELLER  # kept

    dialogs.answers = [True]
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)

    assert wizard.flow.step is Step.PURPOSE  # a fresh intake
    assert wizard.flow.document.get("price_yen") is None
    assert clerk_services.state.drafts.flow is wizard.flow
    assert wizard.pages[Step.PURPOSE].price.text() == ""  # type: ignore[attr-defined]


# -- signing, committing, printing ------------------------------------------------------

# 山 and the start of 田, in the pad's canvas units: enough ink to pass as a signature.
SIGNATURE = [
    [(150, 60), (150, 190)],
    [(95, 110), (95, 190), (205, 190)],
    [(205, 105), (205, 195)],
    [(250, 80), (250, 200)],
    [(250, 80), (360, 80), (360, 200)],
    [(250, 140), (360, 140)],
]


def along(corners: list[tuple[int, int]], step: int = 10) -> list[tuple[float, float]]:
    """Points every ``step`` canvas units along a polyline, as a pointer reports them."""
    points: list[tuple[float, float]] = []
    for (x0, y0), (x1, y1) in itertools.pairwise(corners):
        count = max(1, round(max(abs(x1 - x0), abs(y1 - y0)) / step))
        points.extend(
            (x0 + (x1 - x0) * i / count, y0 + (y1 - y0) * i / count) for i in range(count)
        )
    points.append(corners[-1])
    return points


def sign(qtbot, wizard: IntakeWizard) -> None:
    """The customer signs on the pad with the mouse and presses 'agree and sign'."""
    page = wizard.pages[Step.CUSTOMER]
    assert isinstance(page, CustomerPage)
    assert wizard.current_page() is page
    pad = page.customer_screen.pad
    for corners in SIGNATURE:
        points = [pad.from_canvas(x, y).toPoint() for x, y in along(corners)]
        QTest.mousePress(pad, LEFT, NO_MODIFIER, points[0])
        for point in points[1:]:
            QTest.mouseMove(pad, point)
        QTest.mouseRelease(pad, LEFT, NO_MODIFIER, points[-1])
    confirm = page.customer_screen.findChild(QPushButton, "confirm")
    assert confirm is not None
    qtbot.waitUntil(confirm.isEnabled)
    qtbot.mouseClick(confirm, LEFT)


def commit(qtbot, wizard: IntakeWizard) -> str:
    """Ctrl+Enter on the review; the receipt number the committed page shows."""
    assert wizard.flow is not None and wizard.flow.step is Step.REVIEW
    qtbot.keyClick(focused(), ENTER, Qt.KeyboardModifier.ControlModifier)
    assert wizard.receipt is not None, problem_texts(wizard)
    return wizard.receipt.number


@pytest.fixture
def printed(clerk_services: Services, tmp_path: Path) -> Path:
    """The thermal printer is a PDF file printer writing into this folder."""
    folder = tmp_path / "printed"
    clerk_services.settings.set(PRINTER_THERMAL, f"pdf:{folder}")
    return folder


def ledger_kinds(ctx, receipt: str) -> list[str]:
    with ctx.reading() as session:
        return list(
            session.scalars(
                select(LedgerEntry.kind)
                .where(LedgerEntry.subject == receipt)
                .order_by(LedgerEntry.id)
            )
        )


def intake_body(ctx, receipt: str) -> dict:
    with ctx.reading() as session:
        body = session.scalars(
            select(LedgerEntry.body).where(
                LedgerEntry.subject == receipt, LedgerEntry.kind == ledger.EntryKind.INTAKE
            )
        ).one()
    return json.loads(body)


def test_an_accepted_intake_is_committed_signed_and_printed(qtbot, wizard, printed, ctx, dialogs):
    to_revocation(qtbot, wizard)
    answer_revocation(qtbot, wizard)
    revocation = wizard.pages[Step.REVOCATION]
    assert isinstance(revocation, RevocationPage)
    assert "マイナポータルアプリを開き" in revocation.steps.text()  # the chosen path's steps
    assert "受け付けられます" in revocation.outcome.text()
    next_page(qtbot, wizard, Step.CUSTOMER)

    sign(qtbot, wizard)
    assert wizard.flow is not None and wizard.flow.step is Step.REVIEW
    summary = wizard.review_page.summary.toPlainText()
    assert "山田 太郎" in summary and "ヤマダ タロウ" in summary  # kana typed in hiragana
    assert IMEI in summary and "¥12,000" in summary
    assert "受付" in wizard.review_page.outcome.text()
    assert ledger_kinds(ctx, "S01-20261127-0001") == []  # nothing is stored before the commit

    with qtbot.waitSignal(wizard.committed) as committed:
        receipt = commit(qtbot, wizard)

    assert committed.args == [receipt]
    assert receipt == "S01-20261127-0001"
    assert receipt in wizard.done_page.receipt.text()
    with ctx.reading() as session:
        intake = session.get(Intake, receipt)
        assert intake is not None
        assert (intake.outcome, intake.imei1, intake.imei2) == ("accepted", IMEI, "")
        assert (intake.price_yen, intake.purpose, intake.clerk) == (12000, "trade_in", "C01")
        assert verify_all(session, ctx.keys_dir).ok
    assert ledger_kinds(ctx, receipt) == ["intake", "slip_issued"]
    body = intake_body(ctx, receipt)
    assert body["suspected_stolen"] is False
    assert body["statement"]["id"] == "customer_revoked"
    pdf = printed / f"{receipt}.pdf"
    assert squeeze(receipt) in squeeze(pdf_text(pdf))
    assert "印刷しました" in wizard.done_page.slip_status.text()
    assert not [m for m in dialogs.messages if m.kind == "error"]
    # The draft is gone with the commit; Enter starts the next intake.
    assert wizard.services.state.drafts.flow is None
    assert focused() is wizard.new_button
    qtbot.keyClick(focused(), ENTER)
    assert wizard.flow is not None and wizard.flow.step is Step.PURPOSE
    assert wizard.services.state.drafts.flow is wizard.flow


def test_a_refused_intake_skips_the_customer_and_prints_the_guidance_slip(
    qtbot, wizard, printed, ctx
):
    to_revocation(qtbot, wizard)
    answer_revocation(qtbot, wizard, performed_by="staff")
    revocation = wizard.pages[Step.REVOCATION]
    assert isinstance(revocation, RevocationPage)
    assert "受け付けられません" in revocation.outcome.text()

    next_page(qtbot, wizard, Step.REVIEW)  # the customer's page is skipped

    assert wizard.flow is not None
    assert Step.CUSTOMER not in wizard.flow.steps()
    assert wizard.position.text() == "6 / 6"
    outcome = wizard.review_page.outcome.text()
    assert "お断り" in outcome
    assert "名義人ご本人以外（店舗の従業員・ご家族など）が行いました" in outcome
    assert "署名" not in wizard.review_page.summary.toPlainText()

    receipt = commit(qtbot, wizard)

    with ctx.reading() as session:
        intake = session.get(Intake, receipt)
        assert intake is not None
        assert (intake.outcome, intake.refusal_reason) == ("refused", "performed_by_other")
        assert verify_all(session, ctx.keys_dir).ok
    assert ledger_kinds(ctx, receipt) == ["intake", "slip_issued"]
    assert wizard.slip is not None and wizard.slip.kind.value == "guidance"
    text = squeeze(pdf_text(printed / f"{receipt}.pdf"))
    assert "0120-95-0178" in text
    assert squeeze(receipt) in text
    assert "お断りを記録しました" in wizard.title.text()


def test_an_imei_seen_before_shows_its_receipts_and_the_stolen_flag_is_kept(
    qtbot, wizard, printed, ctx
):
    earlier = commit_document(ctx, example_document()).number
    fill_purpose(qtbot, wizard, price="12000")
    fill_seller(qtbot, wizard)
    next_page(qtbot, wizard, Step.DEVICE)
    page = fill_device(qtbot, wizard, imei="35 693803 564380 9")  # as printed on a label

    assert page.imei1.text() == IMEI
    assert page.seen_box.isVisible()
    assert page.seen_receipts() == [earlier]
    assert earlier in page.seen.item(0).text()
    assert "受付" in page.seen.item(0).text()
    page.stolen.setFocus()
    qtbot.keyClick(page.stolen, Qt.Key.Key_Space)
    assert page.stolen.isChecked()
    next_page(qtbot, wizard, Step.RESET)
    next_page(qtbot, wizard, Step.REVOCATION)
    answer_revocation(qtbot, wizard)
    next_page(qtbot, wizard, Step.CUSTOMER)
    sign(qtbot, wizard)
    assert "不正品の疑い" in wizard.review_page.summary.toPlainText()

    receipt = commit(qtbot, wizard)

    assert receipt != earlier
    assert intake_body(ctx, receipt)["suspected_stolen"] is True
    assert intake_body(ctx, earlier)["suspected_stolen"] is False
    assert wizard.done_page.stolen.isVisible()
    assert "警察への届出" in wizard.done_page.stolen.text()


def test_a_refusal_at_commit_returns_to_the_step_that_owns_it_and_stores_nothing(
    qtbot, wizard, printed, ctx, clerk_services
):
    to_revocation(qtbot, wizard)
    answer_revocation(qtbot, wizard, performed_by="other")
    next_page(qtbot, wizard, Step.REVIEW)
    with ctx.transaction() as session:  # a manager switches C01 off meanwhile
        deactivate_clerk(session, ctx.signer(), code="C01", by="M01", now=ctx.clock())

    qtbot.keyClick(focused(), ENTER, Qt.KeyboardModifier.ControlModifier)

    assert wizard.receipt is None
    assert wizard.flow is not None and wizard.flow.step is Step.PURPOSE
    assert "C01 は登録されていないか無効です" in problem_texts(wizard)
    assert clerk_services.state.drafts.flow is wizard.flow  # the intake is still in hand
    with ctx.reading() as session:
        assert session.scalars(select(Intake)).all() == []


def test_a_failed_print_keeps_the_record_and_offers_a_reprint(
    qtbot, wizard, clerk_services, ctx, tmp_path
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the printer's folder should be")
    clerk_services.settings.set(PRINTER_THERMAL, f"pdf:{blocker / 'slips'}")
    to_revocation(qtbot, wizard)
    answer_revocation(qtbot, wizard, performed_by="other")
    next_page(qtbot, wizard, Step.REVIEW)

    receipt = commit(qtbot, wizard)

    status = wizard.done_page.slip_status.text()
    assert "PDFの保存先を作れません" in status  # the printer's own message
    assert "Ctrl+P" in status
    assert focused() is wizard.reprint_button
    assert ledger_kinds(ctx, receipt) == ["intake", "slip_issued"]  # committed all the same

    folder = tmp_path / "printed"
    clerk_services.settings.set(PRINTER_THERMAL, f"pdf:{folder}")
    with qtbot.waitSignal(clerk_services.events.intakes_changed):
        qtbot.keyClick(focused(), Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)

    assert ledger_kinds(ctx, receipt) == ["intake", "slip_issued", "reprint"]
    assert wizard.slip is not None and wizard.slip.issue_no == 2
    assert "再発行" in pdf_text(folder / f"{receipt}-2.pdf")
    assert "印刷しました" in wizard.done_page.slip_status.text()
    with ctx.reading() as session:
        assert verify_all(session, ctx.keys_dir).ok


def test_on_a_second_screen_the_statement_leaves_with_the_signature(
    qtbot, wizard, printed, monkeypatch
):
    """A counter with a customer display: the screen goes there, and no window stays behind."""
    placed: list[QWidget] = []

    def second_screen(widget: QWidget, *, mode: str) -> bool:
        # What ui.customer.show_on_customer_screen does on a PC with two screens.
        assert mode == "auto"
        widget.setParent(None)
        widget.setWindowFlag(Qt.WindowType.Window, True)
        widget.show()
        placed.append(widget)
        return True

    monkeypatch.setattr(pages, "show_on_customer_screen", second_screen)
    to_revocation(qtbot, wizard)
    answer_revocation(qtbot, wizard)
    next_page(qtbot, wizard, Step.CUSTOMER)

    page = wizard.pages[Step.CUSTOMER]
    assert isinstance(page, CustomerPage)
    screen = page.customer_screen
    assert placed == [screen]
    assert screen.isWindow() and screen.isVisible()
    assert screen.parent() is page  # closes with the wizard, never left behind
    assert "お客様用の画面に表示しています" in page.status.text()

    sign(qtbot, wizard)

    assert wizard.flow is not None and wizard.flow.step is Step.REVIEW
    assert not screen.isVisible()  # the statement is off the customer's screen
    assert screen.pad.is_empty()


def test_the_clerk_can_preview_the_slip_and_print_it_from_there(qtbot, wizard, printed, ctx):
    to_revocation(qtbot, wizard)
    answer_revocation(qtbot, wizard, performed_by="other")
    next_page(qtbot, wizard, Step.REVIEW)
    preview = wizard.review_page.preview
    preview.setFocus()
    qtbot.keyClick(preview, Qt.Key.Key_Space)

    receipt = commit(qtbot, wizard)

    dialog = wizard.preview_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.page_count() >= 1
    assert "プレビュー" in wizard.done_page.slip_status.text()
    assert not (printed / f"{receipt}.pdf").exists()  # nothing on paper yet
    qtbot.keyClick(dialog, ENTER)  # Print is the dialog's default button

    qtbot.waitUntil(lambda: wizard.preview_dialog is None)
    assert "0120-95-0178" in squeeze(pdf_text(printed / f"{receipt}.pdf"))
    assert "印刷しました" in wizard.done_page.slip_status.text()
    assert ledger_kinds(ctx, receipt) == ["intake", "slip_issued"]


def test_another_clerk_coming_back_to_a_finished_intake_gets_a_fresh_one(
    qtbot, wizard, printed, clerk_services
):
    to_revocation(qtbot, wizard)
    answer_revocation(qtbot, wizard, performed_by="other")
    next_page(qtbot, wizard, Step.REVIEW)
    commit(qtbot, wizard)
    wizard.hide()
    with clerk_services.ctx.reading() as session:
        clerk_services.state.clerk = next(c for c in list_clerks(session) if c.code == "M01")

    wizard.show()

    assert wizard.receipt is None
    assert wizard.current_page() is wizard.pages[Step.PURPOSE]  # not the done page of C01
    assert wizard.flow is not None and wizard.flow.step is Step.PURPOSE
    assert clerk_services.state.drafts.owner == "M01"

"""The intake wizard: the flow's steps as pages, then commit, slip and print.

The steps, their order, their checks and the refusal branch belong to
:class:`desktop.intake_flow.IntakeFlow`; this widget shows the page of the
flow's current step, moves when the flow says it may, and at the end runs the
one use case per button press: commit the intake (one transaction), issue its
slip (a second one), print it.  The half-done flow lives in
``services.state.drafts`` so that it outlives the lock screen.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import PURPOSE_LABELS, Outcome, label
from desktop.errors import Problem, UserError, ValidationFailed
from desktop.intake import Receipt, commit_intake
from desktop.intake_flow import (
    STEP_FIELDS,
    STEP_ORDER,
    Confirm,
    Confirmation,
    IntakeFlow,
    Step,
    licence_digits,
)
from desktop.settings import DEFAULT_SLIP_FORMAT
from desktop.slips import IssuedSlip, issue_slip, prepare_slip
from desktop.transactions import intake_context
from reports.snapshot import SlipFormat
from ui import i18n, palette
from ui.fit import PageStack, reveal, scrolled
from ui.intake import texts
from ui.intake.pages import PAGE_CLASSES, CommittedPage, IntakePage, ReviewPage
from ui.intake.widgets import is_under, pair_html, rich_label
from ui.services import Services

if TYPE_CHECKING:
    from ui.printing import PrintPreviewDialog, PrintResult, PrintService

log = logging.getLogger(__name__)


def owning_step(field: str) -> Step:
    """The step whose page has the widget of ``field`` (the first step if none has).

    By the flow's own table: a problem raised by the commit itself (an inactive
    clerk, say) did not come through ``flow.problems`` and carries no step.
    """
    for step in STEP_ORDER:
        if any(is_under(field, name) for name in STEP_FIELDS[step]):
            return step
    return Step.PURPOSE


class IntakeWizard(QWidget):
    """One intake at the counter, from the purpose to the printed slip.

    Keys: Enter moves from field to field and, on a page's last field, to the next
    page; Alt+← goes back, Alt+→ forward, Esc cancels (after asking); on the review
    Ctrl+Enter commits; after the commit Ctrl+P reprints, Enter starts the next
    intake, and after an accepted one Ctrl+D takes another phone of the same customer
    (the same transaction).

    What the records say (the shop's minors rule, the transaction so far) is read
    into the flow at the start and at every step, in a reading session of its own.

    Signals:
        committed(str): the receipt number, emitted once the commit has returned.
    """

    committed = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("intakeWizard")
        self.services = services
        self.flow: IntakeFlow | None = None
        self.receipt: Receipt | None = None
        self.slip: IssuedSlip | None = None
        self._printer: PrintService | None = None
        self.preview_dialog: PrintPreviewDialog | None = None
        self._owner = ""  # the clerk whose intake this is

        self.title = QLabel()
        self.title.setObjectName("step_title")
        title_font = self.title.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.5)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("step_subtitle")
        self.subtitle.setStyleSheet(f"color:{palette.SUBTITLE};")
        self.position = QLabel()
        self.position.setObjectName("step_position")
        self.position.setFont(title_font)
        self.trail = rich_label("")
        self.trail.setObjectName("step_trail")
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        header = QHBoxLayout()
        header.addLayout(titles, 1)
        header.addWidget(self.position, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)

        # Each page scrolls on its own, so a small counter screen never squeezes a
        # page; the focused field is scrolled into view (see _on_app_focus_changed).
        self.stack = PageStack()
        self.pages: dict[Step, IntakePage] = {}
        self._holders: dict[QWidget, QWidget] = {}
        for step, page_class in PAGE_CLASSES.items():
            page = page_class(services)
            page.setObjectName(f"page_{step.value}")
            page.completed.connect(self._on_page_completed)
            self.pages[step] = page
            self._add_scrolled(page)
        self.done_page = CommittedPage()
        self.done_page.setObjectName("page_committed")
        self._add_scrolled(self.done_page)

        self.cancel_button = self._button("cancel_button", texts.CANCEL, "Esc")
        self.back_button = self._button("back_button", texts.BACK, "Alt+←")
        self.next_button = self._button("next_button", texts.NEXT, "Enter")
        self.reprint_button = self._button("reprint_button", texts.REPRINT, "Ctrl+P")
        self.new_button = self._button("new_button", texts.NEW_INTAKE, "Enter")
        self.another_button = self._button("another_button", texts.ANOTHER_DEVICE, "Ctrl+D")
        self.hint = rich_label("")
        self.hint.setObjectName("keys_hint")
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.back_button.clicked.connect(self._on_back_button_clicked)
        self.next_button.clicked.connect(self._on_next_button_clicked)
        self.reprint_button.clicked.connect(self._on_reprint_button_clicked)
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.another_button.clicked.connect(self._on_another_button_clicked)
        footer = QHBoxLayout()
        footer.addWidget(self.cancel_button)
        footer.addStretch(1)
        footer.addWidget(self.back_button)
        footer.addWidget(self.reprint_button)
        footer.addWidget(self.another_button)
        footer.addWidget(self.next_button)
        footer.addWidget(self.new_button)

        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(16, 12, 16, 12)
        self._layout.addLayout(header)
        self._layout.addWidget(self.trail)
        self._layout.addWidget(self.stack, 1)
        self._layout.addWidget(self.hint)
        self._layout.addLayout(footer)

        self._shortcut(("Alt+Left",), self._on_back_shortcut_activated)
        self._shortcut(("Alt+Right",), self._on_next_shortcut_activated)
        self._shortcut(("Escape",), self._on_cancel_shortcut_activated)
        self._shortcut(("Ctrl+Return", "Ctrl+Enter"), self._on_commit_shortcut_activated)
        self._shortcut(("Ctrl+P",), self._on_reprint_shortcut_activated)
        self._shortcut(("Ctrl+D",), self._on_another_shortcut_activated)
        app = QApplication.instance()
        assert isinstance(app, QApplication), "create the QApplication first"
        app.focusChanged.connect(self._on_app_focus_changed)
        self.start()

    # -- building -----------------------------------------------------------------

    def _add_scrolled(self, page: QWidget) -> None:
        # A page that lays itself out to the room it has (the customer's screen, the
        # revocation questions beside their steps) is not scrolled: in a scroll area it
        # would take its full height and push its own buttons below the screen's edge.
        holder: QWidget = (
            page if isinstance(page, IntakePage) and page.fits_itself else scrolled(page)
        )
        self._holders[page] = holder
        self.stack.addWidget(holder)

    def _show_page(self, page: QWidget) -> None:
        self.stack.setCurrentWidget(self._holders[page])

    def _button(self, name: str, text: texts.T, keys: str) -> QPushButton:
        button = QPushButton(f"{text.line()}  [{keys}]")
        button.setObjectName(name)
        # Outside a dialog a push button ignores Enter unless it is an auto-default one.
        button.setAutoDefault(True)
        return button

    def _shortcut(self, keys: Sequence[str], slot: object) -> None:
        for key in keys:
            shortcut = QShortcut(QKeySequence(key), self)
            # Only while the focus is in the wizard: other screens have their own keys.
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # -- the flow ---------------------------------------------------------------------

    def start(self) -> None:
        """Resume this clerk's half-done intake (kept over the lock screen), or begin one."""
        state = self.services.state
        clerk = state.clerk
        if clerk is None:
            return  # locked: the main window shows the lock screen, not this one
        self.receipt = None
        self.slip = None
        self._owner = clerk.code
        resumed = state.drafts.resumable_by(clerk.code)
        if isinstance(resumed, IntakeFlow):
            self.flow = resumed
        else:
            try:
                flow = self._new_flow(clerk.code)
            except UserError as error:
                self.services.dialogs.user_error(self, error)
                return
            self.flow = flow
            state.drafts.keep(flow, clerk.code)
        problems = self._refresh_context()
        self._show_step()
        if problems:
            self._page_problems(problems)

    def _new_flow(self, clerk: str) -> IntakeFlow:
        ctx = self.services.ctx
        timezone = ZoneInfo(ctx.shop_profile().timezone)
        # The shop's own calendar day: a birth date "in the future" is judged by it.
        today = ctx.clock().astimezone(timezone).date()
        return IntakeFlow(clerk=clerk, catalogue=ctx.catalogue(), today=today)

    def _refresh_context(self) -> tuple[Problem, ...]:
        """Read what the records say into the flow (one reading session).

        The shop's minors rule may have changed since the intake began, and the
        transaction's total counts only the phones that still stand.  Returns the
        problems of the transaction this intake names (another customer's receipt …).
        """
        flow = self.flow
        if flow is None:
            return ()
        try:
            with self.services.ctx.reading() as session:
                context, so_far = intake_context(session, flow.effective(), business_day=flow.today)
        except ValidationFailed as failed:
            return tuple(failed.problems)
        except UserError as error:
            self.services.dialogs.user_error(self, error)
            return ()
        flow.set_context(context, so_far)
        return ()

    def _page_problems(self, problems: Sequence[Problem]) -> None:
        page = self.current_page()
        if page is not None:
            page.show_problems(problems)

    def current_page(self) -> IntakePage | None:
        holder = self.stack.currentWidget()
        widget = holder.widget() if isinstance(holder, QScrollArea) else holder
        return widget if isinstance(widget, IntakePage) else None

    def _set_title(self, title: texts.T) -> None:
        main, english = title.pair()
        self.title.setText(main)
        self.subtitle.setText(english)
        self.subtitle.setVisible(bool(english))

    def _show_step(self) -> None:
        flow = self.flow
        assert flow is not None
        page = self.pages[flow.step]
        previous = self.current_page()
        if previous is not None and previous is not page:
            previous.leave()
        page.load(flow)
        self._show_page(page)
        self._set_title(texts.step_title(flow.step))
        n, of = flow.position()
        self.position.setText(f"{n} / {of}")
        self.trail.setText(self._trail_html(flow))
        on_review = flow.step is Step.REVIEW
        self.next_button.setText(
            f"{texts.COMMIT.line()}  [Ctrl+Enter]" if on_review else f"{texts.NEXT.line()}  [Enter]"
        )
        self.back_button.setEnabled(n > 1)
        self.reprint_button.hide()
        self.new_button.hide()
        self.another_button.hide()
        self.hint.setText(keys_html(REVIEW_KEYS if on_review else PAGE_KEYS))
        # The customer's page is the customer's: their screen gets the room, and only
        # their signature moves it on (the clerk keeps Alt+← and Esc).
        customer = flow.step is Step.CUSTOMER
        clerk_only: tuple[QWidget, ...] = (
            self.title,
            self.position,
            self.trail,
            self.hint,
            self.cancel_button,
            self.back_button,
            self.next_button,
        )
        for widget in clerk_only:
            widget.setVisible(not customer)
        self._announce_customer_facing()
        self.subtitle.setVisible(not customer and bool(self.subtitle.text()))
        if customer:
            self._layout.setContentsMargins(4, 0, 4, 0)
        else:
            self._layout.setContentsMargins(16, 12, 16, 12)
        holder = self._holders[page]
        if isinstance(holder, QScrollArea):
            holder.verticalScrollBar().setValue(0)  # a page always opens at its top
        if on_review:
            self.next_button.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            page.focus_first()

    @staticmethod
    def _trail_html(flow: IntakeFlow) -> str:
        """Every step of this intake in order, the current one marked."""
        parts = []
        for step in flow.steps():
            name = html.escape(texts.step_title(step).pair()[0])
            parts.append(
                f"<b style='color:{palette.FOCUS};'>▶ {name}</b>"
                if step is flow.step
                else f"<span style='color:{palette.MUTED};'>{name}</span>"
            )
        return " › ".join(parts)

    def _go_next(self) -> None:
        flow, page = self.flow, self.current_page()
        if flow is None or page is None:
            return
        page.save()
        if flow.step is Step.REVIEW:
            self.commit()
            return
        problems = self._refresh_context()
        if problems:
            page.show_problems(problems)
            return
        result = flow.next()
        # A question the flow wants answered first (a ¥0 purchase, a licence number that
        # reads as a My Number): No keeps the clerk on the field, Yes moves on.
        while result.confirm is not None:
            if not self._confirmed(result.confirm):
                page.clear_problems()
                page.focus_field(result.confirm.field)
                return
            flow.confirm(result.confirm)
            result = flow.next()
        if not result.moved:
            page.show_problems(result.problems)
            return
        self._show_step()

    def _confirmed(self, confirmation: Confirmation) -> bool:
        """Ask the clerk (いいえ is the default button)."""
        flow = self.flow
        assert flow is not None
        if confirmation.kind is Confirm.ZERO_PRICE:
            purpose = label(PURPOSE_LABELS, str(flow.document.get("purpose")))
            title = texts.ZERO_PRICE_TITLE
            main = texts.ZERO_PRICE_QUESTION.pair(purpose=purpose[0])[0]
            english = texts.ZERO_PRICE_QUESTION.pair(purpose=purpose[1])[1]
        else:
            title = texts.LICENCE_MY_NUMBER_TITLE
            number = licence_digits(confirmation.value)
            main, english = texts.LICENCE_MY_NUMBER_QUESTION.pair(number=number)
        return self.services.dialogs.confirm_unlikely(
            self, title.line(), "\n\n".join(filter(None, (main, english)))
        )

    def _go_back(self) -> None:
        flow, page = self.flow, self.current_page()
        if flow is None or page is None:
            return
        page.save()
        flow.back()
        self._show_step()

    def cancel(self) -> None:
        """Discard the intake in hand (after the clerk confirms) and begin a new one."""
        if self.flow is None or self.receipt is not None:
            self.start_new()
            return
        if not self.services.dialogs.confirm(
            self, texts.CANCEL_TITLE.line(), "\n".join(filter(None, texts.CANCEL_QUESTION.pair()))
        ):
            return
        log.info("clerk cancelled an open intake")
        self.start_new()

    def start_new(self) -> None:
        self.services.state.drafts.discard()
        self.start()

    def another_device(self) -> None:
        """Another phone of the customer just served: one visit, one transaction.

        The new intake names the transaction's first receipt and starts with the
        same purpose and seller; the purpose page shows the running total, and the
        ¥10,000 exemption is judged on it.
        """
        flow, receipt, clerk = self.flow, self.receipt, self.services.state.clerk
        if flow is None or receipt is None or clerk is None:
            return
        if receipt.decision.outcome is not Outcome.ACCEPTED:
            return
        following = flow.another_device(receipt.number)
        self.receipt = None
        self.slip = None
        self.flow = following
        self.services.state.drafts.keep(following, clerk.code)
        self._owner = clerk.code
        problems = self._refresh_context()
        self._show_step()
        if problems:
            self._page_problems(problems)

    # -- commit, slip, print ---------------------------------------------------------------

    def commit(self) -> None:
        """Commit the intake in one transaction; only then show its receipt number."""
        flow = self.flow
        if flow is None or self.receipt is not None:
            return
        ctx = self.services.ctx
        problems = self._refresh_context()
        if problems:
            self._return_to_problem(problems)
            return
        try:
            draft = flow.draft()
            signer = ctx.signer()
            catalogue = ctx.catalogue()
            timezone = ctx.shop_profile().timezone
            with ctx.transaction() as session:
                receipt = commit_intake(
                    session,
                    draft,
                    signer=signer,
                    catalogue=catalogue,
                    shop_timezone=timezone,
                    now=ctx.clock(),
                )
        except ValidationFailed as failed:
            self._return_to_problem(failed.problems)
            return
        except UserError as error:
            self.services.dialogs.user_error(self, error)
            return
        except Exception:  # a fault, not the clerk's input: logged, and the clerk is told
            log.exception("committing an intake failed")
            self.services.dialogs.error(
                self, texts.COMMIT_PROBLEMS_TITLE.line(), _plain(texts.UNEXPECTED)
            )
            return
        self.receipt = receipt
        self.services.state.drafts.discard()
        self.services.events.intakes_changed.emit()
        self._show_committed(receipt, stolen=draft.suspected_stolen)
        self.committed.emit(receipt.number)
        self.issue_and_print(reprint=False)

    def _return_to_problem(self, problems: Sequence[Problem]) -> None:
        """Back to the page that owns the first problem, with the problems beside its fields."""
        flow = self.flow
        assert flow is not None
        step = owning_step(problems[0].field)
        flow.go_to(step)
        self._show_step()
        own = [p for p in problems if owning_step(p.field) is step]
        self.pages[step].show_problems(own)

    def _show_committed(self, receipt: Receipt, *, stolen: bool) -> None:
        refused = receipt.decision.outcome is Outcome.REFUSED
        self.done_page.show_receipt(receipt.number, reason=receipt.decision.reason, stolen=stolen)
        self._show_page(self.done_page)
        self._set_title(texts.COMMITTED_REFUSED if refused else texts.COMMITTED_ACCEPTED)
        self.position.clear()
        self.trail.clear()
        for button in (self.back_button, self.next_button):
            button.hide()
        self.cancel_button.hide()
        self.reprint_button.show()
        self.new_button.show()
        # Only an accepted phone starts a transaction another phone can join.
        self.another_button.setVisible(not refused)
        self.hint.setText(keys_html(COMMITTED_REFUSED_KEYS if refused else COMMITTED_KEYS))
        self.new_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def issue_and_print(self, *, reprint: bool) -> None:
        """Issue the slip (its own transaction) and print it; the record stands either way.

        A reprint is only rendered and signed here: it is ledgered once printed or saved.
        """
        receipt = self.receipt
        if receipt is None:
            return
        ctx = self.services.ctx
        fmt = SlipFormat(self.services.settings.get(DEFAULT_SLIP_FORMAT))
        try:
            signer = ctx.signer()
            catalogue = ctx.catalogue()
            clerk = self.services.state.clerk
            with ctx.transaction() as session:
                if reprint:  # ledgered only once printed or saved (ui.printing.slip_recorder)
                    slip = prepare_slip(
                        session,
                        signer,
                        receipt=receipt.number,
                        fmt=fmt,
                        reprint=True,
                        catalogue=catalogue,
                        now=ctx.clock(),
                    )
                else:
                    slip = issue_slip(
                        session,
                        signer,
                        receipt=receipt.number,
                        fmt=fmt,
                        reprint=False,
                        catalogue=catalogue,
                        now=ctx.clock(),
                        by=clerk.code if clerk else "",
                    )
        except UserError as error:
            self.services.dialogs.user_error(self, error)
            self._slip_failed()
            return
        except Exception:  # a fault in rendering or signing: the record stands, say so
            log.exception("issuing the slip of %s failed", receipt.number)
            self.services.dialogs.error(self, texts.SLIP_TITLE.line(), _plain(texts.UNEXPECTED))
            self._slip_failed()
            return
        self.slip = slip
        self.services.events.intakes_changed.emit()
        self._print(slip, record=reprint)

    def _print(self, slip: IssuedSlip, *, record: bool = False) -> None:
        """Print the signed PDF, or open its preview first if the clerk asked for one;
        with ``record`` (a reprint) the copy is ledgered once printed or saved."""
        from ui.printing import slip_recorder  # noqa: PLC0415 - QtPdf loads at the first print

        printer = self.print_service()
        recorder = slip_recorder(self.services, slip) if record else None
        job = slip.receipt if slip.issue_no == 1 else f"{slip.receipt}-{slip.issue_no}"
        if self.review_page.preview_first():
            # Not modal-and-wait: the wizard stays responsive, and the dialog reports back.
            dialog = printer.open_preview(
                slip.pdf, slip.format, self, job_name=job, record=recorder
            )
            dialog.printed.connect(self._on_preview_printed)
            dialog.finished.connect(self._on_preview_finished)
            self.preview_dialog = dialog
            self.done_page.show_slip_status(texts.SLIP_IN_PREVIEW.html(), failed=False)
            return
        self._show_print_result(
            printer.print_pdf(slip.pdf, slip.format, job_name=job, record=recorder)
        )

    def _show_print_result(self, result: PrintResult) -> None:
        if result.ok:
            assert self.slip is not None
            kind_ja, kind_en = texts.SLIP_KINDS[self.slip.kind.value].pair()
            main, english = texts.SLIP_PRINTED.pair()
            self.done_page.show_slip_status(
                pair_html(main.format(kind=kind_ja), english.format(kind=kind_en or kind_ja)),
                failed=False,
            )
            self.new_button.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.done_page.show_slip_status(
            pair_html(result.ja, result.en) + "<br>" + texts.SLIP_FAILED.html(), failed=True
        )
        self.reprint_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _slip_failed(self) -> None:
        self.done_page.show_slip_status(texts.SLIP_FAILED.html(), failed=True)
        self.reprint_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def print_service(self) -> PrintService:
        if self._printer is None:
            from ui.printing import PrintService  # noqa: PLC0415 - QtPdf loads at the first print

            self._printer = PrintService(self.services, self)
        return self._printer

    @property
    def review_page(self) -> ReviewPage:
        page = self.pages[Step.REVIEW]
        assert isinstance(page, ReviewPage)
        return page

    # -- slots -------------------------------------------------------------------------------

    def _on_page_completed(self) -> None:
        if self.flow is not None and self.flow.step is Step.REVIEW:
            # Enter on the review's last field: the commit button, so a second Enter commits.
            self.next_button.setFocus(Qt.FocusReason.TabFocusReason)
            return
        self._go_next()

    def _on_next_button_clicked(self) -> None:
        self._go_next()

    def _on_back_button_clicked(self) -> None:
        self._go_back()

    def _on_cancel_button_clicked(self) -> None:
        self.cancel()

    def _on_reprint_button_clicked(self) -> None:
        self.issue_and_print(reprint=self.slip is not None)

    def _on_new_button_clicked(self) -> None:
        self.start_new()

    def _on_another_button_clicked(self) -> None:
        self.another_device()

    def _on_another_shortcut_activated(self) -> None:
        if self.another_button.isVisible():
            self.another_device()

    def _on_back_shortcut_activated(self) -> None:
        if self.receipt is None and self.back_button.isEnabled():
            self._go_back()

    def _on_next_shortcut_activated(self) -> None:
        busy = self.flow is not None and self.flow.step in (Step.REVIEW, Step.CUSTOMER)
        if self.receipt is None and not busy:
            self._go_next()

    def _on_cancel_shortcut_activated(self) -> None:
        self.cancel()

    def _on_commit_shortcut_activated(self) -> None:
        if self.receipt is None and self.flow is not None and self.flow.step is Step.REVIEW:
            self._go_next()

    def _on_preview_printed(self, result: PrintResult) -> None:
        self._show_print_result(result)

    def _on_preview_finished(self, _code: int) -> None:
        dialog, self.preview_dialog = self.preview_dialog, None
        if dialog is not None and dialog.last_result() is None:
            # Closed without printing: the slip is issued but not on paper yet.
            self.done_page.show_slip_status(texts.SLIP_NOT_PRINTED.html(), failed=True)
            self.reprint_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_reprint_shortcut_activated(self) -> None:
        if self.receipt is not None:
            self.issue_and_print(reprint=self.slip is not None)

    def scroll_to(self, widget: QWidget) -> None:
        """Scroll the current page (or the part of it that scrolls) so ``widget`` is in view."""
        page = self.stack.currentWidget()
        if page is not None and page.isAncestorOf(widget):
            reveal(widget)

    def _on_app_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None:
            self.scroll_to(new)

    def _announce_customer_facing(self) -> None:
        """In this window (no second screen) the customer's page is the customer's: the
        main window takes the clerk's screens out of their reach until it is left."""
        page = self.current_page()
        facing = (
            isinstance(page, IntakePage)
            and page.step is Step.CUSTOMER
            and self.receipt is None
            and not page.separate_screen()
        )
        self.services.events.customer_facing.emit(facing)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._announce_customer_facing()
        # Shown again after the lock screen or another screen: pick up a draft that
        # was replaced or dropped meanwhile (never while a committed receipt is shown).
        clerk = self.services.state.clerk
        if clerk is None:
            return
        if self.receipt is not None:
            if clerk.code != self._owner:
                self.start_new()  # another clerk has no business with this receipt
            return
        if self.services.state.drafts.flow is not self.flow:
            self.start()


# The keys each state of the wizard answers to, shown under the page.
PAGE_KEYS = (
    ("Tab", texts.HINT_NEXT_FIELD),
    ("Enter", texts.HINT_ENTER),
    ("1–9", texts.HINT_CHOOSE),
    ("Space", texts.HINT_TICK),
    ("Alt+←", texts.BACK),
    ("Alt+→", texts.NEXT),
    ("Esc", texts.CANCEL),
)
REVIEW_KEYS = (
    ("Ctrl+Enter", texts.HINT_COMMIT),
    ("Alt+←", texts.BACK),
    ("Esc", texts.CANCEL),
)
COMMITTED_REFUSED_KEYS = (
    ("Enter", texts.NEW_INTAKE),
    ("Ctrl+P", texts.REPRINT),
)
COMMITTED_KEYS = (*COMMITTED_REFUSED_KEYS, ("Ctrl+D", texts.ANOTHER_DEVICE))


def keys_html(keys: Sequence[tuple[str, texts.T]]) -> str:
    """A row of key caps, each with what it does (Japanese, the English beneath)."""
    cells = []
    for key, meaning in keys:
        main, english = meaning.pair()
        sub = f"<br><span style='{i18n.SUBTITLE_STYLE}'>{html.escape(english)}</span>"
        cells.append(
            "<td style='padding-right:14px;' valign='top'>"
            f"<span style='background:{palette.KEY_CAP}; font-weight:bold;'>&nbsp;{html.escape(key)}&nbsp;</span>"
            f" {html.escape(main)}{sub if english else ''}</td>"
        )
    return f"<table cellspacing='0'><tr>{''.join(cells)}</tr></table>"


def _plain(text: texts.T) -> str:
    return "\n".join(filter(None, text.pair()))

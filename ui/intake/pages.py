"""The pages of the intake wizard: one per step of :mod:`desktop.intake_flow`.

A page only displays and collects.  It fills its widgets from the flow's document
(:meth:`IntakePage.load`), writes what the clerk typed back with ``flow.update``
on every change (so a lock screen in the middle of a page loses nothing), and
shows the problems the flow reports beside the widgets they are about.  Which
step comes next, and whether the intake is refused, the flow decides.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Sequence
from typing import Any, ClassVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import (
    PURPOSE_LABELS,
    RESET_CHECK_KEYS,
    CertificateUsed,
    ConsentMethod,
    DeviceOs,
    IdDocumentType,
    NetworkRestriction,
    Outcome,
    PerformedBy,
    RefusalReason,
    age_on,
    maker_of,
)
from desktop.errors import Problem, UserError, ValidationFailed
from desktop.history import HistoryRow, receipts_for_imei
from desktop.identifiers import FULL_WIDTH_DIGITS
from desktop.intake_flow import (
    GuardianRule,
    IntakeFlow,
    LedgerRule,
    Step,
    document_name_needed,
    number_allowed,
)
from desktop.settings import CUSTOMER_SCREEN
from ui import i18n, palette
from ui.customer import CustomerScreen, show_on_customer_screen
from ui.fit import reveal, scrolled
from ui.intake import texts
from ui.intake.texts import T
from ui.intake.widgets import (
    ACCEPT_BACKGROUND,
    INFO_BACKGROUND,
    OK_COLOUR,
    PROBLEM_COLOUR,
    REFUSAL_BACKGROUND,
    WARNING_BACKGROUND,
    WARNING_BORDER,
    ChoiceField,
    ImeiField,
    ProblemLabel,
    Section,
    is_under,
    pair_html,
    parse_whole_number,
    rich_label,
)
from ui.services import Services

log = logging.getLogger(__name__)

_DATE_PARTS = re.compile(r"([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?")


def normalise_birth_date(text: str) -> str:
    """``1985/4/1``, ``１９８５年４月１日`` or ``19850401`` as ``1985-04-01``.

    Anything else is passed on unchanged, so that the validator says what is wrong.
    """
    compact = text.translate(FULL_WIDTH_DIGITS).strip().replace(" ", "")
    if len(compact) == 8 and compact.isascii() and compact.isdigit():
        return f"{compact[:4]}-{compact[4:6]}-{compact[6:]}"
    match = _DATE_PARTS.fullmatch(compact)
    if match:
        year, month, day = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return text.strip()


class Banner(QLabel):
    """A coloured box for the outcome or a warning: the colour says it before the words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setMargin(8)
        self.hide()

    def show_text(self, text_html: str, background: str, border: str) -> None:
        self.setStyleSheet(
            f"QLabel {{ background: {background}; border-left: 6px solid {border}; }}"
        )
        self.setText(text_html)
        self.show()


class IntakePage(QWidget):
    """One step of the intake: its widgets, read from and written to the flow.

    The page's fields form a chain in Tab order.  Enter moves along the chain
    like Tab, and on the last field asks to move on; problems are shown under the
    widget whose field they name, and the focus goes to the first of them.

    Signals:
        completed(): Enter on the page's last field (or the customer signed):
            the wizard moves on.
    """

    completed = Signal()
    step: ClassVar[Step]
    # False: the wizard puts the page in a scroll area.  True: the page fits itself to
    # the room it is given (its long part scrolls inside, its buttons stay in view).
    fits_itself: ClassVar[bool] = False

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.flow: IntakeFlow | None = None
        self._loading = False
        self._chain: list[QWidget] = []
        # (field of the document, widget, where its problem is shown), in chain order.
        self._targets: list[tuple[str, QWidget, ProblemLabel]] = []
        self.page_problem = ProblemLabel()

    # -- building ----------------------------------------------------------------

    def _add(self, widget: QWidget, *fields: str, problem: ProblemLabel | None = None) -> None:
        """Put ``widget`` next in the chain; problems of ``fields`` show in ``problem``."""
        self._chain.append(widget)
        if problem is not None:
            for field in fields:
                self._targets.append((field, widget, problem))
        if isinstance(widget, QLineEdit):
            widget.textChanged.connect(self._on_field_changed)
        elif isinstance(widget, ChoiceField):
            widget.changed.connect(self._on_field_changed)
            widget.answered.connect(self._on_choice_answered)
        elif isinstance(widget, QCheckBox):
            widget.toggled.connect(self._on_field_changed)

    def _section(self, label: T, widget: QWidget, *fields: str, note: T | None = None) -> Section:
        problem = widget.status if isinstance(widget, ImeiField) else None
        section = Section(label.inline(), widget, note=note.html() if note else "", problem=problem)
        self._add(widget, *fields, problem=section.problem)
        return section

    def _finish_chain(self) -> None:
        for before, after in zip(self._chain, self._chain[1:], strict=False):
            QWidget.setTabOrder(before, after)

    # -- the flow -------------------------------------------------------------------

    def load(self, flow: IntakeFlow) -> None:
        """Show the flow's values (when the page is entered, forwards or back)."""
        self.flow = flow
        self._loading = True
        try:
            self._fill(flow)
        finally:
            self._loading = False
        self.clear_problems()
        self._refresh()

    def leave(self) -> None:
        """The wizard is moving to another page (nothing to do for most pages)."""

    def separate_screen(self) -> bool:
        """Whether the page is shown on a second display (only the customer's can be)."""
        return False

    def save(self) -> None:
        """Write what the page holds into the flow."""
        if self.flow is not None:
            self.flow.update(self.collect())

    def collect(self) -> dict[str, Any]:
        """The page's part of the intake document, as ``flow.update`` takes it."""
        return {}

    def _fill(self, flow: IntakeFlow) -> None:
        """Set the widgets from the flow (signals of the fields are ignored meanwhile)."""

    def _refresh(self) -> None:
        """Update what follows from the values (notes, hints, the outcome)."""

    def _on_choice_answered(self) -> None:
        sender = self.sender()
        if isinstance(sender, QWidget):
            self.advance_from(sender)

    def _on_field_changed(self, *_args: object) -> None:
        if self._loading or self.flow is None:
            return
        # The field is being corrected: its old message goes (the next check says
        # again what is still wrong).  An IMEI field keeps its own running status.
        changed = self.sender()
        if not isinstance(changed, ImeiField):
            for _field, widget, label in self._targets:
                if widget is changed:
                    label.clear_problem()
        self.save()
        self._refresh()

    # -- problems -----------------------------------------------------------------------

    def clear_problems(self) -> None:
        self.page_problem.clear_problem()
        for _field, widget, label in self._targets:
            if not isinstance(widget, ImeiField):
                label.clear_problem()

    def show_problems(self, problems: Sequence[Problem]) -> None:
        """Show each problem beside its widget, and put the focus on the first one."""
        self.clear_problems()
        shown: set[int] = set()
        bad: list[QWidget] = []
        elsewhere: list[Problem] = []
        for problem in problems:
            target = self._target_for(problem.field)
            if target is None:
                elsewhere.append(problem)
                continue
            widget, label = target
            bad.append(widget)
            if id(label) in shown:
                continue  # one message per field: the first is what to fix first
            shown.add(id(label))
            label.show_problem(*self._message(widget, problem))
        lines = [
            texts.PAGE_PROBLEMS.html(count=len(problems)),
            *(
                html.escape(f"{p.field}: ")
                + pair_html(p.ja, p.en)  # a field no widget shows: say its name too
                for p in elsewhere
            ),
        ]
        self.page_problem.setText("⚠ " + "<br>".join(lines))
        self.page_problem.show()
        if bad:
            first = min(bad, key=self._chain.index)
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            if isinstance(first, QLineEdit):
                first.selectAll()
            # In view even when it had the focus already (no focus change scrolls then).
            reveal(first)

    def _target_for(self, field: str) -> tuple[QWidget, ProblemLabel] | None:
        """The widget of the longest registered field that ``field`` is or lies under."""
        best: tuple[int, QWidget, ProblemLabel] | None = None
        for name, widget, label in self._targets:
            if is_under(field, name) and (best is None or len(name) > best[0]):
                best = (len(name), widget, label)
        return None if best is None else (best[1], best[2])

    def focus_field(self, field: str) -> None:
        """Put the focus on the widget of ``field`` (the clerk answered No to a question)."""
        target = self._target_for(field)
        if target is None:
            return
        widget = target[0]
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(widget, QLineEdit):
            widget.selectAll()

    def _message(self, widget: QWidget, problem: Problem) -> tuple[str, str]:
        # The validator lists the allowed values of an unanswered question (it also
        # speaks to the command line); at the counter, say which keys answer it.
        if isinstance(widget, ChoiceField) and widget.value() is None:
            return texts.UNANSWERED.pair(last=len(widget.values()))
        return problem.ja, problem.en

    # -- keyboard ---------------------------------------------------------------------------

    def focus_first(self) -> None:
        for widget in self._chain:
            if widget.isEnabled():
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                return
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def advance_from(self, widget: QWidget | None) -> None:
        """Enter: the next field of the chain, or, after the last one, the next page."""
        index = self._chain_index(widget)
        if index is None:
            return
        for candidate in self._chain[index + 1 :]:
            if candidate.isEnabled() and candidate.isVisibleTo(self):
                candidate.setFocus(Qt.FocusReason.TabFocusReason)
                return
        self.completed.emit()

    def _chain_index(self, widget: QWidget | None) -> int | None:
        while widget is not None:
            if widget in self._chain:
                return self._chain.index(widget)
            widget = widget.parentWidget()
        return None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Line edits, check boxes and choices leave a plain Enter unhandled; it comes here.
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and modifiers == Qt.KeyboardModifier.NoModifier
        ):
            self.advance_from(QApplication.focusWidget())
            event.accept()
            return
        super().keyPressEvent(event)


def _required_mark(required: bool | None) -> str:
    if required is None:
        return ""
    text = texts.REQUIRED if required else texts.OPTIONAL
    colour = PROBLEM_COLOUR if required else palette.SUBTITLE
    return f" <span style='color:{colour}; font-size:80%;'>［{html.escape(text.line())}］</span>"


def _line_edit(placeholder: str = "", *, object_name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(object_name)
    edit.setPlaceholderText(placeholder)
    return edit


def _page_layout(page: IntakePage) -> QVBoxLayout:
    layout = QVBoxLayout(page)
    layout.setContentsMargins(24, 12, 24, 12)
    layout.setSpacing(10)
    layout.addWidget(page.page_problem)
    return layout


# -- 1. purpose and price -------------------------------------------------------------


class PurposePage(IntakePage):
    """取引の種類と金額: the purpose (買取・下取り・委託・修理受付) and the price in yen.

    For the second and later phone of one visit it also shows the transaction the
    phone joins and its running total: the ¥10,000 exemption is judged on the total.
    """

    step = Step.PURPOSE

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.transaction_note = Banner()
        self.transaction_note.setObjectName("transaction_note")
        self.transaction_problem = ProblemLabel()
        self.purpose = ChoiceField(texts.purpose_options(), columns=4)
        self.purpose.setObjectName("purpose")
        self.price = _line_edit("12000", object_name="price")
        self.price.setMaximumWidth(320)
        self.price_reads = QLabel()
        self.price_reads.setObjectName("price_reads")
        self.transaction_total = rich_label("")
        self.transaction_total.setObjectName("transaction_total")
        self.transaction_total.hide()
        layout = _page_layout(self)
        layout.addWidget(self.transaction_note)
        layout.addWidget(self.transaction_problem)
        layout.addWidget(self._section(texts.PURPOSE, self.purpose, "purpose"))
        price = self._section(texts.PRICE, self.price, "price_yen", note=texts.PRICE_NOTE)
        price.add_beside(self.transaction_total)
        price.add_beside(self.price_reads)
        layout.addWidget(price)
        layout.addStretch(1)
        # A problem with the transaction (another customer's receipt …) shows at the top;
        # the focus goes to the price, the field of this page the clerk can act on.
        self._targets.append(("transaction_with", self.price, self.transaction_problem))
        self._finish_chain()

    def _fill(self, flow: IntakeFlow) -> None:
        self.purpose.set_value(flow.document.get("purpose"))
        price = flow.document.get("price_yen")
        self.price.setText("" if price is None else str(price))

    def collect(self) -> dict[str, Any]:
        return {"purpose": self.purpose.value(), "price_yen": parse_whole_number(self.price.text())}

    def _refresh(self) -> None:
        price = parse_whole_number(self.price.text())
        if isinstance(price, int):
            self.price_reads.setText(texts.PRICE_READS.line(amount=f"{price:,}"))
        else:
            self.price_reads.clear()
        flow = self.flow
        joined = flow is not None and bool(flow.transaction_with())
        self.transaction_note.setVisible(joined)
        self.transaction_total.setVisible(joined)
        if flow is None or not joined:
            return
        so_far = flow.transaction
        phones = len(so_far.receipts)
        self.transaction_note.show_text(
            texts.TRANSACTION_JOINED.html(
                count=phones + 1,
                first=so_far.first_receipt or flow.transaction_with(),
                phones=phones,
                before=f"{flow.context.transaction_before_yen:,}",
            ),
            INFO_BACKGROUND,
            palette.FOCUS,
        )
        total = flow.transaction_total()
        if total is None:
            self.transaction_total.clear()
        else:
            self.transaction_total.setText(
                f"<b>{texts.TRANSACTION_TOTAL.inline(total=f'{total:,}')}</b>"
            )


# -- 2. seller and identity check --------------------------------------------------------

# Which rule of IntakeFlow.seller_rules() marks each section of the seller page.
_SELLER_SECTION_FIELDS = {
    "name": "seller.name",
    "kana": "seller.kana",
    "address": "seller.address",
    "occupation": "seller.occupation",
    "birth_date": "seller.birth_date",
    "id_type": "seller.id_document",
    "id_number": "seller.id_document.number",
    "id_name": "seller.id_document.name",
    "guardian_name": "guardian_consent",
    "guardian_relation": "guardian_consent",
    "guardian_contact": "guardian_consent",
    "guardian_method": "guardian_consent",
}


class SellerPage(IntakePage):
    """売主と本人確認: who sells, and which document proved it (never a My Number).

    What is required, and whether the guardian's consent is asked for, is the
    flow's to say (:meth:`IntakeFlow.seller_rules`); this page marks and shows it.
    """

    step = Step.SELLER

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.ledger_note = Banner()
        self.ledger_note.setObjectName("ledger_note")
        self.minors_note = Banner()
        self.minors_note.setObjectName("minors_note")
        self.name = _line_edit("山田 太郎", object_name="name")
        self.kana = _line_edit("ヤマダ タロウ", object_name="kana")
        self.address = _line_edit("東京都千代田区千代田1-1", object_name="address")
        self.occupation = _line_edit("会社員", object_name="occupation")
        self.birth_date = _line_edit("1985-04-01", object_name="birth_date")
        self.age = QLabel()
        self.age.setObjectName("age")
        self.id_type = ChoiceField(
            [texts.ID_TYPE_LABELS[kind].option(kind.value) for kind in IdDocumentType], columns=3
        )
        self.id_type.setObjectName("id_type")
        self.id_number = _line_edit(object_name="id_number")
        self.id_name = _line_edit("学生証", object_name="id_name")
        self.guardian_name = _line_edit("山田 花子", object_name="guardian_name")
        self.guardian_relation = _line_edit("母", object_name="guardian_relation")
        self.guardian_contact = _line_edit("090-1234-5678", object_name="guardian_contact")
        self.guardian_method = ChoiceField(
            [texts.CONSENT_METHOD_LABELS[m].option(m.value) for m in ConsentMethod], columns=3
        )
        self.guardian_method.setObjectName("guardian_method")

        self.sections = {
            "name": self._section(texts.NAME, self.name, "seller.name"),
            "kana": self._section(texts.KANA, self.kana, "seller.kana"),
            "address": self._section(texts.ADDRESS, self.address, "seller.address"),
            "occupation": self._section(texts.OCCUPATION, self.occupation, "seller.occupation"),
            "birth_date": self._section(
                texts.BIRTH_DATE, self.birth_date, "seller.birth_date", note=texts.BIRTH_DATE_NOTE
            ),
            "id_type": self._section(texts.ID_TYPE, self.id_type, "seller.id_document", "seller"),
            "id_number": self._section(
                texts.ID_NUMBER, self.id_number, "seller.id_document.number"
            ),
            "id_name": self._section(
                texts.ID_NAME, self.id_name, "seller.id_document.name", note=texts.ID_NAME_NOTE
            ),
            "guardian_name": self._section(
                texts.GUARDIAN_NAME, self.guardian_name, "guardian_consent.name", "guardian_consent"
            ),
            "guardian_relation": self._section(
                texts.GUARDIAN_RELATION, self.guardian_relation, "guardian_consent.relation"
            ),
            "guardian_contact": self._section(
                texts.GUARDIAN_CONTACT, self.guardian_contact, "guardian_consent.contact"
            ),
            "guardian_method": self._section(
                texts.GUARDIAN_METHOD, self.guardian_method, "guardian_consent.method"
            ),
        }
        self.sections["birth_date"].add_beside(self.age)
        self._labels = {
            "name": texts.NAME,
            "kana": texts.KANA,
            "address": texts.ADDRESS,
            "occupation": texts.OCCUPATION,
            "birth_date": texts.BIRTH_DATE,
            "id_type": texts.ID_TYPE,
            "id_number": texts.ID_NUMBER,
            "id_name": texts.ID_NAME,
            "guardian_name": texts.GUARDIAN_NAME,
            "guardian_relation": texts.GUARDIAN_RELATION,
            "guardian_contact": texts.GUARDIAN_CONTACT,
            "guardian_method": texts.GUARDIAN_METHOD,
        }
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        top = Qt.AlignmentFlag.AlignTop
        grid.addWidget(self.sections["name"], 0, 0, top)
        grid.addWidget(self.sections["kana"], 0, 1, top)
        grid.addWidget(self.sections["address"], 1, 0, 1, 2)
        grid.addWidget(self.sections["occupation"], 2, 0, top)
        grid.addWidget(self.sections["birth_date"], 2, 1, top)
        grid.addWidget(self.sections["id_type"], 3, 0, 1, 2)
        grid.addWidget(self.sections["id_number"], 4, 0, top)
        grid.addWidget(self.sections["id_name"], 4, 1, top)
        # The guardian's consent: its own section of the record (青少年保護育成条例).
        self.guardian_box = QFrame()
        self.guardian_box.setObjectName("guardianBox")
        self.guardian_box.setStyleSheet(
            f"QFrame#guardianBox {{ border: 2px solid {WARNING_BORDER}; border-radius: 4px; }}"
        )
        guardian = QGridLayout(self.guardian_box)
        guardian.setHorizontalSpacing(24)
        guardian.addWidget(rich_label(f"<b>{texts.GUARDIAN.html()}</b>"), 0, 0, 1, 2)
        guardian.addWidget(self.sections["guardian_name"], 1, 0, top)
        guardian.addWidget(self.sections["guardian_relation"], 1, 1, top)
        guardian.addWidget(self.sections["guardian_contact"], 2, 0, top)
        guardian.addWidget(self.sections["guardian_method"], 3, 0, 1, 2)
        self.guardian_box.hide()
        grid.addWidget(self.guardian_box, 5, 0, 1, 2)
        layout = _page_layout(self)
        layout.addWidget(self.ledger_note)
        layout.addWidget(self.minors_note)
        layout.addLayout(grid)
        layout.addStretch(1)
        self.id_type.changed.connect(self._on_id_type_changed)
        self._finish_chain()

    def _fill(self, flow: IntakeFlow) -> None:
        seller = flow.section("seller")
        for key in ("name", "kana", "address", "occupation", "birth_date"):
            value = seller.get(key)
            getattr(self, key).setText(value if isinstance(value, str) else "")
        document = seller.get("id_document")
        document = document if isinstance(document, dict) else {}
        for key, edit in (("number", self.id_number), ("name", self.id_name)):
            value = document.get(key)
            edit.setText(value if isinstance(value, str) else "")
        self.id_type.set_value(document.get("type"))
        guardian = flow.section("guardian_consent")
        for key in ("name", "relation", "contact"):
            value = guardian.get(key)
            getattr(self, f"guardian_{key}").setText(value if isinstance(value, str) else "")
        self.guardian_method.set_value(guardian.get("method"))

    def collect(self) -> dict[str, Any]:
        seller: dict[str, Any] = {
            "name": self.name.text(),
            "kana": self.kana.text(),
            "address": self.address.text(),
            "occupation": self.occupation.text(),
            "birth_date": normalise_birth_date(self.birth_date.text()),
        }
        kind = self.id_type.value()
        number, name = self.id_number.text(), self.id_name.text()
        if kind or number.strip():
            document: dict[str, Any] = {"type": kind}
            if number:
                document["number"] = number
            if name:
                document["name"] = name  # the flow keeps it for 「その他」 only
            seller["id_document"] = document
        guardian = {
            "name": self.guardian_name.text(),
            "relation": self.guardian_relation.text(),
            "contact": self.guardian_contact.text(),
            "method": self.guardian_method.value(),
        }
        # The flow records the consent only for a minor the shop may buy from.
        return {"seller": seller, "guardian_consent": guardian if any(guardian.values()) else None}

    def _refresh(self) -> None:
        if self.flow is None:
            return
        rules = self.flow.seller_rules()
        for key, label in self._labels.items():
            required = rules.required[_SELLER_SECTION_FIELDS[key]]
            self.sections[key].label.setText(label.inline() + _required_mark(required))
        note = {
            LedgerRule.UNKNOWN: texts.LEDGER_UNKNOWN,
            LedgerRule.REQUIRED: texts.LEDGER_REQUIRED,
            LedgerRule.EXEMPT: texts.LEDGER_EXEMPT,
            LedgerRule.NOT_LEDGER: texts.LEDGER_REPAIR,
        }[rules.ledger]
        self.ledger_note.show_text(note.html(), INFO_BACKGROUND, palette.FOCUS)
        self._show_minors(rules.guardian, rules.age)
        self.age.setText("" if rules.age is None else texts.AGE.line(age=rules.age))
        kind = self.id_type.value()
        self.sections["id_name"].setVisible(document_name_needed(kind))
        allowed = number_allowed(kind)
        # A number typed before the type was known stays editable until it is deleted.
        self.id_number.setEnabled(allowed or bool(self.id_number.text()))
        forbidden_note = texts.NUMBER_FORBIDDEN_NOTES.get(IdDocumentType(kind)) if kind else None
        self.sections["id_number"].set_note(
            forbidden_note.html() if forbidden_note and not allowed else ""
        )

    def _show_minors(self, rule: GuardianRule, age: int | None) -> None:
        assert self.flow is not None
        self.guardian_box.setVisible(rule is GuardianRule.CONSENT)
        if rule is GuardianRule.NONE:
            self.minors_note.hide()
            return
        policy = self.flow.minors
        ordinance = (
            texts.ORDINANCE_OF.pair(prefecture=policy.prefecture)
            if policy.prefecture
            else texts.ORDINANCE.pair()
        )
        text = texts.MINOR_NEEDS_CONSENT if rule is GuardianRule.CONSENT else texts.MINOR_REFUSED
        values = {"age": age, "limit": policy.age_limit}
        main = text.pair(**values, ordinance=ordinance[0])[0]
        english = text.pair(**values, ordinance=ordinance[1] or ordinance[0])[1]
        if rule is GuardianRule.CONSENT:
            self.minors_note.show_text(
                f"<b>{pair_html(main, english)}</b>", WARNING_BACKGROUND, WARNING_BORDER
            )
        else:
            self.minors_note.show_text(
                f"<b>✕ {pair_html(main, english)}</b>", REFUSAL_BACKGROUND, PROBLEM_COLOUR
            )

    def _on_id_type_changed(self, kind: str) -> None:
        if self._loading or self.flow is None:
            return
        if number_allowed(kind):
            self.sections["id_number"].problem.clear_problem()
            return
        # 番号法 (My Number) and 健康保険法 告知要求制限: a number typed before the type was
        # chosen is not kept; the clerk is told why it went, in the core's words.
        if self.id_number.text().strip():
            problem = next(
                (p for p in self.flow.problems() if p.field == "seller.id_document.number"),
                None,
            )
            self.id_number.clear()
            if problem is not None:
                self.sections["id_number"].problem.show_problem(problem.ja, problem.en)
        self._refresh()


# -- 3. device ------------------------------------------------------------------------------


class DevicePage(IntakePage):
    """端末: the phone, its IMEI(s) by scanner, and earlier receipts of the same IMEI."""

    step = Step.DEVICE

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.os = ChoiceField([texts.OS_LABELS[os].option(os.value) for os in DeviceOs], columns=3)
        self.os.setObjectName("os")
        self.maker = _line_edit("Google", object_name="maker")
        self.model = _line_edit("Pixel 8", object_name="model")
        self.color = _line_edit("黒", object_name="color")
        self.storage = _line_edit("128", object_name="storage")
        self.imei1 = ImeiField("device.imei[0]", optional=False)
        self.imei1.setObjectName("imei1")
        self.imei2 = ImeiField("device.imei[1]", optional=True)
        self.imei2.setObjectName("imei2")
        self.imei2.setPlaceholderText("")
        self.serial = _line_edit(object_name="serial")
        self.network = ChoiceField(
            [
                texts.NETWORK_LABELS[n].option(n.value, mark=texts.NETWORK_MARKS[n])
                for n in NetworkRestriction
            ],
            columns=2,
        )
        self.network.setObjectName("network")
        self.stolen = QCheckBox(texts.STOLEN.pair()[0])
        self.stolen.setObjectName("stolen")
        self.stolen.setStyleSheet(f"QCheckBox {{ color: {PROBLEM_COLOUR}; font-weight: bold; }}")
        self.seen_label = rich_label(
            f"<b>⚠ {html.escape(texts.SEEN_BEFORE.pair()[0])}</b><br>"
            f"<span style='font-size:80%;'>{html.escape(texts.SEEN_BEFORE.pair()[1])}</span>"
        )
        self.seen = QListWidget()
        self.seen.setObjectName("seen_before")
        self.seen.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # to read, not to operate
        self.seen.setWordWrap(True)
        self.seen.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.seen_box = QFrame()
        self.seen_box.setObjectName("seenBox")
        self.seen_box.setStyleSheet(
            f"QFrame#seenBox {{ background: {WARNING_BACKGROUND};"
            f" border: 2px solid {WARNING_BORDER}; border-radius: 4px; }}"
            f"QListWidget {{ background: {WARNING_BACKGROUND}; border: none; }}"
        )
        box = QVBoxLayout(self.seen_box)
        box.addWidget(self.seen_label)
        box.addWidget(self.seen)
        self.seen_box.hide()

        sections = [
            self._section(texts.OS, self.os, "device.os"),
            self._section(texts.MAKER, self.maker, "device.maker"),
            self._section(texts.MODEL, self.model, "device.model"),
            self._section(texts.COLOUR, self.color, "device.color"),
            self._section(texts.STORAGE, self.storage, "device.storage_gb"),
            self._section(texts.IMEI_1, self.imei1, "device.imei[0]", "device.imei", "device"),
            self._section(texts.IMEI_2, self.imei2, "device.imei[1]", note=texts.IMEI_2_NOTE),
            self._section(texts.SERIAL, self.serial, "device.serial"),
            self._section(texts.NETWORK, self.network, "device.network_restriction"),
        ]
        stolen_problem = ProblemLabel()
        self._add(self.stolen, "suspected_stolen", problem=stolen_problem)
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        top = Qt.AlignmentFlag.AlignTop
        grid.addWidget(sections[0], 0, 0, 1, 2)
        for index, section in enumerate(sections[1:-1]):
            grid.addWidget(section, 1 + index // 2, index % 2, top)
        # Beside the form, where it is seen at once: earlier receipts of this IMEI and
        # the stolen-goods flag they may call for.
        stolen_box = QFrame()
        stolen_box.setObjectName("stolenBox")
        stolen_box.setStyleSheet(
            f"QFrame#stolenBox {{ border: 1px solid {palette.FRAME}; border-radius: 4px; }}"
        )
        stolen_layout = QVBoxLayout(stolen_box)
        stolen_layout.addWidget(self.stolen)
        stolen_layout.addWidget(rich_label(texts.STOLEN_NOTE.html()))
        stolen_layout.addWidget(stolen_problem)
        side = QVBoxLayout()
        side.addWidget(self.seen_box)
        side.addWidget(sections[-1])  # the network restriction, checked after the IMEI
        side.addWidget(stolen_box)
        side.addStretch(1)
        columns = QHBoxLayout()
        columns.setSpacing(24)
        columns.addLayout(grid, 3)
        columns.addLayout(side, 2)
        layout = _page_layout(self)
        layout.addLayout(columns)
        layout.addStretch(1)
        self.os.changed.connect(self._on_os_changed)
        self.imei1.checked.connect(self._on_imei_checked)
        self.imei2.checked.connect(self._on_imei_checked)
        self.imei1.advance.connect(self._on_imei1_advance)
        self.imei2.advance.connect(self._on_imei2_advance)
        self._finish_chain()

    def _fill(self, flow: IntakeFlow) -> None:
        device = flow.section("device")
        self.os.set_value(device.get("os"))
        for key in ("maker", "model", "color", "serial"):
            value = device.get(key)
            getattr(self, key).setText(value if isinstance(value, str) else "")
        storage = device.get("storage_gb")
        self.storage.setText("" if storage is None else str(storage))
        imeis = device.get("imei") or []
        imeis = [imeis] if isinstance(imeis, str) else list(imeis)
        for field, value in zip((self.imei1, self.imei2), [*imeis, "", ""], strict=False):
            field.setText(value if isinstance(value, str) else "")
            field.status.clear_problem()
            if field.text():
                field.check()
        self.network.set_value(device.get("network_restriction", NetworkRestriction.UNKNOWN.value))
        self.stolen.setChecked(flow.document.get("suspected_stolen") is True)
        self._look_up_history()

    def collect(self) -> dict[str, Any]:
        storage = self.storage.text()
        for unit in ("GB", "ＧＢ", "gb"):
            storage = storage.replace(unit, "")
        imeis = [self.imei1.text()]
        if self.imei2.text().strip():
            imeis.append(self.imei2.text())
        device = {
            "os": self.os.value(),
            "maker": self.maker.text(),
            "model": self.model.text(),
            "color": self.color.text(),
            "storage_gb": parse_whole_number(storage),
            "imei": imeis,
            "serial": self.serial.text(),
            "network_restriction": self.network.value() or NetworkRestriction.UNKNOWN.value,
        }
        return {"device": device, "suspected_stolen": self.stolen.isChecked()}

    def _on_os_changed(self, os: str) -> None:
        maker = maker_of(os)
        if not self._loading and maker and not self.maker.text().strip():
            self.maker.setText(maker)

    def _on_imei1_advance(self) -> None:
        self.advance_from(self.imei1)

    def _on_imei2_advance(self) -> None:
        self.advance_from(self.imei2)

    def _on_imei_checked(self, _imei: str) -> None:
        self._look_up_history()

    def _look_up_history(self) -> None:
        """Earlier receipts of either IMEI: a phone seen twice deserves a second look."""
        imeis = [
            field.text()
            for field in (self.imei1, self.imei2)
            if len(field.text()) == 15 and field.text().isdigit()
        ]
        self.seen.clear()
        self.seen_box.hide()
        if not imeis:
            return
        rows: dict[str, HistoryRow] = {}
        try:
            timezone = self.services.ctx.shop_profile().timezone
            with self.services.ctx.reading() as session:
                for imei in imeis:
                    for row in receipts_for_imei(session, imei):
                        rows.setdefault(row.receipt, row)
        except UserError as error:
            self.services.dialogs.user_error(self, error)
            return
        for row in sorted(rows.values(), key=lambda r: r.created_at, reverse=True):
            item = QListWidgetItem(self._history_line(row, timezone))
            item.setData(Qt.ItemDataRole.UserRole, row.receipt)
            self.seen.addItem(item)
        # As tall as its rows (up to a limit): one earlier receipt is one short box.
        height = sum(self.seen.sizeHintForRow(row) for row in range(self.seen.count()))
        self.seen.setFixedHeight(min(height + 2 * self.seen.frameWidth() + 4, 200))
        self.seen_box.setVisible(bool(rows))

    @staticmethod
    def _history_line(row: HistoryRow, timezone: str) -> str:
        outcome = texts.OUTCOME_WORDS.get(row.outcome, texts.T(row.outcome, row.outcome))
        words = outcome.line()
        if row.refusal_reason in texts.REFUSAL_SHORT:
            words += f"（{texts.REFUSAL_SHORT[row.refusal_reason].line()}）"
        if row.voided:
            words += f"　[{texts.VOIDED.line()}]"
        return texts.SEEN_ROW.pair(
            receipt=row.receipt, when=row.local_time(timezone), outcome=words
        )[0]

    def seen_receipts(self) -> list[str]:
        return [
            str(self.seen.item(index).data(Qt.ItemDataRole.UserRole))
            for index in range(self.seen.count())
        ]


# -- 4. reset checks --------------------------------------------------------------------------


def check_row(text: T, object_name: str) -> tuple[QWidget, QCheckBox]:
    """A check box with its Japanese, and the English in small type beneath."""
    main, en = text.pair()
    box = QCheckBox(main)
    box.setObjectName(object_name)
    row = QWidget()
    layout = QVBoxLayout(row)
    layout.setContentsMargins(0, 2, 0, 2)
    layout.setSpacing(0)
    layout.addWidget(box)
    if en:
        sub = QLabel(en)
        sub.setStyleSheet(i18n.SUBTITLE_STYLE)
        sub.setContentsMargins(28, 0, 0, 0)
        sub.setWordWrap(True)
        layout.addWidget(sub)
    return row, box


class ResetPage(IntakePage):
    """初期化などの確認: the customary checks before a phone changes hands."""

    step = Step.RESET

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        layout = _page_layout(self)
        layout.addWidget(rich_label(texts.RESET_NOTE.html()))
        # The usual case in one key: every check was made.  First in the chain, so Enter
        # on arriving ticks them all and moves on; Tab reaches the single checks.
        self.all_done = QPushButton(f"{texts.ALL_CHECKS_DONE.line()}  [Enter]")
        self.all_done.setObjectName("all_checks_done")
        self.all_done.setAutoDefault(True)
        self.all_done.clicked.connect(self._on_all_done_clicked)
        self._chain.append(self.all_done)
        layout.addWidget(self.all_done, 0, Qt.AlignmentFlag.AlignLeft)
        self.checks: dict[str, QCheckBox] = {}
        for key in RESET_CHECK_KEYS:
            row, box = check_row(texts.RESET_LABELS[key], key)
            problem = ProblemLabel()
            self._add(box, f"reset_checks.{key}", problem=problem)
            layout.addWidget(row)
            layout.addWidget(problem)
            self.checks[key] = box
        layout.addStretch(1)
        self._finish_chain()

    def _fill(self, flow: IntakeFlow) -> None:
        checks = flow.section("reset_checks")
        for key, box in self.checks.items():
            box.setChecked(checks.get(key) is True)

    def collect(self) -> dict[str, Any]:
        return {"reset_checks": {key: box.isChecked() for key, box in self.checks.items()}}

    def _on_all_done_clicked(self) -> None:
        for box in self.checks.values():
            box.setChecked(True)
        self.completed.emit()


# -- 5. revocation ------------------------------------------------------------------------------


class RevocationPage(IntakePage):
    """電子証明書の失効: the questions of DOMAIN.md §2, with the chosen path's steps beside.

    The ways offered, how an answer settles the path and whether "who suspended"
    is asked come from the flow (and so from the catalogue): a path the catalogue
    adds appears here by itself.
    """

    step = Step.REVOCATION
    fits_itself = True  # the questions scroll inside, the steps panel stays (wizard)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.used = ChoiceField(
            [texts.CERTIFICATE_USED_LABELS[u].option(u.value) for u in CertificateUsed], columns=3
        )
        self.used.setObjectName("certificate_used")
        self.path = ChoiceField()
        self.path.setObjectName("path")
        self.suspended_by = ChoiceField(
            [texts.PERFORMED_BY_LABELS[p].option(p.value) for p in PerformedBy]
        )
        self.suspended_by.setObjectName("suspended_by")
        self.performed_by = ChoiceField(
            [texts.PERFORMED_BY_LABELS[p].option(p.value) for p in PerformedBy]
        )
        self.performed_by.setObjectName("performed_by")
        self.holder = ChoiceField([texts.YES.option("yes"), texts.NO.option("no")], columns=2)
        self.holder.setObjectName("holder_is_seller")
        self.clerk_check = QCheckBox(texts.CLERK_DID_NOT_ASSIST.pair()[0])
        self.clerk_check.setObjectName("clerk_did_not_assist")
        self.outcome = Banner()
        self.outcome.setObjectName("outcome")

        questions = QVBoxLayout()
        questions.addWidget(
            self._section(texts.CERTIFICATE_USED, self.used, "revocation.certificate_used")
        )
        self.path_section = self._section(texts.PATH, self.path, "revocation.path")
        questions.addWidget(self.path_section)
        self.suspended_section = self._section(
            texts.SUSPENDED_BY,
            self.suspended_by,
            "revocation.suspended_by",
            note=texts.SUSPENDED_BY_NOTE,
        )
        self.suspended_section.hide()
        questions.addWidget(self.suspended_section)
        self.performed_section = self._section(
            texts.PERFORMED_BY, self.performed_by, "revocation.performed_by"
        )
        questions.addWidget(self.performed_section)
        questions.addWidget(
            self._section(texts.HOLDER, self.holder, "revocation.holder_is_seller", "revocation")
        )
        clerk_problem = ProblemLabel()
        self._add(self.clerk_check, "clerk_did_not_assist", problem=clerk_problem)
        clerk_box = QFrame()
        clerk_box.setObjectName("clerkBox")
        clerk_box.setStyleSheet(
            f"QFrame#clerkBox {{ border: 1px solid {palette.FRAME}; border-radius: 4px; }}"
        )
        clerk_layout = QVBoxLayout(clerk_box)
        clerk_layout.addWidget(rich_label(f"<b>{texts.CLERK_CHECK.html()}</b>"))
        clerk_layout.addWidget(self.clerk_check)
        english = texts.CLERK_DID_NOT_ASSIST.pair()[1]
        if english:
            sub = QLabel(english)
            sub.setStyleSheet(i18n.SUBTITLE_STYLE)
            sub.setContentsMargins(28, 0, 0, 0)
            sub.setWordWrap(True)
            clerk_layout.addWidget(sub)
        clerk_layout.addWidget(clerk_problem)
        questions.addWidget(clerk_box)
        questions.addWidget(self.outcome)
        questions.addStretch(1)

        self.steps_title = rich_label(f"<b>{texts.STEPS_OF_PATH.html()}</b>")
        self.steps = rich_label("")
        self.steps.setObjectName("path_steps")
        self.steps.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        steps_scroll = QScrollArea()
        steps_scroll.setWidgetResizable(True)
        steps_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        steps_scroll.setWidget(self.steps)
        steps_scroll.setStyleSheet("QScrollArea { background: palette(base); }")
        side = QVBoxLayout()
        side.addWidget(self.steps_title)
        side.addWidget(steps_scroll, 1)

        # The questions scroll on their own; the steps stay beside them whatever is
        # scrolled, for the clerk reads them to the customer while asking.
        questions_widget = QWidget()
        questions_widget.setObjectName("revocation_questions")
        questions.setContentsMargins(0, 0, 8, 0)
        questions_widget.setLayout(questions)
        self.questions_scroll = scrolled(questions_widget)
        # Scrolled up and down only: the questions keep the width their answers need,
        # the steps panel takes the rest.
        self.questions_scroll.setMinimumWidth(
            questions_widget.minimumSizeHint().width()
            + self.questions_scroll.verticalScrollBar().sizeHint().width()
        )
        columns = QHBoxLayout()
        columns.setSpacing(24)
        columns.addWidget(self.questions_scroll, 3)
        columns.addLayout(side, 2)
        layout = _page_layout(self)
        layout.addLayout(columns, 1)
        self._finish_chain()

    def _fill(self, flow: IntakeFlow) -> None:
        self.path.set_options(
            [
                texts.core(path.title.ja, path.title.en).option(path.id)
                for path in flow.path_choices()
            ]
        )
        revocation = flow.section("revocation")
        self.used.set_value(revocation.get("certificate_used"))
        self.path.set_value(revocation.get("path"))
        self.suspended_by.set_value(revocation.get("suspended_by"))
        self.performed_by.set_value(revocation.get("performed_by"))
        holder = revocation.get("holder_is_seller")
        self.holder.set_value(None if not isinstance(holder, bool) else ("yes" if holder else "no"))
        self.clerk_check.setChecked(flow.document.get("clerk_did_not_assist") is True)

    def collect(self) -> dict[str, Any]:
        holder = self.holder.value()
        # Every answer as given: the flow settles the path for "never" and "don't know",
        # and keeps who suspended only on the hotline path.
        revocation: dict[str, Any] = {
            "certificate_used": self.used.value(),
            "path": self.path.value(),
            "suspended_by": self.suspended_by.value(),
            "performed_by": self.performed_by.value(),
            "holder_is_seller": None if holder is None else holder == "yes",
        }
        return {
            "revocation": revocation,
            "clerk_did_not_assist": self.clerk_check.isChecked(),
        }

    def shown_path(self) -> str | None:
        return self.flow.shown_path() if self.flow else None

    def _refresh(self) -> None:
        flow = self.flow
        if flow is None:
            return
        settled = flow.settled_path() is not None
        self.path.setEnabled(not settled)
        self.path_section.set_note(texts.PATH_SETTLED.html() if settled else "")
        hotline = flow.asks_suspended_by()
        self.suspended_section.setVisible(hotline)
        hint = f"<br><b>{texts.STOLEN_HINT.html()}</b>" if flow.suggests_stolen_flag() else ""
        self.suspended_section.set_note(texts.SUSPENDED_BY_NOTE.html() + hint)
        question = texts.PERFORMED_BY_HOTLINE if hotline else texts.PERFORMED_BY
        self.performed_section.label.setText(question.inline())
        self._show_steps()
        decision = flow.decision()
        if decision is None:
            self.outcome.hide()
        elif decision.outcome is Outcome.ACCEPTED:
            self.outcome.show_text(
                f"<b>✓ {texts.WILL_ACCEPT.html()}</b>", ACCEPT_BACKGROUND, OK_COLOUR
            )
        else:
            assert decision.reason is not None
            self.outcome.show_text(
                f"<b>✕ {texts.WILL_REFUSE.html()}</b><br>"
                + texts.REFUSAL_REASONS[decision.reason].html(),
                REFUSAL_BACKGROUND,
                PROBLEM_COLOUR,
            )

    def _show_steps(self) -> None:
        path_id = self.shown_path()
        entry = self.flow.path_steps(path_id) if self.flow and path_id else None
        if entry is None:
            self.steps.setText(texts.STEPS_NONE.html())
            return
        title = texts.core(entry.title.ja, entry.title.en)
        when = texts.core(entry.when.ja, entry.when.en)
        os = self.flow.section("device").get("os") if self.flow else None
        steps = entry.steps_for(os) if isinstance(os, str) else entry.steps
        items = "".join(
            f"<li style='margin-bottom:6px;'>{texts.core(s.ja, s.en).html()}</li>" for s in steps
        )
        self.steps.setText(
            f"<p style='font-size:110%;'><b>{title.html()}</b></p>"
            f"<p>{when.html()}</p><ol>{items}</ol>"
        )


# -- 6. the customer's statement and signature ------------------------------------------------


class CustomerPage(IntakePage):
    """お客様の確認と署名: the customer reads the statement and signs on the customer screen.

    The clerk has nothing to type here; the customer's ``signed`` moves the intake on.
    """

    step = Step.CUSTOMER
    # The customer's screen lays itself out to the room it has; in a scroll area it
    # would grow to its full height and put 同意して署名する below the screen's edge.
    fits_itself = True

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.status = rich_label(texts.CUSTOMER_WAITING.inline())
        self.status.setObjectName("customer_status")
        self.customer_screen = CustomerScreen(self)
        self.customer_screen.signed.connect(self._on_screen_signed)
        self.customer_screen.cancelled.connect(self._on_screen_cancelled)
        # The customer's screen needs the room: the clerk's line is one line, no margins.
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self._layout.addWidget(self.page_problem)
        self._layout.addWidget(self.status)
        self._layout.addWidget(self.customer_screen, 1)
        self._separate = False  # on a second screen, facing the customer

    def _fill(self, flow: IntakeFlow) -> None:
        # The purpose of use of their data is on the screen before they sign (個人情報保護法 §21).
        self.customer_screen.reset(
            statement_id=flow.statement_id(),
            language=str(flow.section("statement").get("language") or "ja"),
            purpose=flow.purpose(),
        )
        self._place_screen()
        waiting = texts.CUSTOMER_ELSEWHERE if self._separate else texts.CUSTOMER_WAITING
        status = f"<b>{waiting.inline()}</b>　{texts.CUSTOMER_KEYS.inline()}"
        if not self._separate and self.services.settings.get(CUSTOMER_SCREEN) == "second":
            missing = texts.CUSTOMER_SCREEN_MISSING.inline()
            status += f"<br><span style='color:{PROBLEM_COLOUR};'>{missing}</span>"
        if flow.signature_dropped():
            status += (
                f"<br><span style='color:{PROBLEM_COLOUR};'>{texts.SIGN_AGAIN.inline()}</span>"
            )
        self.status.setText(status)

    def _place_screen(self) -> None:
        """On the customer's own screen if the counter has one (and the setting allows it)."""
        screen = self.customer_screen
        if show_on_customer_screen(screen, mode=self.services.settings.get(CUSTOMER_SCREEN)):
            # The helper leaves the window without a parent; a window owned by this page
            # closes with the wizard instead of staying behind on the customer's screen.
            target, geometry = screen.screen(), screen.geometry()
            screen.setParent(self, Qt.WindowType.Window)
            screen.setScreen(target)
            screen.setGeometry(geometry)
            screen.showFullScreen()
            self._separate = True
            return
        if screen.isWindow():  # back from a second screen that has gone away
            screen.setParent(self)
            self._layout.addWidget(screen, 1)
        screen.show()
        self._separate = False

    def separate_screen(self) -> bool:
        """Whether the customer's screen is a window on a second display (not this one)."""
        return self._separate

    def leave(self) -> None:
        """The intake moved away from this page: take the statement off the customer's screen."""
        if self._separate:
            self.customer_screen.hide()
            self.customer_screen.reset()

    def _on_screen_signed(self, result: dict[str, Any]) -> None:
        if self.flow is None:
            return
        self.flow.update(
            {
                "statement": {"language": result["language"]},
                "signature": {"strokes": result["strokes"]},
            }
        )
        self.leave()
        self.completed.emit()

    def _on_screen_cancelled(self) -> None:
        self.status.setText(
            f"<span style='color:{PROBLEM_COLOUR};'>{texts.CUSTOMER_CANCELLED.inline()}</span>"
        )


# -- 7. review ------------------------------------------------------------------------------------


class ReviewPage(IntakePage):
    """確認して登録: everything in one readable summary, and the outcome it will record."""

    step = Step.REVIEW

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.outcome = Banner()
        self.outcome.setObjectName("review_outcome")
        self.summary = QTextBrowser()
        self.summary.setObjectName("summary")
        self.summary.setOpenLinks(False)
        self.preview = QCheckBox(texts.PREVIEW_FIRST.line())
        self.preview.setObjectName("preview_first")
        layout = _page_layout(self)
        layout.addWidget(self.outcome)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.preview)
        self._add(self.summary)
        self._add(self.preview)
        self._finish_chain()

    def _fill(self, flow: IntakeFlow) -> None:
        decision = flow.decision()
        if decision is not None and decision.outcome is Outcome.REFUSED:
            assert decision.reason is not None
            self.outcome.show_text(
                f"<b style='font-size:120%;'>✕ {texts.OUTCOME_REFUSED.html()}</b><br>"
                + texts.REFUSAL_REASONS[decision.reason].html(),
                REFUSAL_BACKGROUND,
                PROBLEM_COLOUR,
            )
        else:
            self.outcome.show_text(
                f"<b style='font-size:120%;'>✓ {texts.OUTCOME_ACCEPTED.html()}</b>",
                ACCEPT_BACKGROUND,
                OK_COLOUR,
            )
        self.summary.setHtml(summary_html(flow))

    def preview_first(self) -> bool:
        return self.preview.isChecked()


def _value(text: object, empty: T = texts.EMPTY) -> str:
    if text is None or text == "":
        return html.escape(empty.line())
    return html.escape(str(text))


def summary_html(flow: IntakeFlow) -> str:
    """The review's summary: every answer as it will be stored, in two columns of sections.

    The values come from the validated draft (the kana in katakana, the IMEI as its
    15 digits …), so the clerk reviews exactly what the record will hold.
    """
    try:
        draft = flow.draft()
    except ValidationFailed as failed:  # not reached through the pages; say why, plainly
        return "<br>".join(html.escape(problem.line()) for problem in failed.problems)
    seller, device, revocation = draft.seller, draft.device, draft.revocation
    document = seller.id_document
    if document is None:
        id_type, id_number = _value(""), _value("")
    else:
        kind = texts.ID_TYPE_LABELS[document.type].line()
        id_type = html.escape(f"{kind}（{document.name}）" if document.name else kind)
        id_number = (
            html.escape(texts.NOT_RECORDED.line())
            if not number_allowed(document.type)
            else _value(document.number)
        )
    birth = _value("")
    if seller.birth_date is not None:
        age = texts.AGE.line(age=age_on(seller.birth_date, flow.today))
        birth = html.escape(f"{seller.birth_date.isoformat()}（{age}）")
    decision = flow.decision()
    path = flow.path_steps(revocation.path)
    transaction_items = [
        (texts.PURPOSE, html.escape(texts.core(*PURPOSE_LABELS[draft.purpose]).line())),
        (texts.PRICE, html.escape(f"¥{draft.price_yen:,}")),
    ]
    if draft.transaction_with:
        total = flow.transaction_total()
        transaction_items += [
            (
                texts.SAME_TRANSACTION,
                _value(flow.transaction.first_receipt or draft.transaction_with),
            ),
            (texts.TRANSACTION_TOTAL_SHORT, _value(None if total is None else f"¥{total:,}")),
        ]
    transaction = (texts.SECTION_TRANSACTION, transaction_items)
    guardian = draft.guardian_consent
    seller_rows = (
        texts.SECTION_SELLER,
        [
            (texts.NAME, _value(seller.name)),
            (texts.KANA, _value(seller.kana)),
            (texts.ADDRESS, _value(seller.address)),
            (texts.OCCUPATION, _value(seller.occupation)),
            (texts.BIRTH_DATE_SHORT, birth),
            (texts.ID_TYPE, id_type),
            (texts.ID_NUMBER, id_number),
        ]
        + (
            [
                (
                    texts.GUARDIAN,
                    html.escape(
                        f"{guardian.name}（{guardian.relation}）{guardian.contact}　"
                        + texts.CONSENT_METHOD_LABELS[guardian.method].line()
                    ),
                )
            ]
            if guardian is not None
            else []
        ),
    )
    reset_rows = (
        texts.SECTION_RESET,
        [
            (
                texts.RESET_SHORT[key],
                _flag(draft.reset_checks.get(key, False), texts.DONE_TICK, texts.NOT_DONE_TICK),
            )
            for key in RESET_CHECK_KEYS
        ],
    )
    network = device.network_restriction
    device_rows = (
        texts.SECTION_DEVICE,
        [
            (texts.OS, html.escape(texts.OS_LABELS[device.os].line())),
            (texts.MAKER, _value(device.maker)),
            (texts.MODEL, _value(device.model)),
            (texts.COLOUR, _value(device.color)),
            (texts.STORAGE, _value(device.storage_gb)),
            (texts.IMEI_SHORT, _value(" / ".join(device.imeis))),
            (texts.SERIAL, _value(device.serial)),
            (
                texts.NETWORK_SHORT,
                html.escape(f"{texts.NETWORK_MARKS[network.value]} ")
                + html.escape(texts.NETWORK_LABELS[network].line()),
            ),
            (texts.STOLEN_SHORT, _flag(draft.suspected_stolen, texts.YES, texts.NO, alarm=True)),
        ],
    )
    revocation_rows = (
        texts.SECTION_REVOCATION,
        [
            (
                texts.CERTIFICATE_USED_SHORT,
                html.escape(texts.CERTIFICATE_USED_LABELS[revocation.certificate_used].line()),
            ),
            (
                texts.PATH_SHORT,
                html.escape(texts.core(path.title.ja, path.title.en).line())
                if path
                else _value(revocation.path),
            ),
            *(
                [
                    (
                        texts.SUSPENDED_BY_SHORT,
                        html.escape(texts.PERFORMED_BY_LABELS[revocation.suspended_by].line()),
                    )
                ]
                if revocation.suspended_by is not None
                else []
            ),
            (
                texts.PERFORMED_BY_SHORT,
                html.escape(texts.PERFORMED_BY_LABELS[revocation.performed_by].line()),
            ),
            (
                texts.HOLDER_SHORT,
                html.escape((texts.YES if revocation.holder_is_seller else texts.NO).line()),
            ),
            (texts.CLERK_SHORT, _flag(draft.clerk_did_not_assist, texts.YES, texts.NO)),
        ],
    )
    right = [device_rows, revocation_rows]
    if decision is None or decision.outcome is Outcome.ACCEPTED:
        # A refused customer signs nothing: the section would only say "not signed".
        strokes = len(draft.signature)
        signature = texts.SIGNED.line(count=strokes) if strokes else texts.NOT_SIGNED.line()
        right.append(
            (
                texts.SECTION_CUSTOMER,
                [
                    (
                        texts.LANGUAGE,
                        html.escape(texts.LANGUAGE_LABELS[draft.statement_language.value].line()),
                    ),
                    (texts.SIGNATURE, html.escape(signature)),
                ],
            )
        )
    columns = (_sections_html([transaction, seller_rows, reset_rows]), _sections_html(right))
    return (
        "<table width='100%' cellspacing='0' cellpadding='0'><tr>"
        f"<td width='50%' valign='top' style='padding-right:12px;'>{columns[0]}</td>"
        f"<td width='50%' valign='top'>{columns[1]}</td></tr></table>"
    )


def _sections_html(sections: Sequence[tuple[T, Sequence[tuple[T, str]]]]) -> str:
    parts = ["<table cellspacing='0' cellpadding='3' width='100%'>"]
    for heading, items in sections:
        parts.append(
            f"<tr><td colspan='2' style='background:{palette.TABLE_HEADING}; font-weight:bold;'>"
            f"{heading.inline()}</td></tr>"
        )
        for label, value in items:
            parts.append(
                f"<tr><td width='48%' valign='top'>{label.inline()}</td>"
                f"<td valign='top'><b>{value}</b></td></tr>"
            )
    parts.append("</table>")
    return "".join(parts)


def _flag(value: bool, yes: T, no: T, *, alarm: bool = False) -> str:
    text = html.escape((yes if value else no).line())
    if value and alarm:
        return f"<span style='color:{PROBLEM_COLOUR};'>⚠ {text}</span>"
    if not value and not alarm:
        return f"<span style='color:{PROBLEM_COLOUR};'>{text}</span>"
    return text


# -- after the commit --------------------------------------------------------------------------------


class CommittedPage(QWidget):
    """The receipt number (shown only once the commit returned) and the slip's fate.

    Buttons live in the wizard's footer; this page only tells.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.outcome = Banner()
        self.outcome.setObjectName("committed_outcome")
        self.receipt = QLabel()
        self.receipt.setObjectName("receipt")
        self.receipt.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        font = self.receipt.font()
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        self.receipt.setFont(font)
        self.slip_status = rich_label("")
        self.slip_status.setObjectName("slip_status")
        self.stolen = rich_label("")
        self.stolen.setObjectName("stolen_reminder")
        self.stolen.setStyleSheet(f"color: {PROBLEM_COLOUR}; font-weight: bold;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(16)
        for widget in (self.receipt, self.outcome, self.slip_status, self.stolen):
            layout.addWidget(widget)
        layout.addStretch(1)

    def show_receipt(self, number: str, *, reason: RefusalReason | None, stolen: bool) -> None:
        if reason is None:
            self.outcome.show_text(
                f"<b>✓ {texts.DONE_ACCEPTED.html()}</b>", ACCEPT_BACKGROUND, OK_COLOUR
            )
        else:
            self.outcome.show_text(
                f"<b>✕ {texts.DONE_REFUSED.html()}</b><br>" + texts.REFUSAL_REASONS[reason].html(),
                REFUSAL_BACKGROUND,
                PROBLEM_COLOUR,
            )
        label, en = texts.RECEIPT.pair()
        self.receipt.setText(f"{label}{' / ' + en if en else ''}:  {number}")
        self.slip_status.clear()
        self.stolen.setText(texts.STOLEN_REMINDER.html() if stolen else "")
        self.stolen.setVisible(stolen)

    def show_slip_status(self, text_html: str, *, failed: bool) -> None:
        colour = PROBLEM_COLOUR if failed else OK_COLOUR
        self.slip_status.setText(
            f"<span style='color:{colour}; font-size:115%;'>{'⚠ ' if failed else '✓ '}"
            f"{text_html}</span>"
        )


PAGE_CLASSES: dict[Step, type[IntakePage]] = {
    Step.PURPOSE: PurposePage,
    Step.SELLER: SellerPage,
    Step.DEVICE: DevicePage,
    Step.RESET: ResetPage,
    Step.REVOCATION: RevocationPage,
    Step.CUSTOMER: CustomerPage,
    Step.REVIEW: ReviewPage,
}

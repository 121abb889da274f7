"""The customer-facing screen: the statement in large type, and the signature box.

The customer reads the statement (Japanese, or one of the languages of Japan's foreign
residents at a tap: desktop.languages), sees what the
clerk declares and what their personal data is used for (利用目的, 個人情報保護法
第21条: shown before they sign, not only printed afterwards), signs with a finger, a
stylus or the mouse, and confirms.  The
statement is the customer's own declaration that they revoked the certificate
themselves and nobody did it for them (DOMAIN.md §1–2), so it is shown exactly as the
statement catalogue words it, and the language it was read in is recorded.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, TypeVar

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QGuiApplication,
    QResizeEvent,
    QTextDocumentFragment,
)
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.catalogue import Statement, StatementCatalogue, statement_catalogue
from desktop.domain import Purpose
from desktop.languages import CUSTOMER_LANGUAGES, language, screen_words
from desktop.signature import signature_problem
from desktop.slip_texts import slip_texts_in
from desktop.statements import CLERK_STATEMENT_ID, CUSTOMER_STATEMENT_IDS
from reports.fonts import FONT_DIR, language_font_file
from ui import palette
from ui.signature_pad import SignaturePad, monotonic_ms

CUSTOMER_STATEMENTS = CUSTOMER_STATEMENT_IDS
CLERK_STATEMENT = CLERK_STATEMENT_ID
LANGUAGES = tuple(choice.code for choice in CUSTOMER_LANGUAGES)
DEFAULT_PURPOSE = "purchase"

STATEMENT_POINT_SIZE = 22  # the statement: read at arm's length, often without glasses
# A long statement (the English one) is set smaller, down to this, rather than cut off.
STATEMENT_MIN_POINT_SIZE = 12  # the longest translations (vi, pt-BR) on a 1280×720 screen
PAD_SHARE = 0.3  # the signature pad keeps at least this share of the screen's height
# The texts around the statement, set smaller when a long translation needs the room.
SURROUNDING_SCALES = (1.0, 0.85, 0.72)
STATEMENT_LINE_HEIGHT = 140  # per cent: kanji lines need air between them
TITLE_POINT_SIZE = 22
CLERK_POINT_SIZE = 14  # the clerk's declaration: smaller, it is not the customer's
CLERK_LINE_HEIGHT = 130
PAD_BUTTON_HEIGHT = 46
PAD_MIN_HEIGHT = 100  # still room for a name written with a finger, on a 1280×720 counter
PRIVACY_POINT_SIZE = 12  # the purpose of use: to read, but not what is being signed
PRIVACY_LINE_HEIGHT = 125
BODY_POINT_SIZE = 16
BUTTON_POINT_SIZE = 17
CONFIRM_POINT_SIZE = 20

# The words of the screen itself, in every language (desktop/data/customer_screen*.json);
# the statements come from the statement catalogue.
SIGNATURE_PROBLEM_KEYS = (
    "sign_empty",
    "sign_too_many",
    "sign_too_short",
    "sign_too_small",
    "sign_one_line",
)
LANGUAGE_BUTTON_POINT_SIZE = 13
LANGUAGE_COLUMNS = 5  # nine languages in two rows beside the title
NARROW_LANGUAGE_COLUMNS = 3  # in three rows on a narrow customer display
HEADING_MIN_WIDTH = 240


def words(code: str) -> dict[str, str]:
    """The screen's own words in ``code`` (title, buttons, messages)."""
    return screen_words(code)


def signature_problem_text(problem_ja: str, code: str) -> str:
    """A signature problem (desktop.signature words it in Japanese and English) in the
    customer's language, by the Japanese text it has in the screen's words."""
    japanese = words("ja")
    for key in SIGNATURE_PROBLEM_KEYS:
        if japanese[key] == problem_ja:
            return words(code)[key]
    return problem_ja


STYLE = f"""
CustomerScreen {{ background: {palette.CUSTOMER_BACKGROUND}; }}
QLabel {{ color: {palette.CUSTOMER_TEXT}; }}
QLabel#title {{ color: {palette.CUSTOMER_TITLE}; }}
QLabel#instruction, QLabel#heading {{ color: {palette.CUSTOMER_QUIET}; }}
QFrame#statementBox {{
    background: {palette.CUSTOMER_CARD}; border: 1px solid {palette.CUSTOMER_CARD_EDGE};
    border-radius: 14px;
}}
QLabel#clerk, QLabel#privacy {{ color: {palette.CUSTOMER_QUIET}; }}
QLabel#message {{ border-radius: 10px; padding: 8px 14px; }}
QLabel#message[tone="hint"] {{ color: {palette.CUSTOMER_QUIET}; background: transparent; }}
QLabel#message[tone="problem"] {{
    color: {palette.CUSTOMER_PROBLEM_TEXT}; background: {palette.CUSTOMER_PROBLEM_BACKGROUND};
}}
QLabel#message[tone="ready"] {{
    color: {palette.CUSTOMER_READY_TEXT}; background: {palette.CUSTOMER_READY_BACKGROUND};
}}
QPushButton {{
    background: {palette.CUSTOMER_CARD}; color: {palette.CUSTOMER_TEXT};
    border: 1px solid {palette.CUSTOMER_BUTTON_EDGE}; border-radius: 10px; padding: 8px 20px;
}}
QPushButton:pressed {{ background: {palette.CUSTOMER_PRESSED}; }}
QPushButton:disabled {{
    color: {palette.CUSTOMER_DISABLED_TEXT}; border-color: {palette.CUSTOMER_DISABLED_EDGE};
}}
QPushButton#language {{ padding: 4px 12px; }}
QPushButton#language:checked {{
    background: {palette.CUSTOMER_CHOSEN}; color: #ffffff; border-color: {palette.CUSTOMER_CHOSEN};
}}
QPushButton#confirm {{
    background: {palette.CUSTOMER_CONFIRM}; color: #ffffff; border: none; padding: 10px 36px;
}}
QPushButton#confirm:pressed {{ background: {palette.CUSTOMER_CONFIRM_PRESSED}; }}
QPushButton#confirm:disabled {{
    background: {palette.CUSTOMER_CONFIRM_DISABLED}; color: {palette.CUSTOMER_CONFIRM_DISABLED_TEXT};
}}
"""

S = TypeVar("S")


@cache
def customer_font_family() -> str:
    """BIZ UDPGothic (a Universal Design face, bundled for the slips) for the customer.

    Falls back to the application's font if the file cannot be loaded.
    """
    family = ""
    for name in ("BIZUDPGothic-Regular.ttf", "BIZUDPGothic-Bold.ttf"):
        font_id = QFontDatabase.addApplicationFont(str(FONT_DIR / name))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        family = family or (families[0] if families else "")
    return family or QApplication.font().family()


# Faces of the screen that differ from the slips' (reports/fonts/README.md): Qt picks a
# face by family name, and a system "Droid Sans Fallback" without Hangul can shadow ours.
SCREEN_FACES = {"ko": "NanumSquareR.ttf"}


def language_font_family(code: str) -> str:
    """The bundled face of a script BIZ UDPGothic lacks (Hangul, simplified Chinese,
    Vietnamese, Devanagari: reports.fonts, the slips' own); '' if none."""
    if code in SCREEN_FACES:
        return _face_of(str(FONT_DIR / SCREEN_FACES[code]))
    path = language_font_file(code)
    return _face_of(str(path)) if path is not None else ""


@cache
def _face_of(path: str) -> str:
    # Once per file: two languages share one face (Chinese and Korean).
    font_id = QFontDatabase.addApplicationFont(path)
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    return families[0] if families else ""


def font_families(code: str) -> list[str]:
    """The faces for a text in ``code``: its own script's face first (a Vietnamese line
    is then set in one face, not patched glyph by glyph), then BIZ UDPGothic, then every
    other bundled face for what is left (a Japanese word in a Korean text)."""
    own = language_font_family(code)
    others = [language_font_family(choice.code) for choice in CUSTOMER_LANGUAGES]
    ordered = [own, customer_font_family(), *others]
    return list(dict.fromkeys(family for family in ordered if family))


def _font(point_size: int, *, bold: bool = False, code: str = "ja") -> QFont:
    font = QFont()
    font.setFamilies(font_families(code))
    font.setPointSize(point_size)
    font.setBold(bold)
    return font


def _label(object_name: str, point_size: int, *, bold: bool = False) -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    _keep_font(label, point_size, bold=bold)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def _keep_font(widget: QWidget, point_size: int, *, bold: bool = False, code: str = "ja") -> None:
    """Set the widget's font, and remember its size so a language switch can set the
    same size in the new language's faces (CustomerScreen._restyle)."""
    widget.setProperty("point_size", point_size)
    widget.setProperty("bold", bold)
    widget.setFont(_font(point_size, bold=bold, code=code))


class LanguageButtons(QWidget):
    """The language buttons in rows: five a row where the screen is wide enough, three a
    row on a narrow customer display (an 800-pixel tablet), so the screen's minimum width
    is that of three."""

    def __init__(self, buttons: Sequence[QPushButton], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._buttons = list(buttons)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(6)
        self._grid.setVerticalSpacing(6)
        self._columns = 0
        self._arrange(LANGUAGE_COLUMNS)

    def _arrange(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for button in self._buttons:
            self._grid.removeWidget(button)
        for index, button in enumerate(self._buttons):
            self._grid.addWidget(button, index // columns, index % columns)
        self.updateGeometry()

    def _width_for(self, columns: int) -> int:
        widths = [0] * columns
        for index, button in enumerate(self._buttons):
            column = index % columns
            widths[column] = max(widths[column], button.sizeHint().width())
        return sum(widths) + self._grid.horizontalSpacing() * (columns - 1)

    def _height_for(self, columns: int) -> int:
        rows = -(-len(self._buttons) // columns)
        height = max(max(b.sizeHint().height(), b.minimumHeight()) for b in self._buttons)
        return rows * height + (rows - 1) * self._grid.verticalSpacing()

    def _columns_for(self, width: int) -> int:
        wide = width >= self._width_for(LANGUAGE_COLUMNS)
        return LANGUAGE_COLUMNS if wide else NARROW_LANGUAGE_COLUMNS

    def sizeHint(self) -> QSize:
        return QSize(self._width_for(LANGUAGE_COLUMNS), self._height_for(LANGUAGE_COLUMNS))

    def minimumSizeHint(self) -> QSize:
        # As narrow as three a row, as low as two rows: the narrow form's height comes
        # from heightForWidth, on the narrow displays that need it (and have the room).
        return QSize(self._width_for(NARROW_LANGUAGE_COLUMNS), self._height_for(LANGUAGE_COLUMNS))

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange(self._columns_for(event.size().width()))
        super().resizeEvent(event)


class CustomerScreen(QWidget):
    """What the customer reads and signs: one statement, the clerk's declaration, the pad.

    The confirm button is enabled only while the ink on the pad passes
    ``desktop.signature.signature_problem``; otherwise the problem is shown in the
    customer's language.  Switching the language keeps the signature; switching the
    statement clears it (a signature belongs to the text it was given under).

    Signals:
        signed(dict): the customer confirmed: ``{"language": <a code of LANGUAGES>,
            "strokes": [[[x, y, ms], ...], ...]}``, the intake document's
            ``statement.language`` and ``signature.strokes``.
        cancelled: the customer (or the clerk) stopped without signing.
    """

    signed = Signal(dict)
    cancelled = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        statement_id: str = "customer_revoked",
        language: str = "ja",
        purpose: Purpose | str | None = None,
        catalogue: StatementCatalogue | None = None,
        clock: Callable[[], int] = monotonic_ms,
    ) -> None:
        super().__init__(parent)
        self._catalogue = catalogue or statement_catalogue()
        self._statement_id = _checked(statement_id, CUSTOMER_STATEMENTS, "statement")
        self._language = _checked(language, LANGUAGES, "language")
        self._purpose = purpose
        self.setObjectName("customerScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(STYLE)
        self._build(clock)
        self._show_texts()
        self._on_pad_changed()

    # --- what the caller uses --------------------------------------------------------

    @property
    def language(self) -> str:
        """The language the statement is shown in now (a code of LANGUAGES: 'ja', 'vi', …)."""
        return self._language

    @property
    def statement_id(self) -> str:
        return self._statement_id

    @property
    def pad(self) -> SignaturePad:
        return self._pad

    def statement(self) -> Statement:
        """The statement as shown now (id, catalogue version, language and exact text)."""
        return self._catalogue.statement(self._statement_id, self._language)

    def statement_shown(self) -> str:
        """The customer statement exactly as it is on the screen, as plain text."""
        return shown_text(self._statement_label)

    def clerk_declaration_shown(self) -> str:
        """The clerk's declaration line as shown (its heading, then the catalogue text)."""
        return shown_text(self._clerk_label)

    def privacy_notice_shown(self) -> str:
        """The purpose of use of personal data as shown (its heading, then the text).

        It is shown before the customer signs (個人情報保護法 §21).
        """
        return shown_text(self._privacy_label)

    def message(self) -> str:
        """The line beside the confirm button: what is missing, or that it can be pressed."""
        return self._message.text()

    def set_language(self, language: str) -> None:
        self._language = _checked(language, LANGUAGES, "language")
        self._show_texts()
        self._on_pad_changed()

    def set_statement(self, statement_id: str) -> None:
        """Show another customer statement; any signature already drawn is wiped."""
        self._statement_id = _checked(statement_id, CUSTOMER_STATEMENTS, "statement")
        self._pad.clear()
        self._show_texts()
        self._on_pad_changed()

    def reset(
        self,
        *,
        statement_id: str | None = None,
        language: str = "ja",
        purpose: Purpose | str | None = None,
    ) -> None:
        """Ready for the next customer: empty pad, the given statement, language and purpose.

        The purpose picks the privacy notice (a repair keeps data for other ends
        than a purchase).
        """
        if statement_id is not None:
            self._statement_id = _checked(statement_id, CUSTOMER_STATEMENTS, "statement")
        self._language = _checked(language, LANGUAGES, "language")
        self._purpose = purpose
        self._pad.clear()
        self._show_texts()
        self._on_pad_changed()

    # --- building ----------------------------------------------------------------

    def _build(self, clock: Callable[[], int]) -> None:
        self._title = _label("title", TITLE_POINT_SIZE, bold=True)
        self._instruction = _label("instruction", BODY_POINT_SIZE)
        self._language_group = QButtonGroup(self)
        self._language_group.setExclusive(True)
        self._language_buttons: dict[str, QPushButton] = {}
        buttons: list[QPushButton] = []
        for index, code in enumerate(LANGUAGES):
            # Each language's own name, in its own script's face.
            button = QPushButton(language(code).native)
            button.setObjectName("language")
            button.setProperty("language", code)
            button.setCheckable(True)
            button.setFont(_font(LANGUAGE_BUTTON_POINT_SIZE, bold=True, code=code))
            button.setMinimumHeight(32)
            self._language_group.addButton(button, index)
            self._language_buttons[code] = button
            buttons.append(button)
        languages = LanguageButtons(buttons)
        self._language_group.idClicked.connect(self._on_language_group_id_clicked)

        # The title keeps a readable width beside the language buttons (a narrow
        # display puts those in three rows rather than squeeze the title to a column).
        self._title.setMinimumWidth(HEADING_MIN_WIDTH)
        top = self._top = QHBoxLayout()
        # The title beside the language buttons; the instruction below them, the whole
        # width (beside them a long translation wrapped to lines the row had no room for).
        top.addWidget(self._title, 1, Qt.AlignmentFlag.AlignTop)
        top.addSpacing(16)
        top.addWidget(languages)

        self._customer_heading = _label("heading", BODY_POINT_SIZE - 2, bold=True)
        self._statement_label = _label("statement", STATEMENT_POINT_SIZE)
        self._statement_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        box = self._box = QFrame()
        box.setObjectName("statementBox")
        box_layout = self._box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(28, 10, 28, 12)
        box_layout.setSpacing(6)
        box_layout.addWidget(self._customer_heading)
        box_layout.addWidget(self._statement_label)

        # The clerk's declaration: smaller, under the customer's, its heading run in.
        self._clerk_label = _label("clerk", CLERK_POINT_SIZE)
        self._clerk_label.setContentsMargins(28, 0, 28, 0)
        # The purpose of use of personal data, before the signature (個人情報保護法 §21).
        self._privacy_label = _label("privacy", PRIVACY_POINT_SIZE)
        self._privacy_label.setContentsMargins(28, 0, 28, 0)

        self._pad = SignaturePad(clock=clock)
        _keep_font(self._pad, BODY_POINT_SIZE)
        # The pad takes whatever height the texts leave (Ignored: its own preferred
        # height does not count), so inside the main window on a 1366×768 counter
        # screen the confirm button stays in view without scrolling.
        self._pad.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self._pad.setMinimumHeight(PAD_MIN_HEIGHT)
        self._pad.changed.connect(self._on_pad_changed)
        self._undo = self._button(BUTTON_POINT_SIZE)
        self._undo.clicked.connect(self._on_undo_clicked)
        self._clear = self._button(BUTTON_POINT_SIZE)
        self._clear.clicked.connect(self._on_clear_clicked)
        pad_buttons = QVBoxLayout()
        pad_buttons.setSpacing(8)
        # Beside the pad, lower than the buttons below it: the pad's row sets the
        # screen's minimum height on a 1280×720 counter.
        for small in (self._undo, self._clear):
            small.setMinimumHeight(PAD_BUTTON_HEIGHT)
        pad_buttons.addWidget(self._undo)
        pad_buttons.addWidget(self._clear)
        pad_buttons.addStretch(1)
        signing = self._signing = QHBoxLayout()
        signing.setSpacing(16)
        signing.addWidget(self._pad, 1)
        signing.addLayout(pad_buttons)

        self._message = _label("message", BODY_POINT_SIZE)
        self._cancel = self._button(BUTTON_POINT_SIZE)
        self._cancel.clicked.connect(self._on_cancel_clicked)
        self._confirm = self._button(CONFIRM_POINT_SIZE, bold=True)
        self._confirm.setObjectName("confirm")
        self._confirm.setMinimumSize(340, 64)
        self._confirm.setDefault(True)
        self._confirm.clicked.connect(self._on_confirm_clicked)
        bottom = self._bottom = QHBoxLayout()
        bottom.setSpacing(16)
        bottom.addWidget(self._cancel)
        bottom.addWidget(self._message, 1)
        bottom.addWidget(self._confirm)

        layout = QVBoxLayout(self)
        # The two smaller texts under the statement belong together: less air between them.
        notes = QVBoxLayout()
        notes.setSpacing(6)
        notes.addWidget(self._clerk_label)
        notes.addWidget(self._privacy_label)
        layout.setContentsMargins(36, 8, 36, 8)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self._instruction)
        layout.addWidget(box)
        layout.addLayout(notes)
        layout.addLayout(signing, 1)
        layout.addLayout(bottom)

    def _button(self, point_size: int, *, bold: bool = False) -> QPushButton:
        button = QPushButton()
        _keep_font(button, point_size, bold=bold)
        button.setMinimumHeight(56)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        return button

    def _show_texts(self) -> None:
        said = words(self._language)
        self._language_buttons[self._language].setChecked(True)
        self._restyle()
        self._title.setText(said["title"])
        self._instruction.setText(said["instruction"])
        self._customer_heading.setText(said["customer_heading"])
        _set_paragraph(
            self._statement_label, html.escape(self.statement().text), STATEMENT_LINE_HEIGHT
        )
        clerk = self._catalogue.statement(CLERK_STATEMENT, self._language)
        heading = html.escape(said["clerk_heading"])
        _set_paragraph(
            self._clerk_label,
            f"<b>{heading}</b>&#x2003;{html.escape(clerk.text)}",
            CLERK_LINE_HEIGHT,
        )
        notice = slip_texts_in(self._language).privacy_notice(str(self._purpose or DEFAULT_PURPOSE))
        _set_paragraph(
            self._privacy_label,
            f"<b>{html.escape(said['privacy_heading'])}</b>&#x2003;"
            + html.escape(notice.ja if self._language == "ja" else notice.en),
            PRIVACY_LINE_HEIGHT,
        )
        self._pad.set_placeholder(said["placeholder"])
        self._undo.setText(said["undo"])
        self._clear.setText(said["clear"])
        self._cancel.setText(said["cancel"])
        self._confirm.setText(said["confirm"])
        layout = self.layout()
        if layout is not None:
            # Lay out the new words now rather than at the next event loop pass, so a
            # grab() or a test right after a language switch sees the finished screen.
            layout.activate()
        self._fit_statement()

    def _fit_statement(self) -> None:
        """Set the statement as large as the screen allows (22 pt down to 12 pt): whole,
        never cut off, with the signature pad keeping ``PAD_SHARE`` of the height.

        The statement's box is held at exactly the height its text needs at its width
        (a word-wrapped label would otherwise ask for the height of a narrow column and
        take the pad's room).  When even the smallest statement leaves the pad too little
        (the longest translations on a small screen), the texts around it (title,
        instruction, the clerk's declaration, the purpose of use) are set smaller too,
        step by step (``SURROUNDING_SCALES``), before the pad gives up its share.
        """
        layout = self.layout()
        if layout is None or self.height() <= 0:
            return
        surrounding = (
            self._title,
            self._instruction,
            self._customer_heading,
            self._clerk_label,
            self._privacy_label,
        )
        needed = room = 0
        for scale in SURROUNDING_SCALES:
            for label in surrounding:
                size = label.property("point_size")
                if isinstance(size, int):
                    bold = bool(label.property("bold"))
                    label.setFont(_font(round(size * scale), bold=bold, code=self._language))
            layout.activate()
            room = self._room_for_statement_and_pad()
            width = self._box.width()
            fits = False
            # What the customer signs stays the largest text: smaller surroundings come
            # before a statement no larger than the clerk's declaration beside it.
            last = scale == SURROUNDING_SCALES[-1]
            smallest = STATEMENT_MIN_POINT_SIZE if last else round(CLERK_POINT_SIZE * scale) + 2
            for size in range(STATEMENT_POINT_SIZE, smallest - 1, -1):
                self._statement_label.setFont(_font(size, code=self._language))
                needed = self._box_layout.totalHeightForWidth(width)
                if room - needed >= PAD_SHARE * self.height():
                    fits = True
                    break
            if fits:
                break
        # Whole first: the pad keeps at least its minimum, the rest goes to the text.
        self._box.setFixedHeight(max(0, min(needed, room - self._pad.minimumHeight())))
        layout.activate()

    def _room_for_statement_and_pad(self) -> int:
        layout = self.layout()
        assert layout is not None
        margins = layout.contentsMargins()
        others = margins.top() + margins.bottom() + layout.spacing() * (layout.count() - 1)
        for i in range(layout.count()):
            item = layout.itemAt(i)
            if item is None or item.widget() is self._box or item.layout() is self._signing:
                continue
            # Rows of wrapped text need their height at the width they have.
            row = item.layout() or item
            others += (
                row.heightForWidth(item.geometry().width())
                if row.hasHeightForWidth()
                else item.geometry().height()
            )
        return self.height() - others

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_statement()

    def _show_message(self, text: str, tone: str) -> None:
        self._message.setText(text)
        if self._message.property("tone") != tone:
            self._message.setProperty("tone", tone)
            # a dynamic property only restyles once the style is applied again
            self._message.style().unpolish(self._message)
            self._message.style().polish(self._message)

    # --- slots ---------------------------------------------------------------------

    def _on_pad_changed(self) -> None:
        problem = signature_problem(self._pad.strokes())
        self._confirm.setEnabled(problem is None)
        self._undo.setEnabled(not self._pad.is_empty())
        self._clear.setEnabled(not self._pad.is_empty())
        if problem is None:
            self._show_message(words(self._language)["ready"], "ready")
        else:
            text = signature_problem_text(problem.ja, self._language)
            self._show_message(text, "hint" if self._pad.is_empty() else "problem")

    def _on_language_group_id_clicked(self, index: int) -> None:
        self.set_language(LANGUAGES[index])

    def _restyle(self) -> None:
        """Every text of the screen in the faces of the language now shown (the language
        buttons keep their own)."""
        for widget in self.findChildren(QWidget):
            size = widget.property("point_size")
            if isinstance(size, int) and widget.property("language") is None:
                bold = bool(widget.property("bold"))
                widget.setFont(_font(size, bold=bold, code=self._language))

    def _on_undo_clicked(self) -> None:
        self._pad.undo_stroke()

    def _on_clear_clicked(self) -> None:
        self._pad.clear()

    def _on_cancel_clicked(self) -> None:
        # The customer sees at once that their やめる was heard (the clerk's side says
        # it too); the pad is cleared so that no half signature is left standing.
        self._pad.clear()
        self._show_message(words(self._language)["stopped"], "problem")
        self.cancelled.emit()

    def _on_confirm_clicked(self) -> None:
        strokes = self._pad.strokes()
        if signature_problem(strokes) is not None:
            return  # the button is disabled then; a stray click changes nothing
        self.signed.emit({"language": self._language, "strokes": strokes})


def _set_paragraph(label: QLabel, html_text: str, line_height: int) -> None:
    """Rich text with more space between lines than a QLabel gives by itself."""
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setText(f'<p style="line-height:{line_height}%">{html_text}</p>')


def shown_text(label: QLabel) -> str:
    """What a label shows, as plain text (its rich text without the markup)."""
    if label.textFormat() == Qt.TextFormat.PlainText:
        return label.text()
    return QTextDocumentFragment.fromHtml(label.text()).toPlainText()


def _checked(value: str, allowed: Sequence[str], what: str) -> str:
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}: expected one of {', '.join(allowed)}")
    return value


# --- the second screen ------------------------------------------------------------------


def choose_customer_screen(screens: Sequence[S], primary: S | None) -> S | None:
    """The screen that faces the customer: the first one that is not the clerk's.

    None when there is only one screen (the customer screen then stays inside the
    main window).
    """
    if len(screens) < 2:
        return None
    return next((screen for screen in screens if screen is not primary), None)


def show_on_customer_screen(
    widget: QWidget,
    app: QGuiApplication | None = None,
    *,
    mode: str = "auto",
    screens: Sequence[Any] | None = None,
    primary: Any = None,
) -> bool:
    """Put ``widget`` full screen on a second screen, facing the customer, if there is one.

    ``mode`` is the station's CUSTOMER_SCREEN setting: "auto" and "second" use a second
    screen when present ("second" makes the clerk's page say so when there is none),
    "main" always stays in the main window.  ``screens`` and
    ``primary`` default to the application's.  Returns True if the widget became a
    window on the customer's screen; False means the caller keeps it in its own
    window (nothing was changed).
    """
    if mode == "main":
        return False
    if screens is None or primary is None:
        application = app or QGuiApplication.instance()
        if not isinstance(application, QGuiApplication):
            return False
        screens = application.screens() if screens is None else screens
        primary = application.primaryScreen() if primary is None else primary
    target = choose_customer_screen(list(screens), primary)
    if target is None:
        return False
    widget.setParent(None)
    widget.setWindowFlag(Qt.WindowType.Window, True)
    widget.setScreen(target)
    widget.setGeometry(target.geometry())
    widget.showFullScreen()
    return True

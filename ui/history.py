"""The history screen: find a committed intake, see everything about it, reprint or void it.

One search field takes a receipt number, an IMEI (a barcode scanner types it and
presses Enter) or part of a name, with an optional business-day range.  The table
below is a :class:`ui.history_model.HistoryModel`: newest first, a page at a time
as the clerk scrolls.  The panel under the table shows the selected receipt; from
there (or with Ctrl+P / Ctrl+Shift+V anywhere on the screen) the clerk reprints
its slip — logged and marked 再発行 by the core — or voids it with a manager's PIN
and a reason.  A void is a new signed entry: the row stays, struck through, with
the reason beside it.

Each action is one transaction; afterwards the screen announces
``events.intakes_changed`` and, like every screen, refreshes when it hears it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QEvent, QItemSelectionModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.catalogue import RevocationCatalogue
from desktop.clerks import ClerkView, Role, list_clerks
from desktop.domain import DeviceOs
from desktop.errors import UserError
from desktop.history import (
    HistoryQuery,
    HistoryRow,
    ReceiptDetail,
    ScannedSlip,
    SlipStanding,
    looks_like_slip_code,
    receipt_detail,
)
from desktop.settings import DEFAULT_SLIP_FORMAT
from desktop.slip_texts import slip_texts
from desktop.slips import IssuedSlip, prepare_slip, record_slip
from desktop.voiding import MAX_REASON, void_intake
from reports.snapshot import SlipFormat
from ui import i18n, palette
from ui.actions import run_action
from ui.background import Lane
from ui.fit import scrolled
from ui.forms import heading, pin_edit
from ui.history_model import (
    REFUSED_COLOUR,
    VOID_MARK_COLOUR,
    Column,
    HistoryModel,
    label,
    purpose_label,
    refusal_label,
)
from ui.i18n import bilingual, main_text, message, message_html, one_line, two_lines
from ui.services import Services

if TYPE_CHECKING:
    from ui.printing import PrintResult

log = logging.getLogger(__name__)

REPRINT_KEYS = "Ctrl+P"
VOID_KEYS = "Ctrl+Shift+V"
SEARCH_KEYS = "Ctrl+F"
EXPORT_KEYS = "Ctrl+E"
OS_LABELS = {
    DeviceOs.ANDROID: ("Android", "Android"),
    DeviceOs.IPHONE: ("iPhone", "iPhone"),
    DeviceOs.OTHER: ("その他", "Other"),
}
# The widest usual content of each column, Japanese and English (the device column
# takes what is left).
COLUMN_SAMPLES = {
    Column.TIME: ("2026-11-27 10:00", "2026-11-27 10:00"),
    Column.RECEIPT: ("S01-20261127-0001", "S01-20261127-0001"),
    Column.VOID: ("取消: 二重登録", "Void: twice"),
    Column.OUTCOME: ("お断り（名義人以外が失効）", "Refused (not known whether used)"),
    Column.PURPOSE: ("修理受付", "Purchase"),
    Column.IMEI: ("356938035643809", "356938035643809"),
    Column.NAME: ("山田 太郎太", "山田 太郎太"),
    Column.CLERK: ("C01", "C01"),
}
CELL_PADDING = 14
# The table is the densest part of the screen: a little smaller than the app's type,
# so that nine columns fit a 1280-pixel counter screen with room for the device.
TABLE_FONT_SCALE = 0.9


@dataclass(frozen=True)
class VoidRequest:
    """What the void dialog collected: the approving manager, their PIN, the reason,
    and for a correction the receipt of the intake taken again in its place."""

    manager: str
    pin: str
    reason: str
    replaced_by: str = ""


@dataclass(frozen=True)
class VoidProblem:
    """Why a void was not made; the dialog stays open and shows it beside ``field``."""

    error: UserError
    field: str  # "pin" (the PIN or the manager was refused) or "reason"


# Tries one request: None once the receipt is void, else what went wrong.
TryVoid = Callable[[VoidRequest], VoidProblem | None]
# (parent, receipt, the clerk at the counter, try_void) -> whether the receipt was voided.
# The dialog calls ``try_void`` on OK and stays open, with what was typed, until it
# succeeds or the clerk cancels.
AskVoid = Callable[[QWidget, str, ClerkView | None, TryVoid], bool]


class SlipPrinter(Protocol):
    """What the screen needs of :class:`ui.printing.PrintService` (tests pass their own)."""

    def print_pdf(
        self,
        pdf: bytes,
        fmt: SlipFormat | str,
        *,
        parent: QWidget | None = None,
        job_name: str = "slip",
    ) -> PrintResult: ...


class VoidDialog(QDialog):
    """Asks for the reason, the approving manager's code and PIN before a void.

    A manager at the counter approves their own void, but still types the PIN:
    the counter may have been left unlocked.  A correction names the intake taken
    again in place of this one (``revoke-desk void --replaced-by``), and the 古物台帳
    shows the link.  With ``try_void`` the dialog makes the void itself on OK: a wrong
    PIN or a refused reason is shown in the dialog, which keeps what was typed (the
    PIN is cleared); without it, OK simply accepts (the caller reads :meth:`request`).
    """

    def __init__(
        self,
        receipt: str,
        manager: str | None,
        parent: QWidget | None = None,
        *,
        try_void: TryVoid | None = None,
    ) -> None:
        super().__init__(parent)
        self._try_void = try_void
        self.setWindowTitle(one_line(self, self.tr("受付の取消"), "Void a receipt"))
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("void_reason")
        self.reason_edit.setMaxLength(MAX_REASON)
        self.reason_edit.setPlaceholderText(
            one_line(self, self.tr("例: 二重登録、入力誤り"), "e.g. entered twice, wrong entry")
        )
        self.code_edit = QLineEdit(manager or "")
        self.code_edit.setObjectName("void_manager")
        self.code_edit.setMaxLength(8)
        self.code_edit.setReadOnly(manager is not None)
        self.pin_edit = pin_edit()
        self.pin_edit.setObjectName("void_pin")
        self.replaced_edit = QLineEdit()
        self.replaced_edit.setObjectName("void_replaced_by")
        self.replaced_edit.setMaxLength(40)
        self.replaced_edit.setPlaceholderText(
            one_line(
                self,
                self.tr("訂正のときだけ: 取り直した受付の番号"),
                "Corrections only: the receipt taken again",
            )
        )
        self.problem = QLabel()
        self.problem.setObjectName("void_problem")
        self.problem.setTextFormat(Qt.TextFormat.RichText)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color:{VOID_MARK_COLOUR};")
        self.problem.hide()
        intro = QLabel(
            two_lines(
                self,
                self.tr(
                    "受付番号 {receipt} を取り消します。記録は消えずに残り、"
                    "取消の理由と承認した店長が台帳に追加されます。"
                ),
                "Receipt {receipt} will be void. The record stays; the reason and the "
                "approving manager are added to the ledger.",
                receipt=receipt,
            )
        )
        intro.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(
            one_line(self, self.tr("取り消す"), "Void"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok_button.setObjectName("void_ok")
        cancel = self.buttons.addButton(
            one_line(self, self.tr("やめる"), "Cancel"), QDialogButtonBox.ButtonRole.RejectRole
        )
        cancel.setAutoDefault(False)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

        form = QGridLayout()
        form.setHorizontalSpacing(16)
        fields = (
            (self.tr("取消の理由"), "Reason", self.reason_edit),
            (self.tr("訂正後の受付番号（任意）"), "Corrected by (optional)", self.replaced_edit),
            (self.tr("店長の担当者コード"), "Manager's code", self.code_edit),
            (self.tr("店長のPIN"), "Manager's PIN", self.pin_edit),
        )
        for row, (text, en, edit) in enumerate(fields):
            caption = QLabel(two_lines(self, text, en))
            caption.setBuddy(edit)
            form.addWidget(caption, row, 0)
            form.addWidget(edit, row, 1)
        form.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(640)
        # The code of a manager at the counter is given: let it look like it.
        self.setStyleSheet('QLineEdit[readOnly="true"] { background: palette(window); }')

        for edit in (self.reason_edit, self.code_edit, self.pin_edit):
            edit.textChanged.connect(self._on_field_text_changed)
        self.reason_edit.returnPressed.connect(self._on_reason_return_pressed)
        self.replaced_edit.returnPressed.connect(self._on_replaced_return_pressed)
        self.code_edit.returnPressed.connect(self._on_code_return_pressed)
        self._on_field_text_changed()
        # Enter after the reason goes on to the PIN; Tab also reaches the correction.
        QWidget.setTabOrder(self.reason_edit, self.replaced_edit)
        QWidget.setTabOrder(self.replaced_edit, self.code_edit)
        QWidget.setTabOrder(self.code_edit, self.pin_edit)
        self.reason_edit.setFocus()

    def request(self) -> VoidRequest:
        return VoidRequest(
            self.code_edit.text().strip().upper(),
            self.pin_edit.text(),
            self.reason_edit.text(),
            self.replaced_edit.text().strip().upper(),
        )

    def show_problem(self, problem: VoidProblem) -> None:
        """Keep the dialog open with the reason typed; say what went wrong, where."""
        self.problem.setText(message_html(problem.error.ja, problem.error.en))
        self.problem.show()
        if problem.field == "pin":
            self.pin_edit.clear()  # a refused PIN is typed again, never corrected
            self.pin_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.reason_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_buttons_accepted(self) -> None:
        if self._try_void is None:
            self.accept()
            return
        problem = self._try_void(self.request())
        if problem is None:
            self.accept()
        else:
            self.show_problem(problem)

    def _on_field_text_changed(self) -> None:
        complete = all(
            edit.text().strip() for edit in (self.reason_edit, self.code_edit, self.pin_edit)
        )
        self.ok_button.setEnabled(complete)

    def _on_reason_return_pressed(self) -> None:
        (self.pin_edit if self.code_edit.isReadOnly() else self.code_edit).setFocus()

    def _on_replaced_return_pressed(self) -> None:
        self._on_reason_return_pressed()

    def _on_code_return_pressed(self) -> None:
        self.pin_edit.setFocus()


def void_dialog_for(
    parent: QWidget | None,
    receipt: str,
    clerk: ClerkView | None,
    try_void: TryVoid | None = None,
) -> VoidDialog:
    """The dialog for the clerk at the counter: a manager's own code is filled in."""
    manager = clerk.code if clerk is not None and clerk.role is Role.MANAGER else None
    return VoidDialog(receipt, manager, parent, try_void=try_void)


def ask_void(parent: QWidget, receipt: str, clerk: ClerkView | None, try_void: TryVoid) -> bool:
    """The real :data:`AskVoid`: a modal :class:`VoidDialog` that voids on OK."""
    dialog = void_dialog_for(parent, receipt, clerk, try_void)
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()


class DetailPanel(QFrame):
    """Everything about the selected receipt a clerk needs, and its two actions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyDetail")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = heading("")
        self.title.setObjectName("detail_title")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.void_banner = QLabel()
        self.void_banner.setObjectName("void_banner")
        self.void_banner.setTextFormat(Qt.TextFormat.RichText)
        self.void_banner.setWordWrap(True)
        self.void_banner.setStyleSheet(
            f"background:{palette.REFUSAL_BACKGROUND}; color:{VOID_MARK_COLOUR}; border:1px solid {VOID_MARK_COLOUR};"
            " border-radius:4px; padding:6px 10px;"
        )
        self.void_banner.hide()
        self.empty = QLabel(
            two_lines(
                self,
                self.tr("一覧で受付を選ぶと、ここに詳細が表示されます"),
                "Choose a receipt in the list to see it here",
            )
        )
        self.empty.setObjectName("detail_empty")

        self.values: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(6)
        captions = (
            ("time", self.tr("日時"), "Time"),
            ("outcome", self.tr("結果"), "Outcome"),
            ("purpose", self.tr("目的・金額"), "Purpose, price"),
            ("device", self.tr("端末"), "Device"),
            ("imei", self.tr("IMEI"), "IMEI"),
            ("path", self.tr("失効の方法"), "Revocation"),
            ("name", self.tr("氏名"), "Name"),
            ("clerk", self.tr("担当・レジ"), "Clerk, station"),
            ("slips", self.tr("控えの発行"), "Slips issued"),
        )
        half = (len(captions) + 1) // 2
        for number, (key, text, en) in enumerate(captions):
            caption = QLabel(two_lines(self, text, en))
            caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            value = QLabel()
            value.setObjectName(f"detail_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            value.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            self.values[key] = value
            row, column = number % half, 2 * (number // half)
            grid.addWidget(caption, row, column)
            grid.addWidget(value, row, column + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.fields = QWidget()
        self.fields.setLayout(grid)

        self.format_combo = QComboBox()
        self.format_combo.setObjectName("reprint_format")
        self.format_combo.addItem(
            one_line(self, self.tr("レシート（80mm）"), "80 mm roll"), SlipFormat.THERMAL
        )
        self.format_combo.addItem(one_line(self, self.tr("A4"), "A4"), SlipFormat.A4)
        self.reprint_button = QPushButton(
            f"{one_line(self, self.tr('控えを再発行'), 'Reprint')}  [{_native(REPRINT_KEYS)}]"
        )
        self.reprint_button.setObjectName("reprint_button")
        self.void_button = QPushButton(
            f"{one_line(self, self.tr('取消…'), 'Void…')}  [{_native(VOID_KEYS)}]"
        )
        self.void_button.setObjectName("void_button")
        self.status = QLabel()
        self.status.setObjectName("detail_status")
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.setWordWrap(True)
        actions = QVBoxLayout()
        actions.addWidget(QLabel(two_lines(self, self.tr("用紙"), "Paper")))
        actions.addWidget(self.format_combo)
        actions.addWidget(self.reprint_button)
        actions.addSpacing(12)
        actions.addWidget(self.void_button)
        actions.addWidget(self.status)
        actions.addStretch(1)
        self.action_box = QWidget()
        self.action_box.setLayout(actions)
        self.action_box.setMinimumWidth(260)
        self.action_box.setMaximumWidth(360)

        body = QHBoxLayout()
        body.addWidget(self.fields, 1)
        body.addSpacing(12)
        body.addWidget(self.action_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addWidget(self.title)
        layout.addWidget(self.void_banner)
        layout.addWidget(self.empty)
        layout.addLayout(body, 1)
        self.show_detail(None)

    def show_detail(
        self,
        detail: ReceiptDetail | None,
        *,
        timezone: str = "Asia/Tokyo",
        clerk_names: dict[str, str] | None = None,
        path_title: str = "",
    ) -> None:
        self.empty.setVisible(detail is None)
        self.fields.setVisible(detail is not None)
        self.action_box.setEnabled(detail is not None)
        if detail is None:
            self.title.setText(two_lines(self, self.tr("受付の詳細"), "Receipt details"))
            self.void_banner.hide()
            self.void_button.setEnabled(False)
            return
        row = detail.row
        names = clerk_names or {}
        self.title.setText(row.receipt)
        if row.voided:
            voided_at = ""
            if detail.voided_at is not None:
                voided_at = _local(detail.voided_at, timezone)
            manager = f"{detail.void_manager} {names.get(detail.void_manager, '')}".strip()
            ja, en = bilingual(
                self,
                self.tr("取消済み（{at}、承認: {manager}）— 理由: {reason}"),
                "Void ({at}, approved by {manager}) — reason: {reason}",
                at=voided_at,
                manager=manager,
                reason=row.void_reason,
            )
            if detail.replaced_by:
                more_ja, more_en = bilingual(
                    self,
                    self.tr("訂正後の受付: {receipt}"),
                    "Corrected by receipt {receipt}",
                    receipt=detail.replaced_by,
                )
                ja, en = f"{ja}\n{more_ja}", f"{en} — {more_en}" if en else ""
            self.void_banner.setText(message_html(ja, en))
        self.void_banner.setVisible(row.voided)
        self.void_button.setEnabled(not row.voided)
        # What was confirmed follows the path: a revocation, or that none was ever there.
        fact = slip_texts().revocation_fact(row.revocation_path)
        outcome = main_text(
            self,
            self.tr("受付 — {fact}"),
            "Accepted — {fact}",
            fact=fact.en if i18n.in_english() else fact.ja,
        )
        colour = ""
        if row.outcome == "refused":
            outcome = main_text(
                self,
                self.tr("お断り — {reason}"),
                "Refused — {reason}",
                reason=refusal_label(row.refusal_reason),
            )
            colour = REFUSED_COLOUR
        self._set("time", row.local_time(timezone))
        self._set("outcome", outcome, colour=colour)
        self._set("purpose", f"{purpose_label(row.purpose)}　¥{detail.price_yen:,}")
        try:
            device_os = label(OS_LABELS[DeviceOs(detail.device_os)])
        except ValueError:
            device_os = detail.device_os
        device = f"{row.maker} {row.model}".strip()
        self._set(
            "device",
            main_text(
                self, self.tr("{device}（{os}）"), "{device} ({os})", device=device, os=device_os
            ),
        )
        self._set("imei", "\n".join(imei for imei in (row.imei1, row.imei2) if imei))
        self._set("path", path_title or row.revocation_path)
        erased = main_text(
            self, self.tr("（保存期間が過ぎ消去済み）"), "(erased after the retention period)"
        )
        self._set("name", row.name or erased)
        clerk = f"{row.clerk} {names.get(row.clerk, '')}".strip()
        self._set("clerk", f"{clerk}　/　{row.station}")
        self._set("slips", self._slips_text(detail))

    def _slips_text(self, detail: ReceiptDetail) -> str:
        parts = []
        thermal = main_text(self, self.tr("レシート"), "Receipt roll")
        for fmt, name in ((SlipFormat.THERMAL, thermal), (SlipFormat.A4, "A4")):
            copies = detail.copies(fmt.value)
            if copies:
                parts.append(
                    main_text(
                        self,
                        self.tr("{format} {copies}枚（再発行 {reprints}）"),
                        "{format}: {copies} (reprints: {reprints})",
                        format=name,
                        copies=copies,
                        reprints=copies - 1,
                    )
                )
        return "、".join(parts) if parts else main_text(self, self.tr("未発行"), "none yet")

    def _set(self, key: str, text: str, *, colour: str = "") -> None:
        value = self.values[key]
        value.setText(text)
        value.setStyleSheet(f"color:{colour};" if colour else "")

    def show_status(self, ja: str, en: str = "", *, failed: bool = False) -> None:
        self.status.setText(message_html(ja, en))
        self.status.setStyleSheet(
            f"color:{VOID_MARK_COLOUR};" if failed else f"color:{palette.OK};"
        )


class HistoryView(QWidget):
    """The history screen (F3): search, the lazily loaded table, detail, reprint and void.

    Listens to ``services.events.intakes_changed`` (also when another screen
    commits) and emits it after its own reprints and voids.  ``ask_void`` and
    ``printer`` are injectable so that tests never block on a dialog or a printer.
    """

    def __init__(
        self,
        services: Services,
        parent: QWidget | None = None,
        *,
        ask_void: AskVoid = ask_void,
        printer: SlipPrinter | None = None,
        page_size: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self._ask_void = ask_void
        self._printer = printer
        self._stale = False
        self._clerk_names: dict[str, str] | None = None
        self._catalogue: RevocationCatalogue | None = None  # read when first needed
        self.detail: ReceiptDetail | None = None
        self.last_slip: IssuedSlip | None = None

        # --- search bar
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("history_search")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setPlaceholderText(
            one_line(
                self,
                self.tr("受付番号・IMEI・氏名（スキャナー可）"),
                "Receipt, IMEI or name (scanner)",
            )
        )
        self.search_edit.setMinimumWidth(420)
        self.range_check = QCheckBox(one_line(self, self.tr("期間"), "Dates"))
        self.range_check.setObjectName("history_range")
        # The shop's business day in the shop's time zone, not the PC's date.
        self.from_edit = _date_edit("history_from", QDate())
        self.to_edit = _date_edit("history_to", QDate())
        self.reset_dates()
        self.search_button = QPushButton(f"{one_line(self, self.tr('検索'), 'Search')}  [Enter]")
        self.search_button.setObjectName("history_search_button")
        self.clear_button = QPushButton(one_line(self, self.tr("クリア"), "Clear"))
        self.clear_button.setObjectName("history_clear_button")
        self.export_button = QPushButton(
            one_line(self, self.tr("CSVに保存"), "Export CSV") + f"  [{EXPORT_KEYS}]"
        )
        self.export_button.setObjectName("history_export_button")
        # The date range sits beside the title, so the search field keeps the width
        # a scanned IMEI and its bilingual hint need.
        top = QHBoxLayout()
        top.addWidget(heading(two_lines(self, self.tr("履歴"), "History")))
        top.addStretch(1)
        top.addWidget(self.range_check)
        top.addWidget(self.from_edit)
        top.addWidget(QLabel("〜"))
        top.addWidget(self.to_edit)
        bar = QHBoxLayout()
        bar.addWidget(self.search_edit, 1)
        bar.addSpacing(8)
        bar.addWidget(self.search_button)
        bar.addWidget(self.clear_button)
        bar.addWidget(self.export_button)
        # What a scanned slip code says (genuine and standing / voided / not here).
        self.scan_banner = QLabel()
        self.scan_banner.setObjectName("scan_verdict")
        self.scan_banner.setTextFormat(Qt.TextFormat.RichText)
        self.scan_banner.setWordWrap(True)
        self.scan_banner.hide()

        # --- table
        self.model = HistoryModel(services.ctx, timezone=self._timezone(), parent=self)
        if page_size is not None:
            self.model.page_size = page_size
        self.table = QTableView()
        self.table.setObjectName("history_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        table_font = self.table.font()
        table_font.setPointSizeF(table_font.pointSizeF() * TABLE_FONT_SCALE)
        self.table.setFont(table_font)
        self.model.set_font(table_font)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.DEVICE, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        metrics = self.table.fontMetrics()
        for column, samples in COLUMN_SAMPLES.items():
            sample = label(samples)
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            width = max(metrics.horizontalAdvance(sample), metrics.horizontalAdvance(title))
            self.table.setColumnWidth(column, width + CELL_PADDING)
        row_height = metrics.height() + 10
        self.table.verticalHeader().setDefaultSectionSize(row_height)
        self.count_label = QLabel()
        self.count_label.setObjectName("history_count")
        self.count_label.setTextFormat(Qt.TextFormat.RichText)
        hint = QLabel(
            two_lines(
                self,
                self.tr("↑↓ 選択　Enter 詳細　{reprint} 再発行　{void} 取消　{search} 検索"),
                "↑↓ select   Enter details   {reprint} reprint   {void} void   {search} search",
                reprint=_native(REPRINT_KEYS),
                void=_native(VOID_KEYS),
                search=_native(SEARCH_KEYS),
            )
        )
        hint.setObjectName("history_keys")
        under_table = QHBoxLayout()
        under_table.addWidget(self.count_label)
        under_table.addStretch(1)
        under_table.addWidget(hint)
        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(self.table, 1)
        table_layout.addLayout(under_table)

        # --- detail
        self.panel = DetailPanel()
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("history_splitter")
        self.splitter.addWidget(table_box)
        # The detail scrolls when the splitter leaves it little room (a 768-pixel screen).
        self.splitter.addWidget(scrolled(self.panel))
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(top)
        layout.addLayout(bar)
        layout.addWidget(self.scan_banner)
        layout.addWidget(self.splitter, 1)

        # --- wiring
        self.search_edit.returnPressed.connect(self._on_search_requested)
        self.search_button.clicked.connect(self._on_search_requested)
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        self.export_button.clicked.connect(self._on_export_requested)
        self.range_check.toggled.connect(self._on_range_check_toggled)
        self._on_range_check_toggled(False)
        for widget in (self.search_edit, self.from_edit, self.to_edit, self.table):
            widget.installEventFilter(self)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.model.modelReset.connect(self._show_count)
        self.model.rowsInserted.connect(self._show_count)
        self.model.busy_changed.connect(self._show_count)
        self.model.search_finished.connect(self._on_model_search_finished)
        self.model.load_failed.connect(self._on_model_load_failed)
        self._reselect: str | None = None  # the receipt to select when the rows arrive
        self.exports = Lane(self, threads=1)
        self.exports.finished.connect(self._on_exports_finished)
        self.exports.failed.connect(self._on_exports_failed)
        self.panel.reprint_button.clicked.connect(self._on_reprint_requested)
        self.panel.void_button.clicked.connect(self._on_void_requested)
        self._shortcut(REPRINT_KEYS, self._on_reprint_requested)
        self._shortcut(VOID_KEYS, self._on_void_requested)
        self._shortcut(SEARCH_KEYS, self._on_search_shortcut_activated)
        self._shortcut(EXPORT_KEYS, self._on_export_requested)
        events = services.events
        events.intakes_changed.connect(self._on_events_intakes_changed)
        events.clerks_changed.connect(self._on_events_clerks_changed)
        events.settings_changed.connect(self._on_events_settings_changed)

        default_format = SlipFormat(services.settings.get(DEFAULT_SLIP_FORMAT))
        self.panel.format_combo.setCurrentIndex(self.panel.format_combo.findData(default_format))
        self.run_search()

    # --- building helpers ---------------------------------------------------------

    def _shortcut(self, keys: str, slot: Callable[[], object]) -> None:
        shortcut = QShortcut(QKeySequence(keys), self)
        # Only while the focus is on this screen: the intake wizard has its own Ctrl+P.
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)

    def _timezone(self) -> str:
        return self.services.ctx.shop_profile().timezone

    def shop_today(self) -> date:
        """Today's business day: the shop's local date, whatever the PC's time zone."""
        ctx = self.services.ctx
        return ctx.clock().astimezone(ZoneInfo(self._timezone())).date()

    def reset_dates(self) -> None:
        """The date range as the screen opens: the last seven business days to today."""
        today = self.shop_today()
        self.to_edit.setDate(QDate(today.year, today.month, today.day))
        self.from_edit.setDate(self.to_edit.date().addDays(-7))

    # --- searching ----------------------------------------------------------------

    def current_query(self) -> HistoryQuery:
        date_from: date | None = None
        date_to: date | None = None
        if self.range_check.isChecked():
            date_from = self.from_edit.date().toPython()  # type: ignore[assignment]
            date_to = self.to_edit.date().toPython()  # type: ignore[assignment]
            if date_from is not None and date_to is not None and date_from > date_to:
                date_from, date_to = date_to, date_from
        return HistoryQuery(self.search_edit.text(), date_from, date_to)

    def run_search(self) -> None:
        """Search with what the bar holds, in the background; the newest match is selected
        when the rows arrive.  A slip's QR code (a 2D scanner types it) opens its record
        with the verdict on it.  The text stays selected: the next scan replaces it."""
        text = self.search_edit.text()
        self._reselect = None
        if looks_like_slip_code(text):
            self.model.scan(text)
        else:
            self.model.search(self.current_query())
        self.search_edit.selectAll()
        self._show_count()

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _show_count(self) -> None:
        count = self.model.rowCount()
        if self.model.busy and count == 0:
            text = two_lines(self, self.tr("検索しています…"), "Searching…")
        elif count == 0:
            text = two_lines(self, self.tr("該当する受付はありません"), "No receipt matches")
        elif self.model.has_more():
            text = two_lines(
                self,
                self.tr("{count}件を表示中（下へスクロールすると続きを読み込みます）"),
                "{count} shown (scroll down for more)",
                count=count,
            )
        else:
            text = two_lines(self, self.tr("{count}件"), "{count} receipts", count=count)
        self.count_label.setText(text)

    # --- selection and detail -----------------------------------------------------

    def selected_row(self) -> HistoryRow | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(index.row())

    def select_row(self, row: int) -> None:
        index = self.model.index(row, Column.TIME)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def open_detail(self) -> None:
        """Enter on a row: the detail panel takes the keyboard (its first action)."""
        if self.selected_row() is None:
            return
        self.panel.reprint_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _load_detail(self, receipt: str) -> None:
        ctx = self.services.ctx
        try:
            with ctx.reading() as session:
                detail = receipt_detail(session, receipt)
                if self._clerk_names is None:
                    self._clerk_names = {c.code: c.name for c in list_clerks(session)}
        except UserError as error:
            self._show_detail(None)
            self.panel.show_status(error.ja, error.en, failed=True)
            return
        self._show_detail(detail)

    def _show_detail(self, detail: ReceiptDetail | None) -> None:
        self.detail = detail
        path_title = ""
        if detail is not None:
            path = self._catalogue_path_title(detail.row.revocation_path)
            path_title = path or detail.row.revocation_path
        self.panel.show_detail(
            detail,
            timezone=self.model.timezone,
            clerk_names=self._clerk_names,
            path_title=path_title,
        )

    def _catalogue_path_title(self, path_id: str) -> str:
        if self._catalogue is None:
            try:
                self._catalogue = self.services.ctx.catalogue()
            except UserError as error:  # a broken shop-installed catalogue: show the id
                log.warning("revocation catalogue unreadable: %s", error.en)
                return ""
        path = self._catalogue.get(path_id)
        return "" if path is None else label((path.title.ja, path.title.en))

    # --- actions ------------------------------------------------------------------

    def reprint_selected(self) -> IssuedSlip | None:
        """Print a copy of the selected receipt's slip (marked 再発行); count it once printed.

        The copy is rendered and signed first; only once the printer took it is it
        stored and ledgered (its own transaction), so a cancelled print dialog or a
        failed printer counts nothing, and the clerk can try again.
        """
        row = self.selected_row()
        if row is None:
            return None
        ctx = self.services.ctx
        fmt = SlipFormat(self.panel.format_combo.currentData())
        try:
            signer = ctx.signer()
            catalogue = ctx.catalogue()
            with ctx.reading() as session:
                detail = receipt_detail(session, row.receipt)
                # Each format has its own first copy (desktop.slips): only a format
                # already printed for this receipt can be re-printed.
                issued = detail is not None and detail.copies(fmt.value) > 0
                slip = prepare_slip(
                    session,
                    signer,
                    receipt=row.receipt,
                    fmt=fmt,
                    reprint=issued,
                    catalogue=catalogue,
                    now=ctx.clock(),
                )
        except UserError as error:
            self.services.dialogs.user_error(self, error)
            return None
        self.last_slip = slip
        # PrintService never raises: a failure comes back as a result to show.
        result = self.print_service().print_pdf(
            slip.pdf,
            slip.format,
            parent=self,
            job_name=f"{slip.receipt}-{slip.format.value}-{slip.issue_no}",
        )
        if result.ok:
            clerk = self.services.state.clerk
            refused: list[UserError] = []
            recorded = run_action(
                self.services,
                self,
                lambda session: record_slip(
                    session, signer, slip, now=ctx.clock(), by=clerk.code if clerk else ""
                ),
                on_user_error=refused.append,
            )
            if not recorded.ok:  # refused, or a fault (then the clerk was told in a box)
                ja, en = bilingual(
                    self,
                    self.tr("{receipt} の{count}枚目は印刷されましたが、記録できませんでした。"),
                    "Copy {count} of {receipt} was printed but could not be recorded.",
                    receipt=row.receipt,
                    count=slip.issue_no,
                )
                why_ja = "".join(f"\n{refusal.ja}" for refusal in refused)
                why_en = "".join(f" {refusal.en}" for refusal in refused)
                self.panel.show_status(f"{ja}{why_ja}", f"{en}{why_en}", failed=True)
                return slip
            self.services.events.intakes_changed.emit()
            ja, en = bilingual(
                self,
                self.tr("{receipt} の控えを印刷しました（{count}枚目）"),
                "Printed the slip of {receipt} (copy {count})",
                receipt=row.receipt,
                count=slip.issue_no,
            )
            self.panel.show_status(ja, en)
        else:
            ja, en = bilingual(
                self,
                self.tr(
                    "{receipt} の{count}枚目は印刷されていません。この控えは記録していません。"
                ),
                "Copy {count} of {receipt} was not printed; this copy is not recorded.",
                receipt=row.receipt,
                count=slip.issue_no,
            )
            self.panel.show_status(f"{ja}\n{result.ja}", f"{en} {result.en}", failed=True)
        return slip

    def print_service(self) -> SlipPrinter:
        if self._printer is None:
            from ui.printing import PrintService  # noqa: PLC0415 - Qt's print support loads late

            self._printer = PrintService(self.services, self)
        return self._printer

    def void_selected(self) -> bool:
        """Void the selected receipt after a manager's PIN and a reason; True if it was voided."""
        row = self.selected_row()
        if row is None:
            return False
        dialogs = self.services.dialogs
        # The panel is read again at once after a void; the row may still be on its way.
        detail = self.detail
        if row.voided or (
            detail is not None and detail.row.receipt == row.receipt and detail.row.voided
        ):
            ja, en = bilingual(
                self,
                self.tr("{receipt} は既に取り消されています"),
                "{receipt} is already void",
                receipt=row.receipt,
            )
            dialogs.info(
                self, one_line(self, self.tr("受付の取消"), "Void a receipt"), message(ja, en)
            )
            return False
        # The receipt is fixed now: the table may be read again while the dialog is open.
        receipt = row.receipt
        attempt = functools.partial(self._void_with, receipt)
        if not self._ask_void(self, receipt, self.services.state.clerk, attempt):
            return False
        self.services.events.intakes_changed.emit()
        ja, en = bilingual(
            self, self.tr("{receipt} を取り消しました"), "Voided {receipt}", receipt=receipt
        )
        self.panel.show_status(ja, en)
        return True

    def _void_with(self, receipt: str, request: VoidRequest) -> VoidProblem | None:
        """One attempt from the void dialog: the manager's PIN, then the void entry."""
        ctx = self.services.ctx
        try:
            # A refused PIN is counted and ledgered by authenticate, attempt by attempt.
            manager = ctx.authenticate(request.manager, request.pin, require=Role.MANAGER)
        except UserError as error:
            return VoidProblem(error, "pin")
        refused: list[UserError] = []
        done = run_action(
            self.services,
            self,
            lambda session: void_intake(
                session,
                ctx.signer(),
                receipt=receipt,
                reason=request.reason,
                manager=manager.code,
                now=ctx.clock(),
                replaced_by=request.replaced_by,
            ),
            logged=lambda _: f"intake {receipt} voided, approved by {manager.code}",
            on_user_error=refused.append,
        )
        if refused:
            return VoidProblem(refused[0], "reason")
        if not done.ok:  # a fault (the clerk was told): the dialog stays, nothing was voided
            return VoidProblem(
                UserError("取消は保存されていません。", "The void was not saved."), "reason"
            )
        return None

    def refresh(self) -> None:
        """Read the loaded rows again (in the background), keeping the selected receipt."""
        self._stale = False
        selected = self.selected_row()
        self._reselect = None if selected is None else selected.receipt
        self.model.refresh()
        if selected is not None:
            # The panel at once (one read by primary key, not a search): a reprint's or a
            # void's count and banner show while the rows are read again.
            self._load_detail(selected.receipt)

    def wait_for_search(self, timeout_ms: int = 30_000) -> bool:
        """Block until the rows asked for have arrived (tests and the screenshots)."""
        return self.model.wait(timeout_ms)

    def _show_scan(self, scanned: ScannedSlip | None) -> None:
        if scanned is None:
            self.scan_banner.hide()
            return
        good = scanned.standing is SlipStanding.STANDING
        colour, background = (
            (palette.OK, palette.ACCEPT_BACKGROUND)
            if good
            else (VOID_MARK_COLOUR, palette.REFUSAL_BACKGROUND)
        )
        self.scan_banner.setStyleSheet(
            f"background:{background}; color:{colour}; border:1px solid {colour};"
            " border-radius:4px; padding:6px 10px;"
        )
        ja, en = scanned.ja, scanned.en
        if i18n.in_english():
            ja, en = en, ""
        self.scan_banner.setText(message_html(ja, en))
        self.scan_banner.show()

    # --- Qt overrides ---------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.range_check.isChecked():
            self.reset_dates()  # the counter may have stayed open past midnight
        if self._stale:
            self.refresh()
        self.focus_search()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            # The numeric keypad's Enter comes with KeypadModifier: still a plain Enter.
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if watched is self.table and enter and modifiers == Qt.KeyboardModifier.NoModifier:
                self.open_detail()
                return True
            if watched in (self.from_edit, self.to_edit) and enter:
                self._on_search_requested()
                return True
            if watched is self.search_edit and key == Qt.Key.Key_Down and self.model.rowCount():
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                if not self.table.currentIndex().isValid():
                    self.select_row(0)
                return True
        return super().eventFilter(watched, event)

    # --- slots --------------------------------------------------------------------

    def _on_search_requested(self) -> None:
        self.run_search()

    def _on_search_shortcut_activated(self) -> None:
        self.focus_search()

    def _on_reprint_requested(self) -> None:
        self.reprint_selected()

    def _on_void_requested(self) -> None:
        self.void_selected()

    def _on_export_requested(self) -> None:
        """Save every row of the current search as CSV (spreadsheet-safe cells, BOM)."""
        from ui.search_export import export_history_search  # noqa: PLC0415

        dialogs = self.services.dialogs
        path = dialogs.save_file(
            self,
            one_line(self, self.tr("検索結果をCSVに保存"), "Save the search as CSV"),
            Path.home() / "revoke-desk-history.csv",
            "CSV (*.csv)",
        )
        if path is None:
            return
        services, query = self.services, self.model.query  # the search on the screen
        try:
            services.ctx.signer()  # unlocked here, on the GUI thread, if it must ask
        except UserError as exc:
            dialogs.user_error(self, exc)
            return

        def export() -> tuple[int, Path]:
            try:
                return export_history_search(services, query, path), path
            except OSError as exc:
                raise UserError(
                    f"{path} に保存できませんでした（{exc.strerror}）",
                    f"could not write {path} ({exc.strerror})",
                ) from exc

        self.export_button.setEnabled(False)
        self.exports.submit(export)

    def _on_exports_finished(self, result: tuple[int, Path]) -> None:
        count, path = result
        self.export_button.setEnabled(True)
        self.services.dialogs.info(
            self,
            one_line(self, self.tr("CSVに保存"), "Export CSV"),
            f"{count}件を保存しました: {path}\n{count} rows saved to {path}",
        )

    def _on_exports_failed(self, error: UserError) -> None:
        self.export_button.setEnabled(True)
        self.services.dialogs.user_error(self, error)

    def _on_clear_button_clicked(self) -> None:
        self.search_edit.clear()
        self.range_check.setChecked(False)
        self.run_search()
        self.focus_search()

    def _on_range_check_toggled(self, checked: bool) -> None:
        self.from_edit.setEnabled(checked)
        self.to_edit.setEnabled(checked)

    def _on_table_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        shown = None if self.detail is None else self.detail.row.receipt
        receipt = self.model.row_at(current.row()).receipt if current.isValid() else None
        if receipt != shown:
            self.panel.show_status("")  # what was said about the last receipt
        if receipt is None:
            self._show_detail(None)
            return
        self._load_detail(receipt)

    def _on_table_double_clicked(self, _index: QModelIndex) -> None:
        self.open_detail()

    def _on_model_search_finished(self) -> None:
        target, self._reselect = self._reselect, None
        number = None if target is None else self.model.find(target)
        if number is not None:
            self.select_row(number)
        elif self.model.rowCount():
            self.select_row(0)
        else:
            self._show_detail(None)
        self._show_scan(self.model.scanned)

    def _on_model_load_failed(self, error: UserError) -> None:
        self._reselect = None
        self._show_count()
        self.services.dialogs.user_error(self, error)

    def _on_events_intakes_changed(self) -> None:
        # A hidden screen only notes it; it reads again when it is shown.
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def _on_events_clerks_changed(self) -> None:
        self._clerk_names = None
        self._stale = True

    def _on_events_settings_changed(self) -> None:
        self.model.timezone = self._timezone()
        self._catalogue = None
        self._stale = True


def _date_edit(name: str, initial: QDate) -> QDateEdit:
    edit = QDateEdit(initial)
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def _native(keys: str) -> str:
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


def _local(moment: datetime, timezone: str) -> str:
    return f"{moment.astimezone(ZoneInfo(timezone)):%Y-%m-%d %H:%M}"

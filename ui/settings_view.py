"""Settings and staff: the shop's details, this counter's printers and idle lock, the clerks,
and the shop's rule for sellers under the age limit.

Manager only.  A manager signed in uses it directly; anyone else sees a gate that
asks for a manager's code and PIN (``ctx.authenticate(require=Role.MANAGER)``), and
the approval lasts while the screen stays open: it ends when the clerk leaves the
screen or the counter locks (by hand or by the idle timer), so a manager who walks
away does not leave the staff list open for long.  Every change is made in the
approving manager's name.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.clerks import (
    ClerkView,
    Role,
    add_clerk,
    check_code,
    check_pin_format,
    deactivate_clerk,
    list_clerks,
    reset_pin,
)
from desktop.config import database_label
from desktop.errors import Problem, UserError, ValidationFailed
from desktop.minors import (
    DEFAULT_AGE_LIMIT,
    MAX_AGE_LIMIT,
    MIN_AGE_LIMIT,
    PREFECTURES,
    MinorsPolicy,
    current_policy,
    set_policy,
)
from desktop.rules import MAX_NAME
from desktop.settings import (
    BACKUP_DIR,
    BACKUP_KEEP,
    CUSTOMER_SCREEN,
    IDLE_LOCK_MINUTES,
    LANGUAGE,
    PRINTER_A4,
    PRINTER_THERMAL,
    Setting,
)
from desktop.setup import update_shop
from desktop.text import clean_text
from ui import palette
from ui.actions import run_action
from ui.fit import PageStack, scrolled
from ui.forms import FormGrid, ShopForm, error_label, heading, pin_edit, show_message
from ui.i18n import ERROR_SUBTITLE_STYLE, both, message, message_html, pair, stacked
from ui.services import Services

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
# Fields wider than this are harder to read across, not easier.
FORM_WIDTH = 900
_ROOT = QModelIndex()


def note_label() -> QLabel:
    """A confirmation ("saved") beside a button: green, so it is not read as an error."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setStyleSheet(f"color:{palette.OK};")
    return label


def available_printers() -> list[str]:
    """The printers the system offers (a module function, so tests can name their own)."""
    # Imported here: QtPrintSupport is only needed once this screen opens.
    from PySide6.QtPrintSupport import QPrinterInfo  # noqa: PLC0415

    return list(QPrinterInfo.availablePrinterNames())


class ClerkTableModel(QAbstractTableModel):
    """The staff list, over frozen ``ClerkView`` rows (never live ORM objects).  Read-only."""

    COLUMNS = ("code", "name", "role", "status")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ClerkView] = []
        self._headers = [
            both(self, self.tr("コード")),
            both(self, self.tr("氏名")),
            both(self, self.tr("役割")),
            both(self, self.tr("状態")),
        ]
        self._roles = {
            Role.CLERK: both(self, self.tr("担当者")),
            Role.MANAGER: both(self, self.tr("店長")),
        }
        self._states = {True: both(self, self.tr("有効")), False: both(self, self.tr("無効"))}

    def set_rows(self, rows: list[ClerkView]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def clerk_at(self, row: int) -> ClerkView:
        return self._rows[row]

    def row_of(self, code: str) -> int:
        return next((i for i, clerk in enumerate(self._rows) if clerk.code == code), -1)

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        clerk = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if column == "code":
            return clerk.code
        if column == "name":
            return clerk.name
        if column == "role":
            return self._roles[clerk.role]
        return self._states[clerk.active]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._headers):
            return self._headers[section]
        return None


class ManagerGate(QWidget):
    """Asks for a manager's code and PIN before a manager-only screen opens.

    Signals:
        approved(ClerkView): a manager's PIN was right.
    """

    approved = Signal(object)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("manager_code")
        self.code_edit.setMaxLength(8)
        self.pin_edit = pin_edit()
        self.pin_edit.setObjectName("manager_pin")
        self.approve_button = QPushButton(both(self, self.tr("承認")))
        self.approve_button.setObjectName("approve")
        self.message = error_label()
        self.message.setObjectName("gate_message")
        self.code_edit.returnPressed.connect(self._on_code_return_pressed)
        self.pin_edit.returnPressed.connect(self._on_approve_requested)
        self.approve_button.clicked.connect(self._on_approve_requested)

        form = QGridLayout()
        form.setHorizontalSpacing(16)
        for row, (text, edit) in enumerate(
            ((self.tr("店長の担当者コード"), self.code_edit), (self.tr("店長のPIN"), self.pin_edit))
        ):
            caption = QLabel(stacked(self, text))
            caption.setBuddy(edit)
            form.addWidget(caption, row, 0)
            form.addWidget(edit, row, 1)
        form.addWidget(self.message, 2, 0, 1, 2)
        form.addWidget(self.approve_button, 3, 1, Qt.AlignmentFlag.AlignRight)
        intro = QLabel(
            stacked(
                self,
                self.tr(
                    "設定とスタッフの管理は店長だけが行えます。店長の担当者コードとPINを入力してください。"
                ),
            )
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.addWidget(heading(stacked(self, self.tr("店長の承認が必要です"))))
        layout.addWidget(intro)
        layout.addSpacing(12)
        layout.addLayout(form)
        layout.addStretch(1)

    def reset(self) -> None:
        self.code_edit.clear()
        self.pin_edit.clear()
        show_message(self.message, "", "")
        self.code_edit.setFocus()

    def _on_code_return_pressed(self) -> None:
        self.pin_edit.setFocus(Qt.FocusReason.TabFocusReason)

    def _on_approve_requested(self) -> None:
        code = self.code_edit.text().strip().upper()
        try:
            manager = self._services.ctx.authenticate(
                code, self.pin_edit.text(), require=Role.MANAGER
            )
        except UserError as exc:
            show_message(self.message, exc.ja, exc.en)
            self.pin_edit.clear()
            self.pin_edit.setFocus()
            return
        log.info("manager %s approved the settings screen", manager.code)
        self.pin_edit.clear()
        show_message(self.message, "", "")
        self.approved.emit(manager)


class ShopPanel(QWidget):
    """The shop's details as the slips print them; saving them is a ledger entry.

    Emits ``events.settings_changed`` after a save; no signals of its own.
    """

    def __init__(self, view: SettingsView) -> None:
        super().__init__(view)
        self._view = view
        self.form = ShopForm()
        self.form.set_details(view.services.ctx.shop_profile())
        self.save_button = QPushButton(both(self, self.tr("店舗情報を保存")))
        self.save_button.setObjectName("save_shop")
        self.save_button.clicked.connect(self._on_save_clicked)
        self.message = error_label()
        self.note = note_label()
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.note, 1)
        buttons.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)
        hint = QLabel(
            stacked(self, self.tr("ここで変えた内容は、これから印刷する控えに載ります。"))
        )
        hint.setWordWrap(True)
        self.form.setMaximumWidth(FORM_WIDTH)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.form)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def _on_save_clicked(self) -> None:
        services = self._view.services
        manager = self._view.manager
        if manager is None:
            return
        self.form.clear_problems()
        self.note.clear()
        show_message(self.message, "", "")
        ctx = services.ctx
        done = run_action(
            services,
            self,
            lambda session: update_shop(
                session, ctx.signer(), self.form.details(), manager=manager.code, now=ctx.clock()
            ),
            logged=lambda _: f"shop details changed by {manager.code}",
            on_user_error=self._refused,
        )
        if not done.ok:
            return
        ctx.forget_shop_profile()
        self.note.setText(stacked(self, self.tr("保存しました")))
        services.events.settings_changed.emit()

    def _refused(self, error: UserError) -> None:
        """Each field's problem beneath it; the rest (or the refusal itself) above."""
        if not isinstance(error, ValidationFailed):
            show_message(self.message, error.ja, error.en)
            return
        rest = self.form.show_problems(error.problems)
        lines = [message_html(p.ja, p.en, ERROR_SUBTITLE_STYLE) for p in rest]
        self.message.setText(
            "<br>".join(lines) or message_html(error.ja, error.en, ERROR_SUBTITLE_STYLE)
        )
        self.message.setVisible(True)


class StationPanel(QWidget):
    """This counter's own settings: printers, idle lock, language (saved as they change).

    Emits ``events.settings_changed`` after each change; no signals of its own.
    """

    def __init__(self, view: SettingsView) -> None:
        super().__init__(view)
        self._view = view
        settings = view.services.settings
        self.form = FormGrid(self)
        self.thermal_combo = self._printer_combo(PRINTER_THERMAL)
        self.a4_combo = self._printer_combo(PRINTER_A4)
        self.form.add_row(
            "printer_thermal", self.tr("レシート（80mm）のプリンター"), self.thermal_combo
        )
        self.form.add_row("printer_a4", self.tr("A4のプリンター"), self.a4_combo)
        self.idle_spin = QSpinBox()
        assert IDLE_LOCK_MINUTES.minimum is not None and IDLE_LOCK_MINUTES.maximum is not None
        self.idle_spin.setRange(IDLE_LOCK_MINUTES.minimum, IDLE_LOCK_MINUTES.maximum)
        self.idle_spin.setValue(settings.get(IDLE_LOCK_MINUTES))
        self.idle_spin.setSuffix(" " + self.tr("分"))
        # Save once the number is complete, not at every digit typed.
        self.idle_spin.setKeyboardTracking(False)
        self.idle_spin.valueChanged.connect(self._on_idle_spin_value_changed)
        self.form.add_row(
            "idle_lock_minutes", self.tr("操作がないときに自動でロックするまで"), self.idle_spin
        )
        self.language_combo = QComboBox()
        self.language_combo.addItem("日本語 (Japanese)", "ja")
        self.language_combo.addItem("English (英語)", "en")
        self.language_combo.setCurrentIndex(
            max(0, self.language_combo.findData(settings.get(LANGUAGE)))
        )
        self.language_combo.activated.connect(self._on_language_combo_activated)
        self.form.add_row(
            "language", self.tr("表示言語（再起動後に反映されます）"), self.language_combo
        )
        # Where the customer reads and signs (desktop.settings.CUSTOMER_SCREEN's choices).
        self.customer_screen_combo = QComboBox()
        for value, label in (
            ("auto", self.tr("自動（2台目の画面があればそちら）")),
            ("main", self.tr("この画面")),
            ("second", self.tr("2台目の画面")),
        ):
            self.customer_screen_combo.addItem(both(self, label), value)
        self.customer_screen_combo.setCurrentIndex(
            max(0, self.customer_screen_combo.findData(settings.get(CUSTOMER_SCREEN)))
        )
        self.customer_screen_combo.activated.connect(self._on_customer_screen_combo_activated)
        self.form.add_row(
            "customer_screen", self.tr("お客様の確認・署名の画面"), self.customer_screen_combo
        )
        # Which database this PC uses (a file here, or the shop's server): a change is
        # used from the next start, when every screen opens on it.
        self.database_value = QLabel(database_label(view.services.ctx.db_url))
        self.database_value.setObjectName("database_value")
        self.database_button = QPushButton(both(self, self.tr("変更…")))
        self.database_button.setObjectName("change_database")
        self.database_button.clicked.connect(self._on_database_button_clicked)
        self.database_dialog: QWidget | None = None
        database_row = QHBoxLayout()
        database_row.addWidget(self.database_value, 1)
        database_row.addWidget(self.database_button)
        database_box = QWidget()
        database_box.setLayout(database_row)
        self.form.add_row("database", self.tr("データベース"), database_box)
        self.backup_edit = QLineEdit(settings.get(BACKUP_DIR))
        self.backup_edit.setObjectName("backup_dir")
        self.backup_edit.setReadOnly(True)
        self.backup_edit.setPlaceholderText("なし / none")
        self.backup_button = QPushButton(both(self, self.tr("選ぶ")))
        self.backup_button.clicked.connect(self._on_backup_button_clicked)
        backup_row = QHBoxLayout()
        backup_row.addWidget(self.backup_edit, 1)
        backup_row.addWidget(self.backup_button)
        backup_box = QWidget()
        backup_box.setLayout(backup_row)
        self.form.add_row(
            "backup_dir", self.tr("締めのたびにバックアップを保存するフォルダ"), backup_box
        )
        self.keep_spin = QSpinBox()
        assert BACKUP_KEEP.minimum is not None and BACKUP_KEEP.maximum is not None
        self.keep_spin.setRange(BACKUP_KEEP.minimum, BACKUP_KEEP.maximum)
        self.keep_spin.setValue(settings.get(BACKUP_KEEP))
        self.keep_spin.setKeyboardTracking(False)
        self.keep_spin.valueChanged.connect(self._on_keep_spin_value_changed)
        self.form.add_row("backup_keep", self.tr("残すバックアップの数"), self.keep_spin)
        self.note = note_label()
        hint = QLabel(
            stacked(
                self,
                self.tr("このパソコン（レジ）だけの設定です。変更はすぐに保存されます。"),
            )
        )
        hint.setWordWrap(True)
        self.form.setMaximumWidth(FORM_WIDTH)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.form)
        layout.addWidget(self.note)
        layout.addStretch(1)

    def _on_backup_button_clicked(self) -> None:
        start = Path(self.backup_edit.text() or Path.home())
        chosen = self._view.services.dialogs.choose_folder(
            self, "バックアップの保存先 / Backup folder", start
        )
        if chosen is None:
            return
        self._view.services.settings.set(BACKUP_DIR, str(chosen))
        self.backup_edit.setText(str(chosen))
        self._view.services.events.settings_changed.emit()

    def _on_keep_spin_value_changed(self, value: int) -> None:
        self._view.services.settings.set(BACKUP_KEEP, value)
        self._view.services.events.settings_changed.emit()

    def _printer_combo(self, setting: Setting[str]) -> QComboBox:
        combo = QComboBox()
        combo.addItem(both(self, self.tr("未設定（印刷のたびに選ぶ）")), "")
        for name in available_printers():
            combo.addItem(name, name)
        current = self._view.services.settings.get(setting)
        if current and combo.findData(current) < 0:
            # Chosen earlier but not connected now: keep it visible rather than lose it.
            combo.addItem(both(self, self.tr("{name}（見つかりません）"), name=current), current)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.activated.connect(lambda _index: self._on_printer_combo_activated(setting, combo))
        combo.setMinimumWidth(320)
        return combo

    def _changed(self) -> None:
        self.note.setText(stacked(self, self.tr("保存しました")))
        self._view.services.events.settings_changed.emit()

    def _on_printer_combo_activated(self, setting: Setting[str], combo: QComboBox) -> None:
        self._view.services.settings.set(setting, str(combo.currentData()))
        self._changed()

    def _on_idle_spin_value_changed(self, minutes: int) -> None:
        self._view.services.settings.set(IDLE_LOCK_MINUTES, minutes)
        self._changed()

    def _on_database_button_clicked(self) -> None:
        from ui.database_dialog import open_database_dialog  # noqa: PLC0415 - rarely needed

        self.database_dialog = open_database_dialog(self, self._on_database_chosen)

    def _on_database_chosen(self, url: str) -> None:
        from desktop.database_choice import without_password  # noqa: PLC0415

        shown = pair(self, self.tr("{url}（次回の起動から使われます）"), url=without_password(url))
        self.database_value.setText(message_html(*shown))

    def _on_customer_screen_combo_activated(self, _index: int) -> None:
        value = str(self.customer_screen_combo.currentData())
        self._view.services.settings.set(CUSTOMER_SCREEN, value)
        self._view.services.events.settings_changed.emit()

    def _on_language_combo_activated(self, _index: int) -> None:
        self._view.services.settings.set(LANGUAGE, str(self.language_combo.currentData()))
        self.note.setText(
            stacked(self, self.tr("保存しました。表示言語はアプリを再起動すると切り替わります。"))
        )
        self._view.services.events.settings_changed.emit()


class MinorsPanel(QWidget):
    """The shop's rule for sellers under the age limit (青少年保護育成条例).

    Saved as a signed ledger entry in the approving manager's name
    (``desktop.minors.set_policy``), so every intake is judged under a rule the chain
    shows.  Emits ``events.settings_changed`` after a save; no signals of its own.
    """

    def __init__(self, view: SettingsView) -> None:
        super().__init__(view)
        self._view = view
        self.form = FormGrid(self)
        self.prefecture_combo = QComboBox()
        self.prefecture_combo.addItem(both(self, self.tr("選ばない")), "")
        for prefecture in PREFECTURES:
            self.prefecture_combo.addItem(prefecture, prefecture)
        self.prefecture_combo.activated.connect(self._on_prefecture_combo_activated)
        self.form.add_row("prefecture", self.tr("都道府県（条例）"), self.prefecture_combo)
        self.age_spin = QSpinBox()
        self.age_spin.setRange(MIN_AGE_LIMIT, MAX_AGE_LIMIT)
        self.age_spin.setSuffix(" " + self.tr("歳未満"))
        self.form.add_row("age_limit", self.tr("保護者の同意が必要な年齢"), self.age_spin)
        self.consent_combo = QComboBox()
        self.consent_combo.addItem(both(self, self.tr("同意があれば受け付ける")), "accept")
        self.consent_combo.addItem(both(self, self.tr("受け付けない")), "refuse")
        for combo in (self.prefecture_combo, self.consent_combo):
            # As wide as the form gives, not as its longest item: the screen must fit 1366 px.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(16)
        self.form.add_row("consent", self.tr("未成年の方からの買取など"), self.consent_combo)
        self.save_button = QPushButton(both(self, self.tr("未成年の方のルールを保存")))
        self.save_button.setObjectName("save_minors")
        self.save_button.clicked.connect(self._on_save_clicked)
        self.current = QLabel()
        self.current.setObjectName("minors_current")
        self.current.setTextFormat(Qt.TextFormat.RichText)
        self.current.setWordWrap(True)
        self.message = error_label()
        self.message.setObjectName("minors_message")
        self.note = note_label()
        self.note.setObjectName("minors_note")
        hint = QLabel(
            stacked(
                self,
                self.tr(
                    "都道府県の青少年保護育成条例は、18歳未満の方から保護者の同意なく古物を買い受けることを"
                    "禁じています（例 福岡県 第30条）。都道府県を選ぶと年齢が入ります。修理受付には"
                    "かかりません。変更は店長の名前で記録に残ります。"
                ),
            )
        )
        hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.note, 1)
        buttons.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)
        self.form.setMaximumWidth(FORM_WIDTH)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.current)
        layout.addWidget(self.form)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        """Show the rule in force (its latest signed entry, or the safe default)."""
        with self._view.services.ctx.reading() as session:
            policy = current_policy(session)
        self.prefecture_combo.setCurrentIndex(
            max(0, self.prefecture_combo.findData(policy.prefecture))
        )
        self.age_spin.setValue(policy.age_limit)
        self.consent_combo.setCurrentIndex(0 if policy.consent_accepted else 1)
        self._show_current(policy)

    def policy(self) -> MinorsPolicy:
        """The rule as the form holds it now."""
        return MinorsPolicy(
            age_limit=self.age_spin.value(),
            consent_accepted=self.consent_combo.currentData() == "accept",
            prefecture=str(self.prefecture_combo.currentData() or ""),
        )

    def _show_current(self, policy: MinorsPolicy) -> None:
        text = (
            self.tr("現在のルール: {age}歳未満は保護者の同意を記録して受付")
            if policy.consent_accepted
            else self.tr("現在のルール: {age}歳未満からは買取・下取り・委託をしない")
        )
        where = f"（{policy.prefecture}）" if policy.prefecture else ""
        self.current.setText(f"<b>{stacked(self, text, age=policy.age_limit)}</b>{where}")

    def _on_prefecture_combo_activated(self, _index: int) -> None:
        # A preset fills in the age: every ordinance of 2026 sets 18.  Whether consent is
        # accepted at all stays the shop's own choice.
        if self.prefecture_combo.currentData():
            self.age_spin.setValue(DEFAULT_AGE_LIMIT)

    def _on_save_clicked(self) -> None:
        manager = self._view.manager
        if manager is None:
            return
        show_message(self.message, "", "")
        self.note.clear()
        ctx = self._view.services.ctx
        done = run_action(
            self._view.services,
            self,
            lambda session: set_policy(
                session, ctx.signer(), self.policy(), manager=manager.code, now=ctx.clock()
            ),
            logged=lambda _: f"minors policy changed by {manager.code}",
            on_user_error=lambda error: show_message(self.message, error.ja, error.en),
        )
        policy = done.value
        if policy is None:
            return
        self._show_current(policy)
        self.note.setText(stacked(self, self.tr("保存しました")))
        self._view.services.events.settings_changed.emit()


class StaffPanel(QWidget):
    """The clerks: list, add, deactivate, reset a PIN.

    Emits ``events.clerks_changed`` after each change; no signals of its own.
    """

    def __init__(self, view: SettingsView) -> None:
        super().__init__(view)
        self._view = view
        self.model = ClerkTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("clerks")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)

        self.deactivate_button = QPushButton(both(self, self.tr("選択した担当者を無効にする")))
        self.deactivate_button.setObjectName("deactivate")
        self.deactivate_button.clicked.connect(self._on_deactivate_clicked)
        self.reset_form = FormGrid(self)
        self.reset_form.add_field("new_pin", self.tr("新しいPIN"), pin_edit())
        self.reset_form.add_field("new_pin_again", self.tr("新しいPIN（もう一度）"), pin_edit())
        self.reset_button = QPushButton(both(self, self.tr("選択した担当者のPINを再設定")))
        self.reset_button.setObjectName("reset_pin")
        self.reset_button.clicked.connect(self._on_reset_clicked)
        self.reset_form.fields["new_pin_again"].returnPressed.connect(self._on_reset_clicked)
        selected = QGroupBox(both(self, self.tr("選択した担当者")))
        self.selected_label = QLabel()
        self.selected_label.setObjectName("selected_clerk")
        self.selected_label.setTextFormat(Qt.TextFormat.RichText)
        selected_layout = QVBoxLayout(selected)
        selected_layout.addWidget(self.selected_label)
        selected_layout.addWidget(self.reset_form)
        selected_layout.addWidget(self.reset_button, 0, Qt.AlignmentFlag.AlignRight)
        selected_layout.addWidget(self.deactivate_button, 0, Qt.AlignmentFlag.AlignRight)

        self.add_form = FormGrid(self)
        self.add_form.add_field("code", self.tr("担当者コード")).setPlaceholderText(
            self.tr("例: C02")
        )
        self.add_form.add_field("name", self.tr("氏名"))
        self.role_combo = QComboBox()
        self.role_combo.addItem(both(self, self.tr("担当者")), Role.CLERK.value)
        self.role_combo.addItem(both(self, self.tr("店長")), Role.MANAGER.value)
        self.add_form.add_row("role", self.tr("役割"), self.role_combo)
        self.add_form.add_field("pin", self.tr("PIN（4〜12桁の数字）"), pin_edit())
        self.add_form.add_field("pin_again", self.tr("PIN（もう一度）"), pin_edit())
        self.add_button = QPushButton(both(self, self.tr("スタッフを追加")))
        self.add_button.setObjectName("add_clerk")
        self.add_button.clicked.connect(self._on_add_clicked)
        self.add_form.fields["pin_again"].returnPressed.connect(self._on_add_clicked)
        adding = QGroupBox(both(self, self.tr("スタッフを追加")))
        adding_layout = QVBoxLayout(adding)
        adding_layout.addWidget(self.add_form)
        adding_layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignRight)

        self.message = error_label()
        self.message.setObjectName("staff_message")
        self.note = note_label()
        self.note.setObjectName("staff_note")

        side = QVBoxLayout()
        side.addWidget(adding)
        side.addWidget(selected)
        side.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.table, 1)
        left.addWidget(self.message)
        left.addWidget(self.note)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(side, 2)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.refresh()

    def refresh(self) -> None:
        selected = self.selected_clerk()
        with self._view.services.ctx.reading() as session:
            self.model.set_rows(list_clerks(session))
        # A model reset clears the selection without a signal: keep the same clerk selected.
        if selected is not None:
            self.select(selected.code)
        self._on_table_selection_changed()

    def select(self, code: str) -> None:
        row = self.model.row_of(code)
        if row >= 0:
            self.table.selectRow(row)

    def selected_clerk(self) -> ClerkView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.clerk_at(rows[0].row()) if rows else None

    def _on_table_selection_changed(self) -> None:
        clerk = self.selected_clerk()
        if clerk is None:
            self.selected_label.setText(stacked(self, self.tr("表で担当者を選んでください")))
        else:
            self.selected_label.setText(
                f"<b>{html.escape(clerk.code)}　{html.escape(clerk.name)}</b>"
            )
        for button in (self.reset_button, self.deactivate_button):
            button.setEnabled(clerk is not None)

    def _clear_messages(self) -> None:
        show_message(self.message, "", "")
        self.note.clear()
        self.add_form.clear_problems()
        self.reset_form.clear_problems()

    def _fail(self, exc: UserError) -> None:
        show_message(self.message, exc.ja, exc.en)

    def _done(self, text: str, **values: object) -> None:
        self.note.setText(stacked(self, text, **values))
        self.refresh()
        self._view.services.events.clerks_changed.emit()

    def _need_selection(self) -> ClerkView | None:
        clerk = self.selected_clerk()
        if clerk is None:
            show_message(self.message, *pair(self, self.tr("先に表から担当者を選んでください")))
        return clerk

    def _on_add_clicked(self) -> None:
        manager = self._view.manager
        if manager is None:
            return
        self._clear_messages()
        fields = self.add_form.fields
        code = fields["code"].text().strip().upper()
        pin = fields["pin"].text()
        problems: list[Problem] = []
        for key, check, value in (("code", check_code, code), ("pin", check_pin_format, pin)):
            try:
                check(value)
            except UserError as exc:
                problems.append(Problem(key, exc.ja, exc.en))
        _, name_problem = clean_text("name", fields["name"].text(), max_len=MAX_NAME)
        if name_problem is not None:
            problems.append(name_problem)
        if fields["pin_again"].text() != pin:
            problems.append(
                Problem(
                    "pin_again",
                    *pair(self, self.tr("PINが一致しません。同じPINを2回入力してください")),
                )
            )
        if problems:
            self.add_form.show_problems(problems)
            return
        ctx = self._view.services.ctx
        done = run_action(
            self._view.services,
            self,
            lambda session: add_clerk(
                session,
                ctx.signer(),
                code=code,
                name=fields["name"].text(),
                role=Role(self.role_combo.currentData()),
                pin=pin,
                now=ctx.clock(),
                added_by=manager.code,
            ),
            logged=lambda added: f"clerk {added.code} added by {manager.code}",
            on_user_error=self._fail,
        )
        clerk = done.value
        if clerk is None:
            return
        for edit in fields.values():
            edit.clear()
        self.role_combo.setCurrentIndex(0)
        self._done(self.tr("{code} {name} を追加しました"), code=clerk.code, name=clerk.name)
        self.select(clerk.code)

    def _on_deactivate_clicked(self) -> None:
        manager = self._view.manager
        if manager is None:
            return
        self._clear_messages()
        clerk = self._need_selection()
        if clerk is None:
            return
        question = pair(
            self,
            self.tr(
                "{code} {name} を無効にしますか？無効にした担当者はロック解除できなくなります（記録は残ります）。"
            ),
            code=clerk.code,
            name=clerk.name,
        )
        if not self._view.services.dialogs.confirm(
            self, both(self, self.tr("担当者を無効にする")), message(*question)
        ):
            return
        ctx = self._view.services.ctx
        done = run_action(
            self._view.services,
            self,
            lambda session: deactivate_clerk(
                session, ctx.signer(), code=clerk.code, by=manager.code, now=ctx.clock()
            ),
            logged=lambda _: f"clerk {clerk.code} deactivated by {manager.code}",
            on_user_error=self._fail,
        )
        if not done.ok:
            return
        self._done(self.tr("{code} を無効にしました"), code=clerk.code)

    def _on_reset_clicked(self) -> None:
        manager = self._view.manager
        if manager is None:
            return
        self._clear_messages()
        clerk = self._need_selection()
        if clerk is None:
            return
        fields = self.reset_form.fields
        pin = fields["new_pin"].text()
        try:
            check_pin_format(pin)
        except UserError as exc:
            self.reset_form.show_problems([Problem("new_pin", exc.ja, exc.en)])
            return
        if fields["new_pin_again"].text() != pin:
            self.reset_form.show_problems(
                [
                    Problem(
                        "new_pin_again",
                        *pair(self, self.tr("PINが一致しません。同じPINを2回入力してください")),
                    )
                ]
            )
            return
        ctx = self._view.services.ctx
        done = run_action(
            self._view.services,
            self,
            lambda session: reset_pin(
                session, ctx.signer(), code=clerk.code, pin=pin, by=manager.code, now=ctx.clock()
            ),
            logged=lambda _: f"PIN of clerk {clerk.code} reset by {manager.code}",
            on_user_error=self._fail,
        )
        if not done.ok:
            return
        for edit in fields.values():
            edit.clear()
        self._done(self.tr("{code} のPINを再設定しました"), code=clerk.code)
        self.select(clerk.code)


class SettingsView(QWidget):
    """Settings and staff (manager only), behind a manager gate for anyone else.

    Emits ``events.settings_changed`` and ``events.clerks_changed``; listens to
    ``events.locked`` (the approval ends).  No signals of its own.
    """

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.manager: ClerkView | None = None
        self.gate = ManagerGate(services, self)
        self.gate.approved.connect(self._on_gate_approved)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settingsTabs")
        self.shop_panel = ShopPanel(self)
        self.station_panel = StationPanel(self)
        self.staff_panel = StaffPanel(self)
        self.minors_panel = MinorsPanel(self)
        # Each panel scrolls on its own: the staff form is taller than a 768-pixel screen
        # leaves once the window's bars are drawn.
        self._tab_of: dict[QWidget, QWidget] = {}
        for panel, title in (
            (self.shop_panel, self.tr("店舗")),
            (self.station_panel, self.tr("このレジ")),
            (self.staff_panel, self.tr("スタッフ")),
            (self.minors_panel, self.tr("未成年の方")),
        ):
            self._tab_of[panel] = scrolled(panel)
            self.tabs.addTab(self._tab_of[panel], both(self, title))
        self.approval = QLabel()
        self.approval.setObjectName("approval")
        self.approval.setTextFormat(Qt.TextFormat.RichText)
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(24, 16, 24, 16)
        title_row = QHBoxLayout()
        title_row.addWidget(heading(stacked(self, self.tr("設定・スタッフ"))))
        title_row.addStretch(1)
        title_row.addWidget(self.approval)
        content_layout.addLayout(title_row)
        content_layout.addWidget(self.tabs, 1)
        self.pages = PageStack()
        self.pages.addWidget(self.gate)
        self.pages.addWidget(content)
        self._content = content
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        services.events.locked.connect(self._on_events_locked)
        services.events.clerks_changed.connect(self.staff_panel.refresh)
        self._enter()

    def show_tab(self, panel: QWidget) -> None:
        """Bring the tab of ``panel`` (one of the four panels) to the front."""
        self.tabs.setCurrentWidget(self._tab_of[panel])

    def is_open(self) -> bool:
        """Whether the settings themselves (not the gate) are showing."""
        return self.pages.currentWidget() is self._content

    def _enter(self) -> None:
        clerk = self.services.state.clerk
        if clerk is not None and clerk.role is Role.MANAGER:
            self._open_for(clerk)
        elif self.manager is None:
            self.pages.setCurrentWidget(self.gate)
            self.gate.reset()

    def _open_for(self, manager: ClerkView) -> None:
        self.manager = manager
        self.approval.setText(
            stacked(self, self.tr("承認: {code} {name}"), code=manager.code, name=manager.name)
        )
        self.staff_panel.refresh()
        self.minors_panel.refresh()
        self.shop_panel.form.set_details(self.services.ctx.shop_profile())
        self.pages.setCurrentWidget(self._content)

    def _close_approval(self) -> None:
        self.manager = None
        self.pages.setCurrentWidget(self.gate)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._enter()

    def hideEvent(self, event: QHideEvent) -> None:
        # Leaving the screen ends a manager's approval given for it (a signed-in
        # manager is let straight back in by showEvent).  A spontaneous hide is the
        # window being minimised, not the clerk leaving.
        if not event.spontaneous():
            self._close_approval()
        super().hideEvent(event)

    def _on_gate_approved(self, manager: ClerkView) -> None:
        self._open_for(manager)

    def _on_events_locked(self) -> None:
        self._close_approval()

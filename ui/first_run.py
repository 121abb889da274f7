"""First run: the shop, this counter (station) and the first manager, in one form.

The form checks every field with the core's own rules before anything is written
(so a mistake never leaves a half-made station key behind), shows each problem
beneath its field in Japanese and English, then runs ``desktop.setup.initialise``
in one transaction.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.app import AppContext
from desktop.clerks import Role, check_code, check_pin_format
from desktop.errors import Problem, UserError, ValidationFailed
from desktop.key_access import key_store_account, os_key_store
from desktop.keys import MIN_PASSPHRASE_LEN, check_new_passphrase, passphrase_from_environment
from desktop.rules import MAX_NAME
from desktop.setup import (
    check_station_code,
    initialise,
    next_free_station,
    station_codes,
    validate_shop,
)
from desktop.text import clean_text
from ui.fit import scrolled
from ui.forms import (
    FormGrid,
    ShopForm,
    error_label,
    heading,
    passphrase_edit,
    pin_edit,
    section,
    show_message,
)
from ui.i18n import (
    ERROR_SUBTITLE_STYLE,
    bilingual,
    both,
    message,
    message_html,
    pair,
    stacked,
)
from ui.services import DialogService

log = logging.getLogger(__name__)

DEFAULT_STATION = "S01"


# Joining a shop that is set up already (a further counter of a shared database).
# Written here in both languages, as the passphrase fields are: their English is
# not in the translation catalogue.
JOIN_TITLE = ("Revoke Desk レジの追加", "Revoke Desk: add a counter")
JOIN_HEADING = ("レジの追加", "Add a counter")
JOIN_SECTION = ("このレジと承認する店長", "This counter and the approving manager")
JOIN_MANAGER_CODE = ("登録済みの店長の担当者コード", "Code of an existing manager")
JOIN_MANAGER_PIN = ("その店長のPIN", "That manager's PIN")


def _taken_text(taken: list[str]) -> tuple[str, str]:
    codes = ", ".join(taken)
    return f"使用中のステーションコード: {codes}", f"station codes in use: {codes}"


class FirstRunView(QWidget):
    """The first-run set-up form.

    Signals:
        completed(str): set-up is committed; the argument is this counter's station code.
        database_chosen(str): another database was chosen (the shop's server): the
            caller opens it and shows the set-up for it (a new shop, or joining one).
    """

    completed = Signal(str)
    database_chosen = Signal(str)

    def __init__(
        self, ctx: AppContext, dialogs: DialogService, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._dialogs = dialogs
        # On a shared (PostgreSQL) database another counter may have made the shop
        # already: then this form adds a counter and the manager must already exist.
        self._joining = ctx.is_initialised()
        self._taken: list[str] = []
        if self._joining:
            with ctx.reading() as session:
                self._taken = station_codes(session)
            self.setWindowTitle(" / ".join(bilingual("", *JOIN_TITLE)))
        else:
            self.setWindowTitle(both(self, self.tr("Revoke Desk 初期設定")))

        self.shop_form = ShopForm()
        self.counter_form = FormGrid(self)
        station = self.counter_form.add_field("station", self.tr("このレジのステーションコード"))
        if self._joining:
            # Joining: the first code no counter has, and only an existing manager
            # approves (their PIN is checked, not set: no name, no second entry).
            station.setText(next_free_station(self._taken))
            station.setToolTip(message(*bilingual("", *_taken_text(self._taken))))
            label, english = bilingual("", *JOIN_MANAGER_CODE)
            self.counter_form.add_field("manager_code", label, english=english)
            label, english = bilingual("", *JOIN_MANAGER_PIN)
            self.counter_form.add_field("pin", label, pin_edit(), english=english)
        else:
            station.setText(DEFAULT_STATION)
            self.counter_form.add_field("manager_code", self.tr("店長の担当者コード"))
            self.counter_form.add_field("manager_name", self.tr("店長の氏名"))
            self.counter_form.add_field("pin", self.tr("店長のPIN（6〜12桁の数字）"), pin_edit())
            self.counter_form.add_field(
                "pin_again", self.tr("PIN（確認のためもう一度）"), pin_edit()
            )
        self.counter_form.fields["manager_code"].setPlaceholderText(self.tr("例: M01"))
        # The station key is encrypted at rest (desktop.keys); its passphrase is typed
        # here unless the environment gives it (REVOKE_DESK_KEY_PASSPHRASE).
        self._asks_passphrase = passphrase_from_environment() is None
        self._key_store = os_key_store() if self._asks_passphrase else None
        self.remember_key = QCheckBox(
            "パスフレーズをこのパソコンの鍵ストアに保存する / keep the passphrase in this PC's key store"
        )
        self.remember_key.setObjectName("remember_key")
        if self._asks_passphrase:
            self.counter_form.add_field(
                "key_passphrase",
                f"署名鍵のパスフレーズ（{MIN_PASSPHRASE_LEN}文字以上）",
                passphrase_edit(),
                english=f"Station key passphrase ({MIN_PASSPHRASE_LEN}+ characters)",
            )
            self.counter_form.add_field(
                "key_passphrase_again",
                "パスフレーズ（確認のためもう一度）",
                passphrase_edit(),
                english="Passphrase again, to confirm",
            )
        self.remember_key.setVisible(self._key_store is not None)

        self.submit_button = QPushButton(both(self, self.tr("設定して始める")))
        self.submit_button.setObjectName("submit")
        self.submit_button.clicked.connect(self._on_submit_clicked)
        self.message = error_label()
        self.message.setObjectName("message")

        intro_text = self.tr(
            "このパソコンで初めて使うための設定です。店舗の情報は控え（レシート）に印刷されます。"
        )
        if self._joining:
            intro_text = self.tr(
                "店舗は設定済みです。このレジを追加します。登録済みの店長の担当者コードとPINを入力してください。"
            )
            self.shop_form.set_details(ctx.shop_profile())
            self.shop_form.set_read_only(True)
        intro = QLabel(stacked(self, intro_text))
        intro.setWordWrap(True)

        columns = QHBoxLayout()
        columns.setSpacing(40)
        left = QVBoxLayout()
        left.addWidget(section(stacked(self, self.tr("店舗"))))
        left.addWidget(self.shop_form)
        left.addStretch(1)
        right = QVBoxLayout()
        if self._joining:
            right.addWidget(section(message_html(*bilingual("", *JOIN_SECTION))))
        else:
            right.addWidget(section(stacked(self, self.tr("このレジと店長"))))
        right.addWidget(self.counter_form)
        right.addWidget(self.remember_key)
        right.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        # The two forms scroll (their error lines make them taller than a 768-pixel
        # screen leaves); the heading and the button row stay in view.
        forms = QWidget()
        columns.setContentsMargins(0, 0, 16, 0)  # room for the scroll bar beside the fields
        forms.setLayout(columns)

        # A counter of a chain sets up on the shop's server, not on a file of its own.
        self.database_button = QPushButton(both(self, self.tr("サーバーのデータベースを使う…")))
        self.database_button.setObjectName("choose_database")
        self.database_button.clicked.connect(self._on_database_clicked)
        self.database_dialog: QWidget | None = None
        buttons = QHBoxLayout()
        buttons.addWidget(
            self.database_button, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        )
        buttons.addWidget(self.message, 1)
        buttons.addWidget(
            self.submit_button, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
        )

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.setSpacing(16)
        if self._joining:
            layout.addWidget(heading(message_html(*bilingual("", *JOIN_HEADING))))
        else:
            layout.addWidget(heading(stacked(self, self.tr("初期設定"))))
        layout.addWidget(intro)
        layout.addWidget(scrolled(forms), 1)
        layout.addLayout(buttons)
        self._chain_fields()

    def _on_database_clicked(self) -> None:
        from ui.database_dialog import open_database_dialog  # noqa: PLC0415 - rarely needed

        self.database_dialog = open_database_dialog(self, self.database_chosen.emit)

    def _ordered_fields(self) -> list[QLineEdit]:
        shop = [] if self._joining else [self.shop_form.fields[k] for k in ShopForm.FIELDS]
        return shop + list(self.counter_form.fields.values())

    def _chain_fields(self) -> None:
        """Tab and Enter walk the fields in reading order; Enter on the last one submits.

        Enter moves on rather than submitting at once because a barcode scanner ends
        its input with Enter, and a half-filled form should not be sent.
        """
        fields = self._ordered_fields()
        for edit in self.shop_form.fields.values():
            edit.setFocusPolicy(
                Qt.FocusPolicy.NoFocus if self._joining else Qt.FocusPolicy.StrongFocus
            )
        for current, following in itertools.pairwise(fields):
            QWidget.setTabOrder(current, following)
            current.returnPressed.connect(self._focus_next(following))
        QWidget.setTabOrder(fields[-1], self.submit_button)
        fields[-1].returnPressed.connect(self._on_submit_clicked)
        fields[0].setFocus()

    @staticmethod
    def _focus_next(edit: QLineEdit) -> Callable[[], None]:
        def focus() -> None:
            edit.setFocus(Qt.FocusReason.TabFocusReason)
            edit.selectAll()

        return focus

    def first_field(self) -> QLineEdit:
        return self._ordered_fields()[0]

    def problems(self) -> list[Problem]:
        """Every rule the form breaks, each named by its field (nothing is written)."""
        problems: list[Problem] = []
        try:
            validate_shop(self.shop_form.details())
        except ValidationFailed as exc:
            problems.extend(exc.problems)
        fields = self.counter_form.fields
        # A new manager's PIN has 6+ digits; joining, an existing manager's PIN is only
        # checked, whatever its length.
        role = Role.CLERK if self._joining else Role.MANAGER
        for key, check, value in (
            ("station", self._check_station, self._station()),
            ("manager_code", check_code, self._manager_code()),
            ("pin", lambda pin: check_pin_format(pin, role), fields["pin"].text()),
        ):
            try:
                check(value)
            except UserError as exc:
                problems.append(Problem(key, exc.ja, exc.en))
        if not self._joining:
            _, name_problem = clean_text(
                "manager_name", fields["manager_name"].text(), max_len=MAX_NAME, required=False
            )
            if name_problem is not None:
                problems.append(name_problem)
            if fields["pin_again"].text() != fields["pin"].text():
                ja, en = pair(self, self.tr("PINが一致しません。同じPINを2回入力してください"))
                problems.append(Problem("pin_again", ja, en))
        if self._asks_passphrase:
            try:
                check_new_passphrase(fields["key_passphrase"].text())
            except UserError as exc:
                problems.append(Problem("key_passphrase", exc.ja, exc.en))
            if fields["key_passphrase_again"].text() != fields["key_passphrase"].text():
                problems.append(
                    Problem(
                        "key_passphrase_again",
                        "パスフレーズが一致しません。同じものを2回入力してください",
                        "the passphrases do not match: type the same one twice",
                    )
                )
        return problems

    def _check_station(self, code: str) -> None:
        check_station_code(code)
        if code in self._taken:
            ja, en = _taken_text(self._taken)
            raise UserError(
                f"ステーション {code} は別のレジが使っています。{ja}",
                f"station {code} is another counter's. {en}",
            )

    def _key_passphrase(self) -> str | None:
        if not self._asks_passphrase:
            return None  # initialise takes REVOKE_DESK_KEY_PASSPHRASE
        return self.counter_form.fields["key_passphrase"].text()

    def _station(self) -> str:
        return self.counter_form.fields["station"].text().strip().upper()

    def _manager_code(self) -> str:
        return self.counter_form.fields["manager_code"].text().strip().upper()

    def _show_problems(self, problems: list[Problem]) -> None:
        self.shop_form.clear_problems()
        self.counter_form.clear_problems()
        rest = self.counter_form.show_problems(self.shop_form.show_problems(problems))
        summary = pair(
            self, self.tr("赤字の項目を直してから、もう一度「設定して始める」を押してください")
        )
        lines = [message_html(p.ja, p.en, ERROR_SUBTITLE_STYLE) for p in rest]
        self.message.setText("<br>".join([*lines, message_html(*summary, ERROR_SUBTITLE_STYLE)]))
        self.message.setVisible(True)

    def _on_submit_clicked(self) -> None:
        problems = self.problems()
        if problems:
            self._show_problems(problems)
            return
        fields = self.counter_form.fields
        try:
            if self._joining:
                # The manager's PIN in a transaction of its own first, so that a wrong
                # one is counted (the set-up rolls back as a whole when it fails).
                self._ctx.authenticate(
                    self._manager_code(), fields["pin"].text(), require=Role.MANAGER
                )
            with self._ctx.transaction() as session:
                signer = initialise(
                    session,
                    keys_dir=self._ctx.keys_dir,
                    shop=self.shop_form.details(),
                    station=self._station(),
                    manager_code=self._manager_code(),
                    manager_name=fields["manager_name"].text() if "manager_name" in fields else "",
                    manager_pin=fields["pin"].text(),
                    now=self._ctx.clock(),
                    key_passphrase=self._key_passphrase(),
                )
        except ValidationFailed as exc:
            self._show_problems(exc.problems)
            return
        except UserError as exc:
            self.shop_form.clear_problems()
            self.counter_form.clear_problems()
            show_message(self.message, exc.ja, exc.en)
            return
        log.info("first run: station %s set up", signer.station)
        passphrase = self._key_passphrase() or passphrase_from_environment()
        # The key was just made with this passphrase: no second ask when the counter opens.
        self._ctx.adopt_signer(signer, passphrase)
        if self._key_store is not None and passphrase and self.remember_key.isChecked():
            try:
                self._key_store.set(
                    key_store_account(self._ctx.keys_dir, signer.station), passphrase
                )
            except UserError as exc:
                self._dialogs.user_error(self, exc)
        for key in ("pin", "pin_again", "key_passphrase", "key_passphrase_again"):
            if key in fields:
                fields[key].clear()
        self.completed.emit(signer.station)

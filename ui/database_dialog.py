"""Choose this PC's database: this PC's own file, or the shop's PostgreSQL server.

Used from the first run (a counter joining a chain's server) and from the settings'
counter tab.  The rules are the core's (desktop.database_choice): the URL is saved without
its password, which goes to PostgreSQL's password file, and the server is tried before
anything is saved, so a typing mistake never leaves the counter pointing nowhere.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop import config
from desktop.database_choice import (
    DEFAULT_PORT,
    check_connection,
    check_server_details,
    save_choice,
    store_password,
    use_this_pc,
    without_password,
)
from desktop.errors import UserError
from ui.forms import FormGrid, error_label, show_message
from ui.i18n import both, message_html, pair

log = logging.getLogger(__name__)


class DatabaseDialog(QDialog):
    """The two choices, the server's fields, 接続を試す and 保存.

    Signals:
        chosen(str): saved; the database to use (the next start uses it; the first run
            switches to it at once).  Also kept in :attr:`chosen_url`.
    """

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(both(self, self.tr("データベースの選択")))
        self.chosen_url = ""
        self.this_pc = QRadioButton(both(self, self.tr("このパソコン（SQLite）")))
        self.this_pc.setObjectName("database_this_pc")
        self.server = QRadioButton(both(self, self.tr("店舗のサーバー（PostgreSQL）")))
        self.server.setObjectName("database_server")
        self.form = FormGrid(self)
        self.host = self.form.add_field("host", self.tr("サーバー名（ホスト）"))
        self.port = self.form.add_field("port", self.tr("ポート"))
        self.port.setText(str(DEFAULT_PORT))
        self.database = self.form.add_field("database", self.tr("データベース名"))
        self.user = self.form.add_field("user", self.tr("ユーザー名"))
        self.password = self.form.add_field("password", self.tr("パスワード"))
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = error_label()
        self.message.setObjectName("database_message")
        self.try_button = QPushButton(both(self, self.tr("接続を試す")))
        self.try_button.setObjectName("database_try")
        self.save_button = QPushButton(both(self, self.tr("保存")))
        self.save_button.setObjectName("database_save")
        self.save_button.setDefault(True)
        cancel = QPushButton(both(self, self.tr("キャンセル")))
        self.try_button.clicked.connect(self._on_try_clicked)
        self.save_button.clicked.connect(self._on_save_clicked)
        cancel.clicked.connect(self.reject)
        self.this_pc.toggled.connect(self._on_choice_toggled)
        buttons = QHBoxLayout()
        buttons.addWidget(self.try_button)
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.this_pc)
        layout.addWidget(self.server)
        layout.addWidget(self.form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self._load_current()

    def _load_current(self) -> None:
        try:
            saved = config.saved_database_url()
        except UserError as error:  # a damaged choice file: start from this PC
            show_message(self.message, error.ja, error.en)
            saved = None
        if saved and saved.startswith("postgresql"):
            from sqlalchemy.engine import make_url  # noqa: PLC0415 - only for a server

            url = make_url(saved)
            self.host.setText(url.host or "")
            self.port.setText(str(url.port or DEFAULT_PORT))
            self.database.setText(url.database or "")
            self.user.setText(url.username or "")
            self.server.setChecked(True)
        else:
            self.this_pc.setChecked(True)
        self._on_choice_toggled()

    def _on_choice_toggled(self, *_args: object) -> None:
        self.form.setEnabled(self.server.isChecked())
        self.try_button.setEnabled(self.server.isChecked())

    def _server_url(self) -> str:
        details = check_server_details(
            self.host.text(), self.port.text(), self.database.text(), self.user.text()
        )
        if self.password.text():
            store_password(details, self.password.text())
        url = details.url()
        check_connection(url)
        return url

    def _on_try_clicked(self) -> None:
        try:
            url = self._server_url()
        except UserError as error:
            show_message(self.message, error.ja, error.en)
            return
        self.message.setText(
            message_html(*pair(self, self.tr("接続できました: {url}"), url=without_password(url)))
        )
        self.message.show()

    def _on_save_clicked(self) -> None:
        try:
            if self.this_pc.isChecked():
                use_this_pc()
                self.chosen_url = config.resolve_db_url(None)
            else:
                self.chosen_url = self._server_url()
                save_choice(self.chosen_url)
        except UserError as error:
            show_message(self.message, error.ja, error.en)
            return
        log.info("database chosen: %s", without_password(self.chosen_url))
        self.accept()
        self.chosen.emit(self.chosen_url)


def open_database_dialog(parent: QWidget, on_chosen: Callable[[str], None]) -> DatabaseDialog:
    """Open the dialog over ``parent`` (window-modal, not blocking); ``on_chosen`` gets the
    database once it is saved."""
    dialog = DatabaseDialog(parent)
    dialog.chosen.connect(on_chosen)
    dialog.open()
    return dialog

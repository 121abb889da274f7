"""The About dialog: the version, the licences (ours, the fonts', Qt's) and where the data is.

Reachable from every screen, the lock screen too (status-bar button, Shift+F1): a shop
on the phone to support reads the version and the data folder from it.  Its texts
carry their English inline (``_t``) rather than in the Qt Linguist catalogue: they
are few, and fixed.
"""

from __future__ import annotations

import platform
from importlib import metadata
from importlib.resources import files
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QObject, Qt, qVersion
from PySide6.QtGui import QAction, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from desktop import config
from desktop.version import DISTRIBUTION, app_version
from ui.i18n import in_english
from ui.services import Services

SHORTCUT = "Shift+F1"
ICON = "revoke-desk.png"
# (name, licence, file under reports/fonts with its full text)
FONT_LICENCES = (
    (
        "BIZ UDPGothic (Morisawa)",
        "SIL Open Font License 1.1",
        "OFL.txt",
    ),
    (
        "花園明朝B / HanaMinB (GlyphWiki Project)",
        "Hanazono Font License / SIL Open Font License 1.1",
        "HANAZONO-LICENSE.txt",
    ),
)
QT_NOTE = (
    "Qt 6 と PySide6 は GNU LGPL v3 のもとで使用しています。差し替えのできる共有ライブラリとして"
    "同梱しています（インストール先のフォルダ内）。",
    "Qt 6 and PySide6 are used under the GNU LGPL v3, as shared libraries that can be "
    "replaced (in the installed folder).",
)


def _t(ja: str, en: str) -> str:
    """One label: English alone when the UI is in English, else "日本語 / English"."""
    return en if in_english() else f"{ja} / {en}"


def icon_path() -> Path:
    return Path(str(files("ui").joinpath("icons", ICON)))


def app_icon() -> QIcon:
    """The app's icon (the window icon, the About dialog); empty if the file is missing."""
    return QIcon(str(icon_path()))


def our_licence() -> str:
    try:
        meta = metadata.metadata(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "LicenseRef-Proprietary"
    for field in ("License-Expression", "License"):
        values = meta.get_all(field)
        if values:
            return str(values[0])
    return "LicenseRef-Proprietary"


def database_text(url: str) -> str:
    """The database, never with its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "?"


def licence_text(name: str) -> str:
    try:
        return files("reports").joinpath("fonts", name).read_text(encoding="utf-8")
    except OSError:
        return ""


class AboutDialog(QDialog):
    """Version, licences and data locations.  No signals; closes with its button."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(_t("Revoke Desk について", "About Revoke Desk"))
        self.resize(760, 560)
        layout = QVBoxLayout(self)

        heading = QLabel()
        heading.setObjectName("aboutHeading")
        pixmap = QPixmap(str(icon_path()))
        icon = QLabel()
        if not pixmap.isNull():
            icon.setPixmap(
                pixmap.scaled(
                    72,
                    72,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        self.version = app_version()
        heading.setText(
            f"<b style='font-size:140%'>Revoke Desk {self.version}</b><br>"
            + _t("スマホ用電子証明書の失効確認と古物台帳の受付", "Certificate revocation counter")
        )
        top = QFormLayout()
        top.addRow(icon, heading)
        layout.addLayout(top)

        tabs = QTabWidget()
        tabs.addTab(self._general(services), _t("概要", "General"))
        tabs.addTab(self._licences(), _t("ライセンス", "Licences"))
        layout.addWidget(tabs)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _general(self, services: Services) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.locations = {
            "data": config.data_location().describe(),
            "database": database_text(services.ctx.db_url),
            "keys": str(services.ctx.keys_dir),
            "trust": str(config.trust_dir()),
            "log": str(config.log_dir()),
        }
        labels = {
            "data": _t("データの場所", "Data folder"),
            "database": _t("データベース", "Database"),
            "keys": _t("署名鍵", "Station keys"),
            "trust": _t("信頼情報", "Trust folder"),
            "log": _t("ログ", "Log"),
        }
        form.addRow(_t("バージョン", "Version"), QLabel(self.version))
        for key, value in self.locations.items():
            label = QLabel(value)
            label.setObjectName(f"about_{key}")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            form.addRow(labels[key], label)
        runtime = f"Python {platform.python_version()}, Qt {qVersion()}, PySide6 {pyside_version}"
        form.addRow(_t("実行環境", "Runtime"), QLabel(runtime))
        return page

    def _licences(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        ja, en = QT_NOTE
        lines = [
            f"Revoke Desk: {our_licence()} — "
            + _t("この店舗での利用に限り許諾", "licensed to the shop that installs it"),
            *(f"{name}: {licence}" for name, licence, _ in FONT_LICENCES),
            en if in_english() else f"{ja}\n{en}",
        ]
        summary = QLabel("\n".join(lines))
        summary.setObjectName("aboutLicences")
        summary.setWordWrap(True)
        summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(summary)
        self.licence_texts = QPlainTextEdit()
        self.licence_texts.setObjectName("aboutLicenceTexts")
        self.licence_texts.setReadOnly(True)
        self.licence_texts.setPlainText(
            "\n\n".join(
                f"==== {name} — {file_name} ====\n\n{licence_text(file_name)}"
                for name, _, file_name in FONT_LICENCES
            )
        )
        layout.addWidget(self.licence_texts)
        return page


class _Opener(QObject):
    """Opens the dialog over its parent window.

    A bound method of a child QObject that finds the window as its parent, not a
    closure over the window: that would hold the window from its own action and keep
    it alive after it closed.
    """

    def __init__(self, services: Services, window: QMainWindow) -> None:
        super().__init__(window)
        self._services = services

    def open_dialog(self) -> None:
        window = self.parent()
        dialog = AboutDialog(self._services, window if isinstance(window, QWidget) else None)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()


def add_about_action(window: QMainWindow, services: Services) -> QAction:
    """The About action (Shift+F1) and its button at the left of the status bar.

    In the status bar, not the toolbar: the F-key toolbar fills a 1280-pixel window,
    and a button past its end hides behind the overflow arrow.  Enabled when locked.
    """
    action = QAction(_t("バージョン情報", "About"), window)
    action.setObjectName("about")
    action.setShortcut(QKeySequence(SHORTCUT))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"{action.text()} ({key})")
    # Short: the status bar's right half is taken by the station, clerk, DB and printers.
    action.setIconText("ⓘ About" if in_english() else "ⓘ バージョン情報")
    opener = _Opener(services, window)
    action.triggered.connect(opener.open_dialog)
    window.addAction(action)

    button = QToolButton()
    button.setObjectName("aboutButton")
    button.setDefaultAction(action)
    button.setAutoRaise(True)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    # The only button enabled on the lock screen: it must not take the focus from the
    # clerk-code field (the keyboard reaches it with Shift+F1).
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    font = button.font()
    font.setPointSizeF(font.pointSizeF() * 0.9)
    button.setFont(font)
    window.statusBar().addWidget(button)
    return action

"""The start-up dialog that unlocks the station key: a manager types its passphrase once.

Shown by the GUI when the app first needs the station's signer (``ui.app.Startup``)
and neither REVOKE_DESK_KEY_PASSPHRASE nor the OS key store has the passphrase
(desktop.key_access).  Where the PC has a key store, a box offers to keep the
passphrase there, so the next start unlocks by itself.  The key stays decrypted in
this process's memory only.

The texts are written here in both languages (not through the translation catalogue):
the dialog is shown before the station's language setting is read.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.key_access import MAX_ATTEMPTS, Answer, UnlockRequest
from ui import palette
from ui.i18n import ERROR_SUBTITLE_STYLE, message_html


class KeyUnlockDialog(QDialog):
    """Asks for the station key's passphrase.  No signals beyond QDialog's."""

    def __init__(self, request: UnlockRequest, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keyUnlock")
        self.setWindowTitle("署名鍵のロック解除 / Unlock the station key")
        self.setModal(True)
        intro = QLabel(
            message_html(
                f"ステーション {request.station} の署名鍵はパスフレーズで保護されています。"
                "店長がパスフレーズを入力してください。",
                f"The signing key of station {request.station} is protected by a passphrase: "
                "a manager types it to open the counter.",
            )
        )
        intro.setTextFormat(Qt.TextFormat.RichText)
        intro.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setTextFormat(Qt.TextFormat.RichText)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color:{palette.PROBLEM};")
        left = MAX_ATTEMPTS - request.attempt + 1
        if request.attempt > 1:
            self.problem.setText(
                message_html(
                    f"パスフレーズが違います（あと{left}回）",
                    f"wrong passphrase ({left} attempt{'s' if left != 1 else ''} left)",
                    ERROR_SUBTITLE_STYLE,
                )
            )
        self.problem.setVisible(request.attempt > 1)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setInputMethodHints(
            Qt.InputMethodHint.ImhSensitiveData | Qt.InputMethodHint.ImhNoPredictiveText
        )
        self.passphrase.setMinimumWidth(360)
        self.remember = QCheckBox(
            "このパソコンの鍵ストアに保存し、次回から自動で解除する / "
            "keep it in this PC's key store and unlock by itself next time"
        )
        self.remember.setObjectName("remember")
        self.remember.setVisible(request.can_remember)
        self._can_remember = request.can_remember
        buttons = QDialogButtonBox()
        self.unlock_button = buttons.addButton(
            "解除 / Unlock", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.unlock_button.setObjectName("unlock")
        self.unlock_button.setDefault(True)
        quit_button = buttons.addButton("終了 / Quit", QDialogButtonBox.ButtonRole.RejectRole)
        quit_button.setObjectName("quit")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.passphrase.returnPressed.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addWidget(self.problem)
        layout.addWidget(self.passphrase)
        layout.addWidget(self.remember)
        layout.addWidget(buttons)
        self.passphrase.setFocus()

    def answer(self) -> Answer | None:
        """What was typed (None when nothing was)."""
        text = self.passphrase.text()
        if not text:
            return None
        return Answer(text, remember=self._can_remember and self.remember.isChecked())


def ask_passphrase(request: UnlockRequest, parent: QWidget | None = None) -> Answer | None:
    """Show the dialog until it is answered; None when the manager quits."""
    dialog = KeyUnlockDialog(request, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.answer()
    finally:
        dialog.passphrase.clear()
        dialog.deleteLater()

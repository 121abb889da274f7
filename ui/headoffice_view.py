"""The head-office export screen (manager only), opened from the day-close screen.

The manager picks a day or a period (today by default), the folder the export goes
in (a new sub-folder ``head-office-<from>[-<to>]`` is made there) and the CSV
encoding, then presses 書き出す.  ``desktop.headoffice.export_head_office`` reads
every station of the shared database, signs the manifest with this counter's key
and records the export in the ledger.  Afterwards the screen lists each station's
intakes, the manifest's SHA-256 and 'open the folder'.

A clerk who is not a manager sees the screen with the button disabled, as on the
day-close screen.  The texts are written here in both languages (their English is
not in the translation catalogue); with the UI in English only the English shows.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.clerks import Role
from desktop.errors import UserError
from ui.folders import Opener, open_in_file_manager
from ui.i18n import in_english
from ui.services import Services

if TYPE_CHECKING:
    from desktop.headoffice import HeadOfficeExport

log = logging.getLogger(__name__)

ENCODINGS = (("UTF-8 (BOM, Excel)", "utf-8-sig"), ("CP932 (Shift_JIS)", "cp932"))


def text(ja: str, en: str) -> str:
    """``"ja / en"``, or the English alone when the UI is in English."""
    return en if in_english() else f"{ja} / {en}"


BUTTON_TEXT = ("本部向けの書き出し…", "Head-office export…")


def _to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class HeadOfficeDialog(QDialog):
    """Export every station's day or period for head office.  No signals."""

    def __init__(
        self,
        services: Services,
        parent: QWidget | None = None,
        *,
        opener: Opener = open_in_file_manager,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self._opener = opener
        self.result_export: HeadOfficeExport | None = None
        self.setWindowTitle(text("本部向けの書き出し", "Head-office export"))
        ctx = services.ctx
        today = ctx.clock().astimezone(ZoneInfo(ctx.shop_profile().timezone)).date()
        end = QDate(today.year, today.month, today.day)
        self.date_from = QDateEdit(end)
        self.date_to = QDateEdit(end)
        for edit, name in ((self.date_from, "head_office_from"), (self.date_to, "head_office_to")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.folder_edit = QLineEdit()
        self.folder_edit.setObjectName("head_office_folder")
        self.folder_edit.setReadOnly(True)
        self.choose_button = QPushButton(text("選択…", "Choose…"))
        self.choose_button.setObjectName("head_office_choose_folder")
        self.choose_button.clicked.connect(self._on_choose_clicked)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.choose_button)
        self.encoding = QComboBox()
        self.encoding.setObjectName("head_office_encoding")
        for label, value in ENCODINGS:
            self.encoding.addItem(label, value)

        form = QFormLayout()
        form.addRow(text("開始日", "From"), self.date_from)
        form.addRow(text("終了日", "To"), self.date_to)
        form.addRow(text("出力先フォルダ", "Folder"), folder_row)
        form.addRow(text("CSVの文字コード", "CSV encoding"), self.encoding)

        intro = QLabel(
            text(
                "全ステーションの受付を、期間ごとに書き出します（CSV・XLSX・署名付きの目録）。"
                "お客様の個人情報は含みません。",
                "Exports every station's intakes of the period (CSV, XLSX and a signed "
                "manifest), without the customers' personal data.",
            )
        )
        intro.setWordWrap(True)
        self.notice = QLabel()
        self.notice.setObjectName("head_office_notice")
        self.notice.setWordWrap(True)
        self.export_button = QPushButton(text("書き出す", "Export"))
        self.export_button.setObjectName("head_office_export_run")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("head_office_summary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton(text("フォルダを開く", "Open the folder"))
        self.open_button.setObjectName("head_office_open_folder")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self._on_open_clicked)
        self.close_button = QPushButton(text("閉じる", "Close"))
        self.close_button.clicked.connect(self.reject)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.export_button, self.open_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.notice)
        layout.addLayout(buttons)
        layout.addWidget(self.summary_label)
        manager = self.is_manager()
        self.export_button.setEnabled(manager)
        if not manager:
            self.notice.setText(
                text(
                    "本部向けの書き出しは店長のみが行えます。",
                    "Only a manager can export for head office.",
                )
            )

    def is_manager(self) -> bool:
        clerk = self.services.state.clerk
        return clerk is not None and clerk.role is Role.MANAGER

    def period(self) -> tuple[date, date]:
        return _to_date(self.date_from.date()), _to_date(self.date_to.date())

    def folder_name(self) -> str:
        date_from, date_to = self.period()
        if date_from == date_to:
            return f"head-office-{date_from:%Y%m%d}"
        return f"head-office-{date_from:%Y%m%d}-{date_to:%Y%m%d}"

    def _on_choose_clicked(self) -> None:
        start = Path(self.folder_edit.text() or Path.home())
        chosen = self.services.dialogs.choose_folder(self, text("出力先フォルダ", "Folder"), start)
        if chosen is not None:
            self.folder_edit.setText(str(chosen))

    def export_now(self) -> HeadOfficeExport | None:
        """Export the chosen period into the chosen folder; None if nothing was written."""
        from desktop.headoffice import export_head_office  # noqa: PLC0415 - openpyxl on use

        clerk = self.services.state.clerk
        if clerk is None or clerk.role is not Role.MANAGER:
            return None
        if not self.folder_edit.text():
            self._on_choose_clicked()
            if not self.folder_edit.text():
                return None
        ctx = self.services.ctx
        date_from, date_to = self.period()
        out_dir = Path(self.folder_edit.text()) / self.folder_name()
        try:
            done = export_head_office(
                ctx,
                ctx.signer(),
                date_from=date_from,
                date_to=date_to,
                manager=clerk.code,
                out_dir=out_dir,
                encoding=str(self.encoding.currentData()),
            )
        except UserError as error:
            self.services.dialogs.user_error(self, error)
            return None
        except OSError as error:
            self.services.dialogs.user_error(
                self,
                UserError(
                    f"出力先に書き込めません（{error.strerror}）",
                    f"cannot write the export ({error.strerror})",
                ),
            )
            return None
        log.info("head-office export %s..%s from the GUI by %s", date_from, date_to, clerk.code)
        self.result_export = done
        self.show_summary(done)
        return done

    def show_summary(self, done: HeadOfficeExport) -> None:
        snap = done.snapshot
        counts = snap.counts()
        lines = [
            text("書き出しました", "Exported")
            + f": {snap.date_from.isoformat()}..{snap.date_to.isoformat()}",
        ]
        for code in snap.stations:
            total = counts["stations"][code]["total"]
            closes = sum(1 for close in snap.closes if close.station == code)
            lines.append(
                f"{code}: "
                + text("受付", "intakes")
                + f" {total['intakes']}, "
                + text("取消", "voided")
                + f" {total['voided']}, "
                + text("締め済の日", "closed days")
                + f" {closes}"
            )
        lines.append(text("合計", "Total") + f": {counts['total']['intakes']}")
        lines.append(f"manifest SHA-256 {done.manifest_sha256}")
        lines.append(text("出力先", "Folder") + f": {done.folder}")
        self.summary_label.setText("\n".join(lines))
        self.open_button.setEnabled(True)

    def _on_export_clicked(self) -> None:
        self.export_now()

    def _on_open_clicked(self) -> None:
        if self.result_export is not None:
            self._opener(self.result_export.folder)


def open_head_office(services: Services, parent: QWidget | None) -> HeadOfficeDialog:
    """Open the dialog without waiting (the day-close screen's button)."""
    dialog = HeadOfficeDialog(services, parent)
    dialog.open()
    return dialog

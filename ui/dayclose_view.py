"""The day-close screen (manager only): close a day, export its folder, show the summary.

The manager chooses the day (today by default) and the folder the export goes in
(a new sub-folder ``<station>-<YYYYMMDD>`` is made there), then presses 締める.
``desktop.dayclose.close_day`` reports its progress into the bar; the export is
written before the commit, as ``revoke-desk close-day`` does, so a folder that
cannot be written leaves the day open.  Afterwards the screen shows the counts,
refusals, voids, reprints and late entries, and the chain head in large monospace
— the value the shop writes in its paper book — and 'open the folder'.

Closing is for a manager: a clerk sees the screen with the button disabled.  The
screen also carries 'print the ledger now' (``ui.ledger_print``), which any clerk
signed in may use.
The folder is opened through ``opener`` (QDesktopServices by default), which tests
replace.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QDate, QEventLoop, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFont, QFontDatabase, QShowEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.clerks import Role
from desktop.domain import OUTCOME_LABELS, PURPOSE_LABELS, label
from desktop.errors import UserError
from desktop.settings import BACKUP_DIR, BACKUP_KEEP
from ui.headoffice_view import BUTTON_TEXT as HEAD_OFFICE_BUTTON
from ui.headoffice_view import text as head_office_text
from ui.i18n import both, message, pair
from ui.services import Services

if TYPE_CHECKING:
    from desktop.dayclose import DayClose

log = logging.getLogger(__name__)

Opener = Callable[[Path], object]


def open_in_file_manager(folder: Path) -> object:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class DayCloseView(QWidget):
    """Close a day and see what was sealed.  Emits ``events.intakes_changed`` after a close."""

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
        self.summary: DayClose | None = None
        self.ledger_dialog: QWidget | None = None
        self.folder: Path | None = None
        self.backup_path: Path | None = None  # the backup made by the last close, if any

        title = QLabel(both(self, self.tr("日次締め")))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        self.day_edit = QDateEdit()
        self.day_edit.setObjectName("close_day")
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("yyyy-MM-dd")
        self.folder_edit = QLineEdit()
        self.folder_edit.setObjectName("close_folder")
        self.folder_edit.setReadOnly(True)
        self.choose_button = QPushButton(both(self, self.tr("選択…")))
        self.choose_button.setObjectName("close_choose_folder")
        self.choose_button.clicked.connect(self._on_choose_clicked)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.choose_button)
        form = QFormLayout()
        form.addRow(both(self, self.tr("締める日")), self.day_edit)
        form.addRow(both(self, self.tr("出力先フォルダ")), folder_row)

        self.close_button = QPushButton(both(self, self.tr("締める")))
        self.close_button.setObjectName("close_run")
        self.close_button.clicked.connect(self._on_close_clicked)
        self.notice = QLabel()
        self.notice.setObjectName("close_notice")
        self.notice.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("close_progress")
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.stage = QLabel()
        self.stage.setObjectName("close_stage")

        self.summary_label = QLabel()
        self.summary_label.setObjectName("close_summary")
        self.summary_label.setWordWrap(True)
        self.head_label = QLabel()
        self.head_label.setObjectName("close_head")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(max(mono.pointSizeF(), 10) * 1.6)
        mono.setWeight(QFont.Weight.Bold)
        self.head_label.setFont(mono)
        self.head_label.setWordWrap(True)
        self.head_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton(both(self, self.tr("フォルダを開く")))
        self.open_button.setObjectName("close_open_folder")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self._on_open_clicked)

        self.ledger_button = QPushButton(both(self, self.tr("古物台帳を今すぐ印刷…")))
        self.ledger_button.setObjectName("print_ledger")
        self.ledger_button.clicked.connect(self._on_ledger_clicked)
        # Every station's day or period for head office (ui.headoffice_view; managers).
        self.head_office_dialog: QWidget | None = None
        self.head_office_button = QPushButton(head_office_text(*HEAD_OFFICE_BUTTON))
        self.head_office_button.setObjectName("head_office_export")
        self.head_office_button.clicked.connect(self._on_head_office_clicked)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.addWidget(self.ledger_button)
        layout.addWidget(self.head_office_button)
        layout.addSpacing(16)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.notice)
        layout.addWidget(self.close_button)
        layout.addWidget(self.progress)
        layout.addWidget(self.stage)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.head_label)
        layout.addWidget(self.open_button)
        layout.addStretch(1)
        self.reset()

    # --- state ----------------------------------------------------------------

    def _today(self) -> date:
        ctx = self.services.ctx
        return ctx.clock().astimezone(ZoneInfo(ctx.shop_profile().timezone)).date()

    def is_manager(self) -> bool:
        clerk = self.services.state.clerk
        return clerk is not None and clerk.role is Role.MANAGER

    def reset(self) -> None:
        """Today, no folder yet, the button enabled for a manager only."""
        today = self._today()
        self.day_edit.setDate(QDate(today.year, today.month, today.day))
        manager = self.is_manager()
        self.close_button.setEnabled(manager)
        self.notice.setText(
            "" if manager else message(*pair(self, self.tr("日次締めは店長のみが行えます。")))
        )

    def showEvent(self, event: QShowEvent) -> None:
        if self.summary is None:
            self.reset()
        super().showEvent(event)

    def day(self) -> date:
        value = self.day_edit.date()
        return date(value.year(), value.month(), value.day())

    # --- actions --------------------------------------------------------------

    def _on_choose_clicked(self) -> None:
        start = Path(self.folder_edit.text() or Path.home())
        chosen = self.services.dialogs.choose_folder(
            self, both(self, self.tr("出力先フォルダ")), start
        )
        if chosen is not None:
            self.folder_edit.setText(str(chosen))

    def _report(self, stage: str, percent: int) -> None:
        self.progress.setValue(percent)
        self.stage.setText(stage)
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)

    def close_now(self) -> DayClose | None:
        """Close the chosen day into the chosen folder; None if it was not closed."""
        from desktop.exports import close_and_export  # noqa: PLC0415 - ReportLab on use

        clerk = self.services.state.clerk
        if clerk is None or clerk.role is not Role.MANAGER:
            return None
        if not self.folder_edit.text():
            self._on_choose_clicked()
            if not self.folder_edit.text():
                return None
        ctx = self.services.ctx
        day = self.day()
        self.close_button.setEnabled(False)
        self.progress.setValue(0)
        try:
            signer = ctx.signer()
            out_dir = Path(self.folder_edit.text()) / f"{signer.station}-{day:%Y%m%d}"
            summary = close_and_export(
                ctx, signer, day=day, manager=clerk.code, out_dir=out_dir, progress=self._report
            )
        except UserError as error:
            self.progress.setValue(0)
            self.stage.setText("")
            self.close_button.setEnabled(True)
            self.services.dialogs.user_error(self, error)
            return None
        except OSError as error:
            self.progress.setValue(0)
            self.close_button.setEnabled(True)
            self.services.dialogs.user_error(
                self,
                UserError(
                    f"出力先に書き込めません（{error.strerror}）。締めは記録されていません",
                    f"cannot write the export ({error.strerror}): the day was not closed",
                ),
            )
            return None
        self.progress.setValue(100)
        self.stage.setText(both(self, self.tr("完了")))
        log.info("day %s closed from the GUI by %s into %s", day, clerk.code, out_dir)
        self.show_summary(summary, out_dir)
        self.services.events.intakes_changed.emit()
        self._back_up()
        return summary

    def _back_up(self) -> None:
        """The backup every day close makes, when this counter has a backup folder.

        The day is closed whatever happens here: a failed backup is reported, not undone.
        """
        from desktop.backup import backup_to_folder  # noqa: PLC0415

        settings = self.services.settings
        folder = settings.get(BACKUP_DIR)
        if not folder:
            return
        try:
            clerk = self.services.state.clerk
            result = backup_to_folder(
                self.services.ctx,
                Path(folder),
                settings.get(BACKUP_KEEP),
                by=clerk.code if clerk else "",
            )
        except (UserError, OSError) as error:
            problem = (
                error
                if isinstance(error, UserError)
                else UserError(
                    f"バックアップを作れませんでした（{error.strerror}）。締めは完了しています",
                    f"the backup failed ({error.strerror}); the day is closed",
                )
            )
            self.services.dialogs.user_error(self, problem)
            return
        self.backup_path = result.path
        self.stage.setText(both(self, self.tr("完了")) + f"  ·  backup: {result.path.name}")

    def show_summary(self, summary: DayClose, folder: Path) -> None:
        self.summary, self.folder = summary, folder
        counts = summary.counts
        outcome = counts["outcome"]
        accepted, refused = (
            " / ".join(label(OUTCOME_LABELS, key)) for key in ("accepted", "refused")
        )
        amounts = "　".join(
            f"{label(PURPOSE_LABELS, key)[0]} ¥{totals['amount_yen']:,}"
            for key, totals in counts["purpose"].items()
        )
        self.summary_label.setText(
            "\n".join(
                (
                    f"{summary.station} {summary.day:%Y-%m-%d}",
                    f"受付件数（取消を除く） / intakes, voided ones excluded: {counts['intakes']}",
                    f"{accepted}: {outcome['accepted']}",
                    f"{refused}: {outcome['refused']}",
                    f"取消 / Voided: {counts['voided']}",
                    f"金額合計（受付のみ） / totals, accepted only: {amounts}",
                    f"再発行 / reprints: {counts['reprints']}",
                    f"締め後の記録 / late entries: {counts['late']}",
                    f"出力先 / folder: {folder}",
                )
            )
        )
        head = summary.head
        self.head_label.setText(f"#{head.seq}\n{_grouped(head.entry_hash)}")
        self.open_button.setEnabled(True)

    def _on_close_clicked(self) -> None:
        self.close_now()

    def _on_ledger_clicked(self) -> None:
        from ui.ledger_print import open_ledger_print  # noqa: PLC0415

        self.ledger_dialog = open_ledger_print(self.services, self)

    def _on_open_clicked(self) -> None:
        if self.folder is not None:
            self._opener(self.folder)

    def _on_head_office_clicked(self) -> None:
        from ui.headoffice_view import open_head_office  # noqa: PLC0415

        self.head_office_dialog = open_head_office(self.services, self)


def _grouped(digest: str) -> str:
    """The hash in groups of 8, two lines: easy to read aloud and to copy by hand."""
    groups = [digest[i : i + 8] for i in range(0, len(digest), 8)]
    half = (len(groups) + 1) // 2
    return " ".join(groups[:half]) + "\n" + " ".join(groups[half:])

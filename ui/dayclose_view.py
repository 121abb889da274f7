"""The day-close screen (manager only): close a day, export its folder, show the summary.

The manager chooses the day (today by default), the folder the export goes in (a
new sub-folder ``<station>-<YYYYMMDD>`` is made there) and the CSV's encoding
(UTF-8 with a BOM for Excel, or CP932/Shift_JIS for older systems, as
``revoke-desk close-day --encoding``), then presses 締める and confirms — a close
cannot be undone, so the question defaults to いいえ.  The close runs off the GUI
thread (:class:`ui.background.Lane`); ``desktop.exports.close_day_exports`` reports its
stages into the bar, in words.  The export is written before the commit, as the
command line does, so a folder that cannot be written leaves the day open; the
backup of the counter's backup folder follows.  Afterwards the screen shows,
labelled, the counts, the money totals, the folder and its files, the encoding,
the backup (or, plainly, that none was made), and the chain head — the value the
shop writes in its paper book — in large monospace, and 'open the folder'.

Closing is for a manager: a clerk sees the screen with the button disabled.  The
screen also carries 'print the ledger now' (``ui.ledger_print``), which any clerk
signed in may use.
The folder is opened through ``opener`` (QDesktopServices by default), which tests
replace.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
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
from ui import i18n, palette
from ui.background import Lane
from ui.fit import scrolled
from ui.folders import Opener, open_in_file_manager
from ui.headoffice_view import BUTTON_TEXT as HEAD_OFFICE_BUTTON
from ui.headoffice_view import text as head_office_text
from ui.i18n import both, message, pair
from ui.services import Services

if TYPE_CHECKING:
    from desktop.app import AppContext
    from desktop.backup import BackupResult
    from desktop.dayclose import DayClose
    from desktop.keys import StationSigner

log = logging.getLogger(__name__)


# The CSV encodings of ``revoke-desk close-day --encoding`` (desktop.cli.common).
ENCODINGS = (
    ("utf-8-sig", "UTF-8（BOM付き・Excel向け）", "UTF-8 with BOM (Excel)"),
    ("cp932", "Shift_JIS（CP932・古いシステム向け）", "Shift_JIS (CP932, older systems)"),
)
# close_day's stages, as the bar names them.
STAGES = {
    "reading": ("その日の記録を読み込んでいます", "reading the day's records"),
    "rendering": ("出力を作成しています", "preparing the exports"),
    "csv": ("CSVを作成しています", "writing the CSV"),
    "xlsx": ("Excelファイルを作成しています", "writing the Excel file"),
    "report": ("日報PDFを作成し署名しています", "rendering and signing the day report"),
    "sealing": ("締めの記録を台帳に追加しています", "sealing the day in the ledger"),
    "closed": ("出力先に書き込んでいます", "writing the export folder"),
    "backup": ("バックアップを作成しています", "making the backup"),
}


def _both(ja: str, en: str) -> str:
    """``"ja / en"`` on one line, or the English alone with the UI in English."""
    return en if i18n.in_english() else f"{ja} / {en}"


@dataclass(frozen=True)
class CloseOutcome:
    """What a close made: the sealed summary, the folder, and the backup (if any)."""

    summary: DayClose
    folder: Path
    files: tuple[str, ...]
    backup: BackupResult | None
    backup_folder: str  # the counter's backup folder setting ("" = none set)
    backup_error: UserError | None  # the close stands; only the backup failed


class DayCloseView(QWidget):
    """Close a day and see what was sealed.  Emits ``events.intakes_changed`` after a close.

    Signals:
        close_finished(CloseOutcome): the day is closed (the backup may have failed).
        close_failed(UserError): the day was not closed.
        progress_reported(str, int): a stage of the close (from the worker thread).
    """

    close_finished = Signal(object)
    close_failed = Signal(object)
    progress_reported = Signal(str, int)

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
        self.outcome: CloseOutcome | None = None
        self.closes = Lane(self, threads=1)
        self.closes.finished.connect(self._on_closes_finished)
        self.closes.failed.connect(self._on_closes_failed)
        self.progress_reported.connect(self._on_progress_reported)

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
        self.encoding_combo = QComboBox()
        self.encoding_combo.setObjectName("close_encoding")
        for codec, ja, en in ENCODINGS:
            self.encoding_combo.addItem(_both(ja, en), codec)
        form = QFormLayout()
        form.addRow(both(self, self.tr("締める日")), self.day_edit)
        form.addRow(both(self, self.tr("出力先フォルダ")), folder_row)
        form.addRow(_both("CSVの文字コード", "CSV encoding"), self.encoding_combo)

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
        self.money_label = QLabel()
        self.money_label.setObjectName("close_money")
        self.money_label.setTextFormat(Qt.TextFormat.RichText)
        for counts in (self.summary_label, self.money_label):
            counts.setWordWrap(True)
            counts.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            counts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.files_label = QLabel()
        self.files_label.setObjectName("close_files")
        self.files_label.setWordWrap(True)
        self.files_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.backup_label = QLabel()
        self.backup_label.setObjectName("close_backup")
        self.backup_label.setWordWrap(True)
        self.head_caption = QLabel()
        self.head_caption.setObjectName("close_head_caption")
        self.head_caption.setWordWrap(True)
        self.head_label = QLabel()
        self.head_label.setObjectName("close_head")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(max(mono.pointSizeF(), 10) * 1.6)
        mono.setWeight(QFont.Weight.Bold)
        self.head_label.setFont(mono)
        self.head_label.setWordWrap(True)
        # Four groups of eight hex digits a line, as _grouped() writes them.
        self.head_label.setMinimumWidth(QFontMetrics(mono).horizontalAdvance("0" * 36) + 8)
        self.head_caption.setMaximumWidth(self.head_label.minimumWidth())
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

        # The results scroll on a short screen (1280×720) rather than set the window's
        # minimum height.
        body = QWidget()
        layout = QVBoxLayout(body)
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
        # The counts and the money on the left, the chain head beside them: the whole
        # result fits a 1366×768 screen.
        head_box = QVBoxLayout()
        head_box.addWidget(self.head_caption)
        head_box.addWidget(self.head_label)
        head_box.addStretch(1)
        results = QHBoxLayout()
        results.addWidget(self.summary_label, 3)
        results.addSpacing(16)
        results.addWidget(self.money_label, 2)
        results.addSpacing(16)
        results.addLayout(head_box, 0)
        layout.addLayout(results)
        layout.addWidget(self.files_label)
        layout.addWidget(self.backup_label)
        layout.addWidget(self.open_button)
        layout.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scrolled(body))
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
        self.close_button.setEnabled(manager and not self.closes.busy)
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

    def encoding(self) -> str:
        return str(self.encoding_combo.currentData())

    def close_now(self) -> bool:
        """Ask, then close the chosen day into the chosen folder in the background.

        True if the close was started; ``close_finished`` or ``close_failed`` follows.
        """
        clerk = self.services.state.clerk
        if clerk is None or clerk.role is not Role.MANAGER or self.closes.busy:
            return False
        if not self.folder_edit.text():
            self._on_choose_clicked()
            if not self.folder_edit.text():
                return False
        ctx = self.services.ctx
        day = self.day()
        try:
            signer = ctx.signer()  # here, on the GUI thread: it may have to ask for the key
        except UserError as error:
            self.services.dialogs.user_error(self, error)
            return False
        out_dir = Path(self.folder_edit.text()) / f"{signer.station}-{day:%Y%m%d}"
        settings = self.services.settings
        backup_folder, keep = settings.get(BACKUP_DIR), settings.get(BACKUP_KEEP)
        if not self._confirmed(day, out_dir, backup_folder):
            return False
        encoding, manager = self.encoding(), clerk.code
        report = self.progress_reported.emit  # queued to the GUI thread

        def close() -> CloseOutcome:
            return _close_and_back_up(
                ctx,
                signer,
                day=day,
                manager=manager,
                out_dir=out_dir,
                encoding=encoding,
                backup_folder=backup_folder,
                keep=keep,
                progress=report,
            )

        self.close_button.setEnabled(False)
        self.choose_button.setEnabled(False)
        self.progress.setValue(0)
        self.stage.setText(_both("開始しています…", "starting…"))
        log.info("day %s close started from the GUI by %s into %s", day, manager, out_dir)
        self.closes.submit(close)
        return True

    def wait(self, timeout_ms: int = 60_000) -> bool:
        """Block until a close under way has finished and been shown (tests)."""
        return self.closes.wait(timeout_ms)

    def _confirmed(self, day: date, out_dir: Path, backup_folder: str) -> bool:
        backup = (
            f"バックアップ: {backup_folder}"
            if backup_folder
            else "バックアップ: 作成されません（バックアップ先が設定されていません）"
        )
        backup_en = (
            f"Backup: into {backup_folder}"
            if backup_folder
            else "Backup: none will be made (no backup folder is set)"
        )
        text = message(
            f"{day:%Y-%m-%d} を締めます。締めた日は取り消せません。\n出力先: {out_dir}\n{backup}"
            "\n締めてよろしいですか？",
            f"Close {day:%Y-%m-%d}? A closed day cannot be reopened.\nExport: {out_dir}\n"
            f"{backup_en}",
        )
        return self.services.dialogs.confirm_unlikely(self, both(self, self.tr("日次締め")), text)

    def _on_progress_reported(self, stage: str, percent: int) -> None:
        if self.closes.busy:  # a late report after the close was shown says nothing new
            self.stage.setText(_both(*STAGES.get(stage, (stage, stage))))
            self.progress.setValue(percent)

    def _on_closes_finished(self, outcome: CloseOutcome) -> None:
        summary = outcome.summary
        self.outcome = outcome
        self.backup_path = outcome.backup.path if outcome.backup else None
        self.progress.setValue(100)
        self.stage.setText(_both("締めました", "the day is closed"))
        self.choose_button.setEnabled(True)
        log.info("day %s closed from the GUI into %s", summary.day, outcome.folder)
        self.show_summary(summary, outcome.folder, outcome)
        self.services.events.intakes_changed.emit()
        if outcome.backup_error is not None:
            self.services.dialogs.user_error(self, outcome.backup_error)
        self.close_finished.emit(outcome)

    def _on_closes_failed(self, error: UserError) -> None:
        self.progress.setValue(0)
        self.stage.setText(_both("締めていません", "the day was not closed"))
        self.close_button.setEnabled(self.is_manager())
        self.choose_button.setEnabled(True)
        self.services.dialogs.user_error(self, error)
        self.close_failed.emit(error)

    def show_summary(
        self, summary: DayClose, folder: Path, outcome: CloseOutcome | None = None
    ) -> None:
        self.summary, self.folder = summary, folder
        counts = summary.counts
        outcome_counts = counts["outcome"]
        accepted, refused = (
            " / ".join(label(OUTCOME_LABELS, key)) for key in ("accepted", "refused")
        )
        amounts = [
            f"{label(PURPOSE_LABELS, key)[0]} ¥{totals['amount_yen']:,}"
            for key, totals in counts["purpose"].items()
        ]
        encoding = next((ja for codec, ja, _ in ENCODINGS if codec == summary.encoding), "")
        # The counts, the money and the chain head side by side: the result fits the screen.
        counted = [
            f"{summary.station} {summary.day:%Y-%m-%d}",
            f"受付件数（取消を除く） / intakes, voids excluded: {counts['intakes']}",
            f"{accepted}: {outcome_counts['accepted']}",
            f"{refused}: {outcome_counts['refused']}",
            f"取消 / Voided: {counts['voided']}",
            f"再発行 / reprints: {counts['reprints']}",
            f"締め後の記録 / late entries: {counts['late']}",
        ]
        # Per purpose, never one sum across them: a trade-in is credit, not cash
        # (docs/decisions.md, "Money per purpose, for the till").
        money = [
            "金額合計（受付のみ） / totals, accepted only:",
            *(f"　<b>{amount}</b>" for amount in amounts),
        ]
        self.summary_label.setText("\n".join(counted))
        self.money_label.setText("<br>".join(money))
        files = [f"{_both('出力先フォルダ', 'export folder')}: {folder}"]
        if outcome is not None:
            written = ", ".join(outcome.files)
            files.append(f"{_both('ファイル', 'files')}: {written}")
        if encoding:
            files[-1] += f"　（{_both('CSVの文字コード', 'CSV encoding')}: {encoding}）"
        self.files_label.setText("\n".join(files))
        self._show_backup(outcome)
        head = summary.head
        self.head_caption.setText(
            _both(
                f"チェーンの先頭（台帳 #{head.seq} のハッシュ、紙の台帳に控えてください）",
                f"chain head (the hash of ledger entry #{head.seq}: write it in the paper book)",
            )
        )
        self.head_label.setText(f"#{head.seq}\n{_grouped(head.entry_hash)}")
        self.open_button.setEnabled(True)

    def _show_backup(self, outcome: CloseOutcome | None) -> None:
        if outcome is None:
            self.backup_label.setText("")
            return
        if outcome.backup is not None:
            text, colour = _both("バックアップ", "backup") + f": {outcome.backup.path}", ""
        elif outcome.backup_error is not None:
            text = _both(
                "バックアップは作成されていません（失敗しました。締めは完了しています）",
                "NO BACKUP was made: it failed (the day is closed)",
            )
            colour = palette.PROBLEM
        else:
            text = _both(
                "バックアップは作成されていません（このレジにバックアップ先が設定されていません。"
                "設定 F9 で指定できます）",
                "NO BACKUP was made: this counter has no backup folder (set one in Settings, F9)",
            )
            colour = palette.PROBLEM
        self.backup_label.setText(text)
        self.backup_label.setStyleSheet(f"color:{colour}; font-weight:bold;" if colour else "")

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


def _close_and_back_up(
    ctx: AppContext,
    signer: StationSigner,
    *,
    day: date,
    manager: str,
    out_dir: Path,
    encoding: str,
    backup_folder: str,
    keep: int,
    progress: Callable[[str, int], None],
) -> CloseOutcome:
    """The close and its backup, on the worker thread (each in its own transaction)."""
    from desktop.backup import backup_to_folder  # noqa: PLC0415 - only when closing
    from desktop.exports import close_and_export  # noqa: PLC0415 - ReportLab on use

    try:
        summary = close_and_export(
            ctx,
            signer,
            day=day,
            manager=manager,
            out_dir=out_dir,
            encoding=encoding,
            progress=progress,
        )
    except OSError as error:
        raise UserError(
            f"出力先に書き込めません（{error.strerror}）。締めは記録されていません",
            f"cannot write the export ({error.strerror}): the day was not closed",
        ) from error
    files = tuple(sorted(path.name for path in out_dir.iterdir()))
    backup, problem = None, None
    if backup_folder:
        # The day is closed whatever happens here: a failed backup is reported, not undone.
        progress("backup", 97)
        try:
            backup = backup_to_folder(ctx, Path(backup_folder), keep, by=manager)
        except UserError as error:
            problem = error
        except OSError as error:
            problem = UserError(
                f"バックアップを作れませんでした（{error.strerror}）。締めは完了しています",
                f"the backup failed ({error.strerror}); the day is closed",
            )
    return CloseOutcome(summary, out_dir, files, backup, backup_folder, problem)


def _grouped(digest: str) -> str:
    """The hash in groups of 8, two lines: easy to read aloud and to copy by hand."""
    groups = [digest[i : i + 8] for i in range(0, len(digest), 8)]
    half = (len(groups) + 1) // 2
    return " ".join(groups[:half]) + "\n" + " ".join(groups[half:])

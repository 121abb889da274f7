"""The history table's model: committed intakes, a page at a time, newest first.

The model holds plain frozen :class:`desktop.history.HistoryRow` values, never ORM
objects, and reads only what the view scrolls to: the first page when a search
starts, the next page (keyset, ``after=page_key(last)``) when Qt asks for more
through ``canFetchMore``/``fetchMore``.  A million-row ledger opens as fast as an
empty one.

Every read runs off the GUI thread (:class:`ui.background.Lane`), each in its own
read session: :meth:`HistoryModel.search` returns at once, and the rows arrive
with ``search_finished``.  A newer search supersedes an older one still running
(its rows are never shown), so a clerk can type on while a slow search runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from sqlalchemy.orm import Session

from desktop.app import AppContext
from desktop.domain import PURPOSE_LABELS, REFUSAL_REASON_LABELS, Outcome, Purpose, RefusalReason
from desktop.errors import UserError
from desktop.history import (
    HistoryQuery,
    HistoryRow,
    ScannedSlip,
    check_scanned_slip,
    page_key,
    search,
)
from ui import i18n, palette
from ui.background import Lane
from ui.i18n import bilingual, main_text

Index = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 200
# Muted but still readable (WCAG AA on white) for the rows of a voided receipt.
VOID_GREY = palette.VOID_GREY
VOID_MARK_COLOUR = palette.PROBLEM
REFUSED_COLOUR = palette.REFUSED
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the HistoryRow of a row

# Short forms of the refusal reasons for one table cell (the slip prints the full
# sentence from desktop/data/slip_texts.json).


class Column(IntEnum):
    TIME = 0
    RECEIPT = 1
    VOID = 2  # 取消: beside the receipt, so a struck-through row says why at a glance
    OUTCOME = 3
    PURPOSE = 4
    DEVICE = 5
    IMEI = 6
    NAME = 7
    CLERK = 8


def label(pair: tuple[str, str]) -> str:
    """The Japanese of a (ja, en) vocabulary pair, or its English with the UI in English."""
    return pair[1] if i18n.in_english() else pair[0]


def purpose_label(purpose: str) -> str:
    try:
        return label(PURPOSE_LABELS[Purpose(purpose)])
    except ValueError:
        return purpose


def refusal_label(reason: str) -> str:
    try:
        return label(REFUSAL_REASON_LABELS[RefusalReason(reason)])
    except ValueError:
        return reason


@dataclass(frozen=True)
class _Loaded:
    """What one background read brought back."""

    query: HistoryQuery
    rows: list[HistoryRow]
    more: bool
    scanned: ScannedSlip | None = None
    code: str = ""  # the scanned slip code, when these rows are a scan's


def _page(
    session: Session, query: HistoryQuery, limit: int, after: HistoryRow | None = None
) -> tuple[list[HistoryRow], bool]:
    # One row more than asked tells whether another page exists, without a count.
    after_key = None if after is None else page_key(after)
    rows = search(session, query, after=after_key, limit=limit + 1)
    return rows[:limit], len(rows) > limit


def _read(
    ctx: AppContext, query: HistoryQuery, limit: int, after: HistoryRow | None = None
) -> _Loaded:
    """One page of ``query`` in its own read session (runs on a worker thread)."""
    with ctx.reading() as session:
        rows, more = _page(session, query, limit, after)
    return _Loaded(query, rows, more)


def _read_scanned(ctx: AppContext, text: str, limit: int) -> _Loaded:
    """A scanned slip code: its verdict, and its record's row when this ledger has it."""
    with ctx.reading() as session:
        scanned = check_scanned_slip(session, text)
        query = HistoryQuery(text=scanned.receipt)
        rows, more = _page(session, query, limit) if scanned.receipt else ([], False)
    return _Loaded(query, rows, more, scanned, text)


class HistoryModel(QAbstractTableModel):
    """Rows of committed intakes for the history table, fetched page by page.

    A voided row is drawn struck through and grey, with the reason in its tooltip
    and in the 取消 column beside it (that cell itself is not struck through, so
    the reason stays readable).

    Signals:
        search_finished: a search, a scan or a refresh has replaced the rows.
        load_failed(UserError): a search or a further page could not be read (the
            database is busy or gone); the view shows it.  After a failed page,
            loading stops until the next search; a failed search keeps the rows.
        busy_changed(bool): whether a read is under way.
    """

    search_finished = Signal()
    load_failed = Signal(object)
    busy_changed = Signal(bool)

    def __init__(
        self,
        ctx: AppContext,
        *,
        timezone: str,
        query: HistoryQuery | None = None,
        page_size: int = PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        """Start empty, reading the first page of ``query`` (if given) in the background."""
        super().__init__(parent)
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        self._ctx = ctx
        self.timezone = timezone
        self.page_size = page_size
        self._query = HistoryQuery()
        self._rows: list[HistoryRow] = []
        self._more = False  # whether rows beyond the last one loaded exist
        self._failed = False
        self._fetching = False  # a further page is being read
        self.scanned: ScannedSlip | None = None  # the verdict when the rows are a scan's
        self._code = ""
        self._searches = Lane(self)
        self._pages = Lane(self, threads=1)
        self._searches.finished.connect(self._on_searches_finished)
        self._searches.failed.connect(self._on_searches_failed)
        self._pages.finished.connect(self._on_pages_finished)
        self._pages.failed.connect(self._on_pages_failed)
        for lane in (self._searches, self._pages):
            lane.busy_changed.connect(self._on_lane_busy_changed)
        self._headers = tuple(
            bilingual(self, shown, en)
            for shown, en in (
                (self.tr("日時"), "Time"),
                (self.tr("受付番号"), "Receipt"),
                (self.tr("取消"), "Void"),
                (self.tr("結果"), "Outcome"),
                (self.tr("目的"), "Purpose"),
                (self.tr("機種"), "Device"),
                (self.tr("IMEI"), "IMEI"),
                (self.tr("氏名"), "Name"),
                (self.tr("担当"), "Clerk"),
            )
        )
        self._outcomes = {
            Outcome.ACCEPTED.value: main_text(self, self.tr("受付"), "Accepted"),
            Outcome.REFUSED.value: main_text(self, self.tr("お断り"), "Refused"),
        }
        self._void_mark = main_text(self, self.tr("取消"), "Void")
        # A template, so that English gets its own brackets and spacing.
        self._refused = main_text(self, self.tr("{outcome}（{reason}）"), "{outcome} ({reason})")
        self._void_tip = (self.tr("取消済み — 理由: {reason}"), "Void — reason: {reason}")
        self._erased = main_text(self, self.tr("（消去済み）"), "(erased)")
        self._struck = QFont()
        self._bold = QFont()
        self.set_font(QFont())
        if query is not None:
            self.search(query)

    def set_font(self, font: QFont) -> None:
        """The view's font: a FontRole answer replaces it whole, so derive from it."""
        self._struck = QFont(font)
        self._struck.setStrikeOut(True)
        self._bold = QFont(font)
        self._bold.setBold(True)

    # --- loading ----------------------------------------------------------------

    @property
    def query(self) -> HistoryQuery:
        return self._query

    def has_more(self) -> bool:
        return self._more

    @property
    def busy(self) -> bool:
        return self._searches.busy or self._pages.busy

    def search(self, query: HistoryQuery) -> None:
        """Read the first page of ``query``; the rows arrive with ``search_finished``."""
        self._start(lambda ctx, limit: _read(ctx, query, limit), self.page_size)

    def scan(self, text: str) -> None:
        """Check a scanned slip code and show its record (see :attr:`scanned`)."""
        self._start(lambda ctx, limit: _read_scanned(ctx, text, limit), self.page_size)

    def refresh(self) -> None:
        """Read again as many rows as are loaded (one query), e.g. after a commit.

        Keeping the count keeps the clerk's scroll position and selection meaningful.
        """
        query, code = self._query, self._code
        limit = max(self.page_size, len(self._rows))

        def again(ctx: AppContext, limit: int) -> _Loaded:
            if code:  # the verdict is read again too: the record may be void by now
                return _read_scanned(ctx, code, limit)
            return _read(ctx, query, limit)

        self._start(again, limit)

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until every read has finished and been delivered (tests, screenshots)."""
        return self._searches.wait(timeout_ms) and self._pages.wait(timeout_ms)

    def _start(self, read: Callable[[AppContext, int], _Loaded], limit: int) -> None:
        ctx = self._ctx
        self._pages.cancel()  # a page of the old rows must not land after the new ones
        self._fetching = False
        self._searches.submit(lambda: read(ctx, limit))

    def _replace(self, loaded: _Loaded) -> None:
        self.beginResetModel()
        self._query = loaded.query
        self._rows = loaded.rows
        self._more = loaded.more
        self._failed = False
        self.scanned = loaded.scanned
        self._code = loaded.code
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt's signature
        return not parent.isValid() and self._more and not self._failed and not self._fetching

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 - Qt's signature
        if not self.canFetchMore(parent):
            return
        # Qt calls this while painting or scrolling: the page is read in the background.
        ctx, query, last, limit = self._ctx, self._query, self._rows[-1], self.page_size
        self._fetching = True
        self._pages.submit(lambda: _read(ctx, query, limit, last))

    # --- results (on the GUI thread) ---------------------------------------------

    def _on_searches_finished(self, loaded: _Loaded) -> None:
        self._replace(loaded)
        self.search_finished.emit()

    def _on_searches_failed(self, error: UserError) -> None:
        self.load_failed.emit(error)

    def _on_pages_finished(self, loaded: _Loaded) -> None:
        self._fetching = False
        self._more = loaded.more
        if loaded.rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(loaded.rows) - 1)
            self._rows.extend(loaded.rows)
            self.endInsertRows()

    def _on_pages_failed(self, error: UserError) -> None:
        self._fetching = False
        self._failed = True
        self.load_failed.emit(error)

    def _on_lane_busy_changed(self, _busy: bool) -> None:
        self.busy_changed.emit(self.busy)

    # --- reading ----------------------------------------------------------------

    def row_at(self, row: int) -> HistoryRow:
        return self._rows[row]

    def find(self, receipt: str) -> int | None:
        """The row number of ``receipt`` among the loaded rows."""
        for number, row in enumerate(self._rows):
            if row.receipt == receipt:
                return number
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        main, english = self._headers[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return main
        if role == Qt.ItemDataRole.ToolTipRole:
            return english or None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        if not 0 <= index.row() < len(self._rows) or not 0 <= index.column() < len(Column):
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.FontRole:
            if column is Column.VOID:
                return self._bold if row.voided else None
            return self._struck if row.voided else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column is Column.VOID and row.voided:
                return QBrush(QColor(VOID_MARK_COLOUR))
            if row.voided:
                return QBrush(QColor(VOID_GREY))
            if column is Column.OUTCOME and row.outcome == Outcome.REFUSED:
                return QBrush(QColor(REFUSED_COLOUR))
            return None
        if role == Qt.ItemDataRole.ToolTipRole and row.voided:
            return i18n.message(*bilingual(self, *self._void_tip, reason=row.void_reason))
        return None

    def _text(self, row: HistoryRow, column: Column) -> str:
        match column:
            case Column.TIME:
                return row.local_time(self.timezone)
            case Column.RECEIPT:
                return row.receipt
            case Column.VOID:
                return f"{self._void_mark}: {row.void_reason}" if row.voided else ""
            case Column.OUTCOME:
                outcome = self._outcomes.get(row.outcome, row.outcome)
                if row.outcome == Outcome.REFUSED and row.refusal_reason:
                    return self._refused.format(
                        outcome=outcome, reason=refusal_label(row.refusal_reason)
                    )
                return outcome
            case Column.PURPOSE:
                return purpose_label(row.purpose)
            case Column.DEVICE:
                return f"{row.maker} {row.model}".strip()
            case Column.IMEI:
                return f"{row.imei1} / {row.imei2}" if row.imei2 else row.imei1
            case Column.NAME:
                return row.name or self._erased
            case Column.CLERK:
                return row.clerk

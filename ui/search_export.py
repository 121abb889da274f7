"""Export a History search to CSV: every row the search finds, not only the page shown.

``export_history_search(services, query, path)`` pages through
``desktop.history.search`` (newest first, as the screen lists them) and writes
UTF-8 with a BOM (Excel opens it as Japanese), every cell through ``safe_cell``.
The file is written atomically; the count of rows is returned.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from zoneinfo import ZoneInfo

from desktop.audit import Copy, record_copy
from desktop.domain import PURPOSE_LABELS, Purpose
from desktop.files import write_atomically
from desktop.history import HistoryQuery, HistoryRow, page_key, search
from reports.csv_safe import safe_cell
from ui.services import Services

PAGE = 500
HEADER = (
    "受付番号 / Receipt",
    "日時 / Time",
    "レジ / Station",
    "担当 / Clerk",
    "区別 / Purpose",
    "結果 / Outcome",
    "不可理由 / Refusal reason",
    "失効手順 / Path",
    "メーカー / Maker",
    "機種 / Model",
    "IMEI1",
    "IMEI2",
    "氏名 / Name",
    "取消 / Void",
    "取消理由 / Void reason",
)


def _purpose(value: str) -> str:
    try:
        return PURPOSE_LABELS[Purpose(value)][0]
    except ValueError:
        return value


def _cells(row: HistoryRow, zone: ZoneInfo) -> list[str]:
    return [
        safe_cell(value)
        for value in (
            row.receipt,
            f"{row.created_at.astimezone(zone):%Y-%m-%d %H:%M}",
            row.station,
            row.clerk,
            _purpose(row.purpose),
            row.outcome,
            row.refusal_reason,
            row.revocation_path,
            row.maker,
            row.model,
            row.imei1,
            row.imei2,
            row.name,
            "取消" if row.voided else "",
            row.void_reason,
        )
    ]


def export_history_search(services: Services, query: HistoryQuery, path: Path) -> int:
    """Write every row of ``query`` to ``path`` as CSV; returns how many rows."""
    zone = ZoneInfo(services.ctx.shop_profile().timezone)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in HEADER])
    count = 0
    with services.ctx.reading() as session:
        after = None
        while True:
            rows = search(session, query, after=after, limit=PAGE)
            for row in rows:
                writer.writerow(_cells(row, zone))
            count += len(rows)
            if len(rows) < PAGE:
                break
            after = page_key(rows[-1])
    data = ("\ufeff" + out.getvalue()).encode("utf-8")
    write_atomically(path, data)
    # Who exported how many rows; not the search text, which may be a customer's name.
    clerk = services.state.clerk
    ctx = services.ctx
    with ctx.transaction() as session:
        record_copy(
            session,
            ctx.signer(),
            what=Copy.HISTORY_CSV,
            by=clerk.code if clerk else "",
            data=data,
            now=ctx.clock(),
            rows=count,
        )
    return count

"""The day's exports: what the report, the CSVs and the XLSX of a closed day say.

From the frozen summary of a day (``desktop.dayclose.DayClose``) to the rows and the
report snapshot, labelled, and through the renderers of ``reports`` (day_report,
day_export, signing) to the files' bytes.  :func:`close_day_exports` is the close of
a day with its exports sealed in the ledger; :func:`close_and_export` adds the folder
(``desktop.export_folder``), the one use case the CLI and the GUI share.

Which personal data the intakes files carry (DOMAIN.md §3 and §5: "exports leave the
shop's control: complete for the police ledger, minimal elsewhere"):

* **Included**, for accepted acquisitions only (purchase 買受, trade-in 下取り,
  consignment 委託): the seller's **name, address, occupation and age**, and the
  **ID method** (document type).  These are what the 古物台帳 must hold for an
  acquisition (古物営業法 §16, with the transaction date, kind, item features and
  price, which are in every row).
* **Left out everywhere**: kana, birth date (the age is what the ledger asks), the ID
  document's number, the signature strokes, and any personal field of a refused
  intake (nothing was acquired) or a repair intake (not an acquisition).  They stay
  in the database, for the printed 古物台帳 and for retention-bound erasure.
* Rows whose personal data was already erased show those cells empty.

Every coded value is written as its Japanese label from ``desktop.domain`` (結果
受付/お断り, OS, ID document, refusal reason, network restriction as mark and label
「○ 制限なし」) and every revocation path as its title in the catalogue: the files are
read by people (the manager, head office, the police), never as ids like
``app_revoked``.  The summary counts a voided intake only as voided, and totals the
prices of the accepted, not voided intakes per purpose (買取・下取り・委託・修理受付), to
check against the till.

Every cell goes through ``reports.csv_safe.safe_cell`` (CSV injection: a leading
``= + - @`` TAB or CR gets an apostrophe): reports.day_export.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from desktop.app import AppContext
from desktop.catalogue import RevocationCatalogue
from desktop.dayclose import (
    DayClose,
    IntakeLine,
    Progress,
    PurposeTotal,
    close_day,
    day_to_close,
    purpose_totals,
)
from desktop.domain import (
    ID_DOCUMENT_LABELS,
    NETWORK_MARKS,
    NETWORK_RESTRICTION_LABELS,
    OS_LABELS,
    OUTCOME_LABELS,
    PURPOSE_LABELS,
    REFUSAL_REASON_LABELS,
    IdDocumentType,
    label,
)
from desktop.errors import UserError
from desktop.export_folder import CSV_FILE, REPORT, SUMMARY_FILE, XLSX_FILE, export_day
from desktop.keys import StationSigner
from reports.day_export import (
    ENCODINGS,
    HEADERS,
    UnencodableCharacter,
    header_of,
    render_csv,
    render_summary_csv,
    render_xlsx,
)
from reports.xlsx import IllegalCharacter

ACQUISITIONS = frozenset({"purchase", "trade_in", "consignment"})
SCOPE_DAY = "当日"
SCOPE_LATE = "締め後の記録（前の営業日の分）"
TOTAL_LABEL = "計"


def needs_ledger_data(line: IntakeLine) -> bool:
    """The 古物台帳 needs the seller's details only for an accepted acquisition."""
    return line.outcome == "accepted" and line.purpose in ACQUISITIONS


def ja(labels: Any, raw: str) -> str:
    """The Japanese label of a stored value ("" stays ""; an unknown value shows as itself)."""
    return label(labels, raw)[0] if raw else ""


def network_cell(raw: str) -> str:
    """The carriers' mark and its label: 「○ 制限なし」."""
    if not raw:
        return ""
    mark = next((m for key, m in NETWORK_MARKS.items() if key.value == raw), "")
    return f"{mark} {ja(NETWORK_RESTRICTION_LABELS, raw)}".strip()


def id_method_cell(line: IntakeLine) -> str:
    name = ja(ID_DOCUMENT_LABELS, line.id_document_type)
    if line.id_document_type == IdDocumentType.OTHER and line.id_document_name:
        return f"{name}（{line.id_document_name}）"
    return name


def row_values(
    line: IntakeLine, timezone: str, path_title: Callable[[str], tuple[str, str]]
) -> list[str | int | None]:
    """One intake's cells in COLUMNS order (ints stay ints for the XLSX)."""
    from zoneinfo import ZoneInfo  # noqa: PLC0415 - cheap, kept beside its one use

    personal = needs_ledger_data(line)
    local = line.created_at.astimezone(ZoneInfo(timezone))
    return [
        line.receipt,
        line.business_day.isoformat(),
        f"{local:%H:%M:%S}",
        "締め後の記録 LATE" if line.late else "",
        ja(PURPOSE_LABELS, line.purpose),
        ja(OUTCOME_LABELS, line.outcome),
        ja(REFUSAL_REASON_LABELS, line.refusal_reason),
        "取消" if line.voided else "",
        line.void_reason,
        line.price_yen,
        "携帯電話機",
        1,
        line.maker,
        line.model,
        line.color,
        line.storage_gb,
        ja(OS_LABELS, line.device_os),
        line.imei1,
        line.imei2,
        line.serial,
        network_cell(line.network_restriction),
        "要確認" if line.suspected_stolen else "",
        path_title(line.revocation_path)[0] if line.revocation_path else "",
        line.clerk,
        line.name if personal else "",
        line.address if personal else "",
        line.occupation if personal else "",
        line.age if personal else None,
        id_method_cell(line) if personal else "",
    ]


def export_rows(summary: DayClose) -> list[list[str | int | None]]:
    return [
        row_values(line, summary.timezone, summary.path_title)
        for line in (*summary.intakes, *summary.late_intakes)
    ]


def summary_rows(summary: DayClose) -> list[list[str | int | None]]:
    """The summary table: one row per purpose and a total, then the late intakes (if any).

    Counts and amounts are those of the report (``desktop.dayclose.purpose_totals``):
    a voided intake counts only as voided; the amount is the accepted ones' prices.
    """
    day, station = summary.day.isoformat(), summary.station

    def row(scope: str, name: str, t: PurposeTotal, amount: int | None) -> list[str | int | None]:
        return [day, station, scope, name, t.accepted, t.refused, t.voided, amount]

    totals = purpose_totals(summary.intakes)
    rows = [row(SCOPE_DAY, ja(PURPOSE_LABELS, t.purpose), t, t.amount_yen) for t in totals]
    everything = PurposeTotal(
        "",
        sum(t.accepted for t in totals),
        sum(t.refused for t in totals),
        sum(t.voided for t in totals),
        0,
    )
    rows.append(row(SCOPE_DAY, TOTAL_LABEL, everything, None))
    for t in purpose_totals(summary.late_intakes):
        if t.accepted or t.refused or t.voided:
            rows.append(row(SCOPE_LATE, ja(PURPOSE_LABELS, t.purpose), t, t.amount_yen))
    return rows


def _check_encoding(encoding: str) -> None:
    if encoding not in ENCODINGS:
        raise UserError(
            f"文字コード {encoding} には対応していません", f"unknown encoding {encoding}"
        )


def csv_bytes(rows: list[list[str | int | None]], encoding: str) -> bytes:
    """The intakes CSV; a character CP932 cannot write stops it, naming the cell."""
    _check_encoding(encoding)
    try:
        return render_csv(rows, encoding)
    except UnencodableCharacter as bad:
        char = bad.char
        raise UserError(
            f"受付 {bad.receipt} の「{header_of(bad.key)}」の文字「{char}」(U+{ord(char):04X}) は"
            "CP932（Shift_JIS）で書けません。UTF-8 で出力してください",
            f"receipt {bad.receipt}, column {bad.key}: the character {char!r} "
            f"(U+{ord(char):04X}) cannot be written in CP932; export as UTF-8",
        ) from None


def xlsx_bytes(
    rows: list[list[str | int | None]], title: str, summary: list[list[str | int | None]]
) -> bytes:
    """The intakes and the summary as XLSX; a control character stops it, naming the cell."""
    try:
        return render_xlsx(rows, title, summary)
    except IllegalCharacter as bad:
        column = HEADERS[bad.column] if bad.column < len(HEADERS) else str(bad.column + 1)
        raise UserError(
            f"受付 {bad.first} の「{column}」に表計算ファイル (XLSX) に書けない制御文字 "
            f"U+{ord(bad.char):04X} があります",
            f"receipt {bad.first}, column {column}: the control character "
            f"U+{ord(bad.char):04X} cannot be written to an XLSX file",
        ) from None


def report_snapshot(summary: DayClose) -> Any:
    """The frozen view the day report renders (reports.day_report.DayReportSnapshot)."""
    from zoneinfo import ZoneInfo  # noqa: PLC0415

    from reports.day_report import (  # noqa: PLC0415
        Count,
        DayReportSnapshot,
        ExceptionLine,
        PurposeRow,
    )

    zone = ZoneInfo(summary.timezone)
    counts = summary.counts
    standing = [line for line in summary.intakes if not line.voided]
    per_hour = Counter(line.created_at.astimezone(zone).hour for line in standing)

    def both(labels: Any, raw: str) -> str:
        return " / ".join(dict.fromkeys(label(labels, raw)))  # "Android", not "Android / Android"

    def rows(totals: tuple[PurposeTotal, ...]) -> tuple[PurposeRow, ...]:
        return tuple(
            PurposeRow(
                t.purpose,
                both(PURPOSE_LABELS, t.purpose),
                t.accepted,
                t.refused,
                t.voided,
                t.amount_yen,
            )
            for t in totals
        )

    def catalogue_order(path_counts: dict[str, int]) -> list[tuple[str, int]]:
        order = {path_id: i for i, path_id in enumerate(summary.path_titles)}
        return sorted(path_counts.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))

    def at(event_day: date, moment: Any) -> str:
        local = moment.astimezone(zone)
        return f"{local:%H:%M}" if event_day == summary.day else f"{local:%Y-%m-%d %H:%M}"

    return DayReportSnapshot(
        shop_name=summary.shop_name,
        station=summary.station,
        day=summary.day.isoformat(),
        closed_at=f"{summary.closed_at.astimezone(zone):%Y-%m-%d %H:%M}",
        manager=summary.manager,
        total=counts["intakes"],
        outcomes=tuple(Count(k, both(OUTCOME_LABELS, k), n) for k, n in counts["outcome"].items()),
        voided_intakes=sum(1 for line in summary.intakes if line.voided),
        purposes=rows(purpose_totals(summary.intakes)),
        late_purposes=rows(purpose_totals(summary.late_intakes)),
        paths=tuple(
            Count(k, summary.path_title(k)[0], n) for k, n in catalogue_order(counts["path"])
        ),
        systems=tuple(Count(k, both(OS_LABELS, k), n) for k, n in counts["os"].items()),
        per_hour=tuple(per_hour.get(h, 0) for h in range(24)),
        voids=counts["voids"],
        reprints=counts["reprints"],
        late=counts["late"],
        exceptions=tuple(
            ExceptionLine(e.kind, at(e.at.astimezone(zone).date(), e.at), e.receipt, e.detail)
            for e in summary.exceptions
        ),
        head_seq=summary.head.seq,
        head_hash=summary.head.entry_hash,
        close_seq=summary.head.seq + 1,
        fingerprint=summary.fingerprint,
    )


def render_files(
    summary: DayClose,
    signer: StationSigner,
    *,
    encoding: str,
    progress: Progress,
) -> dict[str, bytes]:
    """The report, CSV and XLSX bytes of a day (nothing touches the disk)."""
    from reports.day_report import render_day_report  # noqa: PLC0415
    from reports.signing import sign_pdf  # noqa: PLC0415

    rows = export_rows(summary)
    totals = summary_rows(summary)
    progress("csv", 30)
    intakes_csv = csv_bytes(rows, encoding)  # first: a CP932 failure should stop early
    summary_csv = render_summary_csv(totals, encoding)
    progress("xlsx", 40)
    xlsx = xlsx_bytes(rows, f"{summary.station} {summary.day}", totals)
    progress("report", 60)
    pdf = sign_pdf(
        render_day_report(report_snapshot(summary)),
        signer.key,
        signer.certificate,
        reason=f"Revoke Desk day close {summary.station} {summary.day}",
        location=summary.shop_name,
    )
    return {REPORT: pdf, CSV_FILE: intakes_csv, SUMMARY_FILE: summary_csv, XLSX_FILE: xlsx}


def close_day_exports(
    session: Session,
    signer: StationSigner,
    *,
    day: date,
    manager: str,
    now: datetime,
    encoding: str = "utf-8-sig",
    progress: Progress | None = None,
    catalogue: RevocationCatalogue | None = None,
) -> DayClose:
    """Close ``day`` of the signer's station with its exports, in the caller's transaction.

    The caller has already checked the manager's PIN.  Renders the exports in memory
    (so that their SHA-256 go into the signed close entry) and seals them
    (``desktop.dayclose.close_day``); :func:`desktop.export_folder.export_day` then
    writes the folder.  The exports name the revocation paths by their titles in
    ``catalogue`` (the bundled one by default).
    """
    report = progress or _noop
    summary = day_to_close(
        session, signer, day=day, manager=manager, now=now, progress=report, catalogue=catalogue
    )
    report("rendering", 25)
    files = render_files(summary, signer, encoding=encoding, progress=report)
    report("sealing", 90)
    closed = close_day(session, signer, summary, files, encoding=encoding)
    report("closed", 95)
    return closed


def _noop(stage: str, percent: int) -> None:
    del stage, percent


def close_and_export(
    ctx: AppContext,
    signer: StationSigner,
    *,
    day: date,
    manager: str,
    out_dir: Path,
    encoding: str = "utf-8-sig",
    progress: Progress | None = None,
) -> DayClose:
    """Close ``day`` and write its export folder: the one use case the CLI and the GUI share.

    The folder is written before the transaction commits, so a folder that cannot be
    written leaves the day open (the manager simply tries again); if the commit itself
    fails, the folder, which then describes no close, is removed.
    """
    written = False
    try:
        with ctx.transaction() as session:
            summary = close_day_exports(
                session,
                signer,
                day=day,
                manager=manager,
                now=ctx.clock(),
                encoding=encoding,
                progress=progress,
                catalogue=ctx.catalogue(),  # the shop's own, if it installed a newer one
            )
            export_day(summary, out_dir, signer)
            written = True
    except BaseException:
        if written:
            shutil.rmtree(out_dir, ignore_errors=True)
        raise
    return summary

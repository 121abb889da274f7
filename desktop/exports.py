"""The day's export folder: what it holds, how it is written, and how it is checked.

A folder per closed day::

    day-report.pdf    the signed day report (reports.day_report, PAdES)
    intakes.csv       the intakes, UTF-8 with BOM (Excel in Japan needs it) or CP932
    day-summary.csv   the counts and money totals per purpose, in the same encoding
    intakes.xlsx      the intakes (first sheet) and the summary (second sheet), values
                      only, never a formula (reports.xlsx)
    station-cert.pem  the station certificate, to check the signatures offline
    manifest.json     every other file's SHA-256 and size, the counts, the chain head
    manifest.sig      the station key's signature of manifest.json's exact bytes (base64)

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
``= + - @`` TAB or CR gets an apostrophe).  The folder is written to a hidden sibling
and renamed into place only when complete, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import io
import json
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from cryptography import x509
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Shop, Station
from desktop import ledger
from desktop.app import AppContext
from desktop.dayclose import (
    COUNTS_VERSION,
    DayClose,
    IntakeLine,
    PurposeTotal,
    close_day,
    find_close,
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
from desktop.files import write_folder_atomically
from desktop.keys import StationSigner, certificate_fingerprint, signature_is_valid
from reports.csv_safe import could_be_formula, safe_cell

REPORT = "day-report.pdf"
CSV_FILE = "intakes.csv"
SUMMARY_FILE = "day-summary.csv"
XLSX_FILE = "intakes.xlsx"
CERT_FILE = "station-cert.pem"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
# v2: the summary CSV and the XLSX summary sheet, labels instead of ids, counts of
# rules version 2 (voided intakes apart, money per purpose).
MANIFEST_FORMAT = "revoke-desk-day-export/v2"
ENCODINGS = ("utf-8-sig", "cp932")
ACQUISITIONS = frozenset({"purchase", "trade_in", "consignment"})


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Japanese / English, as the spreadsheet's first row shows it
    personal: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("receipt", "受付番号 receipt"),
    Column("business_day", "営業日 day"),
    Column("time", "時刻 time"),
    Column("late", "締め後 late"),
    Column("purpose", "区分 purpose"),
    Column("outcome", "結果 outcome"),
    Column("refusal_reason", "お断りの理由 refusal reason"),
    Column("voided", "取消 void"),
    Column("void_reason", "取消理由 void reason"),
    Column("price_yen", "金額(円) price"),
    Column("item", "品目 item"),
    Column("quantity", "数量 quantity"),
    Column("maker", "メーカー maker"),
    Column("model", "機種 model"),
    Column("color", "色 colour"),
    Column("storage_gb", "容量(GB) storage"),
    Column("os", "OS"),
    Column("imei1", "IMEI 1"),
    Column("imei2", "IMEI 2"),
    Column("serial", "製造番号 serial"),
    Column("network_restriction", "ネットワーク利用制限 network restriction"),
    Column("suspected_stolen", "不正品の疑い suspected stolen"),
    Column("revocation_path", "失効経路 revocation path"),
    Column("clerk", "担当 clerk"),
    Column("name", "氏名 name", personal=True),
    Column("address", "住所 address", personal=True),
    Column("occupation", "職業 occupation", personal=True),
    Column("age", "年齢 age", personal=True),
    Column("id_method", "確認方法 ID method", personal=True),
)
HEADERS = tuple(c.header for c in COLUMNS)
KEYS = tuple(c.key for c in COLUMNS)

SUMMARY_HEADERS = (
    "営業日 day",
    "ステーション station",
    "対象 scope",
    "区分 purpose",
    "受付 accepted",
    "お断り refused",
    "取消 voided",
    "金額合計(円) total yen",
)
SUMMARY_SHEET = "集計 summary"
SCOPE_DAY = "当日"
SCOPE_LATE = "締め後の記録（前の営業日の分）"
TOTAL_LABEL = "計"


def header_of(key: str) -> str:
    return HEADERS[KEYS.index(key)]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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


def _csv_text(headers: tuple[str, ...], rows: list[list[str | int | None]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def render_summary_csv(rows: list[list[str | int | None]], encoding: str) -> bytes:
    """The summary CSV (labels and numbers only: every character is CP932's)."""
    _check_encoding(encoding)
    return _csv_text(SUMMARY_HEADERS, rows).encode(encoding)


def render_csv(rows: list[list[str | int | None]], encoding: str) -> bytes:
    """The CSV bytes; CP932 stops at the first cell it cannot encode, naming it."""
    _check_encoding(encoding)
    text = _csv_text(HEADERS, rows)
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        pass
    for row in rows:
        for key, value in zip(KEYS, row, strict=True):
            cell = safe_cell(value)
            for char in cell:
                try:
                    char.encode(encoding)
                except UnicodeEncodeError:
                    raise UserError(
                        f"受付 {row[0]} の「{header_of(key)}」の文字「{char}」(U+{ord(char):04X}) は"
                        "CP932（Shift_JIS）で書けません。UTF-8 で出力してください",
                        f"receipt {row[0]}, column {key}: the character {char!r} "
                        f"(U+{ord(char):04X}) cannot be written in CP932; export as UTF-8",
                    ) from None
    raise AssertionError("an unencodable character outside the cells")  # pragma: no cover


def render_xlsx(
    rows: Iterable[Sequence[str | int | None]],
    title: str,
    summary: Iterable[Sequence[str | int | None]] | None = None,
) -> bytes:
    """The intakes on the first sheet (named ``title``), the summary on the second.

    Numbers stay numbers.  A text that could start a formula is a string cell with
    Excel's quote prefix (reports.csv_safe), never a formula.  A control character no
    XLSX can hold stops the export, naming the receipt and the column.
    """
    from reports.xlsx import IllegalCharacter, Sheet, write_xlsx  # noqa: PLC0415

    intakes = Sheet(title, HEADERS, rows)
    sheets = (
        [intakes] if summary is None else [intakes, Sheet(SUMMARY_SHEET, SUMMARY_HEADERS, summary)]
    )
    try:
        return write_xlsx(sheets, quote=could_be_formula)
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
    progress: Callable[[str, int], None],
) -> dict[str, bytes]:
    """The report, CSV and XLSX bytes of a day (nothing touches the disk)."""
    from reports.day_report import render_day_report  # noqa: PLC0415
    from reports.signing import sign_pdf  # noqa: PLC0415

    rows = export_rows(summary)
    totals = summary_rows(summary)
    progress("csv", 30)
    csv_bytes = render_csv(rows, encoding)  # first: a CP932 failure should stop early
    summary_bytes = render_summary_csv(totals, encoding)
    progress("xlsx", 40)
    xlsx_bytes = render_xlsx(rows, f"{summary.station} {summary.day}", totals)
    progress("report", 60)
    pdf = sign_pdf(
        render_day_report(report_snapshot(summary)),
        signer.key,
        signer.certificate,
        reason=f"Revoke Desk day close {summary.station} {summary.day}",
        location=summary.shop_name,
    )
    return {REPORT: pdf, CSV_FILE: csv_bytes, SUMMARY_FILE: summary_bytes, XLSX_FILE: xlsx_bytes}


def manifest_bytes(summary: DayClose, files: Mapping[str, bytes]) -> bytes:
    assert summary.close_entry is not None, "export a day only after close_day"
    manifest = {
        "format": MANIFEST_FORMAT,
        "station": summary.station,
        "day": summary.day.isoformat(),
        "generated_at": summary.closed_at.isoformat(),
        "manager": summary.manager,
        "encoding": summary.encoding,
        "files": [
            {"name": name, "sha256": sha256(data), "size": len(data)}
            for name, data in sorted(files.items())
        ],
        "counts": summary.counts,
        "chain_head": {"seq": summary.head.seq, "entry_hash": summary.head.entry_hash},
        "close_entry": {
            "seq": summary.close_entry.seq,
            "entry_hash": summary.close_entry.entry_hash,
        },
        "certificate_fingerprint": summary.fingerprint,
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return text.encode("utf-8")


def export_day(summary: DayClose, out_dir: Path, signer: StationSigner) -> Path:
    """Write the closed day's folder atomically; returns ``out_dir``.

    ``out_dir`` must not exist yet (or be an empty folder): an export never mixes
    with other files.
    """
    files = {**summary.files, CERT_FILE: signer.certificate_pem.encode("ascii")}
    manifest = manifest_bytes(summary, files)
    everything = {
        **files,
        MANIFEST: manifest,
        SIGNATURE: (signer.sign(manifest) + "\n").encode("ascii"),
    }
    return write_folder_atomically(out_dir, everything)


# ---------------------------------------------------------------------------
# verify-export


@dataclass(frozen=True)
class ExportVerdict:
    problems: tuple[str, ...]  # each names the file or count that differs
    station: str = ""
    day: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        if self.ok:
            return [f"OK {self.station} {self.day}: signature, files and counts agree"]
        return [f"NG {problem}" for problem in self.problems]


def verify_export(folder: Path, session: Session | None = None) -> ExportVerdict:
    """Check an export folder: signature, every file's hash, and (with a session) the ledger."""
    problems: list[str] = []
    raw: dict[str, bytes] = {}
    for name in (MANIFEST, SIGNATURE, CERT_FILE):
        try:
            raw[name] = (folder / name).read_bytes()
        except OSError:
            problems.append(f"{name}: missing")
    if problems:
        return ExportVerdict(tuple(problems))
    try:
        certificate = x509.load_pem_x509_certificate(raw[CERT_FILE])
    except ValueError:
        return ExportVerdict((f"{CERT_FILE}: not a certificate (changed?)",))
    try:
        signature = raw[SIGNATURE].decode("ascii").strip()
        base64.b64decode(signature, validate=True)
    except (UnicodeDecodeError, binascii.Error):
        signature = ""
    if not signature or not signature_is_valid(certificate, raw[MANIFEST], signature):
        problems.append(
            f"{MANIFEST}/{SIGNATURE}: the signature does not verify with {CERT_FILE} "
            "(the manifest or its signature was changed)"
        )
    try:
        manifest = json.loads(raw[MANIFEST].decode("utf-8"))
        station, day = str(manifest["station"]), str(manifest["day"])
        listed = {str(f["name"]): f for f in manifest["files"]}
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        return ExportVerdict((*problems, f"{MANIFEST}: not a readable manifest"))
    if manifest.get("certificate_fingerprint") != certificate_fingerprint(certificate):
        problems.append(f"{CERT_FILE}: not the certificate the manifest names")
    for name, entry in sorted(listed.items()):
        path = folder / Path(name).name
        try:
            data = path.read_bytes()
        except OSError:
            problems.append(f"{name}: missing")
            continue
        if sha256(data) != entry.get("sha256") or len(data) != entry.get("size"):
            problems.append(f"{name}: SHA-256 differs from the manifest (the file was changed)")
    expected = {*listed, MANIFEST, SIGNATURE}
    for path in sorted(folder.iterdir()):
        if path.name not in expected:
            problems.append(f"{path.name}: not listed in the manifest")
    if session is not None:
        problems.extend(_against_ledger(session, manifest, certificate, station, day))
    return ExportVerdict(tuple(problems), station, day)


def _against_ledger(
    session: Session,
    manifest: dict[str, Any],
    certificate: x509.Certificate,
    station: str,
    day: str,
) -> list[str]:
    from desktop.dayclose import day_counts, legacy_day_counts, summarise_day  # noqa: PLC0415

    problems: list[str] = []
    registered = session.get(Station, station)
    if registered is None:
        return [f"station {station}: not in this database"]
    try:
        the_day = date.fromisoformat(day)
    except ValueError:
        return [*problems, f"{MANIFEST}: day {day!r} is not a date"]
    close = find_close(session, station, the_day)
    # The certificate in force at the close: after a key rotation, older exports carry
    # the old one (desktop.ledger.certificate_history).
    try:
        history = ledger.certificate_history(session, registered)
        epoch = ledger.certificate_at(history, close.seq) if close else history[-1]
        in_force = epoch.fingerprint
    except (ValueError, KeyError, TypeError):
        in_force = registered.fingerprint
    if in_force != certificate_fingerprint(certificate):
        problems.append(
            f"{CERT_FILE}: differs from station {station}'s certificate in the database"
        )
    if close is None:
        return [*problems, f"ledger: no day close of {station} {day}"]
    body = json.loads(close.body)
    if manifest.get("close_entry") != {"seq": close.seq, "entry_hash": close.entry_hash}:
        problems.append(f"{MANIFEST}: close_entry differs from the ledger's #{close.seq}")
    if manifest.get("chain_head") != body["head"]:
        problems.append(f"{MANIFEST}: chain_head differs from the ledger's close entry")
    listed = {f["name"]: f["sha256"] for f in manifest.get("files", [])}
    for name, digest in body["exports"].items():
        if listed.get(name) != digest:
            problems.append(f"{name}: SHA-256 differs from the ledger's close entry")
    problems.extend(
        _count_differences("ledger close entry", manifest.get("counts"), body["counts"])
    )
    # Recount from the intakes themselves: those of the day recorded before the close.
    shop = session.scalars(select(Shop)).one()
    now_view = summarise_day(
        session, station, the_day, timezone=shop.timezone, manager="", now=close.created_at
    )
    # A void made after the close (it is reported late, with a later close) did not
    # count at this one.
    on_time = tuple(
        replace(i, voided=i.voided and i.void_seq < close.seq)
        for i in now_view.intakes
        if i.seq < close.seq
    )
    stored = dict(manifest.get("counts") or {})
    version = stored.get("version")
    if version == COUNTS_VERSION:
        recount = day_counts(on_time, (), (), ())
    elif version is None:  # a close made before the counts had a version: rules 1
        recount = legacy_day_counts(on_time)
    else:
        return [*problems, f"counts: rules version {version!r} unknown to this version"]
    for key in ("voids", "reprints", "late"):
        stored.pop(key, None)
        recount.pop(key, None)
    problems.extend(_count_differences("ledger intakes", stored, recount))
    return problems


def _count_differences(source: str, exported: Any, ledger_counts: Any) -> list[str]:
    if not isinstance(exported, dict) or not isinstance(ledger_counts, dict):
        return [f"counts: missing in the export or the {source}"]
    problems = []
    for key in sorted({*exported, *ledger_counts}):
        if exported.get(key) != ledger_counts.get(key):
            problems.append(
                f"counts.{key}: export {exported.get(key)!r}, {source} {ledger_counts.get(key)!r}"
            )
    return problems


def close_and_export(
    ctx: AppContext,
    signer: StationSigner,
    *,
    day: date,
    manager: str,
    out_dir: Path,
    encoding: str = "utf-8-sig",
    progress: Callable[[str, int], None] | None = None,
) -> DayClose:
    """Close ``day`` and write its export folder: the one use case the CLI and the GUI share.

    The folder is written before the transaction commits, so a folder that cannot be
    written leaves the day open (the manager simply tries again); if the commit itself
    fails, the folder, which then describes no close, is removed.
    """
    written = False
    try:
        with ctx.transaction() as session:
            summary = close_day(
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

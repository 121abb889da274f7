"""Head office: the intakes of a day or a period across every station, in one signed folder.

``revoke-desk head-office-export`` (and the manager's screen ``ui.headoffice_view``)
writes a folder for head office::

    intakes.csv       every intake of the period, every station, oldest day first
    summary.csv       per station and business day, per purpose: accepted, refused,
                      voided and the money of the accepted ones; whether the day is
                      closed; then each station's period total and the shop's
    intakes.xlsx      the two tables as sheets (values only, never a formula)
    station-cert.pem  the certificate of the station that signed the manifest
    manifest.json     every other file's SHA-256 and size, the period, the shop, each
                      station's certificate fingerprint, chain head and day closes
                      at the export, and the counts
    manifest.sig      this station's signature of manifest.json's exact bytes

It is read from the shared database, so one counter exports every station of the
shop; the signature is that counter's station key, as a day export's is.  The export
itself is an ``export`` ledger entry (desktop.audit, ``Copy.HEAD_OFFICE``) naming the
manifest's SHA-256, so ``verify-head-office`` finds it in the ledger.

**No personal data.**  Head office is not the police: DOMAIN.md §5 keeps exports
minimal outside the 古物台帳, so the seller's name, address, occupation, age and ID
method are left out (the columns are not there at all).  The 古物台帳 of a period,
with them, is ``revoke-desk ledger``, shop-wide already.

**One shop per database.**  The schema holds one ``shop`` row and stations have no
shop of their own, so "all shops" is the one shop of this database; the manifest
lists shops as a list, and a chain with several databases exports each.

**As of the export.**  What the folder counts is fixed by the chain heads it names:
an intake or void after them is not in it.  ``verify-head-office`` recounts from the
ledger up to those heads, so later business never makes an export fail.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Intake, LedgerEntry, Station
from desktop import ledger
from desktop.app import AppContext
from desktop.catalogue import RevocationCatalogue
from desktop.dayclose import IntakeLine, PurposeTotal, purpose_totals
from desktop.domain import PURPOSE_LABELS, Label
from desktop.errors import UserError
from desktop.export_folder import CERT_FILE, MANIFEST, SIGNATURE, read_signed_files, sha256
from desktop.exports import ja, row_values
from desktop.files import write_folder_atomically
from desktop.keys import StationSigner, certificate_fingerprint
from desktop.ledger_book import check_period
from desktop.setup import ShopDetails
from desktop.trust import matches
from reports.day_export import COLUMNS, ENCODINGS, UnencodableCharacter, table_csv, table_xlsx
from reports.xlsx import IllegalCharacter, Sheet

MANIFEST_FORMAT = "revoke-desk-head-office-export/v1"
CSV_FILE = "intakes.csv"
SUMMARY_FILE = "summary.csv"
XLSX_FILE = "intakes.xlsx"
INTAKES_SHEET = "受付 intakes"
SUMMARY_SHEET = "集計 summary"

STATION_HEADER = "ステーション station"
# The day export's columns without the personal ones, the station first.
_KEPT = tuple(i for i, column in enumerate(COLUMNS) if not column.personal)
HEADERS = (STATION_HEADER, *(COLUMNS[i].header for i in _KEPT))
SUMMARY_HEADERS = (
    "営業日 day",
    STATION_HEADER,
    "締め close",
    "区分 purpose",
    "受付 accepted",
    "お断り refused",
    "取消 voided",
    "金額合計(円) total yen",
)
TOTAL_LABEL = "計"
PERIOD_LABEL = "期間計 period"
ALL_STATIONS = "全ステーション all"
OPEN_DAY = "未締め open"

Cell = str | int | None


class StationLine(NamedTuple):
    """One intake and the station whose chain holds it."""

    station: str
    line: IntakeLine


@dataclass(frozen=True)
class Close:
    """One station's ``day_closed`` entry of a day of the period."""

    station: str
    day: date
    seq: int
    entry_hash: str

    def as_json(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), "seq": self.seq, "entry_hash": self.entry_hash}


@dataclass(frozen=True)
class Snapshot:
    """What the ledger holds for the period, up to the given chain heads (reads only)."""

    date_from: date
    date_to: date
    heads: Mapping[str, ledger.ChainHead]
    fingerprints: Mapping[str, str]  # station → the certificate in force at its head
    lines: tuple[StationLine, ...]  # (business day, station, seq) order
    closes: tuple[Close, ...]

    @property
    def stations(self) -> list[str]:
        return sorted(self.heads)

    def close_of(self, station: str, day: date) -> Close | None:
        return self._closes.get((station, day))

    def lines_of(self, station: str | None, day: date | None = None) -> tuple[IntakeLine, ...]:
        """The intakes of one station (None: every station), of one day or the period."""
        if station is not None and day is not None:
            return self._grouped.get((station, day), ())
        return tuple(
            line
            for code, line in self.lines
            if (station is None or code == station) and (day is None or line.business_day == day)
        )

    def days_of(self, station: str) -> list[date]:
        """The days of the period on which ``station`` took an intake or was closed."""
        days = {day for code, day in self._grouped if code == station}
        days |= {day for code, day in self._closes if code == station}
        return sorted(days)

    @cached_property
    def _grouped(self) -> dict[tuple[str, date], tuple[IntakeLine, ...]]:
        groups: dict[tuple[str, date], list[IntakeLine]] = defaultdict(list)
        for code, line in self.lines:
            groups[(code, line.business_day)].append(line)
        return {key: tuple(lines) for key, lines in groups.items()}

    @cached_property
    def _closes(self) -> dict[tuple[str, date], Close]:
        return {(close.station, close.day): close for close in self.closes}

    def counts(self) -> dict[str, Any]:
        """Per station and day, each station's period, and the whole shop (plain JSON)."""
        stations: dict[str, Any] = {}
        for code in self.stations:
            days = {
                day.isoformat(): _counts(self.lines_of(code, day))
                for day in self.days_of(code)
                if self.lines_of(code, day)
            }
            stations[code] = {"days": days, "total": _counts(self.lines_of(code))}
        return {"stations": stations, "total": _counts(self.lines_of(None))}


@dataclass(frozen=True)
class HeadOfficeExport:
    """A written head-office folder."""

    snapshot: Snapshot
    folder: Path
    manifest: bytes
    files: Mapping[str, bytes] = field(default_factory=dict)

    @property
    def manifest_sha256(self) -> str:
        return sha256(self.manifest)


def _counts(lines: Sequence[IntakeLine]) -> dict[str, Any]:
    totals = purpose_totals(tuple(lines))
    return {
        "intakes": sum(t.accepted + t.refused for t in totals),
        "voided": sum(t.voided for t in totals),
        "late": sum(1 for line in lines if line.late),
        "purpose": {t.purpose: t.as_json() for t in totals},
    }


# ---------------------------------------------------------------------------
# Reading the ledger


def snapshot(
    session: Session,
    date_from: date,
    date_to: date,
    *,
    heads: Mapping[str, int] | None = None,
) -> Snapshot:
    """The intakes and closes of ``date_from``…``date_to`` on every station.

    ``heads`` (station → seq) fixes what is read, as a manifest names it; by default
    each station's chain head now.  Only entries at or before a station's head count:
    an intake, void or close after it is left out, so the snapshot is the same
    whenever it is read again.
    """
    check_period(date_from, date_to)
    stations = {s.code: s for s in session.scalars(select(Station).order_by(Station.code))}
    if heads is None:
        chain_heads = {code: ledger.chain_head(session, code) for code in stations}
    else:
        chain_heads = {
            code: ledger.ChainHead(code, seq, _entry_hash(session, code, seq) or "")
            for code, seq in heads.items()
            if code in stations
        }
    limit = {code: head.seq for code, head in chain_heads.items()}

    def counted(station: str, seq: int) -> bool:
        return seq <= limit.get(station, 0)

    in_period = Intake.business_day.between(date_from, date_to)
    closes = tuple(
        Close(station, date.fromisoformat(subject), seq, entry_hash)
        for station, seq, subject, entry_hash in session.execute(
            select(
                LedgerEntry.station, LedgerEntry.seq, LedgerEntry.subject, LedgerEntry.entry_hash
            )
            .where(
                LedgerEntry.kind == ledger.EntryKind.DAY_CLOSED,
                LedgerEntry.subject.between(date_from.isoformat(), date_to.isoformat()),
            )
            .order_by(LedgerEntry.subject, LedgerEntry.station)
        )
        if counted(station, seq)
    )
    voids: dict[str, str] = {}  # receipt → the void's reason, for voids up to the heads
    for station, seq, subject, body in session.execute(
        select(LedgerEntry.station, LedgerEntry.seq, LedgerEntry.subject, LedgerEntry.body).where(
            LedgerEntry.kind == ledger.EntryKind.VOID,
            LedgerEntry.subject.in_(select(Intake.receipt).where(in_period)),
        )
    ):
        if counted(station, seq):
            voids[subject] = str(json.loads(body).get("reason", ""))
    close_seq = {(c.station, c.day): c.seq for c in closes}
    lines = []
    for intake, raw in session.execute(
        select(Intake, LedgerEntry.body)
        .join(
            LedgerEntry,
            (LedgerEntry.station == Intake.station) & (LedgerEntry.seq == Intake.seq),
        )
        .where(in_period)
        .order_by(Intake.business_day, Intake.station, Intake.seq)
    ):
        if not counted(intake.station, intake.seq):
            continue
        closed_at = close_seq.get((intake.station, intake.business_day))
        line = _line(
            intake,
            json.loads(raw),
            voided=intake.receipt in voids,
            void_reason=voids.get(intake.receipt, ""),
            late=closed_at is not None and intake.seq > closed_at,
        )
        lines.append(StationLine(intake.station, line))
    fingerprints = {}
    for code, head in chain_heads.items():
        history = ledger.certificate_history(session, stations[code])
        fingerprints[code] = ledger.certificate_at(history, max(head.seq, 1)).fingerprint
    return Snapshot(date_from, date_to, chain_heads, fingerprints, tuple(lines), closes)


def _entry_hash(session: Session, station: str, seq: int) -> str | None:
    found: str | None = session.execute(
        select(LedgerEntry.entry_hash).where(LedgerEntry.station == station, LedgerEntry.seq == seq)
    ).scalar_one_or_none()
    return found


def _line(
    intake: Intake, body: dict[str, Any], *, voided: bool, void_reason: str, late: bool
) -> IntakeLine:
    """One intake as the day export's rows are made from it, without the personal data."""
    device = body.get("device") or {}
    return IntakeLine(
        receipt=intake.receipt,
        business_day=intake.business_day,
        created_at=intake.created_at,
        seq=intake.seq,
        clerk=intake.clerk,
        purpose=intake.purpose,
        outcome=intake.outcome,
        refusal_reason=intake.refusal_reason,
        price_yen=intake.price_yen,
        device_os=intake.device_os,
        maker=intake.maker,
        model=intake.model,
        color=str(device.get("color", "")),
        storage_gb=device.get("storage_gb"),
        imei1=intake.imei1,
        imei2=intake.imei2,
        serial=str(device.get("serial", "")),
        network_restriction=str(device.get("network_restriction", "")),
        revocation_path=intake.revocation_path,
        suspected_stolen=bool(body.get("suspected_stolen", False)),
        id_document_type="",
        id_document_name="",
        voided=voided,
        void_reason=void_reason,
        void_seq=0,
        late=late,
        name="",
        address="",
        occupation="",
        age=None,
    )


# ---------------------------------------------------------------------------
# Rendering


def intake_rows(snap: Snapshot, timezone: str, catalogue: RevocationCatalogue) -> list[list[Cell]]:
    titles: dict[str, Label] = {p.id: (p.title.ja, p.title.en) for p in catalogue.paths.values()}

    def path_title(path_id: str) -> Label:
        return titles.get(path_id, (path_id, path_id))

    rows = []
    for station, line in snap.lines:
        values = row_values(line, timezone, path_title)
        rows.append([station, *(values[i] for i in _KEPT)])
    return rows


def summary_rows(snap: Snapshot) -> list[list[Cell]]:
    """Per station and day (days with intakes or a close), then per station, then the shop."""

    def block(day: str, station: str, close: str, lines: Sequence[IntakeLine]) -> list[list[Cell]]:
        totals = purpose_totals(tuple(lines))
        rows: list[list[Cell]] = [
            [day, station, close, ja(PURPOSE_LABELS, t.purpose), *_numbers(t)] for t in totals
        ]
        everything = PurposeTotal(
            "",
            sum(t.accepted for t in totals),
            sum(t.refused for t in totals),
            sum(t.voided for t in totals),
            0,
        )
        rows.append([day, station, close, TOTAL_LABEL, *_numbers(everything)[:3], None])
        return rows

    rows: list[list[Cell]] = []
    for code in snap.stations:
        for day in snap.days_of(code):
            lines = snap.lines_of(code, day)
            close = snap.close_of(code, day)
            state = f"締め済 closed #{close.seq}" if close else OPEN_DAY
            rows.extend(block(day.isoformat(), code, state, lines))
    period = f"{snap.date_from.isoformat()}..{snap.date_to.isoformat()}"
    for code in snap.stations:
        rows.extend(block(period, code, PERIOD_LABEL, snap.lines_of(code)))
    rows.extend(block(period, ALL_STATIONS, PERIOD_LABEL, snap.lines_of(None)))
    return rows


def _numbers(total: PurposeTotal) -> list[Cell]:
    return [total.accepted, total.refused, total.voided, total.amount_yen]


def render_csv(headers: Sequence[str], rows: list[list[Cell]], encoding: str) -> bytes:
    """The CSV bytes (reports.day_export); CP932 stops at the first cell it cannot encode."""
    if encoding not in ENCODINGS:
        raise UserError(
            f"文字コード {encoding} には対応していません", f"unknown encoding {encoding}"
        )
    try:
        return table_csv(headers, rows, encoding)
    except UnencodableCharacter as bad:
        where, char = bad.row[:2], bad.char
        raise UserError(
            f"{where[0]} {where[1]} の「{bad.key}」の文字「{char}」(U+{ord(char):04X}) は"
            "CP932（Shift_JIS）で書けません。UTF-8 で出力してください",
            f"{where[0]} {where[1]}, column {bad.key}: the character {char!r} "
            f"(U+{ord(char):04X}) cannot be written in CP932; export as UTF-8",
        ) from None


def render_xlsx(sheets: Sequence[tuple[str, Sequence[str], list[list[Cell]]]]) -> bytes:
    """Each (name, headers, rows) as a sheet; a text that could start a formula stays text."""
    try:
        return table_xlsx([Sheet(name[:31], headers, rows) for name, headers, rows in sheets])
    except IllegalCharacter as bad:
        name, headers, _rows = _sheet_of(sheets, bad)
        column = headers[bad.column] if bad.column < len(headers) else str(bad.column + 1)
        raise UserError(
            f"{name} の {bad.first} の「{column}」に表計算ファイル (XLSX) に書けない制御文字 "
            f"U+{ord(bad.char):04X} があります",
            f"{name}, {bad.first}, column {column}: the control character "
            f"U+{ord(bad.char):04X} cannot be written to an XLSX file",
        ) from None


def _sheet_of(
    sheets: Sequence[tuple[str, Sequence[str], list[list[Cell]]]], bad: IllegalCharacter
) -> tuple[str, Sequence[str], list[list[Cell]]]:
    """The sheet whose row ``bad.row`` (1-based, after the header) holds the bad cell."""
    for name, headers, rows in sheets:
        index = bad.row - 2
        if 0 <= index < len(rows) and bad.column < len(rows[index]):
            cell = rows[index][bad.column]
            if isinstance(cell, str) and bad.char in cell:
                return name, headers, rows
    return sheets[0]


def render_files(
    snap: Snapshot, *, timezone: str, encoding: str, catalogue: RevocationCatalogue
) -> dict[str, bytes]:
    intakes = intake_rows(snap, timezone, catalogue)
    summary = summary_rows(snap)
    return {
        CSV_FILE: render_csv(HEADERS, intakes, encoding),
        SUMMARY_FILE: render_csv(SUMMARY_HEADERS, summary, encoding),
        XLSX_FILE: render_xlsx(
            [(INTAKES_SHEET, HEADERS, intakes), (SUMMARY_SHEET, SUMMARY_HEADERS, summary)]
        ),
    }


def manifest_bytes(
    snap: Snapshot,
    files: Mapping[str, bytes],
    *,
    shop: ShopDetails,
    signer: StationSigner,
    manager: str,
    encoding: str,
    now: datetime,
) -> bytes:
    closes: dict[str, list[dict[str, Any]]] = {code: [] for code in snap.stations}
    for close in snap.closes:
        closes[close.station].append(close.as_json())
    manifest = {
        "format": MANIFEST_FORMAT,
        "station": signer.station,  # the station that signed
        "period": {"from": snap.date_from.isoformat(), "to": snap.date_to.isoformat()},
        "generated_at": now.isoformat(),
        "manager": manager,
        "encoding": encoding,
        "personal_data": False,
        "shops": [
            {
                "name": shop.name,
                "license_no": shop.license_no,
                "commission": shop.commission,
                "address": shop.address,
                "phone": shop.phone,
                "timezone": shop.timezone,
            }
        ],
        "stations": {
            code: {
                "certificate_fingerprint": snap.fingerprints[code],
                "chain_head": {
                    "seq": snap.heads[code].seq,
                    "entry_hash": snap.heads[code].entry_hash,
                },
                "closes": closes[code],
            }
            for code in snap.stations
        },
        "counts": snap.counts(),
        "files": [
            {"name": name, "sha256": sha256(data), "size": len(data)}
            for name, data in sorted(files.items())
        ],
        "certificate_fingerprint": signer.fingerprint,
    }
    return (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode(
        "utf-8"
    )


def export_head_office(
    ctx: AppContext,
    signer: StationSigner,
    *,
    date_from: date,
    date_to: date,
    manager: str,
    out_dir: Path,
    encoding: str = "utf-8-sig",
) -> HeadOfficeExport:
    """Read, render, sign and write the folder, then record the copy in the ledger.

    The caller has checked the manager's PIN (or that a manager is signed in).  The folder is complete before the ``export`` entry is appended (in its
    own transaction, desktop.audit): an export that failed to write leaves no entry.
    """
    from desktop.audit import Copy, record_copy  # noqa: PLC0415 - audit imports little, but last

    now = ctx.clock()
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise UserError(
            f"出力先 {out_dir} は空のフォルダではありません",
            f"{out_dir} exists and is not an empty folder",
        )
    shop = ctx.shop_profile()
    with ctx.reading() as session:
        snap = snapshot(session, date_from, date_to)
    files = render_files(snap, timezone=shop.timezone, encoding=encoding, catalogue=ctx.catalogue())
    files[CERT_FILE] = signer.certificate_pem.encode("ascii")
    manifest = manifest_bytes(
        snap, files, shop=shop, signer=signer, manager=manager, encoding=encoding, now=now
    )
    everything = {
        **files,
        MANIFEST: manifest,
        SIGNATURE: (signer.sign(manifest) + "\n").encode("ascii"),
    }
    write_folder_atomically(out_dir, everything)
    with ctx.transaction() as session:
        record_copy(
            session,
            signer,
            what=Copy.HEAD_OFFICE,
            by=manager,
            data=manifest,
            now=now,
            date_from=date_from.isoformat(),
            date_to=date_to.isoformat(),
            stations=len(snap.stations),
            intakes=len(snap.lines),
        )
    return HeadOfficeExport(snap, out_dir, manifest, everything)


# ---------------------------------------------------------------------------
# verify-head-office


@dataclass(frozen=True)
class HeadOfficeVerdict:
    problems: tuple[str, ...]
    station: str = ""
    period: str = ""
    stations: tuple[str, ...] = ()
    recorded: str = ""  # the export entry that names this manifest, e.g. "S01#42"

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        if not self.ok:
            return [f"NG {problem}" for problem in self.problems]
        where = f"; recorded as {self.recorded}" if self.recorded else ""
        return [
            f"OK head office {self.period} signed by {self.station} "
            f"({len(self.stations)} stations: {', '.join(self.stations)}): "
            f"signature, files and counts agree{where}"
        ]


def is_head_office_folder(folder: Path) -> bool:
    """Whether ``folder`` holds a head-office manifest (``verify-export`` hands it on)."""
    try:
        return bool(
            json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("format")
            == MANIFEST_FORMAT
        )
    except (OSError, ValueError, AttributeError):
        return False


def verify_head_office(
    folder: Path, session: Session | None = None, *, fingerprints: Sequence[str] = ()
) -> HeadOfficeVerdict:
    """Signature, every file's SHA-256, the fingerprint on paper; with a session, the ledger."""
    raw, certificate, problems = read_signed_files(folder)
    if certificate is None:
        return HeadOfficeVerdict(tuple(problems))
    try:
        manifest = json.loads(raw[MANIFEST].decode("utf-8"))
        if manifest.get("format") != MANIFEST_FORMAT:
            return HeadOfficeVerdict(
                (*problems, f"{MANIFEST}: not a head-office export ({manifest.get('format')!r})")
            )
        signer = str(manifest["station"])
        period = manifest["period"]
        date_from, date_to = date.fromisoformat(period["from"]), date.fromisoformat(period["to"])
        listed = {str(f["name"]): f for f in manifest["files"]}
        stations = {str(code): item for code, item in manifest["stations"].items()}
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        return HeadOfficeVerdict((*problems, f"{MANIFEST}: not a readable manifest"))
    fingerprint = certificate_fingerprint(certificate)
    if manifest.get("certificate_fingerprint") != fingerprint:
        problems.append(f"{CERT_FILE}: not the certificate the manifest names")
    for typed in fingerprints:
        if not matches(fingerprint, typed):
            problems.append(
                f"{CERT_FILE}: the certificate ({fingerprint[:16]}…) is not the one on paper "
                f"({typed.strip()[:16]}…)"
            )
    for name, entry in sorted(listed.items()):
        try:
            data = (folder / Path(name).name).read_bytes()
        except OSError:
            problems.append(f"{name}: missing")
            continue
        if sha256(data) != entry.get("sha256") or len(data) != entry.get("size"):
            problems.append(f"{name}: SHA-256 differs from the manifest (the file was changed)")
    for path in sorted(folder.iterdir()):
        if path.name not in {*listed, MANIFEST, SIGNATURE}:
            problems.append(f"{path.name}: not listed in the manifest")
    recorded = ""
    if session is not None:
        ledger_problems, recorded = _against_ledger(
            session,
            manifest,
            manifest_raw=raw[MANIFEST],
            signer=signer,
            fingerprint=fingerprint,
            date_from=date_from,
            date_to=date_to,
            stations=stations,
        )
        problems.extend(ledger_problems)
    return HeadOfficeVerdict(
        tuple(problems),
        signer,
        f"{date_from.isoformat()}..{date_to.isoformat()}",
        tuple(sorted(stations)),
        recorded,
    )


def _against_ledger(
    session: Session,
    manifest: dict[str, Any],
    *,
    manifest_raw: bytes,
    signer: str,
    fingerprint: str,
    date_from: date,
    date_to: date,
    stations: dict[str, Any],
) -> tuple[list[str], str]:
    problems: list[str] = []
    registered = {s.code: s for s in session.scalars(select(Station))}
    if signer not in registered:
        return [f"station {signer}: not in this database"], ""
    try:
        signed_with = {
            e.fingerprint for e in ledger.certificate_history(session, registered[signer])
        }
    except (ValueError, KeyError, TypeError):
        signed_with = {registered[signer].fingerprint}
    if fingerprint not in signed_with:
        problems.append(f"{CERT_FILE}: not a certificate of station {signer} in the database")
    generated = _when(manifest.get("generated_at"))
    for code, station in sorted(registered.items()):
        if code not in stations and generated is not None and station.created_at <= generated:
            problems.append(f"station {code}: in the database at the export but not in it")
    heads: dict[str, int] = {}
    for code, item in sorted(stations.items()):
        if code not in registered:
            problems.append(f"station {code}: not in this database")
            continue
        try:
            head = item["chain_head"]
            heads[code] = int(head["seq"])
            if _entry_hash(session, code, heads[code]) != head["entry_hash"]:
                problems.append(
                    f"{code}: entry #{heads[code]} differs from the export's chain head or is "
                    "missing (the chain was rewritten or cut)"
                )
        except (KeyError, TypeError, ValueError):
            problems.append(f"{MANIFEST}: station {code} has no readable chain head")
    if problems:
        return problems, ""
    snap = snapshot(session, date_from, date_to, heads=heads)
    for code in snap.stations:
        if snap.fingerprints[code] != stations[code].get("certificate_fingerprint"):
            problems.append(f"{code}: certificate fingerprint differs from the ledger's")
        listed = stations[code].get("closes")
        ours = [c.as_json() for c in snap.closes if c.station == code]
        if listed != ours:
            problems.append(f"{code}: the day closes listed differ from the ledger's")
    problems.extend(_differences("counts", manifest.get("counts"), snap.counts()))
    recorded = _recording(session, manifest_raw)
    if not recorded:
        problems.append(
            "ledger: no export entry names this manifest (the export was not recorded, or it "
            "comes from another database)"
        )
    return problems, recorded


def _when(text: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text))
    except ValueError:
        return None


def _recording(session: Session, manifest_raw: bytes) -> str:
    """The ``export`` entry that records this manifest, as ``STATION#SEQ`` ("" if none)."""
    from desktop.audit import Copy  # noqa: PLC0415

    digest = sha256(manifest_raw)
    for station, seq, body in session.execute(
        select(LedgerEntry.station, LedgerEntry.seq, LedgerEntry.body).where(
            LedgerEntry.kind == ledger.EntryKind.EXPORT,
            LedgerEntry.subject == Copy.HEAD_OFFICE,
        )
    ):
        if json.loads(body).get("sha256") == digest:
            return f"{station}#{seq}"
    return ""


def _differences(path: str, exported: Any, recounted: Any) -> list[str]:
    if isinstance(exported, dict) and isinstance(recounted, dict):
        found = []
        for key in sorted({*exported, *recounted}):
            found.extend(_differences(f"{path}.{key}", exported.get(key), recounted.get(key)))
        return found
    if exported != recounted:
        return [f"{path}: export {exported!r}, ledger {recounted!r}"]
    return []


def stations_line(snap: Snapshot) -> str:
    """``S01 12, S02 7`` (standing intakes per station) for the command's output."""
    counts = snap.counts()["stations"]
    return ", ".join(f"{code} {counts[code]['total']['intakes']}" for code in snap.stations)

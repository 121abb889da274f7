"""Issuing, reprinting and checking the signed slips.

A slip is rendered from the committed record (never from the draft), signed with
the station key, stored, and its SHA-256 appended to the ledger — ``slip_issued``
for the first copy, ``reprint`` for every later one, so a reprint is visible and
counted.  ``verify_slip`` proves that a presented PDF is one this shop issued and
that its record still stands.

Two steps, for a counter that must not count a copy nobody got: :func:`prepare_slip`
renders and signs (and writes nothing), :func:`record_slip` stores and ledgers that
very PDF.  The GUI records a reprint only once it was printed or saved for the
customer; :func:`issue_slip` does both at once (the first copy, the command line).

The QR payload (also in the PDF's Keywords) is ``RD1:STATION:SEQ:ENTRY_HASH:SIGNATURE``:
the intake's ledger entry, whose signature anyone with the station certificate can
check offline.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Clerk, Intake, LedgerEntry, Person, Shop, Slip, Station
from desktop import languages, ledger
from desktop.catalogue import (
    Bilingual,
    RevocationCatalogue,
    StepSection,
    catalogue_in,
    statement_version,
)
from desktop.domain import PURPOSE_LABELS, Purpose
from desktop.errors import UserError
from desktop.keys import StationSigner, signature_is_valid
from desktop.slip_texts import SlipTexts, slip_texts, slip_texts_in
from desktop.statements import CLERK_STATEMENT_ID
from desktop.voiding import is_voided
from reports.signing import check_signed_pdf, sign_pdf
from reports.slip import render_slip
from reports.snapshot import (
    DeviceLines,
    Hotline,
    LanguageNote,
    PathSteps,
    ShopLines,
    SlipFormat,
    SlipKind,
    SlipSnapshot,
    Text,
)
from reports.snapshot import StepSection as SnapshotSection

PAYLOAD_PREFIX = "RD1"
KEYWORDS_PREFIX = "revoke-desk-slip:v1 "
ISSUE_KINDS = (ledger.EntryKind.SLIP_ISSUED, ledger.EntryKind.REPRINT)


@dataclass(frozen=True)
class SlipPayload:
    station: str
    seq: int
    entry_hash: str
    signature: str

    def encode(self) -> str:
        return ":".join(
            (PAYLOAD_PREFIX, self.station, str(self.seq), self.entry_hash, self.signature)
        )

    @classmethod
    def decode(cls, text: str) -> SlipPayload | None:
        parts = text.split(":")
        if len(parts) != 5 or parts[0] != PAYLOAD_PREFIX or not parts[2].isdigit():
            return None
        return cls(parts[1], int(parts[2]), parts[3], parts[4])


@dataclass(frozen=True)
class IssuedSlip:
    receipt: str
    issue_no: int  # 1 for the first copy
    format: SlipFormat
    kind: SlipKind
    pdf: bytes
    sha256: str

    @property
    def reprint_count(self) -> int:
        return self.issue_no - 1


def _text(raw: Bilingual) -> Text:
    return Text(raw.ja, raw.en, raw.lang)


def _section(section: StepSection) -> SnapshotSection:
    return SnapshotSection(_text(section.heading), tuple(_text(step) for step in section.steps))


def issue_slip(
    session: Session,
    signer: StationSigner,
    *,
    receipt: str,
    fmt: SlipFormat,
    reprint: bool,
    catalogue: RevocationCatalogue,
    now: datetime,
    by: str = "",
) -> IssuedSlip:
    """Render, sign, store and ledger one copy of a receipt's slip (caller's transaction).

    ``by`` is the clerk who had it printed (DOMAIN.md §5: who printed what).

    The first copy is issued without ``reprint``; every later copy must say
    ``reprint`` and is marked 再発行 with its count, so no copy passes for another.
    """
    slip = prepare_slip(
        session,
        signer,
        receipt=receipt,
        fmt=fmt,
        reprint=reprint,
        catalogue=catalogue,
        now=now,
    )
    return record_slip(session, signer, slip, now=now, by=by)


def _issued_before(session: Session, receipt: str, fmt: SlipFormat) -> int:
    # Each format has its own original: the thermal roll for the customer and an A4
    # sheet for the file are both first issues; any further copy is a reprint.
    return sum(1 for issue in _issues(session, receipt) if issue["format"] == fmt.value)


def prepare_slip(
    session: Session,
    signer: StationSigner,
    *,
    receipt: str,
    fmt: SlipFormat,
    reprint: bool,
    catalogue: RevocationCatalogue,
    now: datetime,
) -> IssuedSlip:
    """Render and sign the next copy of a receipt's slip, writing nothing.

    The copy is numbered as the next one (再発行 with its count for a reprint); it
    counts, and verifies with ``verify-slip``, only once :func:`record_slip` has
    stored it.  Refuses as :func:`issue_slip` does.
    """
    issued_before = _issued_before(session, receipt, fmt)
    if reprint and issued_before == 0:
        raise UserError(
            f"{receipt} の控え（{fmt.value}）はまだ発行されていません。再発行指定なしで発行してください",
            f"no {fmt.value} slip has been issued for {receipt} yet: issue it without --reprint",
        )
    if not reprint and issued_before > 0:
        raise UserError(
            f"{receipt} の控え（{fmt.value}）は発行済みです。再発行として発行してください（--reprint）",
            f"a {fmt.value} slip for {receipt} was already issued: print a reprint (--reprint)",
        )
    issue_no = issued_before + 1
    snapshot = build_snapshot(
        session, receipt, catalogue=catalogue, printed_at=now, reprint_count=issue_no - 1
    )
    pdf = sign_pdf(
        render_slip(snapshot, fmt),
        signer.key,
        signer.certificate,
        reason=f"Revoke Desk {snapshot.kind.value} {receipt}",
        location=snapshot.shop.name,
    )
    digest = hashlib.sha256(pdf).hexdigest()
    return IssuedSlip(receipt, issue_no, fmt, snapshot.kind, pdf, digest)


def record_slip(
    session: Session, signer: StationSigner, slip: IssuedSlip, *, now: datetime, by: str = ""
) -> IssuedSlip:
    """Store ``slip`` (from :func:`prepare_slip`) and ledger it (caller's transaction).

    Recording the same PDF again does nothing, so a copy printed and then saved for
    the customer counts once.  A copy whose number another copy took in the meantime
    (a second window, another station) is refused: its paper would claim a count the
    ledger gives to a different file.
    """
    issues = [i for i in _issues(session, slip.receipt) if i["format"] == slip.format.value]
    if any(issue["pdf_sha256"] == slip.sha256 for issue in issues):
        return slip
    if len(issues) != slip.issue_no - 1:
        raise UserError(
            f"{slip.receipt} の控え（{slip.format.value}）は同時に別の {len(issues)}枚目が"
            "記録されたため、この控えは記録されていません。もう一度印刷してください",
            f"another copy of the {slip.format.value} slip of {slip.receipt} was recorded "
            f"meanwhile (now {len(issues)}), so this copy is not recorded: print it again",
        )
    kind = ledger.EntryKind.REPRINT if slip.issue_no > 1 else ledger.EntryKind.SLIP_ISSUED
    ledger.append(
        session,
        signer,
        kind,
        {
            "receipt": slip.receipt,
            "issue_no": slip.issue_no,
            "format": slip.format.value,
            "slip_kind": slip.kind.value,
            "pdf_sha256": slip.sha256,
            "pdf_bytes": len(slip.pdf),
            "by": by,
        },
        now=now,
        subject=slip.receipt,
    )
    session.add(
        Slip(
            receipt=slip.receipt,
            issue_no=slip.issue_no,
            format=slip.format.value,
            sha256=slip.sha256,
            pdf=slip.pdf,
            created_at=now,
        )
    )
    session.flush()
    return slip


def _issues(session: Session, receipt: str) -> list[dict[str, Any]]:
    """The signed bodies of every copy issued for ``receipt``, oldest first."""
    bodies = session.execute(
        select(LedgerEntry.body)
        .where(LedgerEntry.subject == receipt, LedgerEntry.kind.in_(ISSUE_KINDS))
        .order_by(LedgerEntry.created_at, LedgerEntry.id)
    ).scalars()
    return [json.loads(body) for body in bodies]


def build_snapshot(
    session: Session,
    receipt: str,
    *,
    catalogue: RevocationCatalogue,
    printed_at: datetime,
    reprint_count: int,
) -> SlipSnapshot:
    """The frozen view of one committed intake, as its slip shows it."""
    intake = session.get(Intake, receipt)
    if intake is None:
        raise UserError(f"受付番号 {receipt} は見つかりません", f"no receipt {receipt}")
    entry = session.execute(
        select(LedgerEntry).where(
            LedgerEntry.station == intake.station, LedgerEntry.seq == intake.seq
        )
    ).scalar_one()
    body = json.loads(entry.body)
    shop = session.scalars(select(Shop)).one()
    station = session.get(Station, intake.station)
    clerk = session.get(Clerk, intake.clerk)
    person = session.get(Person, receipt)
    assert station is not None
    base_texts = slip_texts()
    # The customer-facing texts in Japanese and the customer's language (issue 13);
    # the labels and the rest stay Japanese and English.
    language = body["statement"].get("language", "ja")
    texts = _texts_in(language)
    base_catalogue = catalogue
    catalogue = catalogue_in(catalogue, language) or catalogue
    zone = ZoneInfo(shop.timezone)
    accepted = body["outcome"] == "accepted"
    purpose = body["purpose"]
    device = body["device"]
    revocation = body.get("revocation", {})
    path = catalogue.get(body["guidance_path"]) or catalogue.paths["not_done"]
    reason = body["reason"] or None
    sections = () if accepted else catalogue.guidance(path.id, device["os"], reason)
    statement = _signed_statement(body["statement"])
    ja_purpose, en_purpose = PURPOSE_LABELS[Purpose(purpose)]
    # A record made before suspended_by existed has no such key: say nothing then.
    suspended_by = revocation.get("suspended_by") or ""
    path_note = (
        texts.suspended_by(suspended_by)
        if accepted and path.id == "hotline_suspended" and suspended_by
        else None
    )
    return SlipSnapshot(
        kind=SlipKind.CONFIRMATION if accepted else SlipKind.GUIDANCE,
        shop=ShopLines(shop.name, shop.license_no, shop.commission, shop.address, shop.phone),
        receipt=receipt,
        issued_at=f"{intake.created_at.astimezone(zone):%Y-%m-%d %H:%M}",
        printed_at=f"{printed_at.astimezone(zone):%Y-%m-%d %H:%M}",
        clerk=f"{intake.clerk} {clerk.name}" if clerk else intake.clerk,
        purpose=Text(ja_purpose, en_purpose),
        device=DeviceLines(
            maker=device["maker"],
            model=device["model"],
            color=device["color"],
            storage=f"{device['storage_gb']} GB" if device.get("storage_gb") else "",
            imeis=tuple(device["imei"]),
            os_label=_text(base_texts.os_label(device["os"])),
        ),
        outcome=_text(texts.outcome(body["outcome"], purpose)),
        revocation_fact=_text(texts.revocation_fact(path.id)) if accepted else None,
        refusal_heading=None if accepted else _text(texts.refusal_heading(purpose)),
        statement=statement,
        statement_version=body["statement"]["version"],
        statement_sha256=body["statement"]["sha256"],
        statement_language=_text(base_texts.statement_language(language)),
        signer=_signer(person.data if person is not None else None, base_texts.erased),
        clerk_declaration=_clerk_statement(body.get("clerk_statement"), body["statement"]),
        path=PathSteps(
            path.id,
            _text(path.title),
            _text(sections[0].heading if reason in catalogue.refusal_guidance else path.heading),
            tuple(_section(section) for section in sections),
        ),
        path_note=_text(path_note) if path_note else None,
        refusal_reason=None if accepted else _text(texts.refusal_reasons[body["reason"]]),
        guidance_notes=() if accepted else tuple(_text(note) for note in texts.guidance_notes),
        hotline=Hotline(
            catalogue.hotline.number,
            catalogue.hotline.foreign_language,
            _text(catalogue.hotline.description),
        ),
        reset_reminder=_text(texts.reset_reminder(device["os"])),
        privacy_notice=_text(texts.privacy_notice(purpose, refused=not accepted)),
        signature=_strokes(person.data.get("signature", [])) if person is not None else (),
        qr_payload=SlipPayload(
            entry.station, entry.seq, entry.entry_hash, entry.signature
        ).encode(),
        certificate_fingerprint=station.fingerprint,
        reprint_count=reprint_count,
        voided=is_voided(session, receipt),
        language=language,
        language_note=_language_note(language, texts, base_catalogue),
    )


def _texts_in(language: str) -> SlipTexts:
    """The slip texts in ``language``, or Japanese and English if it has none."""
    try:
        return slip_texts_in(language)
    except KeyError:
        return slip_texts()


def _language_note(
    language: str, texts: SlipTexts, catalogue: RevocationCatalogue
) -> LanguageNote | None:
    """What every slip not in Japanese says: the translation is for reference, the
    Japanese prevails, and the hotline's foreign-language number."""
    if language == "ja":
        return None
    named = languages.language(language)
    return LanguageNote(
        language=Text(named.ja, named.native, language),
        prevails=_text(texts.reference_note),
        foreign_line=_text(texts.foreign_language_line),
        number=catalogue.hotline.foreign_language,
    )


def _signer(data: dict[str, Any] | None, erased: Bilingual) -> str:
    """The seller's name as recorded, or the erased marker once the retention purge ran."""
    if data is None:
        return f"{erased.ja} {erased.en}"
    name = data.get("name")
    return name if isinstance(name, str) else ""


def _unavailable(version: str) -> UserError:
    return UserError(
        f"署名された文面（版 {version}）をこのアプリでは再現できません",
        f"the signed statement text (version {version}) is not available in this version of the app",
    )


def _signed_statement(recorded: dict[str, str]) -> Text:
    """The statement exactly as it was shown and signed, in the version it was signed
    under (every released version ships with the app), or an error if it cannot be had.

    Japanese with the language it was shown in beneath (English for Japanese); both
    pinned hashes must match: ``sha256`` of the text shown, ``ja_sha256`` (recorded
    since issue 13 when that was not Japanese) of the Japanese.
    """
    version = recorded["version"]
    language = recorded.get("language", "ja")
    try:
        catalogue = statement_version(version)
        shown = catalogue.statement(recorded["id"], language)
        japanese = catalogue.statement(recorded["id"], "ja")
        texts = catalogue.bilingual(recorded["id"], language)
    except (KeyError, AttributeError) as exc:
        raise _unavailable(version) from exc
    if shown.sha256 != recorded["sha256"]:
        raise _unavailable(version)
    if recorded.get("ja_sha256") not in (None, japanese.sha256):
        raise _unavailable(version)
    return _text(texts)


def _clerk_statement(recorded: dict[str, str] | None, customer: dict[str, str]) -> Text:
    """The clerk's declaration in the version recorded with the intake.

    ``commit_intake`` pins the Japanese text's version and SHA-256; a body without them
    falls back to the customer statement's version.
    """
    version = (recorded or {}).get("version") or customer["version"]
    # Since issue 13 the body names the customer's language and pins that text too.
    language = (recorded or {}).get("language") or "ja"
    try:
        shown = statement_version(version).statement(CLERK_STATEMENT_ID, "ja")
        translated = statement_version(version).statement(CLERK_STATEMENT_ID, language)
        texts = statement_version(version).bilingual(CLERK_STATEMENT_ID, language)
    except KeyError as exc:
        raise _unavailable(version) from exc
    if recorded and recorded.get("sha256") and shown.sha256 != recorded["sha256"]:
        raise _unavailable(version)
    if (recorded or {}).get("language_sha256") not in (None, translated.sha256):
        raise _unavailable(version)
    return _text(texts)


def _strokes(raw: object) -> tuple[tuple[tuple[int, int, int], ...], ...]:
    """The stored strokes (lists of [x, y, ms]) as the snapshot's tuples."""
    if not isinstance(raw, list):
        return ()
    return tuple(tuple((int(p[0]), int(p[1]), int(p[2])) for p in stroke) for stroke in raw)


# ---------------------------------------------------------------------------
# verify-slip


@dataclass(frozen=True)
class SlipVerdict:
    ok: bool
    reason: str  # why not, or a short description of the genuine slip
    receipt: str = ""


def _fingerprints(session: Session, station: Station) -> set[str]:
    """Every certificate the station has signed with (one more per key rotation)."""
    try:
        return {epoch.fingerprint for epoch in ledger.certificate_history(session, station)}
    except (ValueError, KeyError, TypeError):
        return {station.fingerprint}


def _issuing_fingerprint(session: Session, issue: dict[str, Any]) -> str:
    """The certificate in force where and when a copy was issued (its own ledger entry)."""
    issuer = session.get(Station, issue["station"])
    if issuer is None:
        return ""
    try:
        history = ledger.certificate_history(session, issuer)
    except (ValueError, KeyError, TypeError):
        return ""
    return ledger.certificate_at(history, int(issue["seq"])).fingerprint


def payload_entry(session: Session, payload: SlipPayload) -> LedgerEntry | None:
    """The intake entry a slip's code names, if this ledger holds it with that hash.

    The one look-up behind ``verify-slip`` and the counter's QR scan (desktop.history).
    """
    entry = session.execute(
        select(LedgerEntry).where(
            LedgerEntry.station == payload.station, LedgerEntry.seq == payload.seq
        )
    ).scalar_one_or_none()
    if (
        entry is None
        or entry.kind != ledger.EntryKind.INTAKE
        or entry.entry_hash != payload.entry_hash
    ):
        return None
    return entry


def verify_slip(session: Session, pdf: bytes) -> SlipVerdict:
    """Is this PDF a slip this shop issued, unchanged, for a record that still stands?"""
    check = check_signed_pdf(pdf)
    if not check.ok:
        return SlipVerdict(False, check.problem)
    if not check.keywords.startswith(KEYWORDS_PREFIX):
        return SlipVerdict(False, "not a Revoke Desk slip (no verification payload)")
    payload = SlipPayload.decode(check.keywords.removeprefix(KEYWORDS_PREFIX))
    if payload is None:
        return SlipVerdict(False, "the verification payload is malformed")
    station = session.get(Station, payload.station)
    if station is None:
        return SlipVerdict(
            False, f"station {payload.station} is not in this database (another shop's slip?)"
        )
    entry = payload_entry(session, payload)
    if entry is None or entry.signature != payload.signature:
        if check.signer_fingerprint not in _fingerprints(session, station):
            return SlipVerdict(False, f"the PDF was not signed by station {payload.station}'s key")
        return SlipVerdict(False, "the QR payload does not match the ledger")
    # After a key rotation the station has several certificates: the intake entry is
    # signed by the one in force at its seq, the PDF by the one in force when this
    # copy was issued (a reprint after a rotation carries the new key).
    try:
        history = ledger.certificate_history(session, station)
    except (ValueError, KeyError, TypeError):
        return SlipVerdict(False, f"station {payload.station}'s key rotations cannot be read")
    certificate = ledger.certificate_at(history, entry.seq).certificate
    if not signature_is_valid(certificate, bytes.fromhex(entry.entry_hash), entry.signature):
        return SlipVerdict(False, "the ledger entry's signature does not verify")
    receipt = entry.subject
    digest = hashlib.sha256(pdf).hexdigest()
    issue = next((i for i in _issues(session, receipt) if i["pdf_sha256"] == digest), None)
    if issue is None:
        if check.signer_fingerprint not in {epoch.fingerprint for epoch in history}:
            return SlipVerdict(False, f"the PDF was not signed by station {payload.station}'s key")
        return SlipVerdict(False, f"this file is not one the shop issued for {receipt}", receipt)
    if check.signer_fingerprint != _issuing_fingerprint(session, issue):
        return SlipVerdict(False, f"the PDF was not signed by station {payload.station}'s key")
    if is_voided(session, receipt):
        return SlipVerdict(False, f"receipt {receipt} has been voided", receipt)
    copy = "first issue" if issue["issue_no"] == 1 else f"reprint #{issue['issue_no'] - 1}"
    copy = f"{issue['format']} {copy}"
    return SlipVerdict(
        True, f"{receipt}: genuine, {copy}, signed by station {payload.station}", receipt
    )

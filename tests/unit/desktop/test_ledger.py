"""The chain itself: canonical bodies, linking, signatures, receipt numbering."""

from __future__ import annotations

import hashlib
import itertools
import json

from sqlalchemy import select

from db.models import Intake, LedgerEntry, Person
from desktop import ledger
from desktop.intake import person_digest
from desktop.keys import load_certificate, signature_is_valid
from tests.conftest import example_document
from tests.support.intakes import commit_document


def test_canonical_form_is_sorted_compact_utf8():
    body = {"b": 1, "a": "山田", "c": [1, {"z": True, "y": None}]}
    assert ledger.canonical(body) == '{"a":"山田","b":1,"c":[1,{"y":null,"z":true}]}'.encode()


def test_entry_hash_binds_prefix_previous_hash_and_body():
    body = b'{"a":1}'
    prev = "ab" * 32
    expected = hashlib.sha256(b"revoke-desk/ledger/v1\x00" + bytes.fromhex(prev) + body).hexdigest()
    assert ledger.compute_entry_hash(prev, body) == expected
    assert ledger.compute_entry_hash("cd" * 32, body) != expected


def test_entries_link_and_verify_with_the_station_certificate(ctx):
    commit_document(ctx, example_document())
    with ctx.reading() as session:
        entries = list(session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq)))
        certificate = load_certificate(ctx.signer().certificate_pem)
    assert [e.seq for e in entries] == [1, 2, 3, 4]
    assert entries[0].prev_hash == ledger.GENESIS_PREV_HASH
    for previous, entry in itertools.pairwise(entries):
        assert entry.prev_hash == previous.entry_hash
    for entry in entries:
        assert ledger.compute_entry_hash(entry.prev_hash, entry.body.encode()) == entry.entry_hash
        assert signature_is_valid(certificate, bytes.fromhex(entry.entry_hash), entry.signature)
        body = json.loads(entry.body)
        assert (body["station"], body["seq"], body["kind"]) == ("S01", entry.seq, entry.kind)


def test_the_chain_holds_a_digest_not_the_personal_data(ctx):
    receipt = commit_document(ctx, example_document())
    with ctx.reading() as session:
        entry = session.scalars(
            select(LedgerEntry).where(LedgerEntry.subject == receipt.number)
        ).one()
        person = session.get(Person, receipt.number)
        assert person is not None
        assert person_digest(person.salt, person.data) == json.loads(entry.body)["person_digest"]
        assert person.data["name"] == "山田 太郎"
        assert person.data["age"] == 41
        assert person.data["id_document"] == {
            "type": "drivers_license",
            "number": "123456789012",
            "name": "",
        }
    for personal in ("山田", "千代田", "会社員", "123456789012", "1985-04-01"):
        assert personal not in entry.body
    clerk_entries = [e.body for e in _all_entries(ctx) if e.kind == "clerk_added"]
    assert all("佐藤" not in body and "店長" not in body for body in clerk_entries)


def _all_entries(ctx):
    with ctx.reading() as session:
        return list(session.scalars(select(LedgerEntry)))


def test_receipts_count_per_shop_local_day(ctx):
    """Numbers restart on the shop's (Tokyo) day, not the UTC day."""
    ctx.clock.now = ctx.clock.now.replace(hour=14, minute=59)  # 23:59 in Tokyo
    first = commit_document(ctx, example_document())
    second = commit_document(ctx, example_document())
    ctx.clock.advance(minutes=2)  # 00:01 on the 28th in Tokyo, still the 27th in UTC
    third = commit_document(ctx, example_document())
    assert [first.number, second.number, third.number] == [
        "S01-20261127-0001",
        "S01-20261127-0002",
        "S01-20261128-0001",
    ]
    with ctx.reading() as session:
        days = dict(session.execute(select(Intake.receipt, Intake.business_day)).all())
    assert str(days["S01-20261128-0001"]) == "2026-11-28"


def test_a_refusal_is_committed_with_its_reason(ctx):
    document = example_document()
    document["revocation"]["holder_is_seller"] = False
    receipt = commit_document(ctx, document)
    assert receipt.line() == "S01-20261127-0001 refused:holder_not_present"
    with ctx.reading() as session:
        intake = session.get(Intake, receipt.number)
        assert intake is not None
        assert (intake.outcome, intake.refusal_reason) == ("refused", "holder_not_present")


def test_statement_version_and_hash_are_recorded(ctx):
    from desktop.catalogue import statement_catalogue

    document = example_document()
    document["statement"]["language"] = "en"
    receipt = commit_document(ctx, document)
    body = next(json.loads(e.body) for e in _all_entries(ctx) if e.subject == receipt.number)
    shown = statement_catalogue().statement("customer_revoked", "en")
    assert body["statement"] == {
        "id": "customer_revoked",
        "version": shown.version,
        "language": "en",
        "sha256": hashlib.sha256(shown.text.encode()).hexdigest(),
        # Since issue 13 a record not in Japanese pins the Japanese text too (it prevails).
        "ja_sha256": statement_catalogue().statement("customer_revoked", "ja").sha256,
    }

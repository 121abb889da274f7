"""Key rotation: a new key pair and certificate for a station, announced by the old key.

``revoke-desk key rotate --manager M01`` (manager's PIN on stdin):

1. the old key is unlocked as for any signing, and a manager approves;
2. a new key pair and self-signed certificate are made in memory, the key encrypted
   with the same passphrase as the old one (a legacy clear key gets a new one), and
   both written *staged* beside the live files (``S01.key.pem.new``, ``S01.cert.pem.new``);
3. one transaction appends a ``key_rotated`` entry **signed by the old key** whose body
   names the new certificate (PEM and SHA-256) and the previous one (PEM and SHA-256,
   so that ``verify`` can start the chain with it once the ``station`` row holds the
   new certificate), and puts the new certificate in the ``station`` row.  Once it has
   committed, this PC's trust folder pins the new fingerprint beside the old
   (desktop.ledger.CREATED_STATIONS, desktop.app.AppContext.transaction);
4. the old key and certificate are renamed ``S01.key.pem.retired-<UTC time>`` and
   ``S01.cert.pem.retired-<UTC time>``, and the staged files take the live names.

The retired key is kept, still encrypted, and the app never loads it again: nothing
globs it as a key, every append refuses a signer whose certificate is no longer the
station's (desktop.ledger.append_locked), ``verify`` refuses an entry after the
rotation that it signed, and a chain rewritten from the start with it lacks the
rotation that this PC's pin names.  It is kept for one reason: a backup from before
the rotation names the old certificate, and a manager who must bring such a backup
back can put the old files back by hand (README, "Key rotation").  Delete it when
those backups have expired.

A crash between the commit (3) and the renames (4) leaves the database naming the
staged certificate: the next :meth:`AppContext.signer` finishes the renames
(:func:`desktop.key_swap.finish_pending_rotation`, apart so that ``desktop.app`` needs
nothing of this module).  A crash before the commit leaves staged files the
database does not name: they are set aside as ``.abandoned-<time>``, never deleted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from sqlalchemy.orm import Session

from db.models import Station
from desktop import ledger
from desktop.app import AppContext
from desktop.clerks import Role
from desktop.errors import UserError
from desktop.files import exclusive_lock
from desktop.key_access import new_passphrase
from desktop.key_swap import LOCK_FILE, set_aside, swap_in
from desktop.keys import (
    StationKeyFiles,
    StationSigner,
    certificate_fingerprint,
    new_identity,
    write_station_identity,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RotationResult:
    station: str
    seq: int  # the key_rotated entry
    old_fingerprint: str
    new_fingerprint: str
    retired_key: Path
    pinned: bool  # this PC's trust folder pins the new fingerprint


def rotate_station_key(
    ctx: AppContext, *, manager: str, pin: str, station: str | None = None
) -> RotationResult:
    """Rotate this counter's (or ``station``'s) key; the manager's PIN approves."""
    old = ctx.signer(station)
    code = old.station
    ctx.authenticate(manager, pin, require=Role.MANAGER)
    passphrase = ctx.key_passphrase(code)
    if passphrase is None:  # a legacy clear key: the new one is encrypted all the same
        passphrase = new_passphrase("new station key")
    files = StationKeyFiles.in_dir(ctx.keys_dir, code)
    staged = files.staged()
    now = ctx.clock()
    with exclusive_lock(ctx.keys_dir / LOCK_FILE):
        set_aside(staged, now)  # a rotation that never committed (see finish_pending_rotation)
        key, certificate = new_identity(code, ctx.shop_profile().name, now)
        new = write_station_identity(
            ctx.keys_dir, code, key, certificate, passphrase=passphrase, files=staged
        )
        try:
            with ctx.transaction() as session:
                seq = _record(session, old, new.certificate, manager=manager, now=now)
        except BaseException:
            staged.key.unlink(missing_ok=True)
            staged.certificate.unlink(missing_ok=True)
            raise
        retired = swap_in(files, now)
    ctx.adopt_signer(new, passphrase)
    try:
        pinned = ctx.trust.stations().get(code)
    except UserError as exc:  # the rotation stands; verify reports the missing pin
        log.warning("the trust folder could not be read after the rotation: %s", exc.en)
        pinned = None
    log.info(
        "key of station %s rotated by %s: %s → %s (entry #%d)",
        code,
        manager,
        old.fingerprint[:16],
        new.fingerprint[:16],
        seq,
    )
    return RotationResult(
        code,
        seq,
        old.fingerprint,
        new.fingerprint,
        retired.key,
        pinned is not None and new.fingerprint in pinned.fingerprints,
    )


def _record(
    session: Session,
    old: StationSigner,
    certificate: x509.Certificate,
    *,
    manager: str,
    now: datetime,
) -> int:
    """The ``key_rotated`` entry (signed by the old key) and the station row's new certificate."""
    ledger.lock_station(session, old.station)
    row = session.get(Station, old.station)
    assert row is not None  # ctx.signer checked it
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
    fingerprint = certificate_fingerprint(certificate)
    head = ledger.append_locked(
        session,
        old,
        ledger.EntryKind.KEY_ROTATED,
        {
            "certificate_pem": pem,
            "certificate_sha256": fingerprint,
            "previous_certificate_pem": old.certificate_pem,
            "previous_certificate_sha256": old.fingerprint,
            "by": manager,
        },
        now=now,
        subject=old.station,
    )
    row.certificate_pem = pem
    row.fingerprint = fingerprint
    session.flush()
    return head.seq

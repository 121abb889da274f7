"""The file moves of a key rotation (desktop.rotation), and finishing one a crash cut short.

Apart from desktop.rotation because :meth:`desktop.app.AppContext.signer` finishes an
interrupted rotation before it loads a key, and desktop.rotation needs the context:
this module needs only the key files.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509

from desktop.errors import UserError
from desktop.files import exclusive_lock
from desktop.keys import StationKeyFiles, certificate_fingerprint, sync_folder

log = logging.getLogger(__name__)

LOCK_FILE = ".rotation.lock"  # held by a rotation, and by whoever finishes one


def _stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def swap_in(files: StationKeyFiles, now: datetime) -> StationKeyFiles:
    """Retire the live files and give the staged ones their names."""
    staged = files.staged()
    retired = files.retired(_stamp(now))
    files.key.replace(retired.key)
    files.certificate.replace(retired.certificate)
    staged.key.replace(files.key)
    staged.certificate.replace(files.certificate)
    sync_folder(files.key.parent)
    return retired


def set_aside(staged: StationKeyFiles, now: datetime) -> None:
    for path in (staged.key, staged.certificate):
        if path.exists():
            aside = path.with_name(f"{path.name}.abandoned-{_stamp(now)}")
            log.warning("a key rotation that never committed left %s: kept as %s", path, aside)
            path.replace(aside)


def finish_pending_rotation(keys_dir: Path, station: str, registered_fingerprint: str) -> None:
    """Finish (or set aside) a rotation that stopped half-way; nothing to do almost always."""
    files = StationKeyFiles.in_dir(keys_dir, station)
    staged = files.staged()
    if not staged.key.exists() and not staged.certificate.exists():
        return
    with exclusive_lock(keys_dir / LOCK_FILE):  # a rotation running now holds it
        if not staged.key.exists():
            return  # it finished while we waited
        try:
            fingerprint = certificate_fingerprint(
                x509.load_pem_x509_certificate(staged.certificate.read_bytes())
            )
        except (OSError, ValueError):
            fingerprint = ""
        now = datetime.now(UTC)
        if fingerprint and fingerprint == registered_fingerprint:
            log.warning("finishing the key rotation of station %s (stopped after commit)", station)
            swap_in(files, now)
        else:
            set_aside(staged, now)
    if not files.key.exists():
        raise UserError(
            f"ステーション {station} の署名鍵がありません（{keys_dir}）",
            f"no signing key for station {station} in {keys_dir}",
        )

"""Backup and restore of the embedded SQLite database.

A backup is taken with SQLite's online backup API while the counter keeps working:
the copy is one consistent snapshot, written to a temporary file beside the target,
checked with ``PRAGMA integrity_check`` and only then renamed into place.  The
station's private key lives in the key folder, never in the database, so no backup
holds it.

A restore checks the file first (integrity, our schema, every chain verifies against
the key folder's certificates) and touches nothing if any check fails; otherwise it
keeps the current file as ``<name>.before-restore-<timestamp>`` and replaces it
atomically.  PostgreSQL databases are backed up with ``pg_dump``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from desktop import config
from desktop.app import AppContext, utc_now
from desktop.audit import Copy, command_line_user, record_copy
from desktop.errors import UserError
from desktop.keys import stations_with_keys

log = logging.getLogger(__name__)

BACKUP_NAME = re.compile(r"^revoke-desk-\d{8}-\d{6}\.sqlite3$")
# The copies a restore keeps of the database it replaced hold every customer's data:
# only the newest few are kept, and the retention purge removes any holding records
# past their retention period (see purge_restore_copies).
BEFORE_RESTORE_KEEP = 3
_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    removed: tuple[Path, ...] = ()  # older generations deleted by rotation


@dataclass(frozen=True)
class RolledBack:
    """What a restore takes away from one station's chain."""

    station: str
    live_seq: int  # the head before the restore
    live_hash: str
    restored_seq: int  # the head of the backup
    # The entries given up, less the one that only records the taking of this very
    # backup (its audit entry is written after the snapshot, so no backup holds it).
    lost: int = 0

    @property
    def entries(self) -> int:
        return self.live_seq - self.restored_seq


@dataclass(frozen=True)
class RestoreResult:
    path: Path  # the database file now in use
    source: Path
    previous: Path | None  # the file it replaced, kept beside it
    rolled_back: tuple[RolledBack, ...] = ()  # entries the restore gave up, per station

    @property
    def lost_entries(self) -> int:
        return sum(r.lost for r in self.rolled_back)


def _sqlite_file(db_url: str) -> Path:
    path = config.sqlite_file(db_url)
    if path is None:
        raise UserError(
            "SQLite以外のデータベースはこのコマンドでバックアップできません。pg_dump / pg_restore を使ってください",
            "only the embedded SQLite database is backed up here: use pg_dump / pg_restore for PostgreSQL",
        )
    return path


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _remove(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


def integrity_problem(path: Path) -> str | None:
    """What ``PRAGMA integrity_check`` says is wrong with a file, or None when it is ok."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=_TIMEOUT_S)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        connection.close()
    messages = [str(row[0]) for row in rows]
    return None if messages == ["ok"] else "; ".join(messages[:3])


# ---------------------------------------------------------------------------
# Backup


def backup_database(ctx: AppContext, out: Path, *, by: str = "") -> BackupResult:
    """Copy the live database to ``out`` (one consistent snapshot), checked, atomically.

    The copy is then a signed ``export`` entry naming ``by`` (desktop.audit): a
    backup holds every customer's data, so who took one is on the record.
    """
    source = _sqlite_file(ctx.db_url)
    if not out.parent.is_dir():
        raise UserError(f"保存先のフォルダ {out.parent} がありません", f"no folder {out.parent}")
    if out.resolve() == source.resolve():
        raise UserError(
            "バックアップ先が使用中のデータベースと同じです",
            "the backup file would overwrite the database itself",
        )
    # Not desktop.files.write_atomically: the bytes come from SQLite's online backup into
    # a file, and are checked there (integrity_check) before the rename.
    partial = out.with_name(f".{out.name}.partial")
    _remove(partial)
    try:
        _copy_online(source, partial)
        problem = integrity_problem(partial)
        if problem is not None:
            raise UserError(
                f"バックアップの検査に失敗しました（{problem}）。保存していません",
                f"the backup failed its integrity check ({problem}); nothing was saved",
            )
        _fsync_file(partial)
        partial.replace(out)
        _fsync_dir(out.parent)
    except OSError as exc:
        raise UserError(
            f"バックアップ {out} を書けませんでした（{exc.strerror}）",
            f"could not write the backup {out} ({exc.strerror})",
        ) from exc
    finally:
        _remove(partial)
    log.info("backup written to %s", out)
    result = BackupResult(out, out.stat().st_size)
    _record_backup(ctx, result, by=by or command_line_user())
    return result


def _record_backup(ctx: AppContext, result: BackupResult, *, by: str) -> None:
    """The audit entry of a backup; the backup itself stands whatever happens here."""
    try:
        signer = ctx.signer()
        with ctx.transaction() as session:
            record_copy(
                session,
                signer,
                what=Copy.BACKUP,
                by=by,
                data=None,
                now=ctx.clock(),
                file=result.path.name,
                size=result.size,
            )
    except UserError as exc:  # no usable key on this PC (a copy made for another one)
        log.warning("backup %s not recorded in the ledger: %s", result.path, exc.en)


def _copy_online(source: Path, target: Path) -> None:
    """SQLite's online backup API, in one step: a snapshot no writer can tear."""
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise UserError(
            f"データベース {source} を開けません: {exc}",
            f"cannot open the database {source}: {exc}",
        ) from exc
    try:
        dst = sqlite3.connect(target)
        try:
            src.execute(f"PRAGMA busy_timeout={int(_TIMEOUT_S * 1000)}")
            src.backup(dst)
            # A self-contained file: no -wal beside it to forget when it is copied.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    except sqlite3.OperationalError as exc:
        raise UserError(
            f"バックアップできませんでした（{exc}）。しばらくしてからもう一度お試しください",
            f"the backup failed ({exc}): try again in a moment",
        ) from exc
    finally:
        src.close()


def backup_name(now: datetime) -> str:
    return f"revoke-desk-{now:%Y%m%d-%H%M%S}.sqlite3"


def rotate_backups(folder: Path, keep: int) -> tuple[Path, ...]:
    """Delete all but the newest ``keep`` backups of ``folder`` (by the time in their names).

    Only files named like ``revoke-desk-YYYYMMDD-HHMMSS.sqlite3`` are considered.
    """
    if keep < 1:
        raise UserError("保持する世代数は1以上にしてください", "keep at least one backup")
    backups = sorted(p for p in folder.iterdir() if p.is_file() and BACKUP_NAME.match(p.name))
    removed = tuple(backups[:-keep])
    for path in removed:
        path.unlink()
        log.info("old backup removed: %s", path)
    return removed


def backup_to_folder(ctx: AppContext, folder: Path, keep: int, *, by: str = "") -> BackupResult:
    """The day close's backup: a new generation in ``folder``, keeping the newest ``keep``."""
    if keep < 1:
        raise UserError("保持する世代数は1以上にしてください", "keep at least one backup")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(
            f"バックアップフォルダ {folder} を作れません（{exc.strerror}）",
            f"cannot create the backup folder {folder} ({exc.strerror})",
        ) from exc
    local = ctx.clock().astimezone(ZoneInfo(ctx.shop_profile().timezone))
    result = backup_database(ctx, folder / backup_name(local), by=by)
    return BackupResult(result.path, result.size, rotate_backups(folder, keep))


# ---------------------------------------------------------------------------
# Restore


def _refused(ja: str, en: str, source: Path) -> UserError:
    return UserError(
        f"{source} は復元できません: {ja}。現在のデータベースは変更していません",
        f"{source} cannot be restored: {en}; the current database was not changed",
    )


def chain_heads(path: Path) -> dict[str, tuple[int, str]]:
    """Each station's last ``(seq, entry_hash)`` in a database file, read-only."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=_TIMEOUT_S)
    try:
        rows = connection.execute(
            "SELECT station, seq, entry_hash FROM ledger_entry AS e WHERE seq = "
            "(SELECT max(seq) FROM ledger_entry WHERE station = e.station)"
        ).fetchall()
    finally:
        connection.close()
    return {station: (seq, entry_hash) for station, seq, entry_hash in rows}


def rolled_back(live_file: Path, restored: Path, name: str) -> tuple[RolledBack, ...]:
    """Per station, how many of the live database's entries the backup ``name`` does not hold."""
    backup = chain_heads(restored)
    losses = []
    for station, (seq, entry_hash) in sorted(chain_heads(live_file).items()):
        restored_seq = backup.get(station, (0, ""))[0]
        if restored_seq < seq:
            lost = _lost_entries(live_file, station, restored_seq, name)
            losses.append(RolledBack(station, seq, entry_hash, restored_seq, lost))
    return tuple(losses)


def _lost_entries(live_file: Path, station: str, after: int, name: str) -> int:
    connection = sqlite3.connect(f"file:{live_file}?mode=ro", uri=True, timeout=_TIMEOUT_S)
    try:
        bodies = [
            json.loads(body)
            for (body,) in connection.execute(
                "SELECT body FROM ledger_entry WHERE station = ? AND seq > ?", (station, after)
            )
        ]
    finally:
        connection.close()
    own_record = [
        b
        for b in bodies
        if b.get("kind") == "export" and b.get("what") == "backup" and b.get("file") == name
    ]
    return len(bodies) - min(len(own_record), 1)


def restore_database(
    ctx_or_url: AppContext | str,
    source: Path,
    keys_dir: Path,
    *,
    authorise: Callable[[AppContext], None] | None = None,
    now: Callable[[], datetime] = utc_now,
    accept_loss: bool = False,
    manager: str,
) -> RestoreResult:
    """Replace the database with the backup ``source``, once it has passed every check.

    ``manager`` is the approving manager (``verify`` checks they were one);
    ``authorise`` (the check of their PIN) runs on the checked copy when there is no
    current database to approve against.  An AppContext passed in has its connections
    closed; it reconnects to the restored file on its next use.

    A backup older than the live database would silently take committed intakes away
    (customers' slips for them would then fail ``verify-slip``): it is refused with the
    count of entries that would be lost unless ``accept_loss`` — a manager's explicit
    second confirmation.  The restore is then itself a signed ``restore`` entry naming
    what was rolled back, so ``verify`` can tell a confirmed rollback from a truncation.
    """
    if isinstance(ctx_or_url, AppContext):
        db_url = ctx_or_url.db_url
        ctx_or_url.engine.dispose()
    else:
        db_url = ctx_or_url
    target = _sqlite_file(db_url)
    if not source.is_file():
        raise UserError(f"{source} がありません", f"no file {source}")
    if source.resolve() == target.resolve():
        raise UserError(
            "復元元が使用中のデータベースと同じです", "the backup is the database itself"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    candidate = target.with_name(f".{target.name}.restore-partial")
    _remove(candidate)
    try:
        try:
            shutil.copyfile(source, candidate)
        except OSError as exc:
            raise UserError(
                f"{source} をコピーできません（{exc.strerror}）",
                f"cannot copy {source} ({exc.strerror})",
            ) from exc
        _check_candidate(candidate, source, keys_dir, authorise)
        losses = rolled_back(target, candidate, source.name) if target.exists() else ()
        lost = sum(loss.lost for loss in losses)
        if lost and not accept_loss:
            detail = ", ".join(f"{loss.station}: {loss.lost}" for loss in losses if loss.lost)
            raise _refused(
                f"このバックアップは現在のデータより古く、記録 {lost} 件（{detail}）が失われます。"
                "失うことを承知で復元する場合は --accept-loss を付けてください",
                f"the backup is older than the live database: {lost} ledger entries would be "
                f"lost ({detail}); add --accept-loss to restore anyway",
                source,
            )
        previous = _set_aside_current(target, now())
        _fsync_file(candidate)
        candidate.replace(target)
        _fsync_dir(target.parent)
    finally:
        _remove(candidate)
    _record_restore(db_url, keys_dir, source, losses, manager=manager, now=now)
    log.info(
        "database restored from %s (previous kept as %s, %d entries rolled back)",
        source,
        previous,
        lost,
    )
    return RestoreResult(target, source, previous, losses)


def _record_restore(
    db_url: str,
    keys_dir: Path,
    source: Path,
    losses: tuple[RolledBack, ...],
    *,
    manager: str,
    now: Callable[[], datetime],
) -> None:
    """Append the signed ``restore`` entry to this station's chain in the restored file."""
    from desktop import ledger  # noqa: PLC0415 - only a restore needs it

    stations = stations_with_keys(keys_dir)
    if not stations:
        return  # a key folder without keys cannot sign; verify names the gap then
    with _opened(db_url, keys_dir) as ctx:
        try:
            signer = ctx.signer()
        except UserError as exc:  # several stations' keys and none chosen: say so, loudly
            log.warning("restore not recorded in the ledger: %s", exc.en)
            return
        with ctx.transaction() as session:
            ledger.append(
                session,
                signer,
                ledger.EntryKind.RESTORE,
                {
                    "source": source.name,
                    "by": manager,
                    "rolled_back": [
                        {
                            "station": loss.station,
                            "from_seq": loss.live_seq,
                            "from_hash": loss.live_hash,
                            "to_seq": loss.restored_seq,
                            "lost": loss.lost,
                        }
                        for loss in losses
                    ],
                },
                now=now(),
                subject="restore",
            )


def _check_candidate(
    candidate: Path,
    source: Path,
    keys_dir: Path,
    authorise: Callable[[AppContext], None] | None,
) -> None:
    from desktop.verification import verify_all  # noqa: PLC0415 - only a restore needs it

    problem = integrity_problem(candidate)
    if problem is not None:
        raise _refused(
            f"ファイルが壊れています（{problem}）", f"the file is damaged ({problem})", source
        )
    if not _has_our_schema(candidate):
        raise _refused(
            "Revoke Desk のデータベースではありません",
            "it is not a Revoke Desk database (no alembic_version)",
            source,
        )
    with _opened(f"sqlite:///{candidate}", keys_dir) as checked:
        with checked.reading() as session:
            report = verify_all(session, keys_dir)
            stations = {s.station for s in report.stations}
        if not report.ok:
            first = next(iter(line for line in report.lines() if "OK," not in line), "")
            raise _refused(
                f"改ざんの検証に失敗しました（{first}）",
                f"it fails verify ({first})",
                source,
            )
        ours = set(stations_with_keys(keys_dir))
        if ours and not ours & stations:
            raise _refused(
                "鍵フォルダのステーションがこのバックアップにありません",
                f"none of the key folder's stations ({', '.join(sorted(ours))}) is in it",
                source,
            )
        if authorise is not None:
            authorise(checked)


@contextlib.contextmanager
def _opened(db_url: str, keys_dir: Path) -> Iterator[AppContext]:
    ctx = AppContext.open(db_url, keys_dir)  # brings an older schema up to date
    try:
        yield ctx
    finally:
        ctx.close()


def _has_our_schema(path: Path) -> bool:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        if not row or not row[0]:
            return False
        return connection.execute("SELECT version_num FROM alembic_version").fetchone() is not None
    except sqlite3.DatabaseError:
        return False
    finally:
        connection.close()


def _set_aside_current(target: Path, now: datetime) -> Path | None:
    """Keep the current database beside it, checkpointed into one file; None if there is none."""
    if not target.exists():
        return None
    connection = sqlite3.connect(target, timeout=_TIMEOUT_S)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as exc:
        raise UserError(
            f"現在のデータベースを保存できません（{exc}）。アプリを閉じてからもう一度お試しください",
            f"cannot secure the current database ({exc}): close the app and try again",
        ) from exc
    finally:
        connection.close()
    # Closing the last connection removes the -wal file; if it is still there, another
    # process (an open counter window) has the database open.
    if Path(f"{target}-wal").exists():
        raise UserError(
            "データベースが他のアプリで使用中です。すべての画面を閉じてからもう一度お試しください",
            "the database is open in another window or process: close it and try again",
        )
    with contextlib.suppress(FileNotFoundError):
        Path(f"{target}-shm").unlink()
    previous = target.with_name(f"{target.name}.before-restore-{now:%Y%m%d-%H%M%S}")
    shutil.copy2(target, previous)
    _fsync_file(previous)
    for old in restore_copies(target)[:-BEFORE_RESTORE_KEEP]:
        old.unlink()
        log.info("old before-restore copy removed: %s", old)
    return previous


def restore_copies(target: Path) -> list[Path]:
    """The before-restore copies of ``target``, oldest first (by the time in their names)."""
    name = re.compile(re.escape(f"{target.name}.before-restore-") + r"\d{8}-\d{6}")
    return sorted(p for p in target.parent.iterdir() if p.is_file() and name.fullmatch(p.name))


def purge_restore_copies(db_url: str, cutoff: date) -> tuple[Path, ...]:
    """Delete before-restore copies that still hold personal data recorded before ``cutoff``.

    The retention purge erases such data in the live database; a copy kept beside it
    must not outlive that.  A copy whose personal data is all newer is kept.
    """
    target = config.sqlite_file(db_url)
    if target is None:
        return ()
    removed = []
    for copy in restore_copies(target):
        try:
            # immutable: a closed copy, read without leaving -wal or -shm files beside it
            connection = sqlite3.connect(f"file:{copy}?mode=ro&immutable=1", uri=True)
            try:
                (oldest,) = connection.execute(
                    "SELECT min(i.business_day) FROM intake AS i JOIN person AS p "
                    "ON p.receipt = i.receipt"
                ).fetchone()
            finally:
                connection.close()
        except sqlite3.Error:
            oldest = ""  # not readable as ours: it cannot be checked, so it goes
        if oldest is None or str(oldest) >= cutoff.isoformat():
            continue
        copy.unlink()
        removed.append(copy)
        log.info("before-restore copy past retention removed: %s", copy)
    return tuple(removed)

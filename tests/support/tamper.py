"""Ways an attacker with a database tool could edit the ledger behind the app's back.

Each function drops the append-only triggers first (as an attacker would) and then
edits the SQLite file with plain SQL.  Each returns the (station, seq) that
``verify`` must name as the first bad entry.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import Engine, text

from db.append_only import drop_append_only_guards


def _unguarded(engine: Engine):
    conn = engine.connect()
    drop_append_only_guards(conn, ["ledger_entry", "intake"])
    return conn


def edit_body(engine: Engine, seq: int) -> tuple[str, int]:
    """Change the price inside a signed body, keeping the hash and signature."""
    with _unguarded(engine) as conn:
        body = json.loads(
            conn.execute(
                text("SELECT body FROM ledger_entry WHERE seq=:s"), {"s": seq}
            ).scalar_one()
        )
        body["price_yen"] = 1
        new = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        conn.execute(text("UPDATE ledger_entry SET body=:b WHERE seq=:s"), {"b": new, "s": seq})
        conn.commit()
    return "S01", seq


def edit_person(engine: Engine, seq: int) -> tuple[str, int]:
    """Change the seller's address in the personal-data row of the intake at ``seq``."""
    with _unguarded(engine) as conn:
        receipt = conn.execute(
            text("SELECT subject FROM ledger_entry WHERE seq=:s"), {"s": seq}
        ).scalar_one()
        data = json.loads(
            conn.execute(
                text("SELECT data FROM person WHERE receipt=:r"), {"r": receipt}
            ).scalar_one()
        )
        data["address"] = "大阪府大阪市北区1-1"
        conn.execute(
            text("UPDATE person SET data=:d WHERE receipt=:r"),
            {"d": json.dumps(data, ensure_ascii=False), "r": receipt},
        )
        conn.commit()
    return "S01", seq


def edit_intake_row(engine: Engine, seq: int) -> tuple[str, int]:
    """Change the searchable IMEI column of an intake, leaving the ledger alone."""
    with _unguarded(engine) as conn:
        conn.execute(text("UPDATE intake SET imei1='490154203237518' WHERE seq=:s"), {"s": seq})
        conn.commit()
    return "S01", seq


def delete_entry(engine: Engine, seq: int) -> tuple[str, int]:
    """Delete a void entry from the middle of the chain."""
    with _unguarded(engine) as conn:
        conn.execute(text("DELETE FROM ledger_entry WHERE seq=:s"), {"s": seq})
        conn.commit()
    return "S01", seq


def reorder_entries(engine: Engine, seq: int) -> tuple[str, int]:
    """Swap the places of the entries at ``seq`` and ``seq + 1``."""
    with _unguarded(engine) as conn:
        conn.execute(text("UPDATE ledger_entry SET seq=-1 WHERE seq=:s"), {"s": seq})
        conn.execute(text("UPDATE ledger_entry SET seq=:s WHERE seq=:n"), {"s": seq, "n": seq + 1})
        conn.execute(text("UPDATE ledger_entry SET seq=:n WHERE seq=-1"), {"n": seq + 1})
        conn.commit()
    return "S01", seq


def forge_signature(engine: Engine, seq: int) -> tuple[str, int]:
    """Put another entry's (valid) signature on this one."""
    with _unguarded(engine) as conn:
        other = conn.execute(
            text("SELECT signature FROM ledger_entry WHERE seq=:s"), {"s": seq - 1}
        ).scalar_one()
        conn.execute(
            text("UPDATE ledger_entry SET signature=:g WHERE seq=:s"), {"g": other, "s": seq}
        )
        conn.commit()
    return "S01", seq


TAMPERINGS: dict[str, Callable[[Engine, int], tuple[str, int]]] = {
    "body edited": edit_body,
    "personal data edited": edit_person,
    "intake row edited": edit_intake_row,
    "entry deleted from the middle": delete_entry,
    "entries reordered": reorder_entries,
    "signature swapped": forge_signature,
}


def resign_with_new_key(
    engine: Engine, keys_dir, station: str = "S01", *, price_of: str = "", price: int = 1
) -> None:
    """The whole-PC attacker: a new key and certificate, the whole chain re-signed.

    The key files and the ``station`` row are replaced, one intake's price is changed
    (body and row) if ``price_of`` names it, and every entry is re-hashed and re-signed,
    so the database on its own verifies perfectly.
    """
    import shutil
    from datetime import UTC, datetime

    from desktop.keys import create_station_identity
    from desktop.ledger import GENESIS_PREV_HASH, canonical, compute_entry_hash

    shutil.rmtree(keys_dir / "_new", ignore_errors=True)
    signer = create_station_identity(keys_dir / "_new", station, "attacker", datetime.now(UTC))
    for name in (f"{station}.key.pem", f"{station}.cert.pem"):
        (keys_dir / name).unlink()
        shutil.move(keys_dir / "_new" / name, keys_dir / name)
    (keys_dir / "_new").rmdir()
    pem = (keys_dir / f"{station}.cert.pem").read_text()
    with _unguarded(engine) as conn:
        conn.execute(
            text("UPDATE station SET certificate_pem=:p, fingerprint=:f WHERE code=:c"),
            {"p": pem, "f": signer.fingerprint, "c": station},
        )
        rows = conn.execute(
            text("SELECT id, body FROM ledger_entry WHERE station=:c ORDER BY seq"), {"c": station}
        ).all()
        prev = GENESIS_PREV_HASH
        for entry_id, raw in rows:
            body = json.loads(raw)
            if body.get("kind") == "station_created":
                body["certificate_sha256"] = signer.fingerprint  # the forger's own
            if price_of and body.get("receipt") == price_of and body.get("kind") == "intake":
                body["price_yen"] = price
                conn.execute(
                    text("UPDATE intake SET price_yen=:p WHERE receipt=:r"),
                    {"p": price, "r": price_of},
                )
            body_bytes = canonical(body)
            entry_hash = compute_entry_hash(prev, body_bytes)
            conn.execute(
                text(
                    "UPDATE ledger_entry SET body=:b, prev_hash=:p, entry_hash=:h, signature=:s "
                    "WHERE id=:i"
                ),
                {
                    "b": body_bytes.decode(),
                    "p": prev,
                    "h": entry_hash,
                    "s": signer.sign(bytes.fromhex(entry_hash)),
                    "i": entry_id,
                },
            )
            prev = entry_hash
        conn.commit()


def truncate_tail(engine: Engine, count: int, station: str = "S01") -> list[str]:
    """Delete the last ``count`` intakes of a station: entries, intake, person and slip rows.

    Returns the receipts removed.  The remaining chain is intact, so it verifies.
    """
    with _unguarded(engine) as conn:
        drop_append_only_guards(conn, ["person", "slip"])
        head = conn.execute(
            text("SELECT max(seq) FROM ledger_entry WHERE station=:c"), {"c": station}
        ).scalar_one()
        intakes = conn.execute(
            text(
                "SELECT seq, subject FROM ledger_entry WHERE station=:c AND kind='intake' "
                "ORDER BY seq DESC LIMIT :n"
            ),
            {"c": station, "n": count},
        ).all()
        first_seq = min(seq for seq, _ in intakes)
        receipts = [subject for _, subject in intakes]
        for receipt in receipts:
            for table in ("slip", "person", "intake"):
                conn.execute(text(f"DELETE FROM {table} WHERE receipt=:r"), {"r": receipt})
        conn.execute(
            text("DELETE FROM ledger_entry WHERE station=:c AND seq >= :s AND seq <= :h"),
            {"c": station, "s": first_seq, "h": head},
        )
        conn.commit()
    return receipts

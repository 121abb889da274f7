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

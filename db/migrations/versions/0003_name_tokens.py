"""The name-token table of the history's name search; tokens for the people already recorded.

``person_name_token(receipt, token)`` holds every suffix of each person's folded name
and reading (``desktop/name_tokens.py``), so that a name is found by any part of it
through an index range instead of a scan of every person.  The upgrade cuts the
tokens of every person row already in the database, a thousand people at a time
(on SQLite, measured on a busy 2-vCPU machine: 11.8 s for 100,000 people, 107 s for a
million — once, at the first start of this revision), and drops ``ix_person_name``,
which no query uses any more.  The downgrade drops the table and puts the index back.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import unicodedata
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BATCH = 1000
# Frozen copy of desktop/name_tokens.py as of this revision (db/ never imports desktop/,
# and a migration must cut the tokens its own revision defines).  A later change to
# the folding comes with a migration that cuts the tokens again.
TOKEN_MAX = 32
_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in (*range(0x3041, 0x3097), 0x309D, 0x309E)}
_SEPARATORS = dict.fromkeys(map(ord, " ・"), None)


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).translate(_HIRAGANA_TO_KATAKANA).casefold()
    return "".join(folded.split()).translate(_SEPARATORS)


def name_tokens(name: str, kana: str = "") -> list[str]:
    tokens: set[str] = set()
    for text in (name, kana):
        compact = _fold(text)
        tokens.update(compact[start : start + TOKEN_MAX] for start in range(len(compact)))
    return sorted(tokens)


def _token_type() -> sa.types.TypeEngine[Any]:
    return sa.String(TOKEN_MAX).with_variant(sa.String(TOKEN_MAX, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "person_name_token",
        sa.Column(
            "receipt",
            sa.String(40),
            sa.ForeignKey("person.receipt", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("token", _token_type(), primary_key=True),
        sqlite_with_rowid=False,
    )
    _cut_tokens_of_every_person()
    # Built after the rows: one sort instead of a million scattered inserts.
    op.create_index("ix_person_name_token", "person_name_token", ["token", "receipt"])
    op.drop_index("ix_person_name", table_name="person")


def _cut_tokens_of_every_person() -> None:
    conn = op.get_bind()
    person = sa.table(
        "person", sa.column("receipt", sa.String), sa.column("name"), sa.column("data", sa.JSON)
    )
    tokens = sa.table("person_name_token", sa.column("receipt"), sa.column("token"))
    # Only the reading is read from the JSON, not the signature strokes beside it.
    kana = person.c.data["kana"].as_string()
    page = sa.select(person.c.receipt, person.c.name, kana).order_by(person.c.receipt).limit(BATCH)
    last = None
    while True:
        stmt = page if last is None else page.where(person.c.receipt > last)
        rows = conn.execute(stmt).all()
        if not rows:
            return
        values = [
            {"receipt": receipt, "token": token}
            for receipt, name, reading in rows
            for token in name_tokens(name or "", reading or "")
        ]
        if values:
            conn.execute(tokens.insert(), values)
        last = rows[-1][0]


def downgrade() -> None:
    op.create_index("ix_person_name", "person", ["name"])
    op.drop_index("ix_person_name_token", table_name="person_name_token")
    op.drop_table("person_name_token")

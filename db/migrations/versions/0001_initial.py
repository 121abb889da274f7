"""Initial schema: shop, station, clerk, ledger_entry, intake, person.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.append_only import create_append_only_guards, drop_append_only_guards

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "shop",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("license_no", sa.String(40), nullable=False),
        sa.Column("commission", sa.String(40), nullable=False),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(40), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("created_at", TZ_DATETIME, nullable=False),
    )
    op.create_table(
        "station",
        sa.Column("code", sa.String(8), primary_key=True),
        sa.Column("certificate_pem", sa.Text, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("created_at", TZ_DATETIME, nullable=False),
    )
    op.create_table(
        "clerk",
        sa.Column("code", sa.String(8), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("pin_hash", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("failed_attempts", sa.Integer, nullable=False),
        sa.Column("locked_until", TZ_DATETIME, nullable=True),
        sa.Column("created_at", TZ_DATETIME, nullable=False),
    )
    op.create_table(
        "ledger_entry",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("station", sa.String(8), sa.ForeignKey("station.code"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(40), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        sa.Column("signature", sa.Text, nullable=False),
        sa.Column("created_at", TZ_DATETIME, nullable=False),
        sa.UniqueConstraint("station", "seq", name="uq_ledger_station_seq"),
        sa.UniqueConstraint("station", "prev_hash", name="uq_ledger_station_prev"),
    )
    op.create_index("ix_ledger_subject", "ledger_entry", ["subject"])
    op.create_index("ix_ledger_kind_created", "ledger_entry", ["kind", "created_at"])
    op.create_table(
        "intake",
        sa.Column("receipt", sa.String(40), primary_key=True),
        sa.Column("station", sa.String(8), sa.ForeignKey("station.code"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("business_day", sa.Date, nullable=False),
        sa.Column("day_number", sa.Integer, nullable=False),
        sa.Column("created_at", TZ_DATETIME, nullable=False),
        sa.Column("clerk", sa.String(8), sa.ForeignKey("clerk.code"), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("price_yen", sa.Integer, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("refusal_reason", sa.String(40), nullable=False),
        sa.Column("revocation_path", sa.String(40), nullable=False),
        sa.Column("device_os", sa.String(16), nullable=False),
        sa.Column("maker", sa.String(50), nullable=False),
        sa.Column("model", sa.String(100), nullable=False),
        sa.Column("imei1", sa.String(15), nullable=False),
        sa.Column("imei2", sa.String(15), nullable=False),
        sa.UniqueConstraint("station", "seq", name="uq_intake_station_seq"),
    )
    op.create_index("ix_intake_day", "intake", ["station", "business_day"])
    op.create_index("ix_intake_imei1", "intake", ["imei1"])
    op.create_index("ix_intake_imei2", "intake", ["imei2"])
    op.create_index("ix_intake_created", "intake", ["created_at"])
    op.create_table(
        "person",
        sa.Column("receipt", sa.String(40), sa.ForeignKey("intake.receipt"), primary_key=True),
        sa.Column("salt", sa.LargeBinary(32), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("created_at", TZ_DATETIME, nullable=False),
    )
    op.create_index("ix_person_name", "person", ["name"])
    create_append_only_guards(op.get_bind(), ["ledger_entry", "intake"])


def downgrade() -> None:
    drop_append_only_guards(op.get_bind(), ["ledger_entry", "intake"])
    for table in ("person", "intake", "ledger_entry", "clerk", "station", "shop"):
        op.drop_table(table)

"""The slip table: signed slips as issued.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slip",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("receipt", sa.String(40), sa.ForeignKey("intake.receipt"), nullable=False),
        sa.Column("issue_no", sa.Integer, nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("pdf", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("receipt", "format", "issue_no", name="uq_slip_receipt_format_issue"),
    )


def downgrade() -> None:
    op.drop_table("slip")

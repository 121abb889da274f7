"""The schema, as SQLAlchemy 2.0 declarative models.

The schema itself is created and changed only by the Alembic migrations in
``db/migrations``; these classes describe it for queries.  A test compares the two.

Append-only tables (``ledger_entry``, ``intake``) are also guarded by database
triggers that refuse UPDATE and DELETE: the hash chain is the first line of defence,
the triggers the second.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from db.types import UTCDateTime


class Base(DeclarativeBase):
    """Declarative base of every table."""


class Shop(Base):
    """The shop's details as the slips print them (one row)."""

    __tablename__ = "shop"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    license_no: Mapped[str] = mapped_column(String(40), default="")  # 古物商許可番号
    commission: Mapped[str] = mapped_column(String(40), default="")  # 公安委員会
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Tokyo")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Station(Base):
    """One counter PC.  Each station has its own hash chain and signing key.

    Only the certificate (public) is stored here; the private key lives in a file
    outside the database.  Ledger appends lock this row, so two writers of one
    station take turns while other stations write freely.
    """

    __tablename__ = "station"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    certificate_pem: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of the DER certificate
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Clerk(Base):
    """A member of staff, known at the counter by a short code such as ``C01``.

    The row holds the current state; every change is also a ledger entry.
    """

    __tablename__ = "clerk"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))  # clerk | manager
    pin_hash: Mapped[str] = mapped_column(String(200))  # argon2id
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LedgerEntry(Base):
    """One link of a station's hash chain.

    ``body`` is the canonical JSON that was hashed and signed; ``kind``,
    ``subject`` and ``created_at`` repeat parts of it for queries and are checked
    against it by ``verify``.
    """

    __tablename__ = "ledger_entry"
    __table_args__ = (
        UniqueConstraint("station", "seq", name="uq_ledger_station_seq"),
        UniqueConstraint("station", "prev_hash", name="uq_ledger_station_prev"),
        Index("ix_ledger_subject", "subject"),
        Index("ix_ledger_kind_created", "kind", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    station: Mapped[str] = mapped_column(ForeignKey("station.code"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(40), default="")
    body: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(Text)  # base64 DER ECDSA
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Intake(Base):
    """Searchable columns of one committed intake (accepted or refused).

    The authoritative record is the ledger entry it points to; personal data is
    in :class:`Person`, which references this row so that erasing it never has to
    touch an append-only row.
    """

    __tablename__ = "intake"
    __table_args__ = (
        UniqueConstraint("station", "seq", name="uq_intake_station_seq"),
        Index("ix_intake_day", "station", "business_day"),
        Index("ix_intake_imei1", "imei1"),
        Index("ix_intake_imei2", "imei2"),
        Index("ix_intake_created", "created_at"),
    )

    receipt: Mapped[str] = mapped_column(String(40), primary_key=True)
    station: Mapped[str] = mapped_column(ForeignKey("station.code"))
    seq: Mapped[int] = mapped_column(Integer)  # the ledger entry's seq
    business_day: Mapped[date] = mapped_column(Date)  # shop-local date
    day_number: Mapped[int] = mapped_column(Integer)  # NNNN of the receipt
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    clerk: Mapped[str] = mapped_column(ForeignKey("clerk.code"))
    purpose: Mapped[str] = mapped_column(String(16))
    price_yen: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(16))  # accepted | refused
    refusal_reason: Mapped[str] = mapped_column(String(40), default="")
    revocation_path: Mapped[str] = mapped_column(String(40))
    device_os: Mapped[str] = mapped_column(String(16))
    maker: Mapped[str] = mapped_column(String(50))
    model: Mapped[str] = mapped_column(String(100))
    imei1: Mapped[str] = mapped_column(String(15))
    imei2: Mapped[str] = mapped_column(String(15), default="")


class Person(Base):
    """Personal data of one intake, kept apart from the chain.

    The chain holds only ``SHA-256(prefix ‖ salt ‖ canonical(data))``; deleting
    this row after the retention period leaves every chain verifiable, and the
    salt goes with it so the digest cannot be brute-forced back to a name.
    """

    __tablename__ = "person"

    receipt: Mapped[str] = mapped_column(ForeignKey("intake.receipt"), primary_key=True)
    salt: Mapped[bytes] = mapped_column(LargeBinary(32))
    data: Mapped[dict[str, object]] = mapped_column(JSON)
    name: Mapped[str] = mapped_column(String(100))  # the name as shown in the history
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


# Tokens are compared in code-point order (a prefix is a range): SQLite's BINARY is
# that already; PostgreSQL's database collation may be a language's, hence "C".
TOKEN_TYPE = String(32).with_variant(String(32, collation="C"), "postgresql")


class PersonNameToken(Base):
    """The name search's index: every suffix of the folded name and reading of a person.

    ``desktop.name_tokens`` makes them; a search for 「田中」, 「美咲」, 「田中美咲」 or
    「ササキ」 is a prefix range on ``token``.  Personal data like the name itself: the
    rows go with their person row (ON DELETE CASCADE, and the retention purge deletes
    them first).  Keyed by (receipt, token) without a rowid on SQLite, so a person's
    tokens sit together and the table is its own index by receipt.
    """

    __tablename__ = "person_name_token"
    __table_args__ = (
        Index("ix_person_name_token", "token", "receipt"),
        {"sqlite_with_rowid": False},
    )

    receipt: Mapped[str] = mapped_column(
        ForeignKey("person.receipt", ondelete="CASCADE"), primary_key=True
    )
    token: Mapped[str] = mapped_column(TOKEN_TYPE, primary_key=True)


class Slip(Base):
    """A signed slip exactly as it was issued: the PDF bytes and their SHA-256.

    The ledger holds the SHA-256 too (entry kinds ``slip_issued`` and ``reprint``),
    so a stored or presented file can be proved to be the one the app issued.  The
    PDF shows the customer's signature, so this table is personal data: rows are
    erased with the person row when the retention period ends.
    """

    __tablename__ = "slip"
    __table_args__ = (
        UniqueConstraint("receipt", "format", "issue_no", name="uq_slip_receipt_format_issue"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    receipt: Mapped[str] = mapped_column(ForeignKey("intake.receipt"))
    issue_no: Mapped[int] = mapped_column(Integer)  # per format: 1 = first issue, 2… = reprints
    format: Mapped[str] = mapped_column(String(16))  # thermal | a4
    sha256: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

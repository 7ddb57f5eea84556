"""The tables. Migrations in ``odr/store/migrations`` follow these definitions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from odr.store.types import UTCDateTime, utcnow


def _when() -> datetime:
    return Field(default_factory=utcnow, sa_type=UTCDateTime)  # type: ignore[no-any-return]


class Court(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str
    short_code: str = Field(unique=True, max_length=12)  # used in case numbers
    place: str = ""
    created_at: datetime = _when()


class MicroCourt(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    court_id: int = Field(foreign_key="court.id", index=True)
    name: str
    place: str = ""  # the village or town it serves
    intake_code: str = Field(unique=True, max_length=16)
    categories: str = ""  # comma-separated Category values; empty: all
    created_at: datetime = _when()


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=64)
    display_name: str = ""
    role: str = Field(max_length=16)
    court_id: int | None = Field(default=None, foreign_key="court.id", index=True)
    password_hash: str
    active: bool = True
    created_at: datetime = _when()


class MicroCourtStaff(SQLModel, table=True):
    microcourt_id: int = Field(foreign_key="microcourt.id", primary_key=True)
    user_id: int = Field(foreign_key="user.id", primary_key=True)


class Case(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=40)
    court_id: int = Field(foreign_key="court.id", index=True)
    microcourt_id: int = Field(foreign_key="microcourt.id", index=True)
    mediator_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    category: str = Field(max_length=20)
    state: str = Field(max_length=24, index=True)
    claims: str = Field(sa_column=Column(Text, nullable=False))
    facts: str = Field(sa_column=Column(Text, nullable=False))
    filed_at: datetime = _when()
    updated_at: datetime = _when()


class CaseCounter(SQLModel, table=True):
    court_id: int = Field(foreign_key="court.id", primary_key=True)
    year: int = Field(primary_key=True)
    last: int = 0


class Party(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    role: str = Field(max_length=20)
    name: str = Field(max_length=100)
    phone: str = Field(default="", max_length=40)
    id_number: str = Field(default="", max_length=40)
    address: str = Field(default="", max_length=200)
    language: str = Field(default="zh-CN", max_length=8)
    timezone: str = Field(default="Asia/Shanghai", max_length=64)


class PersonalCode(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    party_id: int = Field(foreign_key="party.id", index=True)
    digest: str = Field(unique=True, max_length=64)  # sha256 of the canonical code
    issued_at: datetime = _when()
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class WebSession(SQLModel, table=True):
    __tablename__ = "web_session"
    id: int | None = Field(default=None, primary_key=True)
    token_digest: str = Field(unique=True, max_length=64)
    csrf_token: str = Field(max_length=64)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    party_id: int | None = Field(default=None, foreign_key="party.id")
    created_at: datetime = _when()
    last_seen_at: datetime = _when()
    expires_at: datetime = Field(sa_type=UTCDateTime)
    ended: bool = False


class Evidence(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    uploaded_by: str = Field(max_length=40)  # "party:12" or "user:3"
    filename: str = Field(max_length=255)
    media_type: str = Field(max_length=40)
    size: int
    sha256: str = Field(max_length=64)
    description: str = Field(default="", max_length=500)
    created_at: datetime = _when()


class AuditEntry(SQLModel, table=True):
    """One leaf of the audit log. ``root`` and ``signature`` form the tree head after it."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_case", "case_id"),)
    seq: int = Field(primary_key=True)  # 0-based leaf index
    created_at: datetime = Field(sa_type=UTCDateTime)
    kind: str = Field(max_length=40)
    actor: str = Field(max_length=40)
    case_id: int | None = None
    payload: str = Field(sa_column=Column(Text, nullable=False))  # canonical JSON
    leaf_hash: str = Field(max_length=64)
    root: str = Field(max_length=64)
    signature: str = Field(max_length=128)


class AuditHead(SQLModel, table=True):
    """The latest signed tree head, and the frontier to append the next leaf in O(log n)."""

    __tablename__ = "audit_head"
    __table_args__ = (UniqueConstraint("singleton"),)
    id: int | None = Field(default=None, primary_key=True)
    singleton: int = 1
    size: int = 0
    frontier: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    root: str = ""
    timestamp_ms: int = Field(default=0, sa_type=BigInteger)
    signature: str = ""

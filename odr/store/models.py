"""The tables. Migrations in ``odr/store/migrations`` follow these definitions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint
from sqlalchemy import true as sa_true
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


# Hearings -------------------------------------------------------------------------------------


class Hearing(SQLModel, table=True):
    """A scheduled hearing of a case. ``state`` holds a ``HearingState`` value."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    scheduled_start: datetime = Field(sa_type=UTCDateTime, index=True)
    duration_minutes: int = 60
    title: str = Field(default="", max_length=200)
    state: str = Field(default="not_started", max_length=16)
    created_by: str = Field(max_length=40)  # "user:3"
    created_at: datetime = _when()
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sequence: int = 0  # iCalendar SEQUENCE: bumped on every reschedule or cancellation


class HearingParticipant(SQLModel, table=True):
    """Someone invited to (or hosting) a hearing: a staff user or a party of the case."""

    __tablename__ = "hearing_participant"
    __table_args__ = (
        UniqueConstraint("hearing_id", "user_id", name="uq_hearing_participant_user"),
        UniqueConstraint("hearing_id", "party_id", name="uq_hearing_participant_party"),
    )
    id: int | None = Field(default=None, primary_key=True)
    hearing_id: int = Field(foreign_key="hearing.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    party_id: int | None = Field(default=None, foreign_key="party.id")
    role: str = Field(max_length=20)
    display_name: str = Field(default="", max_length=100)
    language: str = Field(default="zh-CN", max_length=8)
    timezone: str = Field(default="Asia/Shanghai", max_length=64)
    email: str = Field(default="", max_length=254)
    is_host: bool = False


class HearingMessage(SQLModel, table=True):
    """A chat message said in a room of a hearing (kept on the case record)."""

    __tablename__ = "hearing_message"
    id: int | None = Field(default=None, primary_key=True)
    hearing_id: int = Field(foreign_key="hearing.id", index=True)
    participant_id: int = Field(foreign_key="hearing_participant.id")
    room: str = Field(max_length=40)
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _when()


class Recording(SQLModel, table=True):
    """A file recorded from a hearing, under the data folder; registered once."""

    __table_args__ = (UniqueConstraint("path", name="uq_recording_path"),)
    id: int | None = Field(default=None, primary_key=True)
    hearing_id: int = Field(foreign_key="hearing.id", index=True)
    path: str = Field(max_length=255)  # relative to settings.data_dir
    media_type: str = Field(max_length=40)
    sha256: str = Field(max_length=64)
    size: int = Field(sa_type=BigInteger)
    started_at: datetime = Field(sa_type=UTCDateTime)
    ended_at: datetime = Field(sa_type=UTCDateTime)
    # False: the server died while recording; the file plays up to the crash and was found
    # and registered later (``hearing.recording_interrupted``; signaling/record_files.py).
    complete: bool = Field(default=True, sa_column_kwargs={"server_default": sa_true()})


# Settlement documents -------------------------------------------------------------------------


class SettlementVersion(SQLModel, table=True):
    """One version of a case's settlement agreement; every version is kept.

    ``state``: ``draft`` (open for signatures), ``superseded`` (a later version replaced it),
    ``effective`` (every party and the mediator signed). ``ref`` is the unguessable public
    reference the document's QR code carries.
    """

    __tablename__ = "settlement_version"
    __table_args__ = (UniqueConstraint("case_id", "number", name="uq_settlement_version_number"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    number: int
    terms: str = Field(sa_column=Column(Text, nullable=False))  # JSON: what the PDF says
    languages: str = Field(max_length=20)  # comma-separated, e.g. "zh-CN,en"
    state: str = Field(default="draft", max_length=16)
    ref: str = Field(unique=True, max_length=32)
    created_by: str = Field(max_length=40)  # "user:3"
    created_at: datetime = _when()
    unsigned_sha256: str = Field(max_length=64)
    current_sha256: str = Field(max_length=64)  # the newest revision (unsigned or signed)
    effective_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SettlementChangeRequest(SQLModel, table=True):
    """A party asks the mediator to change a version before signing it."""

    __tablename__ = "settlement_change_request"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    version_id: int = Field(foreign_key="settlement_version.id")
    party_id: int = Field(foreign_key="party.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _when()


class SigningCertificate(SQLModel, table=True):
    """A person's certificate for one role in one case, issued by the court CA.

    ``key_pem`` is the PKCS#8 private key, encrypted with the CA passphrase.
    """

    __tablename__ = "signing_certificate"
    __table_args__ = (
        UniqueConstraint("case_id", "holder", "role", name="uq_signing_certificate_holder"),
    )
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    holder: str = Field(max_length=40)  # "party:12" or "user:3"
    role: str = Field(max_length=16)  # applicant | respondent | mediator | judge
    name: str = Field(max_length=100)
    cert_pem: str = Field(sa_column=Column(Text, nullable=False))
    key_pem: str = Field(sa_column=Column(Text, nullable=False))
    fingerprint: str = Field(unique=True, max_length=64)
    created_at: datetime = _when()


class SettlementSignature(SQLModel, table=True):
    """One signature on an agreement version (or, with ``field`` "judge", on the ruling)."""

    __tablename__ = "settlement_signature"
    __table_args__ = (
        UniqueConstraint("version_id", "field", name="uq_settlement_signature_field"),
    )
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    version_id: int = Field(foreign_key="settlement_version.id")
    field: str = Field(max_length=16)  # applicant | respondent | mediator | judge
    signer: str = Field(max_length=40)  # "party:12" or "user:3"
    signer_name: str = Field(max_length=100)
    cert_fingerprint: str = Field(max_length=64)
    signed_at: datetime = _when()
    revision_sha256: str = Field(max_length=64)  # the file after this signature
    authenticated_by: str = Field(max_length=40)  # "personal_code" or "password"
    confirmed_on_screen: bool = False
    with_image: bool = False


class SettlementConfirmation(SQLModel, table=True):
    """The application for judicial confirmation of an effective agreement, and the ruling."""

    __tablename__ = "settlement_confirmation"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", unique=True)
    version_id: int = Field(foreign_key="settlement_version.id")
    applied_by: str = Field(max_length=40)
    applied_at: datetime = _when()
    deadline: datetime = Field(sa_type=UTCDateTime)
    ref: str = Field(unique=True, max_length=32)  # the ruling's public reference
    outcome: str = Field(default="", max_length=16)  # "", confirmed, rejected
    reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    judge_id: int | None = Field(default=None, foreign_key="user.id")
    unsigned_sha256: str = Field(default="", max_length=64)
    ruling_sha256: str = Field(default="", max_length=64)


class DocumentFile(SQLModel, table=True):
    """A PDF kept under ``settings.documents_dir`` (named by its sha256): the public record.

    ``kind``: agreement_draft (unsigned render), agreement (a signed revision), ruling_draft,
    ruling. ``final`` marks the finished article: the agreement after its last signature, the
    signed ruling.
    """

    __tablename__ = "document_file"
    __table_args__ = (UniqueConstraint("sha256", name="uq_document_file_sha256"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    version_id: int | None = Field(default=None, foreign_key="settlement_version.id")
    kind: str = Field(max_length=24)
    sha256: str = Field(max_length=64)
    size: int
    final: bool = False
    created_at: datetime = _when()

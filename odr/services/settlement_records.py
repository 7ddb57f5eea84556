"""Reading settlements back: a case's versions and signatures, its PDFs, the public record.

The public record answers verifiers who were not there: given a document's reference (the
QR code) or a file's sha256, which document it is, whether the file is the finished article
or an earlier revision, and when each box was signed with which certificate. It names no
party; the PDF itself does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, col, select

from odr.domain.actors import Actor
from odr.errors import NotFound
from odr.services.lookup import case_for
from odr.services.settlements import deadline_of, effective_version
from odr.store.models import (
    Case,
    DocumentFile,
    SettlementChangeRequest,
    SettlementConfirmation,
    SettlementSignature,
    SettlementVersion,
    SigningCertificate,
)

AGREEMENT_KINDS = ("agreement_draft", "agreement")
RULING_KINDS = ("ruling_draft", "ruling")


@dataclass(frozen=True)
class Overview:
    case: Case
    versions: list[SettlementVersion]
    signatures: list[SettlementSignature]
    change_requests: list[SettlementChangeRequest]
    confirmation: SettlementConfirmation | None
    deadline: datetime | None  # for applying for confirmation


@dataclass(frozen=True)
class PublicRecord:
    kind: str  # agreement | ruling
    case_number: str
    version: int
    state: str  # draft, superseded, effective; pending, confirmed, rejected
    ref: str
    final: DocumentFile | None
    files: list[DocumentFile]  # every revision, oldest first
    signatures: list[SettlementSignature]
    effective_at: datetime | None
    decided_at: datetime | None


@dataclass(frozen=True)
class HashMatch:
    status: str  # final | revision | unknown
    file: DocumentFile | None
    record: PublicRecord | None


def file_path(documents_dir: Path, case_id: int, sha256: str) -> Path:
    """Where a document file lives: named by its content's sha256, one folder per case."""
    return documents_dir / str(case_id) / f"{sha256}.pdf"


def overview(session: Session, actor: Actor, case_id: int, confirmation_days: int) -> Overview:
    case = case_for(session, actor, case_id)
    versions = list(
        session.exec(
            select(SettlementVersion)
            .where(SettlementVersion.case_id == case_id)
            .order_by(col(SettlementVersion.number))
        )
    )
    signatures = list(
        session.exec(
            select(SettlementSignature)
            .where(SettlementSignature.case_id == case_id)
            .order_by(col(SettlementSignature.id))
        )
    )
    requests = list(
        session.exec(
            select(SettlementChangeRequest)
            .where(SettlementChangeRequest.case_id == case_id)
            .order_by(col(SettlementChangeRequest.id))
        )
    )
    confirmation = session.exec(
        select(SettlementConfirmation).where(SettlementConfirmation.case_id == case_id)
    ).first()
    effective = effective_version(session, case_id)
    deadline = (
        deadline_of(effective.effective_at, confirmation_days)
        if effective is not None and effective.effective_at is not None
        else None
    )
    return Overview(case, versions, signatures, requests, confirmation, deadline)


def case_file(
    session: Session, actor: Actor, case_id: int, version_id: int | None, kind: str
) -> DocumentFile:
    """A PDF of the case the actor may see: a version's ``agreement_draft`` (unsigned) or
    ``agreement`` (newest signed revision), or the case's ``ruling``."""
    case_for(session, actor, case_id)
    sha256 = ""
    if kind == "ruling":
        row = session.exec(
            select(SettlementConfirmation).where(SettlementConfirmation.case_id == case_id)
        ).first()
        sha256 = row.ruling_sha256 if row is not None else ""
    else:
        version = session.get(SettlementVersion, version_id) if version_id else None
        if version is None or version.case_id != case_id:
            raise NotFound("settlement_version_not_found", field="version_id")
        if kind == "agreement_draft":
            sha256 = version.unsigned_sha256
        elif version.current_sha256 != version.unsigned_sha256:
            sha256 = version.current_sha256
    found = _file(session, sha256) if sha256 else None
    if found is None:
        raise NotFound("document_not_found")
    return found


def record_by_ref(session: Session, ref: str) -> PublicRecord:
    version = session.exec(select(SettlementVersion).where(SettlementVersion.ref == ref)).first()
    if version is not None:
        return _agreement_record(session, version)
    row = session.exec(
        select(SettlementConfirmation).where(SettlementConfirmation.ref == ref)
    ).first()
    if row is not None:
        return _ruling_record(session, row)
    raise NotFound("record_not_found", field="ref")


def match_hash(session: Session, sha256: str) -> HashMatch:
    """Whether a file's sha256 is in the public record, and as what."""
    found = _file(session, sha256.lower())
    if found is None:
        return HashMatch("unknown", None, None)
    if found.kind in RULING_KINDS:
        row = session.exec(
            select(SettlementConfirmation).where(SettlementConfirmation.case_id == found.case_id)
        ).first()
        assert row is not None
        record = _ruling_record(session, row)
    else:
        version = session.get(SettlementVersion, found.version_id)
        assert version is not None
        record = _agreement_record(session, version)
    return HashMatch("final" if found.final else "revision", found, record)


def public_file(session: Session, ref: str) -> DocumentFile:
    """The finished article of a record (the QR code's download): 404 until there is one."""
    record = record_by_ref(session, ref)
    if record.final is None:
        raise NotFound("document_not_found")
    return record.final


def _agreement_record(session: Session, version: SettlementVersion) -> PublicRecord:
    case = session.get(Case, version.case_id)
    assert case is not None and version.id is not None
    files = _files(session, version.id, AGREEMENT_KINDS)
    signatures = [s for s in _signatures(session, version.id) if s.field != "judge"]
    return PublicRecord(
        kind="agreement",
        case_number=case.number,
        version=version.number,
        state=version.state,
        ref=version.ref,
        final=next((f for f in files if f.final), None),
        files=files,
        signatures=signatures,
        effective_at=version.effective_at,
        decided_at=None,
    )


def _ruling_record(session: Session, row: SettlementConfirmation) -> PublicRecord:
    case = session.get(Case, row.case_id)
    version = session.get(SettlementVersion, row.version_id)
    assert case is not None and version is not None
    files = _files(session, row.version_id, RULING_KINDS)
    signatures = [s for s in _signatures(session, row.version_id) if s.field == "judge"]
    return PublicRecord(
        kind="ruling",
        case_number=case.number,
        version=version.number,
        state=row.outcome or "pending",
        ref=row.ref,
        final=next((f for f in files if f.final), None),
        files=files,
        signatures=signatures,
        effective_at=version.effective_at,
        decided_at=row.decided_at,
    )


def _file(session: Session, sha256: str) -> DocumentFile | None:
    return session.exec(select(DocumentFile).where(DocumentFile.sha256 == sha256)).first()


def _files(session: Session, version_id: int, kinds: tuple[str, ...]) -> list[DocumentFile]:
    query = (
        select(DocumentFile)
        .where(DocumentFile.version_id == version_id, col(DocumentFile.kind).in_(kinds))
        .order_by(col(DocumentFile.id))
    )
    return list(session.exec(query))


def _signatures(session: Session, version_id: int) -> list[SettlementSignature]:
    query = (
        select(SettlementSignature)
        .where(SettlementSignature.version_id == version_id)
        .order_by(col(SettlementSignature.id))
    )
    return list(session.exec(query))


def known_fingerprints(session: Session, fingerprints: list[str]) -> set[str]:
    """Which of these certificate fingerprints the court issued."""
    if not fingerprints:
        return set()
    query = select(SigningCertificate.fingerprint).where(
        col(SigningCertificate.fingerprint).in_(fingerprints)
    )
    return set(session.exec(query).all())

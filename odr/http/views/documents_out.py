"""What the settlement and verification endpoints send back (also the OpenAPI schemas)."""

from __future__ import annotations

import json
from datetime import date, datetime

from pydantic import BaseModel

from odr.services.settlement_records import HashMatch, Overview, PublicRecord
from odr.store.models import (
    SettlementChangeRequest,
    SettlementConfirmation,
    SettlementSignature,
    SettlementVersion,
)


class ClauseOut(BaseModel):
    text: str
    amount_cents: int | None = None
    currency: str = "CNY"
    due: date | None = None
    payer: str | None = None
    payee: str | None = None


class SignatureOut(BaseModel):
    field: str
    signer_name: str
    signed_at: datetime
    cert_fingerprint: str
    revision_sha256: str
    authenticated_by: str
    with_image: bool

    @classmethod
    def of(cls, row: SettlementSignature) -> SignatureOut:
        return cls(**row.model_dump(include=set(cls.model_fields)))


class VersionOut(BaseModel):
    id: int
    number: int
    state: str  # draft | superseded | effective
    languages: list[str]
    created_by: str
    created_at: datetime
    clauses: list[ClauseOut]
    free_text: str
    unsigned_sha256: str
    current_sha256: str
    effective_at: datetime | None
    verify_url: str
    signatures: list[SignatureOut]

    @classmethod
    def of(cls, row: SettlementVersion, signatures: list[SettlementSignature]) -> VersionOut:
        assert row.id is not None
        terms = json.loads(row.terms)
        return cls(
            id=row.id,
            number=row.number,
            state=row.state,
            languages=row.languages.split(","),
            created_by=row.created_by,
            created_at=row.created_at,
            clauses=[ClauseOut(**c) for c in terms["clauses"]],
            free_text=terms["free_text"],
            unsigned_sha256=row.unsigned_sha256,
            current_sha256=row.current_sha256,
            effective_at=row.effective_at,
            verify_url=terms["verify_url"],
            signatures=[
                SignatureOut.of(s)
                for s in signatures
                if s.version_id == row.id and s.field != "judge"
            ],
        )


class ChangeRequestOut(BaseModel):
    id: int
    version_id: int
    party_id: int
    text: str
    created_at: datetime

    @classmethod
    def of(cls, row: SettlementChangeRequest) -> ChangeRequestOut:
        return cls(**row.model_dump(include=set(cls.model_fields)))


class ConfirmationOut(BaseModel):
    version_id: int
    applied_by: str
    applied_at: datetime
    deadline: datetime
    outcome: str  # "" while pending, confirmed, rejected
    reason: str
    decided_at: datetime | None
    ruling_sha256: str
    verify_url: str

    @classmethod
    def of(cls, row: SettlementConfirmation, public_url: str) -> ConfirmationOut:
        return cls(
            **row.model_dump(include=set(cls.model_fields) - {"verify_url"}),
            verify_url=f"{public_url}/verify?ref={row.ref}",
        )


class SettlementOut(BaseModel):
    case_id: int
    case_state: str
    versions: list[VersionOut]
    change_requests: list[ChangeRequestOut]
    confirmation: ConfirmationOut | None
    confirmation_deadline: datetime | None  # apply for confirmation before this

    @classmethod
    def of(cls, found: Overview, public_url: str) -> SettlementOut:
        assert found.case.id is not None
        return cls(
            case_id=found.case.id,
            case_state=found.case.state,
            versions=[VersionOut.of(v, found.signatures) for v in found.versions],
            change_requests=[ChangeRequestOut.of(r) for r in found.change_requests],
            confirmation=ConfirmationOut.of(found.confirmation, public_url)
            if found.confirmation is not None
            else None,
            confirmation_deadline=found.deadline,
        )


class RecordSignatureOut(BaseModel):
    field: str
    signed_at: datetime
    cert_fingerprint: str
    revision_sha256: str


class RecordOut(BaseModel):
    """The public record of one document (no party is named)."""

    kind: str  # agreement | ruling
    case_number: str
    version: int
    state: str
    final_sha256: str | None
    revisions: list[str]  # sha256 of every kept revision, oldest first
    signatures: list[RecordSignatureOut]
    effective_at: datetime | None
    decided_at: datetime | None
    document_url: str | None  # the finished article, once there is one

    @classmethod
    def of(cls, record: PublicRecord, public_url: str) -> RecordOut:
        return cls(
            kind=record.kind,
            case_number=record.case_number,
            version=record.version,
            state=record.state,
            final_sha256=record.final.sha256 if record.final else None,
            revisions=[f.sha256 for f in record.files],
            signatures=[
                RecordSignatureOut(**s.model_dump(include=set(RecordSignatureOut.model_fields)))
                for s in record.signatures
            ],
            effective_at=record.effective_at,
            decided_at=record.decided_at,
            document_url=f"{public_url}/api/records/{record.ref}/document.pdf"
            if record.final
            else None,
        )


class HashOut(BaseModel):
    sha256: str
    status: str  # final | revision | unknown
    record: RecordOut | None

    @classmethod
    def of(cls, sha256: str, match: HashMatch, public_url: str) -> HashOut:
        return cls(
            sha256=sha256,
            status=match.status,
            record=RecordOut.of(match.record, public_url) if match.record else None,
        )


class SignerOut(BaseModel):
    field: str
    name: str
    role: str
    signed_at: datetime | None
    cert_sha256: str
    intact: bool
    trusted: bool
    covers_whole_document: bool
    modification_level: str
    issued_by_court: bool  # the certificate is one the court issued for this platform


class VerifyOut(BaseModel):
    ok: bool  # every signature intact and trusted, nothing changed after the last one
    sha256: str
    kind: str | None
    case_number: str | None
    signers: list[SignerOut]
    altered_after_last_signature: bool
    embedded_agreement_sha256: str | None
    embedded_agreement_matches: bool | None
    problems: list[str]  # catalogue keys
    messages: list[str]  # the problems, translated
    unsigned_fields: list[str]  # signature boxes still empty (roles): not the final document
    complete: bool  # every signature box is signed
    record: HashOut  # the file's sha256 against the public record
    embedded_agreement_record: HashOut | None

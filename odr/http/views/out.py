"""What the API sends back: the response models (also the OpenAPI schemas)."""

from __future__ import annotations

from datetime import datetime

import segno
from pydantic import BaseModel

from odr.domain import codes
from odr.services.intake import Intake
from odr.store.models import Case, Evidence, Party


class IntakeOut(BaseModel):
    microcourt: str
    place: str
    court: str
    categories: list[str]


class CodeOut(BaseModel):
    code: str  # shown as XXXX-XXXX-XXXX; shown once
    qr_svg: str  # the code's QR, printable on the slip
    party_id: int


class FiledOut(BaseModel):
    case_id: int
    number: str
    state: str
    applicant: CodeOut


class SessionOut(BaseModel):
    kind: str  # "party" or "staff"
    csrf_token: str
    case_id: int | None = None
    party_id: int | None = None
    user_id: int | None = None
    username: str | None = None
    role: str | None = None


class PartyOut(BaseModel):
    id: int
    role: str
    name: str
    language: str
    timezone: str
    phone: str | None = None  # shown to staff only
    id_number: str | None = None
    address: str | None = None

    @classmethod
    def of(cls, party: Party, full: bool) -> PartyOut:
        assert party.id is not None
        extra = (
            {"phone": party.phone, "id_number": party.id_number, "address": party.address}
            if full
            else {}
        )
        return cls(
            id=party.id,
            role=party.role,
            name=party.name,
            language=party.language,
            timezone=party.timezone,
            **extra,
        )


class CaseSummary(BaseModel):
    id: int
    number: str
    state: str
    category: str
    microcourt_id: int
    mediator_id: int | None
    filed_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, case: Case) -> CaseSummary:
        assert case.id is not None
        return cls(
            id=case.id,
            number=case.number,
            state=case.state,
            category=case.category,
            microcourt_id=case.microcourt_id,
            mediator_id=case.mediator_id,
            filed_at=case.filed_at,
            updated_at=case.updated_at,
        )


class CaseList(BaseModel):
    cases: list[CaseSummary]


class CaseOut(CaseSummary):
    microcourt: str
    claims: str
    facts: str
    parties: list[PartyOut]


class EvidenceOut(BaseModel):
    id: int
    filename: str
    media_type: str
    size: int
    sha256: str
    description: str
    uploaded_by: str
    created_at: datetime

    @classmethod
    def of(cls, row: Evidence) -> EvidenceOut:
        assert row.id is not None
        return cls(**row.model_dump(exclude={"case_id"}))


class EvidenceList(BaseModel):
    evidence: list[EvidenceOut]


class HistoryEntry(BaseModel):
    seq: int
    time: datetime
    kind: str
    actor: str
    details: dict[str, object]


class History(BaseModel):
    entries: list[HistoryEntry]


class TreeHead(BaseModel):
    tree_size: int
    root_hash: str
    timestamp_ms: int
    signature: str
    public_key_pem: str


class Health(BaseModel):
    status: str
    database: str


def intake_out(found: Intake) -> IntakeOut:
    return IntakeOut(
        microcourt=found.microcourt,
        place=found.place,
        court=found.court,
        categories=list(found.categories),
    )


def code_out(code: str, party_id: int, base_url: str) -> CodeOut:
    link = f"{base_url}/party#code={codes.display(code)}"
    qr = segno.make_qr(link, error="m")
    return CodeOut(
        code=codes.display(code),
        qr_svg=qr.svg_inline(scale=4, title=codes.display(code)),
        party_id=party_id,
    )

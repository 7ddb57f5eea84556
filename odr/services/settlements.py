"""Settlement agreements: drafts and change requests, and what signing and confirmation share.

Pure store logic. The documents edge (``documents.workflow``) renders and signs the PDFs in
between: it asks for a *plan* here (access and state checked, everything the PDF needs),
does the slow work off the database, then *records* the result here, where every check is
made again under the case's row lock. A plan that went stale meanwhile (another signature
landed first) is refused with ``settlement_changed`` and the edge starts over.

The audit log receives the unsigned render's sha256, every signed revision's sha256 and
each signer's certificate fingerprint. An agreement takes effect with its last signature
(the mediator's); the parties may apply for judicial confirmation until
``confirmation_days`` after that (People's Mediation Law art. 33).

Signatures: ``odr.services.settlement_signing``; confirmation: ``odr.services.confirmations``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from odr.domain import access
from odr.domain.actors import Actor, PartyActor, Staff
from odr.domain.case_state import CaseState
from odr.errors import Conflict, NotFound
from odr.services import audit
from odr.services.audit import AuditKey, canonical_json
from odr.services.cases import parties_of
from odr.services.lookup import case_for
from odr.services.settlement_schemas import SIDES, DraftIn
from odr.store.models import (
    Case,
    Court,
    DocumentFile,
    MicroCourt,
    Party,
    SettlementChangeRequest,
    SettlementConfirmation,
    SettlementSignature,
    SettlementVersion,
    SigningCertificate,
    User,
)
from odr.store.types import utcnow

OPEN_STATES = frozenset({CaseState.IN_MEDIATION.value, CaseState.SETTLED.value})


@dataclass(frozen=True)
class DraftPlan:
    case_id: int
    number: int
    ref: str
    terms: dict[str, Any]  # what the PDF says; see ``terms_of``


@dataclass(frozen=True)
class Certificate:
    cert_pem: bytes
    key_pem: bytes  # encrypted PKCS#8
    fingerprint: str


@dataclass(frozen=True)
class Signer:
    """Who signs, in which box, with which certificate (None: issue one first)."""

    case_id: int
    case_number: str
    holder: str  # "party:12" or "user:3"
    field: str  # applicant | respondent | mediator | judge
    name: str
    location: str
    certificate: Certificate | None


def verify_url(public_url: str, ref: str) -> str:
    """Where a document's QR code leads: the public verification page of its record."""
    return f"{public_url}/verify?ref={ref}"


def deadline_of(effective_at: datetime, days: int) -> datetime:
    return effective_at + timedelta(days=days)


def actor_ref(actor: Actor) -> str:
    """How the audit log names an actor: ``party:12`` or ``user:3``."""
    if isinstance(actor, PartyActor):
        return f"party:{actor.party_id}"
    if isinstance(actor, Staff):
        return f"user:{actor.user_id}"
    return "anonymous"


# Drafting ----------------------------------------------------------------------------------------


def plan_draft(
    session: Session, actor: Actor, case_id: int, data: DraftIn, public_url: str
) -> DraftPlan:
    case = case_for(session, actor, case_id, access.can_draft_settlement)
    _check_draftable(session, case)
    assert case.id is not None
    parties = [p for p in parties_of(session, case.id) if p.role in SIDES]
    court = session.get(Court, case.court_id)
    micro = session.get(MicroCourt, case.microcourt_id)
    mediator = session.get(User, case.mediator_id) if case.mediator_id else None
    assert court is not None and micro is not None
    number = _next_number(session, case.id)
    ref = secrets.token_urlsafe(12)
    terms = {
        "case_number": case.number,
        "court_name": court.name,
        "microcourt_name": micro.name,
        "mediator_name": _user_name(mediator),
        "parties": [
            {
                "role": p.role,
                "name": p.name,
                "id_number": p.id_number,
                "address": p.address,
                "phone": p.phone,
            }
            for p in parties
        ],
        "facts": case.facts,
        "clauses": [c.model_dump(mode="json") for c in data.clauses],
        "free_text": data.free_text,
        "languages": list(_languages(data.languages, parties)),
        "version": number,
        "drafted_at": utcnow().replace(microsecond=0).isoformat(),
        "verify_url": verify_url(public_url, ref),
    }
    return DraftPlan(case.id, number, ref, terms)


def record_draft(
    session: Session,
    key: AuditKey,
    actor: Actor,
    actor_ref: str,
    plan: DraftPlan,
    sha256: str,
    size: int,
) -> SettlementVersion:
    case = case_for(session, actor, plan.case_id, access.can_draft_settlement, lock=True)
    _check_draftable(session, case)
    if _next_number(session, plan.case_id) != plan.number:
        raise Conflict("settlement_changed")
    for old in versions_of(session, plan.case_id):
        if old.state == "draft":
            old.state = "superseded"
            session.add(old)
    version = SettlementVersion(
        case_id=plan.case_id,
        number=plan.number,
        terms=canonical_json(plan.terms),
        languages=",".join(plan.terms["languages"]),
        state="draft",
        ref=plan.ref,
        created_by=actor_ref,
        created_at=datetime.fromisoformat(plan.terms["drafted_at"]),
        unsigned_sha256=sha256,
        current_sha256=sha256,
    )
    session.add(version)
    session.flush()
    add_file(session, plan.case_id, version.id, "agreement_draft", sha256, size)
    audit.append(
        session,
        key,
        "settlement.drafted",
        actor_ref,
        plan.case_id,
        version=plan.number,
        version_id=version.id,
        unsigned_sha256=sha256,
        languages=plan.terms["languages"],
        clauses=len(plan.terms["clauses"]),
    )
    return version


def request_changes(
    session: Session,
    key: AuditKey,
    actor: Actor,
    actor_ref: str,
    case_id: int,
    version_id: int,
    text: str,
) -> SettlementChangeRequest:
    case = case_for(session, actor, case_id, access.can_request_changes, lock=True)
    version = version_of(session, case_id, version_id)
    check_current(case, version)
    assert isinstance(actor, PartyActor)
    row = SettlementChangeRequest(
        case_id=case_id, version_id=version_id, party_id=actor.party_id, text=text
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        key,
        "settlement.changes_requested",
        actor_ref,
        case_id,
        version=version.number,
        version_id=version_id,
        text=text,
    )
    return row


# Shared look-ups ---------------------------------------------------------------------------------


def effective_version(session: Session, case_id: int) -> SettlementVersion | None:
    query = select(SettlementVersion).where(
        SettlementVersion.case_id == case_id, SettlementVersion.state == "effective"
    )
    return session.exec(query).first()


def signed_fields(session: Session, version_id: int) -> set[str]:
    query = select(SettlementSignature.field).where(SettlementSignature.version_id == version_id)
    return set(session.exec(query).all())


def versions_of(session: Session, case_id: int) -> list[SettlementVersion]:
    query = (
        select(SettlementVersion)
        .where(SettlementVersion.case_id == case_id)
        .order_by(col(SettlementVersion.number))
    )
    return list(session.exec(query))


def version_of(session: Session, case_id: int, version_id: int) -> SettlementVersion:
    version = session.get(SettlementVersion, version_id)
    if version is None or version.case_id != case_id:
        raise NotFound("settlement_version_not_found", field="version_id")
    return version


def _next_number(session: Session, case_id: int) -> int:
    versions = versions_of(session, case_id)
    return versions[-1].number + 1 if versions else 1


def _check_draftable(session: Session, case: Case) -> None:
    assert case.id is not None
    if case.state not in OPEN_STATES:
        raise Conflict("settlement_not_open", state=case.state)
    if effective_version(session, case.id) is not None:
        raise Conflict("settlement_already_effective")


def check_current(case: Case, version: SettlementVersion) -> None:
    if case.state not in OPEN_STATES:
        raise Conflict("settlement_not_open", state=case.state)
    if version.state == "effective":
        raise Conflict("settlement_already_effective")
    if version.state != "draft":
        raise Conflict("settlement_version_not_current", field="version_id")


def signer_for(session: Session, actor: Actor, case: Case, field: str) -> Signer:
    assert case.id is not None
    micro = session.get(MicroCourt, case.microcourt_id)
    assert micro is not None
    if isinstance(actor, PartyActor):
        party = session.get(Party, actor.party_id)
        assert party is not None
        holder, name = f"party:{actor.party_id}", party.name
    else:
        assert isinstance(actor, Staff)
        holder, name = f"user:{actor.user_id}", _user_name(session.get(User, actor.user_id))
    return Signer(
        case_id=case.id,
        case_number=case.number,
        holder=holder,
        field=field,
        name=name,
        location=micro.place or micro.name,
        certificate=certificate_of(session, case.id, holder, field),
    )


def certificate_of(session: Session, case_id: int, holder: str, role: str) -> Certificate | None:
    row = session.exec(
        select(SigningCertificate).where(
            SigningCertificate.case_id == case_id,
            SigningCertificate.holder == holder,
            SigningCertificate.role == role,
        )
    ).first()
    if row is None:
        return None
    return Certificate(row.cert_pem.encode("ascii"), row.key_pem.encode("ascii"), row.fingerprint)


def confirmation_of(session: Session, case_id: int) -> SettlementConfirmation | None:
    query = select(SettlementConfirmation).where(SettlementConfirmation.case_id == case_id)
    return session.exec(query).first()


def _languages(requested: list[str], parties: list[Party]) -> tuple[str, ...]:
    """Chinese first; English too when asked for or when a party reads English."""
    wanted = set(requested) or {"zh-CN"}
    wanted |= {p.language for p in parties if p.language == "en"}
    return tuple(lang for lang in ("zh-CN", "en") if lang in wanted)


def _user_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.display_name or user.username


def authenticated_by(actor: Actor) -> str:
    """How the signer proved who they are (Electronic Signature Law art. 13: keys are held
    by the server, so the record says how each signer was authenticated)."""
    return "personal_code" if isinstance(actor, PartyActor) else "password"


def add_file(
    session: Session,
    case_id: int | None,
    version_id: int | None,
    kind: str,
    sha256: str,
    size: int,
    final: bool = False,
) -> None:
    assert case_id is not None
    exists = session.exec(select(DocumentFile).where(DocumentFile.sha256 == sha256)).first()
    if exists is None:
        session.add(
            DocumentFile(
                case_id=case_id,
                version_id=version_id,
                kind=kind,
                sha256=sha256,
                size=size,
                final=final,
            )
        )

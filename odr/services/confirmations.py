"""Judicial confirmation: the parties apply within the deadline, a judge rules.

The ruling itself is rendered and signed (locked) by ``documents.workflow`` between
``plan_ruling`` and ``record_ruling``.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from odr.domain import access
from odr.domain.actors import Actor, Staff
from odr.domain.case_state import CaseState
from odr.errors import Conflict
from odr.services import audit, cases
from odr.services.audit import AuditKey
from odr.services.lookup import case_for
from odr.services.settlement_schemas import ApplyIn, DecideIn
from odr.services.settlements import (
    Signer,
    add_file,
    authenticated_by,
    confirmation_of,
    deadline_of,
    effective_version,
    signer_for,
)
from odr.store.models import (
    Case,
    Court,
    SettlementConfirmation,
    SettlementSignature,
    SettlementVersion,
)
from odr.store.types import utcnow


@dataclass(frozen=True)
class RulingPlan:
    signer: Signer
    confirmation_id: int
    version_id: int
    confirmed: bool
    reason: str
    terms: dict[str, Any]  # the agreement's
    agreement_sha256: str  # the signed agreement the ruling embeds
    court_name: str
    ref: str
    decided_at: datetime


def apply_for_confirmation(
    session: Session,
    key: AuditKey,
    actor: Actor,
    actor_ref: str,
    case_id: int,
    data: ApplyIn,
    confirmation_days: int,
) -> SettlementConfirmation:
    case = case_for(session, actor, case_id, access.can_request_confirmation, lock=True)
    version = effective_version(session, case_id)
    if version is None or version.effective_at is None:
        raise Conflict("settlement_not_effective")
    if confirmation_of(session, case_id) is not None:
        raise Conflict("confirmation_already_requested")
    deadline = deadline_of(version.effective_at, confirmation_days)
    now = utcnow()
    if now > deadline:
        raise Conflict("confirmation_deadline_passed", deadline=deadline.date().isoformat())
    cases.move(
        session,
        key,
        actor_ref,
        case,
        CaseState.CONFIRMATION_REQUESTED,
        mediator_id=case.mediator_id,
        reason=data.note,
    )
    assert version.id is not None
    row = SettlementConfirmation(
        case_id=case_id,
        version_id=version.id,
        applied_by=actor_ref,
        applied_at=now,
        deadline=deadline,
        ref=secrets.token_urlsafe(12),
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        key,
        "settlement.confirmation_requested",
        actor_ref,
        case_id,
        version=version.number,
        agreement_sha256=version.current_sha256,
        deadline=deadline.isoformat(),
        note=data.note,
    )
    return row


def plan_ruling(session: Session, actor: Actor, case_id: int, data: DecideIn) -> RulingPlan:
    case = case_for(session, actor, case_id, access.can_rule)
    row = _pending_confirmation(session, case)
    version = session.get(SettlementVersion, row.version_id)
    court = session.get(Court, case.court_id)
    assert version is not None and court is not None and row.id is not None
    return RulingPlan(
        signer=signer_for(session, actor, case, "judge"),
        confirmation_id=row.id,
        version_id=row.version_id,
        confirmed=data.outcome == "confirmed",
        reason=data.reason,
        terms=json.loads(version.terms),
        agreement_sha256=version.current_sha256,
        court_name=court.name,
        ref=row.ref,
        decided_at=utcnow().replace(microsecond=0),
    )


def record_ruling(
    session: Session,
    key: AuditKey,
    actor: Actor,
    actor_ref: str,
    plan: RulingPlan,
    unsigned: tuple[str, int],
    signed: tuple[str, int],
    fingerprint: str,
) -> SettlementConfirmation:
    """Keep the decision and both ruling files: ``unsigned``/``signed`` are (sha256, size)."""
    case = case_for(session, actor, plan.signer.case_id, access.can_rule, lock=True)
    row = _pending_confirmation(session, case)
    assert isinstance(actor, Staff)
    outcome = "confirmed" if plan.confirmed else "rejected"
    row.outcome = outcome
    row.reason = plan.reason
    row.decided_at = plan.decided_at
    row.judge_id = actor.user_id
    row.unsigned_sha256, row.ruling_sha256 = unsigned[0], signed[0]
    session.add(row)
    add_file(session, case.id, plan.version_id, "ruling_draft", *unsigned)
    add_file(session, case.id, plan.version_id, "ruling", *signed, final=True)
    session.add(
        SettlementSignature(
            case_id=plan.signer.case_id,
            version_id=plan.version_id,
            field="judge",
            signer=plan.signer.holder,
            signer_name=plan.signer.name,
            cert_fingerprint=fingerprint,
            revision_sha256=signed[0],
            authenticated_by=authenticated_by(actor),
            confirmed_on_screen=True,
        )
    )
    target = CaseState.CONFIRMED if plan.confirmed else CaseState.REJECTED
    cases.move(
        session, key, actor_ref, case, target, mediator_id=case.mediator_id, reason=plan.reason
    )
    audit.append(
        session,
        key,
        "settlement.ruling",
        actor_ref,
        plan.signer.case_id,
        outcome=outcome,
        reason=plan.reason,
        agreement_sha256=plan.agreement_sha256,
        unsigned_sha256=unsigned[0],
        ruling_sha256=signed[0],
        cert_fingerprint=fingerprint,
    )
    return row


def _pending_confirmation(session: Session, case: Case) -> SettlementConfirmation:
    assert case.id is not None
    row = confirmation_of(session, case.id)
    if row is None:
        raise Conflict("confirmation_not_requested")
    if row.outcome or case.state != CaseState.CONFIRMATION_REQUESTED.value:
        raise Conflict("confirmation_already_decided")
    return row

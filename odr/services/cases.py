"""Cases: filing from an intake code, routing, listing, transitions and assignment."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from odr.domain import access, case_state
from odr.domain.actors import Actor, PartyActor, PartyRole, Role, Staff
from odr.domain.case_state import CaseState
from odr.errors import Conflict, InvalidInput, NotFound
from odr.services import audit, codes
from odr.services.audit import AuditKey
from odr.services.intake import microcourt_by_intake
from odr.services.lookup import case_for, facts_of, find_case
from odr.services.schemas import AddPartyIn, FileCaseIn, PartyIn, TransitionIn
from odr.store.models import Case, CaseCounter, Court, MicroCourt, Party, User
from odr.store.types import utcnow


@dataclass(frozen=True)
class Filed:
    case: Case
    applicant: Party
    code: str


def case_number(court_code: str, year: int, seq: int) -> str:
    """Readable by people, e.g. ``LA-2026-00042``."""
    return f"{court_code}-{year}-{seq:05d}"


def file_case(session: Session, key: AuditKey, data: FileCaseIn, address: str) -> Filed:
    micro = microcourt_by_intake(session, data.intake_code)
    if micro is None:
        raise NotFound("intake_code_unknown", field="intake_code")
    if micro.categories and data.category.value not in micro.categories.split(","):
        raise InvalidInput("category_not_served", field="category")
    court = session.get(Court, micro.court_id)
    assert court is not None and micro.id is not None
    now = utcnow()
    case = Case(
        number=case_number(
            court.short_code, now.year, _next_seq(session, micro.court_id, now.year)
        ),
        court_id=micro.court_id,
        microcourt_id=micro.id,
        category=data.category.value,
        state=CaseState.SUBMITTED.value,
        claims=data.claims,
        facts=data.facts,
        filed_at=now,
        updated_at=now,
    )
    session.add(case)
    session.flush()
    assert case.id is not None
    applicant = _new_party(case.id, PartyRole.APPLICANT, data.applicant)
    respondent = _new_party(case.id, PartyRole.RESPONDENT, data.respondent)
    session.add_all([applicant, respondent])
    session.flush()
    audit.append(
        session,
        key,
        "case.filed",
        f"party:{applicant.id}",
        case.id,
        number=case.number,
        microcourt_id=micro.id,
        category=case.category,
        address=address,
    )
    code = codes.issue(session, key, applicant, f"party:{applicant.id}")
    return Filed(case, applicant, code)


def _next_seq(session: Session, court_id: int, year: int) -> int:
    """The court's next case number this year; concurrent filings never share or skip one."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(CaseCounter)
        .values(court_id=court_id, year=year, last=0)
        .on_conflict_do_nothing(index_elements=["court_id", "year"])
    )
    bumped = session.execute(
        update(CaseCounter)
        .where(col(CaseCounter.court_id) == court_id, col(CaseCounter.year) == year)
        .values(last=col(CaseCounter.last) + 1)
        .returning(col(CaseCounter.last))
    )
    return int(bumped.scalar_one())


def _new_party(case_id: int, role: PartyRole, data: PartyIn) -> Party:
    return Party(case_id=case_id, role=role.value, **data.model_dump(exclude={"role"}))


def get_case(session: Session, actor: Actor, case_id: int) -> Case:
    return case_for(session, actor, case_id)


def parties_of(session: Session, case_id: int) -> list[Party]:
    return list(session.exec(select(Party).where(Party.case_id == case_id).order_by(col(Party.id))))


def list_cases(
    session: Session,
    actor: Actor,
    state: CaseState | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Case]:
    """The cases ``actor`` may see, newest first."""
    query = select(Case).order_by(col(Case.id).desc()).limit(limit).offset(offset)
    if state is not None:
        query = query.where(Case.state == state.value)
    if isinstance(actor, PartyActor):
        if actor.role is PartyRole.INTERPRETER:
            return []  # an interpreter sees the hearings it is invited to, not the case file
        query = query.where(Case.id == actor.case_id)
    elif isinstance(actor, Staff):
        if actor.court_id is not None:
            query = query.where(Case.court_id == actor.court_id)
        if actor.role is Role.MEDIATOR:
            offered = (col(Case.mediator_id).is_(None)) & (
                col(Case.microcourt_id).in_(actor.microcourt_ids)
            )
            query = query.where(or_(col(Case.mediator_id) == actor.user_id, offered))
    else:
        access.require(False, actor)
    return list(session.exec(query))


# Judicial confirmation follows from documents: an application for it against a signed
# agreement, and the judge's signed ruling (odr/services/confirmations.py), never a bare move.
BY_DOCUMENTS = frozenset(
    {CaseState.CONFIRMATION_REQUESTED, CaseState.CONFIRMED, CaseState.REJECTED}
)


def transition(
    session: Session, key: AuditKey, actor: Actor, actor_ref: str, case_id: int, data: TransitionIn
) -> Case:
    case = find_case(session, case_id, lock=True)
    facts = facts_of(case)
    access.require(access.can_view_case(actor, facts), actor)
    access.require(access.can_transition(actor, facts, data.target, data.mediator_id), actor)
    mediator_id = case.mediator_id
    if data.target is CaseState.ACCEPTED:
        mediator_id = data.mediator_id or (actor.user_id if isinstance(actor, Staff) else None)
        if mediator_id is not None:
            _check_mediator(session, case, mediator_id)
    current = CaseState(case.state)
    case_state.check_transition(current, data.target, has_mediator=mediator_id is not None)
    if data.target in BY_DOCUMENTS:
        raise Conflict("transition_by_documents", field="target", target=data.target.value)
    move(session, key, actor_ref, case, data.target, mediator_id=mediator_id, reason=data.reason)
    return case


def move(
    session: Session,
    key: AuditKey,
    actor_ref: str,
    case: Case,
    target: CaseState,
    *,
    mediator_id: int | None,
    reason: str,
) -> None:
    """Set the case's state (a legal transition only) and record it in the audit log."""
    current = CaseState(case.state)
    case_state.check_transition(current, target, has_mediator=mediator_id is not None)
    case.state = target.value
    case.mediator_id = mediator_id
    case.updated_at = utcnow()
    session.add(case)
    audit.append(
        session,
        key,
        "case.transition",
        actor_ref,
        case.id,
        **{"from": current.value, "to": target.value, "mediator_id": mediator_id, "reason": reason},
    )


def assign(
    session: Session, key: AuditKey, actor: Actor, actor_ref: str, case_id: int, mediator_id: int
) -> Case:
    """Reassign a case to another mediator of its court (the state does not change)."""
    case = case_for(session, actor, case_id, access.can_assign, lock=True)
    _check_mediator(session, case, mediator_id)
    previous = case.mediator_id
    case.mediator_id = mediator_id
    case.updated_at = utcnow()
    session.add(case)
    audit.append(
        session,
        key,
        "case.assigned",
        actor_ref,
        case.id,
        previous=previous,
        mediator_id=mediator_id,
    )
    return case


def add_party(
    session: Session, key: AuditKey, actor: Actor, actor_ref: str, case_id: int, data: AddPartyIn
) -> Party:
    """Agents (and further parties) are added by staff; their codes are issued separately."""
    case_for(session, actor, case_id, access.can_manage_case, lock=True)
    party = _new_party(case_id, data.role, data)
    session.add(party)
    session.flush()
    audit.append(
        session, key, "party.added", actor_ref, case_id, party_id=party.id, role=party.role
    )
    return party


def _check_mediator(session: Session, case: Case, mediator_id: int) -> None:
    user = session.get(User, mediator_id)
    if (
        user is None
        or not user.active
        or user.role != Role.MEDIATOR.value
        or user.court_id != case.court_id
    ):
        raise InvalidInput("not_a_mediator_of_court", field="mediator_id")


def microcourt_of(session: Session, case: Case) -> MicroCourt:
    micro = session.get(MicroCourt, case.microcourt_id)
    assert micro is not None
    return micro

"""Lists of hearings: a case's, and the calendar of whoever asks (staff or a party)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, or_, select

from odr.domain import access
from odr.domain.actors import Actor, PartyActor, PartyRole, Role, Staff
from odr.services import hearings
from odr.services.lookup import facts_of, find_case
from odr.store.models import Case, Hearing, HearingParticipant


def hearings_of_case(session: Session, actor: Actor, case_id: int) -> list[Hearing]:
    """The case's hearings, soonest first (an interpreter: only those it is invited to)."""
    case = find_case(session, case_id)
    access.require(access.can_view_hearings(actor, facts_of(case)), actor)
    query = select(Hearing).where(Hearing.case_id == case_id)
    if hearings.is_interpreter(actor):
        assert isinstance(actor, PartyActor)
        query = query.where(col(Hearing.id).in_(hearings.invited_to(actor)))
    return list(session.exec(query.order_by(col(Hearing.scheduled_start), col(Hearing.id))))


def calendar(
    session: Session,
    actor: Actor,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 200,
) -> list[Hearing]:
    """The caller's hearings between ``since`` and ``until``, soonest first.

    Staff: the hearings of the cases they may see (a mediator: its own cases and hearings it
    joined). A party: the hearings of its case; an interpreter: those it is invited to."""
    query = select(Hearing)
    if since is not None:
        query = query.where(col(Hearing.scheduled_start) >= since)
    if until is not None:
        query = query.where(col(Hearing.scheduled_start) < until)
    if isinstance(actor, PartyActor):
        if actor.role is PartyRole.INTERPRETER:
            query = query.where(col(Hearing.id).in_(hearings.invited_to(actor)))
        else:
            query = query.where(Hearing.case_id == actor.case_id)
    elif isinstance(actor, Staff):
        query = query.join(Case, col(Case.id) == col(Hearing.case_id))
        if actor.court_id is not None:
            query = query.where(Case.court_id == actor.court_id)
        if actor.role is Role.MEDIATOR:
            joined = select(HearingParticipant.hearing_id).where(
                HearingParticipant.user_id == actor.user_id
            )
            query = query.where(
                or_(col(Case.mediator_id) == actor.user_id, col(Hearing.id).in_(joined))
            )
    else:
        access.require(False, actor)
    query = query.order_by(col(Hearing.scheduled_start), col(Hearing.id)).limit(limit)
    return list(session.exec(query))

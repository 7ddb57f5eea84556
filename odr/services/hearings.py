"""Hearings: scheduling, and who takes part.

Changes to a scheduled hearing are in ``hearing_changes``; lists of hearings in ``agenda``;
the hearing's state, chat and recordings in ``hearing_record``.

Every function is synchronous and takes a sqlmodel ``Session``: run it through
``await db.read(fn, ...)`` or ``await db.write(fn, ...)`` (the latter for anything that changes
rows or appends to the audit log). Signaling calls :func:`get_hearing`,
:func:`participants_of` and :func:`participant_for`; the HTTP views call the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from odr.domain import access
from odr.domain.actors import Actor, CaseFacts, PartyActor, PartyRole, Staff
from odr.domain.case_state import CaseState
from odr.errors import Conflict, Forbidden, InvalidInput, NotFound
from odr.services import audit, codes
from odr.services.audit import AuditKey
from odr.services.hearing_schemas import InviteIn, ScheduleIn
from odr.services.local_time import resolve_start, zone
from odr.services.lookup import facts_of, find_case
from odr.store.models import (
    Case,
    Hearing,
    HearingParticipant,
    Party,
    User,
)
from odr.store.types import utcnow

ENDED_CASE = frozenset({CaseState.CLOSED.value, CaseState.WITHDRAWN.value})
GRACE = timedelta(minutes=5)  # a start this far in the past is still "now" (clock skew)
HORIZON = timedelta(days=730)

Rule = Callable[[Actor, CaseFacts], bool]


@dataclass(frozen=True)
class Invited:
    participant: HearingParticipant
    party: Party
    code: str | None  # the new personal code, shown once; None for someone already a party


def actor_ref_of(participant: HearingParticipant) -> str:
    """The audit actor for something a participant did: ``"user:3"`` or ``"party:12"``."""
    if participant.user_id is not None:
        return f"user:{participant.user_id}"
    return f"party:{participant.party_id}"


def status_of(hearing: Hearing) -> str:
    """``cancelled`` for a cancelled hearing, otherwise its ``HearingState`` value."""
    return "cancelled" if hearing.cancelled_at is not None else hearing.state


# Finding hearings -------------------------------------------------------------------------


def get_hearing(session: Session, hearing_id: int, *, lock: bool = False) -> Hearing:
    """The hearing, or ``NotFound("hearing_not_found")``. No access check: callers have one."""
    query = select(Hearing).where(Hearing.id == hearing_id)
    hearing = session.exec(query.with_for_update() if lock else query).first()
    if hearing is None:
        raise NotFound("hearing_not_found", field="hearing_id")
    return hearing


def hearing_for(
    session: Session,
    actor: Actor,
    hearing_id: int,
    rule: Rule = access.can_view_hearings,
    *,
    lock: bool = False,
) -> tuple[Hearing, Case]:
    """The hearing and its case when ``actor`` may see it and ``rule`` lets them act.

    An interpreter sees only the hearings it is invited to."""
    hearing = get_hearing(session, hearing_id, lock=lock)
    case = find_case(session, hearing.case_id)
    facts = facts_of(case)
    access.require(access.can_view_hearings(actor, facts), actor)
    if is_interpreter(actor) and row_of(session, hearing_id, actor) is None:
        raise Forbidden("hearing_not_invited")
    access.require(rule(actor, facts), actor)
    return hearing, case


def participants_of(session: Session, hearing_id: int) -> list[HearingParticipant]:
    """Everyone with a row for the hearing, in the order they were added."""
    query = (
        select(HearingParticipant)
        .where(HearingParticipant.hearing_id == hearing_id)
        .order_by(col(HearingParticipant.id))
    )
    return list(session.exec(query))


def participant(session: Session, hearing_id: int, participant_id: int) -> HearingParticipant:
    """One participant row of this hearing, or ``NotFound("hearing_participant_not_found")``."""
    row = session.get(HearingParticipant, participant_id)
    if row is None or row.hearing_id != hearing_id:
        raise NotFound("hearing_participant_not_found", field="participant_id")
    return row


def participant_for(session: Session, hearing_id: int, actor: Actor) -> HearingParticipant:
    """The participant row of ``actor`` (a staff user or a party) for joining the hearing.

    Staff who may host (the case's mediator, a judge of the case's court) get a host row on
    their first join; parties of the case (not interpreters) get one if they were added to
    the case after the hearing was scheduled. Anyone else: ``Forbidden("hearing_not_invited")``;
    a cancelled hearing: ``Conflict("hearing_cancelled")``. Call inside ``db.write``.
    """
    hearing = get_hearing(session, hearing_id)
    if hearing.cancelled_at is not None:
        raise Conflict("hearing_cancelled")
    case = find_case(session, hearing.case_id)
    facts = facts_of(case)
    if not isinstance(actor, Staff | PartyActor):
        access.require(False, actor)
    row = row_of(session, hearing_id, actor)
    if row is not None and (isinstance(actor, PartyActor) or access.can_view_case(actor, facts)):
        return row
    if isinstance(actor, Staff) and access.can_host_hearing(actor, facts):
        return _add_row(session, staff_row(session, hearing_id, actor.user_id, is_host=True))
    if (
        isinstance(actor, PartyActor)
        and actor.case_id == case.id
        and actor.role is not PartyRole.INTERPRETER
    ):
        party = session.get(Party, actor.party_id)
        assert party is not None
        return _add_row(session, party_row(hearing_id, party))
    raise Forbidden("hearing_not_invited")


def case_of(session: Session, hearing: Hearing) -> Case:
    """The case the hearing belongs to (no access check)."""
    return find_case(session, hearing.case_id)


# Scheduling -------------------------------------------------------------------------------


def schedule(
    session: Session,
    key: AuditKey,
    actor: Actor,
    actor_ref: str,
    case_id: int,
    data: ScheduleIn,
    *,
    now: datetime | None = None,
) -> Hearing:
    """A new hearing of the case; every party of the case is invited unless told otherwise.

    Staff only (``access.can_schedule_hearing``). ``data.start`` must name its offset or come
    with ``data.timezone``; a start in the past (``hearing_in_past``) or more than two years
    ahead (``hearing_too_far``) is refused, as is a hearing of a closed or withdrawn case."""
    case = find_case(session, case_id, lock=True)
    facts = facts_of(case)
    access.require(access.can_view_hearings(actor, facts), actor)
    access.require(access.can_schedule_hearing(actor, facts), actor)
    if case.state in ENDED_CASE:
        raise Conflict("hearing_case_ended", state=case.state)
    start = resolve_start(data.start, data.timezone)
    check_start(start, now or utcnow())
    hearing = Hearing(
        case_id=case_id,
        scheduled_start=start,
        duration_minutes=data.duration_minutes,
        title=data.title,
        created_by=actor_ref,
    )
    session.add(hearing)
    session.flush()
    assert hearing.id is not None
    rows: list[HearingParticipant] = []
    if data.invite_parties:
        for party in _parties(session, case_id):
            if party.role != PartyRole.INTERPRETER.value:
                rows.append(party_row(hearing.id, party))
    session.add_all(rows)
    session.flush()
    audit.append(
        session,
        key,
        "hearing.scheduled",
        actor_ref,
        case_id,
        hearing_id=hearing.id,
        start=start.isoformat(),
        duration_minutes=hearing.duration_minutes,
        title=hearing.title,
        participants=[row.id for row in rows],
    )
    return hearing


def invite(
    session: Session, key: AuditKey, actor: Actor, actor_ref: str, hearing_id: int, data: InviteIn
) -> Invited:
    """Invite an interpreter or agent: a new party of the case with a personal code (returned
    once), or an existing party of the case (``data.party_id``; its code is unchanged)."""
    hearing, case = hearing_for(session, actor, hearing_id, access.can_schedule_hearing, lock=True)
    if hearing.cancelled_at is not None:
        raise Conflict("hearing_cancelled")
    if hearing.state == "closed":
        raise Conflict("hearing_closed")
    code: str | None = None
    if data.party_id is not None:
        party = session.get(Party, data.party_id)
        if party is None or party.case_id != case.id:
            raise NotFound("party_not_found", field="party_id")
        if row_of_party(session, hearing_id, data.party_id) is not None:
            raise Conflict("hearing_already_invited", field="party_id")
    else:
        if data.name is None:
            raise InvalidInput("missing_field", field="name", field_name="name")
        zone(data.timezone)
        party = Party(
            case_id=hearing.case_id,
            role=data.role,
            name=data.name,
            phone=data.phone,
            language=data.language,
            timezone=data.timezone,
        )
        session.add(party)
        session.flush()
        audit.append(
            session, key, "party.added", actor_ref, case.id, party_id=party.id, role=party.role
        )
        code = codes.issue(session, key, party, actor_ref)
    assert hearing.id is not None
    row = party_row(hearing.id, party)
    row.email = data.email
    session.add(row)
    session.flush()
    audit.append(
        session,
        key,
        "hearing.invited",
        actor_ref,
        case.id,
        hearing_id=hearing_id,
        participant_id=row.id,
        party_id=party.id,
        role=party.role,
        email=bool(row.email),
    )
    return Invited(row, party, code)


# Helpers ----------------------------------------------------------------------------------


def check_start(start: datetime, now: datetime) -> None:
    """Refuse a start in the past (``hearing_in_past``) or over two years ahead."""
    if start < now - GRACE:
        raise InvalidInput("hearing_in_past", field="start")
    if start > now + HORIZON:
        raise InvalidInput("hearing_too_far", field="start")


def check_not_started(hearing: Hearing) -> None:
    """Refuse a change once the hearing is cancelled or has started (409)."""
    if hearing.cancelled_at is not None:
        raise Conflict("hearing_cancelled")
    if hearing.state != "not_started":
        raise Conflict("hearing_already_started", state=hearing.state)


def is_interpreter(actor: Actor) -> bool:
    """An interpreter sees only the hearings it is invited to, and nothing else of the case."""
    return isinstance(actor, PartyActor) and actor.role is PartyRole.INTERPRETER


def invited_to(actor: PartyActor) -> SelectOfScalar[int]:
    """The ids of the hearings this party has a participant row for (a subquery)."""
    return select(HearingParticipant.hearing_id).where(
        HearingParticipant.party_id == actor.party_id
    )


def _parties(session: Session, case_id: int) -> list[Party]:
    return list(session.exec(select(Party).where(Party.case_id == case_id).order_by(col(Party.id))))


def row_of(session: Session, hearing_id: int, actor: Actor) -> HearingParticipant | None:
    """The participant row of a staff user or party, if it has one (no row is created)."""
    if isinstance(actor, Staff):
        query = select(HearingParticipant).where(
            HearingParticipant.hearing_id == hearing_id,
            HearingParticipant.user_id == actor.user_id,
        )
        return session.exec(query).first()
    if isinstance(actor, PartyActor):
        return row_of_party(session, hearing_id, actor.party_id)
    return None


def row_of_party(session: Session, hearing_id: int, party_id: int) -> HearingParticipant | None:
    """The participant row of a party for this hearing, if any."""
    query = select(HearingParticipant).where(
        HearingParticipant.hearing_id == hearing_id, HearingParticipant.party_id == party_id
    )
    return session.exec(query).first()


def party_row(hearing_id: int, party: Party) -> HearingParticipant:
    """A new (unsaved) participant row for a party: its name, language and time zone."""
    return HearingParticipant(
        hearing_id=hearing_id,
        party_id=party.id,
        role=party.role,
        display_name=party.name,
        language=party.language,
        timezone=party.timezone,
    )


def staff_row(
    session: Session, hearing_id: int, user_id: int, *, is_host: bool = False
) -> HearingParticipant:
    """A new (unsaved) participant row for a member of staff: their name and role."""
    user = session.get(User, user_id)
    assert user is not None
    return HearingParticipant(
        hearing_id=hearing_id,
        user_id=user_id,
        role=user.role,
        display_name=user.display_name or user.username,
        is_host=is_host,
    )


def _add_row(session: Session, row: HearingParticipant) -> HearingParticipant:
    """Insert a participant row; when a concurrent join inserted it first, return that one."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        query = select(HearingParticipant).where(
            HearingParticipant.hearing_id == row.hearing_id,
            HearingParticipant.user_id == row.user_id
            if row.user_id is not None
            else HearingParticipant.party_id == row.party_id,
        )
        return session.exec(query).one()
    return row

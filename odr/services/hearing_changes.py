"""Changing a scheduled hearing: reschedule, cancel, where invitations are mailed.

Synchronous functions over a sqlmodel ``Session``, run through ``db.write``; each change is
audited in the same transaction. Scheduling and inviting are in ``hearings``.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from odr.domain import access
from odr.domain.actors import Actor, PartyActor
from odr.services import audit, hearings
from odr.services.audit import AuditKey
from odr.services.hearing_schemas import RescheduleIn
from odr.services.local_time import resolve_start, zone
from odr.services.lookup import facts_of
from odr.store.models import Hearing, HearingParticipant
from odr.store.types import utcnow


def reschedule(
    session: Session,
    key: AuditKey,
    actor: Actor,
    actor_ref: str,
    hearing_id: int,
    data: RescheduleIn,
    *,
    now: datetime | None = None,
) -> tuple[Hearing, list[str]]:
    """Change the start, length or title of a hearing not yet started.

    Returns the hearing and the names of the fields that changed (none: nothing is written).
    Any change bumps ``sequence``, so calendars replace the earlier invitation."""
    hearing, _ = hearings.hearing_for(
        session, actor, hearing_id, access.can_schedule_hearing, lock=True
    )
    hearings.check_not_started(hearing)
    changed: dict[str, object] = {}
    if data.start is not None:
        start = resolve_start(data.start, data.timezone)
        if start != hearing.scheduled_start:
            hearings.check_start(start, now or utcnow())
            changed["start"] = {
                "from": hearing.scheduled_start.isoformat(),
                "to": start.isoformat(),
            }
            hearing.scheduled_start = start
    elif data.timezone is not None:
        zone(data.timezone)
    if data.duration_minutes is not None and data.duration_minutes != hearing.duration_minutes:
        changed["duration_minutes"] = {
            "from": hearing.duration_minutes,
            "to": data.duration_minutes,
        }
        hearing.duration_minutes = data.duration_minutes
    if data.title is not None and data.title != hearing.title:
        changed["title"] = {"from": hearing.title, "to": data.title}
        hearing.title = data.title
    if not changed:
        return hearing, []
    hearing.sequence += 1
    session.add(hearing)
    audit.append(
        session,
        key,
        "hearing.rescheduled",
        actor_ref,
        hearing.case_id,
        hearing_id=hearing_id,
        sequence=hearing.sequence,
        **changed,
    )
    return hearing, list(changed)


def cancel(
    session: Session, key: AuditKey, actor: Actor, actor_ref: str, hearing_id: int
) -> Hearing:
    """Cancel a hearing not yet started (``hearing_already_started`` otherwise)."""
    hearing, _ = hearings.hearing_for(
        session, actor, hearing_id, access.can_schedule_hearing, lock=True
    )
    hearings.check_not_started(hearing)
    hearing.cancelled_at = utcnow()
    hearing.sequence += 1
    session.add(hearing)
    audit.append(
        session,
        key,
        "hearing.cancelled",
        actor_ref,
        hearing.case_id,
        hearing_id=hearing_id,
        sequence=hearing.sequence,
    )
    return hearing


def set_email(
    session: Session,
    key: AuditKey,
    actor: Actor,
    actor_ref: str,
    hearing_id: int,
    participant_id: int,
    email: str,
) -> HearingParticipant:
    """Where a participant's invitations are mailed: set by staff who schedule, or by the
    party itself for its own row."""
    hearing, case = hearings.hearing_for(session, actor, hearing_id)
    row = hearings.participant(session, hearing_id, participant_id)
    own = isinstance(actor, PartyActor) and row.party_id == actor.party_id
    if not own:
        access.require(access.can_schedule_hearing(actor, facts_of(case)), actor)
    row.email = email
    session.add(row)
    audit.append(
        session,
        key,
        "hearing.email",
        actor_ref,
        hearing.case_id,
        hearing_id=hearing_id,
        participant_id=participant_id,
        email=bool(email),
    )
    return row

"""From stored rows to invitations: what each participant's .ics and mail say."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session

from odr.services import calendar, hearings
from odr.services.mail import Letter
from odr.settings import Settings
from odr.store.models import Court, Hearing, HearingParticipant
from odr.store.types import utcnow


def page_url(settings: Settings, hearing_id: int, party: bool) -> str:
    """Where a participant goes for the hearing: the party page, which asks for the code and
    offers that hearing, or (staff) the hearing itself, which asks them to log in first."""
    base = settings.public_url
    return f"{base}/party?hearing={hearing_id}" if party else f"{base}/hearing?id={hearing_id}"


def invitation(
    session: Session, settings: Settings, hearing: Hearing, row: HearingParticipant
) -> calendar.Invitation:
    assert hearing.id is not None
    case = hearings.case_of(session, hearing)
    court = session.get(Court, case.court_id)
    assert court is not None
    return calendar.Invitation(
        hearing_id=hearing.id,
        case_number=case.number,
        court=court.name,
        start=hearing.scheduled_start,
        duration_minutes=hearing.duration_minutes,
        title=hearing.title,
        sequence=hearing.sequence,
        cancelled=hearing.cancelled_at is not None,
        name=row.display_name,
        role=row.role,
        language=row.language,
        timezone=row.timezone,
        email=row.email,
        url=page_url(settings, hearing.id, row.party_id is not None),
        organizer=calendar.organizer_address(settings.smtp_from, settings.public_url),
    )


def ics(session: Session, settings: Settings, hearing: Hearing, row: HearingParticipant) -> bytes:
    return calendar.invitation_ics(invitation(session, settings, hearing, row), utcnow())


def letters(
    session: Session,
    settings: Settings,
    hearing_id: int,
    only: Iterable[int] | None = None,
) -> list[Letter]:
    """One letter per participant with an address (or only those in ``only``)."""
    hearing = hearings.get_hearing(session, hearing_id)
    wanted = set(only) if only is not None else None
    found: list[Letter] = []
    for row in hearings.participants_of(session, hearing_id):
        if not row.email or (wanted is not None and row.id not in wanted):
            continue
        assert row.id is not None
        found.append(Letter(row.id, invitation(session, settings, hearing, row), b""))
    now = utcnow()
    return [
        Letter(x.participant_id, x.invitation, calendar.invitation_ics(x.invitation, now))
        for x in found
    ]

"""What the hearing endpoints send back (also the OpenAPI schemas)."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel

from odr.http.views.out import CodeOut
from odr.i18n import translate
from odr.services import hearings
from odr.services.local_time import LocalTime, render
from odr.services.mail import Sent
from odr.store.models import Case, Hearing, HearingParticipant


class LocalTimeOut(BaseModel):
    """A UTC time as the viewer sees it."""

    iso: str  # ISO 8601 with the viewer's offset
    zone: str
    offset: str
    text: str  # in the viewer's language

    @classmethod
    def of(cls, local: LocalTime) -> LocalTimeOut:
        return cls(iso=local.iso, zone=local.zone, offset=local.offset, text=local.text)


class ParticipantOut(BaseModel):
    id: int
    role: str
    role_label: str
    display_name: str
    language: str
    timezone: str
    is_host: bool
    party_id: int | None
    user_id: int | None
    email: str | None = None  # shown to staff, and to the participant itself

    @classmethod
    def of(cls, row: HearingParticipant, lang: str, show_email: bool) -> ParticipantOut:
        assert row.id is not None
        return cls(
            id=row.id,
            role=row.role,
            role_label=translate(f"hearing.role.{row.role}", lang),
            display_name=row.display_name,
            language=row.language,
            timezone=row.timezone,
            is_host=row.is_host,
            party_id=row.party_id,
            user_id=row.user_id,
            email=row.email if show_email else None,
        )


class MailOut(BaseModel):
    participant_id: int
    email: str
    sent: bool
    error: str | None = None
    message: str | None = None  # the error, for people

    @classmethod
    def of(cls, sent: Sent, lang: str) -> MailOut:
        message = translate(f"hearing.mail.{sent.error}", lang) if sent.error else None
        return cls(
            participant_id=sent.participant_id,
            email=sent.email,
            sent=sent.sent,
            error=sent.error,
            message=message,
        )


class HearingOut(BaseModel):
    id: int
    case_id: int
    case_number: str
    title: str
    state: str  # not_started | in_session | paused | closed | cancelled
    state_label: str
    scheduled_start: datetime  # UTC
    scheduled_end: datetime  # UTC
    local: LocalTimeOut  # the start in the viewer's time zone
    duration_minutes: int
    sequence: int
    created_by: str
    created_at: datetime
    started_at: datetime | None
    closed_at: datetime | None
    cancelled_at: datetime | None
    invitation_url: str  # the caller's .ics
    participants: list[ParticipantOut] | None = None  # in the detailed view only
    me: int | None = None  # the caller's participant id, when it has one

    @classmethod
    def of(cls, hearing: Hearing, case: Case, zone_name: str, lang: str) -> HearingOut:
        assert hearing.id is not None
        status = hearings.status_of(hearing)
        return cls(
            id=hearing.id,
            case_id=hearing.case_id,
            case_number=case.number,
            title=hearing.title,
            state=status,
            state_label=translate(f"hearing.state.{status}", lang),
            scheduled_start=hearing.scheduled_start,
            scheduled_end=hearing.scheduled_start + timedelta(minutes=hearing.duration_minutes),
            local=LocalTimeOut.of(render(hearing.scheduled_start, zone_name, lang)),
            duration_minutes=hearing.duration_minutes,
            sequence=hearing.sequence,
            created_by=hearing.created_by,
            created_at=hearing.created_at,
            started_at=hearing.started_at,
            closed_at=hearing.closed_at,
            cancelled_at=hearing.cancelled_at,
            invitation_url=f"/api/hearings/{hearing.id}/invitation.ics",
        )


class HearingList(BaseModel):
    timezone: str  # the zone the ``local`` times are in
    hearings: list[HearingOut]


class HearingChanged(HearingOut):
    changed: list[str] = []  # fields a reschedule changed
    mail: list[MailOut] = []  # one per participant mailed (none without a mail server)


class InvitedOut(BaseModel):
    participant: ParticipantOut
    code: CodeOut | None  # the new personal code, shown once
    mail: list[MailOut] = []

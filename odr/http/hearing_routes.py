"""The hearings' routes: scheduling, invitations, participants, calendars."""

from __future__ import annotations

from odr.http import params
from odr.http.params import TZ
from odr.http.route import Route
from odr.http.views import hearings as hearing_views
from odr.http.views.hearing_out import (
    HearingChanged,
    HearingList,
    HearingOut,
    InvitedOut,
    ParticipantOut,
)
from odr.services.hearing_schemas import EmailIn, InviteIn, RescheduleIn, ScheduleIn

HEARING_ROUTES: tuple[Route, ...] = (
    Route(
        "POST",
        "/api/cases/{case_id}/hearings",
        hearing_views.post_hearing,
        "Schedule a hearing of the case (its parties are invited)",
        body=ScheduleIn,
        response=HearingChanged,
        status=201,
        session=True,
        query=(TZ,),
    ),
    Route(
        "GET",
        "/api/cases/{case_id}/hearings",
        hearing_views.list_case_hearings,
        "Hearings of a case (times also in the viewer's zone, ?tz=)",
        response=HearingList,
        session=True,
        query=(TZ,),
    ),
    Route(
        "GET",
        "/api/hearings",
        hearing_views.list_my_hearings,
        "The caller's calendar of hearings (?from=, ?to=, ?tz=)",
        response=HearingList,
        session=True,
        query=params.CALENDAR,
    ),
    Route(
        "GET",
        "/api/hearings/{hearing_id}",
        hearing_views.get_hearing,
        "One hearing and its participants",
        response=HearingOut,
        session=True,
        query=(TZ,),
    ),
    Route(
        "PATCH",
        "/api/hearings/{hearing_id}",
        hearing_views.patch_hearing,
        "Reschedule a hearing (start, length, title)",
        body=RescheduleIn,
        response=HearingChanged,
        session=True,
        query=(TZ,),
    ),
    Route(
        "DELETE",
        "/api/hearings/{hearing_id}",
        hearing_views.delete_hearing,
        "Cancel a hearing",
        response=HearingChanged,
        session=True,
        query=(TZ,),
    ),
    Route(
        "POST",
        "/api/hearings/{hearing_id}/participants",
        hearing_views.post_participant,
        "Invite an interpreter or agent (their personal code is shown once)",
        body=InviteIn,
        response=InvitedOut,
        status=201,
        session=True,
    ),
    Route(
        "PUT",
        "/api/hearings/{hearing_id}/participants/{participant_id}/email",
        hearing_views.put_participant_email,
        "Where a participant's invitations are mailed",
        body=EmailIn,
        response=ParticipantOut,
        session=True,
    ),
    Route(
        "GET",
        "/api/hearings/{hearing_id}/invitation.ics",
        hearing_views.get_invitation,
        "The caller's iCalendar invitation",
        session=True,
        binary=("text/calendar",),
        query=(TZ,),
    ),
)

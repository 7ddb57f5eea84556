"""iCalendar invitations to a hearing (RFC 5545, iTIP RFC 5546): pure, from plain values.

One event per hearing: its UID never changes, its SEQUENCE grows with every reschedule or
cancellation, so a calendar that imported the first invitation replaces it with the next.
Times are written in UTC (``DTSTART:...Z``); the text is in the participant's language with
the time shown in the participant's own zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

from icalendar import Calendar, Event, vCalAddress, vText

from odr.i18n import translate
from odr.services.local_time import DEFAULT_ZONE, is_zone, render

PRODID = "-//weifating//odr hearings//EN"


@dataclass(frozen=True)
class Invitation:
    """Everything one participant's invitation says."""

    hearing_id: int
    case_number: str
    court: str
    start: datetime  # aware, UTC
    duration_minutes: int
    title: str
    sequence: int
    cancelled: bool
    name: str
    role: str  # participant role (applicant, interpreter, judge...)
    language: str
    timezone: str
    email: str  # "" when the participant has none
    url: str  # the page to open for the hearing
    organizer: str  # mail address the invitation comes from


def uid(hearing_id: int, url: str) -> str:
    """Stable per hearing and per deployment: ``hearing-42@court.example.org``."""
    host = urlsplit(url).hostname or "localhost"
    return f"hearing-{hearing_id}@{host}"


def local_text(invitation: Invitation) -> str:
    zone_name = invitation.timezone if is_zone(invitation.timezone) else DEFAULT_ZONE
    return render(invitation.start, zone_name, invitation.language).text


def summary(invitation: Invitation) -> str:
    key = "hearing.ics.summary_titled" if invitation.title else "hearing.ics.summary"
    return translate(
        key,
        invitation.language,
        court=invitation.court,
        number=invitation.case_number,
        title=invitation.title,
    )


def description(invitation: Invitation) -> str:
    lang = invitation.language
    time = local_text(invitation)
    if invitation.cancelled:
        return translate("hearing.ics.cancelled", lang, number=invitation.case_number, time=time)
    return translate(
        "hearing.ics.description",
        lang,
        name=invitation.name,
        role=translate(f"hearing.role.{invitation.role}", lang),
        number=invitation.case_number,
        time=time,
        minutes=invitation.duration_minutes,
        url=invitation.url,
    )


def invitation_ics(invitation: Invitation, now: datetime) -> bytes:
    """The ``text/calendar`` body: ``METHOD:REQUEST``, or ``METHOD:CANCEL`` once cancelled."""
    lang = invitation.language
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if invitation.cancelled else "REQUEST")
    event = Event()
    event.add("uid", uid(invitation.hearing_id, invitation.url))
    event.add("dtstamp", now)
    event.add("dtstart", invitation.start)
    event.add("dtend", invitation.start + timedelta(minutes=invitation.duration_minutes))
    event.add("sequence", invitation.sequence)
    event.add("status", "CANCELLED" if invitation.cancelled else "CONFIRMED")
    event.add("summary", summary(invitation), parameters={"LANGUAGE": lang})
    event.add("description", description(invitation), parameters={"LANGUAGE": lang})
    event.add("location", invitation.url)
    event.add("url", invitation.url)
    organizer = vCalAddress(f"mailto:{invitation.organizer}")
    organizer.params["CN"] = vText(invitation.court)
    event.add("organizer", organizer)
    if invitation.email:
        attendee = vCalAddress(f"mailto:{invitation.email}")
        attendee.params["CN"] = vText(invitation.name)
        attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
        attendee.params["PARTSTAT"] = vText("NEEDS-ACTION")
        attendee.params["RSVP"] = vText("FALSE")
        event.add("attendee", attendee)
    cal.add_component(event)
    return bytes(cal.to_ical())


def organizer_address(smtp_from: str, url: str) -> str:
    """The configured sender, or ``noreply@<host of the public URL>``."""
    address = parseaddr(smtp_from)[1]
    if "@" in address:
        return address
    return f"noreply@{urlsplit(url).hostname or 'localhost'}"

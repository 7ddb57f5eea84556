"""Hearings: schedule, reschedule, cancel, invite, list, and each participant's invitation."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from aiohttp import web
from sqlmodel import Session

from odr.domain.actors import Actor, PartyActor, Staff
from odr.errors import InvalidInput
from odr.http.errors import language
from odr.http.io import actor_of, actor_ref, int_param, read_json, respond
from odr.http.keys import AUDIT_KEY, DB, SETTINGS
from odr.http.views.hearing_out import (
    HearingChanged,
    HearingList,
    HearingOut,
    InvitedOut,
    MailOut,
    ParticipantOut,
)
from odr.http.views.out import code_out
from odr.services import agenda, hearing_changes, hearings, invitations, mail
from odr.services.hearing_schemas import EmailIn, InviteIn, RescheduleIn, ScheduleIn
from odr.services.local_time import DEFAULT_ZONE, resolve_start, zone
from odr.store.models import Case, Hearing, HearingParticipant, Party
from odr.store.types import utcnow

MAX_LIST = 500


# Reading ----------------------------------------------------------------------------------


async def list_case_hearings(request: web.Request) -> web.Response:
    actor = actor_of(request)
    case_id = int_param(request, "case_id")
    lang = language(request)
    tz = request.query.get("tz")

    def load(session: Session) -> HearingList:
        found = agenda.hearings_of_case(session, actor, case_id)
        zone_name = _viewer_zone(session, actor, tz)
        cases = _cases(session, found)
        return HearingList(
            timezone=zone_name,
            hearings=[HearingOut.of(h, cases[h.case_id], zone_name, lang) for h in found],
        )

    return respond(await request.app[DB].read(load))


async def list_my_hearings(request: web.Request) -> web.Response:
    """The caller's calendar; ``from``/``to`` (ISO 8601, default: from a day ago), ``tz``."""
    actor = actor_of(request)
    lang = language(request)
    tz = request.query.get("tz")
    limit = _limit(request)

    def load(session: Session) -> HearingList:
        zone_name = _viewer_zone(session, actor, tz)
        since = _bound(request, "from", zone_name) or utcnow() - timedelta(days=1)
        until = _bound(request, "to", zone_name)
        found = agenda.calendar(session, actor, since, until, limit)
        cases = _cases(session, found)
        return HearingList(
            timezone=zone_name,
            hearings=[HearingOut.of(h, cases[h.case_id], zone_name, lang) for h in found],
        )

    return respond(await request.app[DB].read(load))


async def get_hearing(request: web.Request) -> web.Response:
    actor = actor_of(request)
    hearing_id = int_param(request, "hearing_id")
    lang = language(request)
    tz = request.query.get("tz")

    def load(session: Session) -> HearingOut:
        hearing, case = hearings.hearing_for(session, actor, hearing_id)
        return _detail(session, actor, hearing, case, _viewer_zone(session, actor, tz), lang)

    return respond(await request.app[DB].read(load))


async def get_invitation(request: web.Request) -> web.Response:
    """The caller's iCalendar invitation, in its language and time zone."""
    actor = actor_of(request)
    hearing_id = int_param(request, "hearing_id")
    settings = request.app[SETTINGS]
    lang = language(request)
    tz = request.query.get("tz")

    def load(session: Session) -> bytes:
        hearing, _ = hearings.hearing_for(session, actor, hearing_id)
        own = _own_row(session, hearing_id, actor)
        if own is not None:  # a detached copy: what is changed below is never stored
            row = HearingParticipant(**own.model_dump())
        else:  # staff who have not joined yet: an invitation all the same
            assert isinstance(actor, Staff)
            row = hearings.staff_row(session, hearing_id, actor.user_id)
        if isinstance(actor, Staff):
            row.language = lang
        if tz is not None or isinstance(actor, Staff):
            row.timezone = _viewer_zone(session, actor, tz)
        return invitations.ics(session, settings, hearing, row)

    body = await request.app[DB].read(load)
    return web.Response(
        body=body,
        content_type="text/calendar",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="hearing-{hearing_id}.ics"'},
    )


# Changing ---------------------------------------------------------------------------------


async def post_hearing(request: web.Request) -> web.Response:
    actor = actor_of(request)
    case_id = int_param(request, "case_id")
    data = await read_json(request, ScheduleIn)
    app = request.app
    hearing = await app[DB].write(
        hearings.schedule, app[AUDIT_KEY], actor, actor_ref(actor), case_id, data
    )
    assert hearing.id is not None
    sent = await _mail(request, hearing.id)
    return await _changed(request, hearing.id, [], sent, status=201)


async def patch_hearing(request: web.Request) -> web.Response:
    actor = actor_of(request)
    hearing_id = int_param(request, "hearing_id")
    data = await read_json(request, RescheduleIn)
    app = request.app
    _, changed = await app[DB].write(
        hearing_changes.reschedule, app[AUDIT_KEY], actor, actor_ref(actor), hearing_id, data
    )
    sent = await _mail(request, hearing_id) if changed else []
    return await _changed(request, hearing_id, changed, sent)


async def delete_hearing(request: web.Request) -> web.Response:
    """Cancel: the hearing stays on the record as cancelled; participants are mailed."""
    actor = actor_of(request)
    hearing_id = int_param(request, "hearing_id")
    app = request.app
    await app[DB].write(hearing_changes.cancel, app[AUDIT_KEY], actor, actor_ref(actor), hearing_id)
    sent = await _mail(request, hearing_id)
    return await _changed(request, hearing_id, ["cancelled"], sent)


async def post_participant(request: web.Request) -> web.Response:
    """Invite an interpreter or agent; a new person's personal code is in the answer, once."""
    actor = actor_of(request)
    hearing_id = int_param(request, "hearing_id")
    data = await read_json(request, InviteIn)
    app = request.app
    lang = language(request)
    invited = await app[DB].write(
        hearings.invite, app[AUDIT_KEY], actor, actor_ref(actor), hearing_id, data
    )
    row = invited.participant
    assert row.id is not None and invited.party.id is not None
    sent = await _mail(request, hearing_id, [row.id])
    code = (
        code_out(invited.code, invited.party.id, app[SETTINGS].public_url)
        if invited.code is not None
        else None
    )
    out = InvitedOut(
        participant=ParticipantOut.of(row, lang, True),
        code=code,
        mail=[MailOut.of(s, lang) for s in sent],
    )
    return respond(out, status=201)


async def put_participant_email(request: web.Request) -> web.Response:
    """Set where a participant's invitations go (staff; or a party for itself)."""
    actor = actor_of(request)
    hearing_id = int_param(request, "hearing_id")
    participant_id = int_param(request, "participant_id")
    data = await read_json(request, EmailIn)
    app = request.app
    row = await app[DB].write(
        hearing_changes.set_email,
        app[AUDIT_KEY],
        actor,
        actor_ref(actor),
        hearing_id,
        participant_id,
        data.email,
    )
    return respond(ParticipantOut.of(row, language(request), True))


# Helpers ----------------------------------------------------------------------------------


async def _mail(
    request: web.Request, hearing_id: int, only: Sequence[int] | None = None
) -> list[mail.Sent]:
    settings = request.app[SETTINGS]
    if not mail.configured(settings):
        return []
    letters = await request.app[DB].read(invitations.letters, settings, hearing_id, only)
    return await mail.send(settings, letters)


async def _changed(
    request: web.Request,
    hearing_id: int,
    changed: list[str],
    sent: list[mail.Sent],
    status: int = 200,
) -> web.Response:
    actor = actor_of(request)
    lang = language(request)
    tz = request.query.get("tz")

    def load(session: Session) -> HearingChanged:
        hearing, case = hearings.hearing_for(session, actor, hearing_id)
        detail = _detail(session, actor, hearing, case, _viewer_zone(session, actor, tz), lang)
        return HearingChanged(
            **detail.model_dump(), changed=changed, mail=[MailOut.of(s, lang) for s in sent]
        )

    return respond(await request.app[DB].read(load), status=status)


def _detail(
    session: Session, actor: Actor, hearing: Hearing, case: Case, zone_name: str, lang: str
) -> HearingOut:
    assert hearing.id is not None
    out = HearingOut.of(hearing, case, zone_name, lang)
    staff = isinstance(actor, Staff)
    mine = _own_row(session, hearing.id, actor)
    out.me = mine.id if mine is not None else None
    out.participants = [
        ParticipantOut.of(row, lang, staff or (mine is not None and row.id == mine.id))
        for row in hearings.participants_of(session, hearing.id)
    ]
    return out


def _own_row(session: Session, hearing_id: int, actor: Actor) -> HearingParticipant | None:
    for row in hearings.participants_of(session, hearing_id):
        if isinstance(actor, Staff) and row.user_id == actor.user_id:
            return row
        if isinstance(actor, PartyActor) and row.party_id == actor.party_id:
            return row
    if isinstance(actor, PartyActor):  # a party of the case, not yet a row: as it would be
        party = session.get(Party, actor.party_id)
        assert party is not None
        return hearings.party_row(hearing_id, party)
    return None


def _viewer_zone(session: Session, actor: Actor, tz: str | None) -> str:
    """``?tz=`` when given (checked), else the party's own zone, else the court's."""
    if tz is not None:
        zone(tz, field="tz")
        return tz
    if isinstance(actor, PartyActor):
        party = session.get(Party, actor.party_id)
        if party is not None and party.timezone:
            try:
                zone(party.timezone)
            except InvalidInput:
                return DEFAULT_ZONE
            return party.timezone
    return DEFAULT_ZONE


def _cases(session: Session, found: Sequence[Hearing]) -> dict[int, Case]:
    cases: dict[int, Case] = {}
    for hearing in found:
        if hearing.case_id not in cases:
            cases[hearing.case_id] = hearings.case_of(session, hearing)
    return cases


def _bound(request: web.Request, name: str, zone_name: str) -> datetime | None:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return None
    raw = re.sub(r" (\d\d:?\d\d)$", r"+\1", raw)  # an unencoded "+" in a query is a space
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("invalid_field", field=name, field_name=name) from None
    return resolve_start(when, zone_name, field=name)


def _limit(request: web.Request) -> int:
    raw = request.query.get("limit", "200")
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_LIST:
        raise InvalidInput("invalid_field", field="limit", field_name="limit")
    return int(raw)

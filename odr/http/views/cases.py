"""Cases: listing, viewing, history, transitions, assignment, parties and their codes."""

from __future__ import annotations

import json

from aiohttp import web
from sqlmodel import Session

from odr.domain import access
from odr.domain.case_state import CaseState
from odr.errors import InvalidInput
from odr.http.io import actor_of, actor_ref, int_param, query_int, read_json, respond
from odr.http.keys import AUDIT_KEY, DB, SETTINGS
from odr.http.views.out import (
    CaseList,
    CaseOut,
    CaseSummary,
    History,
    HistoryEntry,
    PartyOut,
    code_out,
)
from odr.services import audit, cases, codes
from odr.services.lookup import facts_of
from odr.services.schemas import MAX_ID, AddPartyIn, AssignIn, TransitionIn

MAX_CASES = 500  # in one answer; a larger ?limit= gives as many


async def list_cases(request: web.Request) -> web.Response:
    actor = actor_of(request)
    raw_state = request.query.get("state")
    try:
        state = CaseState(raw_state) if raw_state else None
    except ValueError:
        raise InvalidInput("invalid_field", field="state", field_name="state") from None
    limit = min(query_int(request, "limit", 100, 1, MAX_ID), MAX_CASES)
    offset = query_int(request, "offset", 0, 0, MAX_ID)  # past an int64 the database fails
    found = await request.app[DB].read(cases.list_cases, actor, state, limit, offset)
    return respond(CaseList(cases=[CaseSummary.of(c) for c in found]))


async def get_case(request: web.Request) -> web.Response:
    actor = actor_of(request)
    case_id = int_param(request, "case_id")

    def load(session: Session) -> CaseOut:
        case = cases.get_case(session, actor, case_id)
        micro = cases.microcourt_of(session, case)
        full = access.can_see_contact_details(actor, facts_of(case))
        parties = [PartyOut.of(p, full) for p in cases.parties_of(session, case_id)]
        summary = CaseSummary.of(case).model_dump()
        return CaseOut(
            **summary, microcourt=micro.name, claims=case.claims, facts=case.facts, parties=parties
        )

    return respond(await request.app[DB].read(load))


async def get_history(request: web.Request) -> web.Response:
    actor = actor_of(request)
    case_id = int_param(request, "case_id")

    def load(session: Session) -> History:
        case = cases.get_case(session, actor, case_id)
        full = access.can_see_contact_details(actor, facts_of(case))
        return History(
            entries=[
                HistoryEntry(
                    seq=e.seq,
                    time=e.created_at,
                    kind=e.kind,
                    actor=e.actor,
                    details=_details(json.loads(e.payload), full),
                )
                for e in audit.case_history(session, case_id)
            ]
        )

    return respond(await request.app[DB].read(load))


def _details(payload: dict[str, object], full: bool) -> dict[str, object]:
    """An entry's details; where someone connected from is for the court's staff only."""
    return payload if full else {k: v for k, v in payload.items() if k != "address"}


async def post_transition(request: web.Request) -> web.Response:
    actor = actor_of(request)
    case_id = int_param(request, "case_id")
    data = await read_json(request, TransitionIn)
    app = request.app
    case = await app[DB].write(
        cases.transition, app[AUDIT_KEY], actor, actor_ref(actor), case_id, data
    )
    return respond(CaseSummary.of(case))


async def post_assign(request: web.Request) -> web.Response:
    actor = actor_of(request)
    case_id = int_param(request, "case_id")
    data = await read_json(request, AssignIn)
    app = request.app
    case = await app[DB].write(
        cases.assign, app[AUDIT_KEY], actor, actor_ref(actor), case_id, data.mediator_id
    )
    return respond(CaseSummary.of(case))


async def post_party(request: web.Request) -> web.Response:
    actor = actor_of(request)
    case_id = int_param(request, "case_id")
    data = await read_json(request, AddPartyIn)
    app = request.app
    party = await app[DB].write(
        cases.add_party, app[AUDIT_KEY], actor, actor_ref(actor), case_id, data
    )
    return respond(PartyOut.of(party, True), status=201)


async def post_code(request: web.Request) -> web.Response:
    """Issue (or reissue) a party's personal code; the old one stops working."""
    actor = actor_of(request)
    party_id = int_param(request, "party_id")
    app = request.app
    code = await app[DB].write(codes.reissue, app[AUDIT_KEY], actor, actor_ref(actor), party_id)
    return respond(code_out(code, party_id, app[SETTINGS].public_url), status=201)


async def delete_code(request: web.Request) -> web.Response:
    actor = actor_of(request)
    party_id = int_param(request, "party_id")
    app = request.app
    await app[DB].write(codes.revoke, app[AUDIT_KEY], actor, actor_ref(actor), party_id)
    return web.Response(status=204)

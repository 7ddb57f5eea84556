"""What anyone may call: intake look-up, filing a case, redeeming a personal code."""

from __future__ import annotations

from aiohttp import web
from sqlmodel import Session, text

from odr.errors import NotFound
from odr.http.auth import set_session_cookie
from odr.http.io import client_address, read_json, respond
from odr.http.keys import AUDIT_KEY, CODE_LIMITER, DB, INTAKE_CACHE, SETTINGS
from odr.http.views.out import FiledOut, Health, SessionOut, code_out, intake_out
from odr.services import cases, codes, intake, sessions
from odr.services.schemas import FileCaseIn, SessionIn


async def get_intake(request: web.Request) -> web.Response:
    address = client_address(request)
    limiter = request.app[CODE_LIMITER]
    limiter.check(address)
    code = intake.canonical(request.match_info["intake_code"])
    cache = request.app[INTAKE_CACHE]
    found = cache.get(code) if code else None
    if found is None and code is not None:
        found = await request.app[DB].read(intake.look_up, code)
        if found is not None:
            cache.put(code, found)
    if found is None:
        limiter.fail(address)
        raise NotFound("intake_code_unknown", field="intake_code")
    return respond(intake_out(found))


async def post_case(request: web.Request) -> web.Response:
    data = await read_json(request, FileCaseIn)
    address = client_address(request)
    limiter = request.app[CODE_LIMITER]
    limiter.check(address)
    app = request.app
    try:
        filed = await app[DB].write(cases.file_case, app[AUDIT_KEY], data, address)
    except NotFound:
        limiter.fail(address)
        raise
    assert filed.case.id is not None and filed.applicant.id is not None
    out = FiledOut(
        case_id=filed.case.id,
        number=filed.case.number,
        state=filed.case.state,
        applicant=code_out(filed.code, filed.applicant.id, app[SETTINGS].public_url),
    )
    return respond(out, status=201)


async def post_session(request: web.Request) -> web.Response:
    """Exchange a personal code for a party session (cookie)."""
    data = await read_json(request, SessionIn)
    app = request.app
    address = client_address(request)
    limiter = app[CODE_LIMITER]
    limiter.check(address)

    def redeem(session: Session) -> tuple[int, int, str, str] | None:
        party = codes.redeem(session, app[AUDIT_KEY], data.code, address)
        if party is None or party.id is None:
            return None
        token, csrf = sessions.start(session, app[SETTINGS], party_id=party.id)
        return party.id, party.case_id, token, csrf

    found = await app[DB].write(redeem)
    if found is None:
        limiter.fail(address)
        raise NotFound("code_unknown", field="code")
    party_id, case_id, token, csrf = found
    response = respond(
        SessionOut(kind="party", csrf_token=csrf, case_id=case_id, party_id=party_id)
    )
    set_session_cookie(response, app[SETTINGS], token)
    return response


async def healthz(request: web.Request) -> web.Response:
    def ping(session: Session) -> None:
        session.exec(text("SELECT 1"))  # type: ignore[call-overload]

    await request.app[DB].read(ping)
    return respond(Health(status="ok", database="ok"))

"""Sessions: staff login and logout, and who the current session belongs to."""

from __future__ import annotations

import asyncio

from aiohttp import web
from pydantic import BaseModel
from sqlmodel import Session

from odr.domain.actors import PartyActor, Staff
from odr.errors import NotAuthenticated
from odr.http.auth import clear_session_cookie, session_token, set_session_cookie
from odr.http.io import actor_of, client_address, read_json, respond
from odr.http.keys import AUDIT_KEY, CODE_LIMITER, CSRF, DB, HASHER, SETTINGS
from odr.http.views.out import SessionOut
from odr.services import audit, courts, sessions
from odr.services.schemas import LoginIn
from odr.store.models import User


class LoggedOut(BaseModel):
    ok: bool


async def post_login(request: web.Request) -> web.Response:
    data = await read_json(request, LoginIn)
    app = request.app
    address = client_address(request)
    limiter = app[CODE_LIMITER]
    limiter.check(address)

    user = await app[DB].read(courts.find_user, data.username)
    if not await asyncio.to_thread(courts.password_matches, app[HASHER], user, data.password):
        limiter.fail(address)
        raise NotAuthenticated("login_failed", field="password")
    assert user is not None and user.id is not None
    user_id = user.id

    def start(session: Session) -> tuple[str, str]:
        audit.append(session, app[AUDIT_KEY], "staff.login", f"user:{user_id}", address=address)
        return sessions.start(session, app[SETTINGS], user_id=user_id)

    token, csrf = await app[DB].write(start)
    out = SessionOut(
        kind="staff", csrf_token=csrf, user_id=user.id, username=user.username, role=user.role
    )
    response = respond(out)
    set_session_cookie(response, app[SETTINGS], token)
    return response


async def post_logout(request: web.Request) -> web.Response:
    token = session_token(request)
    actor = actor_of(request)
    if token is not None and isinstance(actor, Staff | PartyActor):
        await request.app[DB].write(sessions.end, token)
    response = respond(LoggedOut(ok=True))
    clear_session_cookie(response, request.app[SETTINGS])
    return response


async def get_me(request: web.Request) -> web.Response:
    actor = actor_of(request)
    csrf = request.get(CSRF, "")
    if isinstance(actor, Staff):
        user = await request.app[DB].read(lambda s: s.get(User, actor.user_id))
        assert user is not None
        return respond(
            SessionOut(
                kind="staff",
                csrf_token=csrf,
                user_id=user.id,
                username=user.username,
                role=user.role,
            )
        )
    if isinstance(actor, PartyActor):
        return respond(
            SessionOut(
                kind="party", csrf_token=csrf, case_id=actor.case_id, party_id=actor.party_id
            )
        )
    raise NotAuthenticated

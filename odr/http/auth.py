"""Sessions on the web: the session cookie, CSRF tokens and the Origin check.

The cookie is ``__Host-`` prefixed, Secure, HttpOnly and SameSite=Strict. Every
state-changing request that rides on a session cookie must carry the session's CSRF token
in ``X-CSRF-Token``, and any request that names an Origin must name one of ours.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from odr.errors import Forbidden
from odr.http.keys import ACTOR, CSRF, DB, SETTINGS
from odr.services import sessions
from odr.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
# Entering a code or logging in starts a new session: the browser may still hold an older
# one (another tab, the last villager) whose token the page does not know. The Origin check
# and the SameSite=Strict cookie still guard these two.
STARTS_A_SESSION = frozenset({"/api/session", "/api/login"})


def cookie_name(settings: Settings) -> str:
    return "__Host-odr_session" if settings.secure_cookies else "odr_session"


def set_session_cookie(response: web.StreamResponse, settings: Settings, token: str) -> None:
    response.set_cookie(
        cookie_name(settings),
        token,
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="Strict",
    )


def clear_session_cookie(response: web.StreamResponse, settings: Settings) -> None:
    response.del_cookie(
        cookie_name(settings), path="/", secure=settings.secure_cookies, samesite="Strict"
    )


def session_token(request: web.Request) -> str | None:
    token = request.cookies.get(cookie_name(request.app[SETTINGS]))
    return token if token and len(token) <= 128 else None


@web.middleware
async def session_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    unsafe = request.method not in SAFE_METHODS
    origin = request.headers.get("Origin")
    if unsafe and origin is not None and origin not in settings.origins:
        raise Forbidden("origin_not_allowed")
    token = session_token(request) if request.path.startswith("/api/") else None
    if token is not None:
        db = request.app[DB]
        resolved = await db.read(sessions.resolve, settings, token)
        if resolved is not None:
            starts = request.path in STARTS_A_SESSION
            if unsafe and not starts and request.headers.get(CSRF_HEADER) != resolved.csrf_token:
                raise Forbidden("csrf_failed")
            request[ACTOR] = resolved.actor
            request[CSRF] = resolved.csrf_token
            if resolved.stale:
                await db.write(sessions.touch, resolved.session_id)
    return await handler(request)

"""Who is connecting: the HTTP session cookie of the socket's handshake, its Origin, its language.

The same rules as the web API (``odr.http.auth``, which signaling may not import): the
session cookie is ``__Host-odr_session`` (``odr_session`` when cookies are not Secure, in
development), and a handshake that names an Origin must name one of ours (browsers always
name it on WebSocket and cross-site requests; the cookie is SameSite=Strict besides).
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie
from typing import Any

from odr.i18n import pick_language
from odr.settings import Settings

MAX_TOKEN = 128


def cookie_name(settings: Settings) -> str:
    return "__Host-odr_session" if settings.secure_cookies else "odr_session"


def session_token(environ: dict[str, Any], settings: Settings) -> str | None:
    raw = environ.get("HTTP_COOKIE")
    if not isinstance(raw, str) or not raw:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except CookieError:
        return None
    morsel = jar.get(cookie_name(settings))
    if morsel is None or not morsel.value or len(morsel.value) > MAX_TOKEN:
        return None
    return morsel.value


def origin_allowed(environ: dict[str, Any], settings: Settings) -> bool:
    origin = environ.get("HTTP_ORIGIN")
    return origin is None or origin in settings.origins


def language(environ: dict[str, Any], auth: Any, default: str) -> str:
    asked = auth.get("lang") if isinstance(auth, dict) else None
    return pick_language(
        asked if isinstance(asked, str) and len(asked) <= 16 else None,
        environ.get("HTTP_ACCEPT_LANGUAGE"),
        default,
    )


def hearing_id_of(auth: Any) -> int | None:
    value = auth.get("hearing_id") if isinstance(auth, dict) else None
    if type(value) is not int or not 0 < value < 2**31:
        return None
    return value

"""The one place where errors become HTTP: ``{"error": {"code", "message", "field"?}}``.

Messages are translated into the request's language. Unexpected exceptions are logged and
answered with a plain 500 in the same shape, never with a traceback.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from odr.errors import OdrError, TooManyAttempts
from odr.http.keys import LANG, SETTINGS
from odr.i18n import pick_language, translate

log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
}


def language(request: web.Request) -> str:
    if LANG in request:
        return request[LANG]
    default = request.app[SETTINGS].default_language
    lang = pick_language(request.query.get("lang"), request.headers.get("Accept-Language"), default)
    request[LANG] = lang
    return lang


def error_response(
    request: web.Request,
    status: int,
    code: str,
    field: str | None = None,
    headers: dict[str, str] | None = None,
    **params: Any,
) -> web.Response:
    body: dict[str, Any] = {
        "code": code,
        "message": translate(f"error.{code}", language(request), **params),
    }
    if field is not None:
        body["field"] = field
    return web.json_response(
        text=json.dumps({"error": body}, ensure_ascii=False), status=status, headers=headers
    )


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except OdrError as exc:
        headers = (
            {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyAttempts) else None
        )
        return error_response(request, exc.status, exc.code, exc.field, headers, **exc.params)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = _HTTP_CODES.get(exc.status, "bad_request")
        headers = {k: v for k, v in exc.headers.items() if k in ("Allow", "Retry-After")}
        return error_response(request, exc.status, code, headers=headers)
    except Exception:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(request, 500, "internal")

"""The app factory: ``create_app(settings)`` builds the aiohttp application."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib.metadata import version
from pathlib import Path

from aiohttp import web

import signaling
from odr.http import keys
from odr.http.auth import session_middleware
from odr.http.errors import error_middleware
from odr.http.openapi import document
from odr.http.routes import setup_routes
from odr.services import courts
from odr.services.intake import IntakeCache
from odr.services.ratelimit import FailureLimiter
from odr.services.startup import open_store, sweep_temporaries
from odr.settings import Settings

log = logging.getLogger(__name__)

PAGES = {  # address -> page in web/
    "/": "index.html",
    "/kiosk": "kiosk.html",  # the village terminal
    "/party": "party.html",  # where a personal code's QR leads
    "/hearing": "hearing.html",  # every participant, hosts included
    "/console": "console.html",  # judges, mediators, clerks
    "/stats": "stats.html",
    "/verify": "verify.html",  # public; where a document's QR leads
}


def create_app(settings: Settings) -> web.Application:
    app = web.Application(
        middlewares=[error_middleware, session_middleware],
        client_max_size=settings.max_json_bytes,
    )
    app[keys.SETTINGS] = settings
    app[keys.HASHER] = courts.password_hasher(settings)
    app[keys.CODE_LIMITER] = FailureLimiter(
        settings.code_failures_per_address,
        settings.code_failures_window_seconds,
        settings.code_failures_global_per_hour,
    )
    app[keys.VERIFY_LIMITER] = FailureLimiter(
        settings.verify_per_address_per_minute, 60, settings.verify_global_per_hour
    )
    app[keys.OPENAPI] = json.dumps(document(version("weifating")), ensure_ascii=False).encode()
    app[keys.INTAKE_CACHE] = IntakeCache()
    app.cleanup_ctx.append(_store)
    setup_routes(app)
    # Hearings (issue 3): socket.io signaling on /socket.io/ (namespace /hearing) + media hub.
    signaling.attach(app, settings, lambda: (app[keys.DB], app[keys.AUDIT_KEY]))
    if settings.web_dir.is_dir():
        for path, page in PAGES.items():
            app.router.add_get(path, _page(settings.web_dir / page))
        app.router.add_static("/static", settings.web_dir, append_version=False)
    else:
        log.warning("no front end at %s (ODR_WEB_DIR): serving the API only", settings.web_dir)
    return app


async def _store(app: web.Application) -> AsyncIterator[None]:
    db, key = await asyncio.to_thread(open_store, app[keys.SETTINGS])
    await asyncio.to_thread(sweep_temporaries, app[keys.SETTINGS])
    app[keys.DB] = db
    app[keys.AUDIT_KEY] = key
    yield
    await asyncio.to_thread(db.close)


def _page(path: Path) -> Callable[[web.Request], Awaitable[web.FileResponse]]:
    """A handler serving one page of the front end."""

    async def serve(request: web.Request) -> web.FileResponse:
        return web.FileResponse(path)

    return serve

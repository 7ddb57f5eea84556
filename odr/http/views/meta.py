"""About the service itself: the OpenAPI document, the catalogue, the audit tree head."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import RootModel

from odr.errors import NotFound
from odr.http.io import respond
from odr.http.keys import AUDIT_KEY, DB, OPENAPI
from odr.http.views.out import TreeHead
from odr.i18n import LANGUAGES, catalogue
from odr.services import audit


class Catalogue(RootModel[dict[str, str]]):
    """Every message of a language, by key."""


class OpenApiDocument(RootModel[dict[str, Any]]):
    """An OpenAPI 3.1 document."""


async def get_openapi(request: web.Request) -> web.Response:
    return web.Response(body=request.app[OPENAPI], content_type="application/json")


async def get_catalogue(request: web.Request) -> web.Response:
    lang = request.match_info["lang"]
    if lang not in LANGUAGES:
        raise NotFound("language_not_found", field="lang")
    return web.json_response(catalogue(lang), headers={"Cache-Control": "max-age=300"})


async def get_tree_head(request: web.Request) -> web.Response:
    head = await request.app[DB].read(audit.tree_head)
    return respond(
        TreeHead(
            tree_size=head.size,
            root_hash=head.root,
            timestamp_ms=head.timestamp_ms,
            signature=head.signature,
            public_key_pem=request.app[AUDIT_KEY].public_pem(),
        )
    )

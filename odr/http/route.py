"""One row of the route table: the router and the OpenAPI document are both built from it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from pydantic import BaseModel

from odr.http.params import Query

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Handler
    summary: str
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    session: bool = False  # needs a staff or party session
    upload: bool = False
    binary: tuple[str, ...] = ()  # media types of a non-JSON response
    query: tuple[Query, ...] = ()


PDF = ("application/pdf",)

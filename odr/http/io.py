"""Reading requests and writing responses: JSON in through a model, JSON out from a model."""

from __future__ import annotations

import json
from typing import TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from odr.domain.actors import Actor, Anonymous, PartyActor, Staff
from odr.errors import InvalidInput, OdrError
from odr.http.keys import ACTOR, SETTINGS

M = TypeVar("M", bound=BaseModel)


async def read_json(request: web.Request, model: type[M]) -> M:
    """The body as ``model``; 4xx with the offending field for anything else."""
    if request.content_type != "application/json":
        raise OdrError("expected_json", status=415)
    raw = await request.read()  # bounded by the app's client_max_size (413 past it)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise OdrError("invalid_utf8") from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise OdrError("invalid_json") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        kind = first["type"]
        code = "missing_field" if kind == "missing" else "invalid_field"
        raise InvalidInput(code, field=field, field_name=field or "") from None


def respond(model: BaseModel, status: int = 200) -> web.Response:
    return web.json_response(text=model.model_dump_json(), status=status)


def int_param(request: web.Request, name: str) -> int:
    raw = request.match_info.get(name, "")
    if not raw.isdigit() or len(raw) > 12:
        raise InvalidInput("invalid_field", field=name, field_name=name)
    return int(raw)


def client_address(request: web.Request) -> str:
    if request.app[SETTINGS].trust_forwarded_for:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()[:64]
    return request.remote or "unknown"


def actor_of(request: web.Request) -> Actor:
    return request[ACTOR] if ACTOR in request else Anonymous()


def actor_ref(actor: Actor) -> str:
    if isinstance(actor, Staff):
        return f"user:{actor.user_id}"
    if isinstance(actor, PartyActor):
        return f"party:{actor.party_id}"
    return "anonymous"

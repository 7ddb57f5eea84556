"""Reading requests and writing responses: JSON in through a model, JSON out from a model."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from odr.domain.actors import Actor, Anonymous, PartyActor, Staff
from odr.errors import InvalidInput, OdrError
from odr.http.keys import ACTOR, SETTINGS
from odr.services.schemas import MAX_ID

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
    _walk(data, _check_text)  # before validation: refused keys are echoed back as fields
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        if field is None:  # not an object at all
            raise InvalidInput("invalid_input") from None
        code = "missing_field" if first["type"] == "missing" else "invalid_field"
        raise InvalidInput(code, field=field, field_name=field) from None


def _check_text(value: object) -> bool:
    """No NUL (PostgreSQL refuses it) and no lone surrogate (not encodable as UTF-8)."""
    if not isinstance(value, str) or (value.isascii() and "\x00" not in value):
        return True
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _walk(data: object, ok: Callable[[object], bool]) -> None:
    """Refuse the first value (or key) ``ok`` rejects, naming where it is; no recursion."""
    stack: list[tuple[object, str]] = [(data, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if not ok(key):
                    raise _refused(path)
                stack.append((item, f"{path}.{key}" if path else str(key)))
        elif isinstance(value, list):
            stack.extend((item, f"{path}.{i}" if path else str(i)) for i, item in enumerate(value))
        elif not ok(value):
            raise _refused(path)


def _refused(path: str) -> InvalidInput:
    if not path:
        return InvalidInput("invalid_input")
    return InvalidInput("invalid_field", field=path, field_name=path)


def respond(model: BaseModel, status: int = 200) -> web.Response:
    return web.json_response(text=model.model_dump_json(), status=status)


def int_param(request: web.Request, name: str) -> int:
    raw = request.match_info.get(name, "")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10 or int(raw) > MAX_ID:  # nor "²"
        raise InvalidInput("invalid_field", field=name, field_name=name)
    return int(raw)


def query_int(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    """``?name=`` as a whole number from ``low`` to ``high`` (``default`` when absent)."""
    raw = request.query.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10 or not low <= int(raw) <= high:
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

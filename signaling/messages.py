"""What clients may send on ``/hearing``: one strict pydantic model per event.

Unknown fields, wrong types (no coercion: ``"1"`` is not an id) and oversized values are
refused before any handler runs.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from odr.errors import InvalidInput

MAX_MESSAGE_BYTES = 64 * 1024  # refused with an error event; an SDP offer is ~10 KB
MAX_SDP = 48 * 1024
MAX_CHAT = 2000
MAX_PRIVATE = 20

Id = Annotated[int, Field(strict=True, gt=0, lt=2**31)]
Flag = Annotated[bool, Field(strict=True)]
M = TypeVar("M", bound="Payload")


def _storable(text: str) -> str:
    """No NUL (PostgreSQL refuses it) and no lone surrogate (not encodable as UTF-8)."""
    if "\x00" in text:
        raise ValueError("NUL")
    text.encode("utf-8")  # UnicodeEncodeError is a ValueError: pydantic reports the field
    return text


Text = Annotated[str, AfterValidator(_storable)]


def size_of(payload: object) -> int:
    """The JSON size of a decoded message, in bytes (binary parts count by their length)."""

    def binary(value: object) -> str:
        return "x" * len(value) if isinstance(value, bytes | bytearray) else "?"

    text = json.dumps(payload, ensure_ascii=False, default=binary)
    return len(text.encode("utf-8", "surrogatepass"))  # a lone surrogate is refused later


def parse(model: type[M], args: tuple[Any, ...]) -> M:
    """The event's arguments as ``model``: one object (or nothing), within the size limit.

    Anything else raises ``InvalidInput`` (``signal_too_large`` or ``signal_invalid_payload``
    naming the first offending field), never another exception.
    """
    if size_of(args) > MAX_MESSAGE_BYTES:
        raise InvalidInput("signal_too_large", field="payload", kib=MAX_MESSAGE_BYTES // 1024)
    if len(args) > 1:
        raise _invalid("payload")  # two arguments instead of one object
    data = args[0] if args else None
    if data is None:
        data = {}  # nothing, or an explicit null: an empty object
    if not isinstance(data, dict):
        raise _invalid("payload")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _invalid(".".join(str(p) for p in exc.errors()[0]["loc"]) or "payload") from None


def _invalid(where: str) -> InvalidInput:
    return InvalidInput("signal_invalid_payload", field=where[:40], field_name=where[:40])


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Empty(Payload):
    pass


class Offer(Payload):
    sdp: Annotated[Text, Field(min_length=1, max_length=MAX_SDP)]
    type: Literal["offer"]


class QualityIn(Payload):
    loss: Annotated[float, Field(ge=0, le=1)]
    rtt_ms: Annotated[float, Field(ge=0, le=60_000)]
    bitrate_kbps: Annotated[float, Field(ge=0, le=100_000)]


class Chat(Payload):
    text: Annotated[Text, Field(min_length=1, max_length=MAX_CHAT)]


class Hand(Payload):
    up: Flag


class Switch(Payload):
    on: Flag


class Target(Payload):
    participant_id: Id


class PrivateOpen(Payload):
    participant_ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_PRIVATE)]


class PrivateClose(Payload):
    room: Annotated[Text, Field(min_length=1, max_length=40)]


class VideoProfileIn(Payload):
    name: Literal["low", "standard"]

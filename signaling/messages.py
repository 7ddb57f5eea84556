"""What clients may send on ``/hearing``: one strict pydantic model per event.

Unknown fields, wrong types (no coercion: ``"1"`` is not an id) and oversized values are
refused before any handler runs.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_MESSAGE_BYTES = 64 * 1024  # refused with an error event; an SDP offer is ~10 KB
MAX_SDP = 48 * 1024
MAX_CHAT = 2000
MAX_PRIVATE = 20

Id = Annotated[int, Field(strict=True, gt=0, lt=2**31)]
Flag = Annotated[bool, Field(strict=True)]


def size_of(payload: object) -> int:
    """The JSON size of a decoded message, in bytes (binary parts count by their length)."""

    def binary(value: object) -> str:
        return "x" * len(value) if isinstance(value, bytes | bytearray) else "?"

    return len(json.dumps(payload, ensure_ascii=False, default=binary).encode("utf-8"))


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Empty(Payload):
    pass


class Offer(Payload):
    sdp: Annotated[str, Field(min_length=1, max_length=MAX_SDP)]
    type: Literal["offer"]


class QualityIn(Payload):
    loss: Annotated[float, Field(ge=0, le=1)]
    rtt_ms: Annotated[float, Field(ge=0, le=60_000)]
    bitrate_kbps: Annotated[float, Field(ge=0, le=100_000)]


class Chat(Payload):
    text: Annotated[str, Field(min_length=1, max_length=MAX_CHAT)]


class Hand(Payload):
    up: Flag


class Switch(Payload):
    on: Flag


class Target(Payload):
    participant_id: Id


class PrivateOpen(Payload):
    participant_ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_PRIVATE)]


class PrivateClose(Payload):
    room: Annotated[str, Field(min_length=1, max_length=40)]


class VideoProfileIn(Payload):
    name: Literal["low", "standard"]

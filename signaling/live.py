"""One hearing as this process holds it while people are connected: the room model, who is on
which socket, when each was last heard from, and the snapshot each one is sent as ``state``.

Kept in memory by the hearing's one owner process (with ``ODR_REDIS_URL``, the owner also keeps
a snapshot of the room in Redis: :mod:`signaling.room_store`); the hearing's state, chat,
recordings and host actions are written to the database as they happen.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from odr.domain.hearing import Member, Room
from signaling.throttle import TokenBucket

# Per connection: 10 messages a second sustained, bursts of 40 (a client sends a heartbeat
# every few seconds, a quality report every few seconds, and the odd chat line or action).
RATE_PER_SECOND = 10.0
BURST = 40.0
REFUSALS_PER_SECOND = 20.0
REFUSAL_BURST = 200.0


@dataclass(frozen=True)
class Entry:
    """A participant let in (its session and the hearing checked): what joining it needs, and
    what a process relays to the hearing's owner (JSON-able)."""

    hearing_id: int
    state: str
    case_id: int
    participant_id: int
    name: str
    role: str
    is_host: bool
    actor_ref: str
    lang: str
    session_id: int = 0  # the web session the socket rides on, kept alive by its heartbeats


@dataclass
class Connection:
    """One socket of one participant."""

    sid: str
    hearing_id: int
    participant_id: int
    actor_ref: str  # "user:3" or "party:12", for the audit log
    lang: str
    session_id: int = 0
    session_touched: float = 0.0  # monotonic time the session was last marked as in use
    bucket: TokenBucket = field(
        default_factory=lambda: TokenBucket(RATE_PER_SECOND, BURST), repr=False
    )
    # Refused messages: past this second bucket the connection is flooding and is closed.
    refusals: TokenBucket = field(
        default_factory=lambda: TokenBucket(REFUSALS_PER_SECOND, REFUSAL_BURST), repr=False
    )
    last_error_event: float = 0.0  # when a "rate_limited" error event was last sent


@dataclass
class LiveHearing:
    room: Room
    case_id: int
    sids: dict[int, str] = field(default_factory=dict)  # participant id -> current socket
    beats: dict[int, float] = field(default_factory=dict)  # participant id -> monotonic time
    lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)
    profile: str = "standard"
    recording_path: Path | None = None

    @property
    def hearing_id(self) -> int:
        return self.room.hearing_id

    def beat(self, participant_id: int) -> None:
        self.beats[participant_id] = time.monotonic()

    def silent(self, timeout: float, now: float) -> list[int]:
        """Connected participants not heard from for longer than ``timeout`` seconds."""
        return [pid for pid in self.sids if now - self.beats.get(pid, now) > timeout]


def member_view(member: Member, *, chair: int | None, with_quality: bool) -> dict[str, Any]:
    quality = None
    if with_quality and member.quality is not None:
        q = member.quality
        quality = {"loss": q.loss, "rtt_ms": q.rtt_ms, "bitrate_kbps": q.bitrate_kbps}
    return {
        "id": member.id,
        "name": member.name,
        "role": member.role,
        "is_host": member.is_host,
        "is_chair": member.id == chair,
        "room": member.room,
        "presence": member.presence.value,
        "muted": member.muted,
        "video_off": member.video_off,
        "hand": member.hand,
        "audio_only": member.audio_only,
        "quality": quality,
    }


def snapshot(
    live: LiveHearing,
    viewer_id: int,
    ice_servers: list[dict[str, Any]],
    heartbeat_seconds: int,
) -> dict[str, Any]:
    """The ``state`` event for one viewer: hosts see everyone's link quality, others their own."""
    room = live.room
    viewer = room.members[viewer_id]
    members = sorted(room.members.values(), key=lambda m: m.id)
    return {
        "hearing_id": room.hearing_id,
        "state": room.state.value,
        "recording": room.recording,
        "chair": room.chair,
        "profile": live.profile,
        "me": member_view(viewer, chair=room.chair, with_quality=True),
        "participants": [
            member_view(m, chair=room.chair, with_quality=viewer.is_host or m.id == viewer_id)
            for m in members
        ],
        "ice_servers": ice_servers,
        "heartbeat_seconds": heartbeat_seconds,
    }

"""The shared snapshot of a live hearing's room, so that another process can carry it on.

The owner writes it (JSON, one Redis key per hearing: ``odr:<db>:room:<hearing id>``) after
every change; a process that takes a hearing over restores the room from it: everyone where
they were (hearing room, private room, lobby), muted or not, video off or not, hosts and the
chair, all shown disconnected until their sockets come back. The hearing's state comes from
the database (it is written there as it changes); a record does not survive its process (the
process taking the hearing over registers the file it left as interrupted).
"""

from __future__ import annotations

import json
from typing import Any

import redis.asyncio as aioredis

from odr.domain.hearing import HearingState, Member, Room
from signaling.live import LiveHearing

VERSION = 1
MEMBER_FIELDS = ("id", "name", "role", "is_host", "room", "muted", "video_off", "hand")


def dump(live: LiveHearing) -> dict[str, Any]:
    room = live.room
    return {
        "v": VERSION,
        "hearing_id": room.hearing_id,
        "case_id": live.case_id,
        "state": room.state.value,
        "chair": room.chair,
        "recording": room.recording,
        "private_counter": room.private_counter,
        "profile": live.profile,
        "members": [
            {**{f: getattr(m, f) for f in MEMBER_FIELDS}, "audio_only": m.audio_only}
            for m in sorted(room.members.values(), key=lambda m: m.id)
        ],
    }


def restore(
    saved: dict[str, Any] | None, hearing_id: int, state: HearingState, case_id: int
) -> LiveHearing:
    """The live hearing from its snapshot (or a fresh one), in the database's ``state``."""
    room = Room(hearing_id, state=state)
    live = LiveHearing(room, case_id)
    if not saved or saved.get("v") != VERSION or saved.get("hearing_id") != hearing_id:
        return live
    for item in saved["members"]:
        member = Member(**{f: item[f] for f in MEMBER_FIELDS}, audio_only=item["audio_only"])
        room.members[member.id] = member  # connected=False: disconnected until it returns
    chair = saved.get("chair")
    room.chair = chair if chair in room.members else None
    room.private_counter = int(saved.get("private_counter", 0))
    live.profile = str(saved.get("profile", live.profile))
    return live


class RoomStore:
    def __init__(self, redis: aioredis.Redis, prefix: str) -> None:
        self.redis = redis
        self.prefix = prefix

    def key(self, hearing_id: int) -> str:
        return f"{self.prefix}room:{hearing_id}"

    async def save(self, live: LiveHearing) -> None:
        await self.redis.set(self.key(live.hearing_id), json.dumps(dump(live)))

    async def load(self, hearing_id: int) -> dict[str, Any] | None:
        raw = await self.redis.get(self.key(hearing_id))
        if not isinstance(raw, str):
            return None
        try:
            saved = json.loads(raw)
        except ValueError:
            return None
        return saved if isinstance(saved, dict) else None

    async def delete(self, hearing_id: int) -> None:
        await self.redis.delete(self.key(hearing_id))

"""What the JanusHub holds of one hearing and of each of its participants: the Janus handles
(the server holds all of them: the client only exchanges SDP through the signaling), where
each participant's voice is, and what its subscription carries."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from odr.domain.hearing import Allowed
from signaling.media.janus.client import JanusError, JanusHandle, JanusSession, Jsep
from signaling.media.janus.placement import RECORDED
from signaling.media.janus.rooms import VIDEOROOM, AudioBridge, VideoRoom


@dataclass
class JanusPeer:
    participant_id: int
    audio: JanusHandle | None = None  # in an AudioBridge room
    bridge: int | None = None  # the key of that room in JanusHearing.bridges
    muted: bool = True
    camera: JanusHandle | None = None  # a VideoRoom publisher
    camera_up: bool = False  # Janus has its media (webrtcup): it can be subscribed to
    viewer: JanusHandle | None = None  # its subscription to the others' cameras
    feed_of_mid: dict[str, int] = field(default_factory=dict)  # the subscription's mids
    sends: dict[str, bool] = field(default_factory=dict)  # mid -> Janus relays it
    offered: bool = False  # a subscription offer waits for the client's answer

    def slot_map(self) -> dict[str, int | None]:
        """mid of the subscription -> whose camera it shows now (None: not relayed)."""
        return {
            mid: feed if self.sends.get(mid) else None for mid, feed in self.feed_of_mid.items()
        }

    async def subscribe(self, session: JanusSession, room: VideoRoom, feeds: list[int]) -> Jsep:
        """A new subscription to `feeds` (replacing the earlier one): Janus's offer."""
        await self.close_viewer()
        self.viewer = await session.attach(VIDEOROOM)
        offer, streams = await room.subscribe(self.viewer, feeds)
        self.feed_of_mid = {str(s["mid"]): int(s["feed_id"]) for s in streams if "feed_id" in s}
        self.sends = dict.fromkeys(self.feed_of_mid, True)  # Janus relays a new one at first
        return offer

    async def close_audio(self) -> None:
        await _detach(self.audio)
        self.audio = None
        self.bridge, self.muted = None, True

    async def close_camera(self) -> None:
        await _detach(self.camera)
        self.camera = None
        self.camera_up = False

    async def close_viewer(self) -> None:
        await _detach(self.viewer)
        self.viewer = None
        self.feed_of_mid, self.sends, self.offered = {}, {}, False

    async def close(self) -> None:
        await self.close_audio()
        await self.close_camera()
        await self.close_viewer()


async def _detach(handle: JanusHandle | None) -> None:
    if handle is not None:
        with contextlib.suppress(JanusError, OSError):
            await handle.hangup()
            await handle.detach()


@dataclass
class JanusHearing:
    hearing_id: int
    room: VideoRoom | None = None
    audio_control: JanusHandle | None = None
    bridges: dict[int, AudioBridge] = field(default_factory=dict)  # RECORDED: the hearing room
    peers: dict[int, JanusPeer] = field(default_factory=dict)
    routing: dict[int, Allowed] = field(default_factory=dict)
    record_sources: frozenset[int] = frozenset()
    record: Path | None = None
    record_started: datetime | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    dirty: bool = False
    reconciling: asyncio.Task[None] | None = None
    _keys: itertools.count[int] = field(default_factory=lambda: itertools.count(RECORDED + 1))

    def next_key(self) -> int:
        return next(self._keys)

"""Synthetic participants on Janus: real aiortc peer connections driven through the client in
signaling.media.janus, sending the tone and test picture of signaling.media.synthetic.

A participant has three peer connections, as a browser on Janus would: its voice to the
AudioBridge (sendrecv: it gets back the mix of the others), its camera to the VideoRoom
(sendonly), and one subscription to the others' cameras (recvonly, offered by Janus, one m-line
per feed: the stream list says which mid carries which feed).
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCPeerConnection,
    RTCSessionDescription,
)
from janus_proc import JanusProcess

from signaling.media.janus import (
    AUDIOBRIDGE,
    VIDEOROOM,
    AudioBridge,
    JanusHandle,
    JanusSession,
    Jsep,
    VideoRoom,
)
from signaling.media.peer import codecs_for
from signaling.media.synthetic import (
    PatternTrack,
    ReceivedMedia,
    ToneTrack,
    tone_hz,
)

IDS = (1, 2, 3)
HEARD = 400.0  # tone amplitude (of 3000 sent) above which a participant counts as heard
SILENT = 150.0  # below: not heard; in between: unclear (the test fails, showing the levels)


def peer_connection() -> RTCPeerConnection:
    return RTCPeerConnection(RTCConfiguration(iceServers=[]))


def _jsep(pc: RTCPeerConnection) -> Jsep:
    return Jsep(type=pc.localDescription.type, sdp=pc.localDescription.sdp)


async def _offer(pc: RTCPeerConnection, track: MediaStreamTrack, direction: str) -> Jsep:
    transceiver = pc.addTransceiver(track, direction=direction)
    transceiver.setCodecPreferences(codecs_for(track.kind))
    await pc.setLocalDescription(await pc.createOffer())
    return _jsep(pc)


async def _accept(pc: RTCPeerConnection, jsep: Jsep) -> None:
    await pc.setRemoteDescription(RTCSessionDescription(sdp=jsep["sdp"], type=jsep["type"]))


@dataclass
class JanusParticipant:
    """One synthetic participant: its handles on `session` and its three peer connections."""

    participant_id: int
    session: JanusSession
    audio_pc: RTCPeerConnection = field(default_factory=peer_connection)
    publish_pc: RTCPeerConnection = field(default_factory=peer_connection)
    subscribe_pc: RTCPeerConnection = field(default_factory=peer_connection)
    handles: dict[str, JanusHandle] = field(default_factory=dict)
    feed_of_mid: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.heard = ReceivedMedia(self.audio_pc)  # the mix this participant gets
        self.seen = ReceivedMedia(self.subscribe_pc)  # the others' cameras

    async def join_audio(self, bridge: AudioBridge, *, muted: bool = False) -> None:
        handle = self.handles["audio"] = await self.session.attach(AUDIOBRIDGE)
        offer = await _offer(self.audio_pc, ToneTrack(tone_hz(self.participant_id)), "sendrecv")
        answer = await bridge.join(handle, self.participant_id, offer, muted=muted)
        await _accept(self.audio_pc, answer)

    async def publish(self, room: VideoRoom) -> None:
        handle = self.handles["publish"] = await self.session.attach(VIDEOROOM)
        offer = await _offer(self.publish_pc, PatternTrack(self.participant_id), "sendonly")
        await _accept(self.publish_pc, await room.publish(handle, self.participant_id, offer))
        await handle.next_event("webrtcup")  # a feed can be subscribed to once it is up

    async def subscribe(self, room: VideoRoom, feeds: Sequence[int]) -> None:
        handle = self.handles["subscribe"] = await self.session.attach(VIDEOROOM)
        offer, streams = await room.subscribe(handle, feeds)
        self.feed_of_mid = {str(s["mid"]): int(s["feed_id"]) for s in streams if "feed_id" in s}
        await _accept(self.subscribe_pc, offer)
        await self.subscribe_pc.setLocalDescription(await self.subscribe_pc.createAnswer())
        await room.start(handle, _jsep(self.subscribe_pc))

    def mid_of(self, feed: int) -> str:
        return next(mid for mid, of in self.feed_of_mid.items() if of == feed)

    async def show(self, room: VideoRoom, feeds: Mapping[int, bool]) -> None:
        """Have Janus relay (True) or stop relaying (False) these feeds to this participant."""
        sends = {self.mid_of(feed): send for feed, send in feeds.items()}
        await room.relay(self.handles["subscribe"], sends)

    def frames_by_feed(self) -> dict[int, int]:
        """Video frames received so far from each subscribed feed."""
        return {
            feed: self.seen.video[mid].frames if mid in self.seen.video else 0
            for mid, feed in self.feed_of_mid.items()
        }

    async def move_audio(self, source: AudioBridge, target: AudioBridge) -> None:
        await source.move(self.handles["audio"], self.participant_id, target)

    def tone_levels(self, ids: Sequence[int], seconds: float = 1.0) -> dict[int, float]:
        return {pid: self.heard.tone_level(tone_hz(pid), seconds) for pid in ids}

    def heard_ids(self, ids: Sequence[int]) -> set[int]:
        """Whose tones are in this participant's mix; an AssertionError if one is unclear."""
        levels = self.tone_levels(ids)
        unclear = {pid: level for pid, level in levels.items() if SILENT <= level <= HEARD}
        assert not unclear, f"{self.participant_id} hears {levels}"
        return {pid for pid, level in levels.items() if level > HEARD}

    def seen_ids(self, min_frames: int = 3) -> set[int]:
        """Whose pictures arrived, each checked to be in the mid Janus announced for its feed."""
        seen: set[int] = set()
        for mid, sources in self.seen.slot_sources(min_frames).items():
            feed = self.feed_of_mid[mid]
            assert sources == {feed % 8}, (self.participant_id, mid, feed, sources)
            seen.add(feed)
        return seen

    async def close(self) -> None:
        await self.heard.stop()
        await self.seen.stop()
        for pc in (self.audio_pc, self.publish_pc, self.subscribe_pc):
            await pc.close()


async def settle(condition: Callable[[], bool], within: float = 15.0) -> None:
    """Wait until `condition()` holds, at most `within` seconds (media takes a moment to start
    or to change); the assertions after it say what must hold."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return
        await asyncio.sleep(0.2)


_rooms = itertools.count(101)


def next_room() -> int:
    """A room number not used yet by this test run (VideoRoom and AudioBridge alike)."""
    return next(_rooms)


@dataclass
class Hearing:
    """A hearing on Janus: its rooms, its participants (by id), the server's session."""

    janus: JanusProcess
    session: JanusSession
    room: VideoRoom
    bridge: AudioBridge
    people: dict[int, JanusParticipant]

    async def new_bridge(self) -> AudioBridge:
        """Another AudioBridge room (a private room), not recorded."""
        return await AudioBridge.create(
            self.bridge.control,
            next_room(),
            secret=secrets.token_urlsafe(8),
            admin_key=self.janus.admin_key,
        )

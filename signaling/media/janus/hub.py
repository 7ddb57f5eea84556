"""JanusHub: the hearing's media on Janus (``ODR_MEDIA_BACKEND=janus``), with the methods the
namespace calls on the embedded `MediaHub`, plus the Janus offers (docs/protocol.md).

Per hearing: one VideoRoom (each participant publishes its camera; each one's subscription to
the others' cameras is offered by Janus and answered by the client), one recorded AudioBridge
room (the hearing room's mix, recorded to .wav while the record runs) and one AudioBridge room
per other group (a private room, each lobby member: `placement`). `set_routing` only stores the
routing; a reconcile task per hearing carries it out (moves, mutes, which cameras Janus relays
to whom, new subscription offers when cameras come and go), one pass at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

from odr.domain.hearing import Allowed
from odr.errors import Conflict, InvalidInput
from signaling.media.janus.client import JanusError, JanusSession, Jsep
from signaling.media.janus.orphans import Busy, RoomNames, sweep
from signaling.media.janus.placement import RECORDED, PlacementError, assign, groups, muted
from signaling.media.janus.record import RecordError, finish_record, wait_closed
from signaling.media.janus.rooms import AUDIOBRIDGE, VIDEOROOM, AudioBridge, VideoRoom
from signaling.media.janus.state import JanusHearing, JanusPeer
from signaling.media.profile import VideoProfile
from signaling.media.recorder import RecordingResult
from signaling.tasks import Tasks

log = logging.getLogger(__name__)

SlotsCallback = Callable[[int, int, dict[str, int | None]], Awaitable[None]]
OfferCallback = Callable[[int, int, dict[str, Any]], Awaitable[None]]


def _room_id() -> int:
    return secrets.randbits(48) + 1  # Janus rooms are global: random ids do not collide


class JanusHub:
    def __init__(
        self,
        url: str,
        *,
        api_secret: str | None,
        admin_key: str | None,
        profile: VideoProfile,
        owner: str = "odr",
        on_slots: SlotsCallback | None = None,
        on_offer: OfferCallback | None = None,
    ) -> None:
        self.url = url
        self._api_secret = api_secret
        self._admin_key = admin_key
        self._names = RoomNames.of(owner, api_secret, admin_key)  # how its rooms are named
        self._profile = profile
        self.on_slots = on_slots
        self.on_offer = on_offer
        self._http: aiohttp.ClientSession | None = None
        self._session: JanusSession | None = None
        self._session_lock = asyncio.Lock()
        self._hearings: dict[int, JanusHearing] = {}
        self._tasks = Tasks("janus hub")

    # --- Janus ---------------------------------------------------------------------------

    async def _janus(self) -> JanusSession:
        async with self._session_lock:
            if self._session is None:
                if self._http is None:
                    self._http = aiohttp.ClientSession()
                self._session = await JanusSession.create(
                    self._http, self.url, api_secret=self._api_secret
                )
            return self._session

    async def _hearing(self, hearing_id: int) -> JanusHearing:
        hearing = self._hearings.get(hearing_id)
        if hearing is not None:
            await hearing.ready.wait()
            return hearing
        hearing = self._hearings[hearing_id] = JanusHearing(hearing_id)
        try:
            session = await self._janus()
            video_control = await session.attach(VIDEOROOM)
            hearing.audio_control = await session.attach(AUDIOBRIDGE)
            room = _room_id()
            hearing.room = await VideoRoom.create(
                video_control, room, secret=self._names.secret(room), admin_key=self._admin_key,
                description=self._names.description(hearing_id),
            )  # fmt: skip
            hearing.bridges[RECORDED] = await self._new_bridge(hearing)
        except BaseException:
            self._hearings.pop(hearing_id, None)
            raise
        finally:
            hearing.ready.set()
        return hearing

    async def _new_bridge(self, hearing: JanusHearing) -> AudioBridge:
        assert hearing.audio_control is not None
        room = _room_id()
        return await AudioBridge.create(
            hearing.audio_control, room, secret=self._names.secret(room),
            admin_key=self._admin_key, sampling_rate=48000,
            description=self._names.description(hearing.hearing_id),
        )  # fmt: skip

    # --- the client's offers and answers ---------------------------------------------------

    async def connect(
        self, hearing_id: int, participant_id: int, sdp: str, type: str
    ) -> tuple[str, str]:
        """The embedded layout's one offer: not for Janus (the client sends `offer_media`)."""
        raise InvalidInput("signal_media_failed", field="sdp")

    async def offer_media(
        self, hearing_id: int, participant_id: int, kind: str, sdp: str
    ) -> tuple[str, str]:
        """The client's offer of its voice (`kind` "audio": joins an AudioBridge room, muted
        until the routing places it) or of its camera ("camera": published in the VideoRoom)
        -> Janus's answer. Replaces that participant's earlier one."""
        hearing = await self._hearing(hearing_id)
        session = await self._janus()
        offer = Jsep(type="offer", sdp=sdp)
        try:
            async with hearing.lock:
                peer = hearing.peers.setdefault(participant_id, JanusPeer(participant_id))
                if kind == "audio":
                    await peer.close_audio()
                    peer.audio = await session.attach(AUDIOBRIDGE)
                    key = hearing.next_key()  # a room of its own until the routing places it
                    home = hearing.bridges[key] = await self._new_bridge(hearing)
                    answer = await home.join(peer.audio, participant_id, offer, muted=True)
                    peer.bridge, peer.muted = key, True
                else:
                    await peer.close_camera()
                    peer.camera = await session.attach(VIDEOROOM)
                    assert hearing.room is not None
                    answer = await hearing.room.publish(peer.camera, participant_id, offer)
                    self._tasks.spawn(self._camera_up(hearing, peer, peer.camera))
        except JanusError as error:
            log.info("janus refused the %s offer of %s: %s", kind, participant_id, error)
            raise InvalidInput("signal_media_failed", field="sdp") from error
        self._reconcile(hearing)
        return answer["sdp"], answer["type"]

    async def answer_media(self, hearing_id: int, participant_id: int, sdp: str) -> None:
        """The client's answer to Janus's subscription offer."""
        hearing = self._hearings.get(hearing_id)
        peer = hearing.peers.get(participant_id) if hearing else None
        if hearing is None or peer is None or peer.viewer is None or not peer.offered:
            raise Conflict("signal_media_failed")
        assert hearing.room is not None
        try:
            await hearing.room.start(peer.viewer, Jsep(type="answer", sdp=sdp))
        except JanusError as error:
            raise InvalidInput("signal_media_failed", field="sdp") from error
        peer.offered = False
        self._reconcile(hearing)

    async def _camera_up(self, hearing: JanusHearing, peer: JanusPeer, handle: Any) -> None:
        with contextlib.suppress(TimeoutError):
            await handle.next_event("webrtcup", within=30.0)
            if peer.camera is handle:
                peer.camera_up = True
                self._reconcile(hearing)

    # --- what the namespace calls ------------------------------------------------------------

    def set_routing(
        self,
        hearing_id: int,
        routing: Mapping[int, Allowed],
        record_sources: frozenset[int] = frozenset(),
    ) -> None:
        hearing = self._hearings.get(hearing_id)
        if hearing is None:
            return  # nobody has offered media yet: the first offer reconciles
        hearing.routing = dict(routing)
        hearing.record_sources = frozenset(record_sources)
        self._reconcile(hearing)

    def set_audio_only(self, hearing_id: int, participant_id: int, on: bool) -> None:
        """Nothing to do: the routing sends an audio-only member no camera and shows none of it."""

    @property
    def default_profile(self) -> VideoProfile:
        return self._profile

    def set_profile(self, hearing_id: int, profile: VideoProfile) -> None:
        """Nothing to do: Janus forwards each camera as its sender encodes it."""

    def slots(self, hearing_id: int, participant_id: int) -> dict[str, int | None]:
        hearing = self._hearings.get(hearing_id)
        peer = hearing.peers.get(participant_id) if hearing else None
        return peer.slot_map() if peer else {}

    async def disconnect(self, hearing_id: int, participant_id: int) -> None:
        hearing = self._hearings.get(hearing_id)
        if hearing is None:
            return
        async with hearing.lock:
            peer = hearing.peers.pop(participant_id, None)
            if peer is not None:
                await peer.close()
        self._reconcile(hearing)

    async def start_recording(self, hearing_id: int, path: Path, video: bool = False) -> None:
        """Record the hearing room's mix (the recorded AudioBridge room) into ``path`` made
        ``.wav``; Janus writes it, so Janus must see this folder as the server does."""
        hearing = await self._hearing(hearing_id)
        if hearing.record is not None:
            raise Conflict("room_recording_on")
        target = path.with_suffix(".wav")
        target.parent.mkdir(parents=True, exist_ok=True)
        await hearing.bridges[RECORDED].record(target)
        hearing.record = target
        hearing.record_started = datetime.now(UTC)

    async def stop_recording(self, hearing_id: int) -> RecordingResult:
        hearing = self._hearings.get(hearing_id)
        if hearing is None or hearing.record is None:
            raise Conflict("room_recording_off")
        return await self._finish_recording(hearing)

    async def close_hearing(self, hearing_id: int) -> None:
        hearing = self._hearings.pop(hearing_id, None)
        if hearing is None:
            return
        if hearing.record is not None:
            result = await self._finish_recording(hearing)
            log.warning("hearing %s closed while recording: %s kept", hearing_id, result.path)
        async with hearing.lock:
            for peer in list(hearing.peers.values()):
                await peer.close()
            hearing.peers.clear()
            for made in [hearing.room, *hearing.bridges.values()]:
                if made is not None:
                    with contextlib.suppress(JanusError):
                        await made.destroy()

    async def _finish_recording(self, hearing: JanusHearing) -> RecordingResult:
        assert hearing.record is not None
        target, hearing.record = hearing.record, None
        await hearing.bridges[RECORDED].record(None)
        return await finish_record(target, hearing.record_started, datetime.now(UTC))

    async def sweep(
        self, recordings: Path, busy: Busy | None = None, hearing_id: int | None = None
    ) -> None:
        """Destroy the rooms dead processes left in Janus (of `hearing_id` only, when given;
        not those of hearings `busy` says a live process owns), and wait until Janus has
        closed their records in `recordings` (docs/scale-out.md)."""
        try:
            session = await self._janus()
            controls = [await session.attach(VIDEOROOM), await session.attach(AUDIOBRIDGE)]
            keep = {
                made.room
                for hearing in self._hearings.values()
                for made in [hearing.room, *hearing.bridges.values()]
                if made is not None
            }
            try:
                swept = await sweep(controls, self._names, self._admin_key, keep, busy, hearing_id)
            finally:
                for control in controls:
                    await control.detach()
            for hearing in swept:
                await wait_closed(recordings, f"hearing-{hearing}-")
        except (JanusError, RecordError, aiohttp.ClientError, OSError, TimeoutError) as error:
            log.warning("janus rooms left by dead processes not swept: %s", error)

    async def close(self) -> None:
        await self._tasks.cancel_all()
        for hearing_id in list(self._hearings):
            with contextlib.suppress(Exception):
                await self.close_hearing(hearing_id)
        if self._session is not None:
            await self._session.destroy()
        if self._http is not None:
            await self._http.close()

    # --- carrying out the routing ------------------------------------------------------------

    def _reconcile(self, hearing: JanusHearing) -> None:
        hearing.dirty = True
        if hearing.reconciling is None or hearing.reconciling.done():
            hearing.reconciling = self._tasks.spawn(self._reconcile_loop(hearing))

    async def _reconcile_loop(self, hearing: JanusHearing) -> None:
        while hearing.dirty and self._hearings.get(hearing.hearing_id) is hearing:
            hearing.dirty = False
            try:
                async with hearing.lock:
                    changed = await self._place_audio(hearing)
                    changed |= await self._relay_video(hearing)
            except (JanusError, PlacementError, TimeoutError):
                log.exception("hearing %s: janus refused the routing", hearing.hearing_id)
                continue
            for pid in changed:
                peer = hearing.peers.get(pid)
                if peer is not None and self.on_slots is not None:
                    await self.on_slots(hearing.hearing_id, pid, peer.slot_map())

    async def _place_audio(self, hearing: JanusHearing) -> set[int]:
        joined = {pid: p for pid, p in hearing.peers.items() if p.audio is not None}
        routing = {pid: _among(hearing.routing.get(pid, Allowed()), joined) for pid in joined}
        current = {pid: p.bridge for pid, p in joined.items() if p.bridge is not None}
        found = groups(routing)
        sources = hearing.record_sources & joined.keys()
        silenced = muted(found, sources)
        placed = assign(found, sources, current, hearing.next_key)
        for pid, key in sorted(placed.items()):
            peer = joined[pid]
            if key not in hearing.bridges:
                hearing.bridges[key] = await self._new_bridge(hearing)
            assert peer.audio is not None and peer.bridge is not None
            if key != peer.bridge:
                here = hearing.bridges[peer.bridge]
                await here.move(peer.audio, pid, hearing.bridges[key], muted=pid in silenced)
                peer.bridge, peer.muted = key, pid in silenced
            elif peer.muted != (pid in silenced):
                bridge = hearing.bridges[key]
                await (bridge.mute(pid) if pid in silenced else bridge.unmute(pid))
                peer.muted = pid in silenced
        used = {p.bridge for p in hearing.peers.values()} | {RECORDED}
        for key in [k for k in hearing.bridges if k not in used]:
            with contextlib.suppress(JanusError):
                await hearing.bridges.pop(key).destroy()
        return set()

    async def _relay_video(self, hearing: JanusHearing) -> set[int]:
        """Subscriptions to the cameras that are up, then which of them Janus relays to whom."""
        assert hearing.room is not None
        session = await self._janus()
        up = {pid for pid, p in hearing.peers.items() if p.camera_up}
        changed: set[int] = set()
        for pid, peer in hearing.peers.items():
            if peer.offered:
                continue  # its answer first
            wanted = up - {pid}
            if wanted != set(peer.feed_of_mid.values()):
                if not wanted:
                    await peer.close_viewer()
                    changed.add(pid)
                    continue
                offer = await peer.subscribe(session, hearing.room, sorted(wanted))
                await self._relay(hearing, peer)  # before the client can receive anything
                peer.offered = True
                if self.on_offer is not None:
                    data = {**offer, "streams": dict(peer.feed_of_mid)}
                    await self.on_offer(hearing.hearing_id, pid, data)
                changed.add(pid)
            elif await self._relay(hearing, peer):
                changed.add(pid)
        return changed

    async def _relay(self, hearing: JanusHearing, peer: JanusPeer) -> bool:
        """Relay to `peer` exactly the cameras the routing lets it see; True if that changed."""
        if peer.viewer is None or hearing.room is None:
            return False
        see = hearing.routing.get(peer.participant_id, Allowed()).see
        sends = {mid: feed in see for mid, feed in peer.feed_of_mid.items()}
        delta = {mid: on for mid, on in sends.items() if peer.sends.get(mid) != on}
        if not delta:
            return False
        await hearing.room.relay(peer.viewer, delta)
        peer.sends.update(delta)
        return True


def _among(allowed: Allowed, present: Mapping[int, Any]) -> Allowed:
    """What `allowed` lets one hear and see of the participants `present` in Janus."""
    return Allowed(allowed.hear & present.keys(), allowed.see & present.keys())

"""MediaHub: the server's star media hub (aiortc). One peer connection per participant; the
server decides what each receives (`set_routing`) and enforces it at once.

- Video: each camera is decoded once, scaled once to the hearing's profile and encoded ONCE
  (VP8); each receiver has six fixed video slots showing the encoded pictures of the cameras it
  may see (forward.py). Audio-only receivers get no video.
- Audio: one clock every 20 ms mixes, per receiver, everything it may hear except itself
  (mix-minus), encoded as mono Opus (mixer.py).
- Record: the hearing room's mix (the voices of `record_sources`) as Opus in .ogg, optionally
  with a VP8 grid of the cameras the hearing room sees, in .webm (recorder.py).

Offer layout (fixed, no renegotiation): m-line 0 audio sendrecv (uplink voice / this receiver's
mix), m-line 1 video sendrecv (camera / slot 1), m-lines 2..6 video recvonly (slots 2..6).
Codecs: Opus and VP8 only. Client peers made with aiortc need `bundlePolicy=MAX_BUNDLE`
(see synthetic.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path

import aiortc

from odr.domain.hearing import Allowed
from odr.errors import Conflict, InvalidInput
from signaling.media.hearing import HearingMedia
from signaling.media.peer import OfferError, Peer
from signaling.media.profile import VideoProfile
from signaling.media.recorder import Recorder, RecordingResult
from signaling.tasks import Tasks

log = logging.getLogger(__name__)

SlotsCallback = Callable[[int, int, dict[str, int | None]], Awaitable[None]]


class MediaHub:
    def __init__(
        self,
        *,
        ice_servers: list[aiortc.RTCIceServer],
        profile: VideoProfile,
        on_slots: SlotsCallback | None = None,
    ) -> None:
        self._ice_servers = list(ice_servers)
        self._profile = profile
        self._on_slots = on_slots
        self._hearings: dict[int, HearingMedia] = {}
        self._locks: dict[tuple[int, int], asyncio.Lock] = {}
        self._tasks = Tasks("media hub")

    def _hearing(self, hearing_id: int) -> HearingMedia:
        if hearing_id not in self._hearings:
            self._hearings[hearing_id] = HearingMedia(hearing_id, self._profile)
        return self._hearings[hearing_id]

    async def connect(
        self, hearing_id: int, participant_id: int, sdp: str, type: str
    ) -> tuple[str, str]:
        """The client's offer -> the hub's answer. Replaces (closes) any earlier peer connection
        of this participant. Bad offers raise InvalidInput("signal_media_failed")."""
        lock = self._locks.setdefault((hearing_id, participant_id), asyncio.Lock())
        async with lock:
            hearing = self._hearing(hearing_id)
            old = hearing.peers.pop(participant_id, None)
            if old is not None:
                hearing.mixer.remove(participant_id)
                await old.close()
            peer = Peer(
                participant_id,
                self._ice_servers,
                voice=hearing.mixer.add_source(participant_id),
                camera=hearing.camera(participant_id),
                profile=lambda: hearing.profile,
                wanted=lambda: hearing.camera_wanted(participant_id),
                on_camera=lambda: self._notify(hearing, hearing.apply()),
            )
            try:
                answer = await peer.answer(sdp, type)
            except BaseException as error:
                hearing.mixer.remove(participant_id)
                await peer.close()
                self._notify(hearing, hearing.apply())
                if not isinstance(error, OfferError):
                    raise
                log.info("offer of %s/%s refused: %s", hearing_id, participant_id, error)
                raise InvalidInput("signal_media_failed", field="sdp") from error
            hearing.peers[participant_id] = peer
            hearing.mixer.receivers[participant_id] = peer.mix
            hearing.mixer.start()
            peer.pc.on("connectionstatechange", lambda: self._watch(hearing, peer))
            changed = hearing.apply()
            changed.setdefault(participant_id, peer.slot_map())  # a new peer always hears its map
            self._notify(hearing, changed)
            return answer.sdp, answer.type

    def _watch(self, hearing: HearingMedia, peer: Peer) -> None:
        if peer.pc.connectionState == "failed" and hearing.peers.get(peer.participant_id) is peer:
            self._tasks.spawn(self.disconnect(hearing.hearing_id, peer.participant_id))

    def slots(self, hearing_id: int, participant_id: int) -> dict[str, int | None]:
        """mid -> participant id shown in that video slot (None: empty)."""
        hearing = self._hearings.get(hearing_id)
        peer = hearing.peers.get(participant_id) if hearing else None
        return peer.slot_map() if peer else {}

    def set_routing(
        self,
        hearing_id: int,
        routing: Mapping[int, Allowed],
        record_sources: frozenset[int] = frozenset(),
    ) -> None:
        """Enforce who hears and sees whom, at once (next 20 ms tick for audio). Participants
        missing from `routing` receive nothing. `record_sources`: whose voice goes into the
        record (the hearing room's members not muted)."""
        hearing = self._hearing(hearing_id)
        hearing.set_routing(routing, record_sources)
        self._notify(hearing, hearing.apply())

    def set_audio_only(self, hearing_id: int, participant_id: int, on: bool) -> None:
        hearing = self._hearing(hearing_id)
        if on:
            hearing.audio_only.add(participant_id)
        else:
            hearing.audio_only.discard(participant_id)
        self._notify(hearing, hearing.apply())

    @property
    def default_profile(self) -> VideoProfile:
        return self._profile

    def set_profile(self, hearing_id: int, profile: VideoProfile) -> None:
        """Every camera of the hearing is forwarded at this size and rate from its next picture."""
        self._hearing(hearing_id).profile = profile

    def stats(self, hearing_id: int, participant_id: int) -> dict[str, float]:
        hearing = self._hearings.get(hearing_id)
        peer = hearing.peers.get(participant_id) if hearing else None
        if hearing is None or peer is None:
            return {}
        buffer = hearing.mixer.sources.get(participant_id)
        camera = hearing.cameras.get(participant_id)
        return {
            "camera_frames_encoded": float(camera.frames if camera else 0),
            "camera_keyframes": float(camera.keyframes if camera else 0),
            "audio_frames_in": float(peer.audio_frames),
            "video_frames_in": float(peer.video_frames),
            "audio_frames_out": float(peer.mix.frames_sent),
            "video_frames_out": float(sum(slot.frames_sent for slot in peer.slots)),
            "video_slots_filled": float(sum(s.source_id is not None for s in peer.slots)),
            "audio_in_dropped": float(buffer.dropped if buffer else 0),
            "audio_in_underruns": float(buffer.underruns if buffer else 0),
            "audio_out_dropped": float(peer.mix.dropped),
            "mixer_late_ticks": float(hearing.mixer.late_ticks),
        }

    async def disconnect(self, hearing_id: int, participant_id: int) -> None:
        lock = self._locks.setdefault((hearing_id, participant_id), asyncio.Lock())
        async with lock:
            hearing = self._hearings.get(hearing_id)
            peer = hearing.peers.pop(participant_id, None) if hearing else None
            if hearing is None or peer is None:
                return
            hearing.mixer.remove(participant_id)
            self._notify(hearing, hearing.apply())
            await peer.close()

    async def start_recording(self, hearing_id: int, path: Path, video: bool = False) -> None:
        """Record the hearing room's mix (the voices of `record_sources`) as Opus in .ogg; with
        `video`, also a grid of the cameras the hearing room sees, in .webm (the path's suffix
        becomes .webm)."""
        hearing = self._hearing(hearing_id)
        if hearing.recorder is not None:
            raise Conflict("room_recording_on")
        recorder = Recorder(
            path, hearing.profile if video else None, pictures=hearing.record_pictures
        )
        await recorder.start()
        hearing.recorder = recorder
        hearing.record_video = video
        hearing.mixer.record = recorder.put
        hearing.mixer.start()

    async def stop_recording(self, hearing_id: int) -> RecordingResult:
        hearing = self._hearings.get(hearing_id)
        if hearing is None or hearing.recorder is None:
            raise Conflict("room_recording_off")
        return await self._finish_recording(hearing)

    async def close_hearing(self, hearing_id: int) -> None:
        """Close every peer of the hearing. A recording still running is finished (call
        `stop_recording` first to get its result)."""
        hearing = self._hearings.pop(hearing_id, None)
        if hearing is None:
            return
        if hearing.recorder is not None:
            result = await self._finish_recording(hearing)
            log.warning("hearing %s closed while recording: %s kept", hearing_id, result.path)
        await hearing.mixer.stop()
        peers = list(hearing.peers.values())
        hearing.peers.clear()
        await asyncio.gather(*(peer.close() for peer in peers))
        for key in [key for key in self._locks if key[0] == hearing_id]:
            del self._locks[key]

    async def _finish_recording(self, hearing: HearingMedia) -> RecordingResult:
        assert hearing.recorder is not None
        recorder, hearing.recorder = hearing.recorder, None
        hearing.mixer.record = None
        return await recorder.stop()

    async def sweep(
        self,
        recordings: Path,
        busy: Callable[[int], Awaitable[bool]] | None = None,
        hearing_id: int | None = None,
    ) -> None:
        """Nothing to do: the embedded hub's media ends with its process (JanusHub.sweep)."""

    async def close(self) -> None:
        await self._tasks.cancel_all()
        for hearing_id in list(self._hearings):
            await self.close_hearing(hearing_id)

    def _notify(self, hearing: HearingMedia, changed: dict[int, dict[str, int | None]]) -> None:
        if self._on_slots is None:
            return
        for pid, slots in changed.items():
            self._tasks.spawn(self._on_slots(hearing.hearing_id, pid, slots))

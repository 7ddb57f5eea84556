"""Synthetic media for probes and tests: a participant's tone and an identifiable test picture,
the client side of the hearing offer layout, and a sink measuring what a client received.

Each participant sends a sine tone at `tone_hz(participant_id)`; a receiver measures the level of
each tone in its ONE mixed track (`ReceivedMedia.tone_level`), which shows whom it hears. The
picture's left half is a flat grey whose level encodes the participant id (`id_luma`), so a
receiver can tell whose video a slot carries (`ReceivedMedia.slot_sources`).

For a probe (client side, e.g. `odr probe`)::

    me = SyntheticParticipant(participant_id, ice_servers=[...], video=not audio_only)
    sdp, type_ = await me.offer()              # send as the `offer` event
    await me.accept(answer_sdp, answer_type)   # the ack's answer
    ...                                        # let media flow
    me.media.video_frames(), me.media.slot_sources()      # video per slot (mid)
    {pid: me.media.tone_level(tone_hz(pid)) for pid in others}  # > 500 heard, < 100 not heard
    await me.close()

Client peers in the hearing layout must use `bundlePolicy=MAX_BUNDLE`: make them with
`hearing_peer_connection()` (as `SyntheticParticipant` does). With aiortc's default policy the
pre-made video lines stay on a transport the answer's BUNDLE discards and receive nothing;
`add_hearing_transceivers` raises a ValueError for such a peer connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import math
import time
from collections import deque
from dataclasses import dataclass, field

import numpy as np
from aiortc import (
    MediaStreamTrack,
    RTCBundlePolicy,
    RTCConfiguration,
    RTCIceServer,
    RTCIceTransportPolicy,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamError
from av import AudioFrame, AudioResampler, VideoFrame

from signaling.media import gathering
from signaling.media.continuity import AudioContinuity
from signaling.media.jitter import tolerate_loss
from signaling.media.peer import codecs_for

SAMPLE_RATE = 48000
SAMPLES_PER_FRAME = 960  # 20 ms
VIDEO_SLOTS = 6
_ID_LEVELS = 8  # participant ids are told apart modulo 8 in the picture


def tone_hz(participant_id: int) -> float:
    """The frequency of a participant's synthetic voice (the protocol's rule)."""
    return float(300 + 40 * (participant_id % 40))


def id_luma(participant_id: int) -> int:
    """The grey level of the left half of a participant's synthetic picture."""
    return 24 + 28 * (participant_id % _ID_LEVELS)


def luma_id(level: float) -> int:
    """The participant id (modulo 8) whose picture has this grey level."""
    return round((level - 24) / 28) % _ID_LEVELS


def tone_amplitude(samples: np.ndarray, hz: float, sample_rate: int = SAMPLE_RATE) -> float:
    """The amplitude (in sample units) of the `hz` sine in mono `samples`: one DFT bin through a
    Hann window (what the Goertzel filter computes)."""
    n = len(samples)
    if n == 0:
        return 0.0
    window = np.hanning(n)
    phase = np.exp(-2j * np.pi * hz * np.arange(n) / sample_rate)
    return float(2 * abs(np.dot(samples.astype(np.float64) * window, phase)) / window.sum())


class ToneTrack(MediaStreamTrack):
    """A sine tone, s16 mono 48 kHz, in 20 ms frames paced by the clock."""

    kind = "audio"

    def __init__(self, hz: float, amplitude: int = 3000) -> None:
        super().__init__()
        self.hz = hz
        self.amplitude = amplitude
        self._sent = 0
        self._start = 0.0

    async def recv(self) -> AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._sent == 0:
            self._start = time.monotonic()
        else:
            delay = self._start + self._sent / SAMPLE_RATE - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        n = np.arange(self._sent, self._sent + SAMPLES_PER_FRAME)
        wave = self.amplitude * np.sin(2 * math.pi * self.hz * n / SAMPLE_RATE)
        frame = AudioFrame.from_ndarray(
            wave.astype(np.int16).reshape(1, -1), format="s16", layout="mono"
        )
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self._sent
        frame.time_base = fractions.Fraction(1, SAMPLE_RATE)
        self._sent += SAMPLES_PER_FRAME
        return frame


class PatternTrack(MediaStreamTrack):
    """A test picture: left half flat grey (`id_luma`), right half a moving bar."""

    kind = "video"

    def __init__(self, participant_id: int, width: int = 160, height: int = 120, fps: int = 15):
        super().__init__()
        self.width, self.height, self.fps = width, height, fps
        self._luma = id_luma(participant_id)
        self._sent = 0
        self._start = 0.0

    async def recv(self) -> VideoFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._sent == 0:
            self._start = time.monotonic()
        else:
            delay = self._start + self._sent / self.fps - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        w, h = self.width, self.height
        planes = np.full((h * 3 // 2, w), 128, dtype=np.uint8)
        planes[:h, : w // 2] = self._luma
        planes[:h, w // 2 :] = 200
        bar = (self._sent * 4) % max(1, w // 2)
        planes[:h, w // 2 + bar : w // 2 + bar + 4] = 30
        frame = VideoFrame.from_ndarray(planes, format="yuv420p")
        frame.pts = int(self._sent * 90000 / self.fps)
        frame.time_base = fractions.Fraction(1, 90000)
        self._sent += 1
        return frame


def hearing_peer_connection(
    ice_servers: list[RTCIceServer] | None = None, *, relay_only: bool = False
) -> RTCPeerConnection:
    """A client peer connection fit for the hearing layout (max-bundle; see
    `add_hearing_transceivers`); ``relay_only``: TURN relay candidates only, no host socket."""
    policy = RTCIceTransportPolicy.RELAY if relay_only else RTCIceTransportPolicy.ALL
    return RTCPeerConnection(
        RTCConfiguration(
            iceServers=ice_servers or [],
            bundlePolicy=RTCBundlePolicy.MAX_BUNDLE,
            iceTransportPolicy=policy,
        )
    )


def add_hearing_transceivers(
    pc: RTCPeerConnection,
    audio: MediaStreamTrack | None,
    video: MediaStreamTrack | None,
) -> None:
    """The client side of the fixed offer layout: audio sendrecv, video sendrecv (slot 1), then
    five video recvonly (slots 2..6); VP8 and Opus only. A missing track makes its line recvonly.
    The audio line gets the loss-tolerant jitter buffer (`signaling.media.jitter`).

    `pc` must be made by `hearing_peer_connection` (or with `bundlePolicy=MAX_BUNDLE`): with
    aiortc's default policy the lines made here lose their transport when the answer bundles
    them, and receive nothing. A ValueError says so."""
    configuration = getattr(pc, "_RTCPeerConnection__configuration", None)
    if configuration is not None and configuration.bundlePolicy != RTCBundlePolicy.MAX_BUNDLE:
        raise ValueError(
            "hearing peer connections need bundlePolicy=MAX_BUNDLE: use hearing_peer_connection()"
        )
    voice = pc.addTransceiver(audio or "audio", direction="sendrecv" if audio else "recvonly")
    tolerate_loss(voice.receiver)
    pc.addTransceiver(video or "video", direction="sendrecv" if video else "recvonly")
    for _ in range(VIDEO_SLOTS - 1):
        pc.addTransceiver("video", direction="recvonly")
    for transceiver in pc.getTransceivers():
        transceiver.setCodecPreferences(codecs_for(transceiver.kind))


@dataclass
class SlotReception:
    """What one video slot (mid) of a client received."""

    frames: int = 0
    first_at: float | None = None
    size: tuple[int, int] = (0, 0)
    sources: dict[int, int] = field(default_factory=dict)  # id (mod 8) -> frames


class ReceivedMedia:
    """Consumes what a client peer connection receives: video frames per slot (by mid, with the
    sender's id read from the picture) and the last seconds of the mixed audio; each audio frame
    is also noted in ``continuity`` when given (which outlives this peer connection)."""

    def __init__(
        self,
        pc: RTCPeerConnection,
        keep_seconds: float = 3.0,
        continuity: AudioContinuity | None = None,
    ) -> None:
        self._pc = pc
        self.continuity = continuity
        self._tasks: list[asyncio.Task[None]] = []
        self.video: dict[str, SlotReception] = {}
        self.audio_frames = 0
        self._audio: deque[np.ndarray] = deque(maxlen=int(keep_seconds * 50))
        self._resampler = AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        self.started = time.monotonic()
        self.first_video = asyncio.Event()  # set at the first video frame received
        pc.on("track", self._on_track)

    def _on_track(self, track: MediaStreamTrack) -> None:
        mid = next(
            (t.mid or "" for t in self._pc.getTransceivers() if t.receiver.track is track), ""
        )
        reader = self._read_audio(track) if track.kind == "audio" else self._read_video(mid, track)
        self._tasks.append(asyncio.ensure_future(reader))

    async def _read_audio(self, track: MediaStreamTrack) -> None:
        with contextlib.suppress(MediaStreamError):
            while True:
                frame = await track.recv()
                assert isinstance(frame, AudioFrame)
                self.audio_frames += 1
                if self.continuity is not None:
                    self.continuity.frame(frame.to_ndarray())
                for mono in self._resampler.resample(frame):
                    self._audio.append(mono.to_ndarray().reshape(-1))

    async def _read_video(self, mid: str, track: MediaStreamTrack) -> None:
        slot = self.video.setdefault(mid, SlotReception())
        with contextlib.suppress(MediaStreamError):
            while True:
                frame = await track.recv()
                assert isinstance(frame, VideoFrame)
                luma = frame.reformat(format="yuv420p").to_ndarray()[: frame.height]
                h, w = luma.shape
                level = float(luma[h // 4 : 3 * h // 4, w // 8 : 3 * w // 8].mean())
                slot.frames += 1
                slot.size = (frame.width, frame.height)
                if slot.first_at is None:
                    slot.first_at = time.monotonic()
                    self.first_video.set()
                source = luma_id(level)
                slot.sources[source] = slot.sources.get(source, 0) + 1

    def video_frames(self) -> int:
        return sum(slot.frames for slot in self.video.values())

    def slot_sources(self, min_frames: int = 3) -> dict[str, set[int]]:
        """mid -> the participant ids (modulo 8) seen in that slot in at least `min_frames`."""
        return {
            mid: {pid for pid, n in slot.sources.items() if n >= min_frames}
            for mid, slot in self.video.items()
        }

    def first_frame_after(self) -> float | None:
        """Seconds from this sink's creation to the first video frame, if any."""
        firsts = [s.first_at for s in self.video.values() if s.first_at is not None]
        return min(firsts) - self.started if firsts else None

    def recent_audio(self, seconds: float = 1.0) -> np.ndarray:
        frames = list(self._audio)[-max(1, int(seconds * 50)) :]
        return np.concatenate(frames) if frames else np.zeros(0, dtype=np.int16)

    def tone_level(self, hz: float, seconds: float = 1.0) -> float:
        """The amplitude of the `hz` tone over the last `seconds` of received audio."""
        return tone_amplitude(self.recent_audio(seconds), hz)

    def clear_audio(self) -> None:
        self._audio.clear()

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()


class SyntheticParticipant:
    """A client peer connection in the hearing layout sending `tone_hz(participant_id)` and a
    test picture, and measuring what it receives (`media`). Use: `offer()`, hand the offer to
    the hub (or the signaling server), `accept(answer)`, read `media`, `close()`."""

    def __init__(
        self,
        participant_id: int,
        *,
        ice_servers: list[RTCIceServer] | None = None,
        video: bool = True,
        width: int = 160,
        height: int = 120,
        fps: int = 15,
    ) -> None:
        self.participant_id = participant_id
        self.pc = hearing_peer_connection(ice_servers)
        self.media = ReceivedMedia(self.pc)
        self.tone = ToneTrack(tone_hz(participant_id))
        camera = PatternTrack(participant_id, width, height, fps) if video else None
        add_hearing_transceivers(self.pc, self.tone, camera)

    async def offer(self) -> tuple[str, str]:
        await gathering.set_local(self.pc, await self.pc.createOffer())
        return self.pc.localDescription.sdp, self.pc.localDescription.type

    async def accept(self, sdp: str, type_: str) -> None:
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type=type_))

    def mids(self) -> list[str]:
        """The mids of the video slots, in m-line order."""
        return [t.mid or "" for t in self.pc.getTransceivers() if t.kind == "video"]

    async def close(self) -> None:
        await self.media.stop()
        await gathering.close(self.pc)

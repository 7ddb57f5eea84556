"""One participant's peer connection to the hub: its uplink readers (voice into the mixer's
jitter buffer, camera into its video source) and its downlink tracks (one mix, six video slots).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

import numpy as np
from aiortc import (
    MediaStreamTrack,
    RTCBundlePolicy,
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCRtpSender,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamError
from aiortc.rtcrtpparameters import RTCRtpCodecCapability
from aiortc.sdp import SessionDescription
from av import AudioFrame, AudioResampler, VideoFrame

from signaling.media import gathering
from signaling.media.forward import VideoSlotTrack, VideoSource
from signaling.media.jitter import tolerate_loss
from signaling.media.mixer import CHUNK, SAMPLE_RATE, JitterBuffer, MixTrack
from signaling.media.profile import FrameGate, VideoProfile, scaled

log = logging.getLogger(__name__)

MAX_VIDEO_SLOTS = 6


class OfferError(ValueError):
    """The client's offer does not follow the hearing's fixed layout or cannot be applied."""


def codecs_for(kind: str) -> list[RTCRtpCodecCapability]:
    """The only codecs the hub speaks: Opus for audio, VP8 (with RTX) for video."""
    wanted = ("audio/opus",) if kind == "audio" else ("video/VP8", "video/rtx")
    return [c for c in RTCRtpSender.getCapabilities(kind).codecs if c.mimeType in wanted]


def video_lines(sdp: str) -> int:
    """The number of video m-lines of an offer in the fixed layout (audio first, then 1-6 video)."""
    try:
        kinds = [media.kind for media in SessionDescription.parse(sdp).media]
    except (ValueError, IndexError, KeyError) as error:
        raise OfferError("unparsable offer") from error
    if not kinds or kinds[0] != "audio" or set(kinds[1:]) != {"video"}:
        raise OfferError(f"offer layout {kinds}")
    if len(kinds) - 1 > MAX_VIDEO_SLOTS:
        raise OfferError("too many video lines")
    return len(kinds) - 1


def _is_opus_stereo_chunk(frame: AudioFrame) -> bool:
    return (
        frame.format.name == "s16"
        and frame.layout.name == "stereo"
        and frame.sample_rate == SAMPLE_RATE
        and frame.samples == CHUNK
    )


class Peer:
    """A participant's RTCPeerConnection with the hub's tracks on it."""

    def __init__(
        self,
        participant_id: int,
        ice_servers: list[RTCIceServer],
        voice: JitterBuffer,
        camera: VideoSource,
        profile: Callable[[], VideoProfile],
        wanted: Callable[[], bool],
        on_camera: Callable[[], None],
    ) -> None:
        self.participant_id = participant_id
        # max-bundle: the transceivers made before the offer all share the first one's transport
        # (with the default "balanced" policy aiortc leaves video lines 3-6 on a dead transport).
        self.pc = RTCPeerConnection(
            RTCConfiguration(iceServers=ice_servers, bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)
        )
        self.mix = MixTrack()
        self.slots: list[VideoSlotTrack] = []
        self.sends_video = False  # a camera picture has arrived
        self.connected_at = time.monotonic()
        self.audio_frames = 0
        self.video_frames = 0
        self._voice = voice
        self._camera = camera
        self._profile = profile
        self._wanted = wanted  # is the camera shown anywhere (or recorded)?
        self._on_camera = on_camera  # the first picture arrived: the camera can get slots
        self._tasks: list[asyncio.Task[None]] = []
        self.pc.on("track", self._on_track)

    async def answer(self, sdp: str, type_: str) -> RTCSessionDescription:
        if type_ != "offer":
            raise OfferError("not an offer")
        lines = video_lines(sdp)
        audio = self.pc.addTransceiver(self.mix, direction="sendrecv")
        audio.setCodecPreferences(codecs_for("audio"))
        tolerate_loss(audio.receiver)  # a lossy uplink must not lose a third of the voice
        for index in range(lines):
            slot = VideoSlotTrack(mid="")
            transceiver = self.pc.addTransceiver(
                slot, direction="sendrecv" if index == 0 else "sendonly"
            )
            transceiver.setCodecPreferences(codecs_for("video"))
            self.slots.append(slot)
        try:
            await self.pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type=type_))
            await gathering.set_local(self.pc, await self.pc.createAnswer())
        except (ValueError, LookupError, TypeError) as error:
            raise OfferError(str(error)) from error
        except Exception as error:  # aiortc's InvalidStateError, OperationError, InternalError
            if type(error).__module__.startswith("aiortc"):
                raise OfferError(str(error)) from error
            raise
        for transceiver in self.pc.getTransceivers():
            track = transceiver.sender.track
            if isinstance(track, VideoSlotTrack):
                track.mid = transceiver.mid or ""
                # The sender gets encoded pictures, so it cannot make a keyframe itself when
                # the receiver reports a lost picture (PLI/FIR): the camera shown makes one.
                setattr(transceiver.sender, "_send_keyframe", track.request_keyframe)  # noqa: B010
        local = self.pc.localDescription
        return RTCSessionDescription(sdp=local.sdp, type=local.type)

    def slot_map(self) -> dict[str, int | None]:
        return {slot.mid: slot.source_id for slot in self.slots}

    def _on_track(self, track: MediaStreamTrack) -> None:
        if track.kind == "audio":
            self._spawn(self._read_voice(track))
        elif track.kind == "video":
            self._spawn(self._read_camera(track))
            self._spawn(self._camera.encode_forever())

    async def _read_voice(self, track: MediaStreamTrack) -> None:
        resampler = AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE, frame_size=CHUNK)
        with contextlib.suppress(MediaStreamError):
            while True:
                frame = await track.recv()
                if not isinstance(frame, AudioFrame):
                    continue
                self.audio_frames += 1
                if _is_opus_stereo_chunk(frame):  # what aiortc's Opus decoder gives: average L, R
                    pairs = frame.to_ndarray().reshape(-1, 2).astype(np.int32)
                    self._voice.push(((pairs[:, 0] + pairs[:, 1]) >> 1).astype(np.int16))
                    continue
                for chunk in resampler.resample(frame):
                    self._voice.push(chunk.to_ndarray().reshape(-1))

    async def _read_camera(self, track: MediaStreamTrack) -> None:
        # Every received picture is decoded by aiortc anyway; keep up with the track (its queue
        # is unbounded) and scale only the pictures someone will see, at the profile's rate.
        gate = FrameGate()
        with contextlib.suppress(MediaStreamError):
            while True:
                frame = await track.recv()
                if not isinstance(frame, VideoFrame):
                    continue
                self.video_frames += 1
                if not self.sends_video:
                    self.sends_video = True
                    self._on_camera()
                profile = self._profile()
                if self._wanted() and gate.admit(profile.fps):
                    self._camera.offer(scaled(frame, profile), profile)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        task.add_done_callback(self._ended)
        self._tasks.append(task)

    def _ended(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error(
                "participant %s: media task failed", self.participant_id, exc_info=task.exception()
            )

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        await gathering.close(self.pc)
        self.mix.stop()
        for slot in self.slots:
            slot.stop()

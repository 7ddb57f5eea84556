"""Video forwarding: each camera decoded once, scaled once and encoded ONCE (VP8), and the
per-receiver slot tracks that hand those encoded pictures to every receiver showing it.

aiortc senders accept encoded packets from a track (and only packetize them), so a hearing of
N cameras costs N encodes, not one per receiver and camera. The price: every receiver of a
camera gets the same bitrate (set by the hearing's profile: `bitrate_for`), not one adapted to
its own link; the host lowers the profile for weak links, and a participant can go audio-only.

Latest-picture semantics throughout: a camera keeps only its newest picture waiting for the
encoder and its newest encoded picture; a slow receiver skips pictures, nothing queues.
A slot that starts showing a camera waits for a keyframe (asked for at once); a receiver's
picture-loss report (PLI/FIR) asks the camera it shows for a keyframe.
"""

from __future__ import annotations

import asyncio
import fractions
import threading
import time
from typing import Any

import av
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError
from av import VideoFrame
from av.packet import Packet

from signaling.media.profile import VideoProfile

VIDEO_TIME_BASE = fractions.Fraction(1, 90000)
KEYFRAME_SECONDS = 10.0  # a keyframe at least this often (a receiver that missed a PLI recovers)


def bitrate_for(profile: VideoProfile) -> int:
    """The VP8 bitrate of the profile: about 0.2 bit per pixel and picture, 100 kb/s - 1.5 Mb/s
    (320x240 @ 15: 230 kb/s)."""
    return max(100_000, min(1_500_000, int(profile.width * profile.height * profile.fps * 0.2)))


class VideoEncoder:
    """One VP8 encoder (libvpx, real-time, constant bitrate), remade when the size or the bitrate
    changes. `encode` runs on a worker thread; the lock keeps two calls from overlapping."""

    def __init__(self) -> None:
        self._codec: Any = None
        self._shape = (0, 0, 0)
        self._lock = threading.Lock()

    def encode(self, frame: VideoFrame, bitrate: int, keyframe: bool) -> list[Packet[Any]]:
        with self._lock:
            shape = (frame.width, frame.height, bitrate)
            if self._codec is None or shape != self._shape:
                self._codec = self._opened(frame.width, frame.height, bitrate)
                self._shape = shape
            if keyframe:
                frame.pict_type = av.video.frame.PictureType.I
            return list(self._codec.encode(frame))

    @staticmethod
    def _opened(width: int, height: int, bitrate: int) -> Any:
        # The settings of aiortc's own VP8 encoder (codecs/vpx.py), at a fixed bitrate.
        codec = av.CodecContext.create("libvpx", "w")
        codec.width, codec.height = width, height
        codec.bit_rate = bitrate
        codec.pix_fmt = "yuv420p"
        codec.time_base = VIDEO_TIME_BASE
        codec.gop_size = 3000
        codec.qmin, codec.qmax = 2, 56
        codec.thread_count = 1
        codec.options = {
            "bufsize": str(bitrate),
            "cpu-used": "-6",
            "deadline": "realtime",
            "lag-in-frames": "0",
            "minrate": str(bitrate),
            "maxrate": str(bitrate),
            "noise-sensitivity": "4",
            "overshoot-pct": "15",
            "partitions": "0",
            "static-thresh": "1",
            "undershoot-pct": "100",
        }
        return codec


class VideoSource:
    """One participant's camera as the hub forwards it."""

    def __init__(self, participant_id: int) -> None:
        self.participant_id = participant_id
        self.picture: VideoFrame | None = None  # the latest scaled picture (for a video record)
        self.packet: Packet[Any] | None = None  # the latest encoded picture
        self.serial = 0
        self.frames = 0
        self.keyframes = 0
        self._slots: set[VideoSlotTrack] = set()
        self._encoder = VideoEncoder()
        self._pending: tuple[VideoFrame, VideoProfile] | None = None
        self._arrived = asyncio.Event()
        self._keyframe_wanted = True
        self._last_keyframe = 0.0
        self._last_pts = -1

    @property
    def watched(self) -> bool:
        return bool(self._slots)

    def attach(self, slot: VideoSlotTrack) -> None:
        self._slots.add(slot)
        self.request_keyframe()

    def detach(self, slot: VideoSlotTrack) -> None:
        self._slots.discard(slot)

    def request_keyframe(self) -> None:
        self._keyframe_wanted = True

    def offer(self, frame: VideoFrame, profile: VideoProfile) -> None:
        """A new scaled picture: kept for the record, and encoded next if anyone watches (a
        picture still waiting for the encoder is replaced)."""
        self.picture = frame
        if self._slots:
            self._pending = (frame, profile)
            self._arrived.set()

    async def encode_forever(self) -> None:
        """Encode the pending picture whenever there is one (the peer runs this as a task)."""
        loop = asyncio.get_running_loop()
        while True:
            await self._arrived.wait()
            self._arrived.clear()
            if self._pending is None:
                continue
            frame, profile = self._pending
            self._pending = None
            now = time.monotonic()
            self._last_pts = max(self._last_pts + 1, int(now * 90000))
            frame.pts = self._last_pts
            frame.time_base = VIDEO_TIME_BASE
            keyframe = self._keyframe_wanted or now - self._last_keyframe > KEYFRAME_SECONDS
            self._keyframe_wanted = False
            packets = await loop.run_in_executor(
                None, self._encoder.encode, frame, bitrate_for(profile), keyframe
            )
            for packet in packets:
                if packet.is_keyframe:
                    self._last_keyframe = now
                    self.keyframes += 1
                self.packet = packet
                self.serial += 1
                self.frames += 1
                for slot in self._slots:
                    slot.wake()


class VideoSlotTrack(MediaStreamTrack):
    """The video one receiver gets in one slot (m-line): the encoded pictures of the camera it
    shows (aiortc's sender only packetizes them)."""

    kind = "video"

    def __init__(self, mid: str) -> None:
        super().__init__()
        self.mid = mid
        self.frames_sent = 0
        self._source: VideoSource | None = None
        self._seen = 0
        self._need_keyframe = True
        self._wake = asyncio.Event()

    @property
    def source_id(self) -> int | None:
        return self._source.participant_id if self._source else None

    def show(self, source: VideoSource | None) -> None:
        """Show `source` from its next keyframe on (None: nothing more is sent)."""
        if source is self._source:
            return
        if self._source is not None:
            self._source.detach(self)
        self._source = source
        self._need_keyframe = True
        if source is not None:
            self._seen = source.serial
            source.attach(self)
        self.wake()

    def request_keyframe(self) -> None:
        """The receiver lost pictures (RTCP PLI or FIR reached our sender)."""
        if self._source is not None:
            self._source.request_keyframe()

    def wake(self) -> None:
        self._wake.set()

    async def recv(self) -> Packet[Any]:
        while True:
            if self.readyState != "live":
                raise MediaStreamError
            source = self._source
            if source is not None and source.packet is not None and source.serial != self._seen:
                self._seen = source.serial
                packet = source.packet
                if packet.is_keyframe or not self._need_keyframe:
                    self._need_keyframe = False
                    self.frames_sent += 1
                    return packet
                source.request_keyframe()  # the one asked for on attaching went unseen
            self._wake.clear()
            await self._wake.wait()

    def stop(self) -> None:
        if self._source is not None:
            self._source.detach(self)
            self._source = None
        super().stop()
        self._wake.set()

"""The hearing record: the hearing room's mixed audio as Opus in .ogg, or, with video, Opus and a
VP8 grid of the hearing room's cameras in .webm. Fed with the mixer's record mix and the video
sources' latest pictures (decoded once, reused); never the private rooms (the hub decides who is in
the record). The result carries the file's sha256, size, and start and end in UTC.
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import hashlib
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import av
import numpy as np
from av import AudioFrame, VideoFrame

from signaling.media.mixer import AUDIO_TIME_BASE, CHUNK, SAMPLE_RATE
from signaling.media.profile import VideoProfile

QUEUE_CHUNKS = 500  # 10 s of audio may wait for the writer
# Each packet goes to the file as soon as it is muxed, in pages (Ogg) or clusters (WebM) of at
# most 0.2 s: if the server dies (SIGKILL, power cut after the page cache is written), the file
# on disk plays up to a fraction of a second before the end. Left to the muxers' defaults, up
# to 32 KiB (8 s of audio) waited in memory and a record killed early was an empty file.
CRASH_SAFE = {
    "ogg": {"flush_packets": "1", "page_duration": "200000"},  # microseconds
    "webm": {"flush_packets": "1", "cluster_time_limit": "200"},  # milliseconds
}


@dataclass(frozen=True)
class RecordingResult:
    path: Path
    media_type: str
    sha256: str
    size: int
    started_at: datetime  # UTC
    ended_at: datetime  # UTC


def planes(picture: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The Y, U and V planes of a yuv420p picture as returned by `VideoFrame.to_ndarray`."""
    rows, width = picture.shape
    height = rows * 2 // 3
    flat = picture.reshape(-1)
    luma = height * width
    quarter = luma // 4
    return (
        flat[:luma].reshape(height, width),
        flat[luma : luma + quarter].reshape(height // 2, width // 2),
        flat[luma + quarter : luma + 2 * quarter].reshape(height // 2, width // 2),
    )


def grid(pictures: list[VideoFrame], width: int, height: int) -> VideoFrame:
    """The pictures side by side on a `width` x `height` black canvas (yuv420p)."""
    canvas = np.zeros(height * width * 3 // 2, dtype=np.uint8)
    canvas[: height * width] = 16
    canvas[height * width :] = 128
    out = planes(canvas.reshape(height * 3 // 2, width))
    if pictures:
        cols = math.ceil(math.sqrt(len(pictures)))
        rows = math.ceil(len(pictures) / cols)
        tile_w, tile_h = width // cols // 2 * 2, height // rows // 2 * 2
        for index, picture in enumerate(pictures):
            tile = picture.reformat(width=tile_w, height=tile_h, format="yuv420p")
            x, y = (index % cols) * tile_w, (index // cols) * tile_h
            for plane, part, scale in zip(out, planes(tile.to_ndarray()), (1, 2, 2), strict=True):
                plane[y // scale : (y + tile_h) // scale, x // scale : (x + tile_w) // scale] = part
    return VideoFrame.from_ndarray(canvas.reshape(height * 3 // 2, width), format="yuv420p")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


class Recorder:
    """Writes one recording file while the hearing goes on."""

    def __init__(
        self,
        path: Path,
        video: VideoProfile | None = None,
        pictures: Callable[[], list[VideoFrame]] | None = None,
    ) -> None:
        self.path = path.with_suffix(".webm") if video and path.suffix == ".ogg" else path
        self.media_type = "video/webm" if video else "audio/ogg"
        self.dropped = 0
        self._video = video
        self._pictures = pictures or list
        self._queue: asyncio.Queue[np.ndarray | None] = asyncio.Queue(QUEUE_CHUNKS)
        self._tasks: list[asyncio.Task[None]] = []
        self._closing = asyncio.Event()
        self._container: Any = None
        self._audio: Any = None
        self._camera: Any = None
        self._samples = 0
        self.started_at = datetime.now(UTC)

    async def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Claimed exclusively: a record already on file (its hash in the audit log) is never
        # overwritten, whatever the clock says.
        os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        kind = "webm" if self._video else "ogg"
        self._container = av.open(str(self.path), mode="w", format=kind, options=CRASH_SAFE[kind])
        self._audio = self._container.add_stream("libopus", rate=SAMPLE_RATE, layout="mono")
        self._audio.bit_rate = 32000
        if self._video is not None:
            self._camera = self._container.add_stream("libvpx", rate=self._video.fps)
            self._camera.width, self._camera.height = self._video.width, self._video.height
            self._camera.pix_fmt = "yuv420p"
            self._camera.bit_rate = 300_000
            self._camera.options = {"deadline": "realtime", "cpu-used": "8"}
            self._tasks.append(asyncio.ensure_future(self._write_video(self._video)))
        self.started_at = datetime.now(UTC)
        self._tasks.append(asyncio.ensure_future(self._write_audio()))

    def put(self, chunk: np.ndarray) -> None:
        """Hand one 20 ms chunk of the record mix (called by the mixer's clock)."""
        try:
            self._queue.put_nowait(chunk)
        except asyncio.QueueFull:
            self.dropped += 1

    async def _write_audio(self) -> None:
        while (chunk := await self._queue.get()) is not None:
            frame = AudioFrame.from_ndarray(chunk.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate = SAMPLE_RATE
            frame.pts = self._samples
            frame.time_base = AUDIO_TIME_BASE
            self._samples += CHUNK
            self._container.mux(self._audio.encode(frame))

    async def _write_video(self, profile: VideoProfile) -> None:
        # Ends when `_closing` is set, never by cancellation: an encode running on the thread
        # pool must be over before the encoder is flushed and closed.
        loop = asyncio.get_running_loop()
        start = loop.time()
        last = -1
        while not self._closing.is_set():
            # Pictures are stamped by the wall clock, as the audio is: a busy machine makes gaps
            # in the picture, never a drift between picture and sound.
            pts = max(last + 1, round((loop.time() - start) * profile.fps))
            frame = grid(self._pictures(), profile.width, profile.height)
            frame.pts = pts
            frame.time_base = fractions.Fraction(1, profile.fps)
            packets = await loop.run_in_executor(None, self._camera.encode, frame)
            self._container.mux(packets)
            last = pts
            delay = start + (pts + 1) / profile.fps - loop.time()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), max(0.0, delay))

    async def stop(self) -> RecordingResult:
        ended_at = datetime.now(UTC)
        await self._end_writers()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._finish)
        sha256 = await loop.run_in_executor(None, file_sha256, self.path)  # off the event loop
        return RecordingResult(
            path=self.path,
            media_type=self.media_type,
            sha256=sha256,
            size=self.path.stat().st_size,
            started_at=self.started_at,
            ended_at=ended_at,
        )

    async def _end_writers(self) -> None:
        self._closing.set()
        try:
            self._queue.put_nowait(None)
        except asyncio.QueueFull:  # make room for the end marker: one chunk fewer
            self._queue.get_nowait()
            self.dropped += 1
            self._queue.put_nowait(None)
        for task in self._tasks:
            await task
        self._tasks.clear()

    def _finish(self) -> None:
        self._container.mux(self._audio.encode(None))
        if self._camera is not None:
            self._container.mux(self._camera.encode(None))
        self._container.close()

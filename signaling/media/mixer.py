"""Mix-minus audio: one clock every 20 ms; per source a small jitter buffer of decoded 20 ms
chunks; per receiver ONE mixed frame of everything it may hear except itself.

Samples are s16 mono at 48 kHz, 960 per chunk. The routing is read at every tick, so a change
(mute, caucus, lobby) is heard within one tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, Protocol

import av
import numpy as np
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError
from av import AudioFrame
from av.packet import Packet

SAMPLE_RATE = 48000
CHUNK = 960  # samples in 20 ms
TICK = CHUNK / SAMPLE_RATE
AUDIO_TIME_BASE = fractions.Fraction(1, SAMPLE_RATE)
STALL = 10  # ticks behind (200 ms): the event loop stalled, counted as a late tick
CATCH_UP = 50  # ticks mixed at once after a stall (1 s); the rest is silence on the record


def mixed(chunks: list[np.ndarray]) -> np.ndarray:
    """The int16 sum of equally long int16 chunks, clipped (silence for none)."""
    if not chunks:
        return np.zeros(CHUNK, dtype=np.int16)
    if len(chunks) == 1:
        return chunks[0]
    total = np.sum(np.stack(chunks), axis=0, dtype=np.int32)
    return np.clip(total, -32768, 32767).astype(np.int16)


class JitterBuffer:
    """A source's decoded chunks waiting for the clock. Starts playing once `prefill` chunks are
    in and stops (silence) when empty. A burst is kept (up to `limit`, 500 ms), then worked off
    gently: while more than `target` chunks wait for a whole second, one chunk is skipped."""

    def __init__(self, prefill: int = 2, target: int = 4, limit: int = 25) -> None:
        self._chunks: deque[np.ndarray] = deque()
        self._prefill = prefill
        self._target = target
        self._limit = limit
        self._playing = False
        self._long = 0  # consecutive pops with more than `target` chunks waiting
        self.dropped = 0
        self.received = 0
        self.underruns = 0

    def push(self, chunk: np.ndarray) -> None:
        self.received += 1
        self._chunks.append(chunk)
        while len(self._chunks) > self._limit:
            self._chunks.popleft()
            self.dropped += 1

    def pop(self) -> np.ndarray | None:
        if not self._playing:
            if len(self._chunks) < self._prefill:
                return None
            self._playing = True
        if not self._chunks:
            self._playing = False
            self.underruns += 1
            return None
        self._long = self._long + 1 if len(self._chunks) > self._target else 0
        if self._long >= 50:
            self._long = 0
            self._chunks.popleft()
            self.dropped += 1
        return self._chunks.popleft()


class VoiceEncoder:
    """Opus for one receiver's mix: mono, 32 kb/s, in-band FEC for lossy village links. The mix
    track hands aiortc encoded packets, which it only packetizes (no resampling, no level
    measure, no stereo 96 kb/s encoder)."""

    def __init__(self) -> None:
        codec: Any = av.CodecContext.create("libopus", "w")
        codec.bit_rate = 32000
        codec.format = "s16"
        codec.layout = "mono"
        codec.sample_rate = SAMPLE_RATE
        codec.time_base = AUDIO_TIME_BASE
        codec.options = {"application": "voip", "fec": "1", "packet_loss": "10"}
        self._codec = codec

    def encode(self, chunk: np.ndarray) -> list[Packet[Any]]:
        frame = AudioFrame(format="s16", layout="mono", samples=CHUNK)
        frame.planes[0].update(chunk.tobytes())
        frame.sample_rate = SAMPLE_RATE
        return list(self._codec.encode(frame))


class MixTrack(MediaStreamTrack):
    """A receiver's one audio track: the mixed chunks the clock hands it (a few at most), as
    Opus packets."""

    kind = "audio"

    def __init__(self, limit: int = 6) -> None:
        super().__init__()
        self._chunks: deque[np.ndarray] = deque(maxlen=limit)
        self._ready = asyncio.Event()
        self._encoder = VoiceEncoder()
        self._pts = 0
        self.frames_sent = 0
        self.dropped = 0

    def put(self, chunk: np.ndarray) -> None:
        if len(self._chunks) == self._chunks.maxlen:
            self.dropped += 1
        self._chunks.append(chunk)
        self._ready.set()

    async def recv(self) -> Packet[Any]:
        while True:
            while not self._chunks:
                if self.readyState != "live":
                    raise MediaStreamError
                self._ready.clear()
                await self._ready.wait()
            if self.readyState != "live":
                raise MediaStreamError
            chunk = self._chunks.popleft()
            packets = await asyncio.get_running_loop().run_in_executor(
                None, self._encoder.encode, chunk
            )
            if packets:  # none at the very start (the encoder's look-ahead)
                packet = packets[-1]
                packet.pts = self._pts
                packet.time_base = AUDIO_TIME_BASE
                self._pts += CHUNK
                self.frames_sent += 1
                return packet

    def stop(self) -> None:
        super().stop()
        self._ready.set()


class ChunkSink(Protocol):
    def put(self, chunk: np.ndarray) -> None: ...


class Mixer:
    """The audio of one hearing: sources in, one mix-minus track per receiver out, and the
    record's mix (the voices of `record_sources`) handed to `record` when set."""

    def __init__(self) -> None:
        self.sources: dict[int, JitterBuffer] = {}
        self.receivers: dict[int, ChunkSink] = {}
        self.hears: dict[int, frozenset[int]] = {}
        self.record_sources: frozenset[int] = frozenset()
        self.record: Callable[[np.ndarray], None] | None = None
        self.ticks = 0
        self.late_ticks = 0
        self._task: asyncio.Task[None] | None = None

    def set_hearing(self, hears: dict[int, frozenset[int]], record_sources: Iterable[int]) -> None:
        self.hears = {pid: heard - {pid} for pid, heard in hears.items()}
        self.record_sources = frozenset(record_sources)

    def add_source(self, participant_id: int) -> JitterBuffer:
        buffer = JitterBuffer()
        self.sources[participant_id] = buffer
        return buffer

    def remove(self, participant_id: int) -> None:
        self.sources.pop(participant_id, None)
        self.receivers.pop(participant_id, None)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        # The clock never slips: after a stall of the event loop the ticks due are mixed at
        # once (what the sources buffered meanwhile still reaches the record; a receiver keeps
        # only its last few chunks), and beyond CATCH_UP the record gets silence. The record
        # thus stays as long as the hearing, in step with its wall-clock video.
        loop = asyncio.get_running_loop()
        start = loop.time()
        done = 0
        while True:
            due = int((loop.time() - start) / TICK)
            if due <= done:
                await asyncio.sleep(start + (done + 1) * TICK - loop.time())
                continue
            behind = due - done
            if behind > STALL:
                self.late_ticks += 1
            if behind > CATCH_UP:
                self.silence(behind - CATCH_UP)
                behind = CATCH_UP
            for _ in range(behind):
                self.tick()
            done = due

    def silence(self, ticks: int) -> None:
        """Ticks that were never mixed: silence on the record (the sources' buffers stay)."""
        self.ticks += ticks
        if self.record is not None:
            quiet = np.zeros(CHUNK, dtype=np.int16)
            for _ in range(ticks):
                self.record(quiet)

    def tick(self) -> None:
        """Mix one 20 ms chunk for every receiver (and the record)."""
        self.ticks += 1
        chunks = {}
        for pid, buffer in self.sources.items():
            chunk = buffer.pop()
            if chunk is not None:
                chunks[pid] = chunk
        for pid, track in self.receivers.items():
            heard = self.hears.get(pid, frozenset())
            track.put(mixed([chunks[s] for s in heard if s in chunks and s != pid]))
        if self.record is not None:
            self.record(mixed([chunks[s] for s in self.record_sources if s in chunks]))

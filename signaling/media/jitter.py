"""A receive jitter buffer for Opus that loses only the packets the network lost.

aiortc's audio receiver (``RTCRtpReceiver``, ``JitterBuffer(capacity=16, prefetch=4)``) stops
at a missing packet until 16 packets have piled up behind it, then throws away more than the
hole: on a link losing 7 % of its packets a third of the 20 ms frames never reach the decoder
(2 % loss: 11 %; aiortc 1.16, see tests/unit/test_audio_jitter.py). That is the voice of every
participant on a lossy link, in everyone's mix and in the record, and what each client hears.
``AudioJitterBuffer`` gives up on a missing packet once as many packets wait behind it as a
frame needs anyway (a late one is then dropped, as before), so a lost packet costs one frame.
"""

from __future__ import annotations

from aiortc import RTCRtpReceiver
from aiortc.jitterbuffer import JitterBuffer, JitterFrame
from aiortc.rtp import RtpPacket


class AudioJitterBuffer(JitterBuffer):
    """aiortc's buffer, but when a hole keeps the next frame back while more than
    ``prefetch`` packets wait (what a whole frame needs anyway), the missing packets are taken
    as lost and the first waiting one is the next frame. One Opus packet is one frame."""

    def __init__(self, capacity: int = 16, prefetch: int = 4) -> None:
        super().__init__(capacity=capacity, prefetch=prefetch)
        self.skipped = 0

    def add(self, packet: RtpPacket) -> tuple[bool, JitterFrame | None]:
        pli, frame = super().add(packet)
        if frame is None:
            frame = self._past_holes()
        return pli, frame

    def _past_holes(self) -> JitterFrame | None:
        if self._origin is None or sum(p is not None for p in self._packets) <= self._prefetch:
            return None
        while (head := self._packets[self._origin % self.capacity]) is None:
            self.remove(1)
            self.skipped += 1
        self.remove(1)
        return JitterFrame(data=head._data, timestamp=head.timestamp)  # type: ignore[attr-defined]


def tolerate_loss(receiver: RTCRtpReceiver) -> None:
    """Give an audio receiver ``AudioJitterBuffer`` (before any packet arrives)."""
    attribute = "_RTCRtpReceiver__jitter_buffer"  # aiortc has no option for it
    if not isinstance(getattr(receiver, attribute, None), JitterBuffer):
        raise RuntimeError("aiortc's RTCRtpReceiver has no jitter buffer to replace")
    setattr(receiver, attribute, AudioJitterBuffer())

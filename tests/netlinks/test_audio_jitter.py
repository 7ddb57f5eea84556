"""The receive jitter buffer for Opus (signaling.media.jitter) against aiortc's own, and the
continuity summary the probe reports (signaling.media.continuity): pure logic, real packets."""

from __future__ import annotations

import random

import numpy as np
from aiortc import RTCPeerConnection
from aiortc.jitterbuffer import JitterBuffer
from aiortc.rtp import RtpPacket

from signaling.media.continuity import AudioContinuity
from signaling.media.jitter import AudioJitterBuffer, tolerate_loss

PACKETS = 5000


def delivered(buffer: JitterBuffer, loss: float, seed: int = 7) -> list[int]:
    """The sequence numbers of the frames ``buffer`` gives out when ``loss`` of the packets
    of a 20 ms Opus stream are lost at random."""
    chance = random.Random(seed)  # noqa: S311 - a repeatable loss pattern, not a secret
    out = []
    for seq in range(PACKETS):
        if chance.random() < loss:
            continue
        packet = RtpPacket(payload_type=111, sequence_number=seq % 65536, timestamp=seq * 960)
        packet._data = seq.to_bytes(4, "big")  # type: ignore[attr-defined]
        _, frame = buffer.add(packet)
        if frame is not None:
            out.append(int.from_bytes(frame.data, "big"))
    return out


def test_a_lost_packet_costs_one_frame_not_a_burst() -> None:
    for loss in (0.02, 0.07, 0.10):
        ours = delivered(AudioJitterBuffer(), loss)
        theirs = delivered(JitterBuffer(capacity=16, prefetch=4), loss)
        assert ours == sorted(set(ours))  # in order, each frame once
        assert len(ours) / PACKETS >= 1 - loss - 0.02
        assert len(theirs) / PACKETS < 1 - 2 * loss  # aiortc's: a hole takes more than itself
        assert PACKETS - 1 - ours[-1] <= 4  # and no latency piles up


def test_a_late_packet_waits_its_turn() -> None:
    buffer = AudioJitterBuffer()
    order = [0, 1, 2, 4, 3, 5, 6, 7, 8, 9, 10]  # 3 and 4 swapped on the way
    got = []
    for seq in order:
        packet = RtpPacket(payload_type=111, sequence_number=seq, timestamp=seq * 960)
        packet._data = bytes([seq])  # type: ignore[attr-defined]
        _, frame = buffer.add(packet)
        if frame is not None:
            got.append(frame.data[0])
    assert got == list(range(len(got))) and len(got) >= 5


async def test_tolerate_loss_replaces_the_buffer_of_a_real_receiver() -> None:
    pc = RTCPeerConnection()  # aiortc needs the running loop (a sync test only has one by luck)
    try:
        transceiver = pc.addTransceiver("audio")
        tolerate_loss(transceiver.receiver)
        assert isinstance(transceiver.receiver._RTCRtpReceiver__jitter_buffer, AudioJitterBuffer)  # type: ignore[attr-defined]
    finally:
        await pc.close()


def test_continuity_counts_voiced_frames_and_lists_the_silences() -> None:
    tone = (3000 * np.sin(np.arange(1920) / 10)).astype(np.int16)
    quiet = np.zeros(1920, dtype=np.int16)
    heard = AudioContinuity()
    start = 1000.0
    for i in range(150):  # 3 s of frames, the second second silent
        heard.frame(quiet if 50 <= i < 100 else tone, at=start + 0.02 * i)
    summary = heard.summary(start, start + 3.0)
    assert summary["voiced_frames"] == 100
    assert summary["continuity"] == round(100 / 150, 4)
    assert summary["longest_gap_ms"] == 1020
    assert summary["gaps"] == [[start + 0.98, start + 2.0]]
    assert summary["voiced_per_second"] == [50, 0, 50]

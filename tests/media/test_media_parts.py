"""The hub's parts on their own: mixing, jitter buffers, frame rate, sizes, slots, bad offers and
closing without leftovers."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from aiortc import RTCConfiguration, RTCPeerConnection
from aiortc.stats import (
    RTCInboundRtpStreamStats,
    RTCOutboundRtpStreamStats,
    RTCRemoteInboundRtpStreamStats,
)
from media_support import HEARING, SMALL, Join

from odr.domain.hearing import Allowed
from odr.errors import InvalidInput
from signaling.link_quality import link_quality
from signaling.media import MediaHub
from signaling.media.mixer import CHUNK, TICK, JitterBuffer, Mixer, mixed
from signaling.media.profile import LOW, FrameGate, VideoProfile, fitted, named
from signaling.media.synthetic import (
    SyntheticParticipant,
    ToneTrack,
    add_hearing_transceivers,
    hearing_peer_connection,
    tone_hz,
)

NOW = datetime.now(UTC)


def chunk(value: int) -> np.ndarray:
    return np.full(CHUNK, value, dtype=np.int16)


def test_mixing_sums_and_clips() -> None:
    assert mixed([chunk(1000), chunk(-300)])[0] == 700
    assert mixed([chunk(30000), chunk(30000)])[0] == 32767
    assert mixed([chunk(-30000), chunk(-30000)])[0] == -32768
    assert not mixed([]).any()


def test_a_jitter_buffer_waits_for_two_chunks_and_works_off_a_burst() -> None:
    buffer = JitterBuffer(prefill=2, target=4, limit=25)
    buffer.push(chunk(1))
    assert buffer.pop() is None
    buffer.push(chunk(2))
    assert buffer.pop()[0] == 1  # type: ignore[index]
    assert buffer.pop()[0] == 2  # type: ignore[index]
    assert buffer.pop() is None  # ran dry: silence until refilled
    assert buffer.underruns == 1
    for value in range(30):  # a burst: the oldest beyond 500 ms go
        buffer.push(chunk(value))
    assert buffer.dropped == 5
    for value in range(60):  # steady flow on top of the burst: the delay stays long...
        assert buffer.pop() is not None
        buffer.push(chunk(value))
    assert buffer.dropped == 6  # ...so after a second one chunk is skipped


class Collected:
    def __init__(self) -> None:
        self.chunks: list[np.ndarray] = []

    def put(self, chunk: np.ndarray) -> None:
        self.chunks.append(chunk)


def test_a_routing_change_is_heard_at_the_next_tick() -> None:
    mixer = Mixer()
    heard = {pid: Collected() for pid in (1, 2, 3)}
    mixer.receivers.update(heard)
    for pid in (1, 2, 3):
        buffer = mixer.add_source(pid)
        for _ in range(4):
            buffer.push(chunk(10**pid))
    everyone = frozenset({1, 2, 3})
    mixer.set_hearing({pid: everyone for pid in everyone}, everyone)
    mixer.tick()
    assert [heard[pid].chunks[-1][0] for pid in (1, 2, 3)] == [1100, 1010, 110]
    mixer.set_hearing({pid: frozenset({2, 3}) for pid in everyone}, {2, 3})  # 1 muted
    mixer.tick()
    assert [heard[pid].chunks[-1][0] for pid in (1, 2, 3)] == [1100, 1000, 100]


async def test_the_record_keeps_time_when_the_event_loop_stalls() -> None:
    """A stall is caught up on (the voice buffered meanwhile reaches the record), one beyond
    CATCH_UP leaves silence: the record is as long as the hearing, never shorter."""
    mixer = Mixer()
    recorded: list[np.ndarray] = []
    mixer.record = recorded.append
    mixer.set_hearing({1: frozenset({1})}, {1})
    source = mixer.add_source(1)
    loop = asyncio.get_running_loop()
    began = loop.time()
    mixer.start()
    await asyncio.sleep(0.2)
    for _ in range(20):  # 400 ms of voice arrived just before the loop stalls
        source.push(chunk(7))
    time.sleep(0.6)  # noqa: ASYNC251 - the event loop stalls, on purpose; caught up on
    await asyncio.sleep(0.2)
    time.sleep(1.5)  # noqa: ASYNC251 - a stall longer than CATCH_UP: the rest is silence
    await asyncio.sleep(0.2)
    await mixer.stop()
    elapsed = loop.time() - began
    assert abs(len(recorded) - elapsed / TICK) <= 5, (len(recorded), elapsed / TICK)
    assert sum(1 for c in recorded if c[0] == 7) == 20  # every word of it is on the record
    assert mixer.late_ticks == 2


def test_the_frame_gate_halves_30_fps_to_15() -> None:
    gate = FrameGate()
    kept = sum(gate.admit(15, now=i / 30) for i in range(300))
    assert 148 <= kept <= 152


def test_pictures_are_scaled_down_into_the_profile_never_up() -> None:
    assert fitted(640, 480, VideoProfile(320, 240, 15)) == (320, 240)
    assert fitted(1280, 720, VideoProfile(320, 240, 15)) == (320, 180)
    assert fitted(160, 120, VideoProfile(320, 240, 15)) == (160, 120)


async def test_slots_keep_their_place_when_others_come_and_go(hub: MediaHub, join: Join) -> None:
    ids = [1, 2, 3, 4]
    group = frozenset(ids)
    hub.set_routing(HEARING, {pid: Allowed(group, group) for pid in ids}, group)
    for pid in (1, 3, 4):
        await join(pid)
    await asyncio.sleep(1.0)  # a camera gets slots once its first picture is in
    assert hub.slots(HEARING, 1) == {"1": 3, "2": 4, "3": None, "4": None, "5": None, "6": None}
    await join(2)
    await asyncio.sleep(1.0)
    assert hub.slots(HEARING, 1) == {"1": 3, "2": 4, "3": 2, "4": None, "5": None, "6": None}
    await hub.disconnect(HEARING, 3)
    assert hub.slots(HEARING, 1) == {"1": None, "2": 4, "3": 2, "4": None, "5": None, "6": None}
    assert hub.slots(HEARING, 3) == {}
    assert hub.stats(HEARING, 3) == {}


@pytest.mark.parametrize(
    ("sdp", "kind"),
    [("v=0\r\nnonsense", "offer"), ("", "offer"), (None, "answer"), (None, "offer-video-first")],
)
async def test_bad_offers_are_refused(hub: MediaHub, sdp: str | None, kind: str) -> None:
    client = SyntheticParticipant(1)
    try:
        offer, _ = await client.offer()
        if kind == "offer-video-first":
            head, *sections = offer.split("m=")
            offer = "m=".join([head, *sections[1:], sections[0]])
            kind = "offer"
        with pytest.raises(InvalidInput) as refused:
            await hub.connect(HEARING, 1, sdp if sdp is not None else offer, kind)
        assert refused.value.code == "signal_media_failed"
        assert hub.slots(HEARING, 1) == {}
    finally:
        await client.close()


async def test_closing_leaves_no_task_behind(tmp_path: Path) -> None:
    hub = MediaHub(ice_servers=[], profile=SMALL)
    ids = frozenset({1, 2})
    hub.set_routing(HEARING, {pid: Allowed(ids, ids) for pid in ids}, ids)
    clients = [SyntheticParticipant(pid) for pid in ids]
    for client in clients:
        await client.accept(
            *await hub.connect(HEARING, client.participant_id, *(await client.offer()))
        )
    await hub.start_recording(HEARING, tmp_path / "left-running.ogg")
    await asyncio.sleep(1.0)
    await hub.close()
    for client in clients:
        await client.close()
    await asyncio.sleep(0.1)
    assert asyncio.all_tasks() == {asyncio.current_task()}
    assert (tmp_path / "left-running.ogg").stat().st_size > 0  # closing finished the file


async def test_a_client_peer_connection_without_max_bundle_is_refused() -> None:
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))  # aiortc's default: balanced
    try:
        with pytest.raises(ValueError, match="MAX_BUNDLE"):
            add_hearing_transceivers(pc, ToneTrack(tone_hz(1)), None)
    finally:
        await pc.close()


async def test_a_receivers_picture_loss_report_makes_the_camera_send_a_keyframe(
    hub: MediaHub, join: Join
) -> None:
    ids = frozenset({1, 2})
    hub.set_routing(HEARING, {pid: Allowed(ids, ids) for pid in ids}, ids)
    await join(1)
    two = await join(2)
    await asyncio.sleep(1.5)
    before = hub.stats(HEARING, 1)["camera_keyframes"]
    assert before >= 1
    receiver = next(t.receiver for t in two.pc.getTransceivers() if t.mid == "1")
    (source,) = receiver.getSynchronizationSources()
    await receiver._send_rtcp_pli(source.source)  # what aiortc does when a picture is lost
    await asyncio.sleep(0.5)
    assert hub.stats(HEARING, 1)["camera_keyframes"] == before + 1


async def test_the_answer_speaks_only_vp8_and_opus(hub: MediaHub) -> None:
    pc = hearing_peer_connection()  # offers every codec aiortc has (PCMU, PCMA, H264, ...)
    try:
        pc.addTransceiver(ToneTrack(tone_hz(1)), direction="sendrecv")
        pc.addTransceiver("video", direction="sendrecv")
        for _ in range(5):
            pc.addTransceiver("video", direction="recvonly")
        await pc.setLocalDescription(await pc.createOffer())
        offered = {
            line.split()[1].split("/")[0]
            for line in pc.localDescription.sdp.splitlines()
            if line.startswith("a=rtpmap:")
        }
        assert {"PCMU", "H264"} <= offered
        sdp, _ = await hub.connect(HEARING, 1, pc.localDescription.sdp, "offer")
        answered = {
            line.split()[1].split("/")[0]
            for line in sdp.splitlines()
            if line.startswith("a=rtpmap:")
        }
        assert answered == {"opus", "VP8", "rtx"}
    finally:
        await pc.close()


def test_a_host_returns_to_the_servers_own_default_profile() -> None:
    configured = VideoProfile(640, 480, 30)  # ODR_VIDEO_WIDTH/HEIGHT/FPS
    assert named("standard", configured) == configured
    assert named("low", configured) == LOW
    tiny = VideoProfile(120, 90, 5)
    assert named("low", tiny) == tiny  # "low" never raises a smaller default


def test_link_quality_counts_loss_on_what_is_received() -> None:
    stats = [
        RTCInboundRtpStreamStats(
            timestamp=NOW,
            type="inbound-rtp",
            id="a",
            ssrc=1,
            kind="audio",
            transportId="t",
            packetsReceived=90,
            packetsLost=10,
            jitter=0.0,
        ),
        RTCInboundRtpStreamStats(
            timestamp=NOW,
            type="inbound-rtp",
            id="v",
            ssrc=2,
            kind="video",
            transportId="t",
            packetsReceived=100,
            packetsLost=0,
            jitter=0.0,
        ),
        # What the server reports of our sending: its own direction, not counted as loss.
        RTCRemoteInboundRtpStreamStats(
            timestamp=NOW,
            type="remote-inbound-rtp",
            id="r",
            ssrc=3,
            kind="audio",
            transportId="t",
            packetsReceived=50,
            packetsLost=50,
            jitter=0.0,
            roundTripTime=0.12,
            fractionLost=0.5,
        ),
        RTCOutboundRtpStreamStats(
            timestamp=NOW,
            type="outbound-rtp",
            id="o",
            ssrc=3,
            kind="audio",
            transportId="t",
            packetsSent=10,
            bytesSent=4000,
            trackId="x",
        ),
    ]
    loss, rtt_ms, sent = link_quality(stats)
    assert loss == 10 / 200
    assert rtt_ms == 120.0
    assert sent == 4000
    assert link_quality([]) == (0.0, 0.0, 0)

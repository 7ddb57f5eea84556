"""Closing a peer connection while it gathers candidates closes the sockets it opened (aiortc
alone leaves them open until the garbage collector finds them: a descriptor leak)."""

from __future__ import annotations

import asyncio
import os

import pytest
from aiortc import RTCConfiguration, RTCPeerConnection
from aiortc.mediastreams import AudioStreamTrack

from signaling.media import gathering


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.parametrize("steps", [1, 2, 3, 5])
async def test_closing_while_gathering_leaves_no_socket_open(steps: int) -> None:
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.addTransceiver(AudioStreamTrack(), direction="sendrecv")
    offer = await pc.createOffer()
    before = open_descriptors()
    setting = asyncio.ensure_future(gathering.set_local(pc, offer))
    for _ in range(steps):  # part-way through the gathering
        await asyncio.sleep(0)
    setting.cancel()  # the caller gives up (a participant leaving), then the connection closes
    await gathering.close(pc)
    assert pc.connectionState == "closed"
    assert open_descriptors() == before


async def test_a_connection_closed_after_its_description_is_set_closes_normally() -> None:
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.addTransceiver(AudioStreamTrack(), direction="sendrecv")
    before = open_descriptors()
    await gathering.set_local(pc, await pc.createOffer())
    assert "a=candidate" in pc.localDescription.sdp
    assert open_descriptors() > before
    await gathering.close(pc)
    assert open_descriptors() == before


@pytest.mark.parametrize("steps", [1, 2, 3])
async def test_a_close_whose_caller_is_cancelled_still_ends_and_closing_again_works(
    steps: int,
) -> None:
    """A task cancelled while it closes a connection (a probe leaving while it renews its
    subscription) must not leave a half-closed one: closing it again returns, closed."""
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.addTransceiver(AudioStreamTrack(), direction="sendrecv")
    before = open_descriptors()
    await gathering.set_local(pc, await pc.createOffer())
    closing = asyncio.ensure_future(gathering.close(pc))
    for _ in range(steps):  # part-way through the closing
        await asyncio.sleep(0)
    closing.cancel()
    await asyncio.wait_for(gathering.close(pc), 10)
    assert pc.connectionState == "closed"
    assert open_descriptors() == before

"""A party on a weak village link joins a hearing served by a real ``odr serve`` and keeps
hearing the host's tone: under a bandwidth cap, random loss, 300 ms of delay each way, and
after 5 s of total loss, from which its ``odr probe`` comes back on its own (new socket, new
peer connection). The figures are printed by bench/weak_links.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from netlinks.conditions import CAP, DELAY, LOSS, OUTAGE, Condition, Measured, measure
from netlinks.world import HearingWorld

World = Callable[[int], Awaitable[HearingWorld]]

pytestmark = pytest.mark.heavy

STAY = 15.0  # seconds each probe stays


async def joined_and_hearing(world_for: World, condition: Condition) -> Measured:
    world = await world_for(condition.heartbeat_s)
    measured = await measure(world, condition, STAY)
    report = measured.report
    assert report["media_connected"], report["errors"]
    assert report["presence"] == "in_hearing"
    assert measured.run.heard_host(world.host_id), report["peers"]
    assert measured.join_s is not None  # it heard sound at all
    return measured


async def test_capped_link_keeps_the_sound(world_for: World) -> None:
    measured = await joined_and_hearing(world_for, CAP)
    assert measured.continuity >= 0.85, measured.run.continuity


async def test_lossy_link_loses_only_the_lost_packets(world_for: World) -> None:
    # 7 % of the packets lost: aiortc's own jitter buffer turned that into ~35 % of the frames
    # (continuity 0.57-0.67); signaling.media.jitter loses one frame per lost packet (~0.93).
    measured = await joined_and_hearing(world_for, LOSS)
    assert measured.continuity >= 0.8, measured.run.continuity


async def test_delayed_link_keeps_the_sound(world_for: World) -> None:
    measured = await joined_and_hearing(world_for, DELAY)
    # The socket crossed the relay (each way 300 ms); the media has no other way out either.
    assert measured.report["heartbeat_rtt_ms"]["median"] >= 600
    assert measured.continuity >= 0.9, measured.run.continuity


async def test_probe_comes_back_on_its_own_after_an_outage(world_for: World) -> None:
    measured = await joined_and_hearing(world_for, OUTAGE)
    assert measured.outage is not None
    start, end = measured.outage
    silence = measured.run.silence_around((start + end) / 2)
    assert silence is not None, measured.run.continuity  # the outage was real: nothing came
    recovery = measured.recovery_s()
    assert recovery is not None, measured.report  # sound came back before the probe left
    assert measured.report["reconnections"] >= 1  # dropped by the server, it joined again
    assert measured.after_outage() >= 0.8, measured.run.continuity

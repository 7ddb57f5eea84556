"""The hub enforces the routing on real media: who sees whom (slots, pictures) and who hears whom
(the level of each participant's tone in a receiver's one mixed track)."""

from __future__ import annotations

import asyncio

from media_support import HEARING, Join

from odr.domain.hearing import Allowed
from signaling.media import MediaHub, VideoProfile
from signaling.media.synthetic import SyntheticParticipant, tone_hz

HEARD = (
    400.0  # a tone of amplitude 3000 arrives at about 2100 (the client turns it to stereo: -3 dB)
)
SILENT = 150.0  # a heard tone that breaks up (busy machine) leaks a little into its neighbours


def everyone(ids: list[int]) -> dict[int, Allowed]:
    group = frozenset(ids)
    return {pid: Allowed(hear=group, see=group) for pid in ids}


def heard(client: SyntheticParticipant, ids: list[int]) -> set[int]:
    levels = {pid: client.media.tone_level(tone_hz(pid)) for pid in ids}
    unclear = {pid: level for pid, level in levels.items() if SILENT <= level <= HEARD}
    assert not unclear, f"{client.participant_id} hears {levels}"
    return {pid for pid, level in levels.items() if level > HEARD}


def seen(hub: MediaHub, client: SyntheticParticipant) -> set[int]:
    """Whom the hub shows this client, checked against the pictures that arrived in each slot."""
    slots = hub.slots(HEARING, client.participant_id)
    assert list(slots) == client.mids()
    received = client.media.slot_sources()
    for mid, pid in slots.items():
        assert received[mid] == ({pid % 8} if pid is not None else set()), (mid, slots, received)
    return {pid for pid in slots.values() if pid is not None}


async def test_everyone_sees_and_hears_the_others_but_not_themselves(
    hub: MediaHub, join: Join, slot_pushes: list[tuple[int, int, dict[str, int | None]]]
) -> None:
    ids = [1, 2, 3]
    hub.set_routing(HEARING, everyone(ids), frozenset(ids))
    clients = [await join(pid) for pid in ids]
    await asyncio.sleep(2.5)
    for client in clients:
        others = set(ids) - {client.participant_id}
        assert seen(hub, client) == others
        assert heard(client, ids) == others
        assert client.media.video_frames() > 10
    await asyncio.sleep(0)  # the last pushes ran: each receiver was told its final slot map
    last = {pid: slots for _, pid, slots in slot_pushes}
    assert last == {pid: hub.slots(HEARING, pid) for pid in ids}


async def test_a_muted_source_leaves_every_mix(hub: MediaHub, join: Join) -> None:
    ids = [1, 2, 3]
    hub.set_routing(HEARING, everyone(ids), frozenset(ids))
    clients = [await join(pid) for pid in ids]
    await asyncio.sleep(1.5)
    assert heard(clients[1], ids) == {1, 3}
    muted = {pid: Allowed(hear=frozenset({2, 3}), see=frozenset(ids)) for pid in ids}
    hub.set_routing(HEARING, muted, frozenset({2, 3}))
    await asyncio.sleep(1.3)
    assert heard(clients[0], ids) == {2, 3}
    assert heard(clients[1], ids) == {3}
    assert heard(clients[2], ids) == {2}
    assert seen(hub, clients[1]) == {1, 3}  # muted, still seen


async def test_a_receiver_allowed_nothing_gets_nothing_and_is_not_shown(
    hub: MediaHub, join: Join
) -> None:
    routing = everyone([1, 2])
    routing[3] = Allowed()  # in the lobby
    hub.set_routing(HEARING, routing, frozenset({1, 2}))
    one, two, lobby = [await join(pid) for pid in (1, 2, 3)]
    await asyncio.sleep(2.5)
    assert lobby.media.video_frames() == 0
    assert heard(lobby, [1, 2, 3]) == set()
    assert set(hub.slots(HEARING, 3).values()) == {None}
    assert seen(hub, one) == {2}
    assert heard(one, [1, 2, 3]) == {2}
    assert heard(two, [1, 2, 3]) == {1}


async def test_a_private_room_hears_and_sees_only_its_members(hub: MediaHub, join: Join) -> None:
    routing = everyone([1, 2]) | everyone([3, 4])  # 3 and 4 confer in private
    hub.set_routing(HEARING, routing, frozenset({1, 2}))
    clients = [await join(pid) for pid in (1, 2, 3, 4)]
    await asyncio.sleep(2.5)
    for client, partner in zip(clients, (2, 1, 4, 3), strict=True):
        assert seen(hub, client) == {partner}
        assert heard(client, [1, 2, 3, 4]) == {partner}


async def test_an_audio_only_receiver_gets_no_video(hub: MediaHub, join: Join) -> None:
    ids = [1, 2, 3]
    hub.set_routing(HEARING, everyone(ids), frozenset(ids))
    hub.set_audio_only(HEARING, 3, True)
    one, _two, three = [await join(pid, video=pid != 3) for pid in ids]
    await asyncio.sleep(2.5)
    assert three.media.video_frames() == 0
    assert set(hub.slots(HEARING, 3).values()) == {None}
    assert heard(three, ids) == {1, 2}
    assert seen(hub, one) == {2}  # 3 sends no camera: no slot for it
    assert heard(one, ids) == {2, 3}
    hub.set_audio_only(HEARING, 3, False)
    await asyncio.sleep(1.0)
    assert seen(hub, three) == {1, 2}


async def test_a_participant_reconnects_with_a_new_peer_connection(
    hub: MediaHub, join: Join
) -> None:
    ids = [1, 2]
    hub.set_routing(HEARING, everyone(ids), frozenset(ids))
    one = await join(1)
    first = await join(2)
    await asyncio.sleep(1.0)
    assert seen(hub, first) == {1}
    again = await join(2)  # same participant, new peer connection: the first one is closed
    await asyncio.sleep(0.5)
    stale = first.media.video_frames()
    await asyncio.sleep(1.5)
    assert stale > 0
    assert first.media.video_frames() == stale  # the old connection gets nothing any more
    assert seen(hub, again) == {1}
    assert heard(again, ids) == {1}
    one.media.clear_audio()
    await asyncio.sleep(1.1)
    assert heard(one, ids) == {2}


async def test_the_profile_scales_what_everyone_receives(hub: MediaHub, join: Join) -> None:
    ids = [1, 2]
    hub.set_routing(HEARING, everyone(ids), frozenset(ids))
    one, _two = [await join(pid) for pid in ids]
    await asyncio.sleep(1.5)
    assert {slot.size for slot in one.media.video.values() if slot.frames} == {(160, 120)}
    hub.set_profile(HEARING, VideoProfile(80, 60, 5))
    await asyncio.sleep(0.5)
    before = one.media.video_frames()
    await asyncio.sleep(1.0)
    assert {slot.size for slot in one.media.video.values() if slot.frames} == {(80, 60)}
    assert 0 < one.media.video_frames() - before <= 5 + 2  # 5 fps, not the camera's 15

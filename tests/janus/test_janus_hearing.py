"""Three real aiortc participants in one hearing through a real Janus: each sees the others'
cameras (forwarded by the VideoRoom) and hears the others in its mix (the AudioBridge), the
server mutes one and moves two into a private room through the Janus API, and the record
(the VideoRoom's .mjr, the AudioBridge's .wav) converts into files PyAV decodes."""

from __future__ import annotations

import asyncio

import av
import numpy as np
import pytest
from janus_support import HEARD, IDS, SILENT, Hearing, settle

from signaling.media.janus.record import convert, room_recordings, wait_closed
from signaling.media.synthetic import id_luma, luma_id, tone_amplitude, tone_hz

pytestmark = pytest.mark.heavy


def others(pid: int) -> set[int]:
    return set(IDS) - {pid}


async def test_each_participant_sees_and_hears_the_others_through_janus(hearing: Hearing) -> None:
    for pid, person in hearing.people.items():
        assert person.seen_ids() == others(pid)
        assert person.heard_ids(IDS) == others(pid)
    publishers = await hearing.room.publishers()
    assert {p["id"] for p in publishers} == set(IDS)
    assert {p["id"] for p in await hearing.bridge.participants()} == set(IDS)


async def test_a_muted_participant_leaves_the_mix_of_the_others(hearing: Hearing) -> None:
    one, two, three = (hearing.people[pid] for pid in IDS)
    await hearing.bridge.mute(2)
    await settle(lambda: max(one.tone_levels([2])[2], three.tone_levels([2])[2]) < SILENT)
    assert one.heard_ids(IDS) == {3}
    assert three.heard_ids(IDS) == {1}
    assert two.heard_ids(IDS) == {1, 3}  # a muted participant still hears the hearing
    muted = {p["id"]: p["muted"] for p in await hearing.bridge.participants()}
    assert muted == {1: False, 2: True, 3: False}

    await hearing.bridge.unmute(2)
    await settle(lambda: min(one.tone_levels([2])[2], three.tone_levels([2])[2]) > HEARD)
    for pid, person in hearing.people.items():
        assert person.heard_ids(IDS) == others(pid)


async def test_a_private_room_is_neither_heard_nor_seen_from_outside(hearing: Hearing) -> None:
    one, two, three = (hearing.people[pid] for pid in IDS)
    caucus = await hearing.new_bridge()
    for person in (one, two):
        await person.move_audio(hearing.bridge, caucus)
    hidden = {1: [3], 2: [3], 3: [1, 2]}  # whom each may no longer see
    for pid, feeds in hidden.items():
        await hearing.people[pid].show(hearing.room, {feed: False for feed in feeds})
    await settle(
        lambda: (
            max(one.tone_levels([3])[3], two.tone_levels([3])[3]) < SILENT
            and max(three.tone_levels([1, 2]).values()) < SILENT
        )
    )
    assert one.heard_ids(IDS) == {2}
    assert two.heard_ids(IDS) == {1}
    assert three.heard_ids(IDS) == set()
    assert {p["id"] for p in await caucus.participants()} == {1, 2}
    assert {p["id"] for p in await hearing.bridge.participants()} == {3}
    before = {pid: p.frames_by_feed() for pid, p in hearing.people.items()}
    await asyncio.sleep(1.0)
    after = {pid: p.frames_by_feed() for pid, p in hearing.people.items()}
    for pid, feeds in hidden.items():
        for feed in others(pid):
            grew = after[pid][feed] > before[pid][feed]
            assert grew == (feed not in feeds), (pid, feed, before[pid], after[pid])

    for person in (one, two):  # back into the hearing room
        await person.move_audio(caucus, hearing.bridge)
    for pid, feeds in hidden.items():
        await hearing.people[pid].show(hearing.room, {feed: True for feed in feeds})
    await settle(lambda: min(three.tone_levels([1, 2]).values()) > HEARD)
    await settle(lambda: all(len(p.seen_ids()) == 2 for p in hearing.people.values()))
    for pid, person in hearing.people.items():
        assert person.heard_ids(IDS) == others(pid)
        assert person.seen_ids() == others(pid)
    await caucus.destroy()


async def test_the_record_converts_into_files_pyav_decodes(hearing: Hearing) -> None:
    await asyncio.sleep(2.0)  # a few seconds of record
    rec_dir = hearing.janus.recordings
    wav = rec_dir / f"hearing-{hearing.bridge.room}.wav"
    await hearing.room.destroy()  # closes every recording of the room
    await hearing.bridge.destroy()
    await wait_closed(rec_dir, f"videoroom-{hearing.room.room}-")
    await wait_closed(rec_dir, wav.name)

    cameras = room_recordings(rec_dir, hearing.room.room)
    assert set(cameras) == set(IDS)
    for feed, files in cameras.items():
        webm = await convert(files[0], rec_dir / f"{files[0].stem}.webm")
        with av.open(str(webm)) as container:
            video = container.streams.video[0]
            assert video.codec_context.name == "vp8"
            frames = list(container.decode(video))
        assert len(frames) > 20
        luma = frames[-1].to_ndarray(format="gray")
        h, w = luma.shape
        level = float(luma[h // 4 : 3 * h // 4, w // 8 : 3 * w // 8].mean())
        assert luma_id(level) == feed % 8, (feed, level, id_luma(feed))

    with av.open(str(wav)) as container:
        audio = container.streams.audio[0]
        rate = int(audio.rate)
        samples = np.concatenate(
            [frame.to_ndarray().reshape(-1) for frame in container.decode(audio)]
        )
    assert len(samples) > 2 * rate
    last = samples[-rate:]  # the last second of the mix: everyone speaking
    levels = {pid: tone_amplitude(last, tone_hz(pid), rate) for pid in IDS}
    assert all(level > HEARD for level in levels.values()), levels

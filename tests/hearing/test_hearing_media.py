"""Real aiortc peers on loopback through the server's hub: who sees and hears whom.

Each probe sends a tone at ``tone_hz(its id)`` and a test picture; a receiver measures each
tone's level in its ONE mixed audio track and counts the frames the ``media`` slot map
attributes to each participant. 160x120 pictures keep the shared CPU free.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from typing import Any

import av
import numpy as np
from hearing_support import Join, make_hearing
from sqlmodel import col, select

from odr.services.startup import opened_store
from odr.settings import Settings
from odr.store.models import AuditEntry
from signaling.media.synthetic import tone_amplitude, tone_hz
from signaling.probe import HEARD_LEVEL, Probe

SETTLE = 2.0  # seconds of media to measure over


async def open_hearing(
    settings: Settings, join: Join, parties: tuple[str, ...] = ("applicant", "respondent")
) -> tuple[dict[str, Any], Probe, dict[str, Probe]]:
    """The mediator opens a hearing (in session) and the parties join and are admitted."""
    hearing = make_hearing(settings, interpreters=sum(p.startswith("interp") for p in parties))
    host = await join(hearing["id"], user="mediator", admit_all=True)
    assert (await host.emit("start"))["ok"]
    probes = {name: await join(hearing["id"], code=hearing["codes"][name]) for name in parties}
    for probe in probes.values():
        await probe.wait_for(lambda s: s["me"]["presence"] == "in_hearing")
    for probe in (host, *probes.values()):
        await probe.wait_media()
    return hearing, host, probes


async def measure(*probes: Probe, seconds: float = SETTLE) -> None:
    for probe in probes:
        probe.mark()
    await asyncio.sleep(seconds)


def hears(receiver: Probe, source: Probe) -> bool:
    level = receiver.tone_level(source.participant_id)
    if level < HEARD_LEVEL:
        print(f"{receiver.participant_id} hears {source.participant_id} at only {level:.0f}")
    return level >= HEARD_LEVEL


# Opus coding noise of the other voices in the mix reads up to ~110 at any tone (measured);
# a voice that is heard reads 600-1400 (3000 sent).
SILENT_LEVEL = 200.0


async def heard(receiver: Probe, *sources: Probe, within: float = 6.0) -> bool:
    """Polls: every source is heard in the receiver's mix within ``within`` seconds (a new
    peer connection or a slow, shared CPU can take a moment to fill the mix)."""
    deadline = asyncio.get_running_loop().time() + within
    while not all(receiver.tone_level(s.participant_id) >= HEARD_LEVEL for s in sources):
        if asyncio.get_running_loop().time() > deadline:
            return all([hears(receiver, s) for s in sources])  # prints the levels
        await asyncio.sleep(0.25)
    return True


def silent(receiver: Probe, source: Probe) -> bool:
    level = receiver.tone_level(source.participant_id)
    if level >= SILENT_LEVEL:
        print(f"{receiver.participant_id} should not hear {source.participant_id}: {level:.0f}")
    return level < SILENT_LEVEL


async def test_three_see_and_hear_each_other_and_a_recess_leaves_only_the_host(
    settings: Settings, join: Join
) -> None:
    _, host, probes = await open_hearing(settings, join)
    everyone = [host, *probes.values()]
    await measure(*everyone)
    for receiver in everyone:
        report = receiver.report()
        print(json.dumps({k: report[k] for k in ("participant_id", "self_tone_level", "peers")}))
        assert report["self_tone_level"] < SILENT_LEVEL, report  # mix-minus
        for source in everyone:
            if source is receiver:
                continue
            assert receiver.frames_from(source.participant_id) >= 5, report
            assert await heard(receiver, source), report
        assert report["audio_frames"] > 50
        # The slot map tells the truth: each slot shows the picture of the one it names
        # (test pictures carry their sender's id, modulo 8, in their grey level).
        assert receiver.received is not None
        for mid, source in receiver.slots.items():
            counts = receiver.received.video[mid].sources if mid in receiver.received.video else {}
            if source is not None:
                assert max(counts, key=counts.__getitem__) == source % 8, (mid, source, counts)
    # Each probe reports its link quality from getStats; the host sees everyone's.
    others = {p.participant_id for p in probes.values()}
    state = await host.wait_for(
        lambda s: all(p["quality"] for p in s["participants"] if p["id"] in others), 6
    )
    for p in state["participants"]:
        if p["id"] in others:
            assert 0 <= p["quality"]["loss"] < 0.5 and p["quality"]["bitrate_kbps"] > 0, p

    # A recess: the hearing room hears only its hosts; everyone is still seen.
    applicant, respondent = probes["applicant"], probes["respondent"]
    assert (await host.emit("pause"))["ok"]
    await respondent.wait_for(lambda s: s["state"] == "paused")
    await measure(host, applicant, respondent)
    assert silent(respondent, applicant) and silent(host, applicant) and silent(host, respondent)
    assert await heard(respondent, host)
    assert respondent.frames_from(applicant.participant_id) >= 5
    assert (await host.emit("resume"))["ok"]
    assert await heard(respondent, applicant)


async def test_lobby_receives_nothing_until_admitted(settings: Settings, join: Join) -> None:
    hearing, host, probes = await open_hearing(settings, join, ("applicant",))
    applicant = probes["applicant"]
    host.admit_all = False
    waiting = await join(hearing["id"], code=hearing["codes"]["respondent"])
    await waiting.wait_media()
    await measure(host, applicant, waiting)
    assert waiting.me["presence"] == "lobby"
    assert waiting.received is not None and waiting.received.video_frames() == 0
    assert silent(waiting, host) and silent(waiting, applicant)
    assert silent(host, waiting) and silent(applicant, waiting)
    assert host.frames_from(waiting.participant_id) == 0
    assert await heard(host, applicant)  # the room itself works meanwhile

    assert (await host.emit("admit", {"participant_id": waiting.participant_id}))["ok"]
    await waiting.wait_for(lambda s: s["me"]["presence"] == "in_hearing")
    await measure(host, applicant, waiting)
    assert await heard(waiting, host)
    assert await heard(waiting, applicant)
    assert await heard(host, waiting)
    assert waiting.frames_from(host.participant_id) >= 5
    assert waiting.frames_from(applicant.participant_id) >= 5


async def test_muted_is_heard_by_nobody_video_off_seen_by_nobody(
    settings: Settings, join: Join
) -> None:
    _, host, probes = await open_hearing(settings, join)
    applicant, respondent = probes["applicant"], probes["respondent"]
    assert (await host.emit("mute", {"participant_id": applicant.participant_id}))["ok"]
    await applicant.wait_for(lambda s: s["me"]["muted"])
    await measure(host, respondent)
    assert silent(host, applicant) and silent(respondent, applicant)
    assert await heard(host, respondent)
    assert await heard(respondent, host)
    assert respondent.frames_from(applicant.participant_id) >= 5  # still seen

    assert (await host.emit("unmute", {"participant_id": applicant.participant_id}))["ok"]
    await measure(host, respondent)
    assert await heard(host, applicant)
    assert await heard(respondent, applicant)

    # Video off: seen by nobody, still heard. Audio-only: receives no video and is not seen.
    assert (await host.emit("video_off", {"participant_id": applicant.participant_id}))["ok"]
    assert (await respondent.emit("audio_only", {"on": True}))["ok"]
    await applicant.wait_for(lambda s: s["me"]["video_off"])
    await respondent.wait_for(lambda s: s["me"]["audio_only"])
    await asyncio.sleep(0.5)  # frames already on the way
    await measure(host, respondent, applicant)
    assert host.frames_from(applicant.participant_id) == 0
    assert host.frames_from(respondent.participant_id) == 0
    assert applicant.frames_from(respondent.participant_id) == 0
    assert respondent.received is not None
    assert sum(respondent.frames_from(p.participant_id) for p in (host, applicant)) == 0
    assert applicant.frames_from(host.participant_id) >= 5
    assert await heard(respondent, applicant)
    assert await heard(host, respondent)


async def test_private_room_hears_only_its_members_and_a_dropped_member_rejoins_it(
    settings: Settings, join: Join
) -> None:
    _, host, probes = await open_hearing(
        settings, join, ("applicant", "respondent", "interpreter1")
    )
    applicant, respondent, interpreter = (
        probes["applicant"],
        probes["respondent"],
        probes["interpreter1"],
    )
    ack = await host.emit(
        "private_open", {"participant_ids": [host.participant_id, applicant.participant_id]}
    )
    room = ack["room"]
    await applicant.wait_for(lambda s: s["me"]["room"] == room)
    await measure(host, applicant, respondent, interpreter)
    assert await heard(host, applicant)
    assert await heard(applicant, host)
    assert silent(host, respondent) and silent(host, interpreter)
    assert silent(applicant, respondent) and silent(applicant, interpreter)
    assert silent(respondent, host) and silent(respondent, applicant)
    assert await heard(respondent, interpreter)
    assert await heard(interpreter, respondent)
    assert respondent.frames_from(host.participant_id) == 0
    assert respondent.frames_from(applicant.participant_id) == 0
    assert host.frames_from(applicant.participant_id) >= 5

    # The applicant's link drops: the others see it disconnected; it comes back by itself
    # (a new socket, a new peer connection) into the private room, without the host.
    pid = applicant.participant_id
    old_pc = applicant.pc
    await applicant.drop()
    await host.wait_for(
        lambda s: next(p for p in s["participants"] if p["id"] == pid)["presence"] == "disconnected"
    )
    back = await applicant.connect()
    assert back["me"]["room"] == room and back["me"]["presence"] == "in_private_room"
    await applicant.wait_media()
    assert applicant.pc is not old_pc
    await measure(host, applicant, respondent)
    assert await heard(host, applicant)
    assert await heard(applicant, host)
    assert silent(respondent, applicant)

    assert (await host.emit("private_close", {"room": room}))["ok"]
    await applicant.wait_for(lambda s: s["me"]["room"] == "hearing")
    await measure(respondent, applicant)
    assert await heard(respondent, applicant)
    assert await heard(applicant, respondent)


async def test_recording_plays_and_its_hash_is_in_the_audit_log(
    settings: Settings, join: Join
) -> None:
    hearing, host, probes = await open_hearing(settings, join, ("applicant",))
    applicant = probes["applicant"]
    ack = await host.emit("record", {"on": True})
    assert ack["ok"], ack
    await applicant.wait_for(lambda s: s["recording"])
    assert {"on": True} in applicant.recording_events
    await asyncio.sleep(2.5)
    stopped = await host.emit("record", {"on": False})
    assert stopped["ok"], stopped
    await applicant.wait_for(lambda s: not s["recording"])
    assert applicant.recording_events[-1] == {"on": False, "sha256": stopped["sha256"]}

    files = sorted(settings.recordings_dir.iterdir())
    assert len(files) == 1
    data = files[0].read_bytes()
    assert hashlib.sha256(data).hexdigest() == stopped["sha256"]
    with av.open(str(files[0])) as container:
        stream = container.streams.audio[0]
        samples = [
            frame.to_ndarray().astype(np.float64).mean(axis=0) for frame in container.decode(stream)
        ]
        duration = sum(len(s) for s in samples) / stream.rate
    assert duration > 1.5
    mix = np.concatenate(samples)[-stream.rate :]
    scale = 32768 if np.abs(mix).max() <= 1.0 else 1  # float samples in [-1, 1]
    assert tone_amplitude(mix * scale, tone_hz(applicant.participant_id), stream.rate) > 300

    with opened_store(settings) as (db, _):
        rows = db.read_sync(
            lambda s: list(s.exec(select(AuditEntry).where(AuditEntry.kind == "hearing.recording")))
        )
        order = db.read_sync(
            lambda s: list(s.exec(select(AuditEntry).order_by(col(AuditEntry.seq))))
        )
    entries = [json.loads(r.payload) for r in rows]
    assert [e["sha256"] for e in entries if e["hearing_id"] == hearing["id"]] == [stopped["sha256"]]
    assert entries[0]["started_at"] < entries[0]["ended_at"]
    assert order[-1].kind == "hearing.recording"

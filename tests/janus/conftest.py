"""A real Janus process (one per test module) and a hearing on it: three synthetic aiortc
participants publishing to one VideoRoom and one AudioBridge room, each subscribed to the
others' cameras. The tests skip when Janus is not installed."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest
from janus_proc import JanusProcess, only_media_address, running_janus
from janus_support import IDS, Hearing, JanusParticipant, next_room, settle

from signaling.media.janus import (
    AUDIOBRIDGE,
    VIDEOROOM,
    AudioBridge,
    JanusPluginError,
    JanusSession,
    VideoRoom,
)


@pytest.fixture(scope="module")
def janus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JanusProcess]:
    with running_janus(tmp_path_factory.mktemp("janus")) as process:
        yield process


@pytest.fixture
async def hearing(janus: JanusProcess) -> AsyncIterator[Hearing]:
    """Three participants in one hearing, media flowing (each sees and hears the others)."""
    room_id = next_room()
    with only_media_address():
        async with aiohttp.ClientSession() as http:
            session = await JanusSession.create(http, janus.url, api_secret=janus.api_secret)
            room = await VideoRoom.create(
                await session.attach(VIDEOROOM),
                room_id,
                secret=secrets.token_urlsafe(8),
                admin_key=janus.admin_key,
                record_dir=janus.recordings,
            )
            bridge = await AudioBridge.create(
                await session.attach(AUDIOBRIDGE),
                room_id,
                secret=secrets.token_urlsafe(8),
                admin_key=janus.admin_key,
                record_file=janus.recordings / f"hearing-{room_id}.wav",
            )
            people = {pid: JanusParticipant(pid, session) for pid in IDS}
            hearing = Hearing(janus, session, room, bridge, people)
            try:
                for person in people.values():
                    await person.join_audio(bridge)
                    await person.publish(room)
                for person in people.values():
                    await person.subscribe(
                        room, [pid for pid in IDS if pid != person.participant_id]
                    )
                await settle(lambda: all(flowing(p) for p in people.values()))
                yield hearing
            finally:
                for person in people.values():
                    await person.close()
                for made in (room, bridge):
                    with contextlib.suppress(JanusPluginError):  # the test may have done it
                        await made.destroy()
                await session.destroy()


def flowing(person: JanusParticipant) -> bool:
    """Pictures from both others and a second of the mix have arrived."""
    sources = person.seen.slot_sources()
    return (
        len(sources) == 2
        and all(len(s) == 1 for s in sources.values())
        and person.heard.audio_frames > 50
    )

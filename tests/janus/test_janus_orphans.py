"""A server on Janus SIGKILLed while recording: Janus keeps its rooms and goes on writing the
record (``.wav.tmp``). The next server to start destroys those rooms, so Janus closes the
record under its final name, and registers it as interrupted with its sha256 in the audit log;
rooms of another deployment on the same Janus are left alone."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from faults.faults_support import audit_entries, audit_verifies, rows, sha256
from hearing.hearing_support import ORIGIN, host_and_party, make_hearing
from janus_proc import JanusProcess, only_media_address
from procs import Server
from support import until

from odr.settings import Settings
from signaling.media.janus import AUDIOBRIDGE, VIDEOROOM, AudioBridge, JanusSession
from signaling.media.janus.orphans import RoomNames
from signaling.probe import Probe

pytestmark = [pytest.mark.heavy, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]


async def described_rooms(janus: JanusProcess) -> dict[int, str]:
    """Every room on Janus, both plugins: number -> description."""
    async with aiohttp.ClientSession() as http:
        session = await JanusSession.create(http, janus.url, api_secret=janus.api_secret)
        try:
            found: dict[int, str] = {}
            for plugin in (VIDEOROOM, AUDIOBRIDGE):
                handle = await session.attach(plugin)
                listed = await handle.request({"request": "list", "admin_key": janus.admin_key})
                found |= {int(r["room"]): str(r["description"]) for r in listed["list"]}
            return found
        finally:
            await session.destroy()


@pytest.fixture
async def other_deployment(janus: JanusProcess) -> AsyncIterator[int]:
    """A room another court's servers made on the same Janus, described as theirs."""
    names = RoomNames.of("https://other.example", janus.api_secret, janus.admin_key)
    async with aiohttp.ClientSession() as http:
        session = await JanusSession.create(http, janus.url, api_secret=janus.api_secret)
        try:
            bridge = await AudioBridge.create(
                await session.attach(AUDIOBRIDGE), 4242, secret=names.secret(4242),
                admin_key=janus.admin_key, description=names.description(1),
            )  # fmt: skip
            yield bridge.room
            await bridge.destroy()
        finally:
            await session.destroy()


async def test_a_killed_servers_janus_record_is_closed_and_registered_at_the_next_start(
    tmp_path: Path,
    settings: Settings,
    seeded: dict[str, Any],
    janus: JanusProcess,
    other_deployment: int,
) -> None:
    env = {"ODR_BASE_URL": ORIGIN, **janus.server_env()}
    hearing = make_hearing(settings)
    password = next(u["password"] for u in seeded["users"] if u["username"] == "mediator")
    folder = settings.recordings_dir
    with only_media_address():
        server = Server(settings.data_dir, settings.db_url, tmp_path / "odr.log", env)
        async with server:
            host = Probe(server.base_url, hearing["id"], origin=ORIGIN, admit_all=True)
            party = Probe(server.base_url, hearing["id"], origin=ORIGIN)
            try:
                await host_and_party(host, party, password, hearing["codes"]["applicant"])
                assert (await host.emit("start"))["ok"]
                assert await until(lambda: host.tone_level(party.participant_id) > 0)
                assert (await host.emit("record", {"on": True}))["ok"]
                await asyncio.sleep(2.0)
                server.kill()
            finally:
                for probe in (host, party):
                    await probe.close()
            ours = {n: d for n, d in (await described_rooms(janus)).items() if ORIGIN in d}
            assert len(ours) >= 2, ours  # the VideoRoom and the recorded AudioBridge room stay
            (writing,) = folder.glob("*.wav.tmp")  # and Janus goes on recording
            await asyncio.sleep(0.5)
            assert writing.exists() and not list(folder.glob("*.wav"))

            await server.start()  # the next start sweeps the dead process's rooms
            left = await described_rooms(janus)
            assert not set(ours) & set(left), left
            assert other_deployment in left  # another court's room is not ours to destroy
            assert not list(folder.glob("*.tmp"))
            (record,) = folder.glob(f"hearing-{hearing['id']}-*.wav")
            data = record.read_bytes()
            assert data[:4] == b"RIFF" and len(data) > 44

            relative = str(record.relative_to(settings.data_dir))
            found = rows(settings.db_url, "SELECT path, sha256, size, complete FROM recording")
            assert [tuple(r) for r in found] == [(relative, sha256(data), len(data), 0)]
            (entry,) = audit_entries(settings.db_url, "hearing.recording_interrupted")
            assert (entry["path"], entry["sha256"]) == (relative, sha256(data))
            server.kill()
    await audit_verifies(settings.data_dir, settings.db_url)

"""The real ``odr serve`` with ``ODR_MEDIA_BACKEND=janus`` driving a real Janus: three probes of
one hearing (each with Janus's three peer connections, offered and answered through the
signaling) hear and see each other through Janus; the host's mute takes a voice out of the
others' mix; a private room is neither heard nor seen by the one left outside; the record is
Janus's .wav of the hearing room, its sha256 in the audit log."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from hearing.hearing_support import ORIGIN, make_hearing
from janus_proc import JanusProcess, only_media_address
from procs import Server
from sqlmodel import select
from support import until

from odr.services.startup import opened_store
from odr.settings import Settings
from odr.store.models import AuditEntry
from signaling.probe import HEARD_LEVEL, Probe

pytestmark = [pytest.mark.heavy, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]
SILENT_LEVEL = 100.0


def receives(receiver: Probe, source: Probe) -> bool:
    pid = source.participant_id
    return receiver.tone_level(pid) >= HEARD_LEVEL and receiver.frames_from(pid) > 10


def hears(receiver: Probe, source: Probe) -> bool:
    return receiver.tone_level(source.participant_id) >= HEARD_LEVEL


def silent(receiver: Probe, source: Probe) -> bool:
    return receiver.tone_level(source.participant_id) < SILENT_LEVEL


@pytest.fixture
async def people(
    tmp_path: Path, settings: Settings, seeded: dict[str, Any], janus: JanusProcess
) -> AsyncIterator[tuple[dict[str, Any], dict[str, Probe]]]:
    env = {"ODR_BASE_URL": ORIGIN, **janus.server_env()}
    hearing = make_hearing(settings)
    password = next(u["password"] for u in seeded["users"] if u["username"] == "mediator")
    with only_media_address():
        async with Server(settings.data_dir, settings.db_url, tmp_path / "odr.log", env) as server:
            probes = {
                name: Probe(server.base_url, hearing["id"], origin=ORIGIN, admit_all=name == "host")
                for name in ("host", "applicant", "respondent")
            }
            try:
                await probes["host"].login_user("mediator", password)
                await probes["host"].connect()
                for name in ("applicant", "respondent"):
                    await probes[name].login_code(hearing["codes"][name])
                    await probes[name].connect()
                    await probes[name].wait_for(lambda s: s["me"]["presence"] == "in_hearing")
                assert probes["host"].state is not None
                assert probes["host"].state["media"] == "janus"
                assert (await probes["host"].emit("start"))["ok"]
                yield hearing, probes
            finally:
                for probe in probes.values():
                    await probe.close()
                print(server.tail(60))


async def test_three_probes_through_janus_mute_caucus_and_record(
    settings: Settings, people: tuple[dict[str, Any], dict[str, Probe]]
) -> None:
    hearing, probes = people
    host, applicant, respondent = probes["host"], probes["applicant"], probes["respondent"]
    for receiver in probes.values():
        for source in probes.values():
            if source is not receiver:
                heard = await until(functools.partial(receives, receiver, source))
                assert heard, receiver.report()

    # The host mutes the applicant: gone from the others' mix; the applicant still hears.
    assert (await host.emit("mute", {"participant_id": applicant.participant_id}))["ok"]
    assert await until(lambda: silent(host, applicant) and silent(respondent, applicant))
    assert hears(applicant, host) and hears(applicant, respondent), applicant.report()
    assert (await host.emit("unmute", {"participant_id": applicant.participant_id}))["ok"]
    assert await until(lambda: hears(host, applicant) and hears(respondent, applicant))

    # A caucus of the host and the applicant: the respondent neither hears nor sees them.
    ids = [host.participant_id, applicant.participant_id]
    opened = await host.emit("private_open", {"participant_ids": ids})
    assert opened["ok"], opened
    assert await until(lambda: silent(respondent, host) and silent(respondent, applicant))
    assert await until(lambda: hears(applicant, host) and silent(applicant, respondent))
    before = respondent.frames_from(host.participant_id)
    await asyncio.sleep(1.5)
    assert respondent.frames_from(host.participant_id) == before
    assert (await host.emit("private_close", {"room": opened["room"]}))["ok"]
    assert await until(lambda: hears(respondent, host) and hears(respondent, applicant))

    # The record: the hearing room's mix from Janus, hashed into the audit log.
    assert (await host.emit("record", {"on": True}))["ok"]
    await asyncio.sleep(2.5)
    stopped = await host.emit("record", {"on": False})
    assert stopped["ok"], stopped
    files = sorted(settings.recordings_dir.glob("*.wav"))
    assert len(files) == 1, list(settings.recordings_dir.iterdir())
    assert hashlib.sha256(files[0].read_bytes()).hexdigest() == stopped["sha256"]
    with opened_store(settings) as (db, _):
        rows = db.read_sync(
            lambda s: list(s.exec(select(AuditEntry).where(AuditEntry.kind == "hearing.recording")))
        )
    entries = [json.loads(r.payload) for r in rows]
    assert [e["sha256"] for e in entries if e["hearing_id"] == hearing["id"]] == [stopped["sha256"]]
    assert not any(p.errors for p in probes.values()), {n: p.errors for n, p in probes.items()}

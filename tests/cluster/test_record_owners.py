"""Who registers a hearing record when several ``odr serve`` processes share the data folder.

Process A owns a hearing and records it while process B starts again twice: B's start-up sweep
leaves A's record alone (A holds the hearing's lease), and when A stops it the record is
registered once, complete, with the sha256 of the whole file. A records again and is SIGKILLed:
B, taking the hearing over, registers that record once as interrupted, with the hash of the file
as the kill left it; A started again registers nothing more, and ``odr audit verify`` passes.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from faults.faults_support import audit_entries, audit_verifies, rows, sha256
from hearing.hearing_support import ORIGIN, make_hearing
from procs import Server

from odr.settings import Settings
from signaling.probe import Probe

pytestmark = [pytest.mark.heavy, pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)]

Registered = dict[str, list[tuple[str, bool]]]


def registered(db_url: str) -> Registered:
    """Every recording row: path -> [(sha256, complete), ...]."""
    found: Registered = {}
    for path, digest, complete in rows(db_url, "SELECT path, sha256, complete FROM recording"):
        found.setdefault(path, []).append((digest, bool(complete)))
    return found


def audited(db_url: str, kind: str) -> list[str]:
    """The paths of the audit entries of ``kind`` (``hearing.recording``, ``..._interrupted``)."""
    return [entry["path"] for entry in audit_entries(db_url, kind)]


async def registered_within(db_url: str, path: str, seconds: float = 30) -> Registered:
    """The rows once ``path`` has one (or after ``seconds``)."""
    for _ in range(int(seconds / 0.25)):
        found = registered(db_url)
        if path in found:
            return found
        await asyncio.sleep(0.25)
    return registered(db_url)


def new_file(folder: Path, before: set[Path]) -> Path:
    (path,) = set(folder.iterdir()) - before
    return path


async def test_a_record_is_registered_once_by_its_writer_or_by_the_process_taking_over(
    servers: tuple[Server, Server], settings: Settings, seeded: dict[str, Any]
) -> None:
    a, b = servers
    db_url, data_dir = settings.db_url, settings.data_dir
    folder = settings.recordings_dir
    made = make_hearing(settings)
    password = next(u["password"] for u in seeded["users"] if u["username"] == "mediator")
    host = Probe(
        a.base_url, made["id"], origin=ORIGIN, admit_all=True, reconnect=True, servers=(b.base_url,)
    )
    party = Probe(a.base_url, made["id"], origin=ORIGIN, reconnect=True, servers=(b.base_url,))
    try:
        await host.login_user("mediator", password)
        await host.connect()
        await party.login_code(made["codes"]["applicant"])
        await party.connect()
        assert (await host.emit("start"))["ok"]
        await party.wait_for(lambda s: s["me"]["presence"] == "in_hearing", 20)
        await host.wait_media(within=20)

        # A records; B starts again twice meanwhile (its start-up sweep runs each time).
        before = set(folder.iterdir()) if folder.exists() else set()
        assert (await host.emit("record", {"on": True}))["ok"]
        await asyncio.sleep(1)
        for _ in range(2):
            b.kill()
            await b.start()
        for probe in (host, party):  # the load balancer learns B's new address
            probe.servers = [a.base_url, b.base_url]
        await asyncio.sleep(1)
        stopped = await host.emit("record", {"on": False})
        assert stopped["ok"], stopped
        whole = new_file(folder, before)
        relative = str(whole.relative_to(data_dir))
        digest = sha256(whole.read_bytes())
        assert stopped["sha256"] == digest
        assert registered(db_url) == {relative: [(digest, True)]}
        assert audited(db_url, "hearing.recording") == [relative]
        assert audited(db_url, "hearing.recording_interrupted") == []

        # A records again and dies: B takes the hearing over (the host and the party come
        # back there) and registers the record A left, once, as interrupted.
        before = set(folder.iterdir())
        assert (await host.emit("record", {"on": True}))["ok"]
        await asyncio.sleep(2)
        a.kill()
        cut = new_file(folder, before)
        cut_relative = str(cut.relative_to(data_dir))
        left = cut.read_bytes()
        found = await registered_within(db_url, cut_relative)
        assert found.get(cut_relative) == [(sha256(left), False)], (found, b.tail())

        await a.start()  # its start-up sweep: nothing left to register
        found = registered(db_url)
        assert found == {relative: [(digest, True)], cut_relative: [(sha256(left), False)]}
        assert audited(db_url, "hearing.recording_interrupted") == [cut_relative]
        assert audited(db_url, "hearing.recording") == [relative]
        assert cut.read_bytes() == left and sha256(whole.read_bytes()) == digest
        await audit_verifies(data_dir, db_url)
    finally:
        await host.close()
        await party.close()

"""A hearing through coturn: the real ``odr serve`` hands out TURN credentials for coturn, and
two probes that gather relay candidates only (no host socket at all: aiortc's ``relay`` ICE
transport policy) join, and hear and see each other through the hub. coturn's log shows one
allocation per participant, named after the participant and the hearing, relaying to the
hub's address. A server whose credentials are expired on arrival (its clock behind coturn's by
more than their lifetime) gets a clear, translated ``turn_credential_expired`` from the probe
and from ``odr probe --relay-only``, not a connection that waits in vain."""

from __future__ import annotations

import asyncio
import functools
import re
from asyncio.subprocess import PIPE
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from coturn_proc import RELAY_ADDRESS, CoturnProcess, denied
from hearing.hearing_support import ORIGIN, host_and_party, make_hearing
from procs import ODR, Server, odr_env
from support import until

from odr.i18n import translate
from odr.settings import Settings
from signaling.ice import turn_user
from signaling.probe import HEARD_LEVEL, Probe

pytestmark = [pytest.mark.heavy, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]


@pytest.fixture
async def turn_server(
    tmp_path: Path, settings: Settings, seeded: dict[str, Any], coturn: CoturnProcess
) -> AsyncIterator[Callable[..., Any]]:
    """``await turn_server(ttl)``: ``odr serve`` on the seeded data, its ICE servers coturn's."""
    started: list[Server] = []

    async def start(ttl: int = 600) -> Server:
        env = {
            "ODR_BASE_URL": ORIGIN,
            "ODR_ICE_URLS": coturn.urls,
            "ODR_TURN_SECRET": coturn.secret,
            "ODR_TURN_TTL_SECONDS": str(ttl),
        }
        server = Server(settings.data_dir, settings.db_url, tmp_path / f"odr-{ttl}.log", env)
        started.append(server)
        await server.start()
        return server

    yield start
    for server in started:
        server.kill()


def local_candidates(probe: Probe) -> list[Any]:
    assert probe.pc is not None
    transports = {t.sender.transport.transport for t in probe.pc.getTransceivers()}
    return [c for t in transports for c in t.iceGatherer.getLocalCandidates()]


def receives(receiver: Probe, source: Probe) -> bool:
    """The receiver hears the source's tone and has seen its pictures."""
    pid = source.participant_id
    return receiver.tone_level(pid) >= HEARD_LEVEL and receiver.frames_from(pid) > 10


def usage(log: str, user: str) -> dict[str, dict[str, int]]:
    """coturn's byte counts of ``user``'s allocation, logged when it is deleted: ``client``
    (from and to the probe) and ``peer`` (from and to the hub)."""
    found: dict[str, dict[str, int]] = {}
    for kind, counts in re.findall(
        rf"(usage|peer usage): realm=<[^>]*>, username=<\d+:{user}>, (.*)", log
    ):
        found["peer" if kind == "peer usage" else "client"] = {
            name: int(value) for name, value in re.findall(r"(\w+)=(\d+)", counts)
        }
    return found


async def test_relay_only_probes_hear_and_see_each_other_through_coturn(
    turn_server: Callable[..., Any],
    settings: Settings,
    seeded: dict[str, Any],
    coturn: CoturnProcess,
) -> None:
    server = await turn_server()
    hearing = make_hearing(settings)
    hid = hearing["id"]
    password = next(u["password"] for u in seeded["users"] if u["username"] == "mediator")
    host = Probe(server.base_url, hid, origin=ORIGIN, admit_all=True, relay_only=True)
    party = Probe(server.base_url, hid, origin=ORIGIN, relay_only=True)
    try:
        await host_and_party(host, party, password, hearing["codes"]["applicant"])
        for probe in (host, party):
            await probe.wait_media(20)
            candidates = local_candidates(probe)  # nothing but the relay: no host socket at all
            kinds = {(c.type, c.ip) for c in candidates}
            assert candidates and kinds == {("relay", RELAY_ADDRESS)}, kinds
        for receiver, source in ((host, party), (party, host)):
            heard = await until(functools.partial(receives, receiver, source))
            assert heard, receiver.report()
        assert not host.errors and not party.errors, (host.errors, party.errors)
    finally:
        await host.close()
        await party.close()

    # coturn relayed it: one allocation per participant of this hearing, relaying to the hub
    # (an address the configuration allows), both ways; the counts come when it is deleted.
    users = [turn_user(hid, probe.participant_id) for probe in (host, party)]
    assert await until(lambda: all(len(usage(coturn.log_text(), u)) == 2 for u in users))
    log = coturn.log_text()
    for user in users:
        assert re.search(rf"user <\d+:{user}>: incoming packet ALLOCATE processed, success", log)
        counts = usage(log, user)
        assert min(counts["client"]["rp"], counts["client"]["sp"]) > 20, counts
        assert min(counts["peer"]["rp"], counts["peer"]["sp"]) > 20, counts
    peers = set(re.findall(r"peer (\S+):\d+ lifetime updated", log))
    assert peers and all(p == RELAY_ADDRESS or not denied(p) for p in peers), peers


async def test_an_expired_credential_is_refused_with_a_clear_error(
    turn_server: Callable[..., Any], settings: Settings, coturn: CoturnProcess
) -> None:
    server = await turn_server(ttl=-60)  # expired on arrival: its clock is behind coturn's
    hearing = make_hearing(settings)
    hid, code = hearing["id"], hearing["codes"]["applicant"]
    probe = Probe(server.base_url, hid, origin=ORIGIN, relay_only=True, lang="en")
    try:
        await probe.login_code(code)
        await probe.connect()
        await probe.wait_for(lambda s: bool(probe.errors))
        (error,) = probe.errors
        assert error == {
            "code": "turn_credential_expired",
            "message": translate("error.turn_credential_expired", "en"),
        }
        assert probe.pc is None or probe.pc.connectionState != "connected"
        user = turn_user(hid, probe.participant_id)
    finally:
        await probe.close()
    refused = rf"user <\d+:{user}>: incoming packet \w+ processed, error 401"
    assert re.search(refused, coturn.log_text())  # coturn refused it, and said no more

    # odr probe says so at once, in the operator's language, and fails.
    argv = ["probe", "--server", server.base_url, "--origin", ORIGIN, "--hearing", str(hid)]
    argv += ["--code", code, "--relay-only", "--seconds", "60"]
    for lang in ("zh-CN", "en"):
        child = await asyncio.create_subprocess_exec(
            ODR, *argv, "--lang", lang, stdout=PIPE, stderr=PIPE, env=odr_env()
        )
        _, err = await asyncio.wait_for(child.communicate(), 30)
        assert child.returncode == 2
        expected = translate(
            "cli.probe.failed",
            lang,
            message=translate("error.turn_credential_expired", lang),
            code="turn_credential_expired",
        )
        assert err.decode().strip() == expected

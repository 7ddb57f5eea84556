"""Two ``odr serve`` processes, one hearing: probes on different processes hear and see each
other through the hearing's owner, and when the owner is SIGKILLed its participants come back
on the other process (the probes' list of servers stands in for the load balancer), the room
is restored from its snapshot (who is where, who is muted, who holds the chair) and media flows
again through the new owner's hub."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest
import redis
from hearing.hearing_support import ORIGIN, make_hearing
from procs import Server
from support import until

from odr.settings import Settings
from signaling.probe import HEARD_LEVEL, Probe

pytestmark = [pytest.mark.heavy, pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)]

SILENT_LEVEL = 200.0  # Opus noise of the other voices reads up to ~110 (tests/hearing)


def hears(receiver: Probe, source: Probe) -> bool:
    return receiver.tone_level(source.participant_id) >= HEARD_LEVEL


def not_heard(receiver: Probe, source_id: int) -> bool:
    """Only the coding noise of the other voices at the source's tone, over a full window of
    audio received after ``mark`` (what was in flight before does not count)."""
    window = receiver.received is not None and len(receiver.received.recent_audio(1.5)) > 48000
    return window and receiver.tone_level(source_id) < SILENT_LEVEL


def sees(receiver: Probe, source: Probe) -> bool:
    return receiver.frames_from(source.participant_id) > 10


async def media_flows(probes: list[Probe]) -> None:
    """Everyone hears and sees everyone else (measured from now on)."""
    for probe in probes:
        probe.mark()
    for receiver in probes:
        for source in probes:
            if source is not receiver:
                assert await until(receives(receiver, source)), receiver.report()


def receives(receiver: Probe, source: Probe) -> Callable[[], bool]:
    return lambda: hears(receiver, source) and sees(receiver, source)


def three_in_hearing(state: dict[str, Any]) -> bool:
    people = state["participants"]
    return len(people) == 3 and all(p["presence"] == "in_hearing" for p in people)


async def back(probe: Probe) -> None:
    """The probe came again on a new socket, the room is whole, its media connected."""
    assert await until(lambda: probe.reconnections >= 1, within=30), probe.report()
    await probe.wait_for(three_in_hearing, within=30)
    await probe.wait_media(within=30)


@dataclass
class Hearing:
    """One hearing in session on two processes: the host and the respondent on A (which owns
    the hearing: the host came first), the applicant on B (relayed to A)."""

    id: int
    redis_url: str
    host: Probe
    applicant: Probe
    respondent: Probe

    @property
    def everyone(self) -> list[Probe]:
        return [self.host, self.applicant, self.respondent]

    def owner(self) -> bytes | None:
        """The token of the process holding the hearing's lease."""
        with redis.Redis.from_url(self.redis_url) as client:
            value = client.get(f"odr:5:lease:{self.id}")
        return value if isinstance(value, bytes) else None


@pytest.fixture
async def hearing(
    servers: tuple[Server, Server], settings: Settings, seeded: dict[str, Any], redis_url: str
) -> AsyncIterator[Hearing]:
    a, b = servers
    made = make_hearing(settings)
    password = next(u["password"] for u in seeded["users"] if u["username"] == "mediator")
    probes: list[Probe] = []

    def probe(on: Server, other: Server, **options: Any) -> Probe:
        one = Probe(
            on.base_url,
            made["id"],
            origin=ORIGIN,
            reconnect=True,
            servers=(other.base_url,),
            **options,
        )
        probes.append(one)
        return one

    try:
        host = probe(a, b, admit_all=True)
        await host.login_user("mediator", password)
        await host.connect()
        applicant, respondent = probe(b, a), probe(a, b)
        await applicant.login_code(made["codes"]["applicant"])
        await respondent.login_code(made["codes"]["respondent"])
        await applicant.connect()
        await respondent.connect()
        assert (await host.emit("start"))["ok"]
        for p in probes:
            await p.wait_for(three_in_hearing, within=20)
            await p.wait_media(within=20)
        yield Hearing(made["id"], redis_url, host, applicant, respondent)
    finally:
        for p in probes:
            await p.close()


async def test_two_processes_share_a_hearing_and_survive_the_loss_of_its_owner(
    servers: tuple[Server, Server], hearing: Hearing
) -> None:
    a, b = servers
    host, applicant, respondent = hearing.host, hearing.applicant, hearing.respondent
    everyone = hearing.everyone
    owner = hearing.owner()
    assert owner is not None  # one process holds the hearing
    await media_flows(everyone)  # the applicant's media goes to A's hub, relayed by B's socket

    # The host mutes the respondent: nobody hears it any more.
    respondent_id = respondent.participant_id
    assert (await host.emit("mute", {"participant_id": respondent_id}))["ok"]
    await applicant.wait_for(lambda s: any(p["muted"] for p in s["participants"]))
    applicant.mark()
    assert await until(lambda: hears(applicant, host) and not_heard(applicant, respondent_id))

    # A dies: the host and the respondent come back on B; B takes the hearing over and the
    # applicant's socket (relayed to A until now) comes again too.
    a.kill()
    for p in everyone:
        await back(p)
    assert all(p.server == b.base_url for p in everyone)
    assert hearing.owner() not in (None, owner)

    # The room survived: the respondent is still muted, the host still holds the chair.
    assert respondent.me["muted"] and respondent.me["room"] == "hearing"
    assert host.me["is_chair"] and host.me["is_host"]
    assert applicant.participant(respondent_id)["muted"]
    applicant.mark()
    assert await until(
        lambda: (
            hears(applicant, host)
            and sees(applicant, respondent)
            and not_heard(applicant, respondent_id)
        )
    )

    # The host's rights work on the new owner: unmuted, the respondent is heard again.
    assert (await host.emit("unmute", {"participant_id": respondent_id}))["ok"]
    await respondent.wait_for(lambda s: not s["me"]["muted"])
    await media_flows(everyone)
    # The only errors: the sockets told to come again (the new owner's, and A's watchdog).
    codes = {e.get("code") for p in everyone for e in p.errors}
    assert codes <= {"signal_heartbeat_lost"}, [p.errors for p in everyone]


async def test_the_loss_of_a_relaying_process_leaves_the_owner_in_charge(
    servers: tuple[Server, Server], hearing: Hearing
) -> None:
    a, b = servers
    host, applicant, respondent = hearing.host, hearing.applicant, hearing.respondent
    owner = hearing.owner()
    assert (await host.emit("mute", {"participant_id": respondent.participant_id}))["ok"]
    b.kill()  # the applicant's process: it comes back on A, the owner, which kept the room
    await back(applicant)
    assert applicant.server == a.base_url and hearing.owner() == owner
    assert host.reconnections == 0 and respondent.reconnections == 0
    assert applicant.participant(respondent.participant_id)["muted"]
    assert (await host.emit("unmute", {"participant_id": respondent.participant_id}))["ok"]
    await applicant.wait_for(lambda s: not any(p["muted"] for p in s["participants"]))
    await media_flows(hearing.everyone)

"""The coturn configuration's two rules, driven with aioice's TURN client and the product's own
credentials (`signaling.ice`): relaying to a loopback, private, link-local, shared or
documentation address (the shipped docker/coturn/turnserver.conf's list) is refused (403
Forbidden IP) while the one allowed address is relayed to, both ways; and an expired
credential gets no allocation at all (401)."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from typing import Any

import pytest
from aioice import stun
from aioice.turn import create_turn_endpoint
from coturn_proc import RELAY_ADDRESS, CoturnProcess

from odr.settings import Settings
from signaling.ice import ice_servers, turn_user

FORBIDDEN_PEERS = (
    "127.0.0.1",
    "127.8.9.10",
    "10.1.2.3",
    "172.16.0.9",
    "192.168.1.1",
    "169.254.1.1",
    "100.64.0.1",
    "0.1.2.3",
    "192.0.2.9",  # documentation ranges, and the allowed address's neighbour: exact exceptions
    "198.51.100.77",
    "224.0.0.1",
)


class Peer(asyncio.DatagramProtocol):
    """Both ends of a test: what arrives, and each failed send's exception."""

    def __init__(self) -> None:
        self.received: asyncio.Queue[tuple[bytes, tuple[str, int]]] = asyncio.Queue()
        self.failures: asyncio.Queue[Exception] = asyncio.Queue()

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.received.put_nowait((data, addr))

    def error_received(self, exc: Exception) -> None:
        self.failures.put_nowait(exc)


def credential(coturn: CoturnProcess, ttl: int) -> dict[str, Any]:
    """The TURN entry of the ``iceServers`` the server would hand participant 7 of hearing 3."""
    settings = Settings(ice_urls=tuple(coturn.urls.split(",")), turn_secret=coturn.secret)
    settings = dataclasses.replace(settings, turn_ttl_seconds=ttl)
    (turn,) = ice_servers(settings, turn_user(3, 7), time.time())
    return turn


async def allocate(coturn: CoturnProcess, turn: dict[str, Any]) -> tuple[Any, Peer]:
    return await create_turn_endpoint(
        Peer, (coturn.host, coturn.port), turn["username"], turn["credential"]
    )


async def test_relaying_to_loopback_and_private_peers_is_forbidden(coturn: CoturnProcess) -> None:
    relay, client = await allocate(coturn, credential(coturn, 600))
    loop = asyncio.get_running_loop()
    public, outside = await loop.create_datagram_endpoint(Peer, local_addr=(RELAY_ADDRESS, 0))
    try:
        relayed_host, relayed_port = relay.get_extra_info("sockname")
        assert relayed_host == RELAY_ADDRESS

        # The allowed address is relayed to, and its answer comes back through the relay.
        relay.sendto(b"to the hub", public.get_extra_info("sockname"))
        data, source = await asyncio.wait_for(outside.received.get(), 5)
        assert data == b"to the hub" and source == (RELAY_ADDRESS, relayed_port)
        public.sendto(b"from the hub", source)
        data, _ = await asyncio.wait_for(client.received.get(), 5)
        assert data == b"from the hub"

        # Every loopback or private peer: the channel binding is refused, nothing is relayed.
        for peer in FORBIDDEN_PEERS:
            relay.sendto(b"to a private peer", (peer, 9))
            failure = await asyncio.wait_for(client.failures.get(), 5)
            assert isinstance(failure, stun.TransactionFailed), (peer, failure)
            assert failure.response.attributes["ERROR-CODE"] == (403, "Forbidden IP"), peer
    finally:
        public.close()
        relay.close()


async def test_an_expired_credential_gets_no_allocation(coturn: CoturnProcess) -> None:
    turn = credential(coturn, -60)  # issued a minute ago with no time left
    assert turn["username"].endswith(":h3-p7")
    with pytest.raises(stun.TransactionFailed) as refused:
        await allocate(coturn, turn)
    assert refused.value.response.attributes["ERROR-CODE"][0] == 401
    relay, _ = await allocate(coturn, credential(coturn, 600))  # the same user, in time: yes
    relay.close()

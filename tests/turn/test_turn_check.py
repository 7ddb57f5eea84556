"""Why a relay-only offer cannot get through (`signaling.turn_check`), on real offers: aiortc's
own SDP from a relay-only peer connection that had no TURN server, and the candidate lines of
one that had (pure logic: no TURN server needed)."""

from __future__ import annotations

import time

from aiortc import RTCIceServer

from signaling.media.synthetic import add_hearing_transceivers, hearing_peer_connection
from signaling.turn_check import credential_expiry, relay_problem, turn_error

NOW = 1_800_000_000.0
RELAY = "a=candidate:1 1 udp 16777215 198.51.100.1 50000 typ relay raddr 0.0.0.0 rport 0"
HOST = "a=candidate:2 1 udp 2130706431 192.0.2.2 40000 typ host"


def turn(expiry: int) -> dict[str, object]:
    return {"urls": ["turn:t:3478"], "username": f"{expiry}:h1-p2", "credential": "c2VjcmV0"}


async def relay_only_offer(servers: list[RTCIceServer]) -> str:
    pc = hearing_peer_connection(servers, relay_only=True)
    try:
        add_hearing_transceivers(pc, None, None)
        await pc.setLocalDescription(await pc.createOffer())
        return str(pc.localDescription.sdp)
    finally:
        await pc.close()


async def test_relay_only_gathers_no_host_candidate() -> None:
    sdp = await relay_only_offer([])
    assert "a=candidate:" not in sdp  # relay only, and no TURN server: nothing at all
    assert relay_problem(sdp, [], time.time()) == "turn_unavailable"


def test_an_offer_with_a_relay_candidate_has_no_problem() -> None:
    assert relay_problem(f"v=0\r\n{HOST}\r\n{RELAY}\r\n", [turn(int(NOW) - 5)], NOW) is None


def test_no_relay_candidate_is_told_apart_by_the_credential_expiry() -> None:
    sdp = f"v=0\r\n{HOST}\r\n"
    assert relay_problem(sdp, [turn(int(NOW) - 1)], NOW) == "turn_credential_expired"
    assert relay_problem(sdp, [turn(int(NOW) + 600)], NOW) == "turn_unavailable"
    stun_only = [{"urls": ["stun:t:3478"]}]
    assert relay_problem(sdp, stun_only, NOW) == "turn_unavailable"  # no TURN given at all
    odd = [{"urls": ["turn:t"], "username": "alice", "credential": "x"}]
    assert relay_problem(sdp, odd, NOW) == "turn_unavailable"  # no expiry to judge by


def test_credential_expiry_reads_rest_usernames_only() -> None:
    assert credential_expiry("1800000000:h1-p2") == 1_800_000_000
    for username in ("alice", ":h1-p2", "-5:h1-p2", "12a:x", None, 7):
        assert credential_expiry(username) is None


def test_turn_error_picks_the_relay_failure() -> None:
    errors = [{"code": "room_host_only"}, {"code": "turn_unavailable", "message": "m"}]
    assert turn_error(errors) == errors[1]
    assert turn_error(errors[:1]) is None

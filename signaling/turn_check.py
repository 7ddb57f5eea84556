"""Why a relay-only peer connection has no way through the TURN relay.

A TURN server that refuses a credential (coturn answers 401 to an expired one, as to a wrong
one) or that cannot be reached makes no error in aiortc: the relay candidate is simply missing
from the offer, and with relay-only candidates the peer connection would wait in vain. The
offer tells it at once, and the expiry in the REST username (``"<unix expiry>:<user>"``,
`signaling.ice`) tells an expired credential from an unreachable server.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

TURN_ERRORS = frozenset({"turn_unavailable", "turn_credential_expired"})


def has_relay_candidate(sdp: str) -> bool:
    return any(
        line.startswith("a=candidate:") and " typ relay" in line for line in sdp.splitlines()
    )


def credential_expiry(username: object) -> int | None:
    """The unix time a TURN REST username expires at, or None if it names none."""
    if not isinstance(username, str):
        return None
    stamp, sep, _ = username.partition(":")
    return int(stamp) if sep and stamp.isdigit() else None


def relay_problem(sdp: str, servers: Iterable[dict[str, Any]], now: float) -> str | None:
    """None when the offer ``sdp`` has a relay candidate; else ``turn_credential_expired`` if
    every TURN credential of ``servers`` (RTCIceServer dictionaries) has expired by ``now``,
    else ``turn_unavailable`` (no TURN server given, or none answered)."""
    if has_relay_candidate(sdp):
        return None
    expiries = [credential_expiry(s.get("username")) for s in servers if s.get("credential")]
    if expiries and all(e is not None and e <= now for e in expiries):
        return "turn_credential_expired"
    return "turn_unavailable"


def turn_error(errors: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    """The first TURN error among a probe's errors."""
    return next((e for e in errors if e.get("code") in TURN_ERRORS), None)

"""ICE servers for a participant: the configured STUN/TURN URLs, with time-limited TURN
credentials in the TURN REST scheme (coturn ``use-auth-secret``).

The username is ``"<unix expiry>:h<hearing>-p<participant>"`` (`turn_user`: one credential per
participant and hearing, so coturn's log tells whose relay it was) and the credential is
``base64(HMAC-SHA1(secret, username))``; coturn recomputes it from the shared secret, so
nothing is stored. No URLs configured means no ICE servers at all (there is no public STUN).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from aiortc import RTCIceServer

from odr.settings import Settings


def turn_credential(secret: str, username: str) -> str:
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def turn_user(hearing_id: int, participant_id: int) -> str:
    """Who a TURN credential is for (the part of its username after the expiry)."""
    return f"h{hearing_id}-p{participant_id}"


def ice_servers(settings: Settings, user: str, now: float) -> list[dict[str, Any]]:
    """The ``iceServers`` a browser (or the probe) is given, as RTCIceServer dictionaries;
    TURN credentials for ``user`` (`turn_user`), valid ``settings.turn_ttl_seconds``."""
    stun = [u for u in settings.ice_urls if u.startswith("stun")]
    turn = [u for u in settings.ice_urls if u.startswith("turn")]
    servers: list[dict[str, Any]] = []
    if stun:
        servers.append({"urls": stun})
    if turn and settings.turn_secret:
        username = f"{int(now) + settings.turn_ttl_seconds}:{user}"
        servers.append(
            {
                "urls": turn,
                "username": username,
                "credential": turn_credential(settings.turn_secret, username),
            }
        )
    return servers


def rtc_ice_servers(servers: list[dict[str, Any]]) -> list[RTCIceServer]:
    """The same list as aiortc objects (aiortc needs them explicitly: [] means none)."""
    return [
        RTCIceServer(
            urls=list(s["urls"]), username=s.get("username"), credential=s.get("credential")
        )
        for s in servers
        if isinstance(s, dict) and s.get("urls")
    ]

"""Janus rooms a dead server process left behind, found and destroyed by another.

Janus rooms outlive the process that made them: when an ``odr serve`` dies (SIGKILL, a crash,
a lost machine) its VideoRoom and AudioBridge rooms stay, and a recorded AudioBridge room keeps
writing its ``.wav.tmp``. So every room is described ``odr <owner> hearing <id>`` (``owner``:
the deployment, its base URL) and its secret is derived from the deployment's Janus secrets
and the room number: any process of the deployment lists the rooms (the admin key shows the
private ones), and destroys those of its hearings no live process runs. Janus then closes the
record under its final ``.wav`` name, and ``signaling.record_files`` registers it as
interrupted.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass

from signaling.media.janus.client import JanusError, JanusHandle

log = logging.getLogger(__name__)

Busy = Callable[[int], Awaitable[bool]]  # whether a live process owns the hearing
_DESCRIBED = re.compile(r"odr (?P<owner>\S+) hearing (?P<hearing>\d{1,18})")


@dataclass(frozen=True)
class RoomNames:
    """How this deployment names its Janus rooms and what their secrets are."""

    owner: str
    key: bytes  # from the Janus API secret and admin key: every process of the deployment has them

    @classmethod
    def of(cls, owner: str, api_secret: str | None, admin_key: str | None) -> RoomNames:
        key = f"odr janus rooms\0{api_secret or ''}\0{admin_key or ''}".encode()
        return cls(owner.replace(" ", "%20"), key)

    def description(self, hearing_id: int) -> str:
        return f"odr {self.owner} hearing {hearing_id}"

    def secret(self, room: int) -> str:
        return hmac.new(self.key, f"{self.owner} {room}".encode(), hashlib.sha256).hexdigest()

    def hearing_of(self, description: str) -> int | None:
        """The hearing a room of this deployment belongs to; None for anyone else's room."""
        match = _DESCRIBED.fullmatch(description)
        if match is None or match["owner"] != self.owner:
            return None
        return int(match["hearing"])


async def sweep(
    controls: Collection[JanusHandle],
    names: RoomNames,
    admin_key: str | None,
    keep: Collection[int],
    busy: Busy | None = None,
    hearing_id: int | None = None,
) -> set[int]:
    """Destroy the rooms of this deployment, listed through each plugin's control handle, that
    are not in `keep` (this process's rooms) and belong to no hearing `busy` says a live process
    owns (of `hearing_id` only, when given); the hearings whose rooms were destroyed."""
    swept: set[int] = set()
    for control in controls:
        body: dict[str, str] = {"request": "list"}
        if admin_key is not None:
            body["admin_key"] = admin_key
        for room in (await control.request(body)).get("list", []):
            hearing = names.hearing_of(str(room.get("description", "")))
            number = int(room["room"])
            if hearing is None or number in keep or hearing_id not in (None, hearing):
                continue
            if busy is not None and await busy(hearing):
                continue
            try:
                await control.request(
                    {"request": "destroy", "room": number, "secret": names.secret(number)}
                )
            except JanusError as error:  # gone meanwhile, or made with another secret
                log.warning("janus room %s of hearing %s not destroyed: %s", number, hearing, error)
                continue
            log.warning(
                "hearing %s: janus room %s left by a dead process destroyed", hearing, number
            )
            swept.add(hearing)
    return swept

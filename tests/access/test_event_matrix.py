"""Every ``/hearing`` event, as every role, against the table in event_table.py.

Real python-socketio clients (the probe, without media) with real sessions; the ``offer``
cells send a real aiortc offer. A role whose connection is refused tries again for every
event: the refusal is what it gets, whatever it wanted to send.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from access_world import ORIGIN, ROLES, Scene, World
from event_table import CODES, COLUMNS, TABLE, cells, event_of

from odr.http import keys
from signaling.media.synthetic import add_hearing_transceivers, hearing_peer_connection
from signaling.probe import Probe, ProbeError
from signaling.server import build

PROTOCOL = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


def registered_events(world: World) -> set[str]:
    """The events the namespace answers, as the server registers them."""
    app = world.server.app
    _, namespace = build(app[keys.SETTINGS], lambda: (app[keys.DB], app[keys.AUDIT_KEY]))
    return set(namespace.events)


def documented_events() -> set[str]:
    """The client -> server events of docs/protocol.md (its section 2 tables)."""
    text = PROTOCOL.read_text("utf-8")
    section = text.split("## 2.")[1].split("## 3.")[0]
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`(\w+)`", line.split("|")[1]))
    return names


@pytest.mark.asyncio(loop_scope="module")
async def test_every_event_has_a_row(world: World) -> None:
    rows = {event_of(row) for row in TABLE} - {"connect"}
    assert sorted(registered_events(world) - rows) == [], "events without a row"
    assert sorted(documented_events() - rows) == [], "documented events without a row"
    assert sorted(rows - registered_events(world)) == [], "rows naming no event"
    for row in TABLE:
        assert len(cells(row)) == len(ROLES) == len(COLUMNS.split()), row


class Room:
    """The hearing and its people: one probe per role, the respondent as the target."""

    def __init__(self, world: World, scene: Scene) -> None:
        self.world, self.scene = world, scene
        self.probes: dict[str, Probe] = {}
        self.pcs: list[Any] = []
        self.found: dict[str, Any] = {}

    def probe(self) -> Probe:
        return Probe(
            str(self.world.server.make_url("/")), self.scene.hearing_id, origin=ORIGIN, media=False
        )

    async def enter(self, role: str) -> Probe:
        probe = self.probe()
        if role in ("party", "interpreter", "respondent", "other_party"):
            scene = self.world.other if role == "other_party" else self.scene
            assert scene is not None
            who = "applicant" if role in ("party", "other_party") else role
            await probe.login_code(scene.codes[who])
        elif role == "anonymous":
            probe.cookie = ""
        else:
            await probe.login_user(*self.world.password(role))
        self.probes[role] = probe
        return probe

    async def connect(self, role: str) -> str:
        try:
            await self.probes[role].connect()
        except ProbeError as refused:
            return refused.code
        return "ok"

    async def offer(self) -> dict[str, Any]:
        pc = hearing_peer_connection()
        self.pcs.append(pc)
        add_hearing_transceivers(pc, None, None)
        await pc.setLocalDescription(await pc.createOffer())
        return {"sdp": pc.localDescription.sdp, "type": "offer"}

    def pid(self, role: str) -> int:
        return self.probes[role].participant_id

    async def payload(self, row: str) -> dict[str, Any]:
        target = {"participant_id": self.pid("respondent")}
        match row:
            case "quality":
                return {"loss": 0.01, "rtt_ms": 40.0, "bitrate_kbps": 300.0}
            case "chat":
                return {"text": "我到了"}
            case "hand":
                return {"up": True}
            case "audio_only":
                return {"on": False}
            case "offer":
                return await self.offer()
            case "record · on":
                return {"on": True}
            case "record · off":
                return {"on": False}
            case "video_profile":
                return {"name": "low"}
            case "private_open":
                return {"participant_ids": [self.pid("respondent")]}
            case "private_close":
                return {"room": self.found.get("room", "private:1")}
            case "hand_over":
                return {"participant_id": self.pid("judge")}
            case "admit" | "mute" | "unmute" | "video_off" | "video_on" | "remove":
                return target
        return {}

    async def hand_back(self) -> None:
        """The judge, handed the chair, gives it back before its own cell is tried."""
        back = await self.probes["judge"].emit(
            "hand_over", {"participant_id": self.pid("mediator")}
        )
        assert back == {"ok": True}, back

    async def close(self) -> None:
        for probe in self.probes.values():
            await probe.close()
        for pc in self.pcs:
            await pc.close()


def seen(ack: Any) -> str:
    if isinstance(ack, dict) and ack.get("ok") is True:
        return "ok"
    code = ack["error"]["code"] if isinstance(ack, dict) and "error" in ack else repr(ack)
    return next((short for short, full in CODES.items() if full == code), code)


def told(probe: Probe, event: str, ack: Any) -> bool:
    """A refusal comes as an ``error`` event too, the same as the ack's."""
    error = ack.get("error") if isinstance(ack, dict) else None
    return error is not None and any(e == error for e in probe.errors if e["event"] == event)


@pytest.mark.asyncio(loop_scope="module")
async def test_every_event_as_every_role(world: World) -> None:
    room = Room(world, await world.scene())
    try:
        wrong = await run_table(room)
    finally:
        await room.close()
    assert wrong == [], "\n".join(wrong)


async def run_table(room: Room) -> list[str]:
    for role in ("mediator", "judge", "party", "interpreter", "respondent"):  # the chair first
        await room.enter(role)
        assert await room.connect(role) == "ok", role
    wrong: list[str] = []
    checked = 0
    for row in TABLE:
        for role, expected in zip(ROLES, cells(row), strict=True):
            checked += 1
            if row == "connect":
                probe = room.probes.get(role)
                got = "ok" if probe is not None and probe.sio is not None else None
                if got is None:
                    await room.enter(role)
                    got = await room.connect(role)
            elif role not in room.probes or room.probes[role].sio is None:
                got = await room.connect(role)  # refused again: it never gets to send
                got = next((s for s, full in CODES.items() if full == got), got)
            else:
                probe = room.probes[role]
                ack = await probe.emit(event_of(row), await room.payload(row))
                got = seen(ack)
                if got != "ok" and not told(probe, event_of(row), ack):
                    got += " (no error event)"
                if got == "ok" and isinstance(ack, dict) and "room" in ack:
                    room.found["room"] = ack["room"]
            got = next((s for s, full in CODES.items() if full == got), got)
            if got != expected:
                wrong.append(f"{row} as {role}: {got} (table: {expected})")
            if row == "hand_over" and role == "mediator" and got == "ok":
                await room.hand_back()
    print(f"event matrix: {len(TABLE)} rows x {len(ROLES)} roles = {checked} socket answers")
    return wrong

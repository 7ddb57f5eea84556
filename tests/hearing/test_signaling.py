"""Signaling without media: who may connect, what each event does, and what is refused."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import time
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from hearing_support import Join, make_hearing
from sqlmodel import col, select

from odr.http.app import create_app
from odr.services.startup import opened_store
from odr.settings import Settings
from odr.store.models import AuditEntry
from signaling.probe import Probe, ProbeError


async def test_refusals_are_clear(
    server: Any, settings: Settings, seeded: dict[str, Any], join: Join
) -> None:
    hearing = make_hearing(settings)
    url = str(server.make_url("/"))
    nobody = Probe(url, hearing["id"], origin="http://odr.test")
    nobody.cookie = "__Host-odr_session=not-a-session"
    with pytest.raises(ProbeError) as caught:
        await nobody.connect()
    assert caught.value.code == "not_authenticated"
    assert "log in" in caught.value.message or "登录" in caught.value.message

    evil = await join(hearing["id"], code=hearing["codes"]["applicant"], connect=False)
    evil.origin = "http://evil.example"
    with pytest.raises(ProbeError) as caught:
        await evil.connect()
    assert caught.value.code == "origin_not_allowed"

    other = make_hearing(settings)  # a party of another case is not invited
    stranger = await join(hearing["id"], code=other["codes"]["applicant"], connect=False)
    with pytest.raises(ProbeError) as caught:
        await stranger.connect()
    assert caught.value.code in ("forbidden", "hearing_not_invited")

    lost = await join(0, code=hearing["codes"]["respondent"], connect=False, lang="en")
    with pytest.raises(ProbeError) as caught:
        await lost.connect()
    assert caught.value.code == "signal_hearing_required"
    assert caught.value.message == "Please say which hearing to join."


def audit_kinds(settings: Settings) -> list[tuple[str, dict[str, Any]]]:
    with opened_store(settings) as (db, _):
        rows = db.read_sync(
            lambda s: list(s.exec(select(AuditEntry).order_by(col(AuditEntry.seq))))
        )
    return [(r.kind, json.loads(r.payload)) for r in rows]


async def test_lobby_admission_host_actions_chat_and_audit(settings: Settings, join: Join) -> None:
    hearing = make_hearing(settings)
    hid = hearing["id"]
    host = await join(hid, user="mediator", media=False)
    assert host.me["room"] == "hearing" and host.me["is_chair"]
    party = await join(hid, code=hearing["codes"]["applicant"], media=False)
    other = await join(hid, code=hearing["codes"]["respondent"], media=False)
    assert party.me["presence"] == "lobby"
    assert other.me["presence"] == "lobby"

    # A party calling host actions is refused, with an error event too.
    for event, data in [
        ("admit", {"participant_id": other.participant_id}),
        ("mute", {"participant_id": host.participant_id}),
        ("start", {}),
        ("record", {"on": True}),
        ("private_open", {"participant_ids": [party.participant_id]}),
    ]:
        ack = await party.emit(event, data)
        assert ack["ok"] is False and ack["error"]["code"] == "room_host_only", ack
    await party.wait_for(lambda s: len(party.errors) >= 5)
    assert {e["event"] for e in party.errors} == {
        "admit",
        "mute",
        "start",
        "record",
        "private_open",
    }
    assert other.me["presence"] == "lobby"

    assert (await host.emit("admit", {"participant_id": party.participant_id}))["ok"]
    await party.wait_for(lambda s: s["me"]["presence"] == "in_hearing")
    assert (await host.emit("start"))["ok"]
    await other.wait_for(lambda s: s["state"] == "in_session")

    # Chat: the hearing room and the hosts read it; the lobby does not.
    ack = await party.emit("chat", {"text": "  我到了  "})
    assert ack["ok"] and ack["id"] > 0
    await host.wait_for(lambda s: bool(host.chats))
    assert host.chats[0]["text"] == "我到了"
    assert host.chats[0]["participant_id"] == party.participant_id
    assert other.chats == []

    # Quality reaches the hosts only.
    ack = await party.emit("quality", {"loss": 0.02, "rtt_ms": 120.0, "bitrate_kbps": 300})
    assert ack["ok"]
    seen = await host.wait_for(lambda s: host_view(s, party.participant_id)["quality"] is not None)
    assert host_view(seen, party.participant_id)["quality"]["rtt_ms"] == 120.0
    assert host_view(other.state, party.participant_id)["quality"] is None  # type: ignore[arg-type]

    assert (await host.emit("mute", {"participant_id": party.participant_id}))["ok"]
    await party.wait_for(lambda s: s["me"]["muted"])
    assert (await host.emit("video_off", {"participant_id": party.participant_id}))["ok"]
    await party.wait_for(lambda s: s["me"]["video_off"])
    assert (await host.emit("video_on", {"participant_id": party.participant_id}))["ok"]
    await party.wait_for(lambda s: not s["me"]["video_off"])
    caucus = await host.emit(
        "private_open", {"participant_ids": [host.participant_id, party.participant_id]}
    )
    assert caucus["ok"] and caucus["room"].startswith("private:")
    await party.wait_for(lambda s: s["me"]["presence"] == "in_private_room")
    assert (await host.emit("private_close", {"room": caucus["room"]}))["ok"]
    await party.wait_for(lambda s: s["me"]["room"] == "hearing")
    assert (await host.emit("remove", {"participant_id": party.participant_id}))["ok"]
    await host.wait_for(lambda s: host_view(s, party.participant_id)["presence"] == "disconnected")
    await party.wait_for(lambda s: party.removed is not None)
    assert party.removed is not None and party.removed["code"] == "signal_removed"

    kinds = audit_kinds(settings)
    mine = [(k, p) for k, p in kinds if p.get("hearing_id") == hid]
    names = [k for k, _ in mine]
    for kind in (
        "hearing.admitted",
        "hearing.state",
        "hearing.chat",
        "hearing.muted",
        "hearing.video_off",
        "hearing.video_on",
        "hearing.caucus_opened",
        "hearing.caucus_closed",
        "hearing.removed",
    ):
        assert kind in names, (kind, names)
    admitted = next(p for k, p in mine if k == "hearing.admitted")
    assert admitted["participant_id"] == party.participant_id


def host_view(state: dict[str, Any], participant_id: int) -> dict[str, Any]:
    return next(p for p in state["participants"] if p["id"] == participant_id)


async def test_silent_client_is_shown_disconnected_and_returns_where_it_was(
    settings: Settings, join: Join
) -> None:
    hearing = make_hearing(settings)
    hid = hearing["id"]
    host = await join(hid, user="mediator", media=False)
    party = await join(hid, code=hearing["codes"]["applicant"], media=False)
    pid = party.participant_id
    assert (await host.emit("admit", {"participant_id": pid}))["ok"]
    caucus = await host.emit("private_open", {"participant_ids": [pid]})
    await party.wait_for(lambda s: s["me"]["room"] == caucus["room"])

    party.heartbeating = False  # frozen: the socket stays, the heartbeats stop
    state = await host.wait_for(lambda s: host_view(s, pid)["presence"] == "disconnected", 8)
    assert host_view(state, pid)["room"] == caucus["room"]  # its place is kept
    await party.wait_for(lambda s: any(e["code"] == "signal_heartbeat_lost" for e in party.errors))

    party.heartbeating = True
    await party.drop()
    back = await party.connect()
    assert back["me"]["room"] == caucus["room"]
    assert back["me"]["presence"] == "in_private_room"
    await host.wait_for(lambda s: host_view(s, pid)["presence"] == "in_private_room")


async def test_chair_passes_to_the_other_host_and_back(settings: Settings, join: Join) -> None:
    hearing = make_hearing(settings)
    hid = hearing["id"]
    mediator = await join(hid, user="mediator", media=False)
    judge = await join(hid, user="judge", media=False)
    party = await join(hid, code=hearing["codes"]["applicant"], media=False)
    assert mediator.me["is_chair"] and not judge.me["is_chair"]
    ack = await judge.emit("admit", {"participant_id": party.participant_id})
    assert ack["error"]["code"] == "room_not_chair"
    await mediator.drop()
    await judge.wait_for(lambda s: s["me"]["is_chair"])
    assert (await judge.emit("admit", {"participant_id": party.participant_id}))["ok"]
    await mediator.connect()
    assert not mediator.me["is_chair"]
    assert (await judge.emit("hand_over", {"participant_id": mediator.participant_id}))["ok"]
    await mediator.wait_for(lambda s: s["me"]["is_chair"])


async def test_hand_audio_only_profile_and_closing(settings: Settings, join: Join) -> None:
    hearing = make_hearing(settings)
    hid = hearing["id"]
    host = await join(hid, user="mediator", media=False)
    party = await join(hid, code=hearing["codes"]["applicant"], media=False)
    pid = party.participant_id
    assert (await party.emit("hand", {"up": True}))["ok"]
    await host.wait_for(lambda s: host_view(s, pid)["hand"])
    assert (await party.emit("audio_only", {"on": True}))["ok"]
    await host.wait_for(lambda s: host_view(s, pid)["audio_only"])
    ack = await party.emit("video_profile", {"name": "low"})
    assert ack["error"]["code"] == "room_host_only"
    assert (await host.emit("video_profile", {"name": "low"}))["ok"]
    await party.wait_for(lambda s: s["profile"] == "low")
    ack = await host.emit("pause")
    assert ack["error"]["code"] == "room_transition"
    assert "not_started" in ack["error"]["message"]
    assert (await host.emit("close"))["ok"]
    await party.wait_for(lambda s: s["state"] == "closed")
    await party.drop()
    with pytest.raises(ProbeError) as caught:
        await party.connect()
    assert caught.value.code == "hearing_closed"


async def test_state_carries_ice_servers_with_turn_credentials(
    settings: Settings, seeded: dict[str, Any]
) -> None:
    turned = dataclasses.replace(
        settings,
        ice_urls=("stun:turn.example.org:3478", "turn:turn.example.org:3478"),
        turn_secret="s3cret",
        turn_ttl_seconds=600,
    )
    hearing = make_hearing(turned)
    srv = TestServer(create_app(turned))
    await srv.start_server()
    try:
        probe = Probe(str(srv.make_url("/")), hearing["id"], origin="http://odr.test", media=False)
        await probe.login_code(hearing["codes"]["applicant"])
        state = await probe.connect()
        stun, turn = state["ice_servers"]
        assert stun == {"urls": ["stun:turn.example.org:3478"]}
        assert turn["urls"] == ["turn:turn.example.org:3478"]
        expiry, who = turn["username"].split(":")
        assert who == f"h{hearing['id']}-p{probe.participant_id}"  # this participant, here
        assert 590 <= int(expiry) - time.time() <= 610
        digest = hmac.new(b"s3cret", turn["username"].encode(), hashlib.sha1).digest()
        assert turn["credential"] == base64.b64encode(digest).decode()
        await probe.close()
    finally:
        await srv.close()


async def test_long_polling_works_too(settings: Settings, join: Join) -> None:
    hearing = make_hearing(settings)
    probe = await join(
        hearing["id"], code=hearing["codes"]["applicant"], media=False, transports=("polling",)
    )
    assert probe.me["presence"] == "lobby"
    assert (await probe.emit("heartbeat"))["ok"]
    ack = await probe.emit("admit", {"participant_id": probe.participant_id})
    assert ack["error"]["code"] == "room_host_only"
    # (the client's clean goodbye would wait for its pending long poll: leave at once)
    assert probe.sio is not None
    await probe.sio.eio.disconnect(abort=True)


async def test_a_server_shutting_down_closes_its_clients_transports(
    settings: Settings, seeded: dict[str, Any]
) -> None:
    """A restart (a deploy, a replica stopped) must not wait on the clients' websockets until
    their ping timeout: the server closes them, and each client knows at once to go elsewhere."""
    hearing = make_hearing(settings)
    srv = TestServer(create_app(settings))
    await srv.start_server()
    probe = Probe(str(srv.make_url("/")), hearing["id"], origin="http://odr.test", media=False)
    try:
        await probe.login_code(hearing["codes"]["applicant"])
        await probe.connect()
        sio = probe.sio
        assert sio is not None and sio.eio.state == "connected"
        began = time.monotonic()
        await srv.close()
        assert time.monotonic() - began < max(5, settings.heartbeat_seconds)  # the ping interval
        assert sio.eio.state == "disconnected"
        assert probe.gone.is_set()
    finally:
        await probe.close()
        await srv.close()

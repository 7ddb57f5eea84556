"""Bad signaling input is refused with an error event, and other hearings are not slowed."""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

import socketio
from hearing_support import Join, make_hearing

from odr.settings import Settings
from signaling.probe import Probe

NS = "/hearing"


async def errors_after(probe: Probe, count: int) -> list[dict[str, Any]]:
    await probe.wait_for(lambda s: len(probe.errors) >= count, 5)
    return probe.errors


async def test_malformed_events_are_refused(settings: Settings, join: Join) -> None:
    hearing = make_hearing(settings)
    host = await join(hearing["id"], user="mediator", media=False)
    party = await join(hearing["id"], code=hearing["codes"]["applicant"], media=False)
    assert party.sio is not None
    cases: list[tuple[str, Any, str, str | None]] = [
        ("launch", {}, "signal_unknown_event", "event"),
        ("connect", {"hearing_id": 1}, "signal_unknown_event", "event"),  # no second connect
        ("disconnect", "bye", "signal_unknown_event", "event"),
        ("admit", {"participant_id": "1"}, "signal_invalid_payload", "participant_id"),
        ("admit", {"participant_id": 2**40}, "signal_invalid_payload", "participant_id"),
        ("hand", {"up": "yes"}, "signal_invalid_payload", "up"),
        ("hand", {"up": True, "extra": 1}, "signal_invalid_payload", "extra"),
        ("chat", {"text": 5}, "signal_invalid_payload", "text"),
        ("chat", {"text": "长" * 2001}, "signal_invalid_payload", "text"),
        ("chat", ["not", "an", "object"], "signal_invalid_payload", "payload"),
        ("quality", {"loss": 3, "rtt_ms": 1, "bitrate_kbps": 1}, "signal_invalid_payload", "loss"),
        ("offer", {"sdp": "v=0", "type": "answer"}, "signal_invalid_payload", "type"),
        ("offer", {"sdp": "garbage", "type": "offer"}, "signal_media_failed", "sdp"),
        ("private_close", {"room": "private:99"}, "room_host_only", None),
        ("video_profile", {"name": "ultra"}, "signal_invalid_payload", "name"),
    ]
    for event, data, code, field in cases:
        ack = await party.sio.call(event, data, namespace=NS, timeout=5)
        assert ack["ok"] is False, (event, ack)
        assert ack["error"]["code"] == code, (event, ack)
        assert ack["error"].get("field") == field, (event, ack)
        assert ack["error"]["message"] and not ack["error"]["message"].startswith("error.")
    errors = await errors_after(party, len(cases))
    assert [e["code"] for e in errors] == [c for _, _, c, _ in cases]
    # Two arguments instead of one object.
    ack = await party.sio.call("hand", ({"up": True}, 1), namespace=NS, timeout=5)
    assert ack["error"]["code"] == "signal_invalid_payload"
    # Still connected and served.
    assert (await party.emit("heartbeat"))["ok"]
    assert host.state is not None and host.state["state"] == "not_started"


async def test_oversized_messages_are_refused_and_huge_frames_close_that_socket_only(
    settings: Settings, join: Join
) -> None:
    hearing = make_hearing(settings)
    host = await join(hearing["id"], user="mediator", media=False)
    party = await join(hearing["id"], code=hearing["codes"]["applicant"], media=False)
    assert party.sio is not None
    # Over 64 KiB: refused with an error event in the party's language; still connected.
    for event, data in (("chat", {"text": "x" * 200_000}), ("offer", {"sdp": "长" * 30_000})):
        ack = await party.sio.call(event, data, namespace=NS, timeout=5)
        assert ack["ok"] is False
        assert ack["error"]["code"] == "signal_too_large", ack
        assert ack["error"]["field"] == "payload"
        assert "64 KiB" in ack["error"]["message"]
    errors = await errors_after(party, 2)
    assert [e["code"] for e in errors] == ["signal_too_large"] * 2
    assert (await party.emit("heartbeat"))["ok"]
    # Over the 1 MiB frame limit: the engine closes that socket, and only that one.
    await party.sio.emit("chat", {"text": "x" * 1_200_000}, namespace=NS)
    await asyncio.wait_for(party.gone.wait(), 5)
    assert not party.sio.connected
    pid = party.participant_id
    state = await host.wait_for(
        lambda s: next(p for p in s["participants"] if p["id"] == pid)["presence"] == "disconnected"
    )
    assert state["me"]["presence"] == "in_hearing"
    assert (await host.emit("heartbeat"))["ok"]


async def round_trips(probe: Probe, n: int) -> list[float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        ack = await probe.emit("heartbeat")
        assert ack["ok"]
        times.append(time.perf_counter() - started)
        await asyncio.sleep(0.1)  # within the per-connection rate limit (10 a second)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


async def test_floods_are_limited_and_other_hearings_stay_fast(
    settings: Settings, join: Join
) -> None:
    noisy = make_hearing(settings)
    quiet = make_hearing(settings)
    flooder = await join(noisy["id"], code=noisy["codes"]["applicant"], media=False)
    host = await join(noisy["id"], user="mediator", media=False)
    judge = await join(quiet["id"], user="judge", media=False)
    baseline = await round_trips(judge, 30)

    junk: list[tuple[str, Any]] = [
        ("heartbeat", {}),
        ("nonsense", {"x": 1}),
        ("admit", {"participant_id": "x"}),
        ("mute", {"participant_id": 1}),
        ("hand", {"up": True}),
    ]
    done = asyncio.Event()
    comebacks = 0
    pid = flooder.participant_id
    seen_disconnected = asyncio.Event()

    def watch(state: dict[str, Any]) -> bool:
        if next(p for p in state["participants"] if p["id"] == pid)["presence"] == "disconnected":
            seen_disconnected.set()
        return False

    async def flood() -> int:
        # While the quiet hearing is measured: disconnected for flooding, the flooder comes
        # straight back and floods again.
        nonlocal comebacks
        sent = 0
        while not done.is_set():
            sio = flooder.sio
            if sio is None or not sio.connected:
                comebacks += 1
                await flooder.connect()
                continue
            event, data = junk[sent % len(junk)]
            try:
                await sio.emit(event, data, namespace=NS)
            except socketio.exceptions.SocketIOError:
                continue
            sent += 1
            if sent % 20 == 0:
                await asyncio.sleep(0)
        return sent

    watching = asyncio.ensure_future(host.wait_for(watch, 60))
    flooding = asyncio.ensure_future(flood())
    during = await round_trips(judge, 30)
    done.set()
    sent = await flooding
    print(f"flood: {sent} messages sent, disconnected and back {comebacks} times")
    assert sent > 1000
    # The flooder was told (one error event a second at most, not one per message), then,
    # still flooding, disconnected, every time; the host saw it as disconnected.
    assert comebacks >= 2
    limited = [e for e in flooder.errors if e["code"] == "signal_rate_limited"]
    assert limited, flooder.errors[:5]
    # Per connection: the burst's refusals (40 at most), then rate-limit notices, not one
    # per message.
    assert len(limited) < 5 * (comebacks + 1)
    assert len(flooder.errors) < 50 * (comebacks + 1)
    await asyncio.wait_for(seen_disconnected.wait(), 10)
    watching.cancel()
    # The quiet hearing's heartbeats kept their pace: p95 within 1 s, and within a few times
    # its own baseline (plus scheduling slack on a shared 2-core machine).
    base, busy = p95(baseline), p95(during)
    print(f"heartbeat p95: baseline {base * 1000:.1f} ms, during the flood {busy * 1000:.1f} ms")
    assert busy < 1.0
    assert busy < 10 * base + 0.15
    # It may come back, and is served again.
    if flooder.sio is not None and flooder.sio.connected:
        await flooder.sio.disconnect()
    await flooder.connect()
    assert (await flooder.emit("heartbeat"))["ok"]

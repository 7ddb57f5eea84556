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


async def test_oversized_message_closes_that_socket_only(settings: Settings, join: Join) -> None:
    hearing = make_hearing(settings)
    host = await join(hearing["id"], user="mediator", media=False)
    party = await join(hearing["id"], code=hearing["codes"]["applicant"], media=False)
    assert party.sio is not None
    await party.sio.emit("chat", {"text": "x" * 200_000}, namespace=NS)
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

    assert flooder.sio is not None
    sio = flooder.sio
    junk: list[tuple[str, Any]] = [
        ("heartbeat", {}),
        ("nonsense", {"x": 1}),
        ("admit", {"participant_id": "x"}),
        ("mute", {"participant_id": 1}),
        ("hand", {"up": True}),
    ]

    done = asyncio.Event()

    async def flood() -> int:
        sent = 0
        while not done.is_set() and sio.connected:  # while the quiet hearing is measured
            event, data = junk[sent % len(junk)]
            try:
                await sio.emit(event, data, namespace=NS)
            except socketio.exceptions.SocketIOError:
                break
            sent += 1
            if sent % 20 == 0:
                await asyncio.sleep(0)
        return sent

    flooding = asyncio.ensure_future(flood())
    during = await round_trips(judge, 30)
    done.set()
    sent = await flooding
    print(f"flood: {sent} messages sent")
    assert sent > 1000

    # The flooder was told (one error event a second at most, not one per message), then,
    # still flooding, disconnected; the host sees it as disconnected.
    limited = [e for e in flooder.errors if e["code"] == "signal_rate_limited"]
    assert limited, flooder.errors[:5]
    assert len(flooder.errors) < 50
    assert not sio.connected
    pid = flooder.participant_id
    await host.wait_for(
        lambda s: next(p for p in s["participants"] if p["id"] == pid)["presence"] == "disconnected"
    )
    # The quiet hearing's heartbeats kept their pace: p95 within 1 s, and within a few times
    # its own baseline (plus scheduling slack on a shared 2-core machine).
    base, busy = p95(baseline), p95(during)
    print(f"heartbeat p95: baseline {base * 1000:.1f} ms, during the flood {busy * 1000:.1f} ms")
    assert busy < 1.0
    assert busy < 10 * base + 0.15
    # It may come back, and is served again.
    await flooder.connect()
    assert (await flooder.emit("heartbeat"))["ok"]

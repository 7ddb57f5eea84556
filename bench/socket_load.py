"""The socket.io side of the socket benchmark (``sockets.py``): the client processes, each
holding a share of the connections, and the bare python-socketio server they are compared on.

A client process (``sockets.py --role clients SPEC_FILE``) reads commands as JSON lines on
stdin and answers each with one JSON line on stdout:

* ``{"open": {"rate": r, "cap": n}}``: close its connections if open, then open them all,
  ``r`` a second (at most ``n`` handshakes in flight); answers
  the connect latencies (until the namespace is joined) and, where the server sends one, the
  latency of the first ``state`` event. Each connection then sends ``heartbeat`` (acked)
  every ``interval`` seconds, at a random phase, for as long as it is open.
* ``{"window": seconds}``: answers the round trips of the heartbeats sent and acked inside
  the next ``seconds``, and the CPU this process used meanwhile.
* ``{"quit": true}``: closes every connection; answers what went wrong over the whole run.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from children import commands, say

NAMESPACE = "/hearing"
CONNECT_TIMEOUT = 15.0
ACK_TIMEOUT = 10.0


# --------------------------------------------------------------------------- bare server


def run_bare_server(port: int, ping_interval: int, ping_timeout: int) -> None:
    """A python-socketio AsyncServer on aiohttp whose ``/hearing`` namespace accepts every
    connection and acks ``heartbeat`` as the product does; the engine settings are the
    product's (``signaling/server.py``), so only what the product does on top differs."""
    import socketio
    from aiohttp import web

    server = socketio.AsyncServer(
        async_mode="aiohttp",
        async_handlers=False,
        cors_allowed_origins=[],
        ping_interval=ping_interval,
        ping_timeout=ping_timeout,
    )

    class Bare(socketio.AsyncNamespace):  # type: ignore[misc]
        async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any) -> bool:
            return True

        async def on_heartbeat(self, sid: str, data: Any) -> dict[str, Any]:
            return {"ok": True, "t": int(time.time() * 1000)}

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    server.register_namespace(Bare(NAMESPACE))
    app = web.Application()
    app.router.add_get("/healthz", healthz)
    server.attach(app)
    web.run_app(app, host="127.0.0.1", port=port, print=None)


# --------------------------------------------------------------------------- clients


@dataclass
class Spec:
    url: str
    origin: str
    targets: list[tuple[str, int]]  # (Cookie header or "", hearing id)
    interval: float


@dataclass
class Tally:
    connect: list[float] = field(default_factory=list)
    first_state: list[float] = field(default_factory=list)
    beats: list[tuple[float, float]] = field(default_factory=list)  # (sent at, round trip)
    errors: Counter[str] = field(default_factory=Counter)


class Link:
    """One socket.io connection to the hearing namespace."""

    def __init__(self, spec: Spec, cookie: str, hearing_id: int, tally: Tally) -> None:
        import socketio

        self.spec, self.cookie, self.hearing_id, self.tally = spec, cookie, hearing_id, tally
        self.sio = socketio.AsyncClient(reconnection=False)
        self.started = 0.0
        self.stated = False
        self.closing = False
        self.sio.on("state", self._on_state, namespace=NAMESPACE)
        self.sio.on("error", self._on_error, namespace=NAMESPACE)
        self.sio.on("disconnect", self._on_disconnect, namespace=NAMESPACE)

    async def _on_state(self, _state: Any) -> None:
        if not self.stated:
            self.stated = True
            self.tally.first_state.append(time.perf_counter() - self.started)

    async def _on_error(self, error: Any) -> None:
        code = error.get("code") if isinstance(error, dict) else None
        self.tally.errors[f"error event {code}"] += 1

    async def _on_disconnect(self, *_reason: Any) -> None:
        if not self.closing:
            self.tally.errors["disconnected by the server"] += 1

    async def connect(self) -> bool:
        import socketio

        headers = {"Origin": self.spec.origin}
        if self.cookie:
            headers["Cookie"] = self.cookie
        self.started = time.perf_counter()
        try:
            await self.sio.connect(
                self.spec.url,
                headers=headers,
                auth={"hearing_id": self.hearing_id},
                namespaces=[NAMESPACE],
                transports=["websocket"],
                wait_timeout=CONNECT_TIMEOUT,
            )
        except socketio.exceptions.ConnectionError as exc:
            self.tally.errors[f"connect refused: {str(exc)[:80]}"] += 1
            return False
        self.tally.connect.append(time.perf_counter() - self.started)
        return True

    async def beat(self) -> None:
        await asyncio.sleep(random.uniform(0, self.spec.interval))
        while self.sio.connected and not self.closing:
            sent = time.perf_counter()
            try:
                ack = await self.sio.call("heartbeat", {}, namespace=NAMESPACE, timeout=ACK_TIMEOUT)
            except Exception as exc:  # a timeout, or the socket went away
                if not self.closing:
                    self.tally.errors[f"heartbeat {type(exc).__name__}"] += 1
            else:
                if isinstance(ack, dict) and ack.get("ok"):
                    self.tally.beats.append((sent, time.perf_counter() - sent))
                else:
                    code = ack.get("error", {}).get("code") if isinstance(ack, dict) else ack
                    self.tally.errors[f"heartbeat refused {code}"] += 1
            await asyncio.sleep(max(0.0, self.spec.interval - (time.perf_counter() - sent)))

    async def close(self) -> None:
        self.closing = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.sio.disconnect(), 10)


async def _ramp(links: list[Link], rate: float, cap: int, beating: list[Any]) -> None:
    """Open ``links``, ``rate`` a second, at most ``cap`` handshakes in flight; each one
    that opens starts its heartbeats."""
    semaphore = asyncio.Semaphore(max(1, int(cap)))
    began = time.perf_counter()

    async def open_one(link: Link, at: float) -> None:
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        async with semaphore:
            if await link.connect():
                beating.append(asyncio.ensure_future(link.beat()))

    await asyncio.gather(*(open_one(link, began + i / rate) for i, link in enumerate(links)))


async def _clients(spec: Spec) -> None:
    reader = await commands()
    tally = Tally()
    links: list[Link] = []
    beating: list[asyncio.Task[None]] = []

    async def close_all() -> None:
        for link in links:
            link.closing = True
        for task in beating:
            task.cancel()
        await asyncio.gather(*(link.close() for link in links))
        beating.clear()

    while line := await reader.readline():
        command = json.loads(line)
        if "open" in command:  # the first time, or again after closing every connection
            await close_all()
            links = [Link(spec, cookie, hearing, tally) for cookie, hearing in spec.targets]
            began = time.perf_counter()
            await _ramp(links, command["open"]["rate"], command["open"]["cap"], beating)
            seconds = time.perf_counter() - began
            await asyncio.sleep(1.0)  # the last first-state events
            say(
                {
                    "connect": tally.connect,
                    "first_state": tally.first_state,
                    "seconds": seconds,
                    "connected": sum(1 for link in links if link.sio.connected),
                }
            )
            tally.connect, tally.first_state = [], []
        elif "window" in command:
            start, cpu = time.perf_counter(), time.process_time()
            await asyncio.sleep(float(command["window"]))
            stop = time.perf_counter()
            rtts = [rtt for sent, rtt in tally.beats if sent >= start and sent + rtt <= stop]
            say(
                {
                    "rtt": rtts,
                    "cpu": (time.process_time() - cpu) / (stop - start),
                    "connected": sum(1 for link in links if link.sio.connected),
                }
            )
        elif "quit" in command:
            await close_all()
            say({"errors": dict(tally.errors)})
            break


def run_clients(spec_path: str) -> None:
    with open(spec_path, encoding="utf-8") as f:
        raw = json.load(f)
    spec = Spec(raw["url"], raw["origin"], [tuple(t) for t in raw["targets"]], raw["interval"])
    asyncio.run(_clients(spec))

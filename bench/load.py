"""The load generator and the bare server of the look-up benchmark (``lookups.py``).

``lookups.py`` starts each in a process of its own (``--role load`` / ``--role bare``): the
load generator keeps N keep-alive connections busy for a fixed time after a warm-up, speaking
HTTP/1.1 over asyncio directly (``raw``) or through aiohttp's client, and reports the answers,
their latencies and the CPU time of itself, the server, PostgreSQL and the whole machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# --------------------------------------------------------------------------- bare server


def run_bare_server(port: int) -> None:
    """(a): the smallest aiohttp app that answers JSON, as ``web.run_app`` runs it."""
    from aiohttp import web

    async def handler(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "name": "bare"})

    app = web.Application()
    app.router.add_get("/json", handler)
    web.run_app(app, host="127.0.0.1", port=port, print=None)


# --------------------------------------------------------------------------- load generator


@dataclass
class Spec:
    host: str
    port: int
    method: str
    paths: list[str]
    bodies: list[str | None]
    expect: int
    connections: int
    warmup: float
    duration: float
    client: str
    server_pid: int | None = None
    profile: list[str] | None = None  # a py-spy command line, run over the measured window
    headers: dict[str, str] = field(default_factory=dict)


def _cpu_seconds(pid: int | None) -> float | None:
    """User plus system CPU time of a process (all its threads), from /proc."""
    if pid is None:
        return None
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _postgres_seconds() -> float:
    """CPU time of the PostgreSQL server's processes (any database, any client)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            text = stat.read_text()
            if text.partition("(")[2].startswith("postgres)"):
                total += _cpu_seconds(int(stat.parent.name)) or 0.0
    return total


def _machine_busy_seconds() -> float | None:
    """CPU time all processes of the machine have used (all cores), from /proc/stat."""
    try:
        first = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    # Interrupt time is left out: loopback traffic of the bench itself is counted there.
    user, nice, system, _idle, _iowait, _irq, _softirq, steal = (int(v) for v in first[1:9])
    return (user + nice + system + steal) / os.sysconf("SC_CLK_TCK")


def _raw_requests(spec: Spec) -> list[bytes]:
    out = []
    n = max(len(spec.paths), len(spec.bodies))
    for i in range(n):
        path = spec.paths[i % len(spec.paths)]
        body = spec.bodies[i % len(spec.bodies)]
        lines = [f"{spec.method} {path} HTTP/1.1", f"Host: {spec.host}:{spec.port}"]
        lines += [f"{k}: {v}" for k, v in spec.headers.items()]
        data = b""
        if body is not None:
            data = body.encode("utf-8")
            lines += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
        out.append(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + data)
    return out


class _Conn(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection: write a request, wait for one whole response."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.waiter: asyncio.Future[int] | None = None
        self.transport: asyncio.Transport | None = None
        self.keep_alive = True

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buf += data
        waiter = self.waiter
        if waiter is None or waiter.done():
            return
        end = self.buf.find(b"\r\n\r\n")
        if end < 0:
            return
        head = bytes(self.buf[:end]).lower()
        at = head.find(b"\r\ncontent-length:")
        if at < 0:
            waiter.set_exception(ConnectionError("response without Content-Length"))
            return
        stop = head.find(b"\r\n", at + 2)
        length = int(head[at + 17 : stop if stop >= 0 else len(head)])
        total = end + 4 + length
        if len(self.buf) < total:
            return
        if b"\r\nconnection: close" in head:
            self.keep_alive = False
        del self.buf[:total]
        waiter.set_result(int(head[9:12]))

    def connection_lost(self, exc: Exception | None) -> None:
        self.keep_alive = False
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc or ConnectionError("connection closed"))


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int | str] = field(default_factory=Counter)


async def _raw_worker(
    spec: Spec, requests: list[bytes], offset: int, start: float, stop: float, tally: Tally
) -> None:
    loop = asyncio.get_running_loop()
    i = offset
    conn: _Conn | None = None
    while True:
        now = time.perf_counter()
        if now >= stop:
            break
        if conn is None or not conn.keep_alive:
            if conn is not None and conn.transport is not None:
                conn.transport.close()
            _, conn = await loop.create_connection(_Conn, spec.host, spec.port)
        request = requests[i % len(requests)]
        i += 1
        conn.waiter = loop.create_future()
        t0 = time.perf_counter()
        assert conn.transport is not None
        conn.transport.write(request)
        try:
            status: int | str = await conn.waiter
        except ConnectionError as exc:
            status = type(exc).__name__
            conn.keep_alive = False
        t1 = time.perf_counter()
        if t0 >= start and t1 <= stop:
            tally.latencies.append(t1 - t0)
            tally.statuses[status] += 1
    if conn is not None and conn.transport is not None:
        conn.transport.close()


async def _aiohttp_workers(spec: Spec, start: float, stop: float, tally: Tally) -> None:
    import aiohttp

    base = f"http://{spec.host}:{spec.port}"
    connector = aiohttp.TCPConnector(limit=spec.connections)
    timeout = aiohttp.ClientTimeout(total=spec.warmup + spec.duration + 10)
    async with aiohttp.ClientSession(
        connector=connector, cookie_jar=aiohttp.DummyCookieJar(), timeout=timeout
    ) as session:

        async def worker(offset: int) -> None:
            i = offset
            headers = dict(spec.headers)
            while time.perf_counter() < stop:
                path = spec.paths[i % len(spec.paths)]
                body = spec.bodies[i % len(spec.bodies)]
                i += 1
                if body is not None:
                    headers["Content-Type"] = "application/json"
                t0 = time.perf_counter()
                try:
                    async with session.request(
                        spec.method, base + path, data=body, headers=headers
                    ) as response:
                        await response.read()
                        status: int | str = response.status
                except (aiohttp.ClientError, TimeoutError) as exc:
                    status = type(exc).__name__
                t1 = time.perf_counter()
                if t0 >= start and t1 <= stop:
                    tally.latencies.append(t1 - t0)
                    tally.statuses[status] += 1

        await asyncio.gather(*(worker(n * 7919) for n in range(spec.connections)))


async def _load(spec: Spec) -> dict[str, Any]:
    begin = time.perf_counter()
    start = begin + spec.warmup
    stop = start + spec.duration
    tally = Tally()
    marks: dict[str, Any] = {}

    async def mark() -> None:
        """CPU use of this process and of the server over the measured window only."""
        await asyncio.sleep(max(0.0, start - time.perf_counter()))
        marks["t0"] = time.perf_counter()
        marks["client0"] = time.process_time()
        marks["server0"] = _cpu_seconds(spec.server_pid)
        marks["machine0"] = _machine_busy_seconds()
        marks["postgres0"] = _postgres_seconds()
        spy = None
        if spec.profile:
            spy = await asyncio.create_subprocess_exec(
                *spec.profile, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        await asyncio.sleep(max(0.0, stop - time.perf_counter()))
        marks["t1"] = time.perf_counter()
        marks["client1"] = time.process_time()
        marks["server1"] = _cpu_seconds(spec.server_pid)
        marks["machine1"] = _machine_busy_seconds()
        marks["postgres1"] = _postgres_seconds()
        if spy is not None:
            try:
                await asyncio.wait_for(spy.wait(), 30)
            except TimeoutError:
                spy.kill()
                await spy.wait()

    marker = asyncio.create_task(mark())
    if spec.client == "aiohttp":
        workers = [asyncio.create_task(_aiohttp_workers(spec, start, stop, tally))]
    else:
        requests = _raw_requests(spec)
        workers = [
            asyncio.create_task(_raw_worker(spec, requests, n * 7919, start, stop, tally))
            for n in range(spec.connections)
        ]
    # Requests still unanswered well after the window are given up (and counted).
    done, stuck = await asyncio.wait(workers, timeout=stop + 10 - time.perf_counter())
    for task in done:
        if task.exception() is not None:  # e.g. a connection refused: counted, not raised
            tally.statuses[f"worker {type(task.exception()).__name__}"] += 1
    for task in stuck:
        task.cancel()
    if stuck:
        tally.statuses["stuck"] += len(stuck)
    await marker
    wall = marks["t1"] - marks["t0"]
    server_cpu = None
    if marks["server0"] is not None and marks["server1"] is not None:
        server_cpu = (marks["server1"] - marks["server0"]) / wall
    client_cpu = (marks["client1"] - marks["client0"]) / wall
    postgres_cpu = (marks["postgres1"] - marks["postgres0"]) / wall
    other_cpu = None
    if server_cpu is not None and marks["machine0"] is not None and marks["machine1"] is not None:
        machine_cpu = (marks["machine1"] - marks["machine0"]) / wall
        other_cpu = max(0.0, machine_cpu - server_cpu - client_cpu - postgres_cpu)
    lat = sorted(tally.latencies)
    ok = tally.statuses.get(spec.expect, 0)

    def pct(q: float) -> float | None:
        return lat[min(len(lat) - 1, int(q * len(lat)))] * 1000 if lat else None

    return {
        "requests": len(lat),
        "ok": ok,
        "rps": ok / spec.duration,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "statuses": {str(k): v for k, v in tally.statuses.items()},
        "client_cpu": client_cpu,
        "server_cpu": server_cpu,
        "server_us_per_request": server_cpu * spec.duration / ok * 1e6
        if server_cpu is not None and ok
        else None,
        "postgres_cpu": postgres_cpu,
        "other_cpu": other_cpu,
    }


def run_load(spec_json: str) -> None:
    spec = Spec(**json.loads(spec_json))
    print(json.dumps(asyncio.run(_load(spec))), flush=True)

"""Requests per second of the two public look-ups, against a bare aiohttp JSON handler.

One run measures, each for a fixed time after a warm-up, with N keep-alive connections:

  (a) bare     a tiny aiohttp app returning a small JSON (own process, default event loop)
  (b) intake   ``GET /api/intake/{code}`` on ``odr serve`` (SQLite in a temp data folder)
  (c) session  ``POST /api/session`` with valid personal codes (cycled over the filed cases)

and, with ``--database-url``, (b) and (c) again on a fresh PostgreSQL database.

The load generator is a separate process (``--role load``) speaking HTTP/1.1 over asyncio
directly (``--client raw``, the default) or through aiohttp's client (``--client aiohttp``).
By default the server is pinned to CPU 0 and the load generator to CPU 1, so that each has a
core of its own; both report their CPU use so that a saturated client shows up in the table.

    .venv/bin/python bench/lookups.py [--duration 5] [--warmup 1] [--connections 32]
        [--cases 200] [--repeat 1] [--client raw|aiohttp] [--no-pin] [--json]
        [--database-url postgresql+psycopg://...]
        [--profile DIR]   # py-spy record of the server during (b) and (c), if py-spy is there

Only the project's own dependencies are needed (``--profile`` also needs py-spy).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGET_RATIO = 1 / 3  # the project's aim for a look-up, against the bare handler
SATURATED = 0.90  # a process busy this share of the wall time is taken as saturated
OTHER_LOAD = 0.15  # other processes using this share of a core disturb the figures

BENCH_ENV = {
    "ODR_ARGON2_TIME_COST": "1",
    "ODR_ARGON2_MEMORY_KIB": "1024",
    "ODR_SECURE_COOKIES": "0",
}


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


# --------------------------------------------------------------------------- orchestration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_call(
    port: int, method: str, path: str, body: dict[str, Any] | None = None, timeout: float = 30
) -> tuple[int, Any]:
    """One request to the server under test; returns the status and the decoded JSON body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {} if body is None else {"Content-Type": "application/json"}
        data = None if body is None else json.dumps(body).encode("utf-8")
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        try:
            return response.status, json.loads(raw or b"null")
        except ValueError:
            return response.status, raw.decode("utf-8", "replace")
    finally:
        conn.close()


def wait_http(port: int, path: str, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {path}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if http_call(port, "GET", path, timeout=2)[0] == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"no answer on {path} within {timeout:.0f} s")


def filing(intake_code: str, n: int) -> dict[str, Any]:
    """The body of ``POST /api/cases``, as in tests/support.py ``filing``."""
    return {
        "intake_code": intake_code,
        "category": "rent",
        "applicant": {"name": f"小燕{n}", "phone": "13800000000", "address": "太阳镇太源村"},
        "respondent": {"name": "杭州某美食广场有限公司", "language": "zh-CN"},
        "facts": "租下商铺一间，因生意不好未付租金，也未解除合同。",
        "claims": "请求减免部分租金并解除合同。",
    }


class Processes:
    """Every child process the bench starts, each ended by its own pid in ``close``."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(
        self,
        args: list[str],
        env: dict[str, str],
        log: Path | None = None,
        cpu: int | None = None,
    ) -> subprocess.Popen[bytes]:
        out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
        try:
            proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        finally:
            if log:
                out.close()  # type: ignore[union-attr]
        self.procs.append(proc)
        if cpu is not None:
            os.sched_setaffinity(proc.pid, {cpu})
        return proc

    def stop(self, proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)

    def close(self) -> None:
        for proc in reversed(self.procs):
            self.stop(proc)


@dataclass
class Options:
    duration: float
    warmup: float
    connections: int
    cases: int
    client: str
    repeat: int
    server_cpu: int | None
    client_cpu: int | None
    profile: Path | None
    py_spy: str | None


def measure(
    opts: Options,
    procs: Processes,
    name: str,
    server: subprocess.Popen[bytes],
    port: int,
    method: str,
    paths: list[str],
    bodies: list[str | None],
) -> dict[str, Any]:
    """The best of ``opts.repeat`` runs (other load on the machine only ever slows a run)."""
    runs = []
    for i in range(opts.repeat):
        runs.append(
            measure_once(opts, procs, name, server, port, method, paths, bodies, profile=i == 0)
        )
    best = max(runs, key=lambda r: r["rps"])
    best["runs"] = [round(r["rps"]) for r in runs]
    return best


def measure_once(
    opts: Options,
    procs: Processes,
    name: str,
    server: subprocess.Popen[bytes],
    port: int,
    method: str,
    paths: list[str],
    bodies: list[str | None],
    *,
    profile: bool,
) -> dict[str, Any]:
    spec = Spec(
        host="127.0.0.1",
        port=port,
        method=method,
        paths=paths,
        bodies=bodies,
        expect=200,
        connections=opts.connections,
        warmup=opts.warmup,
        duration=opts.duration,
        client=opts.client,
        server_pid=server.pid,
    )
    if profile and opts.profile and opts.py_spy and name != "bare":
        # Started by the load generator when the measured window opens (so on its core).
        spec.profile = [
            opts.py_spy,
            "record",
            "--pid",
            str(server.pid),
            "--duration",
            str(max(1, round(opts.duration))),
            "--rate",
            "100",
            "--format",
            "raw",
            "--output",
            str(opts.profile / f"{name}.txt"),
            "--nonblocking",
        ]
    load = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--role",
            "load",
            json.dumps(spec.__dict__),
        ],
        capture_output=True,
        text=True,
        timeout=opts.warmup + opts.duration + 90,
        check=False,
        preexec_fn=(
            (lambda: os.sched_setaffinity(0, {opts.client_cpu}))  # type: ignore[arg-type]
            if opts.client_cpu is not None
            else None
        ),
    )
    if load.returncode != 0:
        raise RuntimeError(f"load generator failed for {name}:\n{load.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(load.stdout.strip().splitlines()[-1])
    result["name"] = name
    return result


def seed_odr(
    opts: Options, procs: Processes, data_dir: Path, database_url: str | None, label: str
) -> tuple[subprocess.Popen[bytes], int, str, list[str]]:
    """Start ``odr serve`` on a fresh store, seeded with ``odr demo`` and ``opts.cases`` cases."""
    env = dict(os.environ)
    env.update(BENCH_ENV)
    env["ODR_DATA_DIR"] = str(data_dir)
    if database_url:
        env["ODR_DATABASE_URL"] = database_url
    odr = str(BIN / "odr")
    demo = subprocess.run(
        [odr, "demo", "--json"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if demo.returncode != 0:
        raise RuntimeError(f"odr demo failed:\n{demo.stderr[-2000:]}")
    intake_code = json.loads(demo.stdout)["intake_code"]
    port = free_port()
    env["ODR_PORT"] = str(port)
    server = procs.start(
        [odr, "serve", "--port", str(port)], env, log=data_dir / "serve.log", cpu=opts.server_cpu
    )
    base = f"http://127.0.0.1:{port}"
    wait_http(port, "/healthz", server)
    started = time.monotonic()
    try:
        codes = asyncio.run(_file_cases(base, intake_code, opts.cases))
    except Exception as exc:
        log = (data_dir / "serve.log").read_text("utf-8", "replace")
        tail = "\n".join(line for line in log.splitlines() if "aiohttp.access" not in line)
        raise RuntimeError(f"{exc}\n--- odr serve log (no access lines):\n{tail[-4000:]}") from exc
    print(
        f"  [{label}] {len(codes)} cases filed in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )
    # A sanity check of both look-ups before measuring them.
    status, body = http_call(port, "GET", f"/api/intake/{intake_code}")
    assert status == 200 and body.get("microcourt"), (status, body)
    status, body = http_call(port, "POST", "/api/session", {"code": codes[0]})
    assert status == 200 and body.get("csrf_token"), (status, body)
    return server, port, intake_code, codes


async def _file_cases(base: str, intake_code: str, n: int) -> list[str]:
    import aiohttp

    codes: list[str] = []
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(
        timeout=timeout, cookie_jar=aiohttp.DummyCookieJar()
    ) as session:
        semaphore = asyncio.Semaphore(8)

        async def file_one(i: int) -> None:
            async with (
                semaphore,
                session.post(f"{base}/api/cases", json=filing(intake_code, i)) as response,
            ):
                text = await response.text()
                if response.status != 201:
                    raise RuntimeError(f"filing failed: {response.status} {text[:300]}")
                codes.append(json.loads(text)["applicant"]["code"])

        await asyncio.wait_for(asyncio.gather(*(file_one(i) for i in range(n))), 300)
    return codes


def create_database(url: str) -> tuple[str, str]:
    """A fresh database on the PostgreSQL server of ``url``: (its URL, the admin URL)."""
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"odr_bench_{secrets.token_hex(4)}"
    admin = base.set(drivername="postgresql", database="postgres")
    admin_url = admin.render_as_string(hide_password=False)
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return base.set(database=name).render_as_string(hide_password=False), admin_url


def drop_database(url: str, admin_url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench_odr(
    opts: Options, procs: Processes, results: list[dict[str, Any]], database_url: str | None
) -> None:
    label = "postgresql" if database_url else "sqlite"
    with tempfile.TemporaryDirectory(prefix=f"odr-bench-{label}-") as tmp:
        server, port, intake_code, codes = seed_odr(opts, procs, Path(tmp), database_url, label)
        try:
            suffix = "" if database_url is None else " pg"
            results.append(
                measure(
                    opts,
                    procs,
                    f"intake{suffix.replace(' ', '-')}",
                    server,
                    port,
                    "GET",
                    [f"/api/intake/{intake_code}"],
                    [None],
                )
            )
            results[-1]["label"] = f"(b) GET /api/intake/{{code}} [{label}]"
            bodies: list[str | None] = [json.dumps({"code": code}) for code in codes]
            results.append(
                measure(
                    opts,
                    procs,
                    f"session{suffix.replace(' ', '-')}",
                    server,
                    port,
                    "POST",
                    ["/api/session"],
                    bodies,
                )
            )
            results[-1]["label"] = f"(c) POST /api/session [{label}]"
        finally:
            procs.stop(server)


def bench_bare(opts: Options, procs: Processes, results: list[dict[str, Any]]) -> None:
    port = free_port()
    server = procs.start(
        [sys.executable, str(Path(__file__).resolve()), "--role", "bare", "--port", str(port)],
        dict(os.environ),
        cpu=opts.server_cpu,
    )
    try:
        wait_http(port, "/json", server)
        results.append(measure(opts, procs, "bare", server, port, "GET", ["/json"], [None]))
        results[-1]["label"] = "(a) bare aiohttp JSON handler"
    finally:
        procs.stop(server)


def fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def report(results: list[dict[str, Any]], opts: Options) -> None:
    bare = next((r["rps"] for r in results if r["name"] == "bare"), None)
    bare_us = next((r["server_us_per_request"] for r in results if r["name"] == "bare"), None)
    pinned = (
        f"server pinned to CPU {opts.server_cpu}, load generator to CPU {opts.client_cpu}"
        if opts.server_cpu is not None
        else "not pinned"
    )
    print()
    print(
        f"{opts.connections} keep-alive connections, {opts.warmup:g} s warm-up + "
        f"{opts.duration:g} s measured per target, best of {opts.repeat}, "
        f"client={opts.client}, {pinned}"
    )
    header = (
        f"{'target':<38} {'req/s':>8} {'vs bare':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'server':>7} {'client':>7} {'pg':>5} {'other':>6} {'µs/req':>7} {'cost':>6}  notes"
    )
    print(header)
    print("-" * (len(header) + 20))
    saturated, busy = [], []
    for r in results:
        ratio = r["rps"] / bare if bare else None
        cost = (
            bare_us / r["server_us_per_request"] if bare_us and r["server_us_per_request"] else None
        )
        notes = []
        if r["name"] != "bare" and ratio is not None:
            notes.append("meets 1/3" if ratio >= TARGET_RATIO else "BELOW 1/3")
        bad = {k: v for k, v in r["statuses"].items() if k != "200"}
        if bad:
            notes.append(f"non-200: {bad}")
        if r["client_cpu"] >= SATURATED:
            notes.append("CLIENT SATURATED")
            saturated.append(r["label"])
        if r["other_cpu"] is not None and r["other_cpu"] >= OTHER_LOAD:
            notes.append("MACHINE BUSY")
            busy.append(r["label"])
        if len(r.get("runs", [])) > 1:
            notes.append("runs " + "/".join(str(x) for x in r["runs"]))

        def pct(v: float | None) -> str:
            return "-" if v is None else f"{v * 100:.0f}%"

        print(
            f"{r['label']:<38} {r['rps']:>8.0f} {fmt(ratio, '>8.3f')} "
            f"{fmt(r['p50_ms'], '>7.2f')} {fmt(r['p99_ms'], '>7.2f')} "
            f"{pct(r['server_cpu']):>7} {pct(r['client_cpu']):>7} "
            f"{pct(r['postgres_cpu']):>5} {pct(r['other_cpu']):>6} "
            f"{fmt(r['server_us_per_request'], '>7.0f')} {fmt(cost, '>6.3f')}  " + "; ".join(notes)
        )
    print()
    print(
        "server / client / pg / other: CPU used during the measured window, in % of one core,"
        " by the server process (all its threads), by the load generator, by PostgreSQL's"
        " processes, and by everything else on the machine. µs/req: server CPU time per"
        " answered request; cost: the bare handler's µs/req divided by this one's, i.e. the"
        " ratio to expect with the server's core saturated."
    )
    if saturated:
        print(
            f"NOTE: the load generator used >= {SATURATED:.0%} of its core for: "
            + ", ".join(saturated)
            + ". Those rates are a lower bound of what the server can do (the client, not"
            " the server, was the limit); see bench/README.md."
        )
    if busy:
        print(
            f"NOTE: other processes used >= {OTHER_LOAD:.0%} of a core during: "
            + ", ".join(busy)
            + ". Those figures are disturbed; run again on a quiet machine (or use --repeat)."
        )
    if not saturated and not busy and all((r["server_cpu"] or 0) < SATURATED for r in results):
        print(
            "NOTE: neither the server nor the load generator kept its core busy: the limit is"
            " elsewhere (too few connections, wake-ups between the two processes); see"
            " bench/README.md."
        )


# Landmarks in the server's stacks (regular expressions on py-spy's "fn (file:line)" frames
# joined by ";"): the share of samples with such a frame, or frame sequence, on the stack.
LANDMARKS = {
    "intake: microcourt_by_intake": r"microcourt_by_intake \(odr/",
    "intake: session.get(Court)": r"get_intake\.<locals>\.look_up \([^)]*\);Session\.get \(",
    "redeem (code look-up + audit)": r"redeem \(odr/services/codes\.py",
    "  audit.append": r"append \(odr/services/audit\.py",
    "  Ed25519 sign": r"AuditKey\.sign \(",
    "sessions.start": r"start \(odr/services/sessions\.py",
    "ORM flush": r"Session\._flush \(",
    "BEGIN (odr listener)": r"_begin \(odr/store/db\.py",
    "pool pre-ping": r"do_ping \(",
    "rollback": r"do_rollback \(",
    "commit": r"do_commit \(",
    "read_json": r"read_json \(odr/",
    "access log": r"AccessLogger\.log \(",
    "event loop waiting (epoll)": r"EpollSelector\.select \(",
    "pool thread waiting for work": r"_worker \(concurrent/futures/thread\.py:\d+\)$",
}


def summarise_profiles(directory: Path, top: int = 12) -> None:
    """Where the server's samples went, from py-spy's raw (collapsed stack) output."""
    for path in sorted(directory.glob("*.txt")):
        own: Counter[str] = Counter()
        under: Counter[str] = Counter()
        threads: Counter[str] = Counter()
        stacks: list[tuple[str, int]] = []
        total = 0
        for line in path.read_text("utf-8", "replace").splitlines():
            stack, _, count_text = line.rpartition(" ")
            if not count_text.isdigit() or not stack:
                continue
            count = int(count_text)
            stacks.append((stack, count))
            frames = stack.split(";")
            total += count
            threads["event loop" if frames[0].startswith("<module>") else "threads"] += count
            own[frames[-1]] += count
            for frame in set(frames):
                under[frame] += count
        if not total:
            continue
        split = ", ".join(f"{k} {v / total:.0%}" for k, v in threads.most_common())
        print(f"\nprofile {path.stem}: {total} samples of active threads ({split})")
        print("  landmarks (share of samples with it on the stack):")
        for label, needle in LANDMARKS.items():
            pattern = re.compile(needle)
            hits = sum(c for stack, c in stacks if pattern.search(stack))
            if hits:
                print(f"    {hits / total:6.1%}  {label}")
        print("  most time in (self):")
        for name, count in own.most_common(top):
            print(f"    {count / total:6.1%}  {name[:110]}")
        print("  most time under (inclusive), project code only:")
        mine = [(n, c) for n, c in under.most_common() if "(odr/" in n]
        for name, count in mine[:top]:
            print(f"    {count / total:6.1%}  {name[:110]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds measured")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before measuring")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--cases", type=int, default=200, help="cases filed before measuring")
    parser.add_argument("--repeat", type=int, default=1, help="runs per target; best is kept")
    parser.add_argument("--client", choices=["raw", "aiohttp"], default="raw")
    parser.add_argument("--no-pin", action="store_true", help="do not pin server and client")
    parser.add_argument(
        "--database-url",
        help="also bench on this PostgreSQL server (a fresh database is created and dropped),"
        " e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test",
    )
    parser.add_argument("--profile", type=Path, help="py-spy the server into this folder")
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    parser.add_argument("--role", choices=["bare", "load"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("spec", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.role == "bare":
        run_bare_server(args.port)
        return
    if args.role == "load":
        run_load(args.spec)
        return

    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    pin = not args.no_pin and len(cpus) >= 2
    py_spy = None
    if args.profile:
        py_spy = shutil.which("py-spy") or (
            str(BIN / "py-spy") if (BIN / "py-spy").exists() else None
        )
        if py_spy is None:
            print(
                "--profile: py-spy not found (pip install py-spy); not profiling", file=sys.stderr
            )
        args.profile.mkdir(parents=True, exist_ok=True)
    opts = Options(
        duration=args.duration,
        warmup=args.warmup,
        connections=args.connections,
        cases=args.cases,
        client=args.client,
        repeat=max(1, args.repeat),
        server_cpu=cpus[0] if pin else None,
        client_cpu=cpus[1] if pin else None,
        profile=args.profile if py_spy else None,
        py_spy=py_spy,
    )
    results: list[dict[str, Any]] = []
    failed = ""
    procs = Processes()
    try:
        print("(a) bare aiohttp handler …", file=sys.stderr)
        bench_bare(opts, procs, results)
        print("(b), (c) odr serve on SQLite …", file=sys.stderr)
        bench_odr(opts, procs, results, None)
        if args.database_url:
            print("(b), (c) odr serve on PostgreSQL …", file=sys.stderr)
            try:
                url, admin_url = create_database(args.database_url)
            except Exception as exc:  # no server there: skip that part
                print(f"PostgreSQL skipped: {type(exc).__name__}: {exc}", file=sys.stderr)
            else:
                try:
                    bench_odr(opts, procs, results, url)
                except Exception as exc:  # report what was measured, then fail
                    failed = f"PostgreSQL part failed: {type(exc).__name__}: {exc}"
                    print(failed, file=sys.stderr)
                finally:
                    drop_database(url, admin_url)
    finally:
        procs.close()
    report(results, opts)
    if opts.profile:
        summarise_profiles(opts.profile)
    if args.json:
        print(json.dumps(results, indent=2))
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()

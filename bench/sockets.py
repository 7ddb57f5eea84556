"""1000 socket.io connections on one ``odr serve`` while 10 hearings with media run, beside a
bare python-socketio server: connect latency, heartbeat round trips, memory per connection.

One run, in this order:

  (a) bare   a python-socketio AsyncServer on aiohttp, ``/hearing`` accepting everyone and
             acking ``heartbeat`` (``socket_load.py``), with the product's engine settings;
  (b) odr    ``odr serve`` (SQLite in a temporary data folder) started with a service's
             default soft limit of open files (1024), seeded with ``odr demo`` and, through
             the services, one hearing per ``--per-hearing`` connections, each connection a
             participant whose personal code was exchanged for a session (``hearing_seed.py``).

For each: ``--clients`` client processes open the connections, ``--rate`` a second in all
(at most ``--concurrency`` handshakes in flight); each connection then sends ``heartbeat``
every ``--interval`` s, and the acks' round trips are measured over ``--window`` s. Memory
per connection is the server's RSS after the connections opened minus before, divided by
their number. Then, on odr only, ``--hearings`` hearings of real probes
(``probe_hearings.py``: the demo mediator as host and 1-2 parties, aiortc media) join, the
round trips are measured again, and every connection is closed and opened again while the
hearings run. The server is pinned to the first CPU, the clients and the probes to the
second (``--no-pin``); CPU use is read from /proc (``usage.py``).

    .venv/bin/python bench/sockets.py [--connections 1000] [--clients 4] [--rate 100]
        [--concurrency 64] [--interval 2] [--window 15] [--hearings 10]
        [--probes-per-hearing 2] [--per-hearing 4] [--no-pin] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from children import Child
from hearing_seed import demo_mediator, make_hearings, sessions_of
from lookups import BENCH_ENV, BIN, Processes, free_port, wait_http
from probe_hearings import run_probes
from socket_load import Link, Spec, Tally, run_bare_server, run_clients
from sockets_report import report
from usage import Usage, rss_bytes

from odr.settings import Settings

SCRIPT = str(Path(__file__).resolve())
SERVICE_SOFT_NOFILE = 1024
HEARTBEAT_SECONDS = Settings().heartbeat_seconds  # the product's engine.io pings follow it
PING_INTERVAL, PING_TIMEOUT = max(5, HEARTBEAT_SECONDS), max(5, 2 * HEARTBEAT_SECONDS)


def raise_open_files() -> int:
    """Soft limit of open files up to the hard one (children inherit it); returns it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def start_serve(
    procs: Processes, command: list[str], env: dict[str, str], folder: Path
) -> subprocess.Popen[bytes]:
    """``odr serve`` with the soft limit of open files a service gets by default (systemd:
    1024, the hard limit left as it is): the server must raise it itself."""

    def limit() -> None:
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(SERVICE_SOFT_NOFILE, hard), hard))

    with (folder / "serve.log").open("ab") as log:
        proc = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=limit
        )
    procs.procs.append(proc)
    return proc


async def warm(url: str, origin: str, cookie: str, hearing_id: int) -> None:
    """One connection and one heartbeat, so that what the server loads lazily is loaded
    before its memory is read."""
    tally = Tally()
    link = Link(Spec(url, origin, [], 1.0), cookie, hearing_id, tally)
    if not await link.connect():
        raise RuntimeError(f"warm-up connection refused: {dict(tally.errors)}")
    await link.sio.call("heartbeat", {}, namespace="/hearing", timeout=10)
    await link.close()


async def run_sockets(
    args: argparse.Namespace,
    folder: Path,
    server_pid: int,
    url: str,
    targets: list[tuple[str, int]],
    cpu: int | None,
    hearings: Child | None = None,
) -> dict[str, Any]:
    """Open the connections (the last target only warms up), measure the round trips, and,
    with ``hearings`` (the probes' process): start the hearings, measure the round trips
    again, close and reopen every connection while they run, and let them end."""
    await warm(url, url, *targets[-1])
    await asyncio.sleep(1.0)
    rss_before = rss_bytes(server_pid)
    clients: list[Child] = []
    for i in range(args.clients):
        spec = {"url": url, "origin": url, "targets": targets[:-1][i :: args.clients]}
        clients.append(
            await Child.start(SCRIPT, "clients", {**spec, "interval": args.interval}, folder, cpu)
        )
    ours = [c.pid for c in clients] + ([hearings.pid] if hearings else [])
    usage = Usage(server_pid, ours)
    result: dict[str, Any] = {"connections": len(targets) - 1, "windows": {}}
    try:
        result["open"] = await open_all(args, clients, usage)
        await asyncio.sleep(2.0)
        result["rss_before"], result["rss_after"] = rss_before, rss_bytes(server_pid)
        result["windows"]["quiet"] = await window(args, clients, usage)
        if hearings is not None:
            result["probes"] = await hearings.ask({"start": True}, 120)
            await asyncio.sleep(2.0)
            result["windows"]["media"] = await window(args, clients, usage)
            result["reopen"] = await open_all(args, clients, usage)
            result["heard"] = await hearings.ask({"report": True}, 60)
        quits = await asyncio.gather(*(c.ask({"quit": True}, 60) for c in clients))
        errors: dict[str, int] = {}
        for q in quits:
            for key, n in q["errors"].items():
                errors[key] = errors.get(key, 0) + n
        result["errors"] = errors
    finally:
        for c in clients:
            await c.end()
    return result


async def open_all(args: argparse.Namespace, clients: list[Child], usage: Usage) -> dict[str, Any]:
    """Every client process (re)opens its connections; latencies and what it cost."""
    ramp = {"rate": args.rate / args.clients, "cap": max(1, args.concurrency // args.clients)}
    usage.start()
    opened = await asyncio.gather(*(c.ask({"open": ramp}, 300) for c in clients))
    return {
        "connect": [x for r in opened for x in r["connect"]],
        "first_state": [x for r in opened for x in r["first_state"]],
        "connected": sum(r["connected"] for r in opened),
        "ramp_seconds": max(r["seconds"] for r in opened),
        **usage.stop(),
    }


async def window(args: argparse.Namespace, clients: list[Child], usage: Usage) -> dict[str, Any]:
    usage.start()
    answers = await asyncio.gather(
        *(c.ask({"window": args.window}, args.window + 60) for c in clients)
    )
    return {
        "rtt": [x for a in answers for x in a["rtt"]],
        "connected": sum(a["connected"] for a in answers),
        **usage.stop(),
    }


async def bench_bare(args: argparse.Namespace, procs: Processes, folder: Path, cpus: Any) -> Any:
    port = free_port()
    command = [sys.executable, SCRIPT, "--role", "bare", "--port", str(port)]
    server = procs.start(command, dict(os.environ), log=folder / "bare.log", cpu=cpus[0])
    try:
        wait_http(port, "/healthz", server)
        url = f"http://127.0.0.1:{port}"
        targets = [("", 1)] * (args.connections + 1)
        return await run_sockets(args, folder, server.pid, url, targets, cpus[1])
    finally:
        procs.stop(server)


async def bench_odr(args: argparse.Namespace, procs: Processes, folder: Path, cpus: Any) -> Any:
    data = folder / "odr"
    env = {**os.environ, **BENCH_ENV, "ODR_DATA_DIR": str(data)}
    mediator = await asyncio.to_thread(demo_mediator, str(BIN / "odr"), env)
    began = time.monotonic()
    settings = Settings.load(env)
    wanted = args.connections + 1  # and one to warm up with
    rooms = await asyncio.to_thread(
        make_hearings, settings, math.ceil(wanted / args.per_hearing), args.per_hearing - 2
    )
    media_rooms = await asyncio.to_thread(make_hearings, settings, args.hearings, 0)
    seeded = time.monotonic() - began
    port = free_port()
    env["ODR_PORT"] = str(port)
    server = start_serve(procs, [str(BIN / "odr"), "serve", "--port", str(port)], env, folder)
    if cpus[0] is not None:
        os.sched_setaffinity(server.pid, {cpus[0]})
    probes: Child | None = None
    try:
        wait_http(port, "/healthz", server)
        url = f"http://127.0.0.1:{port}"
        pairs = [(code, room["id"]) for room in rooms for code in room["codes"]][:wanted]
        began = time.monotonic()
        cookies = await sessions_of(url, [code for code, _ in pairs])
        redeemed = time.monotonic() - began
        targets = [(cookie, hearing) for cookie, (_, hearing) in zip(cookies, pairs, strict=True)]
        probes = await Child.start(
            SCRIPT,
            "probes",
            {
                "url": url,
                "user": mediator["username"],
                "password": mediator["password"],
                "hearings": [
                    {"id": r["id"], "codes": r["codes"][: args.probes_per_hearing - 1]}
                    for r in media_rooms
                ],
                "width": args.probe_width,
                "height": args.probe_height,
                "fps": args.probe_fps,
            },
            folder,
            cpus[1],
        )
        result = await run_sockets(args, folder, server.pid, url, targets, cpus[1], probes)
        result.update(seeded_s=seeded, redeemed_s=redeemed, rooms=len(rooms))
        return result
    except Exception:
        log = (folder / "serve.log").read_text("utf-8", "replace").splitlines()
        print("--- the end of odr serve's log:\n" + "\n".join(log[-40:]), file=sys.stderr)
        raise
    finally:
        if probes is not None:
            await probes.end()
        procs.stop(server)


async def main_bench(args: argparse.Namespace) -> None:
    limit = raise_open_files()
    cpus = sorted(os.sched_getaffinity(0))
    pinned = (cpus[0], cpus[1]) if not args.no_pin and len(cpus) >= 2 else (None, None)
    procs = Processes()
    began = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="odr-bench-sockets-") as tmp:
            print("(a) bare python-socketio …", file=sys.stderr)
            bare = await bench_bare(args, procs, Path(tmp), pinned)
            print("(b) odr serve with hearings …", file=sys.stderr)
            odr = await bench_odr(args, procs, Path(tmp), pinned)
    finally:
        procs.close()
    print(report(args, bare, odr, limit, time.monotonic() - began))
    if args.json:
        print(json.dumps({"bare": bare, "odr": odr}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4, help="client processes")
    parser.add_argument("--rate", type=float, default=100.0, help="connections opened a second")
    parser.add_argument("--concurrency", type=int, default=64, help="most handshakes in flight")
    parser.add_argument("--interval", type=float, default=2.0, help="s between heartbeats")
    parser.add_argument("--window", type=float, default=15.0, help="s of round trips measured")
    parser.add_argument("--hearings", type=int, default=10, help="hearings with media")
    parser.add_argument("--probes-per-hearing", type=int, default=2, choices=[2, 3])
    parser.add_argument("--per-hearing", type=int, default=4, help="connections per hearing (>= 2)")
    parser.add_argument("--probe-width", type=int, default=160)
    parser.add_argument("--probe-height", type=int, default=120)
    parser.add_argument("--probe-fps", type=int, default=10)
    parser.add_argument("--no-pin", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--role", choices=["bare", "clients", "probes"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("spec", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "bare":
        run_bare_server(args.port, PING_INTERVAL, PING_TIMEOUT)
    elif args.role == "clients":
        run_clients(args.spec)
    elif args.role == "probes":
        run_probes(args.spec)
    else:
        args.per_hearing = max(2, args.per_hearing)
        asyncio.run(main_bench(args))


if __name__ == "__main__":
    main()

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
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from load import Spec, run_bare_server, run_load
from lookups_report import report, summarise_profiles
from seed import create_database, drop_database, file_cases

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

BENCH_ENV = {
    "ODR_ARGON2_TIME_COST": "1",
    "ODR_ARGON2_MEMORY_KIB": "1024",
    "ODR_SECURE_COOKIES": "0",
}


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
        codes = asyncio.run(file_cases(base, intake_code, opts.cases))
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

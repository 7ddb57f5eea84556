"""Server CPU per participant-stream with the embedded hub and with Janus, at the same load, and
how many participants each carries on 2 cores.

One run, in this order, each on a fresh data folder (SQLite) seeded with ``odr demo`` and
``--hearings`` hearings (``hearing_seed.py``):

  (a) embedded  ``odr serve`` with its in-process hub (aiortc): it decodes, scales and
                re-encodes each camera once, forwards it, and mixes the audio per receiver;
  (b) janus     ``odr serve`` with ``ODR_MEDIA_BACKEND=janus`` driving a ``janus`` process
                (Debian package, configured as in tests/janus/janus_proc.py): VideoRoom forwards
                the cameras without re-encoding, AudioBridge mixes; the CPU of both processes
                is counted, and shown apart.

The same probes join both: ``--participants`` per hearing, real aiortc probes
(``probe_hearings.py``: the demo mediator as host admitting everyone, the parties with their
personal codes), sending a tone and a ``--width``x``--height`` test picture at ``--fps``. The
server side (odr serve, and janus) is pinned to the first CPU, the probes' process to the
second (``--no-pin``). Once every probe's media is up and ``--settle`` s have passed, CPU time
is read from /proc over ``--seconds`` s; the probes then report what they received.

A participant-stream is one media stream between a participant and the server, either way:
each of n participants sends two (voice, camera) and receives n-1 cameras and one mix, so a
hearing has n(n+2). "Participants on 2 cores" is 2 divided by the server CPU seconds a second
that one participant costs, at that hearing size (a linear projection: one ``odr serve`` uses
one core, so the embedded figure needs a server process per core).

Janus's ICE leaves loopback interfaces out, so its media address is 127.0.0.2 on a veth pair
(root needed, as for the tests), and the probes gather on that address only.

    .venv/bin/python bench/media_backends.py [--hearings 3] [--participants 3]
        [--seconds 20] [--settle 5] [--width 320] [--height 240] [--fps 15]
        [--only embedded|janus] [--no-pin] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "janus")]

from children import Child  # noqa: E402
from hearing_seed import demo_mediator, make_hearings  # noqa: E402
from janus_proc import JANUS, only_media_address, running_janus  # noqa: E402
from load import _cpu_seconds  # noqa: E402
from lookups import BENCH_ENV, BIN, Processes, free_port, wait_http  # noqa: E402
from probe_hearings import run_probes  # noqa: E402

from odr.settings import Settings  # noqa: E402

SCRIPT = str(Path(__file__).resolve())
BACKENDS = ("embedded", "janus")


def cpu_now(pids: dict[str, int]) -> dict[str, float]:
    readings = {name: _cpu_seconds(pid) or 0.0 for name, pid in pids.items()}
    readings["clock"] = time.monotonic()
    return readings


async def measure(pids: dict[str, int], seconds: float, probes: Child) -> dict[str, float]:
    """CPU seconds each process used over ``seconds``, and the frames the probes received
    meanwhile."""
    first = {**cpu_now(pids), **await probes.ask({"frames": True})}
    await asyncio.sleep(seconds)
    last = {**await probes.ask({"frames": True}), **cpu_now(pids)}
    return {name: last[name] - first[name] for name in first}


async def run_backend(
    backend: str, args: argparse.Namespace, folder: Path, cpus: tuple[int | None, int | None]
) -> dict[str, Any]:
    data = folder / backend
    env = {**os.environ, **BENCH_ENV, "ODR_DATA_DIR": str(data)}
    mediator = await asyncio.to_thread(demo_mediator, str(BIN / "odr"), env)
    rooms = await asyncio.to_thread(
        make_hearings, Settings.load(env), args.hearings, max(0, args.participants - 3)
    )
    procs = Processes()
    probes: Child | None = None
    with contextlib.ExitStack() as stack:
        pids: dict[str, int] = {}
        if backend == "janus":
            janus = stack.enter_context(running_janus(folder / "janus"))
            assert janus.proc is not None
            pids["janus"] = janus.proc.pid
            if cpus[0] is not None:
                os.sched_setaffinity(janus.proc.pid, {cpus[0]})
            env.update(janus.server_env())
        port = free_port()
        env["ODR_PORT"] = str(port)
        serve = [str(BIN / "odr"), "serve", "--port", str(port)]
        server = procs.start(serve, env, log=folder / f"{backend}-serve.log", cpu=cpus[0])
        pids["odr"] = server.pid
        try:
            wait_http(port, "/healthz", server)
            spec = {
                "url": f"http://127.0.0.1:{port}",
                "user": mediator["username"],
                "password": mediator["password"],
                "hearings": [
                    {"id": r["id"], "codes": r["codes"][: args.participants - 1]} for r in rooms
                ],
                "width": args.width,
                "height": args.height,
                "fps": args.fps,
            }
            probes = await Child.start(SCRIPT, f"probes-{backend}", spec, folder, cpus[1])
            pids["probes"] = probes.pid
            joined = await probes.ask({"start": True}, 180)
            await asyncio.sleep(args.settle)
            used = await measure(pids, args.seconds, probes)
            received = await probes.ask({"report": True}, 60)
        except Exception:
            log = (folder / f"{backend}-serve.log").read_text("utf-8", "replace").splitlines()
            print(f"--- the end of odr serve's log ({backend}):", *log[-40:], sep="\n")
            raise
        finally:
            if probes is not None:
                await probes.end()
            procs.close()
    return {"backend": backend, "joined": joined, "cpu": used, "received": received}


def figures(args: argparse.Namespace, run: dict[str, Any]) -> dict[str, float]:
    n, hearings = args.participants, args.hearings
    participants = n * hearings
    streams = n * (n + 2) * hearings
    cpu, seconds = run["cpu"], run["cpu"]["clock"]
    janus = cpu.get("janus", 0.0)
    server = (cpu["odr"] + janus) / seconds  # cores
    return {
        "participants": participants,
        "streams": streams,
        "server_cores": server,
        "odr_cores": cpu["odr"] / seconds,
        "janus_cores": janus / seconds,
        "probes_cores": cpu["probes"] / seconds,
        "per_stream_ms": 1000 * server / streams,
        "per_participant_ms": 1000 * server / participants,
        "on_two_cores": 2 * participants / server if server else float("inf"),
        "video_fps_received": cpu["video_frames"] / participants / seconds,
        "audio_fps_received": cpu["audio_frames"] / participants / seconds,
        "hears_everyone": run["received"]["hears_everyone"],
    }


def report(args: argparse.Namespace, runs: list[dict[str, Any]], elapsed: float) -> str:
    n = args.participants
    lines = [
        f"{args.hearings} hearings x {n} participants, {args.width}x{args.height}@{args.fps},"
        f" {args.seconds:.0f} s measured; {n * (n + 2)} participant-streams a hearing",
        "",
        "| backend | server CPU (cores) | odr / janus | per participant-stream | per participant"
        " | participants on 2 cores | received a second, each: video / audio frames | hear everyone |",
        "|---|---|---|---|---|---|---|---|",
    ]
    rows = {run["backend"]: figures(args, run) for run in runs}
    for backend, f in rows.items():
        lines.append(
            f"| {backend} | {f['server_cores']:.3f} | {f['odr_cores']:.3f} / {f['janus_cores']:.3f}"
            f" | {f['per_stream_ms']:.1f} ms/s | {f['per_participant_ms']:.1f} ms/s"
            f" | {f['on_two_cores']:.0f}"
            f" | {f['video_fps_received']:.1f} / {f['audio_fps_received']:.1f}"
            f" | {f['hears_everyone']} of {f['participants']} |"
        )
    if len(rows) == 2:
        ratio = rows["embedded"]["per_stream_ms"] / max(rows["janus"]["per_stream_ms"], 1e-9)
        lines += ["", f"embedded / janus, CPU per participant-stream: {ratio:.1f} x"]
    for run in runs:
        joined, errors = run["joined"], run["received"]["errors"]
        if joined["failed"] or errors:
            lines.append(f"{run['backend']}: failed {joined['failed']} errors {errors}")
        busy = run["cpu"]["probes"] / run["cpu"]["clock"]
        if busy > 0.9:
            lines.append(
                f"{run['backend']}: the probes used {busy:.0%} of their core (their limit)"
            )
    lines.append(f"(the whole run took {elapsed:.0f} s)")
    return "\n".join(lines)


async def main_bench(args: argparse.Namespace) -> None:
    cpus = sorted(os.sched_getaffinity(0))
    pinned = (cpus[0], cpus[1]) if not args.no_pin and len(cpus) >= 2 else (None, None)
    backends = [args.only] if args.only else list(BACKENDS)
    if "janus" in backends and JANUS is None:
        sys.exit("Janus is not installed (apt-get install -y janus janus-tools, or make apt-test)")
    began = time.monotonic()
    runs = []
    with tempfile.TemporaryDirectory(prefix="odr-bench-media-") as tmp:
        for backend in backends:
            print(f"({backend}) …", file=sys.stderr)
            runs.append(await run_backend(backend, args, Path(tmp), pinned))
    print(report(args, runs, time.monotonic() - began))
    if args.json:
        print(json.dumps({"runs": runs, "figures": [figures(args, run) for run in runs]}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hearings", type=int, default=3)
    parser.add_argument("--participants", type=int, default=3, help="per hearing, host included")
    parser.add_argument("--seconds", type=float, default=20.0, help="s of CPU time measured")
    parser.add_argument("--settle", type=float, default=5.0, help="s after media is up")
    parser.add_argument("--width", type=int, default=320)
    parser.add_argument("--height", type=int, default=240)
    parser.add_argument("--fps", type=int, default=15)
    parser.add_argument("--only", choices=BACKENDS)
    parser.add_argument("--no-pin", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--role", choices=[f"probes-{b}" for b in BACKENDS], help=argparse.SUPPRESS)
    parser.add_argument("spec", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "probes-janus":
        with only_media_address():
            run_probes(args.spec)
    elif args.role == "probes-embedded":
        run_probes(args.spec)
    else:
        args.participants = max(2, args.participants)
        asyncio.run(main_bench(args))


if __name__ == "__main__":
    main()

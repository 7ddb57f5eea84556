"""What the media hub costs: CPU seconds per hearing-minute, and join-to-first-frame latency.

A 4-participant hearing (everyone hears and sees everyone else) runs on a real `MediaHub` in this
process; the 4 participants are real aiortc peers (`signaling.media.synthetic`) in a child process
(`--role peers`), so that the CPU time measured here (`time.process_time`, all threads: the VP8
and Opus encoders run on aiortc's thread pool) is the hub's alone. By default the hub is pinned to
CPU 0 and the peers to CPU 1 (`--no-pin` to let the scheduler decide).

For each configuration (camera size = hub profile, at `--fps`):
  1. participants 1-3 join; 2 s later participant 4 joins (join-to-first-frame sample);
  2. after `--warmup` s, the hub's CPU time is measured over `--seconds` s of the hearing;
  3. participant 4 reconnects 3 times (more join-to-first-frame samples);
  4. the peers report what they received (frames per slot, which tones they hear).

Join-to-first-frame: from the moment the client creates its offer (before ICE gathering) to
the first decoded video frame from another participant, for a participant joining (or
reconnecting to) a hearing already running; loopback, no ICE servers.

    .venv/bin/python bench/hub.py [--seconds 20] [--warmup 3] [--fps 15]
        [--sizes 320x240,640x480] [--no-pin] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import sys
import time
from typing import Any

from odr.domain.hearing import Allowed
from signaling.media import MediaHub, VideoProfile
from signaling.media.synthetic import SyntheticParticipant, tone_hz

HEARING = 1
PEOPLE = (1, 2, 3, 4)
CORES = 2


def pin(cpu: int, enabled: bool) -> None:
    if enabled and hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > cpu:
        os.sched_setaffinity(0, {cpu})


# ---------------------------------------------------------------- the peers' side (child process)


async def peers(width: int, height: int, fps: int) -> None:
    """Reads commands (JSON lines) on stdin, answers on stdout."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    clients: dict[int, SyntheticParticipant] = {}
    started: dict[int, float] = {}
    samples: list[float] = []
    watch: dict[int, asyncio.Task[None]] = {}

    def say(message: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()

    async def first_frame(pid: int, client: SyntheticParticipant) -> None:
        await client.media.first_video.wait()
        samples.append(time.monotonic() - started[pid])

    while line := await reader.readline():
        command = json.loads(line)
        if "join" in command:
            pid = command["join"]
            if pid in clients:
                if pid in watch:
                    watch.pop(pid).cancel()
                await clients.pop(pid).close()
            client = SyntheticParticipant(pid, width=width, height=height, fps=fps)
            clients[pid] = client
            started[pid] = time.monotonic()
            sdp, type_ = await client.offer()
            say({"offer": {"pid": pid, "sdp": sdp, "type": type_}})
        elif "answer" in command:
            answer = command["answer"]
            await clients[answer["pid"]].accept(answer["sdp"], answer["type"])
            if answer["measure"]:  # joins a hearing already running
                watch[answer["pid"]] = asyncio.ensure_future(
                    first_frame(answer["pid"], clients[answer["pid"]])
                )
            say({"accepted": answer["pid"]})
        elif "report" in command:
            say(
                {
                    "report": {
                        "join_to_first_frame_s": samples,
                        "received": {
                            pid: {
                                "video_frames": c.media.video_frames(),
                                "heard": sorted(
                                    other
                                    for other in PEOPLE
                                    if c.media.tone_level(tone_hz(other)) > 500
                                ),
                            }
                            for pid, c in clients.items()
                        },
                    }
                }
            )
        elif "quit" in command:
            break
    for task in watch.values():
        task.cancel()
    for client in clients.values():
        await client.close()


# ---------------------------------------------------------------- the hub's side (this process)


class PeersProcess:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    async def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(message) + "\n").encode())
        await self.process.stdin.drain()

    async def receive(self, key: str, within: float = 30.0) -> Any:
        assert self.process.stdout is not None
        while True:
            line = await asyncio.wait_for(self.process.stdout.readline(), within)
            if not line:
                raise RuntimeError("the peers' process ended")
            message = json.loads(line)
            if key in message:
                return message[key]


async def join(hub: MediaHub, peers_process: PeersProcess, pid: int, measure: bool = False) -> None:
    await peers_process.send({"join": pid})
    offer = await peers_process.receive("offer")
    sdp, type_ = await hub.connect(HEARING, pid, offer["sdp"], offer["type"])
    answer = {"pid": pid, "sdp": sdp, "type": type_, "measure": measure}
    await peers_process.send({"answer": answer})
    await peers_process.receive("accepted")


async def measure(size: tuple[int, int], args: argparse.Namespace) -> dict[str, Any]:
    width, height = size
    profile = VideoProfile(width, height, args.fps)
    hub = MediaHub(ice_servers=[], profile=profile)
    group = frozenset(PEOPLE)
    hub.set_routing(HEARING, {pid: Allowed(group, group) for pid in PEOPLE}, group)
    for pid in PEOPLE if args.audio_only else ():
        hub.set_audio_only(HEARING, pid, True)  # cameras still sent (and decoded), not forwarded
    command = [sys.executable, __file__, "--role", "peers", "--size", f"{width}x{height}"]
    command += ["--fps", str(args.fps)] + (["--no-pin"] if not args.pin else [])
    process = await asyncio.create_subprocess_exec(
        *command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
    )
    peers_process = PeersProcess(process)
    try:
        for pid in PEOPLE[:-1]:
            await join(hub, peers_process, pid)
        await asyncio.sleep(2.0)
        await join(hub, peers_process, PEOPLE[-1], measure=True)
        await asyncio.sleep(args.warmup)
        out_before = {pid: hub.stats(HEARING, pid) for pid in PEOPLE}
        cpu, wall = time.process_time(), time.monotonic()
        await asyncio.sleep(args.seconds)
        cpu, wall = time.process_time() - cpu, time.monotonic() - wall
        out_after = {pid: hub.stats(HEARING, pid) for pid in PEOPLE}
        for _ in range(3):
            await join(hub, peers_process, PEOPLE[-1], measure=True)
            await asyncio.sleep(1.5)
        await peers_process.send({"report": True})
        report = await peers_process.receive("report")
        await peers_process.send({"quit": True})
        await asyncio.wait_for(process.wait(), 15)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await hub.close()
    per_minute = cpu / wall * 60
    latency = report["join_to_first_frame_s"]
    video_out = sum(
        out_after[p]["video_frames_out"] - out_before[p]["video_frames_out"] for p in PEOPLE
    )
    audio_out = sum(
        out_after[p]["audio_frames_out"] - out_before[p]["audio_frames_out"] for p in PEOPLE
    )
    return {
        "profile": f"{width}x{height}@{args.fps}" + (" audio-only" if args.audio_only else ""),
        "participants": len(PEOPLE),
        "measured_s": round(wall, 2),
        "hub_cpu_s": round(cpu, 2),
        "hub_cores_busy": round(cpu / wall, 3),
        "cpu_s_per_hearing_minute": round(per_minute, 2),
        # One `odr serve` process runs one event loop (about one core); two cores take two
        # processes, which needs the scale-out of issue 6 (shared hearing state).
        "hearings_per_process": round(60 / per_minute, 1),
        "hearings_on_2_cores": round(CORES * 60 / per_minute, 1),
        "hearings_on_2_cores_at_70pct": round(0.7 * CORES * 60 / per_minute, 1),
        "video_frames_forwarded_per_s": round(video_out / wall, 1),
        "audio_frames_mixed_per_s": round(audio_out / wall, 1),
        "join_to_first_frame_s": {
            "samples": [round(s, 3) for s in latency],
            "median": round(statistics.median(latency), 3) if latency else None,
            "max": round(max(latency), 3) if latency else None,
        },
        "received": report["received"],
    }


def table(results: list[dict[str, Any]]) -> str:
    rows = [
        (
            "profile",
            "hub CPU s / hearing-min",
            "cores busy",
            "hearings per process",
            "hearings on 2 cores (100% / 70%)",
            "join→first frame median / max",
            "video fwd/s",
        )
    ]
    for r in results:
        latency = r["join_to_first_frame_s"]
        rows.append(
            (
                r["profile"],
                f"{r['cpu_s_per_hearing_minute']:.1f}",
                f"{r['hub_cores_busy']:.2f}",
                f"{r['hearings_per_process']}",
                f"{r['hearings_on_2_cores']} / {r['hearings_on_2_cores_at_70pct']}",
                f"{latency['median']} s / {latency['max']} s",
                f"{r['video_frames_forwarded_per_s']}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows
    )


async def main_hub(args: argparse.Namespace) -> None:
    pin(0, args.pin)
    results = []
    for size in args.sizes.split(","):
        width, height = (int(x) for x in size.split("x"))
        results.append(await measure((width, height), args))
        if not args.json:
            print(json.dumps(results[-1]), flush=True)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print()
        print(
            f"4-participant hearing, everyone sees and hears everyone (VP8 + Opus), {os.cpu_count()} CPUs"
        )
        print(table(results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--role", choices=["hub", "peers"], default="hub")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--fps", type=int, default=15)
    parser.add_argument("--sizes", default="320x240,640x480")
    parser.add_argument("--size", default="320x240")  # peers' camera (peers role)
    parser.add_argument("--no-pin", dest="pin", action="store_false")
    parser.add_argument("--audio-only", action="store_true", help="every receiver audio-only")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.role == "peers":
        pin(1, args.pin)
        width, height = (int(x) for x in args.size.split("x"))
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(peers(width, height, args.fps))
    else:
        asyncio.run(main_hub(args))


if __name__ == "__main__":
    main()

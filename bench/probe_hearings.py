"""The hearings with media that run during the socket benchmark (``sockets.py --role probes``):
in each, the demo mediator (host, admits everyone) and the parties, each a real
``signaling.probe.Probe`` (the participant of ``odr probe``: aiortc, a tone and a test
picture), all in this one process.

Commands as JSON lines on stdin, one JSON answer line each on stdout:

* ``{"start": true}``: log in, join, admit, and wait until every probe's peer connection is
  up; answers how many are.
* ``{"frames": true}``: the audio and video frames every probe has received so far.
* ``{"report": true}``: every probe leaves; answers what they received (audio frames,
  video frames, whom they heard). The process ends when its stdin closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from children import commands, say

from signaling.probe import Probe

MEDIA_WITHIN = 30.0


async def _join(probe: Probe, login: Any) -> str | None:
    try:
        await login
        await probe.connect(within=30)
        await probe.wait_media(MEDIA_WITHIN)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"[:200]
    return None


async def _probes(spec: dict[str, Any]) -> None:
    reader = await commands()
    width, height, fps = spec["width"], spec["height"], spec["fps"]
    probes: list[Probe] = []

    while line := await reader.readline():
        command = json.loads(line)
        if "start" in command:
            joins = []
            for hearing in spec["hearings"]:
                host = Probe(
                    spec["url"], hearing["id"], width=width, height=height, fps=fps, admit_all=True
                )
                probes.append(host)
                joins.append(_join(host, host.login_user(spec["user"], spec["password"])))
                for code in hearing["codes"]:
                    party = Probe(spec["url"], hearing["id"], width=width, height=height, fps=fps)
                    probes.append(party)
                    joins.append(_join(party, party.login_code(code)))
            failures = [f for f in await asyncio.gather(*joins) if f]
            say({"probes": len(probes), "media": len(probes) - len(failures), "failed": failures})
        elif "frames" in command:
            say(
                {
                    "audio_frames": sum(p.received.audio_frames for p in probes if p.received),
                    "video_frames": sum(p.video_frames() for p in probes),
                }
            )
        elif "report" in command:
            reports = [probe.report() for probe in probes]
            for probe in probes:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(probe.close(), 10)
            say(
                {
                    "audio_frames": sum(r["audio_frames"] for r in reports),
                    "video_frames": sum(r["video_frames"] for r in reports),
                    "hears_everyone": sum(
                        1 for r in reports if r["peers"] and all(p["heard"] for p in r["peers"])
                    ),
                    "errors": [e for r in reports for e in r["errors"]][:10],
                }
            )


def run_probes(spec_path: str) -> None:
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)
    asyncio.run(_probes(spec))

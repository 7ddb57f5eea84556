"""A hearing served by a real ``odr serve`` process, a host probe in this namespace sending its
tone (and admitting the lobby), and a party's ``odr probe`` run across a weak link.

    async with HearingWorld(tmp) as world:
        with weak_link("veth") as link:
            link.cap(384)
            run = await world.probe_across(link, seconds=15, during=...)
            run.report["audio_continuity"]["continuity"], run.recovery(outage_end)

The server's heartbeat period is the production default (5 s) unless asked otherwise; the
outage runs with 1 s heartbeats, so that a participant silent for 3 s is dropped and a 5 s
outage takes the whole way back (new socket, new peer connection), not just a stalled one.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from hearing.hearing_support import ORIGIN, make_hearing
from netlinks.links import WeakLink
from procs import ODR, Server, odr, odr_env
from support import make_settings

from signaling.probe import Probe

DEFAULT_HEARTBEAT_SECONDS = 5
SMALL_VIDEO = ["--width", "160", "--height", "120", "--fps", "10"]


@dataclass
class ProbeRun:
    """One ``odr probe`` across the link: its JSON report and when it ran (wall clock)."""

    report: dict[str, Any]
    started: float
    ended: float

    @property
    def continuity(self) -> dict[str, Any]:
        summary: dict[str, Any] = self.report["audio_continuity"]
        return summary

    def heard_host(self, host_id: int) -> bool:
        return any(p["id"] == host_id and p["heard"] for p in self.report["peers"])

    def voiced_between(self, start: float, end: float) -> float:
        """The fraction of the 20 ms frames of whole seconds in [start, end) that arrived
        voiced (from the report's per-second counts)."""
        c = self.continuity
        first = max(0, int(start - c["start"]) + 1)
        last = min(len(c["voiced_per_second"]), int(end - c["start"]))
        seconds = c["voiced_per_second"][first:last]
        return sum(seconds) / (50 * len(seconds)) if seconds else 0.0

    def silence_around(self, at: float) -> tuple[float, float] | None:
        """The listed silence (gap of 0.2 s or more) that contains the moment ``at``."""
        for start, end in self.continuity["gaps"]:
            if start <= at <= end:
                return start, end
        return None

    def recovery(self, outage_end: float) -> float | None:
        """Seconds from the end of an outage to the first sound after it (None: never)."""
        silence = self.silence_around(outage_end)
        if silence is None:
            return 0.0
        _, back = silence
        end = self.continuity["start"] + self.continuity["window_s"]
        return None if back >= end else back - outage_end


class HearingWorld:
    def __init__(self, tmp: Path, heartbeat_seconds: int = DEFAULT_HEARTBEAT_SECONDS) -> None:
        self.tmp = tmp
        self.data_dir = tmp / "data"
        self.db_url = f"sqlite:///{tmp / 'odr.sqlite3'}"
        self.heartbeat_seconds = heartbeat_seconds
        env = {"ODR_HEARTBEAT_SECONDS": str(heartbeat_seconds), "ODR_BASE_URL": ORIGIN}
        # On every address: the weak link's end too.
        self.server = Server(self.data_dir, self.db_url, tmp / "server.log", env, "0.0.0.0")  # noqa: S104
        self.hearing: dict[str, Any] = {}
        self.host: Probe | None = None

    async def __aenter__(self) -> HearingWorld:
        try:
            await self._open()
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _open(self) -> None:
        seeded = await asyncio.to_thread(odr, self.data_dir, self.db_url, "demo", "--json")
        assert seeded.returncode == 0, seeded.stderr
        password = next(
            u["password"] for u in json.loads(seeded.stdout)["users"] if u["username"] == "mediator"
        )
        settings = make_settings(self.data_dir, self.db_url)
        self.hearing = await asyncio.to_thread(make_hearing, settings)
        await self.server.start()
        host = Probe(
            self.server.base_url, self.hearing["id"], origin=ORIGIN, admit_all=True, reconnect=True
        )
        self.host = host
        await host.login_user("mediator", password)
        await host.connect()
        await host.wait_media()

    @property
    def host_id(self) -> int:
        assert self.host is not None
        return self.host.participant_id

    async def probe_across(
        self,
        link: WeakLink,
        seconds: float,
        during: Callable[[], Awaitable[None]] | None = None,
        options: tuple[str, ...] = (),
    ) -> ProbeRun:
        """The applicant's ``odr probe`` in the link's namespace for ``seconds``; ``during``
        runs meanwhile (e.g. an outage at some point)."""
        url = f"http://{link.server_ip}:{self.server.port}"
        argv = [ODR, "probe", "--server", url, "--origin", ORIGIN]
        argv += ["--hearing", str(self.hearing["id"]), "--code", self.hearing["codes"]["applicant"]]
        argv += ["--seconds", str(seconds), "--json", *SMALL_VIDEO, *options]
        await self.party_joined(joined=False)  # the previous run's probe has gone
        started = time.time()
        child = await asyncio.create_subprocess_exec(
            *link.inside(argv),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=odr_env(),
        )
        try:
            if during is not None:
                await during()
            out, err = await asyncio.wait_for(child.communicate(), seconds + 90)
        finally:
            if child.returncode is None:
                child.kill()
                await child.wait()
        assert out, f"odr probe printed nothing (exit {child.returncode}): {err.decode()[-2000:]}"
        return ProbeRun(json.loads(out), started, time.time())

    async def party_joined(self, within: float = 60, joined: bool = True) -> None:
        """Until the host sees the applicant in the hearing room (or, ``joined=False``, not)."""
        assert self.host is not None

        def there(state: dict[str, Any]) -> bool:
            return any(
                p["role"] == "applicant" and p["presence"] == "in_hearing"
                for p in state["participants"]
            )

        await self.host.wait_for(lambda state: there(state) is joined, within)

    async def close(self) -> None:
        if self.host is not None:
            await self.host.close()
            self.host = None
        self.server.kill()

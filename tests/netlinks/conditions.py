"""The weak links a village probe is tried on, and one measurement of a probe across one.

Each condition makes its link (``links.weak_link``), impairs it, runs the applicant's
``odr probe`` across it while the host's tone plays, and returns what the probe received:
join time (first sound heard), audio continuity (fraction of the window's 20 ms frames that
arrived voiced, from the first sound to the end), the longest silence and, for the outage,
the seconds from the link coming back to the first sound after it.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from netlinks.links import WeakLink
from netlinks.world import HearingWorld, ProbeRun

SETTLE_SECONDS = 4.0  # of audio flowing before the outage starts


@dataclass(frozen=True)
class Condition:
    name: str
    label: str
    kind: str = "veth"  # "delay": through relay.py's TUN wire
    cap_kbit: int | None = None
    loss_percent: int | None = None
    delay_s: float = 0.3
    outage_s: float | None = None
    heartbeat_s: int = 5  # the server's heartbeat period (ODR_HEARTBEAT_SECONDS)

    def impair(self, link: WeakLink) -> None:
        if self.cap_kbit is not None:
            link.cap(self.cap_kbit)
        if self.loss_percent is not None:
            link.lose(self.loss_percent)


BASELINE = Condition("baseline", "veth, nothing impaired")
CAP = Condition("cap", "384 kbit/s each way (tbf)", cap_kbit=384)
LOSS = Condition("loss", "7 % random loss each way (nftables)", loss_percent=7)
DELAY = Condition("delay", "300 ms each way (relay.py)", kind="delay")
OUTAGE = Condition(
    "outage", "5 s of total loss (nftables), 1 s heartbeats", outage_s=5.0, heartbeat_s=1
)
CONDITIONS = (BASELINE, CAP, LOSS, DELAY, OUTAGE)


@dataclass
class Measured:
    condition: Condition
    run: ProbeRun
    outage: tuple[float, float] | None  # wall clock

    @property
    def report(self) -> dict[str, Any]:
        return self.run.report

    @property
    def join_s(self) -> float | None:
        first: float | None = self.report["timing"]["first_audio_s"]
        return first

    @property
    def continuity(self) -> float:
        return float(self.run.continuity["continuity"])

    @property
    def longest_gap_ms(self) -> int:
        return int(self.run.continuity["longest_gap_ms"])

    def recovery_s(self) -> float | None:
        return None if self.outage is None else self.run.recovery(self.outage[1])

    def after_outage(self) -> float:
        """Continuity from the first sound after the outage to the end (whole seconds)."""
        assert self.outage is not None
        back = self.recovery_s()
        if back is None:
            return 0.0
        return self.run.voiced_between(self.outage[1] + back, self.run.ended)


async def measure(world: HearingWorld, condition: Condition, seconds: float) -> Measured:
    """The applicant's probe across a fresh link with ``condition``, staying ``seconds``
    (``world``'s server runs with ``condition.heartbeat_s``)."""
    assert world.heartbeat_seconds == condition.heartbeat_s
    outage: list[tuple[float, float]] = []
    link = WeakLink(condition.kind, condition.delay_s)
    try:  # the ip/tc/nft commands in a thread: the host probe keeps its heartbeats meanwhile
        await asyncio.to_thread(link.open)
        await asyncio.to_thread(condition.impair, link)

        async def cut() -> None:
            if condition.outage_s is None:
                return
            await world.party_joined()
            await asyncio.sleep(SETTLE_SECONDS)
            start = time.time()
            await asyncio.to_thread(link.blackout)
            try:
                await asyncio.sleep(condition.outage_s)
            finally:
                await asyncio.to_thread(link.restore)
            outage.append((start, time.time()))

        run = await world.probe_across(link, seconds, during=cut)
    finally:
        await asyncio.to_thread(link.close)
    return Measured(condition, run, outage[0] if outage else None)

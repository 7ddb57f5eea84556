"""What a party on a weak village link receives: join time and audio continuity per condition.

One real ``odr serve`` process, a host probe in this namespace sending its tone (440 Hz-ish,
``tone_hz``), and for each condition the applicant's real ``odr probe`` in a fresh network
namespace joined to this one by a veth pair (or, for the delay, by the TUN wire of
``tests/netlinks/relay.py``):

  baseline  nothing impaired
  cap       384 kbit/s each way (tc tbf on both ends)
  loss      7 % random loss each way (nftables numgen)
  delay     300 ms each way (every packet held by relay.py; RTT 600 ms)
  outage    5 s of total loss (nftables drop) after 4 s of sound; the probe must come back on
            its own (this one with 1 s server heartbeats: it is dropped after 3 s and
            reconnects; the others with the default 5 s)

Join: seconds from the probe's login to the first voiced 20 ms frame. Continuity: voiced frames
received / 20 ms frames in the window (first sound to the end). Longest gap: the longest time
without a voiced frame in that window. Recovery: link back -> first sound.

    .venv/bin/python bench/weak_links.py [--seconds 15] [--only cap,loss] [--json]

Needs root, iproute2 and nftables (it says so and exits 2 otherwise).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from netlinks.conditions import CONDITIONS, Measured, measure  # noqa: E402
from netlinks.links import unavailable  # noqa: E402
from netlinks.world import HearingWorld  # noqa: E402


def row(m: Measured) -> dict[str, object]:
    recovery = m.recovery_s()
    return {
        "condition": m.condition.name,
        "link": m.condition.label,
        "join_s": m.join_s,
        "continuity": m.continuity,
        "longest_gap_ms": m.longest_gap_ms,
        "recovery_s": None if recovery is None else round(recovery, 2),
        "after_outage": round(m.after_outage(), 4) if m.outage else None,
        "reconnections": m.report["reconnections"],
        "heard_host": None,
    }


def table(rows: list[dict[str, object]]) -> str:
    def fmt(value: object, spec: str = "") -> str:
        return "-" if value is None else format(value, spec)

    lines = [
        f"{'condition':<9} {'join s':>7} {'continuity':>10} {'longest gap':>11} "
        f"{'recovery s':>10} {'reconnects':>10}  link"
    ]
    for r in rows:
        lines.append(
            f"{r['condition']!s:<9} {fmt(r['join_s'], '.2f'):>7} "
            f"{fmt(r['continuity'], '.1%'):>10} {fmt(r['longest_gap_ms'], 'd') + ' ms':>11} "
            f"{fmt(r['recovery_s'], '.2f'):>10} {fmt(r['reconnections'], 'd'):>10}  {r['link']}"
        )
    return "\n".join(lines)


async def main(seconds: float, only: set[str] | None, as_json: bool) -> int:
    reason = unavailable()
    if reason:
        print(f"bench/weak_links.py: {reason}", file=sys.stderr)
        return 2
    began = time.monotonic()
    rows: list[dict[str, object]] = []
    chosen = [c for c in CONDITIONS if not only or c.name in only]
    with tempfile.TemporaryDirectory(prefix="odr-weak-") as tmp:
        for heartbeat in sorted({c.heartbeat_s for c in chosen}, reverse=True):
            folder = Path(tmp) / f"heartbeat{heartbeat}"
            folder.mkdir()
            async with HearingWorld(folder, heartbeat) as world:
                for condition in (c for c in chosen if c.heartbeat_s == heartbeat):
                    measured = await measure(world, condition, seconds)
                    result = row(measured)
                    result["heard_host"] = measured.run.heard_host(world.host_id)
                    rows.append(result)
                    if not as_json:
                        lines = table([result]).splitlines()
                        print("\n".join(lines if len(rows) == 1 else lines[1:]), flush=True)
    if as_json:
        print(json.dumps(rows, indent=2))
    print(f"({seconds:.0f} s per condition, {time.monotonic() - began:.0f} s in all)")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="each probe's stay (15)")
    parser.add_argument("--only", help="comma-separated condition names")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    chosen = set(args.only.split(",")) if args.only else None
    sys.exit(asyncio.run(main(args.seconds, chosen, args.json)))

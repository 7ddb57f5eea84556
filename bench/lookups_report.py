"""What the look-up benchmark (``lookups.py``) prints: the table of each target beside the bare
handler, with notes on saturated or disturbed runs, and a summary of py-spy profiles."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lookups import Options

TARGET_RATIO = 1 / 3  # the project's aim for a look-up, against the bare handler
SATURATED = 0.90  # a process busy this share of the wall time is taken as saturated
OTHER_LOAD = 0.15  # other processes using this share of a core disturb the figures


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

"""The table the socket benchmark (``sockets.py``) prints: the bare server and ``odr serve``
side by side, and their ratio."""

from __future__ import annotations

import argparse
from typing import Any


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def spread(values: list[float]) -> tuple[float | None, ...]:
    """p50, p95, p99 in ms."""
    return tuple(
        None if v is None else v * 1000 for v in (pct(values, q) for q in (0.5, 0.95, 0.99))
    )


def ms3(values: tuple[float | None, ...]) -> str:
    return " / ".join("–" if v is None else f"{v:.1f}" for v in values)


def ratio3(odr: tuple[float | None, ...], bare: tuple[float | None, ...]) -> str:
    return " / ".join(
        "–" if o is None or b is None or b == 0 else f"{o / b:.1f}"
        for o, b in zip(odr, bare, strict=True)
    )


def per_connection(result: dict[str, Any]) -> float:
    """Server RSS growth per open connection, in KiB."""
    return (result["rss_after"] - result["rss_before"]) / max(1, result["connected"]) / 1024


def _load(u: dict[str, float]) -> str:
    """server CPU / server waiting for a CPU / everything else on the machine, in % of a core."""
    t = u["seconds"]
    return (
        f"{u['server_cpu_s'] / t:.0%} / {u['server_wait_s'] / t:.0%} / {u['other_cpu_s'] / t:.0%}"
    )


def report(
    args: argparse.Namespace, bare: dict[str, Any], odr: dict[str, Any], limit: int, took: float
) -> str:
    probes = odr["probes"]
    left = odr.get("between", {})
    rows: list[tuple[str, str, str, str]] = [
        ("", "bare python-socketio", "odr serve", "odr / bare")
    ]

    def row(name: str, b: str, o: str, r: str = "") -> None:
        rows.append((name, b, o, r))

    def rate(r: dict[str, Any]) -> float:
        return float(r["connected"]) / r["ramp_seconds"]

    def cost(r: dict[str, Any]) -> float:
        return 1000 * r["ramp_usage"]["server_cpu_s"] / max(1, r["connected"])

    b_conn, o_conn = spread(bare["connect"]), spread(odr["connect"])
    row(
        "connections open / asked",
        f"{bare['connected']} / {bare['connections']}",
        f"{odr['connected']} / {odr['connections']}",
    )
    row(
        f"connect ms p50 / p95 / p99 (at {args.rate:g}/s)",
        ms3(b_conn),
        ms3(o_conn),
        ratio3(o_conn, b_conn),
    )
    row("connects per s reached", f"{rate(bare):.0f}", f"{rate(odr):.0f}")
    row(
        "server CPU ms per connect",
        f"{cost(bare):.2f}",
        f"{cost(odr):.2f}",
        f"{cost(odr) / cost(bare):.1f}",
    )
    row(
        "  server CPU / waiting / machine other",
        _load(bare["ramp_usage"]),
        _load(odr["ramp_usage"]),
    )
    row("first state ms p50 / p95 / p99", "–", ms3(spread(odr["first_state"])))
    b_win = bare["windows"][0]
    b_rtt = spread(b_win["rtt"])
    labels = (
        f"heartbeat RTT ms, {args.hearings} hearings with media",
        "heartbeat RTT ms, after they left",
    )
    for label, win in zip(labels, odr["windows"], strict=False):
        o_rtt = spread(win["rtt"])
        row(label, ms3(b_rtt), ms3(o_rtt), ratio3(o_rtt, b_rtt))
        row(
            "  acks per s; server CPU / waiting / machine other",
            f"{len(b_win['rtt']) / b_win['seconds']:.0f}; {_load(b_win)}",
            f"{len(win['rtt']) / win['seconds']:.0f}; {_load(win)}",
        )
    b_mem, o_mem = per_connection(bare), per_connection(odr)
    row(
        "server RSS before → after, MiB",
        f"{bare['rss_before'] / 2**20:.0f} → {bare['rss_after'] / 2**20:.0f}",
        f"{odr['rss_before'] / 2**20:.0f} → {odr['rss_after'] / 2**20:.0f}",
    )
    row("memory per connection, KiB", f"{b_mem:.0f}", f"{o_mem:.0f}", f"{o_mem / b_mem:.2f}")
    row("errors", _errors(bare["errors"]), _errors(odr["errors"]))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    head = [
        f"{args.connections} socket.io connections to /hearing from {args.clients} client processes,"
        f" heartbeat every {args.interval:g} s, RTT over {args.window:g} s;"
        f" RLIMIT_NOFILE {limit}; CPU figures in % of one core",
        f"odr: {odr['rooms']} hearings of {args.per_hearing} connections (seeded in"
        f" {odr['seeded_s']:.1f} s, sessions in {odr['redeemed_s']:.1f} s); {args.hearings}"
        f" hearings of {args.probes_per_hearing} probes ({args.probe_width}x{args.probe_height}"
        f"@{args.probe_fps}): {probes['media']}/{probes['probes']} with media up,"
        f" {left.get('hears_everyone', '?')} hearing everyone else at the end",
    ]
    if probes["failed"]:
        head.append(f"probe failures: {probes['failed'][:3]}")
    return "\n".join([*head, "", *lines, "", f"run time {took:.0f} s"])


def _errors(errors: dict[str, int]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(errors.items())) or "none"

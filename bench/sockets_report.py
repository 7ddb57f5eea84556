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
    grown = result["rss_after"] - result["rss_before"]
    return float(grown) / max(1, result["open"]["connected"]) / 1024


def _load(u: dict[str, float]) -> str:
    """server CPU / server waiting for a CPU / everything else on the machine, in % of a core."""
    t = u["seconds"]
    return (
        f"{u['server_cpu_s'] / t:.0%} / {u['server_wait_s'] / t:.0%} / {u['other_cpu_s'] / t:.0%}"
    )


def _per_connect(opened: dict[str, Any]) -> str:
    return f"{1000 * opened['server_cpu_s'] / max(1, opened['connected']):.2f} ms"


def _per_ack(win: dict[str, Any]) -> str:
    return f"{1e6 * win['server_cpu_s'] / max(1, len(win['rtt'])):.0f} µs"


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, ...]] = [("", "bare python-socketio", "odr serve", "odr / bare")]

    def row(self, name: str, bare: str, odr: str, ratio: str = "") -> None:
        self.rows.append((name, bare, odr, ratio))

    def times(self, name: str, bare: list[float], odr: list[float]) -> None:
        b, o = spread(bare), spread(odr)
        self.row(name, ms3(b), ms3(o), ratio3(o, b))

    def text(self) -> list[str]:
        widths = [max(len(r[i]) for r in self.rows) for i in range(4)]
        return [
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
            for r in self.rows
        ]


def report(
    args: argparse.Namespace, bare: dict[str, Any], odr: dict[str, Any], limit: int, took: float
) -> str:
    t = Table()
    b_open, o_open = bare["open"], odr["open"]
    b_win, o_win = bare["windows"]["quiet"], odr["windows"]["quiet"]
    t.row(
        "connections open / asked",
        f"{b_open['connected']} / {bare['connections']}",
        f"{o_open['connected']} / {odr['connections']}",
    )
    t.times(f"connect ms p50 / p95 / p99 ({args.rate:g}/s)", b_open["connect"], o_open["connect"])
    t.row(
        "  server CPU per connect; CPU / waiting / other",
        f"{_per_connect(b_open)}; {_load(b_open)}",
        f"{_per_connect(o_open)}; {_load(o_open)}",
    )
    t.row("first state ms p50 / p95 / p99", "–", ms3(spread(o_open["first_state"])))
    t.times("heartbeat RTT ms p50 / p95 / p99", b_win["rtt"], o_win["rtt"])
    t.row(
        "  acks/s; server CPU per ack; CPU / waiting / other",
        f"{len(b_win['rtt']) / b_win['seconds']:.0f}; {_per_ack(b_win)}; {_load(b_win)}",
        f"{len(o_win['rtt']) / o_win['seconds']:.0f}; {_per_ack(o_win)}; {_load(o_win)}",
    )
    b_mem, o_mem = per_connection(bare), per_connection(odr)
    t.row(
        "memory per connection (server RSS)",
        f"{b_mem:.0f} KiB ({bare['rss_before'] / 2**20:.0f} → {bare['rss_after'] / 2**20:.0f} MiB)",
        f"{o_mem:.0f} KiB ({odr['rss_before'] / 2**20:.0f} → {odr['rss_after'] / 2**20:.0f} MiB)",
        f"{o_mem / b_mem:.2f}",
    )
    media = odr["windows"].get("media")
    reopen = odr.get("reopen")
    if media is not None and reopen is not None:
        t.row(f"with {args.hearings} hearings of probes running:", "(bare: as above)", "", "")
        t.times("  heartbeat RTT ms p50 / p95 / p99", b_win["rtt"], media["rtt"])
        t.row(
            "    acks/s; CPU / waiting / other",
            "",
            f"{len(media['rtt']) / media['seconds']:.0f}; {_load(media)}",
        )
        t.times("  connect ms, all reopened", b_open["connect"], reopen["connect"])
        t.row(
            "    open / asked; CPU / waiting / other",
            "",
            f"{reopen['connected']} / {odr['connections']}; {_load(reopen)}",
        )
    t.row("errors", _errors(bare["errors"]), _errors(odr["errors"]))
    probes, heard = odr.get("probes", {}), odr.get("heard", {})
    head = [
        f"{args.connections} socket.io connections to /hearing from {args.clients} client"
        f" processes, heartbeat every {args.interval:g} s, round trips over {args.window:g} s;"
        f" RLIMIT_NOFILE {limit} (odr serve starts with a service's 1024 and raises its own);"
        f" CPU in % of one core",
        f"odr: {odr['rooms']} hearings of {args.per_hearing} connections (seeded in"
        f" {odr['seeded_s']:.1f} s, sessions in {odr['redeemed_s']:.1f} s); {args.hearings}"
        f" hearings of {args.probes_per_hearing} probes ({args.probe_width}x{args.probe_height}"
        f"@{args.probe_fps}): {probes.get('media')}/{probes.get('probes')} with media up,"
        f" {heard.get('hears_everyone')} heard everyone else at the end",
    ]
    if probes.get("failed"):
        head.append(f"probe failures: {probes['failed'][:3]}")
    return "\n".join([*head, "", *t.text(), "", f"run time {took:.0f} s"])


def _errors(errors: dict[str, int]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(errors.items())) or "none"

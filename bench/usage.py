"""What processes use, from /proc: CPU time (the server's, this bench's other processes', and
everything else on the machine), how long the server's event loop waited for a CPU, and the
server's resident memory."""

from __future__ import annotations

import time
from pathlib import Path

from load import _cpu_seconds, _machine_busy_seconds


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def run_wait_seconds(pid: int) -> float:
    """Time the process's main thread (the event loop) spent runnable, waiting for a CPU."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[1]) / 1e9


class Usage:
    """CPU used by the server, by this bench's other processes (``ours``, which must live
    across each measurement) and by everything else on the machine between ``start`` and
    ``stop``, and how long the server waited for a CPU meanwhile."""

    def __init__(self, server: int, ours: list[int]) -> None:
        self.server, self.ours = server, ours
        self.first: tuple[float, ...] = ()

    def _read(self) -> tuple[float, ...]:
        ours = sum(_cpu_seconds(pid) or 0.0 for pid in self.ours) + time.process_time()
        server = _cpu_seconds(self.server) or 0.0
        machine = _machine_busy_seconds() or 0.0
        return time.monotonic(), server, ours, machine, run_wait_seconds(self.server)

    def start(self) -> None:
        self.first = self._read()

    def stop(self) -> dict[str, float]:
        t, server, ours, machine, wait = (
            b - a for a, b in zip(self.first, self._read(), strict=True)
        )
        return {
            "seconds": t,
            "server_cpu_s": server,
            "clients_cpu_s": ours,
            "other_cpu_s": max(0.0, machine - server - ours),
            "server_wait_s": wait,
        }

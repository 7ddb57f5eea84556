"""A weak link for a probe: a network namespace joined to this one by a veth pair (or by the
delaying TUN wire of ``relay.py``), with the impairments a village network has: a bandwidth
cap (``tc tbf`` on both ends), random loss and total loss (an nftables table inside the
namespace).

    with weak_link("veth") as link:        # or "delay" (300 ms each way through relay.py)
        link.cap(384)                      # kbit/s, each direction
        link.lose(7)                       # % of packets, each direction
        link.blackout(); ...; link.restore()
        argv = link.inside([ODR, "probe", "--server", f"http://{link.server_ip}:{port}", ...])

Every name (namespace, devices, table) carries a random tag of this run, and everything is
removed on the way out whatever happened: the namespace (with its end of the link and its
table), the root end, the relay process.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

RELAY = Path(__file__).with_name("relay.py")
TOOLS = ("ip", "tc", "nft")


def unavailable() -> str | None:
    """Why weak links cannot be made here, or None."""
    if os.geteuid() != 0:
        return "weak links need root (network namespaces, tc, nftables)"
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        return f"weak links need {', '.join(missing)} (Debian iproute2, nftables)"
    if not Path("/dev/net/tun").exists():
        return "weak links need /dev/net/tun"
    return None


def sh(*argv: str) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=20)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: {done.stderr.strip()}")
    return done.stdout


def _free_subnet() -> ipaddress.IPv4Network:
    """A /30 in 10.0.0.0/8 that no interface or route of this machine uses."""
    used = sh("ip", "-4", "-o", "addr") + sh("ip", "-4", "route")
    for _ in range(100):
        second, third = 100 + secrets.randbelow(150), secrets.randbelow(256)
        if f"10.{second}.{third}." not in used:
            return ipaddress.IPv4Network(f"10.{second}.{third}.{4 * secrets.randbelow(64)}/30")
    raise RuntimeError("no free 10.x.y.0/30 subnet")


class WeakLink:
    """One namespace and its link; see the module's docstring."""

    def __init__(self, kind: str, delay: float = 0.3) -> None:
        if kind not in ("veth", "delay"):
            raise ValueError(kind)
        tag = secrets.token_hex(4)
        self.kind = kind
        self.delay = delay
        self.netns = f"odrwl-{tag}"
        self.table = f"odrwl_{tag}"
        self.outer = f"wl{tag}o"  # this namespace's end
        self.inner = f"wl{tag}i"  # the probe's end
        net = _free_subnet()
        self.server_ip, self.probe_ip = (str(h) for h in net.hosts())
        self.prefix = net.prefixlen
        self.relay: subprocess.Popen[str] | None = None
        self._blackout = False

    # --- making and removing ---------------------------------------------------------------------

    def open(self) -> None:
        sh("ip", "netns", "add", self.netns)
        if self.kind == "veth":
            sh("ip", "link", "add", self.outer, "type", "veth", "peer", "name", self.inner)
        else:
            self._start_relay()
        sh("ip", "link", "set", self.inner, "netns", self.netns)
        if self.kind == "veth":
            sh("ip", "addr", "add", f"{self.server_ip}/{self.prefix}", "dev", self.outer)
            self.ns("ip", "addr", "add", f"{self.probe_ip}/{self.prefix}", "dev", self.inner)
        else:  # point to point: each end names the other
            sh("ip", "addr", "add", self.server_ip, "peer", self.probe_ip, "dev", self.outer)
            self.ns("ip", "addr", "add", self.probe_ip, "peer", self.server_ip, "dev", self.inner)
        sh("ip", "link", "set", self.outer, "up")
        self.ns("ip", "link", "set", "lo", "up")
        self.ns("ip", "link", "set", self.inner, "up")
        # The only way out of the namespace is the link: every address of this machine (each
        # ICE host candidate of the server) is reached through it.
        self.ns("ip", "route", "add", "default", "via", self.server_ip, "dev", self.inner)
        self.ns("nft", "add", "table", "inet", self.table)
        for chain, hook in (("down", "input"), ("up", "output")):
            spec = f"{{ type filter hook {hook} priority 0 ; policy accept ; }}"
            self.ns("nft", "add", "chain", "inet", self.table, chain, spec)

    def _start_relay(self) -> None:
        self.relay = subprocess.Popen(
            [sys.executable, str(RELAY), "--delay", str(self.delay), self.outer, self.inner],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.relay.stdout is not None
        if self.relay.stdout.readline().strip() != "ready":
            _, err = self.relay.communicate(timeout=5)
            raise RuntimeError(f"relay.py did not start: {err}")

    def close(self) -> None:
        """Remove everything of this link; safe to call on a half-made one, and twice."""
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            sh("ip", "netns", "del", self.netns)  # its devices and its nft table go with it
        if self.relay is not None:
            if self.relay.poll() is None:
                self.relay.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.relay.communicate(timeout=5)
            if self.relay.poll() is None:
                self.relay.kill()
                self.relay.communicate()
            self.relay = None
        if self.outer in sh("ip", "-o", "link"):  # a veth whose peer never moved
            with contextlib.suppress(RuntimeError):
                sh("ip", "link", "del", self.outer)

    # --- inside the namespace -------------------------------------------------------------------

    def inside(self, argv: list[str]) -> list[str]:
        """``argv`` run in the probe's namespace."""
        return ["ip", "netns", "exec", self.netns, *argv]

    def ns(self, *argv: str) -> str:
        return sh(*self.inside(list(argv)))

    # --- impairments ----------------------------------------------------------------------------

    def cap(self, kbit: int) -> None:
        """Both directions limited to ``kbit`` kbit/s (token bucket, ~150 ms of queue)."""
        shape = ["tbf", "rate", f"{kbit}kbit", "burst", "6kb", "latency", "150ms"]
        sh("tc", "qdisc", "replace", "dev", self.outer, "root", *shape)
        self.ns("tc", "qdisc", "replace", "dev", self.inner, "root", *shape)

    def lose(self, percent: int) -> None:
        """``percent`` % of the packets lost at random, in each direction."""
        for chain in ("down", "up"):
            rule = f"numgen random mod 100 < {percent} counter drop"
            self.ns("nft", "add", "rule", "inet", self.table, chain, *rule.split())

    def blackout(self) -> None:
        """Nothing gets through, either way, until ``restore``."""
        for chain in ("down", "up"):
            self.ns("nft", "insert", "rule", "inet", self.table, chain, "drop")
        self._blackout = True

    def restore(self) -> None:
        """Undo ``blackout`` (and ``lose``): the link is whole again (caps stay)."""
        for chain in ("down", "up"):
            self.ns("nft", "flush", "chain", "inet", self.table, chain)
        self._blackout = False

    def dropped(self) -> int:
        """Packets the table dropped so far (random loss only: counted rules)."""
        listing = self.ns("nft", "list", "table", "inet", self.table)
        return sum(
            int(line.split("packets")[1].split()[0])
            for line in listing.splitlines()
            if "packets" in line
        )


@contextlib.contextmanager
def weak_link(kind: str = "veth", delay: float = 0.3) -> Iterator[WeakLink]:
    link = WeakLink(kind, delay)
    try:
        link.open()
        yield link
    finally:
        link.close()

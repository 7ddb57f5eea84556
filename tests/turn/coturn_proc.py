"""coturn (Debian package ``coturn``) as a child process, with a configuration made for the test.

The configuration lives in a temporary folder: TURN REST credentials (``use-auth-secret``), no
CLI, no TLS or DTLS, UDP and TCP listeners on 127.0.0.1 and a free port, and relaying refused
to the ranges docker/coturn/turnserver.conf refuses (`DENIED`: loopback, private, link-local,
shared, documentation), so that the tests hold the shipped list to its word.

The media hub the relay must reach is on this machine, though, and this machine's addresses are
loopback or private. So the relay side gets a TEST-NET address, `RELAY_ADDRESS`/32, on one end
of a veth pair (`relay_interface`, as tests/janus/janus_proc.py makes its media interface):
coturn relays from it, the hub (which gathers on every interface) offers it, and it is the one
peer address the configuration allows (``allowed-peer-ip``, as the shipped one allows the
hubs' addresses on the compose network).
"""

from __future__ import annotations

import contextlib
import ipaddress
import secrets
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from aioice import stun
from procs import free_port
from veth import address_interface

TURNSERVER = shutil.which("turnserver")
RELAY_ADDRESS = "198.51.100.1"  # TEST-NET-2 (RFC 5737)
INTERFACE = "odrturn0"  # its veth peer: odrturn1
REALM = "odr.test"
SHIPPED_CONF = Path(__file__).parents[2] / "docker" / "coturn" / "turnserver.conf"


def shipped_denied_peers() -> tuple[str, ...]:
    """The ``denied-peer-ip`` ranges of the configuration docker/ ships: loopback, private,
    link-local, shared, documentation and multicast addresses, IPv4 and IPv6."""
    spans = tuple(
        line.split("=", 1)[1].strip()
        for line in SHIPPED_CONF.read_text().splitlines()
        if line.startswith("denied-peer-ip=")
    )
    assert spans, f"no denied-peer-ip in {SHIPPED_CONF}"
    return spans


DENIED = shipped_denied_peers()


def denied(address: str) -> bool:
    """Whether `DENIED` covers ``address``."""
    ip = ipaddress.ip_address(address)
    for span in DENIED:
        low, _, high = span.partition("-")
        first, last = ipaddress.ip_address(low), ipaddress.ip_address(high or low)
        if ip.version == first.version and first <= ip <= last:  # type: ignore[operator]
            return True
    return False


def skip_without_coturn() -> None:
    if TURNSERVER is None:
        pytest.skip("coturn is not installed (apt-get install -y coturn)")


def relay_interface() -> contextlib.AbstractContextManager[str]:
    """INTERFACE (veth, peer odrturn1) holding RELAY_ADDRESS/32."""
    return address_interface(INTERFACE, RELAY_ADDRESS, "relay (coturn)")


class CoturnProcess:
    """``turnserver`` with a generated configuration in `folder`; SIGKILLed on exit if need be."""

    def __init__(self, folder: Path, relay_ip: str = RELAY_ADDRESS) -> None:
        self.folder = folder
        self.conf = folder / "turnserver.conf"
        self.log = folder / "turn.log"
        self.port = free_port()
        self.host = "127.0.0.1"
        self.secret = secrets.token_urlsafe(24)
        self.relay_ip = relay_ip
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def urls(self) -> str:
        """For ODR_ICE_URLS: the UDP and TCP transports of the one listener."""
        at = f"{self.host}:{self.port}"
        return f"turn:{at}?transport=udp,turn:{at}?transport=tcp"

    def write_config(self) -> None:
        lines = [
            f"listening-ip={self.host}",
            f"listening-port={self.port}",
            f"relay-ip={self.relay_ip}",
            f"realm={REALM}",
            "use-auth-secret",
            f"static-auth-secret={self.secret}",
            "fingerprint",
            *("no-cli", "no-tls", "no-dtls", "no-multicast-peers", "no-software-attribute"),
            f"userdb={self.folder / 'turndb'}",
            f"pidfile={self.folder / 'turnserver.pid'}",
            f"log-file={self.log}",
            *("simple-log", "no-stdout-log", "verbose"),
            *(f"denied-peer-ip={r}" for r in DENIED),
            f"allowed-peer-ip={self.relay_ip}",
        ]
        self.conf.write_text("\n".join(lines) + "\n")

    def start(self, timeout: float = 15.0) -> None:
        """Start turnserver and wait until it answers a STUN binding request."""
        assert TURNSERVER is not None
        self.write_config()
        self.proc = subprocess.Popen(
            [TURNSERVER, "-c", str(self.conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=self.folder,
        )
        deadline = time.monotonic() + timeout
        while not self._answers():
            if self.proc.poll() is not None:
                raise RuntimeError(f"turnserver exited {self.proc.returncode}: {self.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"turnserver did not answer: {self.log_tail()}")
            time.sleep(0.1)

    def _answers(self) -> bool:
        request = stun.Message(message_method=stun.Method.BINDING, message_class=stun.Class.REQUEST)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(0.2)
            sock.sendto(bytes(request), (self.host, self.port))
            try:
                data = sock.recv(1500)
            except OSError:
                return False
        answer = stun.parse_message(data)
        return answer.transaction_id == request.transaction_id

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

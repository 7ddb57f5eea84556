"""Janus (Debian package ``janus``) as a child process, with a configuration made for the test.

The configuration lives in a temporary folder: only the VideoRoom and AudioBridge plugins and
the plain HTTP transport, bound to 127.0.0.1 on a free port, behind an API secret; no admin API;
room creation behind an ``admin_key``; recordings in the folder's ``rec/``.

Janus's ICE (libnice) leaves loopback interfaces out, so the media address is 127.0.0.2 on one
end of a veth pair (`media_interface`), and Janus gathers on that interface only
(``ice_enforce_list``). The aiortc peers must use that address too (`only_media_address`).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import aioice.ice
import pytest
from procs import free_port
from veth import address_interface

JANUS = shutil.which("janus")
PP_REC = shutil.which("janus-pp-rec")
MEDIA_ADDRESS = "127.0.0.2"
INTERFACE = "odrjanus0"  # its veth peer: odrjanus1
LIBDIR = Path("/usr/lib/x86_64-linux-gnu/janus")
UNUSED_PLUGINS = (
    *("duktape", "echotest", "lua", "nosip", "recordplay"),
    *("sip", "streaming", "textroom", "videocall", "voicemail"),
)
UNUSED_TRANSPORTS = ("mqtt", "nanomsg", "pfunix", "rabbitmq", "websockets")


def skip_without_janus() -> None:
    if JANUS is None or PP_REC is None:
        pytest.skip("Janus is not installed (apt-get install -y janus janus-tools)")


def media_interface() -> contextlib.AbstractContextManager[str]:
    """INTERFACE (veth, peer odrjanus1) holding MEDIA_ADDRESS/32."""
    return address_interface(INTERFACE, MEDIA_ADDRESS, "media (Janus)")


@contextlib.contextmanager
def only_media_address() -> Iterator[None]:
    """aiortc (aioice) gathers host candidates on MEDIA_ADDRESS only, as Janus does."""
    original = aioice.ice.get_host_addresses
    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: [MEDIA_ADDRESS]
    try:
        yield
    finally:
        aioice.ice.get_host_addresses = original


def _jcfg(sections: dict[str, dict[str, str | int | bool]]) -> str:
    def value(v: str | int | bool) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        return str(v) if isinstance(v, int) else f'"{v}"'

    return "".join(
        f"{name}: {{\n" + "".join(f"\t{k} = {value(v)}\n" for k, v in body.items()) + "}\n"
        for name, body in sections.items()
    )


class JanusProcess:
    """``janus`` with a generated configuration in `folder`; SIGKILLed on exit if need be."""

    def __init__(self, folder: Path, interface: str, debug_level: int = 4) -> None:
        self.folder = folder
        self.conf = folder / "conf"
        self.recordings = folder / "rec"
        self.log = folder / "janus.log"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/janus"
        self.api_secret = secrets.token_urlsafe(16)
        self.admin_key = secrets.token_urlsafe(16)
        self.interface = interface
        self.debug_level = debug_level
        self.proc: subprocess.Popen[bytes] | None = None

    def server_env(self) -> dict[str, str]:
        """The settings of an ``odr serve`` on this Janus."""
        return {
            "ODR_MEDIA_BACKEND": "janus",
            "ODR_JANUS_URL": self.url,
            "ODR_JANUS_API_SECRET": self.api_secret,
            "ODR_JANUS_ADMIN_KEY": self.admin_key,
        }

    def write_config(self) -> None:
        self.conf.mkdir(parents=True, exist_ok=True)
        self.recordings.mkdir(parents=True, exist_ok=True)
        files: dict[str, dict[str, dict[str, str | int | bool]]] = {
            "janus.jcfg": {
                "general": {
                    "configs_folder": str(self.conf),
                    "plugins_folder": str(LIBDIR / "plugins"),
                    "transports_folder": str(LIBDIR / "transports"),
                    "events_folder": str(LIBDIR / "events"),
                    "loggers_folder": str(LIBDIR / "loggers"),
                    "debug_level": self.debug_level,
                    "api_secret": self.api_secret,
                    "session_timeout": 60,
                    "recordings_tmp_ext": "tmp",  # .mjr.tmp until closed
                },
                "media": {"rtp_port_range": "20000-40000"},
                "nat": {"ice_enforce_list": self.interface, "ignore_mdns": True},
                "plugins": {"disable": ",".join(f"libjanus_{p}.so" for p in UNUSED_PLUGINS)},
                "transports": {"disable": ",".join(f"libjanus_{t}.so" for t in UNUSED_TRANSPORTS)},
                "loggers": {"disable": "libjanus_jsonlog.so"},
                "events": {"broadcast": False},
            },
            "janus.transport.http.jcfg": {
                "general": {
                    "json": "compact",
                    "base_path": "/janus",
                    "http": True,
                    "port": self.port,
                    "ip": "127.0.0.1",
                    "https": False,
                },
                "admin": {"admin_http": False, "admin_https": False},
            },
            "janus.plugin.videoroom.jcfg": {
                "general": {"admin_key": self.admin_key, "lock_rtp_forward": True}
            },
            "janus.plugin.audiobridge.jcfg": {
                "general": {
                    "admin_key": self.admin_key,
                    "lock_rtp_forward": True,
                    "lock_play_file": True,
                    "record_tmp_ext": "tmp",  # .wav.tmp until closed
                }
            },
        }
        for name, sections in files.items():
            (self.conf / name).write_text(_jcfg(sections))

    def start(self, timeout: float = 20.0) -> None:
        """Start janus and wait until its HTTP API answers."""
        assert JANUS is not None
        self.write_config()
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [JANUS, "-C", str(self.conf / "janus.jcfg"), "-F", str(self.conf), "-o"],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.folder,
            )
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"janus exited {self.proc.returncode}: {self.log_tail()}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.url}/info", timeout=1) as response,  # noqa: S310 - our http URL
            ):
                if response.status == 200:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(f"janus did not answer: {self.log_tail()}")
            time.sleep(0.2)

    def cpu_seconds(self) -> float:
        """User + system CPU time the janus process has used so far."""
        assert self.proc is not None
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@contextlib.contextmanager
def running_janus(folder: Path) -> Iterator[JanusProcess]:
    """A started Janus on the media interface (the test skips without Janus or root)."""
    skip_without_janus()
    with media_interface() as interface:
        process = JanusProcess(folder, interface)
        process.start()
        try:
            yield process
        finally:
            process.stop()

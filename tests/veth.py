"""A veth pair whose first end holds one /32 address: where Janus and coturn meet the tests'
peers on this machine (Janus's ICE ignores loopback; coturn refuses to relay to it)."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator

import pytest


def _ip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=False)


@contextlib.contextmanager
def address_interface(name: str, address: str, purpose: str) -> Iterator[str]:
    """The veth ``name`` (peer ``name`` with its last character "1") holding ``address``/32,
    made if missing and removed after if made here; skips the test if it cannot be made."""
    peer = name[:-1] + "1"
    made = False
    if _ip("link", "show", name).returncode != 0:
        added = _ip("link", "add", name, "type", "veth", "peer", "name", peer)
        if added.returncode != 0:
            pytest.skip(f"cannot make the {purpose} interface: {added.stderr.strip()}")
        made = True
        _ip("addr", "add", f"{address}/32", "dev", name)
        _ip("link", "set", name, "up")
        _ip("link", "set", peer, "up")
    try:
        yield name
    finally:
        if made:
            _ip("link", "del", name)

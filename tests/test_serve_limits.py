"""``odr serve`` raises its own soft limit of open files to the hard one: a service gets 1024
by default, and every hearing connection holds a socket, so at that limit the server stopped
accepting (EMFILE) at about a thousand connections (found by bench/sockets.py)."""

from __future__ import annotations

import asyncio
import resource
import subprocess
from pathlib import Path

import aiohttp
import pytest
from procs import ODR, STARTUP_SECONDS, free_port, odr_env

SERVICE_SOFT = 1024


def open_files_limits(pid: int) -> tuple[int, int]:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max open files"):
            soft, hard = line.split()[3:5]
            return int(soft), int(hard)
    raise AssertionError("no open files limit in /proc")


def spawn_as_a_service(tmp_path: Path, port: int, hard: int) -> subprocess.Popen[bytes]:
    """``odr serve`` with a service's default soft limit of open files."""

    def service_limits() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (SERVICE_SOFT, hard))

    command = [ODR, "--data-dir", str(tmp_path / "data"), "serve", "--port", str(port)]
    with (tmp_path / "serve.log").open("wb") as log:
        return subprocess.Popen(
            command, env=odr_env(), stdout=log, stderr=subprocess.STDOUT, preexec_fn=service_limits
        )


async def test_serve_raises_its_soft_limit_of_open_files_to_the_hard_one(tmp_path: Path) -> None:
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    child_hard = 4096 if hard == resource.RLIM_INFINITY else min(hard, 4096)
    if child_hard <= SERVICE_SOFT:
        pytest.skip("the hard limit of open files here is too low to raise anything")

    port = free_port()
    proc = spawn_as_a_service(tmp_path, port, child_hard)
    try:
        async with asyncio.timeout(STARTUP_SECONDS), aiohttp.ClientSession() as http:
            while True:
                assert proc.poll() is None, (tmp_path / "serve.log").read_text()
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.05)
        assert open_files_limits(proc.pid) == (child_hard, child_hard)
    finally:
        proc.kill()
        proc.wait(timeout=10)

"""Running the real ``odr`` console script: one-shot commands, and ``odr serve`` as a process."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path
from types import TracebackType

import aiohttp

_BESIDE_PYTHON = Path(sys.executable).with_name("odr")
STARTUP_SECONDS = 20
ODR = str(_BESIDE_PYTHON) if _BESIDE_PYTHON.exists() else (shutil.which("odr") or "odr")


def odr_env(**extra: str) -> dict[str, str]:
    """The environment without the caller's ODR_* settings, with cheap password hashing."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ODR_")}
    env.update(ODR_ARGON2_TIME_COST="1", ODR_ARGON2_MEMORY_KIB="1024", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def odr(
    data_dir: Path,
    db_url: str,
    *args: str,
    stdin: str = "",
    timeout: float = 60,
    lang: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """``odr --data-dir D --database-url U ARGS...``; never raises on a non-zero exit. Its
    messages in ``lang`` when given (ODR_DEFAULT_LANGUAGE), else in zh-CN, the default."""
    return subprocess.run(
        [ODR, "--data-dir", str(data_dir), "--database-url", db_url, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=odr_env(**({"ODR_DEFAULT_LANGUAGE": lang} if lang else {})),
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """``odr serve`` in a child process on a free port; SIGKILLed on exit whatever happens."""

    def __init__(
        self,
        data_dir: Path,
        db_url: str,
        log: Path,
        env: dict[str, str] | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        self.data_dir = data_dir
        self.env = dict(env or {})  # ODR_* settings on top of odr_env()
        self.host = host  # where it listens; base_url stays on 127.0.0.1
        self.db_url = db_url
        self.log = log
        self.port = 0
        self.base_url = ""
        self.proc: subprocess.Popen[bytes] | None = None

    def spawn(self) -> None:
        """Start (or, after a kill, restart) the process on a fresh free port."""
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        command = [ODR, "--data-dir", str(self.data_dir), "--database-url", self.db_url]
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [*command, "serve", "--host", self.host, "--port", str(self.port)],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=odr_env(**self.env),
            )

    async def start(self) -> None:
        """Spawn, then wait (at most STARTUP_SECONDS) until ``/healthz`` answers 200."""
        self.spawn()
        assert self.proc is not None
        try:
            async with asyncio.timeout(STARTUP_SECONDS), aiohttp.ClientSession() as http:
                while True:
                    if self.proc.poll() is not None:
                        raise RuntimeError(
                            f"odr serve exited {self.proc.returncode}:\n{self.tail()}"
                        )
                    try:
                        async with http.get(f"{self.base_url}/healthz") as response:
                            if response.status == 200:
                                return
                    except aiohttp.ClientError:
                        pass
                    await asyncio.sleep(0.05)
        except TimeoutError:
            raise TimeoutError(
                f"odr serve not healthy in {STARTUP_SECONDS}s:\n{self.tail()}"
            ) from None

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flushing; what is on disk is what survives."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text("utf-8", "replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    async def __aenter__(self) -> Server:
        try:
            await self.start()
        except BaseException:
            self.kill()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.kill()

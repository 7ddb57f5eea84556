"""The socket benchmark's child processes (client processes, the probes): each is
``sockets.py --role ROLE SPEC_FILE``, says ``{"ready": true}`` once it has started, then
answers each command (one JSON line on its stdin) with one JSON line on its stdout."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

STARTUP_SECONDS = 60.0


def say(message: dict[str, Any]) -> None:
    """From the child: one answer."""
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


async def commands() -> asyncio.StreamReader:
    """From the child: its commands, once it has said it is ready."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    say({"ready": True})
    return reader


class Child:
    """From the bench: one child process."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @property
    def pid(self) -> int:
        return self.process.pid

    @classmethod
    async def start(
        cls, script: str, role: str, spec: dict[str, Any], folder: Path, cpu: int | None
    ) -> Child:
        path = folder / f"{role}-{len(os.listdir(folder))}.json"
        path.write_text(json.dumps(spec), "utf-8")
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            script,
            "--role",
            role,
            str(path),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        if cpu is not None:
            os.sched_setaffinity(process.pid, {cpu})
        child = cls(process)
        await child.answer(STARTUP_SECONDS)
        return child

    async def ask(self, command: dict[str, Any], within: float = 120.0) -> Any:
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(command) + "\n").encode())
        await self.process.stdin.drain()
        return await self.answer(within)

    async def answer(self, within: float) -> Any:
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), within)
        if not line:
            raise RuntimeError(f"a child process ended (exit {await self.process.wait()})")
        return json.loads(line)

    async def end(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()

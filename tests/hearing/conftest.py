"""Hearing tests: one database kind (SQLite; media tests are slow enough), fast heartbeats, and
probes (synthetic participants) that close after each test."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from hearing_support import ORIGIN
from support import make_settings

from odr.settings import Settings
from signaling.probe import Probe


@pytest.fixture
def db_url(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "db" / "odr.sqlite3"
    path.parent.mkdir()
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return make_settings(tmp_path / "data", db_url, heartbeat_seconds=1)


@pytest.fixture
async def join(
    server: TestServer, seeded: dict[str, Any]
) -> AsyncIterator[Callable[..., Awaitable[Probe]]]:
    """``await join(hearing_id, code=... | user=..., connect=True, **probe options)``."""
    probes: list[Probe] = []
    passwords = {u["username"]: u["password"] for u in seeded["users"]}

    async def make(
        hearing_id: int,
        *,
        code: str | None = None,
        user: str | None = None,
        connect: bool = True,
        **options: Any,
    ) -> Probe:
        probe = Probe(str(server.make_url("/")), hearing_id, origin=ORIGIN, **options)
        probes.append(probe)
        if code is not None:
            await probe.login_code(code)
        elif user is not None:
            await probe.login_user(user, passwords[user])
        if connect:
            await probe.connect()
        return probe

    yield make
    for probe in probes:
        await probe.close()

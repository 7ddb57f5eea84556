"""Scale-out tests: two real ``odr serve`` processes on one PostgreSQL database (the tests
parametrize the shared ``db_url`` fixture to ``postgresql`` only) and one Redis (a database of
its own, flushed before and after), with 1 s heartbeats."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from hearing.hearing_support import ORIGIN
from procs import Server

from odr.settings import Settings

REDIS_URL = "redis://127.0.0.1:6379/5"


@pytest.fixture
def redis_url() -> Iterator[str]:
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield REDIS_URL
    client.flushdb()
    client.close()


@pytest.fixture
async def servers(
    tmp_path: Path, settings: Settings, seeded: dict[str, Any], redis_url: str
) -> AsyncIterator[tuple[Server, Server]]:
    """Two processes on the seeded data folder, one public address (the load balancer's)."""
    env = {"ODR_REDIS_URL": redis_url, "ODR_BASE_URL": ORIGIN, "ODR_HEARTBEAT_SECONDS": "1"}
    pair = tuple(
        Server(settings.data_dir, settings.db_url, tmp_path / f"server-{n}.log", env) for n in "ab"
    )
    try:
        await asyncio.gather(*(server.start() for server in pair))
        yield pair[0], pair[1]
    finally:
        for server in pair:
            server.kill()

"""One server and one world for each module of the access matrix (SQLite: the rules under
test do not depend on the database, and a module-wide world keeps the matrix fast)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from access_world import World
from aiohttp.test_utils import TestServer
from support import make_settings

from odr.cli import demo
from odr.http.app import create_app
from odr.services.startup import opened_store
from odr.settings import Settings


@pytest.fixture(scope="module")
def access_settings(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Settings:
    root = tmp_path_factory.mktemp("access")
    path = root / "odr.sqlite3"
    shutil.copy(sqlite_template, path)
    return make_settings(root / "data", f"sqlite:///{path}")


@pytest.fixture(scope="module")
def access_seeded(access_settings: Settings) -> dict[str, Any]:
    with opened_store(access_settings) as (db, key):
        return demo.seed(access_settings, db, key)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(access_settings: Settings, access_seeded: dict[str, Any]) -> AsyncIterator[World]:
    server = TestServer(create_app(access_settings))
    await server.start_server()
    made = World(server, access_seeded)
    try:
        yield await made.start()
    finally:
        await made.close()
        await server.close()

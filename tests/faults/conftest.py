"""Fault tests: the real ``odr serve`` (tests/procs.py) on the demo court, SIGKILLed and
restarted on the same data folder and database; ``sqlite_url`` for those run on one kind."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from procs import Server

from odr.settings import Settings


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "db" / "odr.sqlite3"
    path.parent.mkdir()
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
async def served(
    tmp_path: Path, settings: Settings, seeded: dict[str, Any]
) -> AsyncIterator[Server]:
    """``odr serve`` on the seeded data folder, started; killed at the end whatever happens."""
    server = Server(settings.data_dir, settings.db_url, tmp_path / "server.log")
    try:
        await server.start()
        yield server
    finally:
        server.kill()

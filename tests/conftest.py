"""Shared fixtures: a real database (SQLite and PostgreSQL), the app, clients, a demo court."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from aiohttp import CookieJar, web
from aiohttp.test_utils import TestClient, TestServer
from support import make_settings

from odr.cli import demo
from odr.http.app import create_app
from odr.services.startup import opened_store
from odr.settings import Settings
from odr.store.db import migrate

POSTGRES_URL = os.environ.get(
    "ODR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TEMPLATE = f"odr_tpl_{os.getpid()}"


def _admin_conn() -> psycopg.Connection[Any]:
    return psycopg.connect(POSTGRES_URL.replace("+psycopg", ""), autocommit=True)


def _pg_url(dbname: str) -> str:
    return POSTGRES_URL.rsplit("/", 1)[0] + "/" + dbname


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "odr.sqlite3"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    with _admin_conn() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}"')
        conn.execute(f'CREATE DATABASE "{TEMPLATE}"')
    migrate(_pg_url(TEMPLATE))
    yield TEMPLATE
    with _admin_conn() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A freshly migrated database of each kind, empty."""
    if request.param == "sqlite":
        path = tmp_path / "db" / "odr.sqlite3"
        path.parent.mkdir()
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("postgres_template")
    name = f"odr_t_{uuid.uuid4().hex[:12]}"
    with _admin_conn() as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield _pg_url(name)
    with _admin_conn() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return make_settings(tmp_path / "data", db_url)


@pytest.fixture
def seeded(settings: Settings) -> dict[str, Any]:
    """The demo court, micro-court and staff (admin, clerk, mediator, judge) with passwords."""
    with opened_store(settings) as (db, key):
        return demo.seed(settings, db, key)


MakeClient = Callable[[], Awaitable[TestClient[web.Request, web.Application]]]


@pytest.fixture
async def server(settings: Settings, seeded: dict[str, Any]) -> AsyncIterator[TestServer]:
    srv = TestServer(create_app(settings))
    await srv.start_server()
    yield srv
    await srv.close()


@pytest.fixture
async def new_client(server: TestServer) -> AsyncIterator[MakeClient]:
    """Make clients of the one server, each with its own cookie jar (one per person)."""
    clients: list[TestClient[web.Request, web.Application]] = []

    async def make() -> TestClient[web.Request, web.Application]:
        jar = CookieJar(unsafe=True, treat_as_secure_origin=str(server.make_url("/")))
        client: TestClient[web.Request, web.Application] = TestClient(server, cookie_jar=jar)
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.session.close()


@pytest.fixture
async def client(new_client: MakeClient) -> TestClient[web.Request, web.Application]:
    return await new_client()

"""The database: engines, migrations, and running work off the event loop.

All database work runs in worker threads, never on the event loop: ``await db.read(fn)`` and
``await db.write(fn)`` call ``fn(session)`` in a thread, the latter inside one transaction.
On SQLite (WAL, ``synchronous=FULL``) writes go through one thread and begin IMMEDIATE, so
writers queue instead of failing; reads run alongside.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from odr.errors import StorageUnavailable

T = TypeVar("T")
MIGRATIONS = Path(__file__).with_name("migrations")


def make_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        # No pre-ping (a round trip per request): a dropped connection fails one request
        # with a 503 and is replaced.
        return create_engine(url, pool_size=8)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def migrate(url: str) -> None:
    """Bring the schema up to the newest migration (run at every start; cheap when current)."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(config, "head")


class Database:
    def __init__(self, url: str, threads: int = 4) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.is_sqlite = url.startswith("sqlite")
        self._write_engine = self.engine.execution_options(sqlite_immediate=True)
        self._readers = ThreadPoolExecutor(threads, thread_name_prefix="db-read")
        self._writers = ThreadPoolExecutor(
            1 if self.is_sqlite else threads, thread_name_prefix="db-write"
        )

    def read_sync(self, fn: Callable[..., T], *args: Any) -> T:
        with Session(self.engine, expire_on_commit=False) as session:
            return _guard(fn, session, *args)

    def write_sync(self, fn: Callable[..., T], *args: Any) -> T:
        try:  # the COMMIT too: that is where a full disk shows on SQLite
            with Session(self._write_engine, expire_on_commit=False) as session, session.begin():
                return fn(session, *args)
        except OperationalError as exc:
            raise _refusal(exc) from exc

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._readers, functools.partial(self.read_sync, fn, *args)
        )

    async def write(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._writers, functools.partial(self.write_sync, fn, *args)
        )

    def close(self) -> None:
        self._readers.shutdown(wait=True)
        self._writers.shutdown(wait=True)
        self.engine.dispose()


def _guard(fn: Callable[..., T], *args: Any) -> T:
    try:
        return fn(*args)
    except OperationalError as exc:
        raise _refusal(exc) from exc


SQLITE_READONLY, SQLITE_FULL = 8, 13  # primary result codes
DISK_FULL = "53100"  # PostgreSQL's SQLSTATE disk_full


def _refusal(exc: OperationalError) -> StorageUnavailable:
    """Disk full (507 ``disk_full``), a read-only database file (``storage_read_only``), or
    anything else that stops the database (``storage_unavailable``, a server gone)."""
    code = getattr(exc.orig, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary == SQLITE_FULL or getattr(exc.orig, "sqlstate", None) == DISK_FULL:
        return StorageUnavailable("disk_full", status=507)
    if primary == SQLITE_READONLY:
        return StorageUnavailable("storage_read_only")
    return StorageUnavailable(detail=str(exc.orig)[:200])

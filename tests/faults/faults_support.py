"""Steps the fault tests share: people talking to a real ``odr serve`` over HTTP, the audit
log read straight from the database, the data folder's checks after a restart, and mounts
(a small tmpfs for a full disk, a read-only bind mount) that are always undone."""

from __future__ import annotations

import asyncio
import hashlib
import json
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from procs import Server, odr
from sqlalchemy import create_engine, text
from support import filing

JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"


class Person:
    """One person's browser: a cookie jar and their CSRF token, against the server's current
    address (it changes at every restart: ``reconnect`` logs in again)."""

    def __init__(self, server: Server, login: dict[str, str], path: str) -> None:
        self.server = server
        self.login = login  # {"code": ...} or {"username": ..., "password": ...}
        self.path = path  # /api/session or /api/login
        self.csrf = ""
        self.http: aiohttp.ClientSession | None = None

    @classmethod
    def staff(cls, server: Server, seeded: dict[str, Any], role: str) -> Person:
        user = next(u for u in seeded["users"] if u["role"] == role)
        login = {"username": user["username"], "password": user["password"]}
        return cls(server, login, "/api/login")

    @classmethod
    def party(cls, server: Server, code: str) -> Person:
        return cls(server, {"code": code}, "/api/session")

    async def connect(self) -> Person:
        await self.close()
        base = self.server.base_url
        jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=base)
        self.http = aiohttp.ClientSession(base_url=base, cookie_jar=jar)
        async with self.http.post(self.path, json=self.login) as response:
            assert response.status == 200, await response.text()
            self.csrf = (await response.json())["csrf_token"]
        return self

    async def close(self) -> None:
        if self.http is not None:
            await self.http.close()
            self.http = None

    async def post(self, path: str, **kwargs: Any) -> tuple[int, Any]:
        """POST with the CSRF token: the status and the decoded JSON answer."""
        assert self.http is not None
        headers = {"X-CSRF-Token": self.csrf, **kwargs.pop("headers", {})}
        async with self.http.post(path, headers=headers, **kwargs) as response:
            return response.status, await response.json(content_type=None)

    async def get_json(self, path: str) -> Any:
        assert self.http is not None
        async with self.http.get(path) as response:
            assert response.status == 200, await response.text()
            return await response.json()

    async def get_bytes(self, path: str) -> bytes:
        assert self.http is not None
        async with self.http.get(path) as response:
            assert response.status == 200, await response.text()
            return await response.read()


@dataclass(frozen=True)
class Filed:
    case_id: int
    code: str  # the applicant's personal code


async def file_case(server: Server, intake_code: str) -> Filed:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{server.base_url}/api/cases", json=filing(intake_code)) as response,
    ):
        assert response.status == 201, await response.text()
        filed = await response.json()
    return Filed(filed["case_id"], filed["applicant"]["code"])


def audit_entries(db_url: str, kind: str) -> list[dict[str, Any]]:
    """The payloads (with ``case_id``) of every audit entry of ``kind``, oldest first."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT case_id, payload FROM audit_entry WHERE kind = :k ORDER BY seq"),
                {"k": kind},
            ).all()
    finally:
        engine.dispose()
    return [{"case_id": row[0], **json.loads(row[1])} for row in rows]


def rows(db_url: str, query: str) -> list[Any]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(query)).all())
    finally:
        engine.dispose()


async def audit_verifies(data_dir: Path, db_url: str) -> None:
    verified = await asyncio.to_thread(odr, data_dir, db_url, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("审计日志核验通过：")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def temporaries(folder: Path) -> list[Path]:
    """Half-written files (named with a leading dot) anywhere under ``folder``."""
    return sorted(p for p in folder.rglob(".*") if p.is_file()) if folder.exists() else []


def assert_no_traceback(server: Server) -> None:
    log = server.log.read_text("utf-8", "replace")
    assert "Traceback" not in log, server.tail(80)


# Mounts ---------------------------------------------------------------------------------------


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, text=True)


@contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` (e.g. ``2m``) mounted on ``folder``: a disk that fills up."""
    folder.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder))
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False, capture_output=True)


@contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """``folder`` bind-mounted onto itself read-only (root ignores file modes, not this)."""
    _mount("--bind", str(folder), str(folder))
    try:
        _mount("-o", "remount,bind,ro", str(folder))
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False, capture_output=True)

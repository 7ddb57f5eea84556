"""Steps the API tests share: filing a case, logging in, sending with the CSRF token, waiting
for a condition."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from odr.settings import Settings

Client = TestClient[web.Request, web.Application]


def filing(intake_code: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "intake_code": intake_code,
        "category": "rent",
        "applicant": {"name": "小燕", "phone": "13800000000", "address": "太阳镇太源村"},
        "respondent": {"name": "杭州某美食广场有限公司", "language": "zh-CN"},
        "facts": "租下商铺一间，因生意不好未付租金，也未解除合同。",
        "claims": "请求减免部分租金并解除合同。",
    }
    body.update(changes)
    return body


async def file_case(client: Client, intake_code: str, **changes: Any) -> dict[str, Any]:
    response = await client.post("/api/cases", json=filing(intake_code, **changes))
    assert response.status == 201, await response.text()
    data: dict[str, Any] = await response.json()
    return data


async def login(client: Client, seeded: dict[str, Any], role: str) -> str:
    """Log ``client`` in as the demo user of ``role``; returns the CSRF token."""
    user = next(u for u in seeded["users"] if u["role"] == role)
    response = await client.post(
        "/api/login", json={"username": user["username"], "password": user["password"]}
    )
    assert response.status == 200, await response.text()
    token: str = (await response.json())["csrf_token"]
    return token


async def enter_code(client: Client, code: str) -> str:
    response = await client.post("/api/session", json={"code": code})
    assert response.status == 200, await response.text()
    token: str = (await response.json())["csrf_token"]
    return token


async def post(client: Client, path: str, csrf: str, **kwargs: Any) -> Any:
    return await client.post(path, headers={"X-CSRF-Token": csrf}, **kwargs)


def make_settings(data_dir: Path, db_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "database_url": db_url,
        "argon2_time_cost": 1,
        "argon2_memory_kib": 1024,
        "base_url": "http://odr.test",
    }
    values.update(overrides)
    return Settings(**values)


async def until(check: Callable[[], bool], within: float = 20.0) -> bool:
    """Polls ``check`` until it holds or ``within`` seconds pass; its last answer."""
    deadline = asyncio.get_running_loop().time() + within
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            return check()
        await asyncio.sleep(0.25)
    return True

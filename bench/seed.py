"""A court to measure: the cases the look-up benchmark files (each with a personal code) and a
fresh PostgreSQL database for it, dropped afterwards."""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any


def filing(intake_code: str, n: int) -> dict[str, Any]:
    """The body of ``POST /api/cases``, as in tests/support.py ``filing``."""
    return {
        "intake_code": intake_code,
        "category": "rent",
        "applicant": {"name": f"小燕{n}", "phone": "13800000000", "address": "太阳镇太源村"},
        "respondent": {"name": "杭州某美食广场有限公司", "language": "zh-CN"},
        "facts": "租下商铺一间，因生意不好未付租金，也未解除合同。",
        "claims": "请求减免部分租金并解除合同。",
    }


async def file_cases(base: str, intake_code: str, n: int) -> list[str]:
    import aiohttp

    codes: list[str] = []
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(
        timeout=timeout, cookie_jar=aiohttp.DummyCookieJar()
    ) as session:
        semaphore = asyncio.Semaphore(8)

        async def file_one(i: int) -> None:
            async with (
                semaphore,
                session.post(f"{base}/api/cases", json=filing(intake_code, i)) as response,
            ):
                text = await response.text()
                if response.status != 201:
                    raise RuntimeError(f"filing failed: {response.status} {text[:300]}")
                codes.append(json.loads(text)["applicant"]["code"])

        await asyncio.wait_for(asyncio.gather(*(file_one(i) for i in range(n))), 300)
    return codes


def create_database(url: str) -> tuple[str, str]:
    """A fresh database on the PostgreSQL server of ``url``: (its URL, the admin URL)."""
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"odr_bench_{secrets.token_hex(4)}"
    admin = base.set(drivername="postgresql", database="postgres")
    admin_url = admin.render_as_string(hide_password=False)
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return base.set(database=name).render_as_string(hide_password=False), admin_url


def drop_database(url: str, admin_url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

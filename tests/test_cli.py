"""The ``odr`` console script, run as a real subprocess against SQLite and PostgreSQL."""

from __future__ import annotations

import functools
import json
import re
import stat
import subprocess
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from procs import odr as odr_in

from odr.domain import codes
from odr.http.app import create_app
from odr.services import audit, courts
from odr.services.startup import opened_store
from odr.settings import Settings

# The messages asserted below are the English ones (ODR_DEFAULT_LANGUAGE=en); the Chinese
# default has its own test.
odr = functools.partial(odr_in, lang="en")

PASSWORD = "correct horse battery"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def settings(data_dir: Path, db_url: str) -> Settings:
    return Settings(
        data_dir=data_dir, database_url=db_url, argon2_time_cost=1, argon2_memory_kib=1024
    )


@pytest.fixture
def court(data_dir: Path, db_url: str) -> str:
    done = odr(data_dir, db_url, "court", "add", "临安区人民法院", "--short-code", "LA")
    assert done.returncode == 0, done.stderr
    assert "(LA) added" in done.stdout
    return "LA"


def refused(done: subprocess.CompletedProcess[str], message: str) -> None:
    """A clean refusal: non-zero exit, the message on stderr, no Python traceback."""
    assert done.returncode != 0, done.stdout
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("odr: ")


def password_works(settings: Settings, username: str, password: str) -> bool:
    with opened_store(settings) as (db, _key):
        user = db.read_sync(courts.find_user, username)
    return courts.password_matches(courts.password_hasher(settings), user, password)


def test_init_creates_database_and_private_key(data_dir: Path, db_url: str) -> None:
    done = odr(data_dir, db_url, "init")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"initialised {data_dir}")
    if "@" in db_url:  # credentials in the URL are never echoed
        userinfo = db_url.split("://")[1].split("@")[0]
        assert f"//{userinfo}@" not in done.stdout
    key = data_dir / "keys" / "audit-ed25519.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    pem = key.read_bytes()
    again = odr(data_dir, db_url, "init")
    assert again.returncode == 0, again.stderr
    assert key.read_bytes() == pem  # a second init keeps the signing key


async def test_microcourt_add_prints_an_intake_code_the_api_accepts(
    data_dir: Path, db_url: str, settings: Settings, court: str
) -> None:
    done = odr(data_dir, db_url, "microcourt", "add", "上田村微法庭", "--court", court.lower())
    assert done.returncode == 0, done.stderr
    match = re.search(r"^intake code: (\S+)$", done.stdout, re.MULTILINE)
    assert match is not None, done.stdout
    shown = match.group(1)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", shown)
    assert codes.normalise(shown, codes.INTAKE_LENGTH) == shown.replace("-", "")
    async with TestClient(TestServer(create_app(settings))) as client:
        response = await client.get(f"/api/intake/{shown.lower()}")
        assert response.status == 200, await response.text()
        body = await response.json()
        assert body["microcourt"] == "上田村微法庭"
        assert body["court"] == "临安区人民法院"
    refused(odr(data_dir, db_url, "microcourt", "add", "X", "--court", "ZZ"), "No such court")
    refused(odr(data_dir, db_url, "court", "add", "Dup", "--short-code", court), "exists already")


def test_the_command_speaks_the_courts_language_chinese_by_default(
    data_dir: Path, db_url: str
) -> None:
    done = odr_in(data_dir, db_url, "init")
    assert done.stdout.startswith(f"已初始化 {data_dir}"), done.stdout
    assert "法院认证机构证书：" in done.stdout
    court = odr_in(data_dir, db_url, "court", "add", "余杭区法院", "--short-code", "YH")
    assert re.fullmatch(r"已添加法院 余杭区法院（YH），编号 \d+\n", court.stdout), court.stdout
    added = odr_in(data_dir, db_url, "microcourt", "add", "上田村", "--court", "YH")
    assert re.search(r"^受理码：[0-9A-Z]{4}-[0-9A-Z]{4}$", added.stdout, re.MULTILINE), added.stdout
    missing = odr_in(data_dir, db_url, "microcourt", "add", "X", "--court", "ZZ")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert missing.stderr.startswith("odr：没有找到该法院。"), missing.stderr
    verified = odr_in(data_dir, db_url, "audit", "verify")
    assert verified.stdout.startswith("审计日志核验通过："), verified.stdout
    demo = odr_in(data_dir, db_url, "demo")
    assert demo.returncode == 0, demo.stderr
    assert "演示法院：" in demo.stdout and "工作人员登录（用户名 / 密码）：" in demo.stdout
    assert "Demo court" not in demo.stdout


def test_duplicate_court_in_other_case_is_refused_cleanly(
    data_dir: Path, db_url: str, court: str
) -> None:
    refused(
        odr(data_dir, db_url, "court", "add", "Dup", "--short-code", court.lower()),
        "exists already",
    )


def test_user_add_reads_the_password_from_stdin(
    data_dir: Path, db_url: str, settings: Settings, court: str
) -> None:
    short = odr(
        data_dir, db_url, "user", "add", "wangfang", "--role", "clerk", "--court", court,
        "--password-stdin", stdin="short\n",
    )  # fmt: skip
    refused(short, "at least 10 characters")
    assert "short" not in short.stdout

    added = odr(
        data_dir, db_url, "user", "add", "wangfang", "--role", "clerk", "--court", court,
        "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert re.fullmatch(r"user wangfang \(clerk\) added, id \d+\n", added.stdout)
    assert PASSWORD not in added.stdout + added.stderr
    assert password_works(settings, "wangfang", PASSWORD)
    assert not password_works(settings, "wangfang", PASSWORD + "x")

    again = odr(
        data_dir, db_url, "user", "add", "wangfang", "--role", "judge", "--court", court,
        "--password-stdin", stdin="another long password\n",
    )  # fmt: skip
    refused(again, "exists already")
    assert password_works(settings, "wangfang", PASSWORD)  # the first user is untouched
    assert not password_works(settings, "wangfang", "another long password")

    courtless = odr(
        data_dir, db_url, "user", "add", "nobody", "--role", "mediator", "--password-stdin",
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    refused(courtless, "(court)")


def test_demo_json_is_complete_and_idempotent(
    data_dir: Path, db_url: str, settings: Settings
) -> None:
    first = odr(data_dir, db_url, "demo", "--json")
    assert first.returncode == 0, first.stderr
    seeded = json.loads(first.stdout)
    assert {"intake_code", "base_url", "users", "microcourt_id", "court_id"} <= seeded.keys()
    assert seeded["base_url"].startswith("http")
    code = seeded["intake_code"]
    assert codes.normalise(code, codes.INTAKE_LENGTH) == code.replace("-", "")
    assert {u["role"] for u in seeded["users"]} == {"admin", "clerk", "mediator", "judge"}
    for user in seeded["users"]:
        assert {"username", "password", "role"} <= user.keys()
        assert len(user["password"]) >= 10
        assert password_works(settings, user["username"], user["password"])
    assert stat.S_IMODE((data_dir / "demo.json").stat().st_mode) == 0o600

    with opened_store(settings) as (db, key):
        size_after_first = db.read_sync(audit.verify, key.public).size

    second = odr(data_dir, db_url, "demo", "--json")
    assert second.returncode == 0, second.stderr
    again = json.loads(second.stdout)
    assert again["intake_code"] == code
    assert again["users"] == seeded["users"]
    assert again["court_id"] == seeded["court_id"]
    hearing = seeded["hearing"]
    assert set(hearing["codes"]) == {"applicant", "respondent"}
    assert again["hearing"]["id"] == hearing["id"]
    assert set(seeded["documents"]) >= {"agreement_url", "ruling_url", "ca_url"}
    text = odr(data_dir, db_url, "demo")  # the same seed, for people
    assert text.returncode == 0, text.stderr
    assert f"intake code {code}" in text.stdout
    for user in seeded["users"]:
        line = rf"^\s+{user['role']}\s+{user['username']} / {re.escape(user['password'])}$"
        assert re.search(line, text.stdout, re.MULTILINE), user["role"]
    with opened_store(settings) as (db, key):
        log = db.read_sync(audit.verify, key.public)
    assert log.ok, log.problems
    # Court, staff, the demo hearing and the confirmed settlement: seeded once, not three times.
    assert log.size == size_after_first

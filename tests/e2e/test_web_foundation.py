"""A villager files a case in a real browser and follows it with the personal code.

Debian's chromium, driven by playwright, against ``odr serve`` running as a process. Every
screen of the page (/, index.html) is checked by axe-core and photographed
(test-artifacts/screenshots/web-*.png), and no page logs an error.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect
from procs import Server, odr

pytestmark = pytest.mark.slow


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[Server, dict[str, Any]]]:
    data_dir = tmp_path / "data"
    url = f"sqlite:///{data_dir}/odr.sqlite3"
    seeded = await asyncio.to_thread(odr, data_dir, url, "demo", "--json")
    assert seeded.returncode == 0, seeded.stderr
    async with Server(data_dir, url, tmp_path / "server.log") as server:
        yield server, json.loads(seeded.stdout)


async def apply(page: Page, intake_code: str, checks: Any, shoot: Any) -> tuple[str, str]:
    await page.get_by_role("button", name="申请调解").click()
    await expect(page.get_by_role("heading", name="申请调解")).to_be_focused()
    await page.get_by_label("受理码").fill(intake_code.lower().replace("-", " "))
    await page.get_by_label("纠纷类别").select_option("wages")
    you = page.get_by_role("group", name="您")
    await you.get_by_label("姓名").fill("王大伯")
    await you.get_by_label("电话").fill("13900000000")
    await page.get_by_role("group", name="对方").get_by_label("姓名").fill("某建筑公司")
    await page.get_by_label("发生了什么").fill("在工地干了三个月，工资一直没有结。")
    await page.get_by_label("您的请求").fill("结清工资一万二千元。")
    await checks.axe(page, "index apply")
    await shoot(page, "web-02-apply")
    await page.get_by_role("button", name="提交").click()
    await expect(page.get_by_role("heading", name="申请已提交")).to_be_visible()
    number = await page.locator("#slip-number").inner_text()
    code = await page.locator("#slip-code").inner_text()
    assert await page.locator("#slip-qr svg").count() == 1
    await checks.axe(page, "index slip")
    await shoot(page, "web-03-slip")
    return number, code


async def test_villager_files_a_case_and_follows_it_with_the_code(
    browser: Browser, served: tuple[Server, dict[str, Any]], page_checks: Any, shoot: Any
) -> None:
    server, seeded = served
    context = await browser.new_context(locale="zh-CN")
    page = page_checks.watch(await context.new_page())
    await page.goto(server.base_url + "/")
    await expect(page.get_by_role("heading", name="您好，请选择您要办理的事项")).to_be_visible()
    await page_checks.axe(page, "index start")
    await shoot(page, "web-01-start")
    number, code = await apply(page, seeded["intake_code"], page_checks, shoot)
    assert re.fullmatch(r"LA-\d{4}-\d{5}", number)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)

    # Another day: the villager comes back with the slip.
    await page.get_by_role("button", name="完成").click()
    await page.get_by_role("button", name="我有个人码").click()
    await page.get_by_role("textbox", name="个人码").fill(code.lower())
    await page_checks.axe(page, "index code")
    await shoot(page, "web-04-code")
    await page.get_by_role("button", name="查看案件").click()
    detail = page.locator("#case-detail")
    await expect(detail).to_contain_text(number)
    await expect(detail).to_contain_text("已申请")
    await expect(detail).to_contain_text("工资一直没有结")
    await expect(detail).to_contain_text("提交申请")  # the history, from the audit log
    await page_checks.axe(page, "index case")
    await shoot(page, "web-05-case")
    await context.close()

    # The micro-court's mediator sees the case offered (the session cookie works in a browser).
    mediator = next(u for u in seeded["users"] if u["role"] == "mediator")
    staff = await browser.new_context(locale="zh-CN")
    desk = page_checks.watch(await staff.new_page())
    await desk.goto(server.base_url + "/")
    await desk.get_by_role("link", name="工作人员登录").click()
    await desk.get_by_label("用户名").fill(mediator["username"])
    await desk.get_by_label("密码").fill(mediator["password"])
    await page_checks.axe(desk, "index staff login")
    await shoot(desk, "web-06-staff-login")
    await desk.get_by_role("button", name="登录").click()
    await expect(desk.locator("#case-list")).to_contain_text(number)
    await page_checks.axe(desk, "index staff cases")
    await shoot(desk, "web-07-staff-cases")
    cookies = await staff.cookies()
    assert [c["name"] for c in cookies] == ["__Host-odr_session"]
    assert cookies[0]["httpOnly"] and cookies[0]["secure"]
    await staff.close()


async def test_wrong_code_gets_a_plain_message_in_english(
    browser: Browser, served: tuple[Server, dict[str, Any]], page_checks: Any, shoot: Any
) -> None:
    server, _ = served
    context = await browser.new_context(locale="en-GB")
    page = page_checks.watch(await context.new_page())
    page_checks.allow(r"\(Not Found\).*/api/session")  # the wrong code, refused
    await page.goto(server.base_url + "/")
    await page.get_by_role("button", name="I have a personal code").click()
    await page.get_by_role("textbox", name="Personal code").fill("0000-0000-0000")
    await page.get_by_role("button", name="Open the case").click()
    await expect(page.get_by_role("alert")).to_contain_text("personal code is wrong")
    await page_checks.axe(page, "index wrong code (en)")
    await shoot(page, "web-08-wrong-code-en")
    await page.get_by_role("button", name="中文").click()
    await expect(page.get_by_role("heading", name="我有个人码")).to_be_visible()
    await expect(page.get_by_role("alert")).to_be_hidden()  # no stale English message
    await context.close()

"""The statistics page (/stats) in a real browser: a judge sees the court's figures and the
charts drawn as inline SVG, each with a table of the same numbers (opened by keyboard)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Browser, expect
from support import filing

pytestmark = pytest.mark.slow


async def test_judge_sees_figures_and_charts_with_tables(
    browser: Browser, live: Any, page_checks: Any, shoot: Any, tab_to: Any
) -> None:
    users = {u["role"]: u for u in live.seeded["users"]}
    # Two cases: one settled in mediation, one still waiting (through the API).
    desk = await browser.new_context()
    for category in ("wages", "rent"):
        filed = await desk.request.post(
            live.url("/api/cases"), data=filing(live.seeded["intake_code"], category=category)
        )
        assert filed.status == 201
    case_id = (await filed.json())["case_id"]
    login = await desk.request.post(
        live.url("/api/login"),
        data={"username": users["mediator"]["username"], "password": users["mediator"]["password"]},
    )
    csrf = (await login.json())["csrf_token"]
    for target in ("accepted", "in_mediation", "settled"):
        moved = await desk.request.post(
            live.url(f"/api/cases/{case_id}/transitions"),
            data={"target": target},
            headers={"X-CSRF-Token": csrf},
        )
        assert moved.status == 200, await moved.text()
    await desk.close()

    context = await browser.new_context(locale="zh-CN", viewport={"width": 1200, "height": 900})
    page = page_checks.watch(await context.new_page())
    page_checks.allow(r"401 \(Unauthorized\).*/api/me")
    await page.goto(live.url("/console"))
    # Before login the console's navigation is hidden (a layout rule must not show it).
    await expect(page.get_by_label("用户名")).to_be_visible()
    await expect(page.get_by_role("navigation", name="工作台导航")).to_be_hidden()
    await page.get_by_label("用户名").fill(users["judge"]["username"])
    await page.get_by_label("密码").fill(users["judge"]["password"])
    await page.get_by_role("button", name="登录").click()
    await page.get_by_role("link", name="统计").click()
    await expect(page.get_by_role("heading", name="概况")).to_be_visible()

    figures = page.locator("#figures")
    await expect(figures.locator("li").first).to_have_text("2全部案件")
    await expect(figures).to_contain_text("100%")  # one mediation ended, settled
    charts = page.locator("#charts figure")
    await expect(charts).to_have_count(4)
    await expect(page.locator("#charts svg[role=img]")).to_have_count(4)
    assert await page.locator("#charts svg rect").count() >= 5  # bars were drawn
    await page_checks.axe(page, "stats")
    await shoot(page, "stats-01")

    # Each chart's numbers as a table, opened by keyboard.
    await tab_to(page, "以表格查看")
    await page.keyboard.press("Enter")
    table = page.locator("#charts figure").first.locator("table")
    await expect(table).to_be_visible()
    rows = table.locator("tbody tr")
    last = rows.last  # the current month: two filed, one settled
    await expect(last.locator("td")).to_have_text(["2", "1"])
    state_table = page.locator("#charts figure").nth(1).locator("table")
    await expect(state_table).to_contain_text("已申请")
    await page_checks.axe(page, "stats with a table")

    # The page switches to English in one tap.
    await page.get_by_role("button", name="English").click()
    await expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    await expect(page.locator("#charts figure h2").first).to_have_text(
        "Cases filed and settled per month"
    )
    await shoot(page, "stats-02-en")

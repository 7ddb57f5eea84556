"""The staff console (/console) by keyboard alone: the mediator schedules a hearing (the date
and time typed into the date field) and drafts a settlement of two clauses (amounts typed,
payer and payee chosen with the arrow keys, the due date typed); later the mediator signs (the
box ticked with Space), asks for judicial confirmation, and the judge rules and downloads the
ruling. Accepting a case by keyboard: test_console.py; personal codes: test_console_codes.py."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from arrange import in_mediation, sign_draft, with_a_draft
from keys import arrow_to, type_date
from playwright.async_api import Browser, Page, expect

pytestmark = pytest.mark.slow

ZONE = "Asia/Shanghai"


async def _log_in(page: Page, live: Any, role: str, tab_to: Any) -> None:
    """Log in on the console's login screen by keyboard alone."""
    user = next(u for u in live.seeded["users"] if u["role"] == role)
    await expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible()
    await tab_to(page, "用户名")
    await page.keyboard.type(user["username"])
    await page.keyboard.press("Tab")
    await page.keyboard.type(user["password"])
    await page.keyboard.press("Enter")


async def _console(browser: Browser, live: Any, checks: Any, path: str) -> Page:
    context = await browser.new_context(
        locale="zh-CN", timezone_id=ZONE, viewport={"width": 1200, "height": 900}
    )
    page: Page = checks.watch(await context.new_page())
    checks.allow(r"401 \(Unauthorized\).*/api/me")  # the session check before logging in
    await page.goto(live.url(path))
    return page


async def test_the_mediator_schedules_a_hearing_and_drafts_a_settlement_by_keyboard(
    browser: Browser, live: Any, page_checks: Any, shoot: Any, tab_to: Any
) -> None:
    filed = await in_mediation(browser, live)
    case_id = filed["case_id"]
    page = await _console(browser, live, page_checks, f"/console#case={case_id}")
    await _log_in(page, live, "mediator", tab_to)
    heading = page.get_by_role("heading", level=2, name=f"{filed['number']} · 调解中")
    await expect(heading).to_be_visible()

    # A hearing in two days at 09:30 (the viewer's zone), 45 minutes, with a title.
    start = datetime.now(ZoneInfo(ZONE)).replace(hour=9, minute=30, second=0, microsecond=0)
    start += timedelta(days=2)
    await tab_to(page, "开始时间")
    await type_date(page, start.replace(tzinfo=None))
    form = page.locator("#schedule-form")
    await expect(form.get_by_label("开始时间")).to_have_value(start.strftime("%Y-%m-%dT%H:%M"))
    await tab_to(page, "时长（分钟）")  # Tab may first stop inside the date field
    await page.keyboard.press("Control+A")
    await page.keyboard.type("45")
    await page.keyboard.press("Tab")
    await page.keyboard.type("第一次调解")
    await page_checks.axe(page, "console schedule (keyboard)")
    await page.keyboard.press("Enter")  # submits the form
    hearings = page.locator("#case-hearings")
    await expect(hearings).to_contain_text("第一次调解")
    await expect(hearings).to_contain_text("09:30")
    listed = await page.request.get(live.url(f"/api/cases/{case_id}/hearings"))
    [hearing] = (await listed.json())["hearings"]
    assert datetime.fromisoformat(hearing["scheduled_start"]) == start
    assert (hearing["duration_minutes"], hearing["title"]) == (45, "第一次调解")
    await page_checks.axe(page, "console case with a hearing (keyboard)")
    await shoot(page, "keyboard-console-01-scheduled")

    # The settlement: a clause with an amount, payer, payee and due date; a second one added.
    due = date.today() + timedelta(days=30)
    await tab_to(page, "条款内容")
    await page.keyboard.type("被申请人退还押金。")
    await page.keyboard.press("Tab")
    await page.keyboard.type("3000")
    await page.keyboard.press("Tab")  # the currency stays CNY
    await page.keyboard.press("Tab")
    await arrow_to(page, "被申请人")  # the payer
    await page.keyboard.press("Tab")
    await arrow_to(page, "申请人")  # the payee
    await page.keyboard.press("Tab")
    await type_date(page, due)
    await tab_to(page, "添加条款")
    await page.keyboard.press("Enter")
    second = page.locator("#clauses li.clause").nth(1).get_by_label("条款内容")
    await expect(second).to_be_focused()
    await page.keyboard.type("双方就本案再无其他争议。")
    await tab_to(page, "其他约定")
    await page.keyboard.type("本协议一式三份。")
    await page_checks.axe(page, "console draft (keyboard)")
    await shoot(page, "keyboard-console-02-draft")
    await tab_to(page, "生成协议草稿")
    await page.keyboard.press("Enter")
    version = page.locator("#settlement-view article.version").first
    await expect(version).to_contain_text("第 1 版 · 草稿，等待签名", timeout=30_000)
    await expect(version).to_contain_text("3,000.00")
    found = await (await page.request.get(live.url(f"/api/cases/{case_id}/settlement"))).json()
    [drafted] = found["versions"]
    first, other = drafted["clauses"]
    assert first["text"] == "被申请人退还押金。"
    assert (first["amount_cents"], first["currency"]) == (300_000, "CNY")
    assert (first["payer"], first["payee"], first["due"]) == (
        "respondent",
        "applicant",
        due.isoformat(),
    )
    assert other["text"] == "双方就本案再无其他争议。"
    assert drafted["free_text"] == "本协议一式三份。"
    await page_checks.axe(page, "console drafted (keyboard)")
    await shoot(page, "keyboard-console-03-drafted")
    page_checks.assert_clean()


async def test_the_mediator_signs_and_the_judge_rules_by_keyboard(
    browser: Browser, live: Any, page_checks: Any, shoot: Any, tab_to: Any, tmp_path: Path
) -> None:
    # Through the API: a draft, signed by both parties.
    filed = await with_a_draft(browser, live)
    case_id = filed["case_id"]
    for who in ("applicant", "respondent"):
        await sign_draft(browser, live, filed, who)

    # The mediator signs by keyboard: not ticked, refused and the box gets the focus.
    page = await _console(browser, live, page_checks, f"/console#case={case_id}")
    await _log_in(page, live, "mediator", tab_to)
    article = page.locator("#settlement-view article.version").first
    await expect(article).to_contain_text("调解员：尚未签名")
    tick = article.get_by_label("我已阅读协议全文并签名")
    await tab_to(page, "调解员签名")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("alert")).to_contain_text("请先勾选")
    await expect(tick).to_be_focused()
    await page.keyboard.press("Space")
    await expect(tick).to_be_checked()
    await page_checks.axe(page, "console signing (keyboard)")
    await shoot(page, "keyboard-console-04-signing")
    await page.keyboard.press("Tab")
    await expect(article.get_by_role("button", name="调解员签名")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(article).to_contain_text("已生效", timeout=30_000)
    heading = page.get_by_role("heading", level=2)
    await expect(heading).to_contain_text("已达成协议")
    found = await (await page.request.get(live.url(f"/api/cases/{case_id}/settlement"))).json()
    signed = found["versions"][0]["signatures"]
    assert [s["field"] for s in signed] == ["applicant", "respondent", "mediator"]

    # The mediator applies for judicial confirmation, and logs out.
    await tab_to(page, "申请司法确认")
    await page.keyboard.press("Enter")
    await expect(heading).to_contain_text("已申请司法确认")
    await page_checks.axe(page, "console signed (keyboard)")
    await shoot(page, "keyboard-console-05-signed")
    await tab_to(page, "退出", backwards=True)
    await page.keyboard.press("Enter")

    # The judge logs in, finds the case in the queue and confirms it.
    await _log_in(page, live, "judge", tab_to)
    await expect(page.get_by_role("link", name=filed["number"])).to_be_visible()
    await tab_to(page, filed["number"])
    await page.keyboard.press("Enter")
    await expect(heading).to_contain_text("已申请司法确认")
    ruling = page.get_by_role("group", name="司法确认")
    await tab_to(page, "确认有效")  # into the two choices: the first has the focus
    await page.keyboard.press("Space")
    await expect(ruling.get_by_label("确认有效")).to_be_checked()
    await page.keyboard.press("Tab")  # out of the choices, to the reasons
    await expect(ruling.get_by_label("理由")).to_be_focused()
    await page.keyboard.type("协议内容合法，双方自愿。")
    await page_checks.axe(page, "console ruling (keyboard)")
    await shoot(page, "keyboard-console-06-ruling")
    await tab_to(page, "作出裁定")
    await page.keyboard.press("Enter")
    await expect(heading).to_contain_text("已司法确认", timeout=30_000)
    await expect(page.locator("#ruling-reason")).to_contain_text("协议内容合法，双方自愿。")
    found = await (await page.request.get(live.url(f"/api/cases/{case_id}/settlement"))).json()
    assert found["confirmation"]["outcome"] == "confirmed"
    assert found["confirmation"]["reason"] == "协议内容合法，双方自愿。"
    await page_checks.axe(page, "console confirmed (keyboard)")
    await shoot(page, "keyboard-console-07-confirmed")
    await tab_to(page, "下载裁定书（PDF）")
    async with page.expect_download() as waiting:
        await page.keyboard.press("Enter")
    pdf = await asyncio.to_thread(Path(await (await waiting.value).path()).read_bytes)
    assert pdf.startswith(b"%PDF")
    page_checks.assert_clean()

"""The staff console (/console) in a real browser: the mediator logs in, finds a filed case in
the queue, accepts it and starts the mediation (keyboard alone), schedules a hearing that shows
in the calendar in the viewer's zone, and drafts a settlement with a structured clause."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date, timedelta
from typing import Any

import pytest
from arrange import in_mediation, sign_draft, with_a_draft
from PIL import Image
from playwright.async_api import Browser, Page, expect
from support import filing

pytestmark = pytest.mark.slow

ZONE = "Asia/Shanghai"


async def _file(page: Page, live: Any) -> dict[str, Any]:
    response = await page.request.post(
        live.url("/api/cases"), data=filing(live.seeded["intake_code"], category="wages")
    )
    assert response.status == 201, await response.text()
    data: dict[str, Any] = await response.json()
    return data


async def _focus(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await page.evaluate(
            "(s) => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"Tab never reached {selector}")


async def _open(browser: Browser, live: Any, checks: Any) -> Page:
    context = await browser.new_context(
        locale="zh-CN", timezone_id=ZONE, viewport={"width": 1200, "height": 900}
    )
    page: Page = checks.watch(await context.new_page())
    checks.allow(r"401 \(Unauthorized\).*/api/me")  # the session check before logging in
    await page.goto(live.url("/console"))
    await expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible()
    return page


async def test_mediator_accepts_a_case_by_keyboard_alone(
    browser: Browser, live: Any, page_checks: Any, shoot: Any, tab_to: Any
) -> None:
    page = await _open(browser, live, page_checks)
    filed = await _file(page, live)
    mediator = next(u for u in live.seeded["users"] if u["role"] == "mediator")
    await page_checks.axe(page, "console login")
    await shoot(page, "console-01-login")

    await _focus(page, "input[name=username]")
    await page.keyboard.type(mediator["username"])
    await page.keyboard.press("Tab")
    await page.keyboard.type(mediator["password"])
    await page.keyboard.press("Enter")
    group = page.get_by_role("region", name="已申请（1）")
    await expect(group.get_by_role("link", name=filed["number"])).to_be_visible()
    await expect(group).to_contain_text("欠薪")
    await page_checks.axe(page, "console queue")
    await shoot(page, "console-02-queue")

    await tab_to(page, filed["number"])
    await page.keyboard.press("Enter")
    heading = page.get_by_role("heading", level=2, name=f"{filed['number']} · 已申请")
    await expect(heading).to_be_visible()
    await tab_to(page, "受理")
    await page.keyboard.press("Enter")
    await expect(
        page.get_by_role("heading", level=2, name=f"{filed['number']} · 已受理")
    ).to_be_visible()
    await expect(page.get_by_role("status")).to_have_text("案件状态已改为：已受理")
    await tab_to(page, "开始调解")
    await page.keyboard.press("Enter")
    await expect(
        page.get_by_role("heading", level=2, name=f"{filed['number']} · 调解中")
    ).to_be_visible()
    history = page.locator("#case-history")
    await expect(history).to_contain_text("已受理 → 调解中")
    await page_checks.axe(page, "console case")
    await shoot(page, "console-03-case")
    page_checks.assert_clean()


async def test_schedule_a_hearing_and_draft_a_settlement(
    browser: Browser, live: Any, page_checks: Any, shoot: Any
) -> None:
    page = await _open(browser, live, page_checks)
    filed = await _file(page, live)
    # The applicant uploads a photo from home (through the API).
    villager = await browser.new_context()
    session = await villager.request.post(
        live.url("/api/session"), data={"code": filed["applicant"]["code"]}
    )
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 40)).save(photo, "PNG")
    uploaded = await villager.request.post(
        live.url(f"/api/cases/{filed['case_id']}/evidence"),
        headers={"X-CSRF-Token": (await session.json())["csrf_token"]},
        multipart={
            "description": "欠条照片",
            "file": {"name": "iou.png", "mimeType": "image/png", "buffer": photo.getvalue()},
        },
    )
    assert uploaded.status == 201, await uploaded.text()
    sha256 = hashlib.sha256(photo.getvalue()).hexdigest()
    await villager.close()
    mediator = next(u for u in live.seeded["users"] if u["role"] == "mediator")
    await page.get_by_label("用户名").fill(mediator["username"])
    await page.get_by_label("密码").fill(mediator["password"])
    await page.get_by_role("button", name="登录").click()
    await page.get_by_role("link", name=filed["number"]).click()
    await page.get_by_role("button", name="受理").click()
    await expect(page.get_by_role("button", name="开始调解")).to_be_visible()
    await page.get_by_role("button", name="开始调解").click()
    await expect(
        page.get_by_role("heading", level=2, name=f"{filed['number']} · 调解中")
    ).to_be_visible()

    # The evidence with its hash, viewable on the page.
    evidence = page.locator("#evidence-table")
    await expect(evidence).to_contain_text(sha256)
    await evidence.get_by_role("button", name="查看 iou.png").click()
    await expect(page.get_by_role("img", name="欠条照片")).to_be_visible()
    assert await page.get_by_role("img", name="欠条照片").evaluate("i => i.naturalWidth") == 40

    # A hearing in two days at 09:30 in the viewer's zone (Asia/Shanghai).
    tomorrow = date.today() + timedelta(days=2)
    form = page.locator("#schedule-form")
    await expect(form).to_contain_text(ZONE)
    await form.get_by_label("开始时间").fill(f"{tomorrow.isoformat()}T09:30")
    await form.get_by_label("时长（分钟）").fill("45")
    await form.get_by_label("标题").fill("第一次调解")
    await form.get_by_role("button", name="安排庭审").click()
    hearings = page.locator("#case-hearings")
    await expect(hearings).to_contain_text("第一次调解")
    await expect(hearings).to_contain_text("09:30")
    await expect(
        hearings.get_by_role("link", name=re.compile("^进入庭审（主持）："))
    ).to_have_attribute("href", "/hearing?id=1")

    # The settlement: one clause with an amount, payer and payee, and free text.
    draft = page.locator("#draft-form")
    clause = draft.locator("li.clause").first
    await clause.get_by_label("条款内容").fill("被申请人结清拖欠的工资。")
    await clause.get_by_label("金额").fill("12000")
    await clause.get_by_label("付款方").select_option("respondent")
    await clause.get_by_label("收款方").select_option("applicant")
    await clause.get_by_label("期限").fill(f"{(date.today() + timedelta(days=30)).isoformat()}")
    await draft.get_by_label("其他约定").fill("双方再无其他争议。")
    await page_checks.axe(page, "console draft")
    await draft.get_by_role("button", name="生成协议草稿").click()
    version = page.locator("#settlement-view article.version").first
    await expect(version).to_contain_text("第 1 版 · 草稿，等待签名", timeout=30_000)
    await expect(version).to_contain_text("被申请人结清拖欠的工资。")
    await expect(version).to_contain_text("12,000.00")
    await expect(version).to_contain_text("申请人：尚未签名")
    await expect(version.locator("code")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    await expect(page.locator("#case-history")).to_contain_text("起草调解协议")
    await shoot(page, "console-04-settlement")

    # The calendar shows the hearing, in the viewer's zone.
    await page.get_by_role("link", name="庭审日程").click()
    calendar = page.locator("#calendar-days")
    await expect(calendar).to_contain_text(filed["number"])
    await expect(calendar).to_contain_text("09:30")
    await expect(page.locator("#calendar-zone")).to_contain_text(ZONE)
    await page_checks.axe(page, "console calendar")
    await shoot(page, "console-05-calendar")


async def test_signatures_are_followed_and_the_judge_confirms(
    browser: Browser, live: Any, page_checks: Any, shoot: Any
) -> None:
    users = {u["role"]: u for u in live.seeded["users"]}
    # Through the API: a case in mediation with a draft both parties have signed.
    filed = await with_a_draft(browser, live)
    for who in ("applicant", "respondent"):
        await sign_draft(browser, live, filed, who)

    # The mediator follows the signatures in the console and signs last.
    page = await _open(browser, live, page_checks)
    await page.get_by_label("用户名").fill(users["mediator"]["username"])
    await page.get_by_label("密码").fill(users["mediator"]["password"])
    await page.get_by_role("button", name="登录").click()
    await page.get_by_role("link", name=filed["number"]).click()
    article = page.locator("#settlement-view article.version").first
    await expect(article).to_contain_text("申请人：小燕 已于")
    await expect(article).to_contain_text("调解员：尚未签名")
    sign = article.get_by_role("button", name="调解员签名")
    await sign.click()  # not ticked yet: refused on the page, nothing sent
    await expect(page.get_by_role("alert")).to_contain_text("请先勾选")
    await article.get_by_label("我已阅读协议全文并签名").check()
    await sign.click()
    await expect(article).to_contain_text("已生效", timeout=30_000)
    await expect(page.get_by_role("heading", level=2)).to_contain_text("已达成协议")
    await page.get_by_role("button", name="申请司法确认").click()
    await expect(page.get_by_role("heading", level=2)).to_contain_text("已申请司法确认")
    await shoot(page, "console-06-signed")
    await page.get_by_role("button", name="退出").click()

    # The judge confirms.
    await page.get_by_label("用户名").fill(users["judge"]["username"])
    await page.get_by_label("密码").fill(users["judge"]["password"])
    await page.get_by_role("button", name="登录").click()
    await page.get_by_role("link", name=filed["number"]).click()
    ruling = page.locator("#ruling-form")
    await expect(ruling).to_be_visible()
    await ruling.get_by_label("确认有效").check()
    await ruling.get_by_label("理由").fill("协议内容合法，双方自愿。")
    await page_checks.axe(page, "console ruling")
    await ruling.get_by_role("button", name="作出裁定").click()
    await expect(page.get_by_role("heading", level=2)).to_contain_text("已司法确认", timeout=30_000)
    await expect(page.locator("#settlement-view")).to_contain_text("已确认有效")
    await expect(page.get_by_role("button", name="下载裁定书（PDF）")).to_be_visible()
    await shoot(page, "console-07-confirmed")


async def test_a_clause_the_server_refuses_is_named_in_words_and_focused(
    browser: Browser, live: Any, page_checks: Any
) -> None:
    users = {u["role"]: u for u in live.seeded["users"]}
    filed = await in_mediation(browser, live)
    page = await _open(browser, live, page_checks)
    page_checks.allow(r"422 \(Unprocessable Entity\).*/settlement/versions")  # refused drafts
    await page.get_by_label("用户名").fill(users["mediator"]["username"])
    await page.get_by_label("密码").fill(users["mediator"]["password"])
    await page.get_by_role("button", name="登录").click()
    await page.get_by_role("link", name=filed["number"]).click()
    draft = page.locator("#draft-form")
    clause = draft.locator("li.clause").first
    await clause.get_by_label("条款内容").fill("被申请人支付拖欠的工资。")
    await clause.get_by_label("金额").fill("500")
    await draft.get_by_role("button", name="生成协议草稿").click()  # an amount, nobody to pay it
    alert = page.get_by_role("alert")
    await expect(alert).to_have_text("第 1 条：写了金额，就要选付款方和收款方，而且两方不能相同。")
    await expect(clause.get_by_label("付款方")).to_be_focused()
    await clause.get_by_label("付款方").select_option("respondent")
    await clause.get_by_label("收款方").select_option("respondent")
    await draft.get_by_role("button", name="生成协议草稿").click()
    await expect(alert).to_contain_text("第 1 条：")
    await expect(alert).not_to_contain_text("clauses")
    await clause.get_by_label("收款方").select_option("applicant")
    await draft.get_by_role("button", name="生成协议草稿").click()
    version = page.locator("#settlement-view article.version").first
    await expect(version).to_contain_text("被申请人支付拖欠的工资。", timeout=30_000)
    await expect(alert).to_be_hidden()
    page_checks.assert_clean()

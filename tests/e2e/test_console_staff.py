"""Staff by name in the console (/console), in a real browser: the clerk assigns and reassigns a
case choosing mediators by name (those of the case's micro-court first), the queue, the case and
its history name people instead of numbers; a judge rejects a settlement's confirmation, giving
the reasons the page asks for, and the party page shows the decision and its reasons."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from arrange import awaiting_a_ruling, post
from playwright.async_api import Browser, Page, expect
from support import filing

from odr.domain.actors import Role
from odr.services import courts
from odr.services.startup import opened_store

pytestmark = pytest.mark.slow


def _second_mediator(live: Any) -> None:
    """Another mediator of the demo micro-court, and one of the court without a micro-court."""
    with opened_store(live.settings) as (db, key):

        def create(session: Any) -> None:
            hasher = courts.password_hasher(live.settings)
            court, micro = live.seeded["court_id"], live.seeded["microcourt_id"]
            courts.add_user(
                session, key, hasher, "zhao", "a-long-password", Role.MEDIATOR, court,
                "调解员 赵敏", (micro,),
            )  # fmt: skip
            courts.add_user(
                session, key, hasher, "qian", "a-long-password", Role.MEDIATOR, court,
                "调解员 钱进",
            )  # fmt: skip

        db.write_sync(create)


async def _console(browser: Browser, live: Any, checks: Any, role: str, hash: str = "") -> Page:
    context = await browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1200, "height": 900}
    )
    page: Page = checks.watch(await context.new_page())
    checks.allow(r"401 \(Unauthorized\).*/api/me")  # the session check before logging in
    await page.goto(live.url(f"/console{hash}"))
    user = next(u for u in live.seeded["users"] if u["role"] == role)
    await page.get_by_label("用户名").fill(user["username"])
    await page.get_by_label("密码").fill(user["password"])
    await page.get_by_role("button", name="登录").click()
    return page


async def test_mediators_are_chosen_and_shown_by_name(
    browser: Browser, live: Any, page_checks: Any, shoot: Any, tab_to: Any
) -> None:
    _second_mediator(live)
    villager = await browser.new_context()
    filed = await post(villager, live, "/api/cases", **filing(live.seeded["intake_code"]))
    await villager.close()
    page = await _console(browser, live, page_checks, "clerk")
    row = page.get_by_role("row", name=filed["number"])
    await expect(row).to_contain_text("未分配")
    await row.get_by_role("link", name=filed["number"]).click()
    heading = page.get_by_role("heading", level=2)
    await expect(heading).to_contain_text("已申请")

    picker = page.get_by_role("combobox", name="调解员")
    here = picker.locator("optgroup[label='本微法庭的调解员'] option")
    await expect(here).to_have_text(["调解员 李建国", "调解员 赵敏"])
    await expect(picker.locator("optgroup[label='本院其他调解员'] option")).to_have_text(
        ["调解员 钱进"]
    )
    await picker.focus()  # chosen by keyboard: the arrows move through the names
    await page.keyboard.press("ArrowDown")
    await page.keyboard.press("ArrowDown")
    await expect(picker.locator("option:checked")).to_have_text("调解员 赵敏")
    await tab_to(page, "指派调解员")
    await page.keyboard.press("Enter")
    await expect(heading).to_contain_text("已受理")
    summary = page.locator("#case-summary")
    await expect(summary).to_contain_text("调解员 赵敏")
    await expect(page.locator("#case-history")).to_contain_text(
        "状态变更 已申请 → 已受理 （书记员 王芳）"
    )
    await expect(page.locator("#case-history")).to_contain_text("提交申请 （小燕（申请人））")
    await page_checks.axe(page, "console assignment by name")
    await shoot(page, "console-staff-01-assigned")

    # Reassigned: the current mediator is not offered again.
    await expect(picker.locator("option", has_text="赵敏")).to_have_count(0)
    await picker.select_option(label="调解员 李建国")
    await page.get_by_role("button", name="指派调解员").click()
    await expect(page.get_by_role("status")).to_have_text("已指派调解员：调解员 李建国。")
    await expect(summary).to_contain_text("调解员 李建国")
    await expect(page.locator("#case-history")).to_contain_text("指派调解员 （书记员 王芳）")
    await page.get_by_role("link", name="返回案件列表").click()
    await expect(page.get_by_role("row", name=filed["number"])).to_contain_text("调解员 李建国")
    await page.get_by_role("button", name="退出").click()

    # The mediator sees the case as theirs, by name.
    mediator = next(u for u in live.seeded["users"] if u["role"] == "mediator")
    await page.get_by_label("用户名").fill(mediator["username"])
    await page.get_by_label("密码").fill(mediator["password"])
    await page.get_by_role("button", name="登录").click()
    await expect(page.get_by_role("row", name=filed["number"])).to_contain_text(
        "调解员 李建国（您）"
    )
    page_checks.assert_clean()


async def test_the_judge_rejects_the_confirmation_with_reasons(
    browser: Browser, live: Any, page_checks: Any, shoot: Any, tab_to: Any
) -> None:
    filed = await awaiting_a_ruling(browser, live, "被申请人按年息百分之三十六支付利息。")
    page = await _console(browser, live, page_checks, "judge", f"#case={filed['case_id']}")
    heading = page.get_by_role("heading", level=2)
    await expect(heading).to_contain_text("已申请司法确认")
    ruling = page.get_by_role("group", name="司法确认")
    await ruling.get_by_label("不予确认").check()
    await ruling.get_by_role("button", name="作出裁定").click()  # no reasons yet: refused here
    await expect(page.get_by_role("alert")).to_have_text("不予确认时，请写明理由。")
    await expect(ruling.get_by_label("理由")).to_be_focused()
    await page.keyboard.type("约定的利息超过法律保护的上限，协议内容违反法律规定。")
    await tab_to(page, "作出裁定")
    await page.keyboard.press("Enter")
    await expect(heading).to_contain_text("司法确认被驳回", timeout=30_000)
    await expect(page.get_by_role("alert")).to_be_hidden()  # the reminder is settled
    view = page.locator("#settlement-view")
    await expect(view.locator("#confirmation-status")).to_contain_text("司法确认：不予确认")
    await expect(view.locator("#ruling-reason")).to_have_text(
        "理由：约定的利息超过法律保护的上限，协议内容违反法律规定。"
    )
    await expect(page.locator("#ruling-form")).to_be_hidden()
    await expect(page.locator("#case-history")).to_contain_text("（法官 陶洁）")
    async with page.expect_download() as waiting:
        await page.get_by_role("button", name="下载裁定书（PDF）").click()
    pdf = await (await waiting.value).path()
    assert (await asyncio.to_thread(pdf.read_bytes)).startswith(b"%PDF")
    await page_checks.axe(page, "console ruling rejected")
    await shoot(page, "console-staff-02-rejected")

    # The applicant reads the decision and its reasons on the party page.
    party: Page = page_checks.watch(
        await (await browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")).new_page()
    )
    await party.goto(live.url(f"/party#code={filed['applicant']['code']}"))
    await expect(party.locator("#confirmation-status")).to_have_text(
        "法院裁定不予确认，请联系调解员。"
    )
    await expect(party.locator("#ruling-reason")).to_have_text(
        "理由：约定的利息超过法律保护的上限，协议内容违反法律规定。"
    )
    page_checks.assert_clean()

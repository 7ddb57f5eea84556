"""The invitations' links, followed in a real browser: staff go from their .ics straight to the
hearing (/hearing?id=N), not to the old index page, and those without a session log in from
there and come back to it; a party's link (/party?hearing=N) asks for
the code and then offers that very hearing, with the focus on joining it; a code of another case
is told that the invitation is not its own."""

from __future__ import annotations

import re
from typing import Any

import pytest
from icalendar import Calendar
from playwright.async_api import Browser, BrowserContext, expect
from support import filing

pytestmark = pytest.mark.slow


async def _ics_url(context: BrowserContext, live: Any, hearing_id: int) -> str:
    response = await context.request.get(live.url(f"/api/hearings/{hearing_id}/invitation.ics"))
    assert response.ok, await response.text()
    event = Calendar.from_ical(await response.body()).walk("VEVENT")[0]
    return str(event["url"])


async def test_staff_follow_their_invitation_straight_to_the_hearing(
    browser: Browser, live: Any, demo_hearing: dict[str, Any], page_checks: Any
) -> None:
    hearing_id = demo_hearing["id"]
    context = await browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    mediator = next(u for u in live.seeded["users"] if u["role"] == "mediator")
    login = {k: mediator[k] for k in ("username", "password")}
    assert (await context.request.post(live.url("/api/login"), data=login)).ok
    url = await _ics_url(context, live, hearing_id)
    assert url == live.url(f"/hearing?id={hearing_id}")
    page = page_checks.watch(await context.new_page())
    await page.goto(url)
    await expect(page.get_by_role("heading", name="主持")).to_be_visible(timeout=20_000)
    await expect(page.locator("#hearing-title")).to_contain_text(demo_hearing["number"])
    page_checks.assert_clean()


async def test_staff_without_a_session_log_in_and_come_back_to_the_hearing(
    browser: Browser, live: Any, demo_hearing: dict[str, Any], page_checks: Any
) -> None:
    hearing_id = demo_hearing["id"]
    context = await browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    page = page_checks.watch(await context.new_page())
    page_checks.allow(r"401 \(Unauthorized\).*/api/me")  # no session yet
    await page.goto(live.url(f"/hearing?id={hearing_id}"))
    await page.get_by_role("link", name="工作人员工作台").click()
    await expect(page).to_have_url(live.url(f"/console#hearing={hearing_id}"))
    mediator = next(u for u in live.seeded["users"] if u["role"] == "mediator")
    await page.get_by_label("用户名").fill(mediator["username"])
    await page.get_by_label("密码").fill(mediator["password"])
    await page.get_by_role("button", name="登录").click()
    await expect(page).to_have_url(live.url(f"/hearing?id={hearing_id}"))
    await expect(page.get_by_role("heading", name="主持")).to_be_visible(timeout=20_000)
    await expect(page.locator("#hearing-title")).to_contain_text(demo_hearing["number"])
    page_checks.assert_clean()


async def test_a_partys_invitation_link_offers_that_hearing_once_the_code_is_typed(
    browser: Browser,
    live: Any,
    demo_hearing: dict[str, Any],
    page_checks: Any,
    shoot: Any,
    tab_to: Any,
) -> None:
    hearing_id = demo_hearing["id"]
    code = demo_hearing["codes"]["respondent"]
    reader = await browser.new_context()
    assert (await reader.request.post(live.url("/api/session"), data={"code": code})).ok
    url = await _ics_url(reader, live, hearing_id)
    await reader.close()
    assert url == live.url(f"/party?hearing={hearing_id}")

    # The respondent (Rome, English) follows the link from the invitation: no code in it.
    context = await browser.new_context(locale="en-GB", timezone_id="Europe/Rome")
    page = page_checks.watch(await context.new_page())
    await page.goto(url)
    hint = page.locator("#invited-hint")
    await expect(hint).to_have_text(
        "You are invited to a hearing. Enter the personal code from your slip or invitation "
        "to join it."
    )
    await page_checks.axe(page, "party page from an invitation")
    await tab_to(page, "Personal code")
    await page.keyboard.type(code)
    await page.keyboard.press("Enter")
    join = page.get_by_role("link", name="Join the hearing")
    await expect(join).to_be_focused()  # Enter again and they are in
    await expect(join).to_have_attribute("href", f"/hearing?id={hearing_id}")
    await expect(page.locator("#hearing-box")).to_contain_text(
        "This is the hearing of your invitation."
    )
    await expect(page.locator("#hearing-time")).to_contain_text("(Europe/Rome)")
    await shoot(page, "party-invited-hearing-en")
    page_checks.assert_clean()

    # A code of another case: the invitation is not its own; its own case is shown.
    villager = await browser.new_context()
    response = await villager.request.post(
        live.url("/api/cases"), data=filing(live.seeded["intake_code"])
    )
    other = await response.json()
    await villager.close()
    stranger = page_checks.watch(
        await (await browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")).new_page()
    )
    await stranger.goto(url)
    await stranger.get_by_role("textbox", name="个人码").fill(other["applicant"]["code"])
    await stranger.get_by_role("button", name="查看").click()
    await expect(stranger.locator("#case-number")).to_have_text(other["number"])
    await expect(stranger.get_by_role("alert")).to_have_text(
        "邀请里的调解会不属于这个个人码的案件。下面是您的案件。"
    )
    await expect(stranger.locator("#join")).to_have_count(0)
    await expect(stranger.locator("#hearing-box")).to_have_text(re.compile("还没有"))
    page_checks.assert_clean()

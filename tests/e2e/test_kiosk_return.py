"""A hearing joined at the village terminal comes back to the terminal with the villager's
session ended: when the host closes the hearing, when the villager leaves, and when nobody
touches the code screen of a hearing page opened from the terminal; the browser's back button
to the terminal ends it too. "Join again" is never offered there: the next villager must not
walk into the last one's hearing. Outside the terminal the hearing page is as it was."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import Browser, Page, Request, expect

from signaling.probe import Probe

pytestmark = pytest.mark.slow

KIOSK = re.compile(r"/kiosk\?idle=600$")


async def _join_from_kiosk(
    browser: Browser, live: Any, checks: Any, hearing: dict[str, Any]
) -> tuple[Page, list[Request]]:
    """A villager at the terminal opens the case with the code and joins its hearing; returns
    the page (in the lobby) and the requests it makes from then on."""
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1024, "height": 900})
    page: Page = checks.watch(await context.new_page())
    await page.goto(live.url(f"/kiosk?intake={live.seeded['intake_code']}&idle=600"))
    await expect(page.locator("body[data-ready=true]")).to_be_attached()
    await page.get_by_role("button", name="我有个人码").click()
    await page.get_by_label("个人码", exact=True).fill(hearing["codes"]["applicant"])
    await page.get_by_role("button", name="查看").click()
    await expect(page.locator("#track-number")).to_have_text(hearing["number"])
    await page.get_by_role("button", name="参加调解").click()
    verdict = page.locator("#check-verdict")
    await expect(verdict).to_have_attribute("data-result", re.compile("ok|weak"), timeout=15000)
    await page.get_by_role("button", name="进入调解").click()
    await page.wait_for_url(re.compile(rf"/hearing\?id={hearing['id']}&kiosk=1&idle=600$"))
    await expect(page.get_by_role("heading", name="请稍候")).to_be_visible(timeout=20_000)
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))
    return page, requests


async def _ended_by_the_hearing_page(page: Page, live: Any, requests: list[Request]) -> None:
    """Back at the terminal's start, whose intake code is remembered; the hearing page ended
    the session (POST /api/logout) before it went there; no session is left."""
    await page.wait_for_url(KIOSK, timeout=30_000)
    await expect(page.locator("body[data-ready=true]")).to_be_attached()
    await expect(page.get_by_role("heading", name="您要办什么？")).to_be_visible()
    await expect(page.locator("#place")).to_have_text(live.seeded["microcourt"])
    urls = [(r.method, r.url.removeprefix(live.base_url)) for r in requests]
    logout = urls.index(("POST", "/api/logout"))
    assert logout < urls.index(("GET", "/kiosk?idle=600")), urls
    response = await requests[logout].response()
    assert response is not None and response.ok
    assert (await page.request.get(live.url("/api/me"))).status == 401


async def test_the_hearing_closes_and_the_terminal_is_back_logged_out(
    browser: Browser, live: Any, demo_hearing: dict[str, Any], page_checks: Any, shoot: Any
) -> None:
    page, requests = await _join_from_kiosk(browser, live, page_checks, demo_hearing)
    await expect(page.get_by_role("button", name="离开")).to_be_visible()

    # The mediator closes the hearing (a probe: the signaling client the tests use as a host).
    mediator = next(u for u in live.seeded["users"] if u["role"] == "mediator")
    host = Probe(live.base_url, demo_hearing["id"], media=False)
    await host.login_user(mediator["username"], mediator["password"])
    try:
        await host.connect()
        assert (await host.emit("close"))["ok"]
        await expect(page.locator("#ended-text")).to_have_text("调解已结束。")
    finally:
        await host.close()
    # No "join again" for the next villager: back to the start, now or after a short while.
    await expect(page.get_by_role("button", name="重新进入")).to_be_hidden()
    await expect(page.get_by_role("button", name="回到首页")).to_be_visible()
    await expect(page.locator("#kiosk-return-note")).to_contain_text("秒后回到首页")
    await page_checks.axe(page, "hearing ended at the kiosk")
    await shoot(page, "kiosk-12-hearing-closed")
    await _ended_by_the_hearing_page(page, live, requests)
    page_checks.assert_clean()


async def test_leaving_the_hearing_goes_back_to_the_terminal_logged_out(
    browser: Browser, live: Any, demo_hearing: dict[str, Any], page_checks: Any
) -> None:
    page, requests = await _join_from_kiosk(browser, live, page_checks, demo_hearing)
    await page.get_by_role("button", name="离开").click()
    await _ended_by_the_hearing_page(page, live, requests)
    page_checks.assert_clean()


async def test_back_from_the_hearing_the_terminal_ends_the_session(
    browser: Browser, live: Any, demo_hearing: dict[str, Any], page_checks: Any
) -> None:
    page, _ = await _join_from_kiosk(browser, live, page_checks, demo_hearing)
    # The browser's back button: the terminal's page is reloaded (it does not know the session's
    # token, so its first logout is refused) or restored as it was left; either way it resets.
    page_checks.allow(r"403 \(Forbidden\).*/api/logout")
    await page.go_back()
    await page.wait_for_url(KIOSK)
    await expect(page.locator("body[data-ready=true]")).to_be_attached()
    await expect(page.get_by_role("heading", name="您要办什么？")).to_be_visible()
    await expect(page.locator("#track-number")).to_be_empty()
    assert (await page.request.get(live.url("/api/me"))).status == 401
    page_checks.assert_clean()


async def test_an_idle_hearing_page_opened_at_the_terminal_goes_back(
    browser: Browser, live: Any, demo_hearing: dict[str, Any], page_checks: Any
) -> None:
    # No session (it ended, or the page was opened by hand): the code screen, and nobody there.
    page_checks.allow(r"401 \(Unauthorized\).*/api/me")
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1024, "height": 900})
    page: Page = page_checks.watch(await context.new_page())
    await page.goto(live.url(f"/hearing?id={demo_hearing['id']}&kiosk=1&idle=5"))
    await expect(page.get_by_role("heading", name="进入调解")).to_be_visible()
    await expect(page.get_by_role("button", name="回到首页")).to_be_visible()
    await expect(page.locator("#kiosk-return-note")).to_contain_text("秒后回到首页")
    await page_checks.axe(page, "hearing code screen at the kiosk")
    await page.wait_for_url(re.compile(r"/kiosk\?idle=5$"), timeout=15_000)
    await expect(page.get_by_role("heading", name="您要办什么？")).to_be_visible()
    page_checks.assert_clean()


async def test_the_hearing_page_outside_the_terminal_is_unchanged(
    browser: Browser, live: Any, demo_hearing: dict[str, Any], page_checks: Any
) -> None:
    page_checks.allow(r"401 \(Unauthorized\).*/api/me")
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1024, "height": 900})
    page: Page = page_checks.watch(await context.new_page())
    await page.goto(live.url(f"/hearing?id={demo_hearing['id']}"))
    await expect(page.get_by_role("heading", name="进入调解")).to_be_visible()
    await page.get_by_label("个人码").fill(demo_hearing["codes"]["applicant"])
    await page.get_by_role("button", name="进入", exact=True).click()
    await expect(page.get_by_role("heading", name="请稍候")).to_be_visible(timeout=20_000)
    await page.get_by_role("button", name="离开").click()
    await expect(page.get_by_role("button", name="重新进入")).to_be_visible()
    await expect(page.get_by_role("button", name="回到首页")).to_have_count(0)
    assert (await page.request.get(live.url("/api/me"))).status == 200  # a phone keeps it
    page_checks.assert_clean()

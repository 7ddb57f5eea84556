"""The people of the browser tests: a context each (language, time zone, a desk-sized window),
the mediator opening the hearing from the console, a party joining a hearing with a personal
code, and the photo a villager uploads."""

from __future__ import annotations

import io
import re
from typing import Any

from PIL import Image
from playwright.async_api import Browser, BrowserContext, Page, expect

HOME = ("zh-CN", "Asia/Shanghai")
ABROAD = ("en-GB", "Europe/Rome")


async def desk(browser: Browser, locale: str, zone: str) -> BrowserContext:
    """A browser context in ``locale`` and time ``zone``, with a desk-sized window."""
    return await browser.new_context(
        locale=locale, timezone_id=zone, viewport={"width": 1100, "height": 900}
    )


async def person(browser: Browser, checks: Any, english: bool) -> Page:
    """A page of a new context at home (Chinese) or abroad (English), its console watched."""
    page: Page = checks.watch(
        await (await desk(browser, *(ABROAD if english else HOME))).new_page()
    )
    return page


async def host_from_console(browser: Browser, live: Any, checks: Any) -> Page:
    """The demo mediator logs in to the console (Chinese) and opens the hearing it hosts from
    the calendar."""
    mediator = next(u for u in live.seeded["users"] if u["role"] == "mediator")
    host: Page = checks.watch(await (await desk(browser, *HOME)).new_page())
    await host.goto(live.url("/console#calendar"))
    await host.get_by_label("用户名").fill(mediator["username"])
    await host.get_by_label("密码").fill(mediator["password"])
    await host.get_by_role("button", name="登录").click()
    await host.get_by_role("link", name="庭审日程").click()
    await host.get_by_role("link", name=re.compile("^进入庭审（主持）：")).first.click()
    await expect(host.get_by_role("heading", name="主持")).to_be_visible(timeout=20_000)
    return host


async def join_with_code(
    browser: Browser,
    live: Any,
    checks: Any,
    hearing_id: int,
    code: str,
    english: bool,
    init_script: str = "",
) -> Page:
    """A party opens the hearing with a personal code and waits in the lobby (``init_script``
    runs in the page before the hearing's own scripts)."""
    page = await person(browser, checks, english)
    if init_script:
        await page.add_init_script(init_script)
    await page.goto(live.url(f"/hearing?id={hearing_id}"))
    await page.get_by_label("Personal code" if english else "个人码").fill(code)
    await page.get_by_role("button", name="Join" if english else "进入").click()
    lobby = "Please wait" if english else "请稍候"
    await expect(page.get_by_role("heading", name=lobby)).to_be_visible(timeout=20_000)
    return page


def wall_photo() -> bytes:
    """A small JPEG, as the photo of evidence a villager takes."""
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 40, 30)).save(out, "JPEG")
    return out.getvalue()

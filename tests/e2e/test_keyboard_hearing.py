"""The hearing view (/hearing?id=N) by keyboard alone: the parties type their personal codes on
the code-entry screen; the mediator, from the console's calendar, admits both from the lobby
(the focus moving on to the next one waiting), opens a private talk with the applicant (the
box ticked with Space) and brings her back; the respondent leaves and joins again from the
ended screen. The media and the other controls: test_hearing_view.py."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from keys import focused_name
from people import person
from playwright.async_api import Browser, Page, expect

pytestmark = pytest.mark.slow

ADMIT = re.compile(r"^请 .+ 进入$")


async def _enter_with_code(
    page: Page, live: Any, hearing_id: int, code: str, checks: Any, shoot: Any, tab_to: Any
) -> None:
    """Open the hearing without a session: the code-entry screen, typed into by keyboard."""
    english = not (await page.evaluate("navigator.language")).startswith("zh")
    await page.goto(live.url(f"/hearing?id={hearing_id}"))
    lang = "en" if english else "zh-CN"
    await expect(
        page.get_by_role("main", name="Join the mediation" if english else "进入调解")
    ).to_be_visible()
    await checks.axe(page, f"hearing code entry ({lang})")
    await shoot(page, f"keyboard-hearing-01-code-entry-{lang}")
    await tab_to(page, "Personal code" if english else "个人码")
    await page.keyboard.type(code)
    await page.keyboard.press("Enter")
    lobby = "Please wait" if english else "请稍候"
    await expect(page.get_by_role("heading", name=lobby)).to_be_visible(timeout=20_000)


async def test_the_host_admits_and_holds_a_private_talk_by_keyboard(
    browser: Browser,
    live: Any,
    demo_hearing: dict[str, Any],
    page_checks: Any,
    shoot: Any,
    tab_to: Any,
) -> None:
    hearing_id = demo_hearing["id"]
    page_checks.allow(r"401 \(Unauthorized\).*/api/me")  # nobody has a session at first

    # The mediator logs in to the console and opens the hearing from the calendar.
    host = await person(browser, page_checks, english=False)
    await host.goto(live.url("/console#calendar"))
    mediator = next(u for u in live.seeded["users"] if u["role"] == "mediator")
    await tab_to(host, "用户名")
    await host.keyboard.type(mediator["username"])
    await host.keyboard.press("Tab")
    await host.keyboard.type(mediator["password"])
    await host.keyboard.press("Enter")
    link = host.get_by_role("link", name=re.compile("^进入庭审（主持）：")).first
    await tab_to(host, await link.get_attribute("aria-label"))
    await host.keyboard.press("Enter")
    await expect(host.get_by_role("heading", name="主持")).to_be_visible(timeout=20_000)

    applicant = await person(browser, page_checks, english=False)
    respondent = await person(browser, page_checks, english=True)
    codes = demo_hearing["codes"]
    await asyncio.gather(
        _enter_with_code(
            applicant, live, hearing_id, codes["applicant"], page_checks, shoot, tab_to
        ),
        _enter_with_code(
            respondent, live, hearing_id, codes["respondent"], page_checks, shoot, tab_to
        ),
    )

    # Both wait; Enter admits the first, the focus moves to the next one waiting, Enter again.
    lobby = host.locator("#lobby-list")
    admit = lobby.get_by_role("button", name=ADMIT)
    await expect(admit).to_have_count(2, timeout=20_000)
    await page_checks.axe(host, "hearing host lobby (keyboard)")
    await shoot(host, "keyboard-hearing-02-host-lobby")
    await tab_to(host, await admit.first.get_attribute("aria-label"))
    await host.keyboard.press("Enter")
    await expect(admit).to_have_count(1)
    await expect(admit).to_be_focused()
    await host.keyboard.press("Enter")
    await expect(lobby).to_have_text("没有人在等候。")
    await expect(host.get_by_role("heading", name="等候室")).to_be_focused()
    await expect(applicant.get_by_role("heading", name="请稍候")).to_be_hidden()
    await expect(respondent.get_by_role("heading", name="Please wait")).to_be_hidden()
    await expect(respondent.get_by_role("status").first).to_have_text(
        "You are now in the hearing room."
    )

    # A private talk with the applicant: ticked with Space, opened with Enter.
    applicant_name = (await applicant.locator("#self-name").inner_text()).strip()
    respondent_name = (await respondent.locator("#self-name").inner_text()).strip()
    await tab_to(host, f"选 {applicant_name} 单独谈话")
    await host.keyboard.press("Space")
    await expect(host.get_by_label(f"选 {applicant_name} 单独谈话")).to_be_checked()
    await tab_to(host, "与选中的人单独谈话")
    await host.keyboard.press("Enter")
    note = applicant.locator("#private-note")
    await expect(note).to_be_visible()
    await expect(respondent.locator("#people-list")).to_contain_text("in a private room")
    back = host.locator("#private-list").get_by_role("button")
    await expect(back).to_have_attribute("aria-label", re.compile(re.escape(applicant_name)))
    await page_checks.axe(host, "hearing host private talk (keyboard)")
    await shoot(host, "keyboard-hearing-03-host-private")
    await page_checks.axe(applicant, "hearing private talk (keyboard)")
    await shoot(applicant, "keyboard-hearing-04-private")

    # Back to the hearing room, by keyboard again.
    await tab_to(host, await back.get_attribute("aria-label"))
    await host.keyboard.press("Enter")
    await expect(note).to_be_hidden()
    await expect(host.locator("#private-list")).to_have_text("没有单独谈话。")
    await expect(respondent.locator("#people-list")).not_to_contain_text("in a private room")

    # The respondent leaves: the ended screen has the focus; it joins again from there.
    await tab_to(respondent, "Leave")
    await respondent.keyboard.press("Enter")
    ended = respondent.get_by_role("main", name="You have left the mediation")
    await expect(ended).to_be_visible()
    await expect(
        respondent.get_by_role("heading", name="You have left the mediation")
    ).to_be_focused()
    await expect(respondent.locator("#ended-text")).to_have_text("You left the mediation.")
    await page_checks.axe(respondent, "hearing ended (keyboard)")
    await shoot(respondent, "keyboard-hearing-05-ended-en")
    await respondent.keyboard.press("Tab")
    assert await focused_name(respondent) == "Join again"
    await respondent.keyboard.press("Enter")  # admitted before: straight back to the room
    await expect(respondent.get_by_role("region", name="Controls")).to_be_visible()
    await expect(respondent.locator("#people-list")).to_contain_text(f"{respondent_name} (you)")
    await expect(respondent.get_by_role("heading", name="Please wait")).to_be_hidden()
    await expect(lobby).to_have_text("没有人在等候。")
    page_checks.assert_clean()
    for context in browser.contexts:  # hang up first: the server then stops at once
        await context.close()

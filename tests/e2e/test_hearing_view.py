"""The hearing view (/hearing?id=N) in a real browser, against the real media hub: the mediator
opens the demo hearing from the console; the applicant (Chinese) and the respondent (English,
Europe/Rome) join with their personal codes from separate browser contexts and wait in the
lobby; the mediator admits them, and everyone sees the others' video playing (frames
advancing); the mediator starts and records, mutes the respondent (the tiles show it) and holds
a caucus with the applicant, then brings her back."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from people import host_from_console, join_with_code
from playwright.async_api import Browser, Page, expect

pytestmark = pytest.mark.slow

# Collects every sending rate the host's participant list shows for a party (not staff).
RATES_SEEN_JS = """() => { window.ratesSeen = [];
    new MutationObserver(() => { for (const li of document.querySelectorAll('#people-list > li')) {
        const rate = /(\\d+(?:\\.\\d+)?) kb\\/s/.exec(li.textContent);
        if (rate && /申请人/.test(li.textContent)) window.ratesSeen.push(Number(rate[1])); } })
    .observe(document.querySelector('#people-list'),
             { childList: true, subtree: true, characterData: true }); }"""

PLAYING_JS = """() => [...document.querySelectorAll('#tiles li[data-mid]:not([hidden]) video')]
    .map(v => ({ who: v.closest('li').dataset.participant, t: v.currentTime,
                 w: v.videoWidth, ready: v.readyState }))"""


async def _frames_advance(page: Page, count: int) -> list[str]:
    """Wait until ``count`` remote tiles play, then check each one's frames advance."""
    for _ in range(100):
        first = await page.evaluate(PLAYING_JS)
        if len(first) == count and all(v["ready"] >= 2 and v["w"] > 0 for v in first):
            break
        await asyncio.sleep(0.3)
    else:
        raise AssertionError(f"{page.url}: remote videos never played: {first}")
    await asyncio.sleep(1.5)
    second = {v["who"]: v["t"] for v in await page.evaluate(PLAYING_JS)}
    for video in first:
        assert second[video["who"]] > video["t"] + 0.3, (page.url, first, second)
    return sorted(v["who"] for v in first)


async def test_three_parties_see_each_other_and_the_mediator_admits_mutes_and_holds_a_caucus(
    browser: Browser,
    live: Any,
    demo_hearing: dict[str, Any],
    page_checks: Any,
    shoot: Any,
    tab_to: Any,
) -> None:
    hearing_id = demo_hearing["id"]
    page_checks.allow(r"401 \(Unauthorized\).*/api/me")  # parties have no session yet

    # The mediator logs in to the console and opens the hearing from the calendar.
    host = await host_from_console(browser, live, page_checks)

    applicant = await join_with_code(
        browser, live, page_checks, hearing_id, demo_hearing["codes"]["applicant"], False
    )
    respondent = await join_with_code(
        browser, live, page_checks, hearing_id, demo_hearing["codes"]["respondent"], True
    )
    await page_checks.axe(respondent, "hearing lobby (en)")
    await shoot(respondent, "hearing-01-lobby-en")

    # Every link quality the host is shown, from now on (a first sample once read 0 kb/s).
    await host.evaluate(RATES_SEEN_JS)

    # Both wait in the lobby; the mediator admits them.
    lobby = host.locator("#lobby-list")
    admit = lobby.get_by_role("button", name=re.compile("^请 .+ 进入$"))
    await expect(admit).to_have_count(2, timeout=20_000)
    await page_checks.axe(host, "hearing host with lobby")
    await shoot(host, "hearing-02-host-lobby")
    await admit.first.click()
    await expect(admit).to_have_count(1)
    await admit.first.click()
    await expect(lobby).to_have_text("没有人在等候。")
    await expect(respondent.get_by_role("status").first).to_have_text(
        "You are now in the hearing room."
    )
    await expect(applicant.get_by_role("heading", name="请稍候")).to_be_hidden()

    # Everyone sees the two others' video playing.
    seen = {
        name: await _frames_advance(page, 2)
        for name, page in (("host", host), ("applicant", applicant), ("respondent", respondent))
    }
    assert len({tuple(v) for v in seen.values()}) == 3  # each sees a different pair
    # The host sees each party's link: its sending rate measured, never a first sample's 0.
    people = host.locator("#people-list > li")
    for name in ("申请人", "被申请人"):
        row = people.filter(has_text=f"（{name}）")
        await expect(row).to_contain_text(re.compile(r"网络良好.*[1-9]\d* kb/s"), timeout=15_000)
    rates = await host.evaluate("window.ratesSeen")
    assert rates and all(rate > 0 for rate in rates), rates
    # The one mixed audio track plays (a tap turns it on where the browser wants one).
    if await applicant.locator("#sound-on").is_visible():
        await applicant.locator("#sound-on").click()
    mix = applicant.locator("#mix")
    start = await mix.evaluate("a => a.paused ? -1 : a.currentTime")
    await asyncio.sleep(1)
    assert start >= 0 and await mix.evaluate("a => a.currentTime") > start + 0.5
    assert await mix.evaluate("a => a.srcObject.getAudioTracks()[0].readyState") == "live"
    applicant_tiles = applicant.locator("#tiles li[data-mid]:not([hidden]) .caption")
    await expect(applicant_tiles.filter(has_text="调解员")).to_have_count(1)
    await expect(applicant_tiles.filter(has_text="被申请人")).to_have_count(1)
    await expect(respondent.locator("#tiles")).to_contain_text("Applicant")

    # The chair starts the hearing and records; everyone sees the recording indicator.
    await host.get_by_role("button", name="开始").click()
    await expect(respondent.locator("#hearing-state")).to_have_text("In session")
    record = host.get_by_role("button", name="录音")
    await record.click()
    await expect(record).to_have_attribute("aria-pressed", "true")
    await expect(applicant.locator("#recording")).to_be_visible()
    await expect(respondent.locator("#recording")).to_contain_text("Recording")

    # The respondent is muted: its own view and the others' tiles say so.
    respondent_name = (await respondent.locator("#self-name").inner_text()).strip()
    applicant_name = (await applicant.locator("#self-name").inner_text()).strip()
    mute = host.get_by_role("button", name=f"将 {respondent_name} 静音")
    await tab_to(host, f"将 {respondent_name} 静音")  # the host's controls work by keyboard
    await host.keyboard.press("Enter")
    await expect(mute).to_have_attribute("aria-pressed", "true")
    await expect(mute).to_be_focused()  # the list was redrawn; the focus stayed
    await expect(respondent.locator("#self-flags")).to_contain_text("muted by the host")
    await expect(respondent.get_by_role("status").first).to_have_text("The host muted you.")
    muted_tile = applicant.locator("#tiles li.muted")
    await expect(muted_tile).to_have_count(1)
    await expect(muted_tile).to_contain_text(respondent_name)
    await expect(muted_tile).to_contain_text("已被静音")

    # The respondent mutes its own microphone by keyboard: the toggle announces its state.
    mic = respondent.get_by_role("button", name="Mute", exact=True)
    await tab_to(respondent, "Mute")
    await respondent.keyboard.press("Enter")
    await expect(mic).to_have_attribute("aria-pressed", "true")
    await expect(respondent.get_by_role("status").first).to_have_text(
        "Microphone off: nobody hears you."
    )

    # A caucus with the applicant; the respondent waits alone, then she is brought back.
    await host.get_by_label(f"选 {applicant_name} 单独谈话").check()
    await host.get_by_role("button", name="与选中的人单独谈话").click()
    note = applicant.locator("#private-note")
    await expect(note).to_be_visible()
    await expect(note).to_contain_text("只有")
    await expect(respondent.locator("#people-list")).to_contain_text("in a private room")
    await expect(respondent.locator("#tiles li[data-mid]:not([hidden])")).to_have_count(0)
    await expect(host.locator("#private-list")).to_contain_text(applicant_name)
    await page_checks.axe(applicant, "hearing in a caucus")
    await shoot(applicant, "hearing-03-caucus")
    await shoot(host, "hearing-04-host-caucus")

    # The chat stays within the private room.
    await applicant.get_by_label("消息").fill("我想单独说几句。")
    await applicant.keyboard.press("Enter")  # Enter sends, Shift+Enter starts a new line
    await expect(host.locator("#chat-log")).to_contain_text("我想单独说几句。")
    back = re.compile(f"^请 .*{re.escape(applicant_name)}.* 回到调解室$")
    await host.get_by_role("button", name=back).click()
    await expect(note).to_be_hidden()
    await expect(respondent.locator("#tiles li[data-mid]:not([hidden])")).to_have_count(2)
    assert "我想单独说几句" not in await respondent.locator("#chat-log").inner_text()

    # The hosts see every participant's link quality (reported every few seconds).
    await expect(host.locator("#people-list .link-quality")).to_have_count(3, timeout=15_000)
    await page_checks.axe(host, "hearing host")
    await shoot(host, "hearing-05-host")
    await shoot(respondent, "hearing-06-respondent-en")
    await record.click()
    await expect(applicant.locator("#recording")).to_be_hidden()

    # The respondent's link drops: it is told plainly, and comes back where it was.
    page_checks.allow(r"WebSocket connection to .* failed")
    await respondent.context.set_offline(True)
    banner = respondent.locator("#reconnecting")
    await expect(banner).to_have_text("The connection dropped. Reconnecting…")
    await expect(respondent.locator("#quality")).to_have_text("Connection: unknown")
    await respondent.context.set_offline(False)
    await expect(banner).to_be_hidden(timeout=20_000)
    await expect(respondent.locator("#people-list")).to_contain_text(f"{respondent_name} (you)")
    await _frames_advance(respondent, 2)

    # Sound only (a weak link): the others stop seeing the respondent; a raised hand shows.
    sound_only = respondent.get_by_role("button", name="Sound only")
    await sound_only.click()
    await expect(sound_only).to_have_attribute("aria-pressed", "true")
    await expect(applicant.locator("#tiles li[data-mid]:not([hidden])")).to_have_count(1)
    await expect(host.locator("#people-list")).to_contain_text("只用声音")
    await sound_only.click()
    await expect(applicant.locator("#tiles li[data-mid]:not([hidden])")).to_have_count(2)
    hand = applicant.get_by_role("button", name="举手")
    await hand.click()
    await expect(hand).to_have_attribute("aria-pressed", "true")
    await expect(host.locator(f"#people-list li:has-text('{applicant_name}')")).to_contain_text(
        "举手"
    )

    # Pause (only the hosts are heard) and resume; video off and on; everyone's video lowered.
    await host.get_by_role("button", name="暂停").click()
    paused = respondent.locator("#paused-note")
    await expect(paused).to_have_text("The mediation is paused: only the hosts can be heard.")
    await host.get_by_role("button", name="继续").click()
    await expect(paused).to_be_hidden()
    video_off = host.get_by_role("button", name=f"关闭 {applicant_name} 的画面")
    await video_off.click()
    await expect(video_off).to_have_attribute("aria-pressed", "true")
    await expect(respondent.locator("#tiles li[data-mid]:not([hidden])")).to_have_count(1)
    await expect(applicant.locator("#self-flags")).to_contain_text("主持人已关闭您的画面")
    await video_off.click()
    await expect(respondent.locator("#tiles li[data-mid]:not([hidden])")).to_have_count(2)
    low = host.get_by_role("button", name="降低所有人的画质")
    await low.click()
    await expect(low).to_have_attribute("aria-pressed", "true")

    # The respondent is asked to leave; coming back, it waits in the lobby again.
    await host.get_by_role("button", name=f"请 {respondent_name} 离开").click()
    await expect(respondent.locator("#ended-text")).to_have_text(
        "The host asked you to leave the hearing."
    )
    await respondent.get_by_role("button", name="Join again").click()
    await expect(respondent.get_by_role("heading", name="Please wait")).to_be_visible()
    await expect(host.locator("#lobby-list")).to_contain_text(respondent_name)

    # Closing ends the hearing for everyone.
    host.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await host.get_by_role("button", name="结束调解").click()
    await expect(applicant.locator("#ended-text")).to_have_text("调解已结束。")
    await expect(respondent.locator("#ended-text")).to_have_text("The hearing is closed.")
    await shoot(respondent, "hearing-07-closed-en")

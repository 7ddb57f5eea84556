"""The whole story of issue 5, in one run through the real pages in Debian chromium.

A villager files a case at the village terminal; the mediator accepts it in the console,
schedules a hearing now and issues the respondent's personal code on the case page; the
applicant (Chinese) and the respondent (English, another time zone) open the party page by
their invitation links and join the hearing from there, the mediator from the console, each in
a separate browser context; all see the others' video playing; the mediator admits them from the lobby, mutes the respondent and holds a caucus with
the applicant; the mediator drafts the settlement, both parties sign it on the party page with
a drawn signature, the mediator signs, the applicant applies for confirmation on the party
page before the deadline it shows; the judge confirms; the
ruling's PDF, downloaded from the console, is accepted by the public verification page.
Every screen is photographed (test-artifacts/screenshots/story-*.png) and checked by axe-core,
and no page logs an error.
"""

from __future__ import annotations

import asyncio
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from people import desk, wall_photo
from playwright.async_api import Browser, Page, expect

pytestmark = pytest.mark.slow

HOME = "Asia/Shanghai"
ABROAD = "America/New_York"
TILES = "#tiles li[data-mid]:not([hidden])"
PLAYING = f"""(count) => {{ const v = [...document.querySelectorAll('{TILES} video')];
    return v.length === count && v.every(x => x.readyState >= 2 && x.videoWidth > 0); }}"""
TIMES = f"""() => Object.fromEntries([...document.querySelectorAll('{TILES} video')]
    .map(v => [v.closest('li').dataset.participant, v.currentTime]))"""
ADVANCED = f"""(before) => [...document.querySelectorAll('{TILES} video')].every(v =>
    v.currentTime > (before[v.closest('li').dataset.participant] ?? 1e9) + 0.3)"""


async def _frames_advance(page: Page, count: int) -> None:
    """``count`` remote videos play and their frames advance (currentTime grows)."""
    await page.wait_for_function(PLAYING, arg=count, polling=200, timeout=30_000)
    await page.wait_for_function(ADVANCED, arg=await page.evaluate(TIMES), polling=200)


async def _draw_signature(page: Page) -> None:
    await page.locator("#signature").scroll_into_view_if_needed()
    pad = await page.locator("#signature").bounding_box()
    assert pad is not None
    await page.mouse.move(pad["x"] + 30, pad["y"] + pad["height"] * 0.6)
    await page.mouse.down()
    for step in range(1, 10):
        y = pad["y"] + pad["height"] * (0.6 - 0.3 * (step % 2))
        await page.mouse.move(pad["x"] + 30 + step * 25, y, steps=3)
    await page.mouse.up()


async def _login(page: Page, user: dict[str, Any]) -> None:
    await page.get_by_label("用户名").fill(user["username"])
    await page.get_by_label("密码").fill(user["password"])
    await page.get_by_role("button", name="登录").click()


async def _join_from_party_page(
    page: Page, live: Any, code: str, number: str, checks: Any, shoot: Any
) -> None:
    """Open the party page by the invitation link, then join the hearing from it."""
    english = not (await page.evaluate("navigator.language")).startswith("zh")
    await page.goto(live.url(f"/party#code={code}"))
    await expect(page.locator("#case-number")).to_have_text(number)
    if english:  # filed at the terminal in Chinese: one tap, and the page speaks English
        await page.get_by_role("button", name="English").click()
        await expect(page.get_by_role("heading", name="Evidence")).to_be_visible()
    zone = await page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
    await expect(page.locator("#hearing-time")).to_contain_text(f"({zone})")
    lang = "en" if english else "zh-CN"
    await checks.axe(page, f"party page ({lang})")
    await shoot(page, f"story-04-party-{lang}")
    await page.get_by_role("link", name="Join the hearing" if english else "参加调解").click()
    lobby = "Please wait" if english else "请稍候"
    await expect(page.get_by_role("heading", name=lobby)).to_be_visible(timeout=20_000)


async def test_a_case_from_the_village_terminal_to_a_verified_ruling(
    browser: Browser, live: Any, page_checks: Any, shoot: Any
) -> None:
    users = {u["role"]: u for u in live.seeded["users"]}
    page_checks.allow(r"401 \(Unauthorized\).*/api/me")  # session checks before logging in

    # 1. A villager files a case at the terminal and gets a slip with the personal code.
    kiosk = page_checks.watch(await (await desk(browser, "zh-CN", HOME)).new_page())
    await kiosk.goto(live.url(f"/kiosk?intake={live.seeded['intake_code']}"))
    await expect(kiosk.locator("body[data-ready=true]")).to_be_attached()
    await page_checks.axe(kiosk, "kiosk start")
    await shoot(kiosk, "story-01-kiosk")
    await kiosk.get_by_role("button", name="申请调解").click()
    who = kiosk.locator("#apply-who")
    await who.get_by_label("姓名").fill("王大伯")
    await who.get_by_label("电话").fill("13900000000")
    await who.get_by_role("button", name="下一步").click()
    other = kiosk.locator("#apply-other")
    await other.get_by_label("姓名").fill("Marco Rossi")
    await other.get_by_role("button", name="下一步").click()
    what = kiosk.locator("#apply-what")
    await what.get_by_label("欠薪").check()
    await what.get_by_label("请简单说说经过").fill("在工地干了三个月，工资一直没有结。")
    await page_checks.axe(kiosk, "kiosk what")
    await what.get_by_role("button", name="下一步").click()
    ask = kiosk.locator("#apply-ask")
    await ask.get_by_label("您希望怎么解决？").fill("结清工资一万二千元。")
    await ask.get_by_role("button", name="下一步").click()
    photo = kiosk.locator("#apply-photo")
    await photo.get_by_label("拍照或选择照片").set_input_files(
        {"name": "wall.jpg", "mimeType": "image/jpeg", "buffer": wall_photo()}
    )
    await photo.get_by_role("button", name="提交").click()
    await expect(kiosk.get_by_role("heading", name="申请已提交")).to_be_visible()
    number = await kiosk.locator("#slip-number").inner_text()
    applicant_code = await kiosk.locator("#slip-code").inner_text()
    case_id = (await (await kiosk.request.get(live.url("/api/me"))).json())["case_id"]
    await page_checks.axe(kiosk, "kiosk slip")
    await shoot(kiosk, "story-02-kiosk-slip")
    await kiosk.get_by_role("button", name="完成").click()  # the next villager sees nothing
    await expect(kiosk.get_by_role("heading", name="您要办什么？")).to_be_visible()
    await kiosk.context.close()

    # 2. The mediator accepts the case in the console and schedules a hearing now.
    console = page_checks.watch(await (await desk(browser, "zh-CN", HOME)).new_page())
    await console.goto(live.url("/console"))
    await page_checks.axe(console, "console login")
    await _login(console, users["mediator"])
    await console.get_by_role("link", name=number).click()
    await console.get_by_role("button", name="受理").click()
    await console.get_by_role("button", name="开始调解").click()
    heading = console.locator("#case-h")
    await expect(heading).to_have_text(f"{number} · 调解中")
    form = console.locator("#schedule-form")
    now = datetime.now(ZoneInfo(HOME)).strftime("%Y-%m-%dT%H:%M")
    await form.get_by_label("开始时间").fill(now)
    await form.get_by_label("标题").fill("第一次调解")
    await form.get_by_role("button", name="安排庭审").click()
    host_link = console.get_by_role("link", name=re.compile("^进入庭审（主持）："))
    href = await host_link.get_attribute("href")
    found = re.fullmatch(r"/hearing\?id=(\d+)", href or "")
    assert found, href
    hearing_id = int(found[1])
    await page_checks.axe(console, "console case")
    await shoot(console, "story-03-console-case")
    # The respondent's personal code, issued from the case page (shown once, on a slip the
    # mediator prints or sends by mail); the question asked first is accepted.
    console.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await console.get_by_role("button", name="为 Marco Rossi 发新个人码").click()
    slip = console.get_by_role("region", name="个人码回执")
    await expect(slip).to_be_focused()
    await expect(slip).to_contain_text("Marco Rossi（被申请人）")
    respondent_code = (await slip.locator("#slip-code").inner_text()).strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", respondent_code)
    await page_checks.axe(console, "console code slip")
    await shoot(console, "story-03b-console-code-slip")
    await slip.get_by_role("button", name="完成，不再显示个人码").click()
    await expect(slip).to_be_hidden()

    # 3. Everyone joins the hearing from their own browser; the mediator admits the parties.
    await host_link.click()
    host = console
    await expect(host.get_by_role("heading", name="主持")).to_be_visible(timeout=20_000)
    applicant = page_checks.watch(await (await desk(browser, "zh-CN", HOME)).new_page())
    respondent = page_checks.watch(await (await desk(browser, "en-US", ABROAD)).new_page())
    await asyncio.gather(
        _join_from_party_page(applicant, live, applicant_code, number, page_checks, shoot),
        _join_from_party_page(respondent, live, respondent_code, number, page_checks, shoot),
    )
    assert applicant.url == respondent.url == live.url(f"/hearing?id={hearing_id}")
    await page_checks.axe(respondent, "hearing lobby (en)")
    await shoot(respondent, "story-05-hearing-lobby-en")
    admit = host.locator("#lobby-list").get_by_role("button", name=re.compile("^请 .+ 进入$"))
    await expect(admit).to_have_count(2, timeout=20_000)
    await page_checks.axe(host, "hearing host lobby")
    await shoot(host, "story-06-hearing-host-lobby")
    await admit.first.click()
    await expect(admit).to_have_count(1)
    await admit.first.click()
    await expect(host.locator("#lobby-list")).to_have_text("没有人在等候。")
    await asyncio.gather(*(_frames_advance(p, 2) for p in (host, applicant, respondent)))
    await expect(respondent.locator("#tiles")).to_contain_text("Applicant")
    await expect(applicant.locator("#tiles")).to_contain_text("被申请人")

    # The mediator mutes the respondent: their own view and the others' tiles say so.
    respondent_name = (await respondent.locator("#self-name").inner_text()).strip()
    applicant_name = (await applicant.locator("#self-name").inner_text()).strip()
    assert (respondent_name, applicant_name) == ("Marco Rossi", "王大伯")
    mute = host.get_by_role("button", name=f"将 {respondent_name} 静音")
    await mute.click()
    await expect(mute).to_have_attribute("aria-pressed", "true")
    await expect(respondent.locator("#self-flags")).to_contain_text("muted by the host")
    muted_tile = applicant.locator("#tiles li.muted")
    await expect(muted_tile).to_contain_text(respondent_name)
    await expect(muted_tile).to_contain_text("已被静音")
    await page_checks.axe(respondent, "hearing respondent muted (en)")
    await shoot(respondent, "story-07-hearing-respondent-en")

    # A caucus with the applicant: the respondent sees nobody meanwhile; then she comes back.
    await host.get_by_label(f"选 {applicant_name} 单独谈话").check()
    await host.get_by_role("button", name="与选中的人单独谈话").click()
    note = applicant.locator("#private-note")
    await expect(note).to_be_visible()
    await expect(respondent.locator(TILES)).to_have_count(0)
    await page_checks.axe(applicant, "hearing caucus")
    await shoot(applicant, "story-08-hearing-caucus")
    await shoot(host, "story-09-hearing-host-caucus")
    back = re.compile(f"^请 .*{re.escape(applicant_name)}.* 回到调解室$")
    await host.get_by_role("button", name=back).click()
    await expect(note).to_be_hidden()
    await expect(respondent.locator(TILES)).to_have_count(2)
    await page_checks.axe(host, "hearing host")

    # 4. The mediator drafts the settlement in the console (another tab, the same session).
    console = page_checks.watch(await host.context.new_page())
    await console.goto(live.url("/console"))
    await console.get_by_role("link", name=number).click()
    heading = console.locator("#case-h")
    draft = console.locator("#draft-form")
    clause = draft.locator("li.clause").first
    await clause.get_by_label("条款内容").fill("被申请人结清拖欠的工资。")
    await clause.get_by_label("金额").fill("12000")
    await clause.get_by_label("付款方").select_option("respondent")
    await clause.get_by_label("收款方").select_option("applicant")
    await clause.get_by_label("期限").fill((date.today() + timedelta(days=30)).isoformat())
    await page_checks.axe(console, "console draft")
    await draft.get_by_role("button", name="生成协议草稿").click()
    version = console.locator("#settlement-view article.version").first
    await expect(version).to_contain_text("第 1 版 · 草稿，等待签名", timeout=30_000)
    await shoot(console, "story-10-console-draft")

    # 5. Both parties go back from the hearing to the party page and sign with a drawn signature.
    for party, english in ((applicant, False), (respondent, True)):
        lang = "en" if english else "zh-CN"
        await party.go_back()
        await expect(party.locator("#case-number")).to_have_text(number)
        sign = party.locator("#sign-form")
        await _draw_signature(party)
        await sign.get_by_label(
            "I have read this agreement and I sign it"
            if english
            else "我已阅读这份协议，同意并签署"
        ).check()
        await page_checks.axe(party, f"party signing ({lang})")
        await shoot(party, f"story-{11 + english}-party-signing-{lang}")
        await sign.get_by_role("button", name="Sign" if english else "签署", exact=True).click()
        await expect(party.get_by_role("status")).to_have_text(
            "You have signed the agreement." if english else "您已签署协议。", timeout=30_000
        )
        await expect(sign).to_be_hidden()

    # 6. The mediator signs last; the applicant sees the deadline and applies for confirmation.
    await console.reload()
    version = console.locator("#settlement-view article.version").first
    await expect(version).to_contain_text("调解员：尚未签名")
    await version.get_by_label("我已阅读协议全文并签名").check()
    await version.get_by_role("button", name="调解员签名").click()
    await expect(version).to_contain_text("已生效", timeout=30_000)
    settlement = await console.request.get(live.url(f"/api/cases/{case_id}/settlement"))
    signed = (await settlement.json())["versions"][0]["signatures"]
    assert [s["field"] for s in signed] == ["applicant", "respondent", "mediator"]
    assert all(s["with_image"] for s in signed[:2])  # the parties' drawn signatures
    await expect(heading).to_contain_text("已达成协议")
    await applicant.reload()
    await expect(applicant.locator("#confirmation-deadline")).to_contain_text("请在")
    await page_checks.axe(applicant, "party confirmation")
    await applicant.get_by_role("button", name="申请司法确认").click()
    await expect(applicant.locator("#confirmation-status")).to_have_text(
        "已申请司法确认，等待法官裁定。"
    )
    await console.reload()
    await expect(heading).to_contain_text("已申请司法确认")
    await page_checks.axe(console, "console signed")
    await shoot(console, "story-13-console-signed")
    await console.get_by_role("button", name="退出").click()

    # 7. The judge logs in and confirms; the ruling's PDF is downloaded from the console.
    await _login(console, users["judge"])
    await console.get_by_role("link", name=number).click()
    ruling = console.locator("#ruling-form")
    await ruling.get_by_label("确认有效").check()
    await ruling.get_by_label("理由").fill("协议内容合法，双方自愿。")
    await page_checks.axe(console, "console ruling")
    await ruling.get_by_role("button", name="作出裁定").click()
    await expect(heading).to_contain_text("已司法确认", timeout=30_000)
    await shoot(console, "story-14-console-confirmed")
    async with console.expect_download() as waiting:
        await console.get_by_role("button", name="下载裁定书（PDF）").click()
    pdf = await asyncio.to_thread(Path(await (await waiting.value).path()).read_bytes)
    assert pdf.startswith(b"%PDF")

    # 8. Anyone checks the ruling on the public verification page.
    verify = page_checks.watch(await (await desk(browser, "zh-CN", HOME)).new_page())
    await verify.goto(live.url("/verify"))
    await verify.get_by_label("选择 PDF 文件").set_input_files(
        {"name": "ruling.pdf", "mimeType": "application/pdf", "buffer": pdf}
    )
    await verify.get_by_role("button", name="核验").click()
    await expect(verify.locator("#verdict")).to_have_text(
        "核验通过：所有签名完好、可信，最后签名后文书未被改动。", timeout=30_000
    )
    await expect(verify.locator("#record-status")).to_contain_text("最终文书")
    await page_checks.axe(verify, "verify")
    await shoot(verify, "story-15-verify")
    page_checks.assert_clean()
    for context in browser.contexts:  # hang up first: the server then stops at once
        await context.close()

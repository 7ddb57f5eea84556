"""The village terminal (/kiosk) in a real browser: filing with a photo and a printable slip;
the code path by keyboard alone through the self-test to the hearing; the idle reset, which
forgets a photo left behind. Scanning: test_kiosk_scan.py; back from a hearing:
test_kiosk_return.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
from people import wall_photo
from playwright.async_api import Browser, Page, expect

pytestmark = pytest.mark.slow


async def _open_kiosk(browser: Browser, live: Any, checks: Any, idle: int = 600) -> Page:
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1024, "height": 900})
    page: Page = checks.watch(await context.new_page())
    intake = live.seeded["intake_code"]
    await page.goto(live.url(f"/kiosk?intake={intake}&idle={idle}"))
    await expect(page.locator("body[data-ready=true]")).to_be_attached()
    assert "intake" not in page.url  # remembered for the terminal, not left in the address bar
    return page


async def test_villager_files_a_case_with_a_photo_and_gets_a_slip(
    browser: Browser, live: Any, page_checks: Any, shoot: Any
) -> None:
    page = await _open_kiosk(browser, live, page_checks)
    await expect(page.locator("#place")).to_have_text(live.seeded["microcourt"])
    await page_checks.axe(page, "kiosk start")
    await shoot(page, "kiosk-01-start")

    await page.get_by_role("button", name="申请调解").click()
    who = page.locator("#apply-who")
    await who.get_by_role("button", name="下一步").click()  # nothing filled in: stays, says so
    await expect(page.get_by_role("alert")).to_have_text("这一项要填写")
    await who.get_by_label("姓名").fill("王大伯")
    await who.get_by_label("电话").fill("13900000000")
    await page_checks.axe(page, "kiosk who")
    await who.get_by_role("button", name="下一步").click()
    other = page.locator("#apply-other")
    await other.get_by_label("姓名").fill("某建筑公司")
    await other.get_by_role("button", name="下一步").click()
    what = page.locator("#apply-what")
    await what.get_by_label("欠薪").check()
    await what.get_by_label("请简单说说经过").fill("在工地干了三个月，工资一直没有结。")
    await page_checks.axe(page, "kiosk what")
    await shoot(page, "kiosk-02-what")
    await what.get_by_role("button", name="下一步").click()
    ask = page.locator("#apply-ask")
    await ask.get_by_label("您希望怎么解决？").fill("结清工资一万二千元。")
    await ask.get_by_role("button", name="下一步").click()
    photo = page.locator("#apply-photo")
    await photo.get_by_label("拍照或选择照片").set_input_files(
        {"name": "wall.jpg", "mimeType": "image/jpeg", "buffer": wall_photo()}
    )
    await expect(page.locator("#photo-preview")).to_be_visible()
    await page_checks.axe(page, "kiosk photo")
    await photo.get_by_role("button", name="提交").click()

    await expect(page.get_by_role("heading", name="申请已提交")).to_be_visible()
    number = await page.locator("#slip-number").inner_text()
    code = await page.locator("#slip-code").inner_text()
    assert re.fullmatch(r"LA-\d{4}-\d{5}", number)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    assert await page.locator("#slip-qr svg").count() == 1
    await expect(page.locator("#slip-evidence")).to_have_text("照片已上传：wall.jpg")
    # The photo is really stored with the case (the applicant's new session can list it).
    me = await (await page.request.get(live.url("/api/me"))).json()
    listed = await page.request.get(live.url(f"/api/cases/{me['case_id']}/evidence"))
    files = (await listed.json())["evidence"]
    assert [(f["filename"], f["media_type"]) for f in files] == [("wall.jpg", "image/jpeg")]
    await page_checks.axe(page, "kiosk slip")
    await shoot(page, "kiosk-03-slip")
    await page.emulate_media(media="print")  # the printed slip: code and QR, no buttons
    await expect(page.locator("#slip-code")).to_be_visible()
    await expect(page.get_by_role("button", name="打印")).to_be_hidden()
    await expect(page.locator("#call-staff")).to_be_hidden()
    await shoot(page, "kiosk-04-slip-printed")
    await page.emulate_media(media="screen")

    await page.get_by_role("button", name="呼叫工作人员").click()
    await expect(page.get_by_role("alertdialog")).to_contain_text("工作人员马上过来")
    await page.keyboard.press("Escape")
    await expect(page.get_by_role("alertdialog")).to_be_hidden()

    await page.get_by_role("button", name="完成").click()
    await expect(page.get_by_role("heading", name="您要办什么？")).to_be_visible()
    assert (await page.request.get(live.url("/api/me"))).status == 401  # the session ended
    await expect(page.locator("#slip-code")).to_be_empty()
    await expect(page.locator("#slip-qr svg")).to_have_count(0)
    assert not await page.locator("#photo-preview").evaluate("img => img.hasAttribute('src')")
    page_checks.assert_clean()


async def test_code_path_by_keyboard_alone_through_the_self_test(
    browser: Browser,
    live: Any,
    page_checks: Any,
    demo_hearing: dict[str, Any],
    shoot: Any,
    tab_to: Any,
) -> None:
    page = await _open_kiosk(browser, live, page_checks)
    await tab_to(page, "我有个人码")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="请输入个人码")).to_be_focused()
    await page.keyboard.press("Tab")
    await expect(page.get_by_label("个人码", exact=True)).to_be_focused()
    code = demo_hearing["codes"]["applicant"]
    await page.keyboard.type(code.replace("-", "").lower())  # grouped as it is typed
    await expect(page.get_by_label("个人码", exact=True)).to_have_value(code)
    # Scanning works with or without BarcodeDetector (jsQR reads the frames where it is
    # missing, as in Chromium on Linux): test_kiosk_scan.py scans a slip's QR.
    await expect(page.get_by_role("button", name="扫二维码")).to_be_visible()
    await page_checks.axe(page, "kiosk code")
    await shoot(page, "kiosk-05-code")
    await page.keyboard.press("Enter")

    await expect(page.locator("#track-number")).to_have_text(demo_hearing["number"])
    await expect(page.locator("#track-state")).to_have_text("调解中")
    await expect(page.locator("#track-hearing")).to_contain_text("下次调解：")
    await page_checks.axe(page, "kiosk track")
    await shoot(page, "kiosk-06-track")
    await tab_to(page, "参加调解")
    await page.keyboard.press("Enter")

    verdict = page.locator("#check-verdict")
    await expect(verdict).to_have_attribute("data-result", re.compile("ok|weak"), timeout=15000)
    await expect(page.locator("#check-camera")).to_have_attribute("data-result", "ok")
    await expect(page.locator("#check-mic")).to_have_attribute("data-result", "ok")
    await expect(page.locator("#check-network")).to_have_attribute("data-result", "ok")
    await expect(verdict).to_have_text("一切正常，可以进入调解。")
    await page_checks.axe(page, "kiosk self-test")
    await shoot(page, "kiosk-07-self-test")
    page_checks.assert_clean()
    page_checks.unwatch(page)  # the hearing view is another test's page
    await tab_to(page, "进入调解")
    await page.keyboard.press("Enter")
    # Marked as opened at the terminal, which it comes back to (test_kiosk_return.py).
    await page.wait_for_url(re.compile(rf"/hearing\?id={demo_hearing['id']}&kiosk=1&idle=600$"))


async def test_an_idle_terminal_resets_itself(
    browser: Browser, live: Any, page_checks: Any, demo_hearing: dict[str, Any], shoot: Any
) -> None:
    page = await _open_kiosk(browser, live, page_checks, idle=5)
    await page.get_by_role("button", name="English").click()  # one tap
    await page.get_by_role("button", name="I have a personal code").click()
    keypad = page.get_by_role("group", name="Keypad")
    code = demo_hearing["codes"]["respondent"]
    for ch in code.replace("-", ""):  # tapped on the on-screen keypad
        await keypad.get_by_role("button", name=ch, exact=True).click()
    await expect(page.get_by_label("Personal code", exact=True)).to_have_value(code)
    await page.get_by_role("button", name="Open the case").click()
    await expect(page.locator("#track-number")).to_have_text(demo_hearing["number"])
    await expect(page.locator("#track-state")).to_have_text("In mediation")
    await shoot(page, "kiosk-08-track-en")
    # Nobody touches the screen: a warning, then back to the start in Chinese, the case gone,
    # the session ended.
    await expect(page.locator("#idle-warning")).to_contain_text("Back to the start in")
    await expect(page.get_by_role("heading", name="您要办什么？")).to_be_visible(timeout=12000)
    await expect(page.locator("#track-number")).to_be_empty()
    await expect(page.locator("#track")).to_be_hidden()
    assert (await page.request.get(live.url("/api/me"))).status == 401
    page_checks.assert_clean()


async def test_the_terminal_remembers_its_intake_code(
    browser: Browser, live: Any, page_checks: Any, shoot: Any
) -> None:
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1024, "height": 900})
    page: Page = page_checks.watch(await context.new_page())
    await page.goto(live.url("/kiosk"))  # a new terminal, not set up yet
    await expect(page.locator("body[data-ready=true]")).to_be_attached()
    await page.get_by_role("button", name="申请调解").click()
    await expect(page.get_by_role("heading", name="请工作人员输入本终端的受理码")).to_be_visible()
    field = page.get_by_label("受理码（贴在终端上）", exact=True)
    await field.press_sequentially(live.seeded["intake_code"].replace("-", "").lower())
    await expect(field).to_have_value(live.seeded["intake_code"])
    await page_checks.axe(page, "kiosk intake")
    await shoot(page, "kiosk-09-intake")
    await field.press("Enter")
    await expect(page.get_by_role("heading", name="您是谁？")).to_be_visible()
    await page.reload()  # the next day: the terminal still knows its micro-court
    await expect(page.locator("#place")).to_have_text(live.seeded["microcourt"])
    page_checks.assert_clean()


async def test_a_reset_forgets_the_photo_a_villager_left_behind(
    browser: Browser, live: Any, page_checks: Any
) -> None:
    page = await _open_kiosk(browser, live, page_checks, idle=5)
    await page.get_by_role("button", name="申请调解").click()
    who = page.locator("#apply-who")
    await who.get_by_label("姓名").fill("王大伯")
    await who.get_by_role("button", name="下一步").click()
    other = page.locator("#apply-other")
    await other.get_by_label("姓名").fill("某建筑公司")
    await other.get_by_role("button", name="下一步").click()
    what = page.locator("#apply-what")
    await what.get_by_label("欠薪").check()
    await what.get_by_label("请简单说说经过").fill("工资一直没有结。")
    await what.get_by_role("button", name="下一步").click()
    ask = page.locator("#apply-ask")
    await ask.get_by_label("您希望怎么解决？").fill("结清工资。")
    await ask.get_by_role("button", name="下一步").click()
    await (
        page.locator("#apply-photo")
        .get_by_label("拍照或选择照片")
        .set_input_files({"name": "wall.jpg", "mimeType": "image/jpeg", "buffer": wall_photo()})
    )
    preview = page.locator("#photo-preview")
    await expect(preview).to_be_visible()
    await expect(page.locator("#photo-name")).to_have_text("wall.jpg")
    url = await preview.get_attribute("src")
    assert url and url.startswith("blob:")
    fetch = """async (url) => { try { await (await fetch(url)).blob(); return "readable"; }
        catch { return "revoked"; } }"""
    assert await page.evaluate(fetch, url) == "readable"

    # The villager walks away before submitting: the terminal resets itself, and neither the
    # picture nor anything typed stays in the page.
    await expect(page.get_by_role("heading", name="您要办什么？")).to_be_visible(timeout=12000)
    await expect(preview).to_be_hidden()
    assert not await preview.evaluate("img => img.hasAttribute('src')")
    await expect(page.locator("#photo-name")).to_be_empty()
    assert await page.locator("#photo").evaluate("input => input.files.length") == 0
    for field in ("#a-name", "#r-name", "#facts", "#claims"):
        await expect(page.locator(field)).to_have_value("")
    page_checks.allow(r"blob:")  # reading the revoked picture fails, as it should
    assert await page.evaluate(fetch, url) == "revoked"
    page_checks.assert_clean()

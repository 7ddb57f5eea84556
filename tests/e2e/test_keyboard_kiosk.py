"""The village terminal (/kiosk) by keyboard alone: a villager files a case through the five
steps (Tab, typing, arrow keys in the categories, Enter; the photo chosen with Enter on the
file control) and gets the slip; Enter in a field goes to the next step; staff are called and
the dialog keeps the focus until it is closed (Enter or Escape), when the focus comes back.
The code path by keyboard is in test_kiosk.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
from keys import arrow_to, focused_name, intercept_file_choosers
from people import wall_photo
from playwright.async_api import Browser, Page, expect

pytestmark = pytest.mark.slow


async def _open_kiosk(browser: Browser, live: Any, checks: Any) -> Page:
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1024, "height": 900})
    page: Page = intercept_file_choosers(checks.watch(await context.new_page()))
    await page.goto(live.url(f"/kiosk?intake={live.seeded['intake_code']}&idle=600"))
    await expect(page.locator("body[data-ready=true]")).to_be_attached()
    return page


async def _phones(browser: Browser, live: Any, case_id: int) -> dict[str, str]:
    """The parties' phone numbers, which only staff see (a clerk's session)."""
    desk = await browser.new_context()
    clerk = next(u for u in live.seeded["users"] if u["role"] == "clerk")
    login = {k: clerk[k] for k in ("username", "password")}
    assert (await desk.request.post(live.url("/api/login"), data=login)).ok
    case = await (await desk.request.get(live.url(f"/api/cases/{case_id}"))).json()
    await desk.close()
    return {p["role"]: p["phone"] for p in case["parties"] if p.get("phone")}


async def test_a_villager_files_a_case_by_keyboard_alone(
    browser: Browser, live: Any, page_checks: Any, shoot: Any, tab_to: Any
) -> None:
    page = await _open_kiosk(browser, live, page_checks)
    await tab_to(page, "申请调解")
    await page.keyboard.press("Enter")

    # 1. Who: Enter in a field goes to the next step, and an empty name keeps the villager here.
    await expect(page.get_by_role("heading", name="您是谁？")).to_be_focused()
    await tab_to(page, "姓名")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("alert")).to_have_text("这一项要填写")
    await expect(page.locator("#a-name")).to_be_focused()
    await page.keyboard.type("王大伯")
    await page.keyboard.press("Tab")
    await expect(page.locator("#a-phone")).to_be_focused()
    await page.keyboard.type("13900000000")
    await page_checks.axe(page, "kiosk who (keyboard)")
    await shoot(page, "keyboard-kiosk-01-who")
    await page.keyboard.press("Enter")

    # 2. The other side: by the step's button this time.
    await expect(page.get_by_role("heading", name="对方是谁？")).to_be_focused()
    await tab_to(page, "姓名")
    await page.keyboard.type("某建筑公司")
    await page_checks.axe(page, "kiosk other (keyboard)")
    await shoot(page, "keyboard-kiosk-02-other")
    await tab_to(page, "下一步")
    await page.keyboard.press("Enter")

    # 3. What happened: the category with the arrow keys, then the facts.
    await expect(page.get_by_role("heading", name="发生了什么")).to_be_focused()
    await page.keyboard.press("Tab")  # into the categories: the first one has the focus
    assert await page.evaluate("document.activeElement.type") == "radio"
    await arrow_to(page, "欠薪", key="ArrowRight")
    await page.keyboard.press("Space")
    await expect(page.get_by_role("radio", name="欠薪")).to_be_checked()
    await tab_to(page, "请简单说说经过")
    await page.keyboard.type("在工地干了三个月，工资一直没有结。")
    await page_checks.axe(page, "kiosk what (keyboard)")
    await shoot(page, "keyboard-kiosk-03-what")
    await tab_to(page, "下一步")
    await page.keyboard.press("Enter")

    # 4. The request.
    await expect(page.get_by_role("heading", name="您的请求")).to_be_focused()
    await tab_to(page, "您希望怎么解决？")
    await page.keyboard.type("结清工资一万二千元。")
    await page_checks.axe(page, "kiosk ask (keyboard)")
    await shoot(page, "keyboard-kiosk-04-ask")
    await tab_to(page, "下一步")
    await page.keyboard.press("Enter")

    # 5. A photo: Enter on the (visually replaced) file control opens the chooser.
    await expect(page.get_by_role("heading", name="有照片证据吗？")).to_be_focused()
    await tab_to(page, "拍照或选择照片（可不选）")
    await expect(page.locator("#photo")).to_be_focused()
    async with page.expect_file_chooser() as chooser:
        await page.keyboard.press("Enter")
    await (await chooser.value).set_files(
        {"name": "wall.jpg", "mimeType": "image/jpeg", "buffer": wall_photo()}
    )
    await expect(page.get_by_role("img", name="您选的照片")).to_be_visible()
    await expect(page.locator("#photo-name")).to_have_text("wall.jpg")
    await page_checks.axe(page, "kiosk photo (keyboard)")
    await shoot(page, "keyboard-kiosk-05-photo")
    await tab_to(page, "提交")
    await page.keyboard.press("Enter")

    # The slip; the case is filed as typed, with the photo.
    await expect(page.get_by_role("heading", name="申请已提交")).to_be_focused()
    number = await page.locator("#slip-number").inner_text()
    assert re.fullmatch(r"LA-\d{4}-\d{5}", number)
    await expect(page.locator("#slip-code")).to_have_text(
        re.compile(r"^[0-9A-Z]{4}(-[0-9A-Z]{4}){2}$")
    )
    await expect(page.locator("#slip-evidence")).to_have_text("照片已上传：wall.jpg")
    me = await (await page.request.get(live.url("/api/me"))).json()
    case = await (await page.request.get(live.url(f"/api/cases/{me['case_id']}"))).json()
    assert case["number"] == number
    assert case["category"] == "wages"
    assert (case["facts"], case["claims"]) == (
        "在工地干了三个月，工资一直没有结。",
        "结清工资一万二千元。",
    )
    assert {p["role"]: p["name"] for p in case["parties"]} == {
        "applicant": "王大伯",
        "respondent": "某建筑公司",
    }
    assert await _phones(browser, live, me["case_id"]) == {"applicant": "13900000000"}
    listed = await page.request.get(live.url(f"/api/cases/{me['case_id']}/evidence"))
    assert [f["filename"] for f in (await listed.json())["evidence"]] == ["wall.jpg"]
    await page_checks.axe(page, "kiosk slip (keyboard)")
    await shoot(page, "keyboard-kiosk-06-slip")

    await tab_to(page, "完成")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="您要办什么？")).to_be_focused()
    assert (await page.request.get(live.url("/api/me"))).status == 401  # the session ended
    await expect(page.locator("#slip-code")).to_be_empty()
    page_checks.assert_clean()


async def test_staff_are_called_by_keyboard_and_the_dialog_keeps_the_focus(
    browser: Browser, live: Any, page_checks: Any, shoot: Any, tab_to: Any
) -> None:
    page = await _open_kiosk(browser, live, page_checks)
    dialog = page.get_by_role("alertdialog", name="请稍等，工作人员马上过来")
    ok = dialog.get_by_role("button", name="好的")
    for close in ("Enter", "Escape"):
        await tab_to(page, "呼叫工作人员")
        await page.keyboard.press("Enter")
        await expect(dialog).to_be_visible()
        await expect(ok).to_be_focused()
        for key in ("Tab", "Shift+Tab"):  # nothing behind the dialog can be reached
            await page.keyboard.press(key)
            await expect(ok).to_be_focused()
        assert await focused_name(page) == "好的"
        if close == "Enter":
            await page_checks.axe(page, "kiosk call-staff dialog")
            await shoot(page, "keyboard-kiosk-07-staff-called")
        await page.keyboard.press(close)
        await expect(dialog).to_be_hidden()
        await expect(page.get_by_role("button", name="呼叫工作人员")).to_be_focused()
    page_checks.assert_clean()

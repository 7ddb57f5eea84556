"""The party page (/party) by keyboard alone: the respondent signs the settlement with a typed
name (the keyboard's alternative to drawing on the pad: the name is written on it), after the
page has refused an empty signature and an unticked box, each time putting the focus where
the fix is; "start again" wipes a typed name too. Once everyone has signed, the applicant
applies for judicial confirmation. Drawing the signature: test_story.py and test_party.py."""

from __future__ import annotations

from typing import Any

import pytest
from arrange import sign_draft, with_a_draft
from playwright.async_api import Browser, Page, expect

pytestmark = pytest.mark.slow

RESPONDENT = "杭州某美食广场有限公司"
# How many pixels of the signature pad are not white (a written name makes many).
INKED = """(canvas) => { const d = canvas.getContext("2d")
    .getImageData(0, 0, canvas.width, canvas.height).data; let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200) n += 1;
    return n; }"""


async def _inked(page: Page, test: str) -> None:
    """Wait until the pad's count of inked pixels passes ``test`` (e.g. "> 200")."""
    await page.wait_for_function(f"() => ({INKED})(document.getElementById('signature')) {test}")


async def _party_page(browser: Browser, live: Any, checks: Any, code: str) -> Page:
    context = await browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1000, "height": 900}
    )
    page: Page = checks.watch(await context.new_page())
    await page.goto(live.url(f"/party#code={code}"))
    await expect(page.locator("body[data-ready=true]")).to_be_attached()
    return page


async def test_a_party_signs_with_a_typed_name_by_keyboard(
    browser: Browser, live: Any, page_checks: Any, shoot: Any, tab_to: Any
) -> None:
    made = await with_a_draft(browser, live)
    page = await _party_page(browser, live, page_checks, made["respondent_code"])
    await expect(page.locator("#me")).to_have_text(f"{RESPONDENT} · 被申请人")
    form = page.locator("#sign-form")
    await expect(form).to_be_visible()
    await expect(page.get_by_role("img", name="签名框")).to_be_visible()
    typed = form.get_by_label("或者输入您的姓名")
    tick = form.get_by_label("我已阅读这份协议，同意并签署")
    notice = page.get_by_role("alert")

    # Nothing signed yet: refused, and the focus goes to the name field.
    await tab_to(page, "签署")
    await page.keyboard.press("Enter")
    await expect(notice).to_have_text("请先签名")
    await expect(typed).to_be_focused()

    # A typed name is written on the pad; "start again" wipes both.
    await page.keyboard.type("杭州某")
    await _inked(page, "> 200")
    await page.keyboard.press("Shift+Tab")
    await expect(form.get_by_role("button", name="重写")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(typed).to_have_value("")
    await _inked(page, "=== 0")
    await page.keyboard.press("Tab")
    await expect(typed).to_be_focused()
    await page.keyboard.type(RESPONDENT)
    await _inked(page, "> 200")

    # Not ticked: refused, and the focus goes to the box; Space ticks it.
    await tab_to(page, "签署")
    await page.keyboard.press("Enter")
    await expect(notice).to_have_text("请勾选确认您已阅读并同意")
    await expect(tick).to_be_focused()
    await page.keyboard.press("Space")
    await expect(tick).to_be_checked()
    await page_checks.axe(page, "party signing (keyboard)")
    await shoot(page, "keyboard-party-01-signing")
    await page.keyboard.press("Tab")
    await expect(form.get_by_role("button", name="签署", exact=True)).to_be_focused()
    await page.keyboard.press("Enter")

    await expect(page.get_by_role("status")).to_have_text("您已签署协议。", timeout=30_000)
    await expect(form).to_be_hidden()
    await expect(page.get_by_role("heading", name="调解协议")).to_be_focused()
    await expect(page.locator("#signatures")).to_contain_text(f"被申请人 · {RESPONDENT}")
    path = f"/api/cases/{made['case_id']}/settlement"
    found = await (await page.request.get(live.url(path))).json()
    [signature] = found["versions"][0]["signatures"]
    assert (signature["field"], signature["signer_name"]) == ("respondent", RESPONDENT)
    assert signature["with_image"]  # the typed name, as written on the pad
    await page_checks.axe(page, "party signed (keyboard)")
    await shoot(page, "keyboard-party-02-signed")
    page_checks.assert_clean()


async def test_the_applicant_applies_for_confirmation_by_keyboard(
    browser: Browser, live: Any, page_checks: Any, shoot: Any, tab_to: Any
) -> None:
    made = await with_a_draft(browser, live)
    for who in ("applicant", "respondent", "mediator"):
        await sign_draft(browser, live, made, who)

    page = await _party_page(browser, live, page_checks, made["applicant"]["code"])
    await expect(page.locator("#confirmation-deadline")).to_contain_text("请在")
    await expect(page.locator("#sign-form")).to_be_hidden()
    await page_checks.axe(page, "party confirmation (keyboard)")
    await shoot(page, "keyboard-party-03-confirmation")
    await tab_to(page, "申请司法确认")
    await page.keyboard.press("Enter")
    await expect(page.locator("#confirmation-status")).to_have_text(
        "已申请司法确认，等待法官裁定。"
    )
    await expect(page.locator("#case-state")).to_have_text("已申请司法确认")
    found = await (
        await page.request.get(live.url(f"/api/cases/{made['case_id']}/settlement"))
    ).json()
    assert found["confirmation"]["outcome"] == ""  # applied for, not decided yet
    page_checks.assert_clean()

"""Personal codes from the staff console (/console), in a real browser: the clerk issues the
respondent's code by keyboard alone and gets a printable slip (code and QR, shown once); the
respondent opens the party page from the slip's QR; the clerk revokes the code and the party is
out. An interpreter is invited to a hearing from the case page; its slip's code opens the party
page, which shows that hearing (and nothing else of the case)."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect
from support import filing

pytestmark = pytest.mark.slow

CODE = re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")
RESPONDENT = "杭州某美食广场有限公司"


async def _call(page: Page, live: Any, method: str, path: str, csrf: str = "", **data: Any) -> Any:
    headers = {"X-CSRF-Token": csrf} if csrf else {}
    response = await page.request.fetch(
        live.url(path), method=method, data=data or None, headers=headers
    )
    assert response.ok, f"{method} {path}: {await response.text()}"
    return await response.json()


async def _case_with_hearing(browser: Browser, live: Any) -> dict[str, Any]:
    """Through the API: a filed case, accepted for the mediator, with a hearing tomorrow."""
    desk = await (await browser.new_context()).new_page()
    filed = await _call(desk, live, "POST", "/api/cases", **filing(live.seeded["intake_code"]))
    clerk = next(u for u in live.seeded["users"] if u["role"] == "clerk")
    login = {k: clerk[k] for k in ("username", "password")}
    csrf = (await _call(desk, live, "POST", "/api/login", **login))["csrf_token"]
    mediators = (await _call(desk, live, "GET", "/api/staff?role=mediator"))["staff"]
    case_id = filed["case_id"]
    path = f"/api/cases/{case_id}/transitions"
    await _call(desk, live, "POST", path, csrf, target="accepted", mediator_id=mediators[0]["id"])
    start = (datetime.now() + timedelta(days=1)).replace(hour=10, minute=0, second=0)
    hearing = await _call(
        desk,
        live,
        "POST",
        f"/api/cases/{case_id}/hearings",
        csrf,
        start=start.isoformat(timespec="seconds"),
        timezone="Asia/Shanghai",
        title="第一次调解",
    )
    await desk.context.close()
    return {**filed, "hearing_id": hearing["id"]}


async def _clerk_opens_the_case(browser: Browser, live: Any, checks: Any, case_id: int) -> Page:
    """The clerk logs in by keyboard alone and lands on the case page."""
    context = await browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1200, "height": 900}
    )
    page: Page = checks.watch(await context.new_page())
    checks.allow(r"401 \(Unauthorized\).*/api/me")  # the session check before logging in
    await page.goto(live.url(f"/console#case={case_id}"))
    clerk = next(u for u in live.seeded["users"] if u["role"] == "clerk")
    await page.get_by_label("用户名").focus()
    await page.keyboard.type(clerk["username"])
    await page.keyboard.press("Tab")
    await page.keyboard.type(clerk["password"])
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", level=2)).to_contain_text("已受理")
    return page


def _read_qr(image: Path) -> str:
    found = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, check=False
    )
    return found.stdout.strip()


async def test_a_code_issued_in_the_console_opens_the_party_page_and_revoking_ends_it(
    browser: Browser, live: Any, page_checks: Any, shoot: Any, tab_to: Any, tmp_path: Path
) -> None:
    made = await _case_with_hearing(browser, live)
    page = await _clerk_opens_the_case(browser, live, page_checks, made["case_id"])

    # Issue the respondent's code by keyboard alone (and confirm the question asked).
    page.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await tab_to(page, f"为 {RESPONDENT} 发新个人码")
    await page.keyboard.press("Enter")
    slip = page.get_by_role("region", name="个人码回执")
    await expect(slip).to_be_visible()
    await expect(slip).to_be_focused()
    code = (await slip.locator("#slip-code").inner_text()).strip()
    assert CODE.match(code), code
    await expect(slip).to_contain_text(made["number"])
    await expect(slip).to_contain_text(f"{RESPONDENT}（被申请人）")
    await expect(slip.get_by_role("img", name=f"个人码 {code} 的二维码")).to_be_visible()
    await expect(page.get_by_role("status")).to_have_text(f"已为 {RESPONDENT} 发了新个人码。")
    await expect(page.locator("#case-history")).to_contain_text("发放个人码 （书记员 王芳）")
    await page_checks.axe(page, "console code slip")
    await shoot(page, "console-codes-01-slip")

    # Printed, the slip is alone on the page.
    await page.emulate_media(media="print")
    await expect(page.locator("#case-summary")).to_be_hidden()
    await expect(page.locator("#slip-code")).to_be_visible()
    await expect(slip.get_by_role("button", name="打印回执")).to_be_hidden()
    await page.emulate_media(media="screen")

    # The respondent opens the party page from the slip's QR code.
    image = tmp_path / "qr.png"
    await slip.locator("#slip-qr svg").screenshot(path=str(image))
    link = f"{live.base_url}/party#code={code}"
    if shutil.which("zbarimg"):
        assert await asyncio.to_thread(_read_qr, image) == link
    party: Page = page_checks.watch(
        await (await browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")).new_page()
    )
    await party.goto(link)
    await expect(party.locator("#case-number")).to_have_text(made["number"])
    await expect(party.locator("#me")).to_have_text(f"{RESPONDENT} · 被申请人")

    # Revoked (by keyboard again): the party's session ends and the code no longer opens it.
    page.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await tab_to(page, f"作废 {RESPONDENT} 的个人码", backwards=True)
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("status")).to_have_text(f"{RESPONDENT} 的个人码已作废。")
    await expect(page.get_by_role("button", name=f"作废 {RESPONDENT} 的个人码")).to_be_focused()
    await expect(page.locator("#case-history")).to_contain_text("作废个人码 （书记员 王芳）")
    page_checks.allow(r"401 \(Unauthorized\)")  # the party's session is gone
    page_checks.allow(r"404 \(Not Found\).*/api/session")  # and its code with it
    await party.reload()
    code_box = party.get_by_role("textbox", name="个人码")
    await expect(code_box).to_be_visible()
    await code_box.fill(code)
    await party.get_by_role("button", name="查看").click()
    await expect(party.get_by_role("alert")).to_have_text(
        "个人码不正确或已失效，请核对后重新输入。"
    )

    # Done: the code is taken off the page and the focus goes back to the parties.
    await tab_to(page, "完成，不再显示个人码")
    await page.keyboard.press("Enter")
    await expect(slip).to_be_hidden()
    await expect(page.locator("#slip-code")).to_have_text("")
    await expect(page.get_by_role("heading", name="当事人")).to_be_focused()
    page_checks.assert_clean()


async def test_an_invited_interpreter_opens_the_hearing_with_the_code_from_the_slip(
    browser: Browser, live: Any, page_checks: Any, shoot: Any, tab_to: Any
) -> None:
    made = await _case_with_hearing(browser, live)
    page = await _clerk_opens_the_case(browser, live, page_checks, made["case_id"])

    form = page.get_by_role("group", name="邀请翻译或代理人参加庭审")
    await expect(form.get_by_label("身份")).to_have_value("interpreter")
    await form.get_by_label("语言").select_option("en")
    await form.get_by_label("时区").fill("Europe/Berlin")
    await tab_to(page, "姓名", backwards=True)
    await page.keyboard.type("Anna Weber")
    await page.keyboard.press("Enter")  # submits the form
    slip = page.get_by_role("region", name="个人码回执")
    await expect(slip).to_be_focused()
    await expect(page.get_by_role("status")).to_have_text("已邀请 Anna Weber。")
    await expect(slip).to_contain_text("Anna Weber（翻译）")
    await expect(slip).to_contain_text("(Europe/Berlin)")  # the hearing on the invitee's clock
    await expect(slip).to_contain_text(f"{live.base_url}/hearing?id={made['hearing_id']}")
    code = (await slip.locator("#slip-code").inner_text()).strip()
    assert CODE.match(code), code
    await expect(page.locator("#case-parties")).to_contain_text("Anna Weber 翻译")
    await page_checks.axe(page, "console invitation slip")
    await shoot(page, "console-codes-02-invited")

    # The interpreter, abroad, opens the party page with the code: the hearing, nothing more.
    context = await browser.new_context(locale="en-GB", timezone_id="Europe/Berlin")
    interpreter: Page = page_checks.watch(await context.new_page())
    await interpreter.goto(live.url(f"/party#code={code}"))
    await expect(interpreter.locator("#me")).to_have_text("Anna Weber · Interpreter")
    await expect(interpreter.locator("#limited-note")).to_be_visible()
    await expect(interpreter.locator("#case-number")).to_have_text(made["number"])
    await expect(interpreter.locator("#hearing-time")).to_contain_text("(Europe/Berlin)")
    await expect(interpreter.get_by_role("link", name="Join the hearing")).to_have_attribute(
        "href", f"/hearing?id={made['hearing_id']}"
    )
    for hidden in ("#evidence", "#settlement", "#progress"):
        await expect(interpreter.locator(hidden)).to_be_hidden()
    await page_checks.axe(interpreter, "party page (interpreter)")
    await shoot(interpreter, "console-codes-03-interpreter")
    page_checks.assert_clean()

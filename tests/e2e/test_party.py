"""The party page (/party) in a real browser: a party abroad reads the next hearing in their
own time zone and takes the .ics; evidence with a progress bar; signing the settlement with a
drawn signature and downloading the signed PDF."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp import ClientSession, CookieJar
from playwright.async_api import Browser, Page, expect
from settlement_steps import CLAUSES

pytestmark = pytest.mark.slow


async def _party(browser: Browser, live: Any, checks: Any, locale: str, zone: str) -> Page:
    context = await browser.new_context(
        locale=locale, timezone_id=zone, viewport={"width": 1000, "height": 900}
    )
    page: Page = checks.watch(await context.new_page())
    return page


async def test_party_abroad_sees_the_hearing_in_their_zone_and_adds_evidence(
    browser: Browser, live: Any, page_checks: Any, demo_hearing: dict[str, Any], shoot: Any
) -> None:
    page = await _party(browser, live, page_checks, "en-GB", "Europe/Rome")
    code = demo_hearing["codes"]["respondent"]
    await page.goto(live.url(f"/party#code={code}"))  # the link in the invitation
    await expect(page.get_by_role("heading", name=re.compile("Case number"))).to_contain_text(
        demo_hearing["number"]
    )
    assert "#" not in page.url  # the code does not stay in the address bar or history
    await expect(page.locator("#me")).to_have_text("Marco Rossi · Respondent")
    await expect(page.locator("#progress [aria-current=step]")).to_have_text(
        re.compile("^In mediation")
    )

    hearing = await (await page.request.get(live.url(f"/api/hearings/{demo_hearing['id']}"))).json()
    start = datetime.fromisoformat(hearing["scheduled_start"]).astimezone(ZoneInfo("Europe/Rome"))
    shown = page.locator("#hearing-time")
    await expect(shown).to_contain_text("(Europe/Rome)")
    await expect(shown).to_contain_text(start.strftime("%H:%M"))
    await expect(shown).to_contain_text(str(start.day))
    await page_checks.axe(page, "party (en)")
    await shoot(page, "party-01-case-en")

    async with page.expect_download() as waiting:
        await page.get_by_role("link", name="Add to calendar (.ics)").click()
    ics = await asyncio.to_thread(Path(await (await waiting.value).path()).read_text, "utf-8")
    assert "BEGIN:VCALENDAR" in ics and "BEGIN:VEVENT" in ics
    assert start.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M") in ics.replace("-", "")

    await page.get_by_label("Choose a file (photo, PDF, audio)").set_input_files(
        {"name": "roof.pdf", "mimeType": "application/pdf", "buffer": _pdf(400_000)}
    )
    await page.get_by_label("Description (optional)").fill("Roof repair invoice")
    await page.get_by_role("button", name="Upload").click()
    await expect(page.get_by_role("status")).to_have_text("Uploaded: roof.pdf")
    await expect(page.locator("#evidence-list")).to_contain_text("roof.pdf")
    await expect(page.locator("#evidence-list")).to_contain_text("Roof repair invoice")
    await expect(page.locator("#evidence-progress")).to_be_hidden()

    await page.get_by_role("button", name="中文").click()  # one tap, and the page is Chinese
    await expect(page.get_by_role("heading", name="证据")).to_be_visible()
    await expect(page.locator("#me")).to_have_text("Marco Rossi · 被申请人")
    await page_checks.axe(page, "party (zh-CN)")
    await shoot(page, "party-02-case-zh")
    page_checks.assert_clean()


def _pdf(size: int) -> bytes:
    body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
    return body + b"%" + b"x" * (size - len(body) - 8) + b"\n%%EOF\n"


async def _draft(live: Any, case_id: int) -> dict[str, Any]:
    """The mediator drafts the settlement (through the API, as the console would)."""
    mediator = next(u for u in live.seeded["users"] if u["role"] == "mediator")
    jar = CookieJar(unsafe=True, treat_as_secure_origin=live.base_url)
    async with ClientSession(live.base_url, cookie_jar=jar) as http:
        login = {"username": mediator["username"], "password": mediator["password"]}
        async with http.post("/api/login", json=login) as response:
            assert response.status == 200, await response.text()
            csrf = (await response.json())["csrf_token"]
        body = {"clauses": CLAUSES, "free_text": "双方再无其他争议。"}
        async with http.post(
            f"/api/cases/{case_id}/settlement/versions", json=body, headers={"X-CSRF-Token": csrf}
        ) as response:
            assert response.status == 201, await response.text()
            version: dict[str, Any] = await response.json()
            return version


async def test_party_signs_the_settlement_with_a_drawn_signature(
    browser: Browser,
    live: Any,
    page_checks: Any,
    demo_hearing: dict[str, Any],
    shoot: Any,
    tab_to: Any,
) -> None:
    version = await _draft(live, demo_hearing["case_id"])
    page = await _party(browser, live, page_checks, "zh-CN", "Asia/Shanghai")
    await page.goto(live.url("/party"))
    # Opening by keyboard alone: the code field, typed, Enter.
    await tab_to(page, "个人码")
    await page.keyboard.type(demo_hearing["codes"]["applicant"])
    await page.keyboard.press("Enter")
    await expect(page.locator("#case-number")).to_have_text(demo_hearing["number"])

    settlement = page.locator("#settlement")
    await expect(settlement.locator("#version-h")).to_have_text("第 1 稿（待签署）")
    await expect(settlement.locator("#clauses")).to_contain_text("被申请人支付拖欠租金。")
    await expect(settlement.locator("#clauses")).to_contain_text("10,800.00")
    await expect(settlement.locator("#signatures")).to_have_text("还没有人签名。")
    await page_checks.axe(page, "party settlement")

    sign = page.locator("#sign-form")
    await sign.get_by_role("button", name="签署", exact=True).click()  # nothing drawn yet
    await expect(page.get_by_role("alert")).to_have_text("请先签名")
    pad = await page.locator("#signature").bounding_box()
    assert pad is not None
    await page.mouse.move(pad["x"] + 30, pad["y"] + pad["height"] * 0.6)
    await page.mouse.down()
    for step in range(1, 12):
        x = pad["x"] + 30 + step * 25
        y = pad["y"] + pad["height"] * (0.6 - 0.3 * (step % 2))
        await page.mouse.move(x, y, steps=3)
    await page.mouse.up()
    await sign.get_by_role("button", name="签署", exact=True).click()  # not confirmed yet
    await expect(page.get_by_role("alert")).to_have_text("请勾选确认您已阅读并同意")
    await sign.get_by_label("我已阅读这份协议，同意并签署").check()
    await shoot(page, "party-03-signing")
    await sign.get_by_role("button", name="签署", exact=True).click()

    await expect(page.get_by_role("status")).to_have_text("您已签署协议。", timeout=30000)
    await expect(settlement.locator("#signatures")).to_contain_text("申请人 · 张秀英")
    await expect(sign).to_be_hidden()
    overview = await (
        await page.request.get(live.url(f"/api/cases/{demo_hearing['case_id']}/settlement"))
    ).json()
    signed = overview["versions"][0]["signatures"]
    assert [(s["field"], s["with_image"]) for s in signed] == [("applicant", True)]
    assert overview["versions"][0]["id"] == version["id"]

    async with page.expect_download() as waiting:
        await page.get_by_role("link", name="部分签署的协议（第 1 稿，PDF）").click()
    pdf = await asyncio.to_thread(Path(await (await waiting.value).path()).read_bytes)
    assert pdf.startswith(b"%PDF") and b"/Sig" in pdf
    await page_checks.axe(page, "party signed")
    await shoot(page, "party-04-signed")
    page_checks.assert_clean()


# Watches the upload's progress bar: every value it shows, whether it was visible then, and the
# words read out with it (aria-valuetext).
RECORD_PROGRESS = """() => {
  const bar = document.querySelector("#evidence-progress");
  window.seenProgress = [];
  new MutationObserver(() => window.seenProgress.push({ value: bar.value, hidden: bar.hidden,
      text: bar.getAttribute("aria-valuetext") }))
    .observe(bar, { attributes: true, attributeFilter: ["value", "hidden", "aria-valuetext"] });
}"""


async def test_the_upload_progress_bar_appears_and_advances(
    browser: Browser, live: Any, page_checks: Any, demo_hearing: dict[str, Any]
) -> None:
    page = await _party(browser, live, page_checks, "en-GB", "Europe/Rome")
    await page.goto(live.url(f"/party#code={demo_hearing['codes']['respondent']}"))
    await expect(page.locator("#case-number")).to_have_text(demo_hearing["number"])
    # A slow line (1 MB/s up), so that the upload reports its progress along the way.
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("Network.enable")
    await cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 1 << 20},
    )
    await page.evaluate(RECORD_PROGRESS)
    await page.get_by_label("Choose a file (photo, PDF, audio)").set_input_files(
        {"name": "survey.pdf", "mimeType": "application/pdf", "buffer": _pdf(3_000_000)}
    )
    await page.get_by_role("button", name="Upload").click()
    await expect(page.get_by_role("status")).to_have_text("Uploaded: survey.pdf", timeout=30_000)
    await expect(page.locator("#evidence-progress")).to_be_hidden()
    await expect(page.locator("#evidence-list")).to_contain_text("survey.pdf · 2.9 MB")
    seen = await page.evaluate("window.seenProgress")
    shown = [s for s in seen if not s["hidden"]]
    values = [s["value"] for s in shown]
    assert values and values == sorted(values), seen  # it only ever moves forward
    partway = [s for s in shown if 0 < s["value"] < 1]
    assert partway, seen  # seen between empty and full, not only jumping to the end
    assert all(re.fullmatch(r"\d+% uploaded", s["text"] or "") for s in partway), seen
    assert shown[-1]["value"] == 1 and shown[-1]["text"] == "100% uploaded", seen
    page_checks.assert_clean()


async def test_a_lost_connection_is_told_in_the_pages_language(
    browser: Browser, live: Any, page_checks: Any, demo_hearing: dict[str, Any]
) -> None:
    page = await _party(browser, live, page_checks, "en-GB", "Europe/Rome")
    page_checks.allow(r"net::ERR_INTERNET_DISCONNECTED|net::ERR_FAILED")  # the lost line
    await page.goto(live.url("/party"))
    await expect(page.locator("body[data-ready=true]")).to_be_attached()
    await page.context.set_offline(True)
    await page.get_by_role("textbox", name="Personal code").fill(demo_hearing["codes"]["applicant"])
    await page.get_by_role("button", name="Open").click()
    notice = page.get_by_role("alert")
    await expect(notice).to_have_text(
        "The server cannot be reached. Please check the connection and try again."
    )
    await page.context.set_offline(False)
    await page.get_by_role("button", name="Open").click()
    await expect(page.locator("#case-number")).to_have_text(demo_hearing["number"])

    # The applicant reads Chinese: the page now speaks it. An upload cut off on the way (here:
    # refused by the network) is told in Chinese too.
    await expect(page.get_by_role("heading", name="证据")).to_be_visible()
    await page.route("**/api/cases/*/evidence", lambda route: route.abort("failed"))
    await page.get_by_label("选择文件（照片、PDF、录音）").set_input_files(
        {"name": "roof.pdf", "mimeType": "application/pdf", "buffer": _pdf(20_000)}
    )
    await page.get_by_role("button", name="上传").click()
    await expect(notice).to_have_text("无法连接服务器。请检查网络后再试一次。")
    await expect(page.locator("#evidence-progress")).to_be_hidden()
    page_checks.assert_clean()

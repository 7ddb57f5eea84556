"""The case's evidence in the hearing view (/hearing?id=N), in a real browser: the list with each
item's type, size and SHA-256; a viewer for photos, PDFs and recordings that checks the file
received against the recorded hash; for the host (staff) and the parties (here the respondent,
in English), not for an interpreter, who only joins the hearing."""

from __future__ import annotations

import hashlib
import io
import math
import re
import wave
from typing import Any

import pytest
from arrange import log_in, post
from people import desk, join_with_code
from PIL import Image
from playwright.async_api import Browser, Page, expect

pytestmark = pytest.mark.slow


def _evidence_files() -> dict[str, tuple[str, bytes]]:
    """A photo, a PDF and a short recording, as a party would upload them."""
    photo, pdf, sound = io.BytesIO(), io.BytesIO(), io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 40)).save(photo, "PNG")
    Image.new("RGB", (200, 120), (250, 250, 250)).save(pdf, "PDF")
    with wave.open(sound, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        tone = (int(8000 * math.sin(i / 3)) for i in range(8000))  # one second
        out.writeframes(b"".join(t.to_bytes(2, "little", signed=True) for t in tone))
    return {
        "photo.png": ("image/png", photo.getvalue()),
        "invoice.pdf": ("application/pdf", pdf.getvalue()),
        "call.wav": ("audio/wav", sound.getvalue()),
    }


async def _upload(browser: Browser, live: Any, case_id: int, code: str) -> dict[str, str]:
    """The respondent uploads the files from home; returns each one's sha256."""
    context = await browser.new_context()
    session = await context.request.post(live.url("/api/session"), data={"code": code})
    csrf = (await session.json())["csrf_token"]
    hashes = {}
    for name, (media_type, body) in _evidence_files().items():
        response = await context.request.post(
            live.url(f"/api/cases/{case_id}/evidence"),
            headers={"X-CSRF-Token": csrf},
            multipart={"file": {"name": name, "mimeType": media_type, "buffer": body}},
        )
        assert response.status == 201, await response.text()
        hashes[name] = hashlib.sha256(body).hexdigest()
    await context.close()
    return hashes


async def _interpreter_code(browser: Browser, live: Any, hearing_id: int) -> str:
    context = await browser.new_context()
    csrf = await log_in(context, live, "mediator")
    path = f"/api/hearings/{hearing_id}/participants"
    invited = await post(
        context, live, path, csrf, name="Anna Weber", language="en", timezone="Europe/Berlin"
    )
    code: str = invited["code"]["code"]
    await context.close()
    return code


async def test_the_cases_evidence_is_viewable_in_the_hearing_with_its_hashes_checked(
    browser: Browser,
    live: Any,
    demo_hearing: dict[str, Any],
    page_checks: Any,
    shoot: Any,
    tab_to: Any,
) -> None:
    hearing_id, case_id = demo_hearing["id"], demo_hearing["case_id"]
    hashes = await _upload(browser, live, case_id, demo_hearing["codes"]["respondent"])
    page_checks.allow(r"401 \(Unauthorized\).*/api/me")  # parties have no session yet
    mediator = next(u for u in live.seeded["users"] if u["role"] == "mediator")

    # The mediator, hosting: every item with its type, size and hash; each one opens.
    host = page_checks.watch(await (await desk(browser, "zh-CN", "Asia/Shanghai")).new_page())
    login = {k: mediator[k] for k in ("username", "password")}
    assert (await host.request.post(live.url("/api/login"), data=login)).ok
    await host.goto(live.url(f"/hearing?id={hearing_id}"))
    panel = host.get_by_role("region", name="本案证据")
    items = panel.locator("#evidence-list li")
    await expect(items).to_have_count(3)
    for name, kind in (("photo.png", "图片 · PNG"), ("invoice.pdf", "PDF 文档"),
                       ("call.wav", "录音 · WAV")):  # fmt: skip
        item = items.filter(has_text=name)
        await expect(item).to_contain_text(kind)
        await expect(item.locator("code")).to_have_text(hashes[name])
    sound_kb = len(_evidence_files()["call.wav"][1]) / 1024
    await expect(items.filter(has_text="call.wav")).to_contain_text(
        f"录音 · WAV · {sound_kb:.1f} KB"
    )
    await tab_to(host, "查看 photo.png")  # by keyboard alone
    await host.keyboard.press("Enter")
    viewer = host.get_by_role("region", name="photo.png")
    await expect(viewer).to_be_focused()
    photo = viewer.get_by_role("img", name="photo.png")
    await expect(photo).to_be_visible()
    assert await photo.evaluate("i => i.naturalWidth") == 40
    await expect(viewer.locator(".check")).to_have_text("✓ 收到的文件与登记的 SHA-256 一致。")
    await panel.get_by_role("button", name="查看 invoice.pdf").click()
    viewer = host.get_by_role("region", name="invoice.pdf")
    await expect(viewer.locator("object[type='application/pdf']")).to_have_attribute(
        "data", re.compile("^blob:")
    )
    await expect(viewer.locator(".check")).to_have_attribute("data-match", "true")
    await page_checks.axe(host, "hearing evidence (host)")
    await shoot(host, "hearing-evidence-01-host")
    await viewer.get_by_role("button", name="关闭查看").click()
    await expect(viewer).to_be_hidden()
    await expect(panel.get_by_role("button", name="查看 invoice.pdf")).to_be_focused()

    # The respondent (English) listens to the recording from the waiting room.
    respondent = await join_with_code(
        browser, live, page_checks, hearing_id, demo_hearing["codes"]["respondent"], True
    )
    panel = respondent.get_by_role("region", name="Evidence of the case")
    await expect(panel.locator("#evidence-list li").filter(has_text="photo.png")).to_contain_text(
        "Picture · PNG"
    )
    await panel.get_by_role("button", name="View call.wav").click()
    audio = respondent.get_by_label("Recording: call.wav")
    await expect(audio).to_be_visible()
    await respondent.wait_for_function(
        "() => document.querySelector('#evidence-viewer audio').duration > 0.9"
    )
    await expect(respondent.locator("#evidence-viewer .check")).to_have_text(
        "✓ The file received matches the recorded SHA-256."
    )
    await page_checks.axe(respondent, "hearing evidence (party, en)")
    await shoot(respondent, "hearing-evidence-02-respondent-en")

    # An interpreter joins the hearing but is not shown the case's evidence.
    code = await _interpreter_code(browser, live, hearing_id)
    context = await desk(browser, "en-GB", "Europe/Berlin")
    interpreter: Page = page_checks.watch(await context.new_page())
    await interpreter.goto(live.url(f"/hearing?id={hearing_id}"))
    await expect(interpreter.get_by_role("heading", name="Join the mediation")).to_be_visible()
    refused = await interpreter.evaluate(
        """async () => (await import("/static/js/hearing-state.js")).call("chat", {})
            .then(() => "sent", (error) => error.message)"""
    )
    assert refused == "Not connected to the hearing yet. Please try again in a moment."
    await interpreter.get_by_label("Personal code").fill(code)
    await interpreter.get_by_role("button", name="Join").click()
    await expect(interpreter.get_by_role("heading", name="Please wait")).to_be_visible(
        timeout=20_000
    )
    await expect(interpreter.locator("#hearing-title")).to_contain_text(demo_hearing["number"])
    await expect(interpreter.locator("#evidence")).to_be_hidden()
    page_checks.assert_clean()

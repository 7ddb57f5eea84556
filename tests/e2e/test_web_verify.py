"""Someone who was not there checks a court document in a real browser.

The demo's confirmed ruling: its QR code leads to /verify?ref=..., which shows the public
record; uploading the file says it is intact and the court's final document; a tampered copy
fails. The same by keyboard alone (the file chosen with Enter or Space on the file control).
Every screen is checked by axe-core and photographed (test-artifacts/screenshots/verify-*.png),
and no page logs an error. Debian's chromium, driven by playwright, against ``odr serve`` as a
process.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest
from keys import intercept_file_choosers
from playwright.async_api import Browser, Page, expect
from procs import Server, odr

pytestmark = pytest.mark.slow


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[Server, dict[str, Any]]]:
    data_dir = tmp_path / "data"
    url = f"sqlite:///{data_dir}/odr.sqlite3"
    seeded = await asyncio.to_thread(odr, data_dir, url, "demo", "--json", timeout=240)
    assert seeded.returncode == 0, seeded.stderr
    async with Server(data_dir, url, tmp_path / "server.log") as server:
        yield server, json.loads(seeded.stdout)


def _local(server: Server, url: str) -> str:
    """The demo prints URLs of the configured base; the test server runs on another port."""
    parts = urlsplit(url)
    return server.base_url + parts.path + (f"?{parts.query}" if parts.query else "")


async def _files(server: Server, documents: dict[str, Any], tmp_path: Path) -> tuple[Path, Path]:
    """The demo's ruling as the court issued it, and a copy changed after signing."""
    async with (
        aiohttp.ClientSession() as http,
        http.get(_local(server, documents["ruling_url"])) as response,
    ):
        assert response.status == 200
        ruling = await response.read()
    genuine, altered = tmp_path / "ruling.pdf", tmp_path / "altered.pdf"
    genuine.write_bytes(ruling)
    altered.write_bytes(ruling + b"\n% changed after signing\n")
    return genuine, altered


async def _arrive(browser: Browser, server: Server, documents: dict[str, Any], checks: Any) -> Page:
    """Open the page where the ruling's QR code leads: the public record shows."""
    page: Page = checks.watch(await (await browser.new_context(locale="zh-CN")).new_page())
    checks.allow(r"401 \(Unauthorized\).*/api/me")  # a verifier has no staff session
    await page.goto(_local(server, documents["verify_url"]))
    record = page.get_by_role("region", name="法院公开记录")
    await expect(record).to_be_visible()
    await expect(record).to_contain_text("民事裁定书")
    await expect(record).to_contain_text("已裁定确认")
    return page


async def test_a_verifier_checks_the_demo_ruling(
    browser: Browser,
    served: tuple[Server, dict[str, Any]],
    tmp_path: Path,
    page_checks: Any,
    shoot: Any,
) -> None:
    server, seeded = served
    documents = seeded["documents"]
    genuine, altered = await _files(server, documents, tmp_path)

    page = await _arrive(browser, server, documents, page_checks)
    await page_checks.axe(page, "verify from the QR code")
    await shoot(page, "verify-01-record")

    await page.get_by_label("选择 PDF 文件").set_input_files(genuine)
    await page.get_by_role("button", name="核验").click()
    await expect(page.locator("#verdict")).to_have_text(
        "核验通过：所有签名完好、可信，最后签名后文书未被改动。"
    )
    await expect(page.locator("#record-status")).to_contain_text("最终文书")
    await expect(page.locator("#signers li")).to_have_count(1)
    await page_checks.axe(page, "verify verified")
    await shoot(page, "verify-02-verified")

    await page.get_by_role("button", name="English").click()
    await expect(page.locator("#verdict")).to_contain_text("Verified")
    await page_checks.axe(page, "verify verified (en)")

    await page.get_by_label("Choose a PDF file").set_input_files(altered)
    await page.get_by_role("button", name="Verify", exact=True).click()
    await expect(page.locator("#verdict")).to_have_text(
        "Verification FAILED. Do not rely on this file."
    )
    await expect(page.locator("#record-status")).to_contain_text("does not know this file")
    await page_checks.axe(page, "verify failed (en)")
    await shoot(page, "verify-03-failed-en")
    page_checks.assert_clean()


async def test_a_verifier_uploads_the_ruling_by_keyboard_alone(
    browser: Browser,
    served: tuple[Server, dict[str, Any]],
    tmp_path: Path,
    page_checks: Any,
    shoot: Any,
    tab_to: Any,
) -> None:
    server, seeded = served
    genuine, altered = await _files(server, seeded["documents"], tmp_path)
    page = intercept_file_choosers(await _arrive(browser, server, seeded["documents"], page_checks))
    verdict = page.locator("#verdict")
    for key, chosen, expected in (
        ("Enter", genuine, "核验通过：所有签名完好、可信，最后签名后文书未被改动。"),
        ("Space", altered, "核验未通过，请勿信赖此文件。"),
    ):
        await tab_to(page, "选择 PDF 文件")
        async with page.expect_file_chooser() as chooser:
            await page.keyboard.press(key)
        await (await chooser.value).set_files(chosen)
        name = await page.get_by_label("选择 PDF 文件").evaluate("input => input.files[0].name")
        assert name == chosen.name
        await page.keyboard.press("Tab")
        await expect(page.get_by_role("button", name="核验", exact=True)).to_be_focused()
        await page.keyboard.press("Enter")
        await expect(verdict).to_have_text(expected, timeout=30_000)
    await expect(page.locator("#record-status")).to_have_text("公开记录中没有此文件。")
    await page_checks.axe(page, "verify failed (keyboard)")
    await shoot(page, "verify-04-failed-keyboard")
    page_checks.assert_clean()

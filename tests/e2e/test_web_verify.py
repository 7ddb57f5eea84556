"""Someone who was not there checks a court document in a real browser.

The demo's confirmed ruling: its QR code leads to /verify?ref=..., which shows the public
record; uploading the file says it is intact and the court's final document; a tampered copy
fails. Debian's chromium, driven by playwright, against ``odr serve`` as a process.
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
from playwright.async_api import Browser, expect
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


async def test_a_verifier_checks_the_demo_ruling(
    browser: Browser, served: tuple[Server, dict[str, Any]], tmp_path: Path
) -> None:
    server, seeded = served
    documents = seeded["documents"]
    async with (
        aiohttp.ClientSession() as http,
        http.get(_local(server, documents["ruling_url"])) as response,
    ):
        assert response.status == 200
        ruling = await response.read()
    genuine, altered = tmp_path / "ruling.pdf", tmp_path / "altered.pdf"
    genuine.write_bytes(ruling)
    altered.write_bytes(ruling + b"\n% changed after signing\n")

    page = await (await browser.new_context(locale="zh-CN")).new_page()
    await page.goto(_local(server, documents["verify_url"]))  # where the QR code leads
    record = page.locator("#record")
    await expect(record).to_be_visible()
    await expect(record).to_contain_text("民事裁定书")
    await expect(record).to_contain_text("已裁定确认")

    await page.get_by_label("选择 PDF 文件").set_input_files(genuine)
    await page.get_by_role("button", name="核验").click()
    await expect(page.locator("#verdict")).to_have_text(
        "核验通过：所有签名完好、可信，最后签名后文书未被改动。"
    )
    await expect(page.locator("#record-status")).to_contain_text("最终文书")
    await expect(page.locator("#signers li")).to_have_count(1)

    await page.get_by_role("button", name="English").click()
    await expect(page.locator("#verdict")).to_contain_text("Verified")

    await page.get_by_label("Choose a PDF file").set_input_files(altered)
    await page.get_by_role("button", name="Verify", exact=True).click()
    await expect(page.locator("#verdict")).to_have_text(
        "Verification FAILED. Do not rely on this file."
    )
    await expect(page.locator("#record-status")).to_contain_text("does not know this file")

"""Scanning the slip's QR code at the village terminal, in Debian's chromium, whose camera is a
video file (``--use-file-for-fake-video-capture``): a YUV4MPEG2 picture of the QR made here
with segno. Chromium on Linux has no BarcodeDetector (and the tests remove it anyway), so the
frames are read by the vendored jsQR. The slip's link opens the case as if its code were
typed; another QR code is refused without trying it; the camera stops when the scan ends or
the villager leaves the screen."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import segno
from PIL import Image
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect
from support import filing

pytestmark = pytest.mark.slow

WIDTH, HEIGHT, FRAMES = 640, 480, 5
# Every camera stream the page opens, kept to check that each track was stopped.
KEEP_STREAMS = """(() => {
  delete window.BarcodeDetector;  // the fallback is what is tested, whatever chromium ships
  window.openedStreams = [];
  const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await open(constraints);
    window.openedStreams.push(stream);
    return stream;
  };
})();"""
TRACKS = "() => window.openedStreams.flatMap(s => s.getTracks()).map(t => t.readyState)"

LaunchCamera = Callable[[str], Awaitable[Browser]]


def qr_video(path: Path, text: str) -> None:
    """A few frames of YUV4MPEG2 (4:2:0) showing the QR code of ``text`` on grey paper."""
    qr = segno.make_qr(text, error="m")
    png = io.BytesIO()
    modules = qr.symbol_size(scale=1, border=4)[0]
    qr.save(png, kind="png", scale=max(1, (HEIGHT - 40) // modules), border=4)
    picture = Image.open(png).convert("L")
    frame = Image.new("L", (WIDTH, HEIGHT), 190)
    frame.paste(picture, ((WIDTH - picture.width) // 2, (HEIGHT - picture.height) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * ((WIDTH // 2) * (HEIGHT // 2))
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420\n".encode("ascii"))
        for _ in range(FRAMES):
            out.write(b"FRAME\n" + luma + chroma + chroma)


@pytest.fixture
async def camera_showing(
    pytestconfig: pytest.Config, tmp_path: Path
) -> AsyncIterator[LaunchCamera]:
    """``await camera_showing(text)``: a chromium whose camera films the QR code of ``text``."""
    e2e = pytestconfig.pluginmanager.get_plugin(str(Path(__file__).with_name("conftest.py")))
    assert e2e is not None, "the e2e conftest (chromium and its flags) is not loaded"
    if not e2e.HAVE_CHROMIUM:
        pytest.skip("needs Debian's chromium (make setup)")
    async with async_playwright() as pw:
        launched: list[Browser] = []

        async def launch(text: str) -> Browser:
            video = tmp_path / f"camera-{len(launched)}.y4m"
            qr_video(video, text)
            flags = [*e2e.FLAGS, f"--use-file-for-fake-video-capture={video}"]
            browser = await pw.chromium.launch(executable_path=e2e.CHROMIUM, args=flags)
            launched.append(browser)
            return browser

        yield launch
        for browser in launched:
            await browser.close()


async def _kiosk_code_screen(context: BrowserContext, live: Any, checks: Any) -> Page:
    await context.add_init_script(KEEP_STREAMS)
    page: Page = checks.watch(await context.new_page())
    await page.goto(live.url(f"/kiosk?intake={live.seeded['intake_code']}&idle=600"))
    await expect(page.locator("body[data-ready=true]")).to_be_attached()
    await page.get_by_role("button", name="我有个人码").click()
    await expect(page.get_by_role("heading", name="请输入个人码")).to_be_visible()
    return page


async def _file_case(live: Any) -> dict[str, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.post(live.url("/api/cases"), json=filing(live.seeded["intake_code"])) as response,
    ):
        assert response.status == 201, await response.text()
        filed: dict[str, Any] = await response.json()
        return filed


async def test_scanning_the_slip_opens_the_case(
    camera_showing: LaunchCamera, live: Any, page_checks: Any, shoot: Any
) -> None:
    # A villager filed a case; the slip's QR code is the link to the party page with the code.
    filed = await _file_case(live)
    code = filed["applicant"]["code"]
    browser = await camera_showing(live.url(f"/party#code={code}"))
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1024, "height": 900})
    page = await _kiosk_code_screen(context, live, page_checks)
    assert await page.evaluate("() => 'BarcodeDetector' in window") is False

    await page.get_by_role("button", name="扫二维码").click()
    # Read by jsQR from the camera's frames: the case opens as if the code had been typed.
    await expect(page.locator("#track-number")).to_have_text(filed["number"], timeout=15_000)
    await expect(page.locator("#track-state")).to_have_text("已申请")
    await expect(page.locator("#track-hearing")).to_have_text("还没有安排调解时间")
    assert await page.evaluate("() => typeof window.jsQR") == "function"
    me = await (await page.request.get(live.url("/api/me"))).json()
    assert me["case_id"] == filed["case_id"]
    # The scan is over: the camera is off and its picture gone.
    assert await page.evaluate(TRACKS) == ["ended"]
    assert await page.locator("#scan-video").evaluate("v => v.srcObject") is None
    await expect(page.locator("#scanner")).to_be_hidden()
    await page_checks.axe(page, "kiosk track after a scan")
    await shoot(page, "kiosk-10-scanned")
    page_checks.assert_clean()


async def test_another_qr_code_is_refused_and_leaving_stops_the_camera(
    camera_showing: LaunchCamera, live: Any, page_checks: Any, shoot: Any
) -> None:
    browser = await camera_showing("https://example.org/not-a-slip")
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1024, "height": 900})
    page = await _kiosk_code_screen(context, live, page_checks)
    tried: list[str] = []
    page.on("request", lambda r: tried.append(r.url) if "/api/session" in r.url else None)

    await page.get_by_role("button", name="扫二维码").click()
    await expect(page.get_by_role("button", name="停止扫码")).to_be_focused()
    await expect(page.get_by_role("alert")).to_have_text(
        "这个二维码不是个人码，请扫纸条上的二维码", timeout=15_000
    )
    assert tried == []  # never tried as a code
    await expect(page.locator("#scanner")).to_be_visible()  # still looking for the slip
    assert await page.evaluate(TRACKS) == ["live"]
    await page_checks.axe(page, "kiosk scanning")
    await shoot(page, "kiosk-11-scanning")

    await page.get_by_role("button", name="停止扫码").click()  # stopped by the villager
    await expect(page.locator("#scanner")).to_be_hidden()
    await expect(page.get_by_role("button", name="扫二维码")).to_be_focused()
    assert await page.evaluate(TRACKS) == ["ended"]

    await page.get_by_role("button", name="扫二维码").click()  # or the screen is left
    await expect(page.locator("#scan-video")).to_have_js_property("paused", False)
    await page.locator("#code").get_by_role("button", name="返回").click()
    await expect(page.get_by_role("heading", name="您要办什么？")).to_be_visible()
    assert await page.evaluate(TRACKS) == ["ended", "ended"]
    assert await page.locator("#scan-video").evaluate("v => v.srcObject") is None
    assert (await page.request.get(live.url("/api/me"))).status == 401
    page_checks.assert_clean()


async def test_only_a_personal_code_is_taken_from_a_qr_code(
    browser: Browser, live: Any, page_checks: Any
) -> None:
    page = page_checks.watch(await (await browser.new_context()).new_page())
    await page.goto(live.url("/kiosk"))
    await expect(page.locator("body[data-ready=true]")).to_be_attached()
    read = await page.evaluate(
        """async (texts) => { const { codeFromScan } = await import("/static/js/keypad.js");
            return texts.map(codeFromScan); }""",
        [
            live.url("/party#code=ABCD-EFGH-JKMN"),  # the slip's link
            "https://odr.example.cn/party/#code=abcd-efgh-jkmo",  # confusable O read as 0
            "ABCD-EFGH-JKMN",  # the bare code
            " abcdefghjkmn ",
            live.url("/party"),  # no code in it
            live.url("/verify#code=ABCD-EFGH-JKMN"),  # not the party page
            "https://example.org/not-a-slip",
            "ABCD-EFGH-JKM",  # too short
            "ABCD-EFGH-JKMNP",  # too long
            "ABCD-EFGH-JKMU",  # U is not in the alphabet
            "HELLO WORLD!",
        ],
    )
    assert read == ["ABCDEFGHJKMN", "ABCDEFGHJKM0", "ABCDEFGHJKMN", "ABCDEFGHJKMN"] + [""] * 7
    page_checks.assert_clean()

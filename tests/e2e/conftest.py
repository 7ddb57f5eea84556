"""Browser fixtures shared by the e2e tests of the web front end (issue 5).

- ``live``: the aiohttp app on a real port of 127.0.0.1 (SQLite, demo court seeded), with
  ``base_url`` set to that address so the Origin check and the QR links match.
- ``browser``: Debian's chromium through playwright, with a fake camera and microphone.
- ``page_checks``: watches pages for console errors and uncaught exceptions, and runs
  axe-core (no serious or critical violations); ``shoot(page, name)`` saves a screenshot
  under ``test-artifacts/screenshots/`` (fixture ``shoot``).
- ``tab_to(page, name)``: move the focus by keyboard alone to a named control.
- ``demo_hearing``: the demo case in mediation with a hearing now and both parties' codes.
"""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from playwright.async_api import Browser, ConsoleMessage, Error, Page, async_playwright
from support import make_settings

from odr.cli import demo
from odr.http.app import create_app
from odr.services.startup import opened_store
from odr.settings import Settings

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection",
]  # fmt: skip
HAVE_CHROMIUM = Path(CHROMIUM).exists()
ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).with_name("vendor") / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
BLOCKING = ("serious", "critical")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class Live:
    base_url: str
    settings: Settings
    seeded: dict[str, Any]

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture
def live_settings() -> dict[str, Any]:
    """Settings of the ``live`` server beyond the test defaults (a module may override this)."""
    return {}


@pytest.fixture
async def live(tmp_path: Path, live_settings: dict[str, Any]) -> AsyncIterator[Live]:
    """The whole app served on a free port of 127.0.0.1, SQLite, the demo court seeded."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    settings = make_settings(
        tmp_path / "data",
        f"sqlite:///{tmp_path}/odr.sqlite3",
        base_url=base_url,
        port=port,
        **live_settings,
    )

    def seed() -> dict[str, Any]:
        with opened_store(settings) as (db, key):
            return demo.seed(settings, db, key)

    seeded = await asyncio.to_thread(seed)
    runner = web.AppRunner(create_app(settings), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    try:
        yield Live(base_url, settings, seeded)
    finally:
        await runner.cleanup()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not HAVE_CHROMIUM:
        pytest.skip("needs Debian's chromium (make setup)")
    async with async_playwright() as pw:
        launched = await pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        await launched.close()


@dataclass
class PageChecks:
    """Console errors, uncaught exceptions and axe-core results of the watched pages."""

    problems: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def watch(self, page: Page) -> Page:
        page.on("console", self._console)
        page.on("pageerror", self._pageerror)
        return page

    def allow(self, pattern: str) -> None:
        """Accept console errors matching ``pattern`` (e.g. an expected 404 of a wrong code)."""
        self.allowed.append(re.compile(pattern))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        text = f"{message.text} @ {message.location.get('url', '')}"
        if not any(p.search(text) for p in self.allowed):
            self.problems.append(f"console: {text}")

    def _pageerror(self, error: Error) -> None:
        self.problems.append(f"pageerror: {error.message}\n{error.stack}")

    async def axe(self, page: Page, name: str = "") -> list[dict[str, Any]]:
        """Run axe-core on the page; fail on serious or critical violations."""
        if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
            await page.add_script_tag(content=AXE.read_text("utf-8"))
        result: dict[str, Any] = await page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        violations: list[dict[str, Any]] = result["violations"]
        bad = [v for v in violations if v.get("impact") in BLOCKING]
        summary = [
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}" for v in bad
        ]
        assert not bad, f"axe on {name or page.url}: {summary}"
        return violations

    def unwatch(self, page: Page) -> None:
        """Stop watching ``page`` (before it leaves for a page another test owns)."""
        page.remove_listener("console", self._console)
        page.remove_listener("pageerror", self._pageerror)

    def assert_clean(self) -> None:
        problems, self.problems = self.problems, []
        assert not problems, "\n".join(problems)


@pytest.fixture
def page_checks() -> Iterator[PageChecks]:
    checks = PageChecks()
    yield checks
    checks.assert_clean()


async def _tab_to(page: Page, name: str, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until the focused element's text or label is ``name``."""
    key = "Shift+Tab" if backwards else "Tab"
    # A page still loading (aria-busy) may move the focus when it is done, as a user would see.
    await page.wait_for_function("() => !document.querySelector('[aria-busy=true]')")
    for _ in range(limit):
        await page.keyboard.press(key)
        focused = await page.evaluate(
            """() => { const e = document.activeElement; if (!e) return "";
                if (e.getAttribute("aria-label")) return e.getAttribute("aria-label").trim();
                const named = e.labels && e.labels.length ? e.labels[0] : e;
                const copy = named.cloneNode(true);
                for (const hidden of copy.querySelectorAll("[aria-hidden=true]")) hidden.remove();
                return (copy.textContent || e.value || "").trim(); }"""
        )
        if focused == name:
            return
    raise AssertionError(f"no focusable element named {name!r} by {key}")


async def save_screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def shoot() -> Callable[[Page, str], Awaitable[Path]]:
    """``await shoot(page, "kiosk-start")``: a screenshot of the screen, kept by the run."""
    return save_screenshot


@pytest.fixture
def tab_to() -> Callable[..., Awaitable[None]]:
    """``await tab_to(page, "Join")``: move the focus by keyboard alone to the named control."""
    return _tab_to


@pytest.fixture
async def demo_hearing(live: Live) -> dict[str, Any]:
    """The demo case in mediation with a hearing starting now: ``{"id", "case_id", "number",
    "codes": {"applicant", "respondent"}}``; the respondent reads English (Europe/Rome)."""
    from odr.cli.demo_hearing import seed_hearing

    def seed() -> dict[str, Any]:
        with opened_store(live.settings) as (db, key):
            return seed_hearing(live.settings, db, key, live.seeded)

    return await asyncio.to_thread(seed)

"""Keyboard helpers the keyboard-only browser tests share (conftest's ``tab_to`` moves the focus
to a named control; these read the focus, move it within a group, and type dates).

Typing into the focused element and pressing keys is keyboard use; ``fill()``, ``check()``,
``select_option()`` and ``click()`` are not, and these helpers never use them.
"""

from __future__ import annotations

from datetime import date, datetime

from playwright.async_api import Page

# The name of the focused control, as conftest's tab_to reads it (its aria-label, the text of
# its label, or its own text); for a <select>, the text of the option it shows.
FOCUSED = """() => { const e = document.activeElement; if (!e) return "";
    if (e.tagName === "SELECT") return (e.selectedOptions[0]?.textContent || "").trim();
    if (e.getAttribute("aria-label")) return e.getAttribute("aria-label").trim();
    const named = e.labels && e.labels.length ? e.labels[0] : e;
    const copy = named.cloneNode(true);
    for (const hidden of copy.querySelectorAll("[aria-hidden=true]")) hidden.remove();
    return (copy.textContent || e.value || "").trim(); }"""

# The order of the fields a date (or date and time) input shows: Chromium lays them out in the
# browser's own language (not the page's), e.g. month/day/year and AM/PM in en-US.
FIELDS = """([lang, withTime]) => new Intl.DateTimeFormat(lang, withTime
    ? { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" }
    : { year: "numeric", month: "2-digit", day: "2-digit" })
    .formatToParts(new Date(2031, 5, 12, 9, 30)).map((p) => p.type)
    .filter((t) => t !== "literal")"""

_browser_lang: dict[int, str] = {}


async def focused_name(page: Page) -> str:
    name: str = await page.evaluate(FOCUSED)
    return name


async def arrow_to(page: Page, name: str, key: str = "ArrowDown", limit: int = 20) -> None:
    """Press ``key`` (an arrow) until the focused radio button or <select> shows ``name``."""
    for _ in range(limit):
        if await focused_name(page) == name:
            return
        await page.keyboard.press(key)
    raise AssertionError(f"{key} never reached {name!r} (at {await focused_name(page)!r})")


def intercept_file_choosers(page: Page) -> Page:
    """Have playwright take the page's file choosers from now on, long before a key opens one.

    ``page.expect_file_chooser()`` alone turns the interception on without waiting for it, and
    a key pressed at once may open the (headless, invisible) chooser first: the event is lost.
    """
    page.on("filechooser", lambda _chooser: None)
    return page


async def _ui_language(page: Page) -> str:
    """The browser's own language (a context's locale changes the page's, not the widgets')."""
    browser = page.context.browser
    assert browser is not None
    if id(browser) not in _browser_lang:
        blank = await browser.new_page()
        _browser_lang[id(browser)] = await blank.evaluate("navigator.language")
        await blank.context.close()
    return _browser_lang[id(browser)]


async def type_date(page: Page, value: date | datetime) -> None:
    """Type ``value`` into the focused date (or datetime-local) input, field by field, in the
    order the browser shows them. Two-digit fields move on by themselves; a year does not."""
    with_time = isinstance(value, datetime)
    order: list[str] = await page.evaluate(FIELDS, [await _ui_language(page), with_time])
    hour12 = "dayPeriod" in order
    for index, field in enumerate(order):
        if field == "year":
            await page.keyboard.type(f"{value.year:04d}")
            if index < len(order) - 1:
                await page.keyboard.press("ArrowRight")
        elif field == "month":
            await page.keyboard.type(f"{value.month:02d}")
        elif field == "day":
            await page.keyboard.type(f"{value.day:02d}")
        elif field == "hour" and isinstance(value, datetime):
            hour = (value.hour % 12 or 12) if hour12 else value.hour
            await page.keyboard.type(f"{hour:02d}")
        elif field == "minute" and isinstance(value, datetime):
            await page.keyboard.type(f"{value.minute:02d}")
        elif field == "dayPeriod" and isinstance(value, datetime):
            await page.keyboard.type("P" if value.hour >= 12 else "A")

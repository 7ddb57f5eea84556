"""The hearing view in a real browser on the Janus backend (``ODR_MEDIA_BACKEND=janus``, a real
Janus process): the front end sees ``state.media == "janus"`` and speaks that layout
(web/js/hearing-janus.js: voice, camera and the others' cameras on three peer connections).
The mediator and two parties, each in a browser context of their own, see the two others'
video playing through Janus and hear the room's mix; when the mediator takes the applicant into
a private room, the respondent's view no longer shows her camera, and shows it again when she
is back."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from janus.janus_proc import JanusProcess, running_janus
from people import host_from_console, join_with_code
from playwright.async_api import Browser, expect
from test_hearing_view import _frames_advance

pytestmark = pytest.mark.heavy


@pytest.fixture(scope="module")
def janus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JanusProcess]:
    with running_janus(tmp_path_factory.mktemp("janus")) as process:
        yield process


@pytest.fixture
def live_settings(janus: JanusProcess) -> dict[str, Any]:
    return {
        "media_backend": "janus",
        "janus_url": janus.url,
        "janus_api_secret": janus.api_secret,
        "janus_admin_key": janus.admin_key,
    }


async def test_three_browsers_see_and_hear_each_other_through_janus_and_a_caucus_hides(
    browser: Browser,
    live: Any,
    demo_hearing: dict[str, Any],
    page_checks: Any,
) -> None:
    hearing_id = demo_hearing["id"]
    page_checks.allow(r"401 \(Unauthorized\).*/api/me")  # parties have no session yet
    host = await host_from_console(browser, live, page_checks)
    codes = demo_hearing["codes"]
    applicant = await join_with_code(
        browser, live, page_checks, hearing_id, codes["applicant"], False
    )
    respondent = await join_with_code(
        browser, live, page_checks, hearing_id, codes["respondent"], True
    )

    lobby = host.locator("#lobby-list")
    admit = lobby.get_by_role("button", name=re.compile("^请 .+ 进入$"))
    await expect(admit).to_have_count(2, timeout=20_000)
    await admit.first.click()
    await expect(admit).to_have_count(1)
    await admit.first.click()
    await expect(lobby).to_have_text("没有人在等候。")

    # Through Janus, each sees the two others' cameras playing, captioned with who they are.
    seen = {
        name: await _frames_advance(page, 2)
        for name, page in (("host", host), ("applicant", applicant), ("respondent", respondent))
    }
    assert len({tuple(v) for v in seen.values()}) == 3, seen  # each sees a different pair
    respondent_tiles = respondent.locator("#tiles li[data-mid]:not([hidden]) .caption")
    await expect(respondent_tiles.filter(has_text="Applicant")).to_have_count(1)
    await expect(respondent_tiles.filter(has_text="Mediator")).to_have_count(1)
    # The room's mix (Janus's AudioBridge) plays.
    if await applicant.locator("#sound-on").is_visible():
        await applicant.locator("#sound-on").click()
    mix = applicant.locator("#mix")
    await expect(mix).to_have_js_property("paused", False, timeout=10_000)
    start = await mix.evaluate("a => a.currentTime")
    await respondent.wait_for_timeout(1000)
    assert await mix.evaluate("a => a.currentTime") > start + 0.5
    # The host's link is measured over Janus's peer connections too.
    await expect(host.locator("#quality")).to_have_attribute(
        "data-level", re.compile("good|fair|poor"), timeout=15_000
    )

    # A caucus with the applicant: the respondent, left alone, sees no camera; then both again.
    applicant_name = (await applicant.locator("#self-name").inner_text()).strip()
    await host.get_by_label(f"选 {applicant_name} 单独谈话").check()
    await host.get_by_role("button", name="与选中的人单独谈话").click()
    await expect(applicant.locator("#private-note")).to_be_visible()
    await expect(respondent.locator("#tiles li[data-mid]:not([hidden])")).to_have_count(0)
    # The applicant, in the private room, sees the mediator's camera alone.
    host_id = (set(seen["applicant"]) - set(seen["host"])).pop()
    assert await _frames_advance(applicant, 1) == [host_id]
    back = re.compile(f"^请 .*{re.escape(applicant_name)}.* 回到调解室$")
    await host.get_by_role("button", name=back).click()
    await expect(respondent.locator("#tiles li[data-mid]:not([hidden])")).to_have_count(2)
    assert await _frames_advance(respondent, 2) == seen["respondent"]
    page_checks.assert_clean()

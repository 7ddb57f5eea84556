"""When the hub drops a participant's peer connection, the hearing view offers a new one with
the ICE servers of the latest ``state``: TURN credentials expire (ODR_TURN_TTL_SECONDS), so a
party behind NAT who retried with the first ones would never get media back."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from people import join_with_code
from playwright.async_api import Browser, Page

pytestmark = pytest.mark.slow

# Every RTCPeerConnection the page makes, and the configuration it was made with.
RECORD_PEERS_JS = """(() => { const Native = window.RTCPeerConnection;
    window.peers = [];
    window.RTCPeerConnection = function (config) {
        const pc = new Native(config);
        window.peers.push({ pc, config: JSON.parse(JSON.stringify(config || {})) });
        return pc;
    };
    window.RTCPeerConnection.prototype = Native.prototype; })()"""

# The hub gave up on the newest peer connection, as the browser reports it.
FAIL_NEWEST_JS = """() => { const { pc } = window.peers.at(-1);
    Object.defineProperty(pc, "connectionState", { get: () => "failed" });
    pc.dispatchEvent(new Event("connectionstatechange")); }"""


@pytest.fixture
def live_settings() -> dict[str, Any]:
    # A TURN URL nobody answers (gathering gives up on it), so credentials are handed out.
    return {"ice_urls": ("turn:127.0.0.1:9",), "turn_secret": "e2e", "turn_ttl_seconds": 600}


def _turn_username(config: dict[str, Any]) -> str:
    usernames = [s["username"] for s in config["iceServers"] if "username" in s]
    assert len(usernames) == 1, config
    return str(usernames[0])


async def _peers(page: Page, count: int) -> list[dict[str, Any]]:
    for _ in range(150):
        peers: list[dict[str, Any]] = await page.evaluate("() => window.peers.map(p => p.config)")
        if len(peers) >= count:
            return peers
        await asyncio.sleep(0.1)
    raise AssertionError(f"the page made {len(peers)} peer connections, not {count}")


async def test_a_dropped_link_is_offered_again_with_the_latest_credentials(
    browser: Browser, live: Any, demo_hearing: dict[str, Any], page_checks: Any
) -> None:
    page_checks.allow(r"401 \(Unauthorized\).*/api/me")  # parties have no session yet
    codes, hearing_id = demo_hearing["codes"], demo_hearing["id"]
    applicant = await join_with_code(
        browser, live, page_checks, hearing_id, codes["applicant"], False, RECORD_PEERS_JS
    )
    first = _turn_username((await _peers(applicant, 1))[0])

    # A second later the respondent joins: everyone gets a new state, with new credentials.
    await asyncio.sleep(1.1)
    await join_with_code(browser, live, page_checks, hearing_id, codes["respondent"], True)
    await asyncio.sleep(0.5)

    await applicant.evaluate(FAIL_NEWEST_JS)
    second = _turn_username((await _peers(applicant, 2))[1])
    assert second != first
    assert int(second.split(":")[0]) > int(first.split(":")[0])  # expires later
    assert second.split(":")[1] == first.split(":")[1]  # the same participant and hearing
    page_checks.assert_clean()

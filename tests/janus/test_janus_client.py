"""The Janus client against a real Janus: what it refuses, and how the refusals reach the caller
(the API secret, the plugins' admin key and room secrets protect the rooms)."""

from __future__ import annotations

import secrets

import aiohttp
import pytest
from janus_proc import JanusProcess
from janus_support import next_room

from signaling.media.janus import (
    AUDIOBRIDGE,
    VIDEOROOM,
    AudioBridge,
    JanusError,
    JanusPluginError,
    JanusSession,
    VideoRoom,
)

pytestmark = pytest.mark.heavy


async def test_a_wrong_api_secret_is_refused(janus: JanusProcess) -> None:
    async with aiohttp.ClientSession() as http:
        with pytest.raises(JanusError) as refused:
            await JanusSession.create(http, janus.url, api_secret="not-the-secret")
    assert refused.value.code == 403


async def test_rooms_need_the_admin_key_and_their_secret(janus: JanusProcess) -> None:
    async with aiohttp.ClientSession() as http:
        session = await JanusSession.create(http, janus.url, api_secret=janus.api_secret)
        try:
            control = await session.attach(AUDIOBRIDGE)
            with pytest.raises(JanusPluginError):  # no admin key: no room
                await AudioBridge.create(control, next_room(), secret="s")
            bridge = await AudioBridge.create(
                control, next_room(), secret=secrets.token_urlsafe(8), admin_key=janus.admin_key
            )
            intruder = AudioBridge(control, bridge.room, secret="guess")
            with pytest.raises(JanusPluginError):
                await intruder.destroy()
            with pytest.raises(JanusPluginError):  # nobody of that id in the room
                await bridge.mute(99)
            await bridge.destroy()
            with pytest.raises(JanusPluginError):
                await bridge.participants()  # gone

            video = await session.attach(VIDEOROOM)
            with pytest.raises(JanusPluginError):
                await VideoRoom.create(video, next_room(), secret="s", admin_key="wrong")
        finally:
            await session.destroy()


async def test_a_destroyed_session_refuses_further_requests(janus: JanusProcess) -> None:
    async with aiohttp.ClientSession() as http:
        session = await JanusSession.create(http, janus.url, api_secret=janus.api_secret)
        await session.destroy()
        with pytest.raises(JanusError) as refused:
            await session.attach(AUDIOBRIDGE)
    assert refused.value.code == 458  # no such session

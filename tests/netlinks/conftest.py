"""Weak-link tests: root, iproute2 and nftables, or a clean skip saying which is missing."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from netlinks.links import unavailable
from netlinks.world import HearingWorld


@pytest.fixture
async def world_for(tmp_path: Path) -> AsyncIterator[Callable[[int], Awaitable[HearingWorld]]]:
    """``await world_for(heartbeat_seconds)``: a hearing served by ``odr serve``, host inside."""
    reason = unavailable()
    if reason:
        pytest.skip(reason)
    worlds: list[HearingWorld] = []

    async def make(heartbeat_seconds: int) -> HearingWorld:
        world = HearingWorld(tmp_path / f"world{len(worlds)}", heartbeat_seconds)
        world.tmp.mkdir()
        worlds.append(world)
        return await world.__aenter__()

    yield make
    for world in worlds:
        await world.close()

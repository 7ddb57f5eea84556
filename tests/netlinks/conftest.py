"""Weak-link tests: root, iproute2 and nftables, or a clean skip saying which is missing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from netlinks.links import unavailable
from netlinks.world import HearingWorld


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[HearingWorld]:
    reason = unavailable()
    if reason:
        pytest.skip(reason)
    async with HearingWorld(tmp_path) as world:
        yield world

"""Constants and types shared by the media tests (the fixtures are in conftest.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from signaling.media import VideoProfile
from signaling.media.synthetic import SyntheticParticipant

SMALL = VideoProfile(160, 120, 15)
HEARING = 7

Join = Callable[..., Awaitable[SyntheticParticipant]]

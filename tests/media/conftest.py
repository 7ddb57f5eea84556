"""A real MediaHub and real aiortc client peers on loopback (no signaling server in between)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from media_support import HEARING, SMALL, Join

from signaling.media import MediaHub
from signaling.media.synthetic import SyntheticParticipant


@pytest.fixture
async def slot_pushes() -> list[tuple[int, int, dict[str, int | None]]]:
    return []


@pytest.fixture
async def hub(slot_pushes: list[tuple[int, int, dict[str, int | None]]]) -> AsyncIterator[MediaHub]:
    async def pushed(hearing_id: int, participant_id: int, slots: dict[str, int | None]) -> None:
        slot_pushes.append((hearing_id, participant_id, slots))

    media_hub = MediaHub(ice_servers=[], profile=SMALL, on_slots=pushed)
    yield media_hub
    await media_hub.close()


@pytest.fixture
async def join(hub: MediaHub) -> AsyncIterator[Join]:
    """join(participant_id, video=True, hearing_id=HEARING): a client peer connected to the hub."""
    made: list[SyntheticParticipant] = []

    async def joined(
        participant_id: int, *, video: bool = True, hearing_id: int = HEARING
    ) -> SyntheticParticipant:
        client = SyntheticParticipant(participant_id, video=video)
        made.append(client)
        answer = await hub.connect(hearing_id, participant_id, *(await client.offer()))
        await client.accept(*answer)
        return client

    yield joined
    for client in made:
        await client.close()

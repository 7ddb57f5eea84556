"""The hearing record: the hearing room's mix (never a private room) in a file PyAV plays."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC
from pathlib import Path

import av
import numpy as np
import pytest
from media_support import HEARING, Join

from odr.domain.hearing import Allowed
from odr.errors import Conflict
from signaling.media import MediaHub
from signaling.media.synthetic import tone_amplitude, tone_hz


def decoded_audio(path: Path) -> tuple[float, np.ndarray]:
    """The duration in seconds and the mono samples of a file's audio."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="s16", layout="mono", rate=48000)
        chunks = [
            out.to_ndarray().reshape(-1)
            for frame in container.decode(stream)
            for out in resampler.resample(frame)
        ]
    samples = np.concatenate(chunks)
    return len(samples) / 48000, samples


async def test_the_record_keeps_the_hearing_room_and_not_the_private_room(
    hub: MediaHub, join: Join, tmp_path: Path
) -> None:
    hearing_room, private = frozenset({1, 2}), frozenset({3, 4})
    routing = {pid: Allowed(hearing_room, hearing_room) for pid in hearing_room}
    routing |= {pid: Allowed(private, private) for pid in private}
    hub.set_routing(HEARING, routing, record_sources=hearing_room)
    for pid in (1, 2, 3, 4):
        await join(pid)
    await asyncio.sleep(0.8)
    await hub.start_recording(HEARING, tmp_path / "rec" / "hearing.ogg")
    with pytest.raises(Conflict):
        await hub.start_recording(HEARING, tmp_path / "other.ogg")
    await asyncio.sleep(2.0)
    result = await hub.stop_recording(HEARING)

    assert result.path == tmp_path / "rec" / "hearing.ogg"
    assert result.media_type == "audio/ogg"
    data = result.path.read_bytes()
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.size == len(data)
    assert result.started_at.tzinfo is UTC
    assert 1.8 < (result.ended_at - result.started_at).total_seconds() < 3.0
    duration, samples = decoded_audio(result.path)
    assert 1.5 < duration < 3.0
    # Past the first 0.25 s, each hearing-room voice is there (about 2100 when every frame
    # arrives; a loaded machine may drop some) and the private room's are not (about 0).
    settled = samples[12000:]
    assert tone_amplitude(settled, tone_hz(1)) > 400
    assert tone_amplitude(settled, tone_hz(2)) > 400
    assert tone_amplitude(settled, tone_hz(3)) < 150
    assert tone_amplitude(settled, tone_hz(4)) < 150
    with pytest.raises(Conflict):
        await hub.stop_recording(HEARING)


async def test_a_video_record_is_webm_with_both_streams(
    hub: MediaHub, join: Join, tmp_path: Path
) -> None:
    ids = frozenset({1, 2})
    hub.set_routing(HEARING, {pid: Allowed(ids, ids) for pid in ids}, record_sources=ids)
    for pid in ids:
        await join(pid)
    await hub.start_recording(HEARING, tmp_path / "hearing.ogg", video=True)
    await asyncio.sleep(2.0)
    result = await hub.stop_recording(HEARING)
    assert result.path == tmp_path / "hearing.webm"
    assert result.media_type == "video/webm"
    with av.open(str(result.path)) as container:
        frames = list(container.decode(container.streams.video[0]))
    assert len(frames) > 10
    assert (frames[-1].width, frames[-1].height) == (160, 120)
    duration, samples = decoded_audio(result.path)
    assert duration > 1.5
    assert tone_amplitude(samples[-48000:], tone_hz(1)) > 400


async def test_a_record_on_file_is_never_overwritten(
    hub: MediaHub, join: Join, tmp_path: Path
) -> None:
    ids = frozenset({1, 2})
    hub.set_routing(HEARING, {pid: Allowed(ids, ids) for pid in ids}, record_sources=ids)
    for pid in ids:
        await join(pid)
    path = tmp_path / "hearing.ogg"
    await hub.start_recording(HEARING, path)
    await asyncio.sleep(1.0)
    first = await hub.stop_recording(HEARING)
    with pytest.raises(FileExistsError):
        await hub.start_recording(HEARING, path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == first.sha256
    # The hearing can still be recorded, into another file.
    await hub.start_recording(HEARING, tmp_path / "again.ogg")
    await asyncio.sleep(0.5)
    assert (await hub.stop_recording(HEARING)).sha256 != first.sha256

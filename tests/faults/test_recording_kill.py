"""The hearing record survives a SIGKILL: ``odr serve`` dies while a hearing of real aiortc
probes (signaling/probe.py) is being recorded, and is restarted on the same data folder.

The partial record plays (Opus in Ogg) up to shortly before the kill, with the party's voice
in it; at the restart it is registered as incomplete (``complete`` false, audited as
``hearing.recording_interrupted`` with the sha256 of the file as the kill left it), and the
file is never touched again; the hearing goes on, a new record starts in a new file and is
registered complete; a second kill and restart register the second partial record, and
neither partial record twice. ``odr audit verify`` passes after each restart.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from faults_support import (
    Person,
    assert_no_traceback,
    audit_entries,
    audit_verifies,
    file_case,
    read_only,
    rows,
    sha256,
)
from procs import Server

from odr.i18n import translate
from signaling.media.synthetic import tone_amplitude, tone_hz
from signaling.probe import Probe

pytestmark = pytest.mark.heavy

RECORD_SECONDS = 4.0
LOSS_BOUND = 1.5  # seconds of audio the kill may take: a page (0.2 s), the encoder, slack


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    return sqlite_url


def decoded(path: Path) -> tuple[float, np.ndarray]:
    """Seconds of audio a player gets out of ``path``, and its mono samples (s16)."""
    chunks: list[np.ndarray] = []
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="s16", layout="mono", rate=48000)
        try:
            for frame in container.decode(stream):
                chunks += [out.to_ndarray().reshape(-1) for out in resampler.resample(frame)]
        except av.error.InvalidDataError:  # a torn last page; everything before it plays
            pass
    samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
    return len(samples) / 48000, samples


def heard_share(samples: np.ndarray, hz: float) -> float:
    """The share of half-seconds of ``samples`` in which the tone ``hz`` is heard (a voice
    reads 800-2100 here, 3000 sent; silence or another voice under 100)."""
    windows = [samples[i : i + 24000] for i in range(0, len(samples) - 23999, 24000)]
    heard = [tone_amplitude(w.astype(np.float64), hz, 48000) > 300 for w in windows]
    return sum(heard) / max(1, len(heard))


async def scheduled_hearing(served: Server, seeded: dict[str, Any]) -> tuple[int, str]:
    """A case the mediator accepted, with a hearing starting now: its id, the applicant's code."""
    filed = await file_case(served, seeded["intake_code"])
    mediator = await Person.staff(served, seeded, "mediator").connect()
    try:
        status, answer = await mediator.post(
            f"/api/cases/{filed.case_id}/transitions", json={"target": "accepted"}
        )
        assert status == 200, answer
        start = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
        status, hearing = await mediator.post(
            f"/api/cases/{filed.case_id}/hearings", json={"start": start}
        )
        assert status == 201, hearing
    finally:
        await mediator.close()
    return hearing["id"], filed.code


async def in_session(
    served: Server, seeded: dict[str, Any], hearing_id: int, code: str
) -> tuple[Probe, Probe]:
    """The mediator (host, admitting) and the applicant in the hearing room, media flowing."""
    password = next(u["password"] for u in seeded["users"] if u["username"] == "mediator")
    host = Probe(served.base_url, hearing_id, admit_all=True)
    await host.login_user("mediator", password)
    state = await host.connect()
    if state["state"] != "in_session":
        assert (await host.emit("start"))["ok"]
    party = Probe(served.base_url, hearing_id)
    await party.login_code(code)
    await party.connect()
    await party.wait_for(lambda s: s["me"]["presence"] == "in_hearing", 15)
    await host.wait_media()
    await party.wait_media()
    return host, party


async def record_until_killed(served: Server, host: Probe) -> tuple[Path, float]:
    """Start the record, let it run, SIGKILL the server: the new file and how long it ran."""
    folder = served.data_dir / "recordings"
    before = set(folder.iterdir()) if folder.exists() else set()
    ack = await host.emit("record", {"on": True})
    assert ack["ok"], ack
    started = time.monotonic()
    await asyncio.sleep(RECORD_SECONDS)
    served.kill()
    ran = time.monotonic() - started
    (path,) = set(folder.iterdir()) - before
    return path, ran


def recording_rows(db_url: str) -> dict[str, tuple[str, int, bool]]:
    found = rows(db_url, "SELECT path, sha256, size, complete FROM recording")
    return {row[0]: (row[1], row[2], bool(row[3])) for row in found}


async def test_a_record_cut_by_sigkill_plays_is_registered_incomplete_and_kept(
    served: Server, seeded: dict[str, Any], db_url: str
) -> None:
    hearing_id, code = await scheduled_hearing(served, seeded)
    data_dir = served.data_dir
    kept: dict[Path, bytes] = {}  # every record file as it must stay
    probes: list[Probe] = []
    try:
        host, party = await in_session(served, seeded, hearing_id, code)
        probes += [host, party]
        voice = tone_hz(party.participant_id)
        for kill_no in (1, 2):
            path, ran = await record_until_killed(served, host)
            for probe in probes:
                await probe.close()
            probes.clear()
            kept[path] = path.read_bytes()
            seconds, samples = decoded(path)
            assert seconds >= ran - LOSS_BOUND, (seconds, ran)  # plays up to the kill
            assert heard_share(samples, voice) >= 0.5  # the party's voice is on the record

            await served.start()
            registered = recording_rows(db_url)
            relative = str(path.relative_to(data_dir))
            assert registered[relative] == (sha256(kept[path]), len(kept[path]), False)
            interrupted = audit_entries(db_url, "hearing.recording_interrupted")
            assert [e["path"] for e in interrupted].count(relative) == 1
            assert len(interrupted) == kill_no  # the first one not registered again
            entry = next(e for e in interrupted if e["path"] == relative)
            assert (entry["sha256"], entry["size"]) == (sha256(kept[path]), len(kept[path]))
            assert entry["hearing_id"] == hearing_id
            await audit_verifies(data_dir, db_url)

            # The hearing goes on, and is recorded again, into a new file, registered whole.
            host, party = await in_session(served, seeded, hearing_id, code)
            probes += [host, party]
            if kill_no == 1:
                assert (await host.emit("record", {"on": True}))["ok"]
                await asyncio.sleep(2)
                stopped = await host.emit("record", {"on": False})
                assert stopped["ok"], stopped
                (whole,) = [
                    p for p, (digest, _, done) in recording_rows(db_url).items()
                    if done and digest == stopped["sha256"]
                ]  # fmt: skip
                new_file = data_dir / whole
                assert new_file not in kept and sha256(new_file.read_bytes()) == stopped["sha256"]
                assert decoded(new_file)[0] > 1.0
                kept[new_file] = new_file.read_bytes()
            for file, data in kept.items():
                assert file.read_bytes() == data, f"{file} changed"

        # A read-only recordings folder: the host is told so, in their language; nothing
        # already recorded changes.
        with read_only(data_dir / "recordings"):
            ack = await host.emit("record", {"on": True})
        assert not ack["ok"] and ack["error"]["code"] == "storage_read_only", ack
        assert ack["error"]["message"] == translate("error.storage_read_only", "zh-CN")
        assert not host.state or not host.state["recording"]
        for file, data in kept.items():
            assert file.read_bytes() == data, f"{file} changed"
        assert_no_traceback(served)
    finally:
        for probe in probes:
            await probe.close()

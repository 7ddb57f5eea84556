"""The hearing record from Janus's recordings.

The VideoRoom writes each publisher's camera to
``videoroom-<room>-user-<feed>-<time>-video-<n>.mjr`` in the room's ``rec_dir`` (RTP packets
as received: nothing is re-encoded); `convert` turns one into a playable file with Janus's
post-processor ``janus-pp-rec`` (Debian package ``janus-tools``), e.g. VP8 into ``.webm``. The
AudioBridge writes the room's mix straight to its ``.wav`` (16-bit PCM at the room's rate),
complete once the room is destroyed. Both are closed when their room is destroyed, a moment
after Janus answers the destroy request: with Janus's temporary extension configured
(``recordings_tmp_ext = "tmp"`` in janus.jcfg, ``record_tmp_ext = "tmp"`` for the AudioBridge)
a file carries its final name only once it is closed, which `wait_closed` waits for.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import shutil
import time
from datetime import datetime
from pathlib import Path

from signaling.media.recorder import RecordingResult

PP_REC = "janus-pp-rec"
_MJR = re.compile(r"videoroom-(?P<room>\d+)-user-(?P<feed>\d+)-\d+-(?P<kind>video|audio)-\d+\.mjr")


class RecordError(Exception):
    """A recording that could not be converted (the post-processor's words), or that Janus did
    not close in time."""


def _still_open(rec_dir: Path, prefix: str) -> list[Path]:
    return sorted(rec_dir.glob(f"{prefix}*.tmp"))


async def wait_closed(rec_dir: Path, prefix: str, within: float = 10.0) -> None:
    """Wait until Janus has closed every recording in `rec_dir` whose name starts with `prefix`
    (e.g. ``videoroom-7-``, or the AudioBridge's file name); a RecordError after `within`."""
    deadline = time.monotonic() + within
    while open_files := _still_open(rec_dir, prefix):
        if time.monotonic() > deadline:
            raise RecordError(f"still being written: {[p.name for p in open_files]}")
        await asyncio.sleep(0.1)


def room_recordings(rec_dir: Path, room: int) -> dict[int, list[Path]]:
    """The ``.mjr`` files of a VideoRoom room, by feed id, in name (time) order."""
    found: dict[int, list[Path]] = {}
    for path in sorted(rec_dir.glob(f"videoroom-{room}-user-*.mjr")):
        match = _MJR.fullmatch(path.name)
        if match is not None and int(match["room"]) == room:
            found.setdefault(int(match["feed"]), []).append(path)
    return found


async def convert(mjr: Path, target: Path) -> Path:
    """Convert one ``.mjr`` into `target` (its suffix picks the container: .webm for VP8,
    .opus or .wav for Opus) with janus-pp-rec; a RecordError if it fails or writes nothing."""
    program = shutil.which(PP_REC)
    if program is None:
        raise RecordError(f"{PP_REC} is not installed (Debian package janus-tools)")
    process = await asyncio.create_subprocess_exec(
        program,
        str(mjr),
        str(target),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    if process.returncode != 0 or not _written(target):
        words = output.decode(errors="replace").strip().splitlines()[-3:]
        raise RecordError(f"{PP_REC} {mjr.name}: exit {process.returncode}: {' / '.join(words)}")
    return target


def _written(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 0


async def finish_record(
    path: Path, started_at: datetime | None, ended_at: datetime
) -> RecordingResult:
    """The AudioBridge's ``.wav`` at `path` once Janus has closed it: its digest and size."""
    await wait_closed(path.parent, path.name)
    sha256, size = await asyncio.to_thread(_digest, path)
    return RecordingResult(path, "audio/wav", sha256, size, started_at or ended_at, ended_at)


def _digest(path: Path) -> tuple[str, int]:
    if not _written(path):
        raise RecordError(f"janus wrote no record at {path}")
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest(), path.stat().st_size

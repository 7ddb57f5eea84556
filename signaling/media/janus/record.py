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
import re
import shutil
import time
from pathlib import Path

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

"""Hearing record files: their names, and the ones a dead process left unregistered.

A record is ``hearing-<id>-<UTC start to the microsecond>Z.ogg`` (``.webm`` with video; ``.wav``
written by Janus, ``.wav.tmp`` while Janus writes it) in the recordings folder, claimed exclusively (never overwritten) and registered with its sha256 when
it stops. A process that dies while recording (SIGKILL, a crash) leaves a file that no
``Recording`` names; the recorder writes each packet as it is muxed, so the file plays up to a
fraction of a second before the crash. Such a file is kept exactly as it is and registered as
incomplete (``complete=False``, ``ended_at`` its last write, ``hearing.recording_interrupted``
in the audit log with its sha256), once (``hearing_record.add_interrupted``):

- ``recover`` at every start, for every such file, except (several processes on one Redis)
  those of a hearing a live process owns: that process may still be writing it;
- ``signaling.relay``, when a process takes a hearing over, for that hearing's files started
  before.

On Janus, a dead process's record is still being written (its room outlives it): the hub's
``sweep`` destroys such rooms first, so that Janus closes the file under its final name.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from odr.errors import OdrError
from odr.services import hearing_record
from odr.services.audit import AuditKey
from odr.settings import Settings
from odr.store.db import Database
from signaling.media.recorder import file_sha256

log = logging.getLogger(__name__)
STAMP = "%Y%m%dT%H%M%S%fZ"
NAME = re.compile(r"hearing-(\d{1,18})-(\d{8}T\d{12}Z)\.(ogg|webm|wav)")
MEDIA_TYPES = {"ogg": "audio/ogg", "webm": "video/webm", "wav": "audio/wav"}

Busy = Callable[[int], Awaitable[bool]]  # whether a live process owns the hearing


def record_path(folder: Path, hearing_id: int, now: datetime) -> Path:
    """Where a record of ``hearing_id`` started at ``now`` goes (the recorder may make the
    suffix ``.webm``)."""
    return folder / f"hearing-{hearing_id}-{now.astimezone(UTC).strftime(STAMP)}.ogg"


def relative(path: Path, root: Path) -> str:
    """``path`` as registered: relative to the data folder when under it."""
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def started(path: Path) -> datetime | None:
    """When the record at ``path`` started, from its name; None if not a record's name."""
    match = NAME.fullmatch(path.name)
    return datetime.strptime(match[2], STAMP).replace(tzinfo=UTC) if match else None


def records(folder: Path, hearing_id: int | None = None) -> list[Path]:
    """The record files in ``folder`` (of one hearing when given), by name."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        match = NAME.fullmatch(path.name)
        if match and hearing_id in (None, int(match[1])) and path.is_file():
            found.append(path)
    return found


async def recover(
    settings: Settings, db: Database, key: AuditKey, busy: Busy | None = None
) -> list[Path]:
    """At start-up: register every record file no ``Recording`` names as interrupted, except
    those of hearings ``busy`` says a live process owns; the files registered."""
    return await register(settings, db, key, records(settings.recordings_dir), busy)


async def register(
    settings: Settings, db: Database, key: AuditKey, files: list[Path], busy: Busy | None = None
) -> list[Path]:
    """Register those of ``files`` no ``Recording`` names as interrupted; the ones registered."""
    known = await db.read(hearing_record.registered_paths)
    registered: list[Path] = []
    for path in files:
        name = relative(path, settings.data_dir)
        match = NAME.fullmatch(path.name)
        if match is None or name in known:
            continue
        hearing_id, suffix = int(match[1]), match[3]
        if busy is not None and await busy(hearing_id):
            continue
        sha256 = await asyncio.to_thread(file_sha256, path)
        stat = path.stat()
        try:
            added = await db.write(
                hearing_record.add_interrupted,
                key,
                hearing_id,
                name,
                MEDIA_TYPES[suffix],
                sha256,
                stat.st_size,
                started(path),
                datetime.fromtimestamp(stat.st_mtime, UTC),
            )
        except OdrError as exc:  # a file of no hearing this database knows
            log.warning("record %s not registered: %s", path, exc.code)
            continue
        if added is not None:
            log.warning("hearing %s: interrupted record %s registered", hearing_id, path.name)
            registered.append(path)
    return registered

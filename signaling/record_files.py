"""Hearing record files: their names, and the ones a killed server left unregistered.

A record is ``hearing-<id>-<UTC start to the microsecond>Z.ogg`` (``.webm`` with video) in the
recordings folder, claimed exclusively (never overwritten) and registered with its sha256 when
it stops. A server that dies while recording (SIGKILL, a crash) leaves a file that no
``Recording`` names; the recorder writes each packet as it is muxed, so the file plays up to a
fraction of a second before the crash. ``recover`` runs at every start: each such file is kept
exactly as it is and registered as incomplete (``complete=False``, ``ended_at`` its last write,
``hearing.recording_interrupted`` in the audit log with its sha256).
"""

from __future__ import annotations

import asyncio
import logging
import re
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
NAME = re.compile(r"hearing-(\d{1,18})-(\d{8}T\d{12}Z)\.(ogg|webm)")
MEDIA_TYPES = {"ogg": "audio/ogg", "webm": "video/webm"}


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


async def recover(settings: Settings, db: Database, key: AuditKey) -> list[Path]:
    """Register every record file no ``Recording`` names as interrupted; the files found."""
    folder = settings.recordings_dir
    if not folder.is_dir():
        return []
    known = await db.read(hearing_record.registered_paths)
    found: list[Path] = []
    for path in sorted(folder.iterdir()):
        match = NAME.fullmatch(path.name)
        if match is None or relative(path, settings.data_dir) in known or not path.is_file():
            continue
        hearing_id, stamp, suffix = int(match[1]), match[2], match[3]
        sha256 = await asyncio.to_thread(file_sha256, path)
        stat = path.stat()
        try:
            await db.write(
                hearing_record.add_recording,
                key,
                hearing_id,
                relative(path, settings.data_dir),
                MEDIA_TYPES[suffix],
                sha256,
                stat.st_size,
                datetime.strptime(stamp, STAMP).replace(tzinfo=UTC),
                datetime.fromtimestamp(stat.st_mtime, UTC),
                False,
            )
        except OdrError as exc:  # a file of no hearing this database knows
            log.warning("record %s not registered: %s", path, exc.code)
            continue
        log.warning("hearing %s: interrupted record %s registered", hearing_id, path.name)
        found.append(path)
    return found

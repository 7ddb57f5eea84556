"""A record file is registered once, whoever registers it and however often: its writer (when
it stops), the start-up sweep of any process, a process taking the hearing over, or several of
them at once. The real store (both databases) and real files in the recordings folder."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hearing.hearing_support import make_hearing
from sqlmodel import select

from odr.services import audit, hearing_record
from odr.services.startup import opened_store
from odr.settings import Settings
from odr.store.models import AuditEntry
from signaling.media.recorder import file_sha256
from signaling.record_files import record_path, recover, relative

pytestmark = pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)

BEGAN = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def kinds(session: Any) -> list[str]:
    entries = session.exec(select(AuditEntry).order_by(AuditEntry.seq))  # type: ignore[arg-type]
    return [e.kind for e in entries if e.kind.startswith("hearing.rec")]


def left_file(settings: Settings, hearing_id: int, minutes: int) -> Path:
    """A record file as a dead process leaves it (no row names it)."""
    path = record_path(settings.recordings_dir, hearing_id, BEGAN + timedelta(minutes=minutes))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"OggS" + bytes(range(256)) * minutes)
    return path


async def test_a_record_file_is_registered_once(settings: Settings, seeded: Any) -> None:
    hid = make_hearing(settings)["id"]
    with opened_store(settings) as (db, key):
        # Its writer registers it, then again (and six times at once): one row, one entry.
        whole = left_file(settings, hid, 1)
        name = relative(whole, settings.data_dir)
        args = (hid, name, "audio/ogg", file_sha256(whole), whole.stat().st_size, BEGAN, BEGAN)

        def register(_: int) -> Any:
            return db.write_sync(hearing_record.add_recording, key, *args)

        first = register(0)
        with ThreadPoolExecutor(6) as pool:
            again = list(pool.map(register, range(6)))
        assert {r.id for r in again} == {first.id} and first.complete
        assert db.write_sync(hearing_record.add_interrupted, key, *args) is None
        assert db.read_sync(kinds) == ["hearing.recording"]

        # A file left by a dead process: the sweep registers it, interrupted, once; the hearing
        # owned by a live process (``busy``), it is left to that process.
        left = left_file(settings, hid, 2)

        async def owned(_: int) -> bool:
            return True

        async def free(_: int) -> bool:
            return False

        assert await recover(settings, db, key, owned) == []
        assert db.read_sync(kinds) == ["hearing.recording"]
        assert await recover(settings, db, key, free) == [left]
        assert await recover(settings, db, key) == []
        assert db.read_sync(kinds) == ["hearing.recording", "hearing.recording_interrupted"]
        rows = db.read_sync(hearing_record.recordings_of, hid)
        left_name = relative(left, settings.data_dir)
        assert [(r.path, r.complete) for r in rows] == [(name, True), (left_name, False)]
        assert rows[1].sha256 == file_sha256(left) and rows[1].size == left.stat().st_size

        # Its writer, coming late, finds the row the sweep made: nothing more is written.
        late = (hid, rows[1].path, "audio/ogg", "00" * 32, 1, BEGAN, BEGAN)
        assert db.write_sync(hearing_record.add_recording, key, *late).id == rows[1].id
        assert len(db.read_sync(hearing_record.recordings_of, hid)) == 2
        assert len(db.read_sync(kinds)) == 2
        assert db.read_sync(audit.verify, key.public).ok

"""Uploads survive a SIGKILL: ``odr serve`` is killed while a large file is half received and
small ones are being acknowledged, then restarted on the same data folder.

Every upload answered 201 is still listed, downloads byte for byte as sent, sits on disk under
its sha256 and has that sha256 in its ``evidence.added`` audit entry; the half-received file
left no row, and no temporary file outlives the restart; ``odr audit verify`` passes.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from faults_support import (
    JPEG_HEAD,
    Person,
    audit_entries,
    audit_verifies,
    file_case,
    rows,
    sha256,
    temporaries,
)
from procs import Server

pytestmark = pytest.mark.heavy

ROUNDS = 2
WORKERS = 4
BIG = 16 * 2**20  # under the 20 MiB cap
PIECE = 256 * 1024


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    return sqlite_url  # files are the point here; PostgreSQL is killed in test_intake_kill


@dataclass(frozen=True)
class Upload:
    evidence_id: int
    case_id: int
    data: bytes


def small_file(n: int) -> bytes:
    return JPEG_HEAD + os.urandom(20_000 + 997 * (n % 50))


async def upload_until_killed(people: list[Person], case_ids: list[int]) -> list[Upload]:
    """WORKERS parties upload small photos back to back until the server is gone."""
    acked: list[Upload] = []

    async def worker(person: Person, case_id: int) -> None:
        n = 0
        while True:
            n += 1
            data = small_file(n)
            form = aiohttp.FormData()
            form.add_field("description", f"照片{n}")
            form.add_field("file", data, filename=f"IMG_{n}.jpg", content_type="image/jpeg")
            try:
                status, answer = await person.post(f"/api/cases/{case_id}/evidence", data=form)
            except aiohttp.ClientError:  # refused, reset or cut off by the kill
                return
            assert status == 201, answer
            acked.append(Upload(answer["id"], case_id, data))

    tasks = [asyncio.create_task(worker(p, c)) for p, c in zip(people, case_ids, strict=True)]
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)
    return acked


async def slow_body(boundary: str, started: asyncio.Event) -> AsyncIterator[bytes]:
    """A multipart body whose 16 MiB file comes in pieces, slower than the disk takes them."""
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="video.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
    ).encode()
    yield JPEG_HEAD
    for sent in range(0, BIG, PIECE):
        yield os.urandom(PIECE)
        if sent >= 2 * 2**20:
            started.set()
        await asyncio.sleep(0.02)
    yield f"\r\n--{boundary}--\r\n".encode()


async def big_upload(person: Person, case_id: int, started: asyncio.Event) -> int | None:
    """The status the big upload got, or None when the server died before answering."""
    boundary = uuid.uuid4().hex
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    try:
        status, _ = await person.post(
            f"/api/cases/{case_id}/evidence", data=slow_body(boundary, started), headers=headers
        )
    except aiohttp.ClientError:
        return None
    return status


def half_written(evidence_dir: Path) -> int:
    """Bytes of upload temporaries on disk."""
    return sum(p.stat().st_size for p in temporaries(evidence_dir))


async def check_after_restart(
    owners: dict[int, Person], db_url: str, evidence_dir: Path, acked: list[Upload]
) -> None:
    added = {e["evidence_id"]: e for e in audit_entries(db_url, "evidence.added")}
    for upload in acked:
        listed = await owners[upload.case_id].get_json(f"/api/cases/{upload.case_id}/evidence")
        mine = {e["id"]: e for e in listed["evidence"]}
        assert upload.evidence_id in mine, f"acknowledged but lost: {upload.evidence_id}"
        assert mine[upload.evidence_id]["sha256"] == sha256(upload.data)
        assert added[upload.evidence_id]["sha256"] == sha256(upload.data)
        assert added[upload.evidence_id]["size"] == len(upload.data)
    # Every stored row (acknowledged or committed just before the kill) has its whole file.
    for evidence_id, case_id, digest, size in rows(
        db_url, "SELECT id, case_id, sha256, size FROM evidence"
    ):
        stored = (evidence_dir / str(case_id) / digest).read_bytes()
        assert (sha256(stored), len(stored)) == (digest, size), evidence_id
        assert added[evidence_id]["sha256"] == digest
    assert not temporaries(evidence_dir), temporaries(evidence_dir)  # swept at start-up


async def test_uploads_acknowledged_before_a_sigkill_are_kept_whole(
    served: Server, seeded: dict[str, Any], db_url: str
) -> None:
    evidence_dir = served.data_dir / "evidence"
    filed = [await file_case(served, seeded["intake_code"]) for _ in range(WORKERS + 1)]
    people = [await Person.party(served, f.code).connect() for f in filed]
    uploaders, big_person = people[:WORKERS], people[WORKERS]
    case_ids = [f.case_id for f in filed[:WORKERS]]
    owners = dict(zip(case_ids, uploaders, strict=True))
    acked: list[Upload] = []
    try:
        for round_no in range(1, ROUNDS + 1):
            started = asyncio.Event()
            big = asyncio.create_task(big_upload(big_person, filed[WORKERS].case_id, started))
            small = asyncio.create_task(upload_until_killed(uploaders, case_ids))
            await asyncio.wait_for(started.wait(), 30)
            for _ in range(600):  # until 2 MiB of the big file are on disk (30 s at most)
                if half_written(evidence_dir) >= 2 * 2**20:
                    break
                await asyncio.sleep(0.05)
            assert not small.done(), served.tail()
            served.kill()
            assert await big is None  # never acknowledged
            stream = await small
            assert len(stream) >= WORKERS, f"round {round_no}: too few uploads"
            acked += stream
            assert half_written(evidence_dir) > 0  # the kill left the big file half written

            await served.start()
            for person in people:
                await person.connect()
            await check_after_restart(owners, db_url, evidence_dir, acked)
            listed = await big_person.get_json(f"/api/cases/{filed[WORKERS].case_id}/evidence")
            assert listed["evidence"] == []  # the half-received file is nowhere to be seen
            await audit_verifies(served.data_dir, db_url)

        # After the last restart uploads go on, and every acknowledged one downloads as sent.
        more = await upload_n(uploaders[0], case_ids[0], 3)
        for upload in acked + more:
            path = f"/api/cases/{upload.case_id}/evidence/{upload.evidence_id}"
            assert await owners[upload.case_id].get_bytes(path) == upload.data
    finally:
        for person in people:
            await person.close()


async def upload_n(person: Person, case_id: int, n: int) -> list[Upload]:
    done = []
    for i in range(n):
        data = small_file(i)
        form = aiohttp.FormData()
        form.add_field("file", data, filename=f"after_{i}.jpg", content_type="image/jpeg")
        status, answer = await person.post(f"/api/cases/{case_id}/evidence", data=form)
        assert status == 201, answer
        done.append(Upload(answer["id"], case_id, data))
    return done

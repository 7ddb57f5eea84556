"""A full disk and a read-only data folder: ``odr serve`` refuses what it cannot store with a
translated error (507 ``disk_full``; 503 ``storage_read_only``), never a 500 or a silent
loss, and everything stored before is intact and served; once there is room again (or the
folder is writable again) the same requests succeed, without a restart.

The data folder (database included, as in a default installation) is a small tmpfs for the
full disk, and bind-mounted read-only for the other: root ignores file modes, not mounts.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from faults_support import (
    JPEG_HEAD,
    Person,
    assert_no_traceback,
    audit_entries,
    audit_verifies,
    file_case,
    read_only,
    sha256,
    temporaries,
    tmpfs,
)
from procs import Server
from settlement_steps import CLAUSES
from support import filing, make_settings

from odr.cli import demo
from odr.i18n import translate
from odr.services.startup import opened_store

pytestmark = pytest.mark.heavy

PHOTO = 256 * 1024


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    """A 3 MiB disk for the data folder, database and all."""
    with tmpfs(tmp_path / "data", "3m") as folder:
        yield folder


@pytest.fixture
def seeded(data_dir: Path) -> dict[str, Any]:
    settings = make_settings(data_dir, f"sqlite:///{data_dir}/odr.sqlite3")
    with opened_store(settings) as (db, key):
        return demo.seed(settings, db, key)


@pytest.fixture
async def served(tmp_path: Path, data_dir: Path, seeded: dict[str, Any]) -> AsyncIterator[Server]:
    server = Server(data_dir, f"sqlite:///{data_dir}/odr.sqlite3", tmp_path / "server.log")
    try:
        await server.start()
        yield server
    finally:
        server.kill()


def photo(n: int, size: int = PHOTO) -> bytes:
    return JPEG_HEAD + os.urandom(size - len(JPEG_HEAD) - n % 7)


async def upload(person: Person, case_id: int, data: bytes, lang: str = "zh-CN") -> Any:
    form = aiohttp.FormData()
    form.add_field("file", data, filename="photo.jpg", content_type="image/jpeg")
    return await person.post(
        f"/api/cases/{case_id}/evidence", data=form, headers={"Accept-Language": lang}
    )


async def draft(mediator: Person, case_id: int, lang: str = "zh-CN") -> Any:
    body = {"clauses": CLAUSES, "free_text": "双方再无其他争议。"}
    return await mediator.post(
        f"/api/cases/{case_id}/settlement/versions", json=body, headers={"Accept-Language": lang}
    )


def refused(answer: tuple[int, Any], status: int, code: str, lang: str = "zh-CN") -> None:
    got, body = answer
    assert got == status, body
    assert body["error"]["code"] == code
    assert body["error"]["message"] == translate(f"error.{code}", lang)


async def case_in_mediation(served: Server, seeded: dict[str, Any]) -> tuple[int, Person, Person]:
    """A filed case in mediation: its id, the applicant and the mediator, logged in."""
    filed = await file_case(served, seeded["intake_code"])
    mediator = await Person.staff(served, seeded, "mediator").connect()
    for target in ("accepted", "in_mediation"):
        status, answer = await mediator.post(
            f"/api/cases/{filed.case_id}/transitions", json={"target": target}
        )
        assert status == 200, answer
    return filed.case_id, await Person.party(served, filed.code).connect(), mediator


async def assert_kept(person: Person, case_id: int, kept: dict[int, bytes], db_url: str) -> None:
    """Every stored upload still downloads as sent, with its sha256 in the audit log."""
    added = {e["evidence_id"]: e["sha256"] for e in audit_entries(db_url, "evidence.added")}
    for evidence_id, data in kept.items():
        got = await person.get_bytes(f"/api/cases/{case_id}/evidence/{evidence_id}")
        assert got == data and added[evidence_id] == sha256(data)


def fill(folder: Path) -> Path:
    """Take the disk's last free byte with a file of the test's own."""
    filler = folder / "filler"
    with contextlib.suppress(OSError), filler.open("wb") as out:
        while True:
            out.write(b"\0" * 4096)
            out.flush()
    return filler


async def test_a_full_disk_refuses_with_507_and_keeps_what_was_stored(
    served: Server, seeded: dict[str, Any]
) -> None:
    data_dir = served.data_dir
    case_id, applicant, mediator = await case_in_mediation(served, seeded)
    ballast = data_dir / "ballast"  # the test's own: the room it gives back at the end
    ballast.write_bytes(bytes(2**20))
    kept: dict[int, bytes] = {}
    for n in range(40):  # 10 MiB: more than the disk holds
        data = photo(n)
        status, answer = await upload(applicant, case_id, data)
        if status != 201:
            refused((status, answer), 507, "disk_full")
            break
        kept[answer["id"]] = data
    else:
        pytest.fail("the disk never filled up")
    assert kept, "nothing fitted at all"
    assert not temporaries(data_dir / "evidence")  # the refused upload left nothing behind
    refused(await upload(applicant, case_id, photo(99), "en"), 507, "disk_full", "en")

    filler = fill(data_dir)
    refused(await draft(mediator, case_id), 507, "disk_full")  # the PDF does not fit
    refused(await draft(mediator, case_id, "en"), 507, "disk_full", "en")
    settlement = await mediator.get_json(f"/api/cases/{case_id}/settlement")
    assert settlement["versions"] == []  # no version without its PDF
    assert not temporaries(data_dir / "documents")
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{served.base_url}/api/cases", json=filing(seeded["intake_code"])) as r,
    ):
        if r.status != 201:  # the database may still have room in its own pages
            refused((r.status, await r.json()), 507, "disk_full")
    await assert_kept(applicant, case_id, kept, served.db_url)

    filler.unlink()  # room again: the same requests succeed, no restart needed
    ballast.unlink()
    status, answer = await upload(applicant, case_id, photo(7, 64 * 1024))
    assert status == 201, answer
    status, version = await draft(mediator, case_id)
    assert status == 201, version
    pdf = await mediator.get_bytes(
        f"/api/cases/{case_id}/settlement/versions/{version['id']}/draft.pdf"
    )
    assert sha256(pdf) == version["unsigned_sha256"]
    await assert_kept(applicant, case_id, kept, served.db_url)
    await audit_verifies(data_dir, served.db_url)
    assert_no_traceback(served)
    for person in (applicant, mediator):
        await person.close()


async def test_a_read_only_data_folder_refuses_with_503_and_keeps_what_was_stored(
    served: Server, seeded: dict[str, Any]
) -> None:
    data_dir = served.data_dir
    case_id, applicant, mediator = await case_in_mediation(served, seeded)
    kept: dict[int, bytes] = {}
    for n in range(2):
        data = photo(n, 64 * 1024)
        status, answer = await upload(applicant, case_id, data)
        assert status == 201, answer
        kept[answer["id"]] = data
    status, version = await draft(mediator, case_id)
    assert status == 201, version
    draft_pdf = f"/api/cases/{case_id}/settlement/versions/{version['id']}/draft.pdf"

    with read_only(data_dir):
        refused(await upload(applicant, case_id, photo(5, 64 * 1024)), 503, "storage_read_only")
        refused(await draft(mediator, case_id, "en"), 503, "storage_read_only", "en")
        # The database's files were open before: SQLite may go on writing them (the case is
        # then stored and acknowledged), or it refuses; never a 500, never a lost case.
        async with (
            aiohttp.ClientSession() as http,
            http.post(f"{served.base_url}/api/cases", json=filing(seeded["intake_code"])) as r,
        ):
            filed = (r.status, await r.json())
        if filed[0] != 201:
            refused(filed, 503, "storage_read_only")
        # What was stored is still served.
        assert sha256(await mediator.get_bytes(draft_pdf)) == version["unsigned_sha256"]
        await assert_kept(applicant, case_id, kept, served.db_url)

    if filed[0] == 201:  # acknowledged while read-only: there, with its code
        await (await Person.party(served, filed[1]["applicant"]["code"]).connect()).close()
    status, answer = await upload(applicant, case_id, photo(6, 64 * 1024))
    assert status == 201, answer
    settlement = await mediator.get_json(f"/api/cases/{case_id}/settlement")
    assert [v["id"] for v in settlement["versions"]] == [version["id"]]
    await assert_kept(applicant, case_id, kept, served.db_url)
    await audit_verifies(data_dir, served.db_url)
    assert_no_traceback(served)
    for person in (applicant, mediator):
        await person.close()

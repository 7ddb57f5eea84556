"""Acknowledged means stored: ``odr serve`` is SIGKILLed while cases pour in, then restarted.

Against the real console script, on SQLite (WAL, synchronous=FULL) and PostgreSQL: every case
the server answered 201 for is there after the restart (its applicant's personal code still
opens it, with the same number), case numbers stay unique and gapless, every stored case has
its ``case.filed`` audit entry, and ``odr audit verify`` passes.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from faults_support import audit_verifies
from procs import Server, odr
from sqlalchemy import create_engine, text
from support import filing

from odr.services import cases, courts
from odr.services.schemas import FileCaseIn
from odr.services.startup import opened_store
from odr.settings import Settings

ROUNDS = 2
WORKERS = 8
WRITE_SECONDS = 1.0


@dataclass(frozen=True)
class Acked:
    case_id: int
    number: str
    code: str


@dataclass
class Stream:
    acked: list[Acked]
    unexpected: list[tuple[int, str]]  # answers other than 201 while the server was up


async def file_until_killed(server: Server, intake_code: str) -> Stream:
    """WORKERS clients file cases as fast as they can; SIGKILL the server mid-stream."""
    stream = Stream([], [])
    killed = asyncio.Event()

    async def worker(http: aiohttp.ClientSession) -> None:
        n = 0
        while not killed.is_set():
            n += 1
            body = filing(intake_code, facts=f"第{n}件：租金纠纷。")
            try:
                async with http.post(f"{server.base_url}/api/cases", json=body) as response:
                    answer = await response.text()
            except aiohttp.ClientError:  # refused, reset or cut off mid-answer by the kill
                return
            if response.status != 201:
                stream.unexpected.append((response.status, answer[:300]))
                continue
            filed = json.loads(answer)
            stream.acked.append(
                Acked(filed["case_id"], filed["number"], filed["applicant"]["code"])
            )

    connector = aiohttp.TCPConnector(limit=WORKERS, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as http:
        tasks = [asyncio.create_task(worker(http)) for _ in range(WORKERS)]
        await asyncio.sleep(WRITE_SECONDS)
        assert not any(t.done() for t in tasks), server.tail()  # still writing when killed
        server.kill()
        killed.set()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=15)
    return stream


async def file_one(base_url: str, intake_code: str) -> Acked:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{base_url}/api/cases", json=filing(intake_code)) as response,
    ):
        assert response.status == 201, await response.text()
        filed = await response.json()
    return Acked(filed["case_id"], filed["number"], filed["applicant"]["code"])


async def reopen_with_codes(base_url: str, acked: list[Acked]) -> list[str]:
    """Log in with each applicant's code on the restarted server and read the case back."""
    problems: list[str] = []
    queue: asyncio.Queue[Acked] = asyncio.Queue()
    for case in acked:
        queue.put_nowait(case)

    async def worker() -> None:
        jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=base_url)
        async with aiohttp.ClientSession(cookie_jar=jar) as http:
            while not queue.empty():
                case = queue.get_nowait()
                jar.clear()  # one party session at a time
                async with http.post(f"{base_url}/api/session", json={"code": case.code}) as r:
                    if r.status != 200:
                        problems.append(f"{case.number}: code refused ({r.status})")
                        continue
                    session = await r.json()
                if session["case_id"] != case.case_id:
                    problems.append(f"{case.number}: code opens case {session['case_id']}")
                    continue
                async with http.get(f"{base_url}/api/cases/{case.case_id}") as r:
                    if r.status != 200:
                        problems.append(f"{case.number}: GET answered {r.status}")
                        continue
                    number = (await r.json())["number"]
                if number != case.number:
                    problems.append(f"case {case.case_id} was {case.number}, now {number}")

    await asyncio.gather(*(worker() for _ in range(WORKERS)))
    return problems


def stored_cases(db_url: str) -> tuple[dict[int, str], int]:
    """Every case in the database (id -> number), and the number of ``case.filed`` entries,
    from one snapshot (a commit sent just before the kill may still land meanwhile)."""
    snapshot = {"isolation_level": "REPEATABLE READ"} if db_url.startswith("postgresql") else {}
    engine = create_engine(db_url, **snapshot)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text('SELECT id, number FROM "case"')).all()
            filed = conn.execute(
                text("SELECT count(*) FROM audit_entry WHERE kind = 'case.filed'")
            ).scalar_one()
    finally:
        engine.dispose()
    return {row[0]: row[1] for row in rows}, filed


def assert_numbers_gapless(numbers: list[str]) -> None:
    """Per court and year, sequence numbers 1..n, each once: nothing reused, nothing skipped."""
    series: dict[str, list[int]] = defaultdict(list)
    for number in numbers:
        match = re.fullmatch(r"([A-Z0-9]+-\d{4})-(\d{5,})", number)
        assert match is not None, number
        series[match.group(1)].append(int(match.group(2)))
    for prefix, seqs in series.items():
        assert sorted(seqs) == list(range(1, len(seqs) + 1)), prefix


@pytest.mark.heavy
async def test_acknowledged_cases_survive_sigkill(tmp_path: Path, db_url: str) -> None:
    data_dir = tmp_path / "data"
    seeded = await asyncio.to_thread(odr, data_dir, db_url, "demo", "--json")
    assert seeded.returncode == 0, seeded.stderr
    intake_code = json.loads(seeded.stdout)["intake_code"]

    acked_so_far: list[Acked] = []
    server = Server(data_dir, db_url, tmp_path / "server.log")
    try:
        await server.start()
        first = await file_one(server.base_url, intake_code)
        for round_no in range(1, ROUNDS + 1):
            stream = await file_until_killed(server, intake_code)
            assert server.proc is not None and server.proc.returncode == -9
            assert not stream.unexpected, stream.unexpected[:5]
            assert len(stream.acked) >= WORKERS, f"round {round_no}: too few writes"
            acked_so_far += stream.acked

            stored, filed_entries = stored_cases(db_url)
            missing = [a.number for a in acked_so_far if stored.get(a.case_id) != a.number]
            assert not missing, f"round {round_no}: acknowledged but lost: {missing[:10]}"
            assert len({a.number for a in acked_so_far}) == len(acked_so_far)
            assert_numbers_gapless(list(stored.values()))
            assert filed_entries == len(stored)  # no case without its audit entry, nor back

            await server.start()  # the same data folder and database, a fresh process
            problems = await reopen_with_codes(server.base_url, stream.acked)
            assert not problems, problems[:10]
            await audit_verifies(data_dir, db_url)

        # After the last restart the server takes new cases, numbered after all the others.
        latest = await file_one(server.base_url, intake_code)
        stored, _ = stored_cases(db_url)
        assert_numbers_gapless(list(stored.values()))
        assert stored[first.case_id] == first.number
        assert latest.number == max(stored.values())
        assert latest.number not in {a.number for a in acked_so_far}
    finally:
        server.kill()


async def test_first_cases_of_a_court_filed_at_once_all_get_numbers(
    tmp_path: Path, db_url: str
) -> None:
    """No court has a case yet and several villagers file at the same moment."""
    settings = Settings(
        data_dir=tmp_path / "data", database_url=db_url, argon2_time_cost=1,
        argon2_memory_kib=1024, db_threads=WORKERS,
    )  # fmt: skip
    with opened_store(settings) as (db, key):
        failures: list[BaseException] = []
        for n in range(4):  # four fresh courts: four chances for the race
            court = db.write_sync(courts.add_court, key, f"法院{n}", f"C{n}")
            assert court.id is not None
            micro = db.write_sync(courts.add_microcourt, key, court.id, f"村{n}")
            data = FileCaseIn.model_validate(filing(micro.intake_code))
            results = await asyncio.gather(
                *(db.write(cases.file_case, key, data, "192.0.2.1") for _ in range(WORKERS)),
                return_exceptions=True,
            )
            failures += [r for r in results if isinstance(r, BaseException)]
            numbers = sorted(r.case.number for r in results if not isinstance(r, BaseException))
            assert_numbers_gapless(numbers)
        assert not failures, failures[:1]

"""Signatures and rulings survive a SIGKILL: cases go through draft, the three signatures,
the application for confirmation and the judge's ruling over HTTP while ``odr serve`` is
killed, again and again, and restarted on the same data folder.

After every restart each acknowledged step is on the record: the version, each signature
(its revision's sha256), the confirmation, the ruling; every PDF the record names is on disk
whole (its sha256 is its name and the audit log's), downloads with that sha256, and no
half-written PDF is left; the cases then carry on from where the record says they are, to a
ruling that ``odr verify`` accepts, as it accepts each signed agreement; ``odr audit verify``
passes after each restart.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from faults_support import (
    Person,
    audit_entries,
    audit_verifies,
    file_case,
    rows,
    sha256,
    temporaries,
)
from procs import Server, odr
from settlement_steps import CLAUSES

pytestmark = pytest.mark.heavy

CASES = 2  # side by side: when one step is acknowledged, the other is being rendered or signed
KILL_AFTER = (1, 2, 2)  # acknowledged steps in the round before each SIGKILL (12 in all)
SIGNERS = ("applicant", "respondent", "mediator")


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    return sqlite_url


@dataclass
class Flow:
    case_id: int
    people: dict[str, Person]  # applicant, respondent, mediator, judge
    acked: list[tuple[str, Any]] = field(default_factory=list)  # (step, answer)


async def in_mediation(served: Server, seeded: dict[str, Any], mediator: Person) -> Flow:
    filed = await file_case(served, seeded["intake_code"])
    for target in ("accepted", "in_mediation"):
        status, answer = await mediator.post(
            f"/api/cases/{filed.case_id}/transitions", json={"target": target}
        )
        assert status == 200, answer
    case = await mediator.get_json(f"/api/cases/{filed.case_id}")
    other = next(p for p in case["parties"] if p["role"] == "respondent")
    status, issued = await mediator.post(f"/api/parties/{other['id']}/code")
    assert status == 201, issued
    people = {
        "applicant": await Person.party(served, filed.code).connect(),
        "respondent": await Person.party(served, issued["code"]).connect(),
        "mediator": mediator,
        "judge": await Person.staff(served, seeded, "judge").connect(),
    }
    return Flow(filed.case_id, people)


def next_step(settlement: dict[str, Any]) -> tuple[str, str, dict[str, Any]] | None:
    """(who, path under the case's settlement, body) of the step the record says comes next."""
    versions = settlement["versions"]
    if not versions:
        return "mediator", "versions", {"clauses": CLAUSES, "free_text": "双方再无其他争议。"}
    version = versions[-1]
    signed = {s["field"] for s in version["signatures"]}
    for who in SIGNERS:
        if who not in signed:
            return who, "signatures", {"version_id": version["id"], "confirmed": True}
    confirmation = settlement["confirmation"]
    if confirmation is None:
        return "applicant", "confirmation", {}
    if not confirmation["outcome"]:
        return "judge", "ruling", {"outcome": "confirmed"}
    return None


@dataclass
class Round:
    """Acknowledgements in this round, and the moment to kill (after ``kill_after`` of them)."""

    kill_after: int
    acked: int = 0
    due: asyncio.Event = field(default_factory=asyncio.Event)

    def count(self) -> None:
        self.acked += 1
        if self.acked >= self.kill_after:
            self.due.set()


async def run_steps(flow: Flow, round_: Round) -> None:
    """Take the next step and the next until done or the server is gone."""
    path = f"/api/cases/{flow.case_id}/settlement"
    try:
        while (step := next_step(await flow.people["mediator"].get_json(path))) is not None:
            who, where, body = step
            status, answer = await flow.people[who].post(f"{path}/{where}", json=body)
            assert status in (200, 201), answer
            flow.acked.append((where if where != "signatures" else who, answer))
            round_.count()
    except aiohttp.ClientError:  # refused, reset or cut off by the kill
        return


async def check_record(flow: Flow, db_url: str) -> None:
    """Every acknowledged step is on the record, with its PDF whole."""
    mediator = flow.people["mediator"]
    settlement = await mediator.get_json(f"/api/cases/{flow.case_id}/settlement")
    versions = {v["id"]: v for v in settlement["versions"]}
    revisions = {e["revision_sha256"] for e in audit_entries(db_url, "settlement.signed")}
    for step, answer in flow.acked:
        if step == "versions":
            assert answer["id"] in versions, f"acknowledged draft lost: {answer}"
            pdf = await mediator.get_bytes(
                f"/api/cases/{flow.case_id}/settlement/versions/{answer['id']}/draft.pdf"
            )
            assert sha256(pdf) == answer["unsigned_sha256"]
        elif step in SIGNERS:
            stored = versions[answer["id"]]["signatures"]
            mine = next(s for s in answer["signatures"] if s["field"] == step)
            assert mine in stored, f"acknowledged signature lost: {step}"
            assert mine["revision_sha256"] in revisions
        elif step == "confirmation":
            assert settlement["confirmation"] is not None
        else:
            assert settlement["confirmation"]["ruling_sha256"] == answer["ruling_sha256"]
    if settlement["versions"] and settlement["versions"][-1]["signatures"]:
        latest = settlement["versions"][-1]
        pdf = await mediator.get_bytes(
            f"/api/cases/{flow.case_id}/settlement/versions/{latest['id']}/signed.pdf"
        )
        assert sha256(pdf) == latest["current_sha256"]


def stored_documents_whole(db_url: str, documents_dir: Path) -> None:
    """Every PDF the record names is on disk under its sha256, and nothing half-written."""
    named = {e["ruling_sha256"] for e in audit_entries(db_url, "settlement.ruling")}
    named |= {e["revision_sha256"] for e in audit_entries(db_url, "settlement.signed")}
    named |= {e["unsigned_sha256"] for e in audit_entries(db_url, "settlement.drafted")}
    files = rows(db_url, "SELECT case_id, sha256, size FROM document_file")
    for case_id, digest, size in files:
        data = (documents_dir / str(case_id) / f"{digest}.pdf").read_bytes()
        assert (sha256(data), len(data)) == (digest, size)
    assert named <= {digest for _, digest, _ in files}
    assert not temporaries(documents_dir), temporaries(documents_dir)


async def odr_verifies(server: Server, pdf: bytes, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(pdf)
    checked = await asyncio.to_thread(odr, server.data_dir, server.db_url, "verify", str(path))
    assert checked.returncode == 0, checked.stdout + checked.stderr


async def test_acknowledged_signatures_and_rulings_survive_sigkill(
    served: Server, seeded: dict[str, Any], db_url: str, tmp_path: Path
) -> None:
    mediator = await Person.staff(served, seeded, "mediator").connect()
    flows = [await in_mediation(served, seeded, mediator) for _ in range(CASES)]
    people = {id(p): p for f in flows for p in f.people.values()}.values()
    documents_dir = served.data_dir / "documents"
    try:
        for kill_no, after in enumerate(KILL_AFTER, 1):
            round_ = Round(after)
            steps = [asyncio.create_task(run_steps(flow, round_)) for flow in flows]
            await asyncio.wait_for(round_.due.wait(), 120)
            assert not all(step.done() for step in steps)  # some are being signed
            served.kill()
            await asyncio.wait_for(asyncio.gather(*steps), 30)

            await served.start()
            for person in people:
                await person.connect()
            for flow in flows:
                await check_record(flow, db_url)
            stored_documents_whole(db_url, documents_dir)
            await audit_verifies(served.data_dir, db_url)
            print(f"kill {kill_no}: steps acknowledged {[len(f.acked) for f in flows]}")
        assert not all(len(f.acked) == 6 for f in flows)  # the kills came before the end

        last = Round(kill_after=0)  # never killed: carry on to the rulings
        await asyncio.gather(*(run_steps(flow, last) for flow in flows))
        for flow in flows:
            await check_record(flow, db_url)
            case = f"/api/cases/{flow.case_id}/settlement"
            settlement = await mediator.get_json(case)
            assert settlement["confirmation"]["outcome"] == "confirmed"
            ruling = await mediator.get_bytes(f"{case}/ruling.pdf")
            assert sha256(ruling) == settlement["confirmation"]["ruling_sha256"]
            await odr_verifies(served, ruling, tmp_path, f"ruling-{flow.case_id}.pdf")
            latest = settlement["versions"][-1]
            agreement = await mediator.get_bytes(f"{case}/versions/{latest['id']}/signed.pdf")
            await odr_verifies(served, agreement, tmp_path, f"agreement-{flow.case_id}.pdf")
        stored_documents_whole(db_url, documents_dir)
        await audit_verifies(served.data_dir, db_url)
    finally:
        for person in people:
            await person.close()

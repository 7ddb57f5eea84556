"""Hearings to connect to, made through the services before ``odr serve`` starts, and the
sessions of their participants, got from the running server with their personal codes; the
demo mediator (``odr demo``) who hosts them.

Each hearing belongs to a case of its own, accepted by the demo mediator (who may host it),
starts in a minute, and has the case's applicant and respondent plus ``interpreters``
invited interpreters as participants, each with a personal code (as in
tests/hearing/hearing_support.py ``make_hearing``).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from odr.domain.actors import PartyRole, Role, Staff
from odr.domain.case_state import CaseState
from odr.services import cases, codes, courts, hearings
from odr.services.audit import AuditKey
from odr.services.hearing_schemas import InviteIn, ScheduleIn
from odr.services.schemas import FileCaseIn, PartyIn, TransitionIn
from odr.services.startup import opened_store
from odr.settings import Settings
from odr.store.models import MicroCourt, MicroCourtStaff

PER_TRANSACTION = 25  # hearings made in one transaction (one fsync)


def demo_mediator(odr: str, env: dict[str, str]) -> dict[str, Any]:
    """``odr demo --json`` on the data folder of ``env``; its mediator's login."""
    demo = subprocess.run(
        [odr, "demo", "--json"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if demo.returncode != 0:
        raise RuntimeError(f"odr demo failed:\n{demo.stderr[-2000:]}")
    users: list[dict[str, Any]] = json.loads(demo.stdout)["users"]
    return next(u for u in users if u["role"] == "mediator")


def make_hearings(settings: Settings, count: int, interpreters: int) -> list[dict[str, Any]]:
    """``count`` hearings: ``[{"id", "codes": [applicant, respondent, interpreter...]}]``."""
    made: list[dict[str, Any]] = []
    with opened_store(settings) as (db, key):
        while len(made) < count:
            batch = min(PER_TRANSACTION, count - len(made))
            made += db.write_sync(
                lambda s, n=batch: [_hearing(s, key, interpreters) for _ in range(n)]
            )
    return made


def _mediator(session: Session) -> Staff:
    user = courts.find_user(session, "mediator")
    assert user is not None and user.id is not None, "run `odr demo` first"
    micro_ids = session.exec(
        select(MicroCourtStaff.microcourt_id).where(MicroCourtStaff.user_id == user.id)
    ).all()
    return Staff(user.id, Role.MEDIATOR, user.court_id, frozenset(micro_ids))


def _hearing(session: Session, key: AuditKey, interpreters: int) -> dict[str, Any]:
    micro = session.exec(select(MicroCourt)).first()
    assert micro is not None
    filed = cases.file_case(
        session,
        key,
        FileCaseIn(
            intake_code=micro.intake_code,
            category="rent",
            applicant=PartyIn(name="小燕"),
            respondent=PartyIn(name="Mr Brown", language="en"),
            facts="租下商铺一间，未付租金。",
            claims="请求减免部分租金。",
        ),
        "bench",
    )
    mediator = _mediator(session)
    ref = f"user:{mediator.user_id}"
    case_id = filed.case.id
    assert case_id is not None
    cases.transition(session, key, mediator, ref, case_id, TransitionIn(target=CaseState.ACCEPTED))
    respondent = next(
        p for p in cases.parties_of(session, case_id) if p.role == PartyRole.RESPONDENT.value
    )
    found = [filed.code, codes.issue(session, key, respondent, ref)]
    start = datetime.now(UTC) + timedelta(minutes=1)
    hearing = hearings.schedule(session, key, mediator, ref, case_id, ScheduleIn(start=start))
    assert hearing.id is not None
    for i in range(interpreters):
        invited = hearings.invite(
            session, key, mediator, ref, hearing.id, InviteIn(name=f"译员{i + 1}")
        )
        assert invited.code is not None
        found.append(invited.code)
    return {"id": hearing.id, "codes": found}


async def sessions_of(base: str, codes_: list[str], concurrency: int = 8) -> list[str]:
    """The session cookie (``name=value``) of each personal code, in order, through
    ``POST /api/session`` of the running server."""
    import aiohttp

    cookies: list[str] = [""] * len(codes_)
    semaphore = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=30), cookie_jar=aiohttp.DummyCookieJar()
    ) as http:

        async def redeem(i: int) -> None:
            async with (
                semaphore,
                http.post(f"{base}/api/session", json={"code": codes_[i]}) as response,
            ):
                if response.status != 200:
                    raise RuntimeError(f"session failed: {response.status} {await response.text()}")
                cookies[i] = f"odr_session={response.cookies['odr_session'].value}"

        await asyncio.wait_for(asyncio.gather(*(redeem(i) for i in range(len(codes_)))), 300)
    return cookies

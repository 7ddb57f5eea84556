"""Hearings for the hearing tests: a case accepted by the demo mediator, a hearing starting now,
and the personal codes of its parties, made through the services."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from odr.domain.actors import PartyRole, Role, Staff
from odr.domain.case_state import CaseState
from odr.services import cases, codes, courts, hearings
from odr.services.hearing_schemas import InviteIn, ScheduleIn
from odr.services.schemas import FileCaseIn, PartyIn, TransitionIn
from odr.services.startup import opened_store
from odr.settings import Settings
from odr.store.models import MicroCourt, MicroCourtStaff
from signaling.probe import Probe

ORIGIN = "http://odr.test"  # make_settings' base_url
Join = Callable[..., Awaitable[Probe]]


def make_hearing(settings: Settings, interpreters: int = 0) -> dict[str, Any]:
    """A case accepted by the demo mediator, a hearing starting now, and the personal codes
    of the applicant, the respondent and ``interpreters`` interpreters."""

    def work(session: Session) -> dict[str, Any]:
        micro = session.exec(select(MicroCourt)).first()
        assert micro is not None and micro.id is not None
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
            "127.0.0.1",
        )
        mediator = courts.find_user(session, "mediator")
        assert mediator is not None and mediator.id is not None
        micro_ids = session.exec(
            select(MicroCourtStaff.microcourt_id).where(MicroCourtStaff.user_id == mediator.id)
        ).all()
        actor = Staff(mediator.id, Role.MEDIATOR, mediator.court_id, frozenset(micro_ids))
        ref = f"user:{mediator.id}"
        case_id = filed.case.id
        assert case_id is not None
        cases.transition(session, key, actor, ref, case_id, TransitionIn(target=CaseState.ACCEPTED))
        respondent = next(
            p for p in cases.parties_of(session, case_id) if p.role == PartyRole.RESPONDENT.value
        )
        found: dict[str, str] = {
            "applicant": filed.code,
            "respondent": codes.issue(session, key, respondent, ref),
        }
        start = datetime.now(UTC) + timedelta(minutes=1)
        hearing = hearings.schedule(session, key, actor, ref, case_id, ScheduleIn(start=start))
        assert hearing.id is not None
        for i in range(interpreters):
            invited = hearings.invite(
                session, key, actor, ref, hearing.id, InviteIn(name=f"译员{i + 1}")
            )
            assert invited.code is not None
            found[f"interpreter{i + 1}"] = invited.code
        return {"id": hearing.id, "case_id": case_id, "codes": found}

    with opened_store(settings) as (db, key):
        return db.write_sync(work)


async def host_and_party(host: Probe, party: Probe, password: str, code: str) -> None:
    """The demo mediator (`password`) and a party (personal `code`) join; the party is let in."""
    await host.login_user("mediator", password)
    await host.connect()
    await party.login_code(code)
    await party.connect()
    await party.wait_for(lambda s: s["me"]["presence"] == "in_hearing")

"""Finding a case and what the access rules need to know about it."""

from __future__ import annotations

from sqlmodel import Session, select

from odr.domain.actors import CaseFacts
from odr.errors import NotFound
from odr.store.models import Case


def facts_of(case: Case) -> CaseFacts:
    assert case.id is not None
    return CaseFacts(case.id, case.court_id, case.microcourt_id, case.mediator_id, case.state)


def case_facts(session: Session, case_id: int) -> CaseFacts:
    return facts_of(find_case(session, case_id))


def find_case(session: Session, case_id: int, *, lock: bool = False) -> Case:
    query = select(Case).where(Case.id == case_id)
    case = session.exec(query.with_for_update() if lock else query).first()
    if case is None:
        raise NotFound("case_not_found", field="case_id")
    return case

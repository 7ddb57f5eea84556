"""Finding a case and what the access rules need to know about it."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, select

from odr.domain import access
from odr.domain.actors import Actor, CaseFacts
from odr.errors import NotFound
from odr.store.models import Case


def facts_of(case: Case) -> CaseFacts:
    assert case.id is not None
    return CaseFacts(case.id, case.court_id, case.microcourt_id, case.mediator_id, case.state)


def find_case(session: Session, case_id: int, *, lock: bool = False) -> Case:
    query = select(Case).where(Case.id == case_id)
    case = session.exec(query.with_for_update() if lock else query).first()
    if case is None:
        raise NotFound("case_not_found", field="case_id")
    return case


def case_for(
    session: Session,
    actor: Actor,
    case_id: int,
    rule: Callable[[Actor, CaseFacts], bool] = access.can_view_case,
    *,
    lock: bool = False,
) -> Case:
    """The case, when ``actor`` may see it and ``rule`` lets them act; 404, 401 or 403 if not."""
    case = find_case(session, case_id, lock=lock)
    facts = facts_of(case)
    access.require(access.can_view_case(actor, facts), actor)
    access.require(rule(actor, facts), actor)
    return case

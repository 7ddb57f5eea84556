"""Who may do what to a case, as a table written from what a court expects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from odr.domain import access
from odr.domain.actors import Actor, Anonymous, CaseFacts, PartyActor, PartyRole, Role, Staff
from odr.domain.case_state import CaseState
from odr.errors import Forbidden, NotAuthenticated

COURT, OTHER_COURT = 1, 2
MICROCOURT = 100
CASE_ID = 10

ASSIGNED = CaseFacts(CASE_ID, COURT, MICROCOURT, mediator_id=7, state="in_mediation")
UNASSIGNED = CaseFacts(CASE_ID, COURT, MICROCOURT, mediator_id=None, state="submitted")

ACTORS: dict[str, Actor] = {
    "anonymous": Anonymous(),
    "applicant": PartyActor(1, CASE_ID, PartyRole.APPLICANT),
    "applicant_agent": PartyActor(2, CASE_ID, PartyRole.APPLICANT_AGENT),
    "respondent": PartyActor(3, CASE_ID, PartyRole.RESPONDENT),
    "respondent_agent": PartyActor(4, CASE_ID, PartyRole.RESPONDENT_AGENT),
    "applicant_of_other_case": PartyActor(5, CASE_ID + 1, PartyRole.APPLICANT),
    "clerk": Staff(20, Role.CLERK, COURT),
    "clerk_of_other_court": Staff(21, Role.CLERK, OTHER_COURT),
    # Mediator 7 is assigned to ASSIGNED; 7 and 8 are members of the case's micro-court, so
    # UNASSIGNED is offered to both.
    "mediator_7": Staff(7, Role.MEDIATOR, COURT, frozenset({MICROCOURT})),
    "mediator_8": Staff(8, Role.MEDIATOR, COURT, frozenset({MICROCOURT, 101})),
    "mediator_not_member": Staff(9, Role.MEDIATOR, COURT, frozenset({101})),
    "mediator_of_other_court": Staff(11, Role.MEDIATOR, OTHER_COURT, frozenset({200})),
    "judge": Staff(30, Role.JUDGE, COURT),
    "judge_of_other_court": Staff(31, Role.JUDGE, OTHER_COURT),
    "admin": Staff(40, Role.ADMIN, COURT),
    "admin_of_other_court": Staff(41, Role.ADMIN, OTHER_COURT),
    "platform_admin": Staff(50, Role.ADMIN, None),
    "clerk_without_court": Staff(51, Role.CLERK, None),
}

CHECKS: dict[str, Callable[[Actor, CaseFacts], bool]] = {
    "view": access.can_view_case,
    "manage": access.can_manage_case,
    "assign": access.can_assign,
    "accept": lambda actor, case: access.can_accept(actor, case, None),
    "mediate": access.can_mediate,
    "withdraw": access.can_withdraw,
    "request_confirmation": access.can_request_confirmation,
    "rule": access.can_rule,
    "close": access.can_close,
    "evidence": access.can_add_evidence,
}

APPLICANT_SIDE = {"view", "withdraw", "request_confirmation", "evidence"}
RESPONDENT_SIDE = {"view", "request_confirmation", "evidence"}  # may not withdraw the claim
REGISTRY = {
    *("view", "manage", "assign", "accept", "withdraw", "request_confirmation", "close"),
    "evidence",
}
JUDGE = {"view", "rule", "close", "evidence"}

# Everything not listed is refused.
EXPECTED_ASSIGNED: dict[str, set[str]] = {
    "applicant": APPLICANT_SIDE,
    "applicant_agent": APPLICANT_SIDE,
    "respondent": RESPONDENT_SIDE,
    "respondent_agent": RESPONDENT_SIDE,
    "clerk": REGISTRY,
    "mediator_7": {"view", "manage", "mediate", "withdraw", "request_confirmation", "evidence"},
    "judge": JUDGE,
    "admin": REGISTRY,
    "platform_admin": REGISTRY,
}
# On an unassigned case, the micro-court's mediators may see and take it, nothing more.
# A mediator the case is merely offered to may look and accept, not add evidence.
OFFERED = {"view", "accept"}
EXPECTED_UNASSIGNED = {**EXPECTED_ASSIGNED, "mediator_7": OFFERED, "mediator_8": OFFERED}

TABLE = [
    (case_name, case, actor, action, action in expected.get(actor, set()))
    for case_name, case, expected in (
        ("assigned", ASSIGNED, EXPECTED_ASSIGNED),
        ("unassigned", UNASSIGNED, EXPECTED_UNASSIGNED),
    )
    for actor in ACTORS
    for action in CHECKS
]


@pytest.mark.parametrize(
    ("case", "actor", "action", "allowed"),
    [row[1:] for row in TABLE],
    ids=[f"{c}-{a}-{x}-{'yes' if ok else 'no'}" for c, _, a, x, ok in TABLE],
)
def test_access_table(case: CaseFacts, actor: str, action: str, allowed: bool) -> None:
    assert CHECKS[action](ACTORS[actor], case) is allowed


TARGET_ACTION = {
    CaseState.SUBMITTED: None,  # nobody moves a case back to submitted
    CaseState.ACCEPTED: "accept",
    CaseState.IN_MEDIATION: "mediate",
    CaseState.SETTLED: "mediate",
    CaseState.FAILED: "mediate",
    CaseState.WITHDRAWN: "withdraw",
    CaseState.CONFIRMATION_REQUESTED: "request_confirmation",
    CaseState.CONFIRMED: "rule",
    CaseState.REJECTED: "rule",
    CaseState.CLOSED: "close",
}


def test_every_state_has_an_expected_action() -> None:
    assert set(TARGET_ACTION) == set(CaseState)


@pytest.mark.parametrize("target", list(CaseState))
@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize("case", [ASSIGNED, UNASSIGNED], ids=["assigned", "unassigned"])
def test_can_transition(case: CaseFacts, actor: str, target: CaseState) -> None:
    expected_table = EXPECTED_ASSIGNED if case is ASSIGNED else EXPECTED_UNASSIGNED
    action = TARGET_ACTION[target]
    expected = action is not None and action in expected_table.get(actor, set())
    assert access.can_transition(ACTORS[actor], case, target) is expected


def test_offered_mediator_may_take_the_case_only_for_themselves() -> None:
    mediator = ACTORS["mediator_7"]
    assert access.can_accept(mediator, UNASSIGNED, 7)
    assert access.can_accept(mediator, UNASSIGNED, None)
    assert not access.can_accept(mediator, UNASSIGNED, 8)
    assert access.can_transition(mediator, UNASSIGNED, CaseState.ACCEPTED, 7)
    assert not access.can_transition(mediator, UNASSIGNED, CaseState.ACCEPTED, 8)
    assert not access.can_accept(ACTORS["mediator_not_member"], UNASSIGNED, 9)


@pytest.mark.parametrize("actor", ["clerk", "admin", "platform_admin"])
def test_registry_assigns_any_mediator(actor: str) -> None:
    for mediator_id in (7, 8, None):
        assert access.can_accept(ACTORS[actor], UNASSIGNED, mediator_id)


@pytest.mark.parametrize("actor", ["judge", "applicant", "anonymous", "clerk_of_other_court"])
def test_others_assign_nobody(actor: str) -> None:
    assert not access.can_accept(ACTORS[actor], UNASSIGNED, 7)


def test_is_offered_to() -> None:
    assert access.is_offered_to(ACTORS["mediator_7"], UNASSIGNED)
    assert access.is_offered_to(ACTORS["mediator_8"], UNASSIGNED)
    assert not access.is_offered_to(ACTORS["mediator_not_member"], UNASSIGNED)
    assert not access.is_offered_to(ACTORS["mediator_7"], ASSIGNED)  # already taken
    assert not access.is_offered_to(ACTORS["clerk"], UNASSIGNED)  # only mediators


@pytest.mark.parametrize("actor", list(ACTORS))
def test_a_closed_case_takes_no_more_evidence(actor: str) -> None:
    closed = replace(ASSIGNED, state=CaseState.CLOSED.value)
    assert not access.can_add_evidence(ACTORS[actor], closed)
    # ... but whoever could see it still can.
    assert access.can_view_case(ACTORS[actor], closed) is access.can_view_case(
        ACTORS[actor], ASSIGNED
    )


@pytest.mark.parametrize(
    "state", [s for s in CaseState if s is not CaseState.CLOSED], ids=lambda s: s.value
)
def test_evidence_is_open_until_closed(state: CaseState) -> None:
    case = replace(ASSIGNED, state=state.value)
    assert access.can_add_evidence(ACTORS["applicant"], case)
    assert access.can_add_evidence(ACTORS["respondent"], case)


def test_require_lets_allowed_through() -> None:
    for actor in ACTORS.values():
        access.require(True, actor)


def test_require_refuses_anonymous_with_401() -> None:
    with pytest.raises(NotAuthenticated) as caught:
        access.require(False, Anonymous())
    assert caught.value.status == 401
    assert caught.value.code == "not_authenticated"


@pytest.mark.parametrize("actor", [name for name in ACTORS if name != "anonymous"])
def test_require_refuses_known_actors_with_403(actor: str) -> None:
    with pytest.raises(Forbidden) as caught:
        access.require(False, ACTORS[actor])
    assert caught.value.status == 403
    assert caught.value.code == "forbidden"

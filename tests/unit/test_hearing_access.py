"""Who may see, schedule and host a case's hearings; an interpreter sees hearings, nothing more."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from odr.domain import access
from odr.domain.actors import Actor, Anonymous, CaseFacts, PartyActor, PartyRole, Role, Staff
from odr.domain.case_state import CaseState

COURT, MICRO, CASE = 1, 100, 10
FACTS = CaseFacts(CASE, COURT, MICRO, mediator_id=7, state="in_mediation")

ACTORS: dict[str, Actor] = {
    "anonymous": Anonymous(),
    "applicant": PartyActor(1, CASE, PartyRole.APPLICANT),
    "respondent_agent": PartyActor(4, CASE, PartyRole.RESPONDENT_AGENT),
    "interpreter": PartyActor(6, CASE, PartyRole.INTERPRETER),
    "interpreter_of_other_case": PartyActor(8, CASE + 1, PartyRole.INTERPRETER),
    "applicant_of_other_case": PartyActor(5, CASE + 1, PartyRole.APPLICANT),
    "clerk": Staff(20, Role.CLERK, COURT),
    "clerk_of_other_court": Staff(21, Role.CLERK, COURT + 1),
    "mediator_of_case": Staff(7, Role.MEDIATOR, COURT, frozenset({MICRO})),
    "other_mediator": Staff(8, Role.MEDIATOR, COURT, frozenset({MICRO})),
    "judge": Staff(30, Role.JUDGE, COURT),
    "judge_of_other_court": Staff(31, Role.JUDGE, COURT + 1),
    "admin": Staff(40, Role.ADMIN, COURT),
}

RULES: dict[str, Callable[[Actor, CaseFacts], bool]] = {
    "see_hearings": access.can_view_hearings,
    "schedule": access.can_schedule_hearing,
    "host": access.can_host_hearing,
    "view_case": access.can_view_case,
    "evidence": access.can_add_evidence,
    "request_confirmation": access.can_request_confirmation,
    "withdraw": access.can_withdraw,
    "manage": access.can_manage_case,
}

EXPECTED: dict[str, set[str]] = {
    "anonymous": set(),
    "applicant": {"see_hearings", "view_case", "evidence", "request_confirmation", "withdraw"},
    "respondent_agent": {"see_hearings", "view_case", "evidence", "request_confirmation"},
    "interpreter": {"see_hearings"},
    "interpreter_of_other_case": set(),
    "applicant_of_other_case": set(),
    "clerk": {"see_hearings", "schedule", "view_case", "evidence", "request_confirmation",
              "withdraw", "manage"},
    "clerk_of_other_court": set(),
    "mediator_of_case": {"see_hearings", "schedule", "host", "view_case", "evidence",
                         "request_confirmation", "withdraw", "manage"},
    "other_mediator": set(),
    "judge": {"see_hearings", "schedule", "host", "view_case", "evidence"},
    "judge_of_other_court": set(),
    "admin": {"see_hearings", "schedule", "view_case", "evidence", "request_confirmation",
              "withdraw", "manage"},
}  # fmt: skip


@pytest.mark.parametrize("who", sorted(ACTORS))
def test_hearing_rules(who: str) -> None:
    allowed = {name for name, rule in RULES.items() if rule(ACTORS[who], FACTS)}
    assert allowed == EXPECTED[who]


def test_interpreter_transitions_nothing() -> None:
    interpreter = ACTORS["interpreter"]
    assert not any(access.can_transition(interpreter, FACTS, target) for target in CaseState)

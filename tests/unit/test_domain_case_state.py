"""The case state machine: every (current, target) pair, checked against the issue's table."""

from __future__ import annotations

import itertools

import pytest

from odr.domain.case_state import CaseState, check_transition
from odr.errors import Conflict, IllegalTransition

STATES = [
    "submitted",
    "accepted",
    "in_mediation",
    "settled",
    "failed",
    "withdrawn",
    "confirmation_requested",
    "confirmed",
    "rejected",
    "closed",
]

# The machine of the issue, written out by hand:
#   submitted -> accepted (mediator assigned) -> in_mediation -> settled | failed | withdrawn
#   settled -> confirmation_requested -> confirmed | rejected
#   withdrawn also from submitted and accepted; anything not closed -> closed.
ALLOWED = {
    ("submitted", "accepted"),
    ("submitted", "withdrawn"),
    ("accepted", "in_mediation"),
    ("accepted", "withdrawn"),
    ("in_mediation", "settled"),
    ("in_mediation", "failed"),
    ("in_mediation", "withdrawn"),
    ("settled", "confirmation_requested"),
    ("confirmation_requested", "confirmed"),
    ("confirmation_requested", "rejected"),
} | {(state, "closed") for state in STATES if state != "closed"}

PAIRS = list(itertools.product(STATES, STATES))
LEGAL = [pair for pair in PAIRS if pair in ALLOWED]
ILLEGAL = [pair for pair in PAIRS if pair not in ALLOWED]


def test_the_states_are_exactly_those_of_the_issue() -> None:
    assert [state.value for state in CaseState] == STATES
    assert len(LEGAL) == 19
    assert len(ILLEGAL) == 100 - 19


@pytest.mark.parametrize(("current", "target"), LEGAL)
def test_legal_transition_passes(current: str, target: str) -> None:
    check_transition(CaseState(current), CaseState(target), has_mediator=True)


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
@pytest.mark.parametrize("has_mediator", [True, False])
def test_illegal_transition_is_refused(current: str, target: str, has_mediator: bool) -> None:
    with pytest.raises(IllegalTransition) as caught:
        check_transition(CaseState(current), CaseState(target), has_mediator=has_mediator)
    error = caught.value
    assert error.code == "illegal_transition"
    assert error.status == 409
    assert isinstance(error, Conflict)
    assert error.field == "state"
    assert error.params == {"current": current, "target": target}
    # Parameters are plain strings, ready for the translation catalogue and JSON.
    assert type(error.params["current"]) is str
    assert type(error.params["target"]) is str


def test_accepting_without_a_mediator_is_refused() -> None:
    with pytest.raises(IllegalTransition) as caught:
        check_transition(CaseState.SUBMITTED, CaseState.ACCEPTED, has_mediator=False)
    error = caught.value
    assert error.code == "mediator_required"
    assert error.field == "mediator_id"
    assert error.status == 409


@pytest.mark.parametrize(("current", "target"), [pair for pair in LEGAL if pair[1] != "accepted"])
def test_other_legal_transitions_do_not_need_a_mediator_flag(current: str, target: str) -> None:
    check_transition(CaseState(current), CaseState(target), has_mediator=False)


@pytest.mark.parametrize("current", [s for s in STATES if (s, "accepted") not in ALLOWED])
def test_an_illegal_accept_is_reported_as_illegal_not_as_missing_mediator(current: str) -> None:
    with pytest.raises(IllegalTransition) as caught:
        check_transition(CaseState(current), CaseState.ACCEPTED, has_mediator=False)
    assert caught.value.code == "illegal_transition"


def test_closed_is_final() -> None:
    for target in CaseState:
        with pytest.raises(IllegalTransition):
            check_transition(CaseState.CLOSED, target, has_mediator=True)


def test_the_happy_paths_are_legal() -> None:
    path = ["submitted", "accepted", "in_mediation", "settled", "confirmation_requested"]
    for end in ("confirmed", "rejected"):
        steps = [*path, end, "closed"]
        for current, target in itertools.pairwise(steps):
            check_transition(CaseState(current), CaseState(target), has_mediator=True)

"""The life of a case, as a state machine that refuses illegal transitions."""

from __future__ import annotations

from enum import StrEnum

from odr.errors import IllegalTransition


class CaseState(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    IN_MEDIATION = "in_mediation"
    SETTLED = "settled"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"
    CONFIRMATION_REQUESTED = "confirmation_requested"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    CLOSED = "closed"


S = CaseState
TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    S.SUBMITTED: frozenset({S.ACCEPTED, S.WITHDRAWN, S.CLOSED}),
    S.ACCEPTED: frozenset({S.IN_MEDIATION, S.WITHDRAWN, S.CLOSED}),
    S.IN_MEDIATION: frozenset({S.SETTLED, S.FAILED, S.WITHDRAWN, S.CLOSED}),
    S.SETTLED: frozenset({S.CONFIRMATION_REQUESTED, S.CLOSED}),
    S.FAILED: frozenset({S.CLOSED}),
    S.WITHDRAWN: frozenset({S.CLOSED}),
    S.CONFIRMATION_REQUESTED: frozenset({S.CONFIRMED, S.REJECTED, S.CLOSED}),
    S.CONFIRMED: frozenset({S.CLOSED}),
    S.REJECTED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}


def check_transition(current: CaseState, target: CaseState, *, has_mediator: bool) -> None:
    """Raise :class:`IllegalTransition` unless ``current -> target`` is allowed."""
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(field="state", current=current.value, target=target.value)
    if target is S.ACCEPTED and not has_mediator:
        raise IllegalTransition("mediator_required", field="mediator_id")

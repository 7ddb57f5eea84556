"""Who may do what to a case: one function per rule, one condition per line.

Each returns a bool; :func:`require` turns a refusal into :class:`Forbidden`.
"""

from __future__ import annotations

from typing import TypeGuard

from odr.domain.actors import Actor, CaseFacts, PartyActor, PartyRole, Role, Staff
from odr.domain.case_state import CaseState
from odr.errors import Forbidden, NotAuthenticated


def _staff_of_court(actor: Actor, case: CaseFacts) -> TypeGuard[Staff]:
    if not isinstance(actor, Staff):
        return False
    if actor.role is Role.ADMIN and actor.court_id is None:
        return True
    return actor.court_id == case.court_id


def _is_party(actor: Actor, case: CaseFacts) -> TypeGuard[PartyActor]:
    """A party of the case or its agent; an interpreter is not (see ``can_view_hearings``)."""
    if not isinstance(actor, PartyActor) or actor.role is PartyRole.INTERPRETER:
        return False
    return actor.case_id == case.case_id


def _role(actor: Actor) -> Role | None:
    return actor.role if isinstance(actor, Staff) else None


def is_offered_to(actor: Actor, case: CaseFacts) -> bool:
    """An unassigned case is offered to the mediators of its micro-court."""
    if not isinstance(actor, Staff) or actor.role is not Role.MEDIATOR:
        return False
    if case.mediator_id is not None:
        return False
    return case.microcourt_id in actor.microcourt_ids


def can_view_case(actor: Actor, case: CaseFacts) -> bool:
    if _is_party(actor, case):
        return True
    if not _staff_of_court(actor, case):
        return False
    if actor.role is not Role.MEDIATOR:
        return True
    return case.mediator_id == actor.user_id or is_offered_to(actor, case)


def can_see_contact_details(actor: Actor, case: CaseFacts) -> bool:
    """Phone and identity numbers, postal and network addresses of the case's people (in the
    case file and its history): the court's staff who see the case; never the parties."""
    return isinstance(actor, Staff) and can_view_case(actor, case)


def can_manage_case(actor: Actor, case: CaseFacts) -> bool:
    """Issue and revoke codes, add parties: clerks, admins, and the case's mediator."""
    if not _staff_of_court(actor, case):
        return False
    if actor.role in (Role.CLERK, Role.ADMIN):
        return True
    return actor.role is Role.MEDIATOR and case.mediator_id == actor.user_id


def can_accept(actor: Actor, case: CaseFacts, mediator_id: int | None) -> bool:
    """A mediator takes a case offered to them; a clerk or admin assigns any mediator."""
    if is_offered_to(actor, case) and isinstance(actor, Staff):
        return mediator_id in (None, actor.user_id)
    return can_assign(actor, case)


def can_assign(actor: Actor, case: CaseFacts) -> bool:
    return _staff_of_court(actor, case) and _role(actor) in (Role.CLERK, Role.ADMIN)


def can_mediate(actor: Actor, case: CaseFacts) -> bool:
    """Start mediation, record settlement or failure: the assigned mediator."""
    if not _staff_of_court(actor, case):
        return False
    return actor.role is Role.MEDIATOR and case.mediator_id == actor.user_id


def can_withdraw(actor: Actor, case: CaseFacts) -> bool:
    if _is_party(actor, case):
        return actor.role in (PartyRole.APPLICANT, PartyRole.APPLICANT_AGENT)
    return can_manage_case(actor, case)


def can_request_confirmation(actor: Actor, case: CaseFacts) -> bool:
    return _is_party(actor, case) or can_manage_case(actor, case)


def can_rule(actor: Actor, case: CaseFacts) -> bool:
    """Confirm or reject a settlement: a judge of the case's court."""
    return _staff_of_court(actor, case) and _role(actor) is Role.JUDGE


def can_close(actor: Actor, case: CaseFacts) -> bool:
    if not _staff_of_court(actor, case):
        return False
    return actor.role in (Role.CLERK, Role.ADMIN, Role.JUDGE)


def can_add_evidence(actor: Actor, case: CaseFacts) -> bool:
    """Parties, and staff of the court other than mediators the case is merely offered to."""
    if case.state == CaseState.CLOSED:
        return False
    if _is_party(actor, case):
        return True
    if is_offered_to(actor, case):
        return False
    return can_view_case(actor, case)


def can_transition(
    actor: Actor, case: CaseFacts, target: CaseState, mediator_id: int | None = None
) -> bool:
    match target:
        case CaseState.ACCEPTED:
            return can_accept(actor, case, mediator_id)
        case CaseState.IN_MEDIATION | CaseState.SETTLED | CaseState.FAILED:
            return can_mediate(actor, case)
        case CaseState.WITHDRAWN:
            return can_withdraw(actor, case)
        case CaseState.CONFIRMATION_REQUESTED:
            return can_request_confirmation(actor, case)
        case CaseState.CONFIRMED | CaseState.REJECTED:
            return can_rule(actor, case)
        case CaseState.CLOSED:
            return can_close(actor, case)
        case _:
            return False


# Hearings ---------------------------------------------------------------------------------


def can_view_hearings(actor: Actor, case: CaseFacts) -> bool:
    """The case's hearings: whoever sees the case, and interpreters invited to the case."""
    if isinstance(actor, PartyActor) and actor.case_id == case.case_id:
        return True
    return can_view_case(actor, case)


def can_schedule_hearing(actor: Actor, case: CaseFacts) -> bool:
    """Schedule, reschedule, cancel, invite: clerks, admins, judges, the case's mediator."""
    if not _staff_of_court(actor, case):
        return False
    if actor.role in (Role.CLERK, Role.ADMIN, Role.JUDGE):
        return True
    return actor.role is Role.MEDIATOR and case.mediator_id == actor.user_id


def can_host_hearing(actor: Actor, case: CaseFacts) -> bool:
    """Chair a hearing (admit, mute, caucus, record): the case's mediator or a judge."""
    return can_mediate(actor, case) or can_rule(actor, case)


# Settlement documents -------------------------------------------------------------------


def can_draft_settlement(actor: Actor, case: CaseFacts) -> bool:
    """Draft or revise the settlement agreement: the case's mediator, or a judge of the court."""
    return can_mediate(actor, case) or can_rule(actor, case)


def can_request_changes(actor: Actor, case: CaseFacts) -> bool:
    """Ask for changes to a draft before signing: a party of the case or their agent."""
    return _is_party(actor, case)


def signature_field(actor: Actor, case: CaseFacts) -> str | None:
    """The agreement's box ``actor`` signs: a party's own role, or the case's mediator's box.

    Agents do not sign in their principal's box.
    """
    if isinstance(actor, PartyActor):
        if not _is_party(actor, case):
            return None
        if actor.role in (PartyRole.APPLICANT, PartyRole.RESPONDENT):
            return actor.role.value
        return None
    return "mediator" if can_mediate(actor, case) else None


def can_sign_settlement(actor: Actor, case: CaseFacts, field: str) -> bool:
    return signature_field(actor, case) == field


def require(allowed: bool, actor: Actor) -> None:
    """Refuse: 401 when nobody is logged in, 403 otherwise."""
    if allowed:
        return
    if not isinstance(actor, Staff | PartyActor):
        raise NotAuthenticated
    raise Forbidden

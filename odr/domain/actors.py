"""Who is asking: a member of court staff, a party to one case, or nobody known."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    CLERK = "clerk"
    MEDIATOR = "mediator"
    JUDGE = "judge"


class PartyRole(StrEnum):
    APPLICANT = "applicant"
    RESPONDENT = "respondent"
    APPLICANT_AGENT = "applicant_agent"
    RESPONDENT_AGENT = "respondent_agent"
    INTERPRETER = "interpreter"  # sees the case's hearings and joins them, nothing more


class Category(StrEnum):
    RENT = "rent"
    WAGES = "wages"
    FAMILY = "family"
    NEIGHBOURS = "neighbours"
    TRAFFIC = "traffic"
    CONTRACT = "contract"
    LOAN = "loan"
    PROPERTY = "property"
    OTHER = "other"


@dataclass(frozen=True)
class Staff:
    user_id: int
    role: Role
    court_id: int | None  # None only for a platform administrator
    microcourt_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class PartyActor:
    party_id: int
    case_id: int
    role: PartyRole


@dataclass(frozen=True)
class Anonymous:
    pass


Actor = Staff | PartyActor | Anonymous


@dataclass(frozen=True)
class CaseFacts:
    """What the access rules need to know about a case."""

    case_id: int
    court_id: int
    microcourt_id: int
    mediator_id: int | None
    state: str

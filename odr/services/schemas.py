"""What callers send in: validated input shared by the HTTP API, the CLI and signaling."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from odr.domain.actors import Category, PartyRole
from odr.domain.case_state import CaseState
from odr.i18n import LANGUAGES

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
MAX_ID = 2**31 - 1  # ids are INTEGER columns: 32 bits on PostgreSQL
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Lang = Annotated[str, StringConstraints(pattern="^(" + "|".join(LANGUAGES) + ")$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=5000)


class PartyIn(Strict):
    name: Name
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = ""
    id_number: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = ""
    address: Short = ""
    language: Lang = "zh-CN"
    timezone: Annotated[str, StringConstraints(max_length=64)] = "Asia/Shanghai"


class AddPartyIn(PartyIn):
    role: PartyRole


class FileCaseIn(Strict):
    intake_code: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    category: Category
    applicant: PartyIn
    respondent: PartyIn
    facts: Text
    claims: Text


class SessionIn(Strict):
    code: Annotated[str, StringConstraints(min_length=1, max_length=60)]


class LoginIn(Strict):
    username: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class TransitionIn(Strict):
    target: CaseState
    mediator_id: Id | None = None
    reason: Short = ""


class AssignIn(Strict):
    mediator_id: Id

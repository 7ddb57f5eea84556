"""What callers send to schedule hearings and invite people to them (validated input)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from odr.services.schemas import Id, Lang, Name, Short, Strict

Zone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
# Enough to reach someone and never a header injection: no spaces, no CR/LF, one "@".
Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        max_length=254,
        pattern=r"^([^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+\.[A-Za-z0-9-]+)?$",
    ),
]
Minutes = Annotated[int, Field(ge=5, le=480)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]
InvitedRole = Literal["interpreter", "applicant_agent", "respondent_agent"]


class ScheduleIn(Strict):
    """``start`` is ISO 8601 with an offset (``2026-12-01T09:30:00+08:00``), or a local time
    without one together with ``timezone`` (``"Europe/Rome"``)."""

    start: datetime
    timezone: Zone | None = None
    duration_minutes: Minutes = 60
    title: Short = ""
    invite_parties: bool = True  # every party of the case is a participant


class RescheduleIn(Strict):
    """Only the fields that change; a new ``start`` follows the same rules as when scheduling."""

    start: datetime | None = None
    timezone: Zone | None = None
    duration_minutes: Minutes | None = None
    title: Short | None = None


class InviteIn(Strict):
    """Invite an interpreter or agent: a new party of the case with its own personal code, or
    (with ``party_id``) someone already a party of the case, whose code stays as it is."""

    role: InvitedRole = "interpreter"
    party_id: Id | None = None
    name: Name | None = None
    language: Lang = "zh-CN"
    timezone: Zone = "Asia/Shanghai"
    email: Email = ""
    phone: Phone = ""


class EmailIn(Strict):
    """A participant's address for invitations (empty: no mail)."""

    email: Email

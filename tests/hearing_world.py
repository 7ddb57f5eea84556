"""A case ready for hearings through the API (tests/api/test_hearing*.py): its people,
logged in, and helpers to schedule and read invitations."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar
from support import Client, enter_code, file_case, login, post

ROME = ZoneInfo("Europe/Rome")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def soon(days: int = 3, hour: int = 9, minute: int = 30) -> datetime:
    """A naive wall time ``days`` from now in Shanghai."""
    day = datetime.now(SHANGHAI).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute)


class World:
    """A case (respondent abroad, in English) accepted by the demo mediator, and its people."""

    def __init__(self) -> None:
        self.case_id = 0
        self.parties: dict[str, int] = {}
        self.clients: dict[str, Client] = {}
        self.csrf: dict[str, str] = {}

    async def enter(self, new_client: Any, seeded: dict[str, Any]) -> World:
        applicant = await new_client()
        filed = await file_case(
            applicant,
            seeded["intake_code"],
            respondent={"name": "Marco Rossi", "language": "en", "timezone": "Europe/Rome"},
        )
        self.case_id = filed["case_id"]
        for role in ("mediator", "clerk", "judge"):
            self.clients[role] = await new_client()
            self.csrf[role] = await login(self.clients[role], seeded, role)
        accepted = await post(
            self.clients["mediator"],
            f"/api/cases/{self.case_id}/transitions",
            self.csrf["mediator"],
            json={"target": "accepted"},
        )
        assert accepted.status == 200, await accepted.text()
        case = await (await self.clients["clerk"].get(f"/api/cases/{self.case_id}")).json()
        self.parties = {p["role"]: p["id"] for p in case["parties"]}
        issued = await post(
            self.clients["clerk"],
            f"/api/parties/{self.parties['respondent']}/code",
            self.csrf["clerk"],
        )
        respondent = await new_client()
        self.clients["applicant"], self.clients["respondent"] = applicant, respondent
        self.csrf["applicant"] = await enter_code(applicant, filed["applicant"]["code"])
        self.csrf["respondent"] = await enter_code(respondent, (await issued.json())["code"])
        return self

    async def send(self, who: str, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"X-CSRF-Token": self.csrf[who], **kwargs.pop("headers", {})}
        return await self.clients[who].request(method, path, headers=headers, **kwargs)

    async def schedule(
        self, who: str = "mediator", headers: dict[str, str] | None = None, **body: Any
    ) -> Any:
        body.setdefault("start", soon().isoformat())
        body.setdefault("timezone", "Asia/Shanghai")
        body = {k: v for k, v in body.items() if v is not None}
        path = f"/api/cases/{self.case_id}/hearings"
        return await self.send(who, "POST", path, json=body, headers=headers or {})

    async def get(self, who: str, path: str, **kwargs: Any) -> Any:
        return await self.clients[who].get(path, **kwargs)


async def world(new_client: Any, seeded: dict[str, Any]) -> World:
    return await World().enter(new_client, seeded)


async def ics_of(w: World, who: str, hearing_id: int, **params: str) -> Any:
    response = await w.get(who, f"/api/hearings/{hearing_id}/invitation.ics", params=params)
    assert response.status == 200, await response.text()
    assert response.content_type == "text/calendar"
    calendar = Calendar.from_ical(await response.read())
    return calendar, calendar.walk("VEVENT")[0]

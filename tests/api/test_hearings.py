"""Hearings through the API: scheduling, time zones, invitations (.ics), and who may do what."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlmodel import select
from support import Client, enter_code, file_case, login, post

from odr.domain.actors import PartyActor, PartyRole, Role, Staff
from odr.errors import Conflict, Forbidden, InvalidInput
from odr.services import audit, cases, courts, hearing_record, hearings
from odr.services.schemas import AddPartyIn
from odr.services.startup import opened_store
from odr.settings import Settings
from odr.store.models import Hearing, User

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


async def test_scheduled_hearing_is_shown_in_each_viewers_zone(
    new_client: Any, seeded: dict[str, Any]
) -> None:
    w = await world(new_client, seeded)
    wall = soon()
    response = await w.schedule(title="第一次调解")
    assert response.status == 201, await response.text()
    made = await response.json()
    start = wall.replace(tzinfo=SHANGHAI).astimezone(UTC)
    assert datetime.fromisoformat(made["scheduled_start"]) == start
    assert made["scheduled_start"].endswith("Z")
    assert made["state"] == "not_started" and made["sequence"] == 0
    assert made["local"]["zone"] == "Asia/Shanghai"
    assert made["local"]["iso"] == wall.replace(tzinfo=SHANGHAI).isoformat()
    assert f"{wall.hour:02d}:{wall.minute:02d}" in made["local"]["text"]
    assert made["mail"] == []  # no mail server configured
    roles = sorted(p["role"] for p in made["participants"])
    assert roles == ["applicant", "respondent"]

    # The respondent (Rome, English) sees the same instant on its own clock.
    seen = await (await w.get("respondent", f"/api/hearings/{made['id']}?lang=en")).json()
    rome = start.astimezone(ROME)
    assert seen["local"]["zone"] == "Europe/Rome"
    assert seen["local"]["iso"] == rome.isoformat()
    assert seen["local"]["offset"] == rome.strftime("%z")[:3] + ":" + rome.strftime("%z")[3:]
    assert rome.strftime("%A") in seen["local"]["text"]
    assert f"{rome.hour:02d}:{rome.minute:02d}" in seen["local"]["text"]
    assert seen["state_label"] == "Not started"
    assert seen["me"] == next(p["id"] for p in seen["participants"] if p["role"] == "respondent")
    # Emails of others are not shown to parties.
    assert all(p["email"] is None for p in seen["participants"] if p["id"] != seen["me"])

    # Any viewer may ask for another zone; a made-up one is refused.
    ny = await (await w.get("mediator", f"/api/hearings/{made['id']}?tz=America/New_York")).json()
    assert ny["local"]["iso"] == start.astimezone(ZoneInfo("America/New_York")).isoformat()
    bad = await w.get("mediator", f"/api/hearings/{made['id']}?tz=Mars/Olympus")
    assert bad.status == 422
    assert (await bad.json())["error"]["code"] == "timezone_unknown"

    # Calendars: the applicant's, the mediator's, the case's list.
    for who in ("applicant", "respondent", "mediator", "judge", "clerk"):
        mine = await (await w.get(who, "/api/hearings")).json()
        assert [h["id"] for h in mine["hearings"]] == [made["id"]], who
    listed = await (await w.get("applicant", f"/api/cases/{w.case_id}/hearings")).json()
    assert listed["timezone"] == "Asia/Shanghai"
    assert [h["id"] for h in listed["hearings"]] == [made["id"]]
    later = (start + timedelta(days=1)).isoformat()
    empty = await (await w.get("mediator", "/api/hearings", params={"from": later})).json()
    assert empty["hearings"] == []
    raw_plus = await w.get("mediator", f"/api/hearings?from={later}")  # "+" unencoded
    assert raw_plus.status == 200 and (await raw_plus.json())["hearings"] == []
    window = {
        "from": soon(days=2).isoformat(),
        "to": soon(days=4).isoformat(),
        "tz": "Asia/Shanghai",
    }
    within = await (await w.get("judge", "/api/hearings", params=window)).json()
    assert [h["id"] for h in within["hearings"]] == [made["id"]]
    for query in ("from=someday", "to=2026-13-01", "limit=0", "limit=x", "tz=Nowhere"):
        bad = await w.get("mediator", f"/api/hearings?{query}")
        assert bad.status == 422, query

    history = await (await w.get("clerk", f"/api/cases/{w.case_id}/history")).json()
    entry = next(e for e in history["entries"] if e["kind"] == "hearing.scheduled")
    assert entry["details"]["hearing_id"] == made["id"]
    assert entry["details"]["start"] == start.isoformat()


async def test_start_times_must_be_explicit_future_and_real(
    new_client: Any, seeded: dict[str, Any]
) -> None:
    w = await world(new_client, seeded)
    aware = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    ok = await w.schedule(start=aware.astimezone(ROME).isoformat(), timezone=None)
    assert ok.status == 201, await ok.text()
    assert datetime.fromisoformat((await ok.json())["scheduled_start"]) == aware

    async def refused(status: int, code: str, field: str | None, **body: Any) -> str:
        response = await w.schedule(headers={"Accept-Language": "en"}, **body)
        assert response.status == status, await response.text()
        error = (await response.json())["error"]
        assert error["code"] == code
        assert error.get("field") == field
        return str(error["message"])

    message = await refused(422, "hearing_in_past", "start", start=soon(days=-1).isoformat())
    assert "past" in message
    await refused(422, "hearing_start_needs_zone", "start", timezone=None)
    await refused(422, "timezone_unknown", "timezone", timezone="Asia/Atlantis")
    await refused(422, "timezone_unknown", "timezone", timezone="../../etc/passwd")
    await refused(422, "hearing_too_far", "start", start=soon(days=800).isoformat())
    await refused(422, "invalid_field", "start", start="next tuesday")
    await refused(422, "invalid_field", "start", start="0001-01-01T00:00:00+08:00")
    await refused(422, "invalid_field", "start", start=10**20)
    await refused(422, "invalid_field", "duration_minutes", duration_minutes=1)
    await refused(422, "invalid_field", "duration_minutes", duration_minutes="long")
    await refused(422, "invalid_field", "surprise", surprise=True)
    # 02:30 on the last Sunday of March does not exist in Rome (clocks go 02:00 -> 03:00).
    year = datetime.now(UTC).year + 1
    gap = max(
        datetime(year, 3, d, 2, 30) for d in range(25, 32) if datetime(year, 3, d).weekday() == 6
    )
    await refused(
        422, "hearing_start_not_in_zone", "start", start=gap.isoformat(), timezone="Europe/Rome"
    )
    # In Chinese by default.
    response = await w.schedule(start=soon(days=-1).isoformat())
    assert (await response.json())["error"]["message"] == "开庭时间不能早于现在"
    not_json = await w.send(
        "mediator",
        "POST",
        f"/api/cases/{w.case_id}/hearings",
        data=b"{",
        headers={"Content-Type": "application/json"},
    )
    assert not_json.status == 400
    assert (await w.send("mediator", "POST", "/api/cases/99999/hearings", json={})).status == 422
    missing = await w.schedule(start=soon().isoformat())
    assert missing.status == 201  # what was refused above left nothing behind but this one
    listed = await (await w.get("clerk", f"/api/cases/{w.case_id}/hearings")).json()
    assert len(listed["hearings"]) == 2
    assert (await w.get("clerk", "/api/hearings/99999")).status == 404
    assert (await w.get("clerk", "/api/hearings/abc")).status == 422


async def test_who_may_schedule_and_see_hearings(new_client: Any, seeded: dict[str, Any]) -> None:
    w = await world(new_client, seeded)
    for who in ("applicant", "respondent"):
        response = await w.schedule(who)
        assert response.status == 403, who
    for who in ("mediator", "clerk", "judge"):
        response = await w.schedule(who)
        assert response.status == 201, (who, await response.text())
    hearing_id = (await response.json())["id"]
    stranger = await new_client()
    assert (await stranger.get(f"/api/hearings/{hearing_id}")).status == 401
    assert (await stranger.get("/api/hearings")).status == 401
    other = await new_client()
    filed = await file_case(other, seeded["intake_code"])
    await enter_code(other, filed["applicant"]["code"])
    assert (await other.get(f"/api/hearings/{hearing_id}")).status == 403
    assert (await other.get(f"/api/hearings/{hearing_id}/invitation.ics")).status == 403
    assert (await other.get(f"/api/cases/{w.case_id}/hearings")).status == 403
    assert (await (await other.get("/api/hearings")).json())["hearings"] == []
    patch = await w.send("applicant", "PATCH", f"/api/hearings/{hearing_id}", json={"title": "x"})
    assert patch.status == 403
    assert (await w.send("respondent", "DELETE", f"/api/hearings/{hearing_id}")).status == 403
    invite = await w.send(
        "applicant", "POST", f"/api/hearings/{hearing_id}/participants", json={"name": "X"}
    )
    assert invite.status == 403
    no_csrf = await w.clients["mediator"].delete(f"/api/hearings/{hearing_id}")
    assert no_csrf.status == 403


async def test_reschedule_and_cancel_update_the_invitation(
    new_client: Any, seeded: dict[str, Any]
) -> None:
    w = await world(new_client, seeded)
    made = await (await w.schedule()).json()
    hid = made["id"]
    cal, event = await ics_of(w, "respondent", hid)
    assert str(cal["method"]) == "REQUEST"
    uid = str(event["uid"])
    assert uid == f"hearing-{hid}@odr.test"
    assert int(event["sequence"]) == 0
    assert event.decoded("dtstart") == datetime.fromisoformat(made["scheduled_start"])
    assert event["dtstart"].to_ical().endswith(b"Z")  # written in UTC
    assert event["summary"].params["LANGUAGE"] == "en"
    case = await (await w.get("clerk", f"/api/cases/{w.case_id}")).json()
    assert case["number"] in str(event["summary"])
    local = datetime.fromisoformat(made["scheduled_start"]).astimezone(ROME)
    assert f"{local.hour:02d}:{local.minute:02d} (Europe/Rome" in str(event["description"])
    assert str(event["url"]) == f"http://odr.test/party?hearing={hid}"
    _, zh = await ics_of(w, "applicant", hid)
    assert zh["summary"].params["LANGUAGE"] == "zh-CN" and "在线庭审" in str(zh["summary"])
    assert str(zh["uid"]) == uid
    _, staff = await ics_of(w, "judge", hid, tz="Europe/Rome", lang="en")
    assert "(Europe/Rome" in str(staff["description"])

    moved_to = soon(days=5, hour=14, minute=0)
    moved = await w.send(
        "mediator",
        "PATCH",
        f"/api/hearings/{hid}",
        json={"start": moved_to.isoformat(), "timezone": "Asia/Shanghai", "duration_minutes": 90},
    )
    assert moved.status == 200, await moved.text()
    body = await moved.json()
    assert sorted(body["changed"]) == ["duration_minutes", "start"]
    assert body["sequence"] == 1
    _, event = await ics_of(w, "respondent", hid)
    assert str(event["uid"]) == uid and int(event["sequence"]) == 1
    assert event.decoded("dtstart") == moved_to.replace(tzinfo=SHANGHAI).astimezone(UTC)
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=90)
    same = await w.send("mediator", "PATCH", f"/api/hearings/{hid}", json={"duration_minutes": 90})
    assert (await same.json())["changed"] == [] and (await same.json())["sequence"] == 1
    past = await w.send(
        "mediator", "PATCH", f"/api/hearings/{hid}", json={"start": "2001-01-01T00:00:00Z"}
    )
    assert past.status == 422

    cancelled = await w.send("clerk", "DELETE", f"/api/hearings/{hid}")
    assert cancelled.status == 200, await cancelled.text()
    assert (await cancelled.json())["state"] == "cancelled"
    cal, event = await ics_of(w, "applicant", hid)
    assert str(cal["method"]) == "CANCEL"
    assert str(event["status"]) == "CANCELLED" and int(event["sequence"]) == 2
    again = await w.send("clerk", "DELETE", f"/api/hearings/{hid}")
    assert again.status == 409
    assert (await again.json())["error"]["code"] == "hearing_cancelled"
    late = await w.send("mediator", "PATCH", f"/api/hearings/{hid}", json={"title": "x"})
    assert late.status == 409
    kinds = [
        e["kind"]
        for e in (await (await w.get("clerk", f"/api/cases/{w.case_id}/history")).json())["entries"]
    ]
    assert kinds.count("hearing.rescheduled") == 1 and kinds.count("hearing.cancelled") == 1


async def test_interpreter_sees_its_hearing_and_nothing_more(
    new_client: Any, seeded: dict[str, Any]
) -> None:
    w = await world(new_client, seeded)
    first = (await (await w.schedule()).json())["id"]
    second = (await (await w.schedule(start=soon(days=4).isoformat())).json())["id"]
    response = await w.send(
        "clerk",
        "POST",
        f"/api/hearings/{first}/participants",
        json={
            "role": "interpreter",
            "name": "Anna Bianchi",
            "language": "en",
            "timezone": "Europe/Rome",
        },
    )
    assert response.status == 201, await response.text()
    invited = await response.json()
    assert invited["participant"]["role"] == "interpreter"
    assert invited["code"]["code"]
    interpreter = await new_client()
    csrf = await enter_code(interpreter, invited["code"]["code"])
    seen = await (await interpreter.get(f"/api/hearings/{first}")).json()
    assert seen["me"] == invited["participant"]["id"]
    assert seen["local"]["zone"] == "Europe/Rome"
    listed = await (await interpreter.get(f"/api/cases/{w.case_id}/hearings")).json()
    assert [h["id"] for h in listed["hearings"]] == [first]
    mine = await (await interpreter.get("/api/hearings")).json()
    assert [h["id"] for h in mine["hearings"]] == [first]
    assert (await interpreter.get(f"/api/hearings/{first}/invitation.ics")).status == 200
    refused = await interpreter.get(f"/api/hearings/{second}")
    assert refused.status == 403
    assert (await refused.json())["error"]["code"] == "hearing_not_invited"
    # Not the case file, its evidence, or any action on the case.
    assert (await interpreter.get(f"/api/cases/{w.case_id}")).status == 403
    assert (await interpreter.get(f"/api/cases/{w.case_id}/evidence")).status == 403
    assert (await interpreter.get(f"/api/cases/{w.case_id}/history")).status == 403
    for path, body in (
        (f"/api/cases/{w.case_id}/transitions", {"target": "withdrawn"}),
        (f"/api/hearings/{first}/participants", {"name": "Y"}),
    ):
        response = await post(interpreter, path, csrf, json=body)
        assert response.status == 403, path
    # The same person for the second hearing: no new code.
    again = await w.send(
        "mediator",
        "POST",
        f"/api/hearings/{second}/participants",
        json={"party_id": invited["participant"]["party_id"]},
    )
    assert again.status == 201, await again.text()
    assert (await again.json())["code"] is None
    assert (await interpreter.get(f"/api/hearings/{second}")).status == 200
    twice = await w.send(
        "mediator",
        "POST",
        f"/api/hearings/{second}/participants",
        json={"party_id": invited["participant"]["party_id"]},
    )
    assert twice.status == 409
    nameless = await w.send("mediator", "POST", f"/api/hearings/{second}/participants", json={})
    assert nameless.status == 422 and (await nameless.json())["error"]["field"] == "name"
    bad_email = await w.send(
        "mediator",
        "POST",
        f"/api/hearings/{second}/participants",
        json={"name": "Z", "email": "z@x.org\r\nBcc: a@b.c"},
    )
    assert bad_email.status == 422
    agent = await w.send(
        "mediator",
        "POST",
        f"/api/hearings/{second}/participants",
        json={"role": "respondent_agent", "name": "Avv. Verdi", "email": "verdi@example.org"},
    )
    assert agent.status == 201
    history = await (await w.get("clerk", f"/api/cases/{w.case_id}/history")).json()
    assert [e["kind"] for e in history["entries"]].count("hearing.invited") == 3


async def test_the_store_functions_signaling_and_the_hub_use(
    settings: Settings, new_client: Any, seeded: dict[str, Any]
) -> None:
    w = await world(new_client, seeded)
    hid = (await (await w.schedule()).json())["id"]
    with opened_store(settings) as (db, key):

        def staff(username: str) -> Staff:
            def load(session: Any) -> Staff:
                user = session.exec(select(User).where(User.username == username)).one()
                return Staff(user.id, Role(user.role), user.court_id)

            return db.read_sync(load)

        judge, clerk, mediator = staff("judge"), staff("clerk"), staff("mediator")

        def second_judge(session: Any) -> Staff:
            hasher = courts.password_hasher(settings)
            user = courts.add_user(
                session, key, hasher, "judge2", "a-long-password", Role.JUDGE, judge.court_id
            )
            return Staff(user.id, Role.JUDGE, user.court_id)

        judge2 = db.write_sync(second_judge)
        host = db.write_sync(hearings.participant_for, hid, judge)
        assert host.is_host and host.role == "judge"
        assert db.write_sync(hearings.participant_for, hid, judge).id == host.id  # same row
        assert db.write_sync(hearings.participant_for, hid, mediator).is_host
        with pytest.raises(Forbidden, match="hearing_not_invited"):
            db.write_sync(hearings.participant_for, hid, clerk)
        applicant = PartyActor(w.parties["applicant"], w.case_id, PartyRole.APPLICANT)
        row = db.write_sync(hearings.participant_for, hid, applicant)
        assert not row.is_host and row.role == "applicant" and row.display_name == "小燕"
        uninvited = PartyActor(999, w.case_id, PartyRole.INTERPRETER)
        with pytest.raises(Forbidden, match="hearing_not_invited"):
            db.write_sync(hearings.participant_for, hid, uninvited)
        assert len(db.read_sync(hearings.participants_of, hid)) == 4

        # An agent added to the case after scheduling is invited all the same.
        agent = db.write_sync(
            cases.add_party,
            key,
            clerk,
            "user:0",
            w.case_id,
            AddPartyIn(name="律师 王", role=PartyRole.APPLICANT_AGENT),
        )
        as_agent = PartyActor(agent.id, w.case_id, PartyRole.APPLICANT_AGENT)
        assert db.write_sync(hearings.participant_for, hid, as_agent).role == "applicant_agent"

        # The first join of a host, from several connections at once, makes one row.
        with ThreadPoolExecutor(6) as pool:
            rows = list(
                pool.map(lambda _: db.write_sync(hearings.participant_for, hid, judge2), range(6))
            )
        assert len({row.id for row in rows}) == 1
        assert len(db.read_sync(hearings.participants_of, hid)) == 6

        for state in ("in_session", "paused", "in_session", "closed"):
            hearing = db.write_sync(hearing_record.set_state, key, hid, state, "user:1")
        assert hearing.state == "closed" and hearing.started_at and hearing.closed_at
        with pytest.raises(Conflict, match="hearing_closed"):
            db.write_sync(hearing_record.set_state, key, hid, "in_session", "user:1")
        with pytest.raises(InvalidInput, match="hearing_state_unknown"):
            db.write_sync(hearing_record.set_state, key, hid, "dancing", "user:1")

        message = db.write_sync(hearing_record.add_message, key, hid, row.id, "hearing", "  您好  ")
        assert message.text == "您好"
        assert [m.text for m in db.read_sync(hearing_record.messages_of, hid)] == ["您好"]
        for text, code in (("   ", "hearing_message_empty"), ("x" * 2001, "too_long")):
            with pytest.raises(InvalidInput, match=code):
                db.write_sync(hearing_record.add_message, key, hid, row.id, "hearing", text)
        began = datetime.now(UTC) - timedelta(minutes=3)
        ended = datetime.now(UTC)
        recording = db.write_sync(
            hearing_record.add_recording,
            key,
            hid,
            f"recordings/{hid}/a.ogg",
            "audio/ogg",
            "ab" * 32,
            1234,
            began,
            ended,
        )
        assert db.read_sync(hearing_record.recordings_of, hid)[0].id == recording.id
        entries = db.read_sync(audit.case_history, w.case_id)
        kinds = [e.kind for e in entries]
        assert kinds.count("hearing.state") == 4
        chat = next(e for e in entries if e.kind == "hearing.chat")
        assert chat.actor == f"party:{w.parties['applicant']}" and "您好" in chat.payload
        rec = next(e for e in entries if e.kind == "hearing.recording")
        assert "ab" * 32 in rec.payload and began.isoformat() in rec.payload
        assert db.read_sync(audit.verify, key.public).ok
        assert db.read_sync(lambda s: s.get(Hearing, hid)).state == "closed"


BAD_BODIES: list[Any] = [
    [],
    "start",
    None,
    12,
    {"start": []},
    {"start": {"a": 1}},
    {"start": "2027-01-01T00:00:00\x00"},
    {"start": "\ud800"},
    {"start": 1e308},
    {"start": "9999-99-99"},
    {"timezone": 5},
    {"timezone": "x" * 500},
    {"duration_minutes": 10**30},
    {"title": "t" * 1000},
    {"role": "judge", "name": "x"},
    {"party_id": -1},
    {"party_id": 2**40},
    {"name": "", "email": "@"},
    {"email": ["a@b.c"]},
]


async def test_bad_bodies_on_every_hearing_endpoint_are_4xx(
    new_client: Any, seeded: dict[str, Any]
) -> None:
    w = await world(new_client, seeded)
    hid = (await (await w.schedule()).json())["id"]
    me = (await (await w.get("respondent", f"/api/hearings/{hid}")).json())["me"]
    targets = [
        ("POST", f"/api/cases/{w.case_id}/hearings"),
        ("PATCH", f"/api/hearings/{hid}"),
        ("POST", f"/api/hearings/{hid}/participants"),
        ("PUT", f"/api/hearings/{hid}/participants/{me}/email"),
    ]
    for method, path in targets:
        for body in BAD_BODIES:
            response = await w.send("mediator", method, path, json=body)
            assert 400 <= response.status < 500, (method, path, body, await response.text())
            error = (await response.json())["error"]
            assert error["code"] and error["message"]
    for path in (
        "/api/hearings/0",
        "/api/hearings/-1",
        "/api/hearings/99999999999",
        f"/api/hearings/{hid}/participants/0/email",
        f"/api/hearings/{hid}/invitation.ics?tz=",
        f"/api/cases/{w.case_id}/hearings?tz=%00",
        "/api/hearings?from=%00",
    ):
        response = await w.get("mediator", path)
        assert 400 <= response.status < 500, (path, response.status)
    # Nothing of it reached the record.
    history = await (await w.get("clerk", f"/api/cases/{w.case_id}/history")).json()
    kinds = [e["kind"] for e in history["entries"] if e["kind"].startswith("hearing.")]
    assert kinds == ["hearing.scheduled"]

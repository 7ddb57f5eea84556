"""Hearings through the API: scheduling, time zones, invitations (.ics), and who may do what."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hearing_world import ROME, SHANGHAI, ics_of, soon, world
from support import enter_code, file_case


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

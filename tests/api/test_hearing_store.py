"""The hearing store functions that signaling and the hub use, and bad bodies on every
hearing endpoint."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hearing_world import world
from sqlmodel import select

from odr.domain.actors import PartyActor, PartyRole, Role, Staff
from odr.errors import Conflict, Forbidden, InvalidInput
from odr.services import audit, cases, courts, hearing_record, hearings
from odr.services.schemas import AddPartyIn
from odr.services.startup import opened_store
from odr.settings import Settings
from odr.store.models import Hearing, User


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

"""Invited participants (interpreters, agents) through the API: their own codes, and what
they may see."""

from __future__ import annotations

from typing import Any

from hearing_world import soon, world
from support import enter_code, post


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

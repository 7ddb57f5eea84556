"""A case's life through the API: routing, acceptance, mediation, ruling, and who may act."""

from __future__ import annotations

from typing import Any

from support import Client, enter_code, file_case, login, post

from odr.domain.actors import Role
from odr.services import courts
from odr.services.audit import AuditKey
from odr.services.startup import opened_store
from odr.settings import Settings


async def transition(client: Client, csrf: str, case_id: int, target: str, **extra: Any) -> Any:
    return await post(
        client, f"/api/cases/{case_id}/transitions", csrf, json={"target": target, **extra}
    )


async def test_life_of_a_case_up_to_settlement(new_client: Any, seeded: dict[str, Any]) -> None:
    villager, mediator = await new_client(), await new_client()
    filed = await file_case(villager, seeded["intake_code"])
    case_id = filed["case_id"]
    m_csrf = await login(mediator, seeded, "mediator")
    offered = await (await mediator.get("/api/cases?state=submitted")).json()
    assert [c["id"] for c in offered["cases"]] == [case_id]
    steps = [
        (mediator, m_csrf, "accepted"),
        (mediator, m_csrf, "in_mediation"),
        (mediator, m_csrf, "settled"),
    ]
    for who, csrf, target in steps:
        response = await transition(who, csrf, case_id, target)
        assert response.status == 200, await response.text()
        assert (await response.json())["state"] == target
    v_csrf = await enter_code(villager, filed["applicant"]["code"])
    # Confirmation follows from the signed agreement and the judge's signed ruling
    # (tests/api/test_settlements.py), never from a bare state change.
    refused = await transition(villager, v_csrf, case_id, "confirmation_requested")
    assert refused.status == 409
    assert (await refused.json())["error"]["code"] == "transition_by_documents"
    history = await (await villager.get(f"/api/cases/{case_id}/history")).json()
    moves = [
        (e["details"]["from"], e["details"]["to"])
        for e in history["entries"]
        if e["kind"] == "case.transition"
    ]
    assert moves == [
        ("submitted", "accepted"),
        ("accepted", "in_mediation"),
        ("in_mediation", "settled"),
    ]
    kinds = [e["kind"] for e in history["entries"]]
    assert kinds[:2] == ["case.filed", "code.issued"]
    assert "code.used" in kinds


async def test_illegal_transition_is_refused_and_changes_nothing(
    client: Client, seeded: dict[str, Any]
) -> None:
    filed = await file_case(client, seeded["intake_code"])
    csrf = await login(client, seeded, "judge")
    response = await transition(client, csrf, filed["case_id"], "confirmed")
    # A judge may rule, but not on a case that was never settled.
    assert response.status == 409
    error = (await response.json())["error"]
    assert error["code"] == "illegal_transition"
    assert "submitted" in error["message"]
    case = await (await client.get(f"/api/cases/{filed['case_id']}")).json()
    assert case["state"] == "submitted"


async def test_who_may_move_a_case(new_client: Any, seeded: dict[str, Any]) -> None:
    applicant, mediator, clerk = await new_client(), await new_client(), await new_client()
    filed = await file_case(applicant, seeded["intake_code"])
    case_id = filed["case_id"]
    a_csrf = await enter_code(applicant, filed["applicant"]["code"])
    # A party cannot accept or settle its own case.
    assert (await transition(applicant, a_csrf, case_id, "accepted")).status == 403
    c_csrf = await login(clerk, seeded, "clerk")
    # A clerk cannot accept without naming a mediator: the clerk is not one.
    refused = await transition(clerk, c_csrf, case_id, "accepted", mediator_id=1)
    assert refused.status == 422
    assert (await refused.json())["error"]["field"] == "mediator_id"
    m_csrf = await login(mediator, seeded, "mediator")
    me = await (await mediator.get("/api/me")).json()
    accepted = await transition(clerk, c_csrf, case_id, "accepted", mediator_id=me["user_id"])
    assert accepted.status == 200
    assert (await accepted.json())["mediator_id"] == me["user_id"]
    assert (await transition(clerk, c_csrf, case_id, "in_mediation")).status == 403
    assert (await transition(mediator, m_csrf, case_id, "in_mediation")).status == 200
    assert (await transition(applicant, a_csrf, case_id, "withdrawn")).status == 200


async def test_respondent_may_not_withdraw(new_client: Any, seeded: dict[str, Any]) -> None:
    applicant, clerk, respondent = await new_client(), await new_client(), await new_client()
    filed = await file_case(applicant, seeded["intake_code"])
    c_csrf = await login(clerk, seeded, "clerk")
    case = await (await clerk.get(f"/api/cases/{filed['case_id']}")).json()
    respondent_id = case["parties"][1]["id"]
    issued = await post(clerk, f"/api/parties/{respondent_id}/code", c_csrf)
    assert issued.status == 201
    r_csrf = await enter_code(respondent, (await issued.json())["code"])
    assert (await transition(respondent, r_csrf, filed["case_id"], "withdrawn")).status == 403


async def test_staff_of_another_court_see_nothing(
    new_client: Any, seeded: dict[str, Any], settings: Settings
) -> None:
    hasher = courts.password_hasher(settings)

    def other_court(session: Any, key: AuditKey) -> None:
        court = courts.add_court(session, key, "余杭区人民法院", "YH")
        courts.add_user(session, key, hasher, "judge2", "another-password", Role.JUDGE, court.id)

    with opened_store(settings) as (db, key):
        db.write_sync(other_court, key)
    villager, judge2 = await new_client(), await new_client()
    filed = await file_case(villager, seeded["intake_code"])
    response = await judge2.post(
        "/api/login", json={"username": "judge2", "password": "another-password"}
    )
    csrf = (await response.json())["csrf_token"]
    assert (await judge2.get(f"/api/cases/{filed['case_id']}")).status == 403
    assert (await (await judge2.get("/api/cases")).json())["cases"] == []
    assert (await transition(judge2, csrf, filed["case_id"], "closed")).status == 403


async def test_reassignment_by_the_clerk(
    new_client: Any, seeded: dict[str, Any], settings: Settings
) -> None:
    hasher = courts.password_hasher(settings)

    def second_mediator(session: Any, key: AuditKey) -> int:
        user = courts.add_user(
            session,
            key,
            hasher,
            "mediator2",
            "second-password",
            Role.MEDIATOR,
            seeded["court_id"],
        )
        assert user.id is not None
        return user.id

    with opened_store(settings) as (db, key):
        mediator2 = db.write_sync(second_mediator, key)
    clerk, mediator = await new_client(), await new_client()
    filed = await file_case(clerk, seeded["intake_code"])
    m_csrf = await login(mediator, seeded, "mediator")
    assert (await transition(mediator, m_csrf, filed["case_id"], "accepted")).status == 200
    # The mediator cannot hand the case on; the clerk can.
    path = f"/api/cases/{filed['case_id']}/assignment"
    assert (await post(mediator, path, m_csrf, json={"mediator_id": mediator2})).status == 403
    c_csrf = await login(clerk, seeded, "clerk")
    response = await post(clerk, path, c_csrf, json={"mediator_id": mediator2})
    assert response.status == 200
    assert (await response.json())["mediator_id"] == mediator2
    # The first mediator no longer sees it.
    assert (await mediator.get(f"/api/cases/{filed['case_id']}")).status == 403

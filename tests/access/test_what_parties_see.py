"""Beyond the status: what a party reads of its own case leaves out the other people's
contact details (phone, identity number, postal and network addresses), which the court's
staff see; and the session checks (CSRF token, Origin) refuse on their own, so that a 403 in
the matrix means "not allowed"."""

from __future__ import annotations

from typing import Any

import pytest
from access_world import ORIGIN, World

from odr.domain import access
from odr.domain.actors import CaseFacts, PartyActor, PartyRole, Role, Staff

MODULE = pytest.mark.asyncio(loop_scope="module")


def addresses(history: dict[str, Any]) -> list[Any]:
    return [e["details"]["address"] for e in history["entries"] if "address" in e["details"]]


@MODULE
async def test_a_party_reads_the_history_without_anyones_address(world: World) -> None:
    scene = await world.scene()
    await world.enter(scene.codes["respondent"])  # the respondent's code use is logged
    path = f"/api/cases/{scene.case_id}/history"
    party = await world.caller("party", scene)
    seen_by_party = await (await party.send("GET", path)).json()
    seen_by_clerk = await (await world.staff["clerk"].send("GET", path)).json()
    kinds = {e["kind"] for e in seen_by_party["entries"]}
    assert "code.used" in kinds  # the entries are there...
    assert addresses(seen_by_party) == []  # ... without where anyone connected from
    assert addresses(seen_by_clerk) != []  # which the registry still sees


@MODULE
async def test_a_party_reads_the_case_without_contact_details(world: World) -> None:
    scene = await world.scene()
    party = await world.caller("party", scene)
    case = await (await party.send("GET", f"/api/cases/{scene.case_id}")).json()
    for field in ("phone", "id_number", "address"):
        assert all(p.get(field) is None for p in case["parties"]), field
    clerk = await (await world.staff["clerk"].send("GET", f"/api/cases/{scene.case_id}")).json()
    assert any(p.get("phone") for p in clerk["parties"])


def test_contact_details_rule() -> None:
    case = CaseFacts(10, 1, 100, mediator_id=7, state="in_mediation")
    assert access.can_see_contact_details(Staff(20, Role.CLERK, 1), case)
    assert access.can_see_contact_details(Staff(7, Role.MEDIATOR, 1, frozenset({100})), case)
    assert not access.can_see_contact_details(Staff(31, Role.JUDGE, 2), case)
    assert not access.can_see_contact_details(PartyActor(1, 10, PartyRole.APPLICANT), case)


@MODULE
async def test_a_missing_csrf_token_or_a_foreign_origin_is_refused(world: World) -> None:
    scene = await world.scene()
    clerk = world.staff["clerk"]
    path = f"/api/cases/{scene.case_id}/parties"
    body = {"role": "applicant_agent", "name": "代理人 周律师"}
    bare = await clerk.client.post(path, json=body, headers={"Origin": ORIGIN})
    assert bare.status == 403
    assert (await bare.json())["error"]["code"] == "csrf_failed"
    foreign = await clerk.send("POST", path, json=body, headers={"Origin": "http://evil.example"})
    assert foreign.status == 403
    assert (await foreign.json())["error"]["code"] == "origin_not_allowed"
    allowed = await clerk.send("POST", path, json=body)  # the same, with token and Origin
    assert allowed.status == 201, await allowed.text()

"""Filing a case from an intake code and following it with the personal code."""

from __future__ import annotations

from typing import Any

from support import Client, enter_code, file_case, filing

from odr.domain import codes


async def test_intake_code_shows_the_micro_court(client: Client, seeded: dict[str, Any]) -> None:
    typed = seeded["intake_code"].lower().replace("-", " ")
    response = await client.get(f"/api/intake/{typed}")
    assert response.status == 200
    body = await response.json()
    assert body["microcourt"] == "上田村微法庭"
    assert body["court"] == "杭州市临安区人民法院"


async def test_filed_case_gets_number_and_applicant_code(
    client: Client, seeded: dict[str, Any]
) -> None:
    filed = await file_case(client, seeded["intake_code"])
    assert filed["state"] == "submitted"
    assert filed["number"].startswith("LA-") and filed["number"].endswith("-00001")
    code = filed["applicant"]["code"]
    assert len(code) == 14 and code.count("-") == 2
    assert codes.normalise(code) is not None
    assert filed["applicant"]["qr_svg"].startswith("<svg")
    second = await file_case(client, seeded["intake_code"])
    assert second["number"].endswith("-00002")
    assert second["applicant"]["code"] != code


async def test_personal_code_opens_only_its_own_case(
    new_client: Any, seeded: dict[str, Any]
) -> None:
    villager = await new_client()
    filed = await file_case(villager, seeded["intake_code"])
    other = await file_case(villager, seeded["intake_code"])
    # Typed the way people type: lower case, spaces instead of hyphens, O for 0, l for 1.
    typed = filed["applicant"]["code"].lower().replace("-", " ").replace("0", "o").replace("1", "l")
    await enter_code(villager, typed)
    mine = await villager.get(f"/api/cases/{filed['case_id']}")
    assert mine.status == 200
    case = await mine.json()
    assert case["number"] == filed["number"]
    assert [p["role"] for p in case["parties"]] == ["applicant", "respondent"]
    assert "phone" not in case["parties"][0] or case["parties"][0]["phone"] is None
    theirs = await villager.get(f"/api/cases/{other['case_id']}")
    assert theirs.status == 403
    listed = await (await villager.get("/api/cases")).json()
    assert [c["id"] for c in listed["cases"]] == [filed["case_id"]]


async def test_case_goes_to_the_micro_court_of_the_intake_code(
    client: Client, seeded: dict[str, Any]
) -> None:
    filed = await file_case(client, seeded["intake_code"])
    await enter_code(client, filed["applicant"]["code"])
    case = await (await client.get(f"/api/cases/{filed['case_id']}")).json()
    assert case["microcourt_id"] == seeded["microcourt_id"]
    assert case["microcourt"] == "上田村微法庭"
    assert case["mediator_id"] is None


async def test_unknown_intake_code_is_a_translated_404(client: Client) -> None:
    response = await client.get("/api/intake/ZZZZ-ZZZZ", headers={"Accept-Language": "en"})
    assert response.status == 404
    error = (await response.json())["error"]
    assert error["code"] == "intake_code_unknown"
    assert "intake code" in error["message"]
    response = await client.post("/api/cases", json=filing("ZZZZ-ZZZZ"))
    assert response.status == 404
    assert "受理码" in (await response.json())["error"]["message"]


async def test_unknown_personal_code_is_refused(client: Client) -> None:
    response = await client.post("/api/session", json={"code": "0000-0000-0000"})
    assert response.status == 404
    assert (await response.json())["error"]["code"] == "code_unknown"
    assert (await client.get("/api/cases")).status == 401


async def test_a_new_micro_court_is_found_at_once(
    client: Client, seeded: dict[str, Any], settings: Any
) -> None:
    from odr.services import courts
    from odr.services.startup import opened_store

    assert (await client.get(f"/api/intake/{seeded['intake_code']}")).status == 200  # cached
    with opened_store(settings) as (db, key):
        micro = db.write_sync(courts.add_microcourt, key, seeded["court_id"], "太源村微法庭")
    response = await client.get(f"/api/intake/{micro.intake_code}")
    assert response.status == 200
    assert (await response.json())["microcourt"] == "太源村微法庭"

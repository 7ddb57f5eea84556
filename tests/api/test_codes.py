"""Personal codes: revocation, reissue, and the limits on guessing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from support import Client, enter_code, file_case, login, make_settings, post

from odr.http.app import create_app


async def test_revoked_code_stops_working_and_reissued_code_works(
    new_client: Any, seeded: dict[str, Any]
) -> None:
    villager, clerk = await new_client(), await new_client()
    filed = await file_case(villager, seeded["intake_code"])
    old_code = filed["applicant"]["code"]
    await enter_code(villager, old_code)
    assert (await villager.get("/api/me")).status == 200
    c_csrf = await login(clerk, seeded, "clerk")
    party = f"/api/parties/{filed['applicant']['party_id']}/code"
    revoked = await clerk.delete(party, headers={"X-CSRF-Token": c_csrf})
    assert revoked.status == 204
    # The session opened with the revoked code ends with it.
    assert (await villager.get("/api/me")).status == 401
    again = await villager.post("/api/session", json={"code": old_code})
    assert again.status == 404
    reissued = await post(clerk, party, c_csrf)
    assert reissued.status == 201
    new_code = (await reissued.json())["code"]
    assert new_code != old_code
    await enter_code(villager, new_code)
    assert (await villager.get(f"/api/cases/{filed['case_id']}")).status == 200
    history = await (await clerk.get(f"/api/cases/{filed['case_id']}/history")).json()
    kinds = [e["kind"] for e in history["entries"]]
    assert kinds.count("code.used") == 2
    assert kinds.count("code.issued") == 2
    assert "code.revoked" in kinds


async def test_party_cannot_issue_codes(new_client: Any, seeded: dict[str, Any]) -> None:
    villager = await new_client()
    filed = await file_case(villager, seeded["intake_code"])
    csrf = await enter_code(villager, filed["applicant"]["code"])
    response = await post(villager, f"/api/parties/{filed['applicant']['party_id']}/code", csrf)
    assert response.status == 403


async def test_guessing_codes_is_limited_per_address(
    client: Client, seeded: dict[str, Any]
) -> None:
    filed = await file_case(client, seeded["intake_code"])
    for _ in range(10):
        response = await client.post("/api/session", json={"code": "0000-0000-0000"})
        assert response.status == 404
    blocked = await client.post("/api/session", json={"code": "0000-0000-0000"})
    assert blocked.status == 429
    assert 1 <= int(blocked.headers["Retry-After"]) <= 900
    assert (await blocked.json())["error"]["code"] == "too_many_attempts"
    # Past the limit even the right code waits: a guesser learns nothing from the answer.
    right = await client.post("/api/session", json={"code": filed["applicant"]["code"]})
    assert right.status == 429
    # Intake look-ups and filing count against the same budget.
    assert (await client.get("/api/intake/ZZZZ-ZZZZ")).status == 429


@pytest.fixture
def global_limit_settings(tmp_path: Path, db_url: str) -> Any:
    return make_settings(
        tmp_path / "data", db_url, code_failures_per_address=1000, code_failures_global_per_hour=5
    )


async def test_guessing_is_limited_for_the_whole_server(
    global_limit_settings: Any,
) -> None:
    server = TestServer(create_app(global_limit_settings))
    async with TestClient(server) as client:
        for i in range(5):  # five failures from anywhere
            response = await client.post(
                "/api/session",
                json={"code": f"0000-0000-000{i}"},
            )
            assert response.status == 404
        blocked = await client.post("/api/session", json={"code": "1111-1111-1111"})
        assert blocked.status == 429
        assert int(blocked.headers["Retry-After"]) > 60

"""What fuzzing the API (tests/fuzz/test_api_fuzz.py) brought up: an evidence download whose
media type the OpenAPI document did not name, and a 500 for a ``?offset=`` past an int64 (found
while the document learnt the query parameters). Each is checked here with plain requests."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import FormData
from support import Client, enter_code, file_case, login

from odr.services.schemas import MAX_ID

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("offset=100000000000000000000", "offset"),  # past an int64: the database raised
        (f"offset={2**63}", "offset"),
        (f"offset={MAX_ID + 1}", "offset"),
        ("limit=100000000000000000000", "limit"),
        ("limit=0", "limit"),
        ("limit=ten", "limit"),  # was reported as a wrong "state"
        ("offset=-1", "offset"),
        ("state=lost", "state"),
    ],
)
async def test_paging_the_case_list_out_of_range_is_a_422(
    client: Client, seeded: dict[str, Any], query: str, field: str
) -> None:
    await login(client, seeded, "clerk")
    response = await client.get(f"/api/cases?{query}")
    assert response.status == 422, await response.text()
    assert (await response.json())["error"]["field"] == field


async def test_paging_the_case_list_within_range(client: Client, seeded: dict[str, Any]) -> None:
    await file_case(client, seeded["intake_code"])
    await login(client, seeded, "clerk")
    everything = await (await client.get("/api/cases?limit=100000")).json()  # counts as 500
    assert len(everything["cases"]) == 1
    beyond = await (await client.get(f"/api/cases?offset={MAX_ID}")).json()
    assert beyond == {"cases": []}


async def test_evidence_downloads_as_a_type_the_document_names(
    new_client: Any, seeded: dict[str, Any]
) -> None:
    villager, clerk = await new_client(), await new_client()
    filed = await file_case(villager, seeded["intake_code"])
    csrf = await enter_code(villager, filed["applicant"]["code"])
    photo = FormData()
    photo.add_field("file", PNG, filename="photo.png", content_type="image/png")
    path = f"/api/cases/{filed['case_id']}/evidence"
    uploaded = await villager.post(path, data=photo, headers={"X-CSRF-Token": csrf})
    assert uploaded.status == 201, await uploaded.text()
    await login(clerk, seeded, "clerk")
    download = await clerk.get(f"{path}/{(await uploaded.json())['id']}")
    assert download.status == 200
    doc = await (await clerk.get("/api/openapi.json")).json()
    answers = doc["paths"]["/api/cases/{case_id}/evidence/{evidence_id}"]["get"]["responses"]
    assert download.content_type == "image/png"
    assert download.content_type in answers["200"]["content"]  # was only octet-stream

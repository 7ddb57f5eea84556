"""Steps the settlement tests share: a case in mediation, drafting, signing, a ruling.

The PDF tools (pdfsig, NSS, pyHanko's command line, tampering) are shared, in
``tests/documents/pdf_checks.py``.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageDraw
from support import Client, enter_code, file_case, login, post

CLAUSES: list[dict[str, Any]] = [
    {
        "text": "被申请人支付拖欠租金。",
        "amount_cents": 1_080_000,
        "payer": "respondent",
        "payee": "applicant",
        "due": "2027-01-31",
    },
    {"text": "被申请人于2027年2月15日前搬离并交还钥匙。"},
]


@dataclass
class Flow:
    case_id: int
    applicant: Client
    a_csrf: str
    respondent: Client
    r_csrf: str
    mediator: Client
    m_csrf: str
    judge: Client
    j_csrf: str


async def case_in_mediation(new_client: Any, seeded: dict[str, Any], **filing: Any) -> Flow:
    applicant, respondent = await new_client(), await new_client()
    mediator, judge = await new_client(), await new_client()
    filed = await file_case(applicant, seeded["intake_code"], **filing)
    case_id = filed["case_id"]
    m_csrf = await login(mediator, seeded, "mediator")
    for target in ("accepted", "in_mediation"):
        response = await post(
            mediator, f"/api/cases/{case_id}/transitions", m_csrf, json={"target": target}
        )
        assert response.status == 200, await response.text()
    case = await (await mediator.get(f"/api/cases/{case_id}")).json()
    other = next(p for p in case["parties"] if p["role"] == "respondent")
    issued = await post(mediator, f"/api/parties/{other['id']}/code", m_csrf)
    assert issued.status == 201, await issued.text()
    return Flow(
        case_id=case_id,
        applicant=applicant,
        a_csrf=await enter_code(applicant, filed["applicant"]["code"]),
        respondent=respondent,
        r_csrf=await enter_code(respondent, (await issued.json())["code"]),
        mediator=mediator,
        m_csrf=m_csrf,
        judge=judge,
        j_csrf=await login(judge, seeded, "judge"),
    )


async def draft(flow: Flow, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"clauses": CLAUSES, "free_text": "双方再无其他争议。"}
    body.update(changes)
    response = await post(
        flow.mediator, f"/api/cases/{flow.case_id}/settlement/versions", flow.m_csrf, json=body
    )
    assert response.status == 201, await response.text()
    version: dict[str, Any] = await response.json()
    return version


async def sign(client: Client, csrf: str, case_id: int, version_id: int, **extra: Any) -> Any:
    body = {"version_id": version_id, "confirmed": True, **extra}
    return await post(client, f"/api/cases/{case_id}/settlement/signatures", csrf, json=body)


async def signed_by_all(flow: Flow, version_id: int, drawn: bool = False) -> dict[str, Any]:
    steps = [
        (flow.applicant, flow.a_csrf, {"signature_png": drawn_signature()} if drawn else {}),
        (flow.respondent, flow.r_csrf, {}),
        (flow.mediator, flow.m_csrf, {}),
    ]
    result: dict[str, Any] = {}
    for client, csrf, extra in steps:
        response = await sign(client, csrf, flow.case_id, version_id, **extra)
        assert response.status == 200, await response.text()
        result = await response.json()
    return result


async def confirmed(flow: Flow) -> dict[str, Any]:
    """Draft, three signatures, application, ruling: the case's settlement afterwards."""
    version = await draft(flow)
    await signed_by_all(flow, version["id"])
    applied = await post(
        flow.applicant, f"/api/cases/{flow.case_id}/settlement/confirmation", flow.a_csrf, json={}
    )
    assert applied.status == 201, await applied.text()
    ruled = await post(
        flow.judge,
        f"/api/cases/{flow.case_id}/settlement/ruling",
        flow.j_csrf,
        json={"outcome": "confirmed"},
    )
    assert ruled.status == 200, await ruled.text()
    settlement: dict[str, Any] = await (
        await flow.mediator.get(f"/api/cases/{flow.case_id}/settlement")
    ).json()
    return settlement


async def download(client: Client, path: str) -> bytes:
    response = await client.get(path)
    assert response.status == 200, await response.text()
    assert response.headers["Content-Type"] == "application/pdf"
    return await response.read()


def drawn_signature() -> str:
    """A handwritten-looking signature as a PNG data URL."""
    image = Image.new("RGBA", (300, 100), (255, 255, 255, 0))
    pen = ImageDraw.Draw(image)
    pen.line(
        [(10, 70), (60, 20), (110, 80), (170, 25), (230, 75), (290, 30)], fill="black", width=4
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")

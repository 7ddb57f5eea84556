"""How each row of the HTTP table is asked: which case (scene), which body, which ids.

Scenes: ``main`` (a case in mediation, its hearing, evidence), ``settle`` (a case taken from
a draft to a ruling by the settlement rows themselves, in table order) and ``fresh`` (a new
case for every cell: the request changes the case for good, as a withdrawal does).
Sessions are started and ended by the session rows on a new session of each person
(``fresh_caller``), so nobody else's session changes.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from access_world import Scene, World
from aiohttp import FormData
from settlement_steps import CLAUSES

Body = Callable[[World, Scene], Any]
Hook = Callable[[World, Scene], Awaitable[None]]
Listed = Callable[[World, Scene, Any], bool]


@dataclass(frozen=True)
class Ask:
    scene: str = "main"
    json: Body | None = None
    form: Callable[[World, Scene], FormData] | None = None
    ids: dict[str, str] = field(default_factory=dict)  # path parameter -> key of Scene.ids
    fresh_caller: bool = False
    before: Hook | None = None  # once, before the row's cells
    per_cell: Callable[[World, Scene], Awaitable[dict[str, Any]]] | None = None
    listed: Listed | None = None  # for 200 answers: is this case in it? (else "hid")


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def photo(world: World, scene: Scene) -> FormData:
    body = FormData(default_to_multipart=True)
    body.add_field("description", "合同照片")
    body.add_field("file", png(), filename="photo.png", content_type="application/octet-stream")
    return body


def signed_pdf(world: World, scene: Scene) -> FormData:
    body = FormData(default_to_multipart=True)
    body.add_field("file", scene.ids["signed_pdf"], filename="agreement.pdf")
    return body


def later(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0).isoformat()


def filing(world: World, scene: Scene) -> dict[str, Any]:
    return {
        "intake_code": world.seeded["intake_code"],
        "category": "rent",
        "applicant": {"name": "小燕", "phone": "13800000000"},
        "respondent": {"name": "杭州某美食广场有限公司"},
        "facts": "租下商铺一间，未付租金。",
        "claims": "请求减免部分租金。",
    }


def lists_case(world: World, scene: Scene, answer: Any) -> bool:
    return scene.case_id in {c["id"] for c in answer["cases"]}


def lists_hearing(world: World, scene: Scene, answer: Any) -> bool:
    return scene.hearing_id in {h["id"] for h in answer["hearings"]}


def counts_this_court(world: World, scene: Scene, answer: Any) -> bool:
    return bool(answer["court_id"] == world.seeded["court_id"])


async def fresh_hearing(world: World, scene: Scene) -> dict[str, Any]:
    return {"hearing_id": await world.new_hearing(scene)}


async def documents(world: World, scene: Scene) -> None:
    await world.documents(scene)


async def respondent_signs(world: World, scene: Scene) -> None:
    await world.documents(scene)
    respondent = await world.enter(scene.codes["respondent"])
    body = {"version_id": scene.ids["version_id"], "confirmed": True}
    path = f"/api/cases/{scene.case_id}/settlement/signatures"
    answer = await respondent.send("POST", path, json=body)
    assert answer.status == 200, await answer.text()


async def signed_copy(world: World, scene: Scene) -> None:
    """The signed agreement's bytes, as anyone who was given the document would hold them."""
    await world.documents(scene)
    clerk = world.staff["clerk"]
    path = f"/api/cases/{scene.case_id}/settlement/versions/{scene.ids['version_id']}/signed.pdf"
    answer = await clerk.send("GET", path)
    assert answer.status == 200, await answer.text()
    scene.ids["signed_pdf"] = await answer.read()


def transition(target: str) -> Ask:
    return Ask(scene="fresh", json=lambda w, s: {"target": target, "reason": "access matrix"})


SETTLE = dict(scene="settle", before=documents)

ASKS: dict[str, Ask] = {
    "GET /healthz": Ask(),
    "GET /api/intake/{intake_code}": Ask(),
    "POST /api/cases": Ask(json=filing),
    "POST /api/session": Ask(json=lambda w, s: {"code": s.codes["applicant"]}, fresh_caller=True),
    "POST /api/login": Ask(
        json=lambda w, s: dict(zip(("username", "password"), w.password("clerk"), strict=True)),
        fresh_caller=True,
    ),
    "POST /api/logout": Ask(fresh_caller=True),
    "GET /api/audit/tree-head": Ask(),
    "GET /api/i18n/{lang}": Ask(),
    "GET /api/openapi.json": Ask(),
    "GET /api/ca.pem": Ask(),
    "GET /api/me": Ask(),
    "GET /api/staff": Ask(),
    "GET /api/statistics": Ask(listed=counts_this_court),
    "GET /api/cases": Ask(listed=lists_case),
    "GET /api/cases/{case_id}": Ask(),
    "GET /api/cases/{case_id}/history": Ask(),
    "POST /api/cases/{case_id}/transitions · withdrawn": transition("withdrawn"),
    "POST /api/cases/{case_id}/transitions · failed": transition("failed"),
    "POST /api/cases/{case_id}/transitions · closed": transition("closed"),
    "POST /api/cases/{case_id}/assignment": Ask(
        json=lambda w, s: {"mediator_id": w.user_ids["mediator"]}
    ),
    "POST /api/cases/{case_id}/parties": Ask(
        json=lambda w, s: {"role": "applicant_agent", "name": "代理人 周律师"}
    ),
    "POST /api/parties/{party_id}/code": Ask(),
    "DELETE /api/parties/{party_id}/code": Ask(),
    "GET /api/cases/{case_id}/evidence": Ask(),
    "POST /api/cases/{case_id}/evidence": Ask(form=photo),
    "GET /api/cases/{case_id}/evidence/{evidence_id}": Ask(),
    "GET /api/cases/{case_id}/evidence/{evidence_id} · under another case": Ask(
        ids={"case_id": "other_case_id"}
    ),
    "POST /api/cases/{case_id}/hearings": Ask(json=lambda w, s: {"start": later(5)}),
    "GET /api/cases/{case_id}/hearings": Ask(),
    "GET /api/hearings": Ask(listed=lists_hearing),
    "GET /api/hearings/{hearing_id}": Ask(),
    "PATCH /api/hearings/{hearing_id}": Ask(json=lambda w, s: {"title": "调解会 (改期)"}),
    "DELETE /api/hearings/{hearing_id}": Ask(per_cell=fresh_hearing),
    "POST /api/hearings/{hearing_id}/participants": Ask(
        json=lambda w, s: {"role": "interpreter", "name": "译员 Li"}
    ),
    "PUT /api/hearings/{hearing_id}/participants/{participant_id}/email": Ask(
        json=lambda w, s: {"email": "xiaoyan@example.org"}
    ),
    "GET /api/hearings/{hearing_id}/invitation.ics": Ask(),
    "GET /api/cases/{case_id}/settlement": Ask(**SETTLE),
    "POST /api/cases/{case_id}/settlement/versions": Ask(
        json=lambda w, s: {"clauses": CLAUSES}, **SETTLE
    ),
    "GET /api/cases/{case_id}/settlement/versions/{version_id}/draft.pdf": Ask(**SETTLE),
    "POST /api/cases/{case_id}/settlement/change-requests": Ask(
        json=lambda w, s: {"version_id": s.ids["version_id"], "text": "请写明交钥匙的地点。"},
        **SETTLE,
    ),
    "POST /api/cases/{case_id}/settlement/signatures": Ask(
        scene="settle",
        before=respondent_signs,
        json=lambda w, s: {"version_id": s.ids["version_id"], "confirmed": True},
    ),
    "GET /api/cases/{case_id}/settlement/versions/{version_id}/signed.pdf": Ask(**SETTLE),
    "POST /api/cases/{case_id}/settlement/confirmation": Ask(json=lambda w, s: {}, **SETTLE),
    "POST /api/cases/{case_id}/settlement/ruling": Ask(
        json=lambda w, s: {"outcome": "confirmed"}, **SETTLE
    ),
    "GET /api/cases/{case_id}/settlement/ruling.pdf": Ask(**SETTLE),
    "POST /api/verify": Ask(scene="settle", before=signed_copy, form=signed_pdf),
    "GET /api/verify/{sha256}": Ask(**SETTLE),
    "GET /api/records/{ref}": Ask(**SETTLE),
    "GET /api/records/{ref}/document.pdf": Ask(**SETTLE),
}


def path_ids(world: World, scene: Scene, ask: Ask) -> dict[str, Any]:
    ids: dict[str, Any] = {
        "case_id": scene.case_id,
        "hearing_id": scene.hearing_id,
        "party_id": scene.parties["respondent"],
        "participant_id": scene.participants["applicant"],
        "intake_code": world.seeded["intake_code"],
        "lang": "en",
        **scene.ids,
    }
    for name, key in ask.ids.items():
        ids[name] = ids[key]
    return ids

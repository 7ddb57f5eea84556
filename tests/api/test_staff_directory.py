"""The staff directory (GET /api/staff): names of the court's staff, for staff only."""

from __future__ import annotations

from typing import Any

from support import Client, enter_code, file_case, login

from odr.domain.actors import Role
from odr.services import courts
from odr.services.startup import opened_store
from odr.settings import Settings


def _other_court_with_a_mediator(settings: Settings) -> int:
    """A second court with a mediator of its own; returns that mediator's user id."""
    with opened_store(settings) as (db, key):

        def create(session: Any) -> int:
            court = courts.add_court(session, key, "余杭区人民法院", "YH")
            assert court.id is not None
            user = courts.add_user(
                session,
                key,
                courts.password_hasher(settings),
                "yh-mediator",
                "a-long-password",
                Role.MEDIATOR,
                court.id,
                "调解员 周明",
            )
            assert user.id is not None
            return user.id

        return db.write_sync(create)


async def test_staff_see_the_names_of_their_courts_mediators(
    client: Client, seeded: dict[str, Any], settings: Settings
) -> None:
    elsewhere = _other_court_with_a_mediator(settings)
    await login(client, seeded, "clerk")
    response = await client.get("/api/staff?role=mediator")
    assert response.status == 200, await response.text()
    staff = (await response.json())["staff"]
    assert [(m["display_name"], m["role"], m["active"]) for m in staff] == [
        ("调解员 李建国", "mediator", True)
    ]
    assert staff[0]["microcourt_ids"] == [seeded["microcourt_id"]]
    assert staff[0]["court_id"] == seeded["court_id"]
    assert elsewhere not in {m["id"] for m in staff}  # another court's staff stay unlisted
    assert not {"username", "password_hash"} & set(staff[0])  # no logins are handed out

    everyone = (await (await client.get("/api/staff")).json())["staff"]
    assert sorted(m["role"] for m in everyone) == ["admin", "clerk", "judge", "mediator"]
    me = (await (await client.get("/api/me")).json())["user_id"]
    assert "书记员 王芳" in {m["display_name"] for m in everyone if m["id"] == me}


async def test_the_directory_is_for_staff_only(new_client: Any, seeded: dict[str, Any]) -> None:
    nobody, villager, judge = await new_client(), await new_client(), await new_client()
    refused = await nobody.get("/api/staff")
    assert refused.status == 401
    filed = await file_case(villager, seeded["intake_code"])
    await enter_code(villager, filed["applicant"]["code"])
    party = await villager.get("/api/staff", headers={"Accept-Language": "en"})
    assert party.status == 403
    assert (await party.json())["error"]["code"] == "forbidden"
    await login(judge, seeded, "judge")
    wrong = await judge.get("/api/staff?role=bailiff")
    assert wrong.status == 422
    assert (await wrong.json())["error"]["field"] == "role"

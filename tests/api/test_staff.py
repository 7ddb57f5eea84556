"""Staff sessions: login, the cookie, CSRF, Origin, logout and timeouts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, select
from support import Client, enter_code, file_case, login, post

from odr.services.startup import opened_store
from odr.settings import Settings
from odr.store.models import WebSession


async def test_login_sets_a_host_cookie_and_reports_the_user(
    client: Client, seeded: dict[str, Any]
) -> None:
    user = next(u for u in seeded["users"] if u["role"] == "mediator")
    response = await client.post(
        "/api/login", json={"username": user["username"], "password": user["password"]}
    )
    assert response.status == 200
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-odr_session=")
    for attribute in ("Secure", "HttpOnly", "SameSite=Strict", "Path=/"):
        assert attribute in cookie
    assert "Domain" not in cookie
    body = await response.json()
    assert body["role"] == "mediator"
    me = await (await client.get("/api/me")).json()
    assert me["username"] == user["username"]
    assert me["csrf_token"] == body["csrf_token"]


async def test_wrong_password_is_refused_in_the_language_asked(
    client: Client, seeded: dict[str, Any]
) -> None:
    response = await client.post(
        "/api/login",
        json={"username": "judge", "password": "not-the-password"},
        headers={"Accept-Language": "en-GB,en;q=0.9"},
    )
    assert response.status == 401
    error = (await response.json())["error"]
    assert error["code"] == "login_failed"
    assert error["message"] == "Wrong username or password."
    unknown = await client.post("/api/login", json={"username": "nobody", "password": "x" * 12})
    assert unknown.status == 401
    assert (await unknown.json())["error"]["message"] == "用户名或密码不正确。"


async def test_state_changes_need_the_csrf_token(client: Client, seeded: dict[str, Any]) -> None:
    filed = await file_case(client, seeded["intake_code"])
    csrf = await login(client, seeded, "clerk")
    path = f"/api/cases/{filed['case_id']}/transitions"
    body = {"target": "closed"}
    missing = await client.post(path, json=body)
    assert missing.status == 403
    assert (await missing.json())["error"]["code"] == "csrf_failed"
    wrong = await post(client, path, "x" * 43, json=body)
    assert wrong.status == 403
    state = (await (await client.get(f"/api/cases/{filed['case_id']}")).json())["state"]
    assert state == "submitted"
    right = await post(client, path, csrf, json=body)
    assert right.status == 200
    assert (await right.json())["state"] == "closed"


async def test_a_new_code_or_login_needs_no_token_of_the_older_session(
    client: Client, seeded: dict[str, Any]
) -> None:
    # A second tab opened from the slip's QR code knows nothing of the first tab's session.
    filed = await file_case(client, seeded["intake_code"])
    await enter_code(client, filed["applicant"]["code"])
    again = await client.post("/api/session", json={"code": filed["applicant"]["code"]})
    assert again.status == 200, await again.text()
    staff = next(u for u in seeded["users"] if u["role"] == "clerk")
    creds = {"username": staff["username"], "password": staff["password"]}
    login = await client.post("/api/login", json=creds)
    assert login.status == 200, await login.text()
    me = await (await client.get("/api/me")).json()
    assert me["kind"] == "staff"


async def test_foreign_origin_is_refused(client: Client, seeded: dict[str, Any]) -> None:
    user = next(u for u in seeded["users"] if u["role"] == "clerk")
    creds = {"username": user["username"], "password": user["password"]}
    evil = await client.post("/api/login", json=creds, headers={"Origin": "https://evil.example"})
    assert evil.status == 403
    assert (await evil.json())["error"]["code"] == "origin_not_allowed"
    ours = await client.post("/api/login", json=creds, headers={"Origin": "http://odr.test"})
    assert ours.status == 200


async def test_logout_ends_the_session(client: Client, seeded: dict[str, Any]) -> None:
    csrf = await login(client, seeded, "judge")
    assert (await client.get("/api/cases")).status == 200
    token = client.session.cookie_jar.filter_cookies(client.make_url("/"))["__Host-odr_session"]
    response = await post(client, "/api/logout", csrf)
    assert response.status == 200
    assert (await client.get("/api/cases")).status == 401
    # The old token is dead on the server too, not only forgotten by this browser.
    client.session.cookie_jar.update_cookies({"__Host-odr_session": token.value})
    assert (await client.get("/api/me")).status == 401


@pytest.mark.parametrize("field", ["last_seen_at", "expires_at"])
async def test_idle_and_absolute_timeouts_end_the_session(
    client: Client, seeded: dict[str, Any], settings: Settings, field: str
) -> None:
    await login(client, seeded, "clerk")
    assert (await client.get("/api/me")).status == 200

    def age(session: Session) -> None:
        row = session.exec(select(WebSession)).one()
        if field == "last_seen_at":
            row.last_seen_at -= timedelta(minutes=settings.staff_idle_minutes + 1)
        else:
            row.expires_at = row.created_at
        session.add(row)

    with opened_store(settings) as (db, _key):
        db.write_sync(age)
    assert (await client.get("/api/me")).status == 401

"""Hostile and clumsy input: every refusal is a JSON 4xx in the error shape, nothing is lost."""

from __future__ import annotations

import copy
import io
import json
from typing import Any

import pytest
from support import Client, file_case, filing, login

from odr.services import audit
from odr.services.startup import opened_store
from odr.settings import Settings

DROP = object()  # remove the key
JSON = "application/json"


def mutate(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    body = copy.deepcopy(body)
    *parents, last = path.split(".")
    node = body
    for name in parents:
        node = node[name]
    if value is DROP:
        del node[last]
    else:
        node[last] = value
    return body


# (path, value, status, code, field): applied to a valid body of the endpoint.
COMMON = [
    ("unexpected", True, 422, "invalid_field", "unexpected"),
    ("\ud800", 1, 422, "invalid_input", None),
    ("\x00", 1, 422, "invalid_input", None),
    ("__proto__", {"admin": True}, 422, "invalid_field", "__proto__"),
]
FILING = [
    ("applicant.name", DROP, 422, "missing_field", "applicant.name"),
    ("respondent", DROP, 422, "missing_field", "respondent"),
    ("category", DROP, 422, "missing_field", "category"),
    ("intake_code", DROP, 422, "missing_field", "intake_code"),
    ("facts", DROP, 422, "missing_field", "facts"),
    ("applicant", "小燕", 422, "invalid_field", "applicant"),
    ("applicant", ["小燕"], 422, "invalid_field", "applicant"),
    ("applicant", None, 422, "invalid_field", "applicant"),
    ("applicant.name", 42, 422, "invalid_field", "applicant.name"),
    ("applicant.name", None, 422, "invalid_field", "applicant.name"),
    ("applicant.name", "   ", 422, "invalid_field", "applicant.name"),
    ("applicant.name", "长" * 101, 422, "invalid_field", "applicant.name"),
    ("applicant.name", "a\x00b", 422, "invalid_field", "applicant.name"),
    ("applicant.name", "\ud800", 422, "invalid_field", "applicant.name"),
    ("applicant.phone", "1" * 41, 422, "invalid_field", "applicant.phone"),
    ("applicant.language", "xx-YY", 422, "invalid_field", "applicant.language"),
    ("applicant.role", "judge", 422, "invalid_field", "applicant.role"),
    ("facts", "事" * 5001, 422, "invalid_field", "facts"),
    ("facts", {"text": "x"}, 422, "invalid_field", "facts"),
    ("claims", True, 422, "invalid_field", "claims"),
    ("category", "witchcraft", 422, "invalid_field", "category"),
    ("category", ["rent"], 422, "invalid_field", "category"),
    ("intake_code", "Z" * 41, 422, "invalid_field", "intake_code"),
    ("intake_code", "ZZZZ-ZZZZ", 404, "intake_code_unknown", "intake_code"),
    ("applicant.x", 1, 422, "invalid_field", "applicant.x"),
]
SESSION = [
    ("code", DROP, 422, "missing_field", "code"),
    ("code", 123456789012, 422, "invalid_field", "code"),
    ("code", None, 422, "invalid_field", "code"),
    ("code", ["0000-0000-0000"], 422, "invalid_field", "code"),
    ("code", "", 422, "invalid_field", "code"),
    ("code", "0" * 61, 422, "invalid_field", "code"),
    ("code", "\x00" * 12, 422, "invalid_field", "code"),
    ("code", "ZZZZ-ZZZZ-ZZZZ", 404, "code_unknown", "code"),
]
LOGIN = [
    ("username", DROP, 422, "missing_field", "username"),
    ("password", DROP, 422, "missing_field", "password"),
    ("username", 7, 422, "invalid_field", "username"),
    ("password", None, 422, "invalid_field", "password"),
    ("password", {"$ne": ""}, 422, "invalid_field", "password"),
    ("username", "u" * 65, 422, "invalid_field", "username"),
    ("password", "p" * 257, 422, "invalid_field", "password"),
    ("username", "clerk\x00", 422, "invalid_field", "username"),
    ("password", "pass\ud800", 422, "invalid_field", "password"),
]
TRANSITION = [
    ("target", DROP, 422, "missing_field", "target"),
    ("target", "archived", 422, "invalid_field", "target"),
    ("target", 3, 422, "invalid_field", "target"),
    ("mediator_id", "abc", 422, "invalid_field", "mediator_id"),
    ("mediator_id", 0, 422, "invalid_field", "mediator_id"),
    ("mediator_id", 99999999999999999999, 422, "invalid_field", "mediator_id"),
    ("mediator_id", 1e20, 422, "invalid_field", "mediator_id"),
    ("mediator_id", 2**31, 422, "invalid_field", "mediator_id"),
    ("mediator_id", 2**31 - 1, 422, "not_a_mediator_of_court", "mediator_id"),
    ("reason", "理" * 201, 422, "invalid_field", "reason"),
    ("reason", "a\x00", 422, "invalid_field", "reason"),
]

# Raw bodies sent to every endpoint: (body, content type, status, code).
RAW = [
    (b'{"code": ', JSON, 400, "invalid_json"),
    (b"{'code': 'x'}", JSON, 400, "invalid_json"),
    (b"", JSON, 400, "invalid_json"),
    (b'{"code": NaN, "x": }', JSON, 400, "invalid_json"),
    (b'{"n": 1' + b"0" * 5000 + b"}", JSON, 400, "invalid_json"),
    (b'{"name": "\xff\xfe\xc3\x28"}', JSON, 400, "invalid_utf8"),
    (b"\xef\xbb\xbf{}", JSON, 400, "invalid_json"),
    (b"[" * 100_000 + b"]" * 100_000, JSON, 400, "invalid_json"),
    (b'{"a":' * 40_000 + b"1" + b"}" * 40_000, JSON, 400, "invalid_json"),
    (b"[]", JSON, 422, "invalid_input"),
    (b'["code", "username"]', JSON, 422, "invalid_input"),
    (b'"{\\"code\\": 1}"', JSON, 422, "invalid_input"),
    (b"null", JSON, 422, "invalid_input"),
    (b"17", JSON, 422, "invalid_input"),
    (b'{"x": "' + b"a" * (10 * 2**20) + b'"}', JSON, 413, "too_large"),
    (b"{}", "text/plain", 415, "expected_json"),
    (b"code=x", "application/x-www-form-urlencoded", 415, "expected_json"),
    (b"{}", "application/octet-stream", 415, "expected_json"),
    (b"<x/>", "application/xml", 415, "expected_json"),
]


async def problems_of(response: Any, status: int, code: str, field: Any = None) -> list[str]:
    """What is wrong with a refusal; empty when it is the expected JSON error."""
    text = await response.text()
    where = f"{response.method} {response.url.path} -> {response.status} {text[:300]}"
    try:
        error = json.loads(text)["error"]
    except (ValueError, KeyError, TypeError):
        return [f"not a JSON error: {where}"]
    found = [] if response.content_type == JSON else [f"not application/json: {where}"]
    if response.status >= 500 or response.status != status or error.get("code") != code:
        found.append(f"expected {status} {code}: {where}")
    if not isinstance(error.get("message"), str) or not error["message"].strip():
        found.append(f"empty message: {where}")
    elif error["message"].startswith("error."):
        found.append(f"untranslated message: {where}")
    if field is not None and error.get("field") != field:
        found.append(f"expected field {field}: {where}")
    if code == "missing_field" and field is not None and field not in error["message"]:
        found.append(f"message does not name {field}: {where}")
    return found


async def snapshot(client: Client, seeded: dict[str, Any]) -> tuple[int, dict[str, Any], str]:
    """File a case and read it back as the clerk; the clerk's client and CSRF token stay on."""
    filed = await file_case(client, seeded["intake_code"])
    csrf = await login(client, seeded, "clerk")
    case = await (await client.get(f"/api/cases/{filed['case_id']}")).json()
    return filed["case_id"], case, csrf


async def assert_intact(client: Client, settings: Settings, case_id: int, before: Any) -> None:
    response = await client.get(f"/api/cases/{case_id}")
    assert response.status == 200
    assert await response.json() == before
    with opened_store(settings) as (db, key):
        result = db.read_sync(audit.verify, key.public)
    assert result.ok, result.problems
    assert result.size > 0


def valid_body(endpoint: str, seeded: dict[str, Any]) -> dict[str, Any]:
    return {
        "/api/cases": filing(seeded["intake_code"]),
        "/api/session": {"code": "0000-0000-0000"},
        "/api/login": {"username": "clerk", "password": "not-the-password"},
        "transition": {"target": "accepted", "mediator_id": 1, "reason": "ok"},
    }[endpoint]


ENDPOINTS = [
    ("/api/cases", FILING),
    ("/api/session", SESSION),
    ("/api/login", LOGIN),
    ("transition", TRANSITION),
]


@pytest.mark.parametrize(("endpoint", "mutations"), ENDPOINTS)
async def test_bad_json_bodies_are_json_4xx(
    new_client: Any,
    seeded: dict[str, Any],
    settings: Settings,
    endpoint: str,
    mutations: list[Any],
) -> None:
    clerk = await new_client()
    case_id, before, csrf = await snapshot(clerk, seeded)
    # Public endpoints are tried without a session: a session cookie would demand CSRF.
    caller = clerk if endpoint == "transition" else await new_client()
    path = f"/api/cases/{case_id}/transitions" if endpoint == "transition" else endpoint
    headers = {"X-CSRF-Token": csrf} if endpoint == "transition" else {}
    found: list[str] = []
    for field_path, value, status, code, field in COMMON + mutations:
        body = mutate(valid_body(endpoint, seeded), field_path, value)
        raw = json.dumps(body, ensure_ascii=True).encode()
        response = await caller.post(path, data=raw, headers={**headers, "Content-Type": JSON})
        found += await problems_of(response, status, code, field)
    for raw, content_type, status, code in RAW:
        for lang in ("zh-CN", "en"):
            response = await caller.post(
                path,
                data=io.BytesIO(raw) if len(raw) > 2**20 else raw,
                headers={**headers, "Content-Type": content_type, "Accept-Language": lang},
            )
            found += await problems_of(response, status, code)
    assert not found, "\n".join(found)
    await assert_intact(clerk, settings, case_id, before)


CODES = [
    "A",
    "Z" * 2000,
    "ZZZZ-ZZZZ",
    "ZZZZ-ZZZZ-ZZZZ-ZZZZ",
    "受理码受理码受理",
    "😀" * 8,
    "%00",
    "%00%00%00%00%00%00%00%00",
    "%FF%FE",
    "%ED%A0%80" * 8,
    "..%2F..%2Fetc%2Fpasswd",
    "%20",
    "'%20OR%201=1--",
    "ＡＢＣＤ－ＥＦＧＨ",
]


async def test_unknown_codes_are_404_never_500(
    new_client: Any, seeded: dict[str, Any], settings: Settings
) -> None:
    clerk, stranger = await new_client(), await new_client()
    case_id, before, _ = await snapshot(clerk, seeded)
    statuses = []
    for code in CODES:
        for response in (
            await stranger.get(f"/api/intake/{code}"),
            await stranger.post("/api/session", json={"code": code.replace("%00", "\x00")}),
        ):
            statuses.append(response.status)
            assert 400 <= response.status < 500, await response.text()
            error = (await response.json())["error"]
            assert error["message"] and error["code"]
            if response.status == 429:
                assert error["code"] == "too_many_attempts"
                assert int(response.headers["Retry-After"]) > 0
            else:
                assert response.status in (404, 422), error
    assert 429 in statuses  # the failed-code limiter kicked in during the barrage
    await assert_intact(clerk, settings, case_id, before)


PATHS = [
    ("GET", "/api/cases/abc", 422, "invalid_field"),
    ("GET", "/api/cases/99999999999999999999", 422, "invalid_field"),
    ("GET", "/api/cases/999999999999", 422, "invalid_field"),
    ("GET", "/api/cases/2147483648", 422, "invalid_field"),
    ("GET", "/api/cases/2147483647", 404, "case_not_found"),
    ("GET", "/api/cases/0000000000000000000001", 422, "invalid_field"),
    ("GET", "/api/cases/0", 404, "case_not_found"),
    ("GET", "/api/cases/-1", 422, "invalid_field"),
    ("GET", "/api/cases/1.5", 422, "invalid_field"),
    ("GET", "/api/cases/%C2%B2", 422, "invalid_field"),
    ("GET", "/api/cases/%D9%A3", 422, "invalid_field"),
    ("GET", "/api/cases/1%00", 422, "invalid_field"),
    ("GET", "/api/cases/abc/history", 422, "invalid_field"),
    ("GET", "/api/cases/99999999999999999999/evidence", 422, "invalid_field"),
    ("GET", "/api/cases/{case}/evidence/99999999999999999999", 422, "invalid_field"),
    ("GET", "/api/cases/{case}/evidence/x", 422, "invalid_field"),
    ("POST", "/api/parties/99999999999999999999/code", 422, "invalid_field"),
    ("POST", "/api/parties/2147483648/code", 422, "invalid_field"),
    ("POST", "/api/parties/2147483647/code", 404, "party_not_found"),
    ("DELETE", "/api/parties/abc/code", 422, "invalid_field"),
    ("GET", "/api/nope", 404, "not_found"),
    ("GET", "/api/cases/1/nope", 404, "not_found"),
    ("GET", "/nope.html", 404, "not_found"),
    ("GET", "/api/i18n/xx", 404, "language_not_found"),
    ("DELETE", "/api/cases", 405, "method_not_allowed"),
    ("PUT", "/api/login", 405, "method_not_allowed"),
    ("PATCH", "/api/cases/{case}", 405, "method_not_allowed"),
    ("GET", "/api/session", 405, "method_not_allowed"),
]


async def test_odd_paths_and_methods_are_json_4xx(
    client: Client, seeded: dict[str, Any], settings: Settings
) -> None:
    case_id, before, csrf = await snapshot(client, seeded)
    found: list[str] = []
    for method, path, status, code in PATHS:
        response = await client.request(
            method, path.format(case=case_id), headers={"X-CSRF-Token": csrf}
        )
        found += await problems_of(response, status, code)
        if status == 405 and "Allow" not in response.headers:
            found.append(f"405 without Allow: {method} {path}")
    assert not found, "\n".join(found)
    await assert_intact(client, settings, case_id, before)

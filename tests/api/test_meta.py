"""The service describes itself: health, the OpenAPI document, catalogues, the tree head."""

from __future__ import annotations

import re
from typing import Any

import schemathesis
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from support import Client, file_case

from odr.domain import merkle
from odr.http.routes import ROUTES


async def test_health(client: Client) -> None:
    response = await client.get("/healthz")
    assert response.status == 200
    assert (await response.json()) == {"status": "ok", "database": "ok"}


async def test_openapi_lists_every_route_and_its_refs_resolve(client: Client) -> None:
    doc = await (await client.get("/api/openapi.json")).json()
    assert doc["openapi"].startswith("3.1")
    listed = {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops}
    assert listed == {(r.method, r.path) for r in ROUTES}
    schemas = doc["components"]["schemas"]

    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            found = [node["$ref"]] if "$ref" in node else []
            return found + [r for value in node.values() for r in refs(value)]
        if isinstance(node, list):
            return [r for value in node for r in refs(value)]
        return []

    names = {ref.rsplit("/", 1)[1] for ref in refs(doc)}
    assert names - set(schemas) == set()
    filing = schemas["FileCaseIn"]
    assert set(filing["required"]) >= {"intake_code", "category", "applicant", "facts"}


async def test_catalogue_is_served_in_both_languages(client: Client) -> None:
    zh = await (await client.get("/api/i18n/zh-CN")).json()
    en = await (await client.get("/api/i18n/en")).json()
    assert zh["ui.apply"] == "申请调解"
    assert en["ui.apply"] == "Apply for mediation"
    assert (await client.get("/api/i18n/fr")).status == 404


async def test_tree_head_is_signed_and_grows_with_events(
    client: Client, seeded: dict[str, Any]
) -> None:
    before = await (await client.get("/api/audit/tree-head")).json()
    await file_case(client, seeded["intake_code"])
    head = await (await client.get("/api/audit/tree-head")).json()
    assert head["tree_size"] == before["tree_size"] + 2  # case.filed, code.issued
    key = load_pem_public_key(head["public_key_pem"].encode())
    assert isinstance(key, Ed25519PublicKey)
    message = merkle.tree_head_message(
        head["tree_size"], head["timestamp_ms"], bytes.fromhex(head["root_hash"])
    )
    key.verify(bytes.fromhex(head["signature"]), message)  # raises if forged
    assert head["root_hash"] != before["root_hash"]


async def test_openapi_tells_every_route_its_parameters_and_answers(client: Client) -> None:
    doc = await (await client.get("/api/openapi.json")).json()
    schemathesis.openapi.from_dict(doc).get_all_operations()  # readable by the fuzzer
    error = {"$ref": "#/components/schemas/Error"}
    for route in ROUTES:
        op = doc["paths"][route.path][route.method.lower()]
        where = f"{route.method} {route.path}"
        answers = op["responses"]
        for errors in ("4XX", "5XX"):  # 5XX: a full disk (507), read-only storage (503)
            assert answers[errors]["content"]["application/json"]["schema"] == error, where
        success = answers[str(route.status)]
        if route.response is not None:
            schema = success["content"]["application/json"]["schema"]
            assert schema == {"$ref": f"#/components/schemas/{route.response.__name__}"}, where
        elif route.binary:
            assert set(success["content"]) == set(route.binary), where
        else:  # only an empty answer goes without a described body
            assert route.status == 204 and "content" not in success, where
        params = {(p["in"], p["name"]) for p in op["parameters"]}
        named = {("path", name) for name in re.findall(r"{(\w+)}", route.path)}
        assert params == named | {("query", q.name) for q in route.query}, where
        assert ("security" in op) == route.session, where

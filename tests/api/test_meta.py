"""The service describes itself: health, the OpenAPI document, catalogues, the tree head."""

from __future__ import annotations

from typing import Any

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

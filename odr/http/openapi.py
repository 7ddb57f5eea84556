"""The OpenAPI 3.1 document, built from the route table and the pydantic models."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from pydantic import BaseModel

from odr.http.params import path_schema
from odr.http.route import Route
from odr.http.routes import ROUTES

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "field": {"type": "string"},
            },
        }
    },
}


@cache  # built from the constant ROUTES table: once per process, not once per app
def document(version: str) -> dict[str, Any]:
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, Any] = {}
    for route in ROUTES:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "微法庭 ODR API", "version": version},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "__Host-odr_session"}
            },
        },
    }


def _ref(model: type[BaseModel], schemas: dict[str, Any]) -> dict[str, str]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, sub in schema.pop("$defs", {}).items():
        schemas[name] = sub
    schemas[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _operation(route: Route, schemas: dict[str, Any]) -> dict[str, Any]:
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    op: dict[str, Any] = {
        "summary": route.summary,
        "operationId": route.handler.__name__,
        "parameters": [
            {"name": name, "in": "path", "required": True, "schema": dict(path_schema(name))}
            for name in re.findall(r"{(\w+)}", route.path)
        ]
        + [
            {"name": q.name, "in": "query", "description": q.description, "schema": dict(q.schema)}
            for q in route.query
        ],
        "responses": {
            "4XX": {"description": "Refused", **error},
            "5XX": {"description": "Storage refused (503; 507 disk full) or unexpected", **error},
        },
    }
    if route.session:
        op["security"] = [{"session": []}]
    if route.body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(route.body, schemas)}},
        }
    if route.upload:
        op["requestBody"] = {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "description": {"type": "string", "maxLength": 500},
                            "file": {"type": "string", "format": "binary"},
                        },
                    }
                }
            },
        }
    ok: dict[str, Any] = {"description": "OK"}
    if route.response is not None:
        ok["content"] = {"application/json": {"schema": _ref(route.response, schemas)}}
    elif route.binary:
        binary = {"schema": {"type": "string", "format": "binary"}}
        ok["content"] = {media_type: binary for media_type in route.binary}
    op["responses"][str(route.status)] = ok
    return op

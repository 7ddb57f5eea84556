"""schemathesis against ``odr serve``: every operation of its OpenAPI document, as nobody, as
a member of staff and as a party, answers without a 500, with a status, content type and body
that the document names.

Each operation is fuzzed with data that fits its schema (positive) and, where it takes any
input, with data that does not (negative). Path parameters and body fields such as
``case_id``, ``version_id``, ``start``, ``code`` or ``password`` are now and then swapped for
real ones (``Live.real``), so that fuzzing gets past the 404s into the real rows. Seeded: the same
examples on every run. The status counts per caller and operation are printed at the
end (``-s``).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from api_live import Caller, Live, callers, live
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from odr.http.route import Route
from odr.http.routes import ROUTES

pytestmark = pytest.mark.heavy
__all__ = ["live"]  # the fixture, imported for pytest

EXAMPLES = 20  # per operation, caller, generation mode and database
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CALLERS = ("anonymous", "staff", "party")
SEEDS = {"sqlite": 7, "postgresql": 11}  # other examples on each database, the same each run


def _takes_input(route: Route) -> bool:
    return "{" in route.path or route.body is not None or route.upload or bool(route.query)


def _ends_something(route: Route) -> bool:
    """Logs out, revokes or reissues codes, cancels, moves the case on: fuzzed last."""
    return route.method == "DELETE" or route.path.endswith(("/logout", "/code", "/transitions"))


def _callers(route: Route) -> tuple[str, ...]:
    """A public page reads no session: fuzzed once, not once per caller."""
    return CALLERS if route.session or route.method != "GET" else ("anonymous",)


PLAN = [
    pytest.param(route, mode, kind, id=f"{route.method} {route.path} {mode.value} {kind}")
    for route in sorted(ROUTES, key=_ends_something)
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE or _takes_input(route)
    for kind in _callers(route)
]


@pytest.fixture(scope="module")
def schema(live: Live) -> schemathesis.BaseSchema:
    """The document as the running server serves it."""
    return schemathesis.openapi.from_url(f"{live.base_url}/api/openapi.json")


@pytest.fixture(scope="module")
def who(live: Live) -> dict[str, Caller]:
    return callers(live)


@pytest.mark.parametrize(("route", "mode", "kind"), PLAN)
def test_operation(
    live: Live,
    schema: schemathesis.BaseSchema,
    who: dict[str, Caller],
    route: Route,
    kind: str,
    mode: GenerationMode,
) -> None:
    caller = who[kind]
    operation = schema[route.path][route.method]
    names = {p["name"] for p in operation.definition.raw.get("parameters", [])}
    names |= {
        name
        for media in operation.definition.raw.get("requestBody", {}).get("content", {}).values()
        for name in _properties(schema, media["schema"])
    }
    swaps = st.fixed_dictionaries(  # a real value two times in three
        {n: st.sampled_from((None, *live.real[n] * 2)) for n in names & live.real.keys()}
    )

    @seed(SEEDS[live.database])
    @given(case=operation.as_strategy(generation_mode=mode), swap=swaps)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any, swap: dict[str, Any]) -> None:
        _swap(case, swap)
        response = case.call(base_url=live.base_url, headers=caller.headers(), timeout=60)
        live.seen[(kind, f"{route.method} {route.path}")][response.status_code] += 1
        if caller.token and (response.status_code == 401 or route.path == "/api/logout"):
            caller.sign_in()
        case.validate_response(response, checks=CHECKS)

    run()


def _properties(schema: schemathesis.BaseSchema, node: dict[str, Any]) -> list[str]:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        node = schema.raw_schema["components"]["schemas"][name]
    return list(node.get("properties", {}))


def _swap(case: Any, swap: dict[str, Any]) -> None:
    """Real values where the draw asked for them (and the generated case has the name)."""
    for name, value in swap.items():
        if value is None:
            continue
        for where in (case.path_parameters, case.query, case.body):
            if isinstance(where, dict) and name in where:
                where[name] = value

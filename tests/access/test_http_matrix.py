"""Every HTTP route, as every role, against the table in http_table.py.

Unsafe requests carry the session's CSRF token and our Origin, so that a 403 in the table
means "not allowed" and never "no CSRF token" (test_csrf.py checks that one on its own).
"""

from __future__ import annotations

from typing import Any

import pytest
from access_world import ROLES, Scene, World
from http_asks import ASKS, Ask, path_ids, photo
from http_table import COLUMNS, TABLE, cells, route_of

from odr.http.route import Route
from odr.http.routes import ROUTES

ROUTE_BY_KEY = {f"{r.method} {r.path}": r for r in ROUTES}


def test_every_route_has_a_row_and_every_row_a_route() -> None:
    rows = {route_of(row) for row in TABLE}
    assert sorted(set(ROUTE_BY_KEY) - rows) == [], "routes without a row in http_table.py"
    assert sorted(rows - set(ROUTE_BY_KEY)) == [], "rows naming no route"
    assert set(ASKS) == set(TABLE), "every row says how it is asked (http_asks.py)"
    assert COLUMNS.split()[0] == "anon" and len(COLUMNS.split()) == len(ROLES)
    for row in TABLE:
        assert len(cells(row)) == len(ROLES), row


async def answer_of(
    world: World, route: Route, ask: Ask, role: str, scene: Scene
) -> tuple[str, str]:
    """The cell as observed (``"403"``, ``"hid"``...) and the error code, if any."""
    caller = await world.caller(role, scene, fresh=ask.fresh_caller)
    ids = path_ids(world, scene, ask)
    if ask.per_cell is not None:
        ids.update(await ask.per_cell(world, scene))
    kwargs: dict[str, Any] = {}
    if ask.json is not None:
        kwargs["json"] = ask.json(world, scene)
    elif ask.form is not None:
        kwargs["data"] = ask.form(world, scene)
    answer = await caller.send(route.method, route.path.format(**ids), **kwargs)
    body: Any = None
    if answer.content_type == "application/json":
        body = await answer.json()
    else:
        await answer.read()
    code = body["error"]["code"] if isinstance(body, dict) and "error" in body else ""
    if answer.status == 200 and ask.listed is not None and not ask.listed(world, scene, body):
        return "hid", code
    return str(answer.status), code


@pytest.mark.asyncio(loop_scope="module")
async def test_every_route_as_every_role(world: World) -> None:
    scenes: dict[str, Scene] = {"main": await world.scene(), "settle": await world.scene()}
    main = scenes["main"]
    assert world.other is not None
    main.ids["other_case_id"] = world.other.case_id
    party = await world.caller("party", main)
    path = f"/api/cases/{main.case_id}/evidence"
    uploaded = await party.send("POST", path, data=photo(world, main))
    assert uploaded.status == 201, await uploaded.text()
    main.ids["evidence_id"] = (await uploaded.json())["id"]

    wrong: list[str] = []
    checked = 0
    for row in TABLE:
        ask, route = ASKS[row], ROUTE_BY_KEY[route_of(row)]
        shared = scenes.get(ask.scene)
        if ask.before is not None:
            assert shared is not None, row
            await ask.before(world, shared)
        for role, expected in zip(ROLES, cells(row), strict=True):
            scene = shared if shared is not None else await world.scene()
            seen, code = await answer_of(world, route, ask, role, scene)
            checked += 1
            if seen != expected:
                wrong.append(f"{row} as {role}: {seen} {code} (table: {expected})")
    print(f"access matrix: {len(TABLE)} rows x {len(ROLES)} roles = {checked} HTTP answers")
    assert wrong == [], "\n".join(wrong)

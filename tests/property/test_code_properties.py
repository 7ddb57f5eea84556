"""Codes people type: properties of ``normalise`` and ``display``, and of the real
``POST /api/session`` and ``GET /api/intake/{code}`` answering whatever is typed."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import CROCKFORD, OnLoop, codes_of, typed_as
from support import Client, file_case

from odr.domain.codes import INTAKE_LENGTH, PERSONAL_LENGTH, display, normalise
from odr.i18n import catalogue, translate

FAST = settings(max_examples=200, deadline=None)
# One server and its database for all the examples of a test: the examples are independent.
# The codes are new each time: an example saved in Hypothesis' database would not replay.
LIVE = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@FAST
@given(code=codes_of(PERSONAL_LENGTH))
def test_normalise_undoes_display(code: str) -> None:
    assert normalise(display(code)) == code
    assert normalise(code) == code


@FAST
@given(length=st.sampled_from([PERSONAL_LENGTH, INTAKE_LENGTH]), data=st.data())
def test_every_typed_variant_of_a_code_is_that_code(length: int, data: st.DataObject) -> None:
    code = data.draw(codes_of(length))
    typed = data.draw(typed_as(code))
    assert normalise(typed, length) == code
    # Only the length asked for: a personal code is no intake code and the other way round.
    other = INTAKE_LENGTH if length == PERSONAL_LENGTH else PERSONAL_LENGTH
    assert normalise(typed, other) is None


@FAST
@given(raw=st.text(max_size=120), length=st.sampled_from([PERSONAL_LENGTH, INTAKE_LENGTH]))
def test_normalise_is_total_and_idempotent(raw: str, length: int) -> None:
    result = normalise(raw, length)  # never raises
    if result is None:
        return
    assert len(result) == length
    assert set(result) <= set(CROCKFORD)
    assert normalise(result, length) == result
    assert normalise(display(result), length) == result


@FAST
@given(code=codes_of(PERSONAL_LENGTH), index=st.integers(0, PERSONAL_LENGTH - 1), data=st.data())
def test_a_changed_character_is_another_code_or_none(
    code: str, index: int, data: st.DataObject
) -> None:
    other = data.draw(st.characters(codec="utf-8").filter(lambda ch: ch.upper() != code[index]))
    changed = normalise(code[:index] + other + code[index + 1 :])
    # A confusable or full-width form of the same character is the same code; anything else
    # is a different code or none at all.
    if changed == code:
        assert normalise(other.upper(), 1) == code[index]
    else:
        assert changed is None or sum(a != b for a, b in zip(changed, code, strict=True)) == 1


def assert_translated_error(status: int, body: dict[str, Any], allowed: set[int]) -> None:
    """A refusal with one of the ``allowed`` statuses, its message from the English
    catalogue (asked for with Accept-Language) with every parameter filled in."""
    assert status in allowed, body
    error = body["error"]
    key = f"error.{error['code']}"
    assert key in catalogue("en") and key in catalogue("zh-CN"), error
    assert error["message"] and "{" not in error["message"], error
    assert error["message"] == translate(key, "en", **_params(error, catalogue("en")[key]))


def _params(error: dict[str, Any], template: str) -> dict[str, Any]:
    """The values the message was made with, read back from it."""
    head, _, rest = template.partition("{")
    name, _, tail = rest.partition("}")
    if not name:
        return {}
    return {name: error["message"].removeprefix(head).removesuffix(tail)}


async def test_every_way_of_typing_a_real_code_opens_its_party_session(
    new_client: Any, seeded: dict[str, Any]
) -> None:
    filer = await new_client()
    filed = await file_case(filer, seeded["intake_code"])
    code, party_id = filed["applicant"]["code"], filed["applicant"]["party_id"]
    canonical = normalise(code)
    assert canonical is not None
    villager, on_loop = await new_client(), OnLoop()

    async def enter(typed: str) -> tuple[int, dict[str, Any]]:
        response = await villager.post("/api/session", json={"code": typed})
        return response.status, await response.json()

    @LIVE
    @given(typed=typed_as(canonical))
    def typed_the_code(typed: str) -> None:
        status, body = on_loop(enter(typed))
        assert status == 200, (typed, body)
        assert body["party_id"] == party_id

    await asyncio.to_thread(typed_the_code)


async def test_anything_typed_as_a_code_gets_the_domains_own_answer(
    client: Client, seeded: dict[str, Any]
) -> None:
    on_loop = OnLoop()

    async def enter(raw: object) -> tuple[int, dict[str, Any]]:
        response = await client.post(
            "/api/session", json={"code": raw}, headers={"Accept-Language": "en"}
        )
        return response.status, await response.json()

    @LIVE
    @given(raw=st.text(max_size=70) | st.integers() | st.none() | st.lists(st.text(max_size=3)))
    def typed_garbage(raw: object) -> None:
        # 404 unknown code, 422 not a string or too long, 429 after too many failures.
        assert_translated_error(*on_loop(enter(raw)), {404, 422, 429})

    await asyncio.to_thread(typed_garbage)


async def test_anything_typed_as_an_intake_code_gets_the_domains_own_answer(
    client: Client, seeded: dict[str, Any]
) -> None:
    known = normalise(seeded["intake_code"], INTAKE_LENGTH)
    assert known is not None
    on_loop = OnLoop()

    async def look_up(raw: str) -> tuple[int, dict[str, Any]]:
        path = f"/api/intake/{quote(raw, safe='')}"
        response = await client.get(path, headers={"Accept-Language": "en"})
        return response.status, await response.json()

    @LIVE
    @given(raw=st.text(st.characters(codec="utf-8", exclude_characters="/"), min_size=1))
    def looked_up(raw: str) -> None:
        status, body = on_loop(look_up(raw))
        if normalise(raw, INTAKE_LENGTH) == known:
            assert status == 200, body
        else:
            assert_translated_error(status, body, {404, 429})

    await asyncio.to_thread(looked_up)

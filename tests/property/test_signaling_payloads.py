"""Whatever a socket.io client sends with an event is a valid message or a translated
refusal: properties of ``signaling.messages.parse`` for every event's model, then the same
over a real socket of a real server."""

from __future__ import annotations

import asyncio
import json
from string import Formatter
from typing import Any

import pytest
from hearing.hearing_support import ORIGIN, make_hearing
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import OnLoop, deep, json_values

from odr.errors import InvalidInput
from odr.i18n import LANGUAGES, catalogue
from signaling import messages
from signaling.media.janus import events as janus_events
from signaling.messages import MAX_MESSAGE_BYTES, Payload, parse
from signaling.probe import Probe

# Every event model, the Janus backend's included (imported here, not only by the server).
MODELS = sorted(Payload.__subclasses__(), key=lambda m: m.__name__)
REFUSALS = {"signal_invalid_payload", "signal_too_large"}
FAST = settings(max_examples=150, deadline=None)


def refusal(model: type[Payload], args: tuple[Any, ...]) -> InvalidInput | None:
    """None when ``args`` parse as ``model``; else the refusal, checked to be translated."""
    try:
        message = parse(model, args)
    except InvalidInput as exc:
        refused = exc
    else:
        assert isinstance(message, model)
        # What was accepted is what a valid message of the model dumps to.
        assert model.model_validate(message.model_dump()) == message
        return None
    assert refused.code in REFUSALS
    assert refused.field and len(refused.field) <= 40
    for lang in LANGUAGES:
        assert placeholders(catalogue(lang)[f"error.{refused.code}"]) <= refused.params.keys()
    return refused


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


@FAST
@given(model=st.sampled_from(MODELS), value=json_values)
def test_any_value_is_a_message_or_a_refusal(model: type[Payload], value: Any) -> None:
    refusal(model, (value,))


@FAST
@given(model=st.sampled_from(MODELS), args=st.lists(json_values, max_size=3).map(tuple))
def test_any_number_of_arguments_is_a_message_or_a_refusal(
    model: type[Payload], args: tuple[Any, ...]
) -> None:
    refused = refusal(model, args)
    if len(args) > 1:
        assert refused is not None and refused.field == "payload"


@FAST
@given(model=st.sampled_from(MODELS), value=json_values, key=st.text(min_size=1, max_size=50))
def test_an_unknown_field_is_refused_by_name(model: type[Payload], value: Any, key: str) -> None:
    if key in model.model_fields or not isinstance(value, dict):
        return
    refused = refusal(model, ({**value, key: 1},))
    assert refused is not None


@settings(max_examples=30, deadline=None)
@given(model=st.sampled_from(MODELS), filler=st.text(min_size=1, max_size=3))
def test_over_the_size_limit_is_too_large_whatever_it_holds(
    model: type[Payload], filler: str
) -> None:
    big = filler * (MAX_MESSAGE_BYTES // len(filler.encode()) + 1)
    for value in ({"text": big}, [big], {"sdp": big, "type": "offer"}, big.encode()):
        refused = refusal(model, (value,))
        assert refused is not None and refused.code == "signal_too_large"


@pytest.mark.parametrize("depth", [10, 100, 900])
def test_deep_nesting_is_refused_not_a_recursion_error(depth: int) -> None:
    # socket.io's own json.loads stops near 1000 levels; everything below it reaches parse.
    value = json.loads(json.dumps(deep(depth)))
    for model in MODELS:
        assert refusal(model, (value,)) is not None or model is messages.Empty


def test_valid_messages_of_every_model_are_accepted() -> None:
    valid: dict[type[Payload], dict[str, Any]] = {
        messages.Empty: {},
        messages.Offer: {"sdp": "v=0\r\n", "type": "offer"},
        messages.QualityIn: {"loss": 0.05, "rtt_ms": 120, "bitrate_kbps": 300.5},
        messages.Chat: {"text": "我到了"},
        messages.Hand: {"up": True},
        messages.Switch: {"on": False},
        messages.Target: {"participant_id": 7},
        messages.PrivateOpen: {"participant_ids": [1, 2]},
        messages.PrivateClose: {"room": "private:1"},
        messages.VideoProfileIn: {"name": "low"},
        janus_events.JanusOffer: {"kind": "audio", "sdp": "v=0\r\n", "type": "offer"},
        janus_events.JanusAnswer: {"sdp": "v=0\r\n", "type": "answer"},
    }
    assert set(valid) == set(MODELS)
    for model, data in valid.items():
        assert refusal(model, (data,)) is None
        assert parse(model, (data,)).model_dump() == data
    assert parse(messages.Empty, ()) == parse(messages.Empty, (None,)) == messages.Empty()


# --- over a real socket --------------------------------------------------------------------

EVENTS = [
    "offer", "heartbeat", "quality", "chat", "hand", "audio_only", "admit", "remove", "mute",
    "video_profile", "private_open", "private_close", "record", "start", "nonsense",
]  # fmt: skip


@pytest.fixture
async def party(server: Any, settings: Any) -> Any:
    hearing = make_hearing(settings)
    probe = Probe(str(server.make_url("/")), hearing["id"], origin=ORIGIN, media=False, lang="en")
    await probe.login_code(hearing["codes"]["applicant"])
    await probe.connect()
    yield probe
    await probe.close()


async def test_any_event_with_any_payload_gets_a_translated_answer_on_a_real_socket(
    party: Probe,
) -> None:
    assert party.sio is not None
    sio, on_loop = party.sio, OnLoop()
    english = catalogue("en")

    async def send(event: str, args: tuple[Any, ...]) -> Any:
        await asyncio.sleep(0.1)  # within the socket's rate limit (10 a second)
        return await sio.call(event, args if len(args) != 1 else args[0], "/hearing", timeout=10)

    @settings(
        max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(
        event=st.sampled_from(EVENTS) | st.text(max_size=10),
        args=st.lists(json_values, max_size=2).map(tuple),
    )
    def sent(event: str, args: tuple[Any, ...]) -> None:
        ack = on_loop(send(event, args))
        assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), ack
        if ack["ok"]:
            return
        error = ack["error"]
        # A refusal the catalogue explains, never an unexpected failure of a handler.
        assert error["code"] != "internal", (event, args)
        template = english[f"error.{error['code']}"]
        for literal, name, _, _ in Formatter().parse(template):
            assert literal in error["message"], error  # the English text, filled in
            assert name is None or f"{{{name}}}" not in error["message"], error

    await asyncio.to_thread(sent)
    assert sio.connected
    assert (await party.emit("heartbeat"))["ok"]


@pytest.mark.parametrize("text", ["a\ud800b", "\udfff", "nul\x00"])
async def test_chat_the_store_cannot_keep_is_refused_not_failed(
    server: Any, settings: Any, seeded: dict[str, Any], text: str
) -> None:
    """Regression: a lone surrogate (any event) or a NUL in a chat line was an ``internal``
    failure (the size check could not encode it; the store refused it)."""
    hearing = make_hearing(settings)
    host = Probe(str(server.make_url("/")), hearing["id"], origin=ORIGIN, media=False, lang="en")
    password = next(u["password"] for u in seeded["users"] if u["username"] == "mediator")
    await host.login_user("mediator", password)
    await host.connect()
    try:
        assert host.sio is not None
        ack = await host.sio.call("chat", {"text": text}, "/hearing", timeout=10)
        assert ack["ok"] is False
        assert ack["error"]["code"] == "signal_invalid_payload"
        assert ack["error"]["field"] == "text"
        assert (await host.emit("chat", {"text": "好的"}))["ok"]
    finally:
        await host.close()

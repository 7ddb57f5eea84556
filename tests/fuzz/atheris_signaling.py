"""Coverage-guided fuzzing of signaling payloads (``signaling.messages.parse``).

The input is the JSON text of a socket.io event, ``[event, *arguments]``, decoded as
python-socketio decodes it (what its decoder refuses never reaches the namespace); the event
picks its model from the real table (``signaling.actions.Actions``). A crash is any exception
but ``InvalidInput`` with one of the two refusal codes, or an accepted message that is not
valid for its model.
"""

from __future__ import annotations

import json
from typing import Any

import atheris
import fuzzing

with atheris.instrument_imports(include=["signaling", "odr"]):
    from odr.errors import InvalidInput
    from signaling.actions import Actions
    from signaling.messages import Payload, parse


class _Table:
    """Records what ``Actions`` registers: each event's model."""

    def __init__(self) -> None:
        self.models: dict[str, type[Payload]] = {}

    def on(self, event: str, model: type[Payload], handler: Any) -> None:
        self.models[event] = model


TABLE = _Table()
Actions(TABLE)  # type: ignore[arg-type]
REFUSALS = {"signal_invalid_payload", "signal_too_large"}


def one_input(data: bytes) -> None:
    try:
        packet = json.loads(data.decode("utf-8", "surrogatepass"))
    except (ValueError, RecursionError):
        return  # refused by socket.io's decoder before any namespace sees it
    if not isinstance(packet, list) or not packet or not isinstance(packet[0], str):
        return
    model = TABLE.models.get(packet[0])
    if model is None:
        return  # an unknown event: refused by name before its payload is looked at
    try:
        message = parse(model, tuple(packet[1:]))
    except InvalidInput as exc:
        if exc.code not in REFUSALS or not exc.field or len(exc.field) > 40:
            raise
        return
    assert isinstance(message, model)
    assert model.model_validate(message.model_dump()) == message


SEEDS = [
    '["heartbeat"]',
    '["chat", {"text": "我到了"}]',
    '["chat", {"text": "a\\ud800"}]',
    '["offer", {"sdp": "v=0\\r\\n", "type": "offer"}]',
    '["quality", {"loss": 0.1, "rtt_ms": 80, "bitrate_kbps": 250}]',
    '["hand", {"up": true}]',
    '["admit", {"participant_id": 3}]',
    '["private_open", {"participant_ids": [1, 2]}]',
    '["private_close", {"room": "private:1"}]',
    '["video_profile", {"name": "low"}]',
    '["record", {"on": false}, 1]',
]


def main() -> None:
    fuzzing.run(one_input, SEEDS)


if __name__ == "__main__":
    main()

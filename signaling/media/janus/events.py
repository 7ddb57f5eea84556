"""The ``/hearing`` events of the Janus backend (docs/protocol.md, "Media on Janus"): the
client's two offers (``janus_offer``: its voice, its camera) answered by Janus, and its answer
(``janus_answer``) to the subscription Janus offers it (sent as a ``janus_offer`` event).
Registered on the namespace only with ``ODR_MEDIA_BACKEND=janus``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field

from odr.errors import OdrError
from signaling.live import Connection
from signaling.media.janus.hub import JanusHub
from signaling.messages import MAX_SDP, Payload, Text

if TYPE_CHECKING:
    from signaling.namespace import HearingNamespace

Sdp = Annotated[Text, Field(min_length=1, max_length=MAX_SDP)]


class JanusOffer(Payload):
    kind: Literal["audio", "camera"]
    sdp: Sdp
    type: Literal["offer"]


class JanusAnswer(Payload):
    sdp: Sdp
    type: Literal["answer"]


class JanusEvents:
    def __init__(self, ns: HearingNamespace, hub: JanusHub) -> None:
        self.ns = ns
        self.hub = hub
        hub.on_offer = self.push_offer
        ns.on("janus_offer", JanusOffer, self.offer)
        ns.on("janus_answer", JanusAnswer, self.answer)

    def _joined(self, conn: Connection) -> None:
        live = self.ns.hearings.get(conn.hearing_id)
        if live is None or live.sids.get(conn.participant_id) != conn.sid:
            raise OdrError("signal_not_joined", status=409)

    async def offer(self, conn: Connection, msg: JanusOffer) -> dict[str, Any]:
        self._joined(conn)
        sdp, kind = await self.hub.offer_media(
            conn.hearing_id, conn.participant_id, msg.kind, msg.sdp
        )
        live = self.ns.hearings.get(conn.hearing_id)
        if live is not None:
            self.ns.apply_routing(live)
        return {"sdp": sdp, "type": kind}

    async def answer(self, conn: Connection, msg: JanusAnswer) -> None:
        self._joined(conn)
        await self.hub.answer_media(conn.hearing_id, conn.participant_id, msg.sdp)

    async def push_offer(self, hearing_id: int, participant_id: int, data: dict[str, Any]) -> None:
        """Janus offers the participant a (new) subscription to the others' cameras."""
        live = self.ns.hearings.get(hearing_id)
        sid = live.sids.get(participant_id) if live else None
        if sid is not None:
            await self.ns.emit("janus_offer", data, to=sid)

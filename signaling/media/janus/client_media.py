"""A client's media on Janus (for the probe; the browser does the same in JavaScript): three
peer connections instead of the embedded layout's one (docs/protocol.md, "Media on Janus").

- its voice: an Opus ``sendrecv`` offer (``janus_offer`` kind "audio"), which brings back the
  mix of its AudioBridge room;
- its camera: a VP8 ``sendonly`` offer (kind "camera"), published in the VideoRoom;
- the others' cameras: Janus offers a subscription (a ``janus_offer`` event, one m-line per
  camera, ``streams`` saying whose camera each mid carries), the client answers
  (``janus_answer``); a new offer replaces the subscription (a new peer connection).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCSessionDescription,
)

from signaling.media import gathering
from signaling.media.continuity import AudioContinuity
from signaling.media.peer import codecs_for
from signaling.media.synthetic import ReceivedMedia

Emit = Callable[[str, dict[str, Any]], Awaitable[Any]]


class JanusMediaError(Exception):
    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(str(error))
        self.error = error


class JanusClientMedia:
    def __init__(
        self,
        ice_servers: list[RTCIceServer],
        continuity: AudioContinuity | None = None,
    ) -> None:
        self._ice = ice_servers
        self.voice_pc = self._pc()
        self.camera_pc = self._pc()
        self.viewer_pc: RTCPeerConnection | None = None
        self.heard = ReceivedMedia(self.voice_pc, continuity=continuity)  # the mix
        self.seen: ReceivedMedia | None = None  # the subscription's cameras
        self.streams: dict[str, int] = {}  # mid of the subscription -> whose camera

    def _pc(self) -> RTCPeerConnection:
        return RTCPeerConnection(RTCConfiguration(iceServers=self._ice))

    async def open(self, emit: Emit, voice: MediaStreamTrack, camera: MediaStreamTrack) -> None:
        """Offer the voice, then the camera; each answered by Janus through the server."""
        for kind, pc, track, direction in (
            ("audio", self.voice_pc, voice, "sendrecv"),
            ("camera", self.camera_pc, camera, "sendonly"),
        ):
            transceiver = pc.addTransceiver(track, direction=direction)
            transceiver.setCodecPreferences(codecs_for(track.kind))
            await gathering.set_local(pc, await pc.createOffer())
            sdp = pc.localDescription.sdp
            answer = await emit("janus_offer", {"kind": kind, "sdp": sdp, "type": "offer"})
            if not answer.get("ok"):
                raise JanusMediaError(answer.get("error", {}))
            await pc.setRemoteDescription(RTCSessionDescription(answer["sdp"], answer["type"]))

    async def subscription(self, emit: Emit, offer: dict[str, Any]) -> None:
        """Janus's (new) subscription offer: a new peer connection answers it."""
        await self._close_viewer()
        pc = self.viewer_pc = self._pc()
        self.seen = ReceivedMedia(pc)
        self.streams = {str(mid): int(feed) for mid, feed in offer.get("streams", {}).items()}
        await pc.setRemoteDescription(RTCSessionDescription(offer["sdp"], offer["type"]))
        await gathering.set_local(pc, await pc.createAnswer())
        answer = await emit("janus_answer", {"sdp": pc.localDescription.sdp, "type": "answer"})
        if not answer.get("ok"):
            raise JanusMediaError(answer.get("error", {}))

    async def _close_viewer(self) -> None:
        if self.seen is not None:
            await self.seen.stop()
        if self.viewer_pc is not None:
            await gathering.close(self.viewer_pc)
        self.viewer_pc, self.seen = None, None

    async def close(self) -> None:
        await self._close_viewer()
        await self.heard.stop()
        for pc in (self.voice_pc, self.camera_pc):
            await gathering.close(pc)

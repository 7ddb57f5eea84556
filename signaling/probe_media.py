"""The probe's media: its peer connection(s) and what it measures in what it receives.

`ProbeMedia` is the media half of `signaling.probe.Probe`: on each ``state`` that calls for it
the probe opens one aiortc peer connection in the hearing's offer layout (or, with
``media: "janus"``, Janus's three: ``signaling.media.janus.client_media``), sends the tone and
test picture of ``signaling.media.synthetic``, credits the video frames of each slot to whom
the ``media`` slot map says it shows, and measures each participant's tone in the one mixed
audio track. The signaling half (``emit``, the error list, the task set) is the probe's.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from collections.abc import Awaitable
from typing import Any

from aiortc import RTCPeerConnection, RTCSessionDescription

from odr.i18n import DEFAULT, translate
from signaling.ice import rtc_ice_servers
from signaling.link_quality import link_quality
from signaling.media import gathering
from signaling.media.continuity import AudioContinuity
from signaling.media.janus.client_media import JanusClientMedia, JanusMediaError
from signaling.media.synthetic import (
    PatternTrack,
    ReceivedMedia,
    ToneTrack,
    add_hearing_transceivers,
    hearing_peer_connection,
    tone_amplitude,
    tone_hz,
)
from signaling.turn_check import relay_problem

PIECE = 4800  # 100 ms of 48 kHz audio: 10 Hz bins, tones are 40 Hz apart
HEARD_LEVEL = 300.0  # tone amplitude (of 3000 sent) above which a participant counts as heard


class ProbeMedia:
    """The media of one synthetic participant (see the module)."""

    lang: str | None
    errors: list[dict[str, Any]]
    _changed: asyncio.Event

    def __init__(self, width: int, height: int, fps: int, *, relay_only: bool) -> None:
        self.width, self.height, self.fps = width, height, fps
        self.relay_only = relay_only
        self.continuity = AudioContinuity()
        self.pc: RTCPeerConnection | None = None
        self.received: ReceivedMedia | None = None
        self.janus: JanusClientMedia | None = None  # media on Janus: three peer connections
        self.slots: dict[str, int | None] = {}
        self._answered = asyncio.Event()
        self._credited: dict[str, int] = {}
        self._frames_from: dict[int, int] = {}
        self._media_for: str | None = None  # the sid the current peer connection belongs to

    async def emit(self, event: str, data: Any = None, within: float = 10.0) -> Any:
        raise NotImplementedError  # the probe's signaling

    def _spawn(self, work: Any) -> None:
        raise NotImplementedError  # the probe's signaling

    # --- the server's media events ------------------------------------------------------

    async def _on_media(self, data: dict[str, Any]) -> None:
        self._credit()
        self.slots = dict(data.get("slots", {}))
        self._changed.set()

    async def _on_janus_offer(self, offer: dict[str, Any]) -> None:
        self._credit()
        self.slots, self._credited = {}, {}
        self._spawn(self._subscribe(offer))

    async def _subscribe(self, offer: dict[str, Any]) -> None:
        if self.janus is not None:
            await self._media_step(self.janus.subscription(self.emit, offer))

    async def _start_media(self, state: dict[str, Any]) -> None:
        await self._media_step(self._open_media(state))

    async def _media_step(self, step: Awaitable[None]) -> None:
        try:
            await step
        except JanusMediaError as exc:
            self.errors.append(exc.error)
            self._changed.set()
        except Exception as exc:  # reported, not raised: the probe's report shows it
            self.errors.append({"code": "probe_media_failed", "message": repr(exc)})
            self._changed.set()

    async def _open_media(self, state: dict[str, Any]) -> None:
        await self._close_media()
        me = state["me"]["id"]
        servers = state.get("ice_servers", [])
        if state.get("media") == "janus":
            await self._open_janus_media(me, servers)
            return
        pc = hearing_peer_connection(rtc_ice_servers(servers), relay_only=self.relay_only)
        audio = ToneTrack(tone_hz(me))
        video = PatternTrack(me, self.width, self.height, self.fps)
        add_hearing_transceivers(pc, audio, video)
        self.pc = pc
        self.received = ReceivedMedia(pc, continuity=self.continuity)
        self._credited, self._frames_from, self.slots = {}, {}, {}
        await gathering.set_local(pc, await pc.createOffer())
        sdp = pc.localDescription.sdp
        problem = relay_problem(sdp, servers, time.time()) if self.relay_only else None
        if problem is not None:  # no way through the relay: say why instead of waiting in vain
            message = translate(f"error.{problem}", self.lang or DEFAULT)
            self.errors.append({"code": problem, "message": message})
            self._changed.set()
            return
        answer = await self.emit("offer", {"sdp": pc.localDescription.sdp, "type": "offer"})
        if not answer.get("ok"):
            self.errors.append(answer.get("error", {}))
            return
        await pc.setRemoteDescription(RTCSessionDescription(answer["sdp"], answer["type"]))
        self._answered.set()
        self._spawn(self._quality_reports(pc))

    async def _open_janus_media(self, me: int, servers: list[dict[str, Any]]) -> None:
        janus = self.janus = JanusClientMedia(rtc_ice_servers(servers), self.continuity)
        self.pc, self.received = janus.voice_pc, janus.heard
        self._credited, self._frames_from, self.slots = {}, {}, {}
        voice, camera = ToneTrack(tone_hz(me)), PatternTrack(me, self.width, self.height, self.fps)
        await janus.open(self.emit, voice, camera)
        self._answered.set()
        self._spawn(self._quality_reports(janus.voice_pc))

    async def wait_media(self, within: float = 15.0) -> None:
        """Until the current peer connection has its answer and is connected."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.pc is not None and self.pc.connectionState == "connected":
                return
            await asyncio.sleep(0.05)
        raise TimeoutError("the peer connection did not connect")

    async def _close_media(self) -> None:
        self._credit()
        if self.janus is not None:
            janus, self.janus, self.received, self.pc = self.janus, None, None, None
            await janus.close()
        if self.received is not None:
            await self.received.stop()
            self.received = None
        if self.pc is not None:
            await gathering.close(self.pc)
            self.pc = None

    def _credit(self) -> None:
        """Credit the frames received in each slot since last time to whoever it shows."""
        video = self.janus.seen if self.janus is not None else self.received
        if video is None:
            return
        for mid, slot in video.video.items():
            new = slot.frames - self._credited.get(mid, 0)
            self._credited[mid] = slot.frames
            source = self.slots.get(mid)
            if new > 0 and source is not None:
                self._frames_from[source] = self._frames_from.get(source, 0) + new

    def video_frames(self) -> int:
        """Video frames received so far from the others, on either layout."""
        self._credit()
        return sum(self._frames_from.values())

    def frames_from(self, participant_id: int) -> int:
        self._credit()
        return self._frames_from.get(participant_id, 0)

    def tone_level(self, participant_id: int, seconds: float = 1.5) -> float:
        """The level of the participant's tone in the last ``seconds`` of the mix: the median
        over 100 ms pieces, so that a late or lost packet (a splice in the signal, which
        smears every frequency) does not decide it."""
        if self.received is None:
            return 0.0
        samples = self.received.recent_audio(seconds)
        hz = tone_hz(participant_id)
        levels = [
            tone_amplitude(samples[i : i + PIECE], hz)
            for i in range(0, len(samples) - PIECE + 1, PIECE)
        ]
        return float(statistics.median(levels)) if levels else 0.0

    def mark(self) -> None:
        """Forget the audio and frame counts so far (measure from now on)."""
        self._credit()
        self._frames_from = {}
        if self.received is not None:
            self.received.clear_audio()

    async def _quality_reports(self, pc: RTCPeerConnection) -> None:
        sent_before, at_before = 0, time.monotonic()
        while self.pc is pc and pc.connectionState != "closed":
            await asyncio.sleep(2)
            with contextlib.suppress(Exception):
                report = await pc.getStats()
                loss, rtt_ms, sent = link_quality(report.values())
                now = time.monotonic()
                bitrate = max(0.0, (sent - sent_before) * 8 / 1000 / max(0.1, now - at_before))
                sent_before, at_before = sent, now
                await self.emit(
                    "quality",
                    {
                        "loss": loss,
                        "rtt_ms": rtt_ms,
                        "bitrate_kbps": min(100_000.0, bitrate),
                    },
                )

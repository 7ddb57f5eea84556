"""The probe: a participant made of synthetic media, for operators and tests.

It logs in over HTTP (a personal code or a staff password), joins ``/hearing`` with the
session cookie, opens one aiortc peer connection in the hearing's offer layout and sends a
sine tone at ``tone_hz(participant_id)`` and a moving test picture. From the ``media`` slot
map it counts the video frames received from each other participant; from its ONE mixed
audio track it measures the level of each other participant's tone (one DFT bin, as a
Goertzel filter does), which tells whom it hears, and how continuous the sound it receives is
(``signaling.media.continuity``). See docs/protocol.md.

With ``reconnect=True`` (``odr probe``) it comes back on its own as the browser does: when the
socket closes, or when its heartbeats go unanswered for as long as the server waits before
dropping a participant, it connects again and makes a new peer connection. Given ``servers``
(other URLs of the same service, a load balancer's stand-in), a failed attempt moves on to the
next one. With ``relay_only=True`` (``odr probe --relay-only``) it gathers TURN relay
candidates only, so its media can only go through the relay; when the offer has none it
reports ``turn_credential_expired`` or ``turn_unavailable`` (``signaling.turn_check``).
When the hearing's media is on Janus (``media: "janus"`` in ``state``) it opens Janus's three
peer connections instead (``signaling.media.janus.client_media``).
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import socketio

from signaling.media.synthetic import (
    tone_hz,
)
from signaling.probe_media import HEARD_LEVEL, ProbeMedia

NAMESPACE = "/hearing"
SESSION_COOKIES = ("__Host-odr_session", "odr_session")
SILENT_BEATS = 3  # the server drops a participant not heard from for this many heartbeats
ENDING = frozenset({"signal_removed", "signal_replaced", "hearing_closed"})  # do not come back


class ProbeError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class Probe(ProbeMedia):
    """One synthetic participant of one hearing."""

    def __init__(
        self,
        server: str,
        hearing_id: int,
        *,
        origin: str | None = None,
        width: int = 160,
        height: int = 120,
        fps: int = 15,
        admit_all: bool = False,
        lang: str | None = None,
        media: bool = True,
        transports: tuple[str, ...] = ("websocket",),
        reconnect: bool = False,
        servers: tuple[str, ...] = (),
        relay_only: bool = False,
    ) -> None:
        super().__init__(width, height, fps, relay_only=relay_only)
        self.server = server.rstrip("/")
        self.origin = origin or self.server
        self.servers = [self.server, *(s.rstrip("/") for s in servers)]
        self.hearing_id = hearing_id
        self.admit_all = admit_all
        self.lang = lang
        self.media = media
        self.transports = list(transports)
        self.reconnect = reconnect
        self.reconnections = 0
        self.started_at: float | None = None  # time.time() of the first login
        self.joined_at: float | None = None  # time.time() of the first state
        self._closing = False
        self._reconnecting = False
        self.heartbeating = True
        self.cookie: str | None = None
        self.sio: socketio.AsyncClient | None = None
        self.state: dict[str, Any] | None = None
        self.errors: list[dict[str, Any]] = []
        self.chats: list[dict[str, Any]] = []
        self.recording_events: list[dict[str, Any]] = []
        self.removed: dict[str, Any] | None = None
        self.heartbeat_rtts: list[float] = []
        self._changed = asyncio.Event()
        self.gone = asyncio.Event()  # set when the server closes the socket
        self._tasks: set[asyncio.Task[Any]] = set()
        self._admitting: set[int] = set()

    # --- logging in ----------------------------------------------------------------------

    async def login_code(self, code: str) -> None:
        await self._login("/api/session", {"code": code})

    async def login_user(self, username: str, password: str) -> None:
        await self._login("/api/login", {"username": username, "password": password})

    async def _login(self, path: str, body: dict[str, str]) -> None:
        if self.started_at is None:
            self.started_at = time.time()
        async with (
            aiohttp.ClientSession() as http,
            http.post(self.server + path, json=body, headers={"Origin": self.origin}) as r,
        ):
            data = await r.json(content_type=None)
            if r.status != 200:
                error = data.get("error", {}) if isinstance(data, dict) else {}
                raise ProbeError(error.get("code", str(r.status)), error.get("message", ""))
            for name in SESSION_COOKIES:
                if name in r.cookies:
                    self.cookie = f"{name}={r.cookies[name].value}"
                    return
        raise ProbeError("no_session", "the server set no session cookie")

    # --- joining -------------------------------------------------------------------------

    async def connect(self, within: float = 10.0) -> dict[str, Any]:
        """Join the hearing; returns the first ``state``. Media starts on its own."""
        if self.cookie is None:
            raise ProbeError("not_logged_in", "log in first")
        self._closing = False  # a probe closed may join again
        sio = socketio.AsyncClient(reconnection=False)
        refused: list[Any] = []
        sio.on("state", self._on_state, namespace=NAMESPACE)
        sio.on("media", self._on_media, namespace=NAMESPACE)
        sio.on("error", self._on_error, namespace=NAMESPACE)
        sio.on("chat", self._on_chat, namespace=NAMESPACE)
        sio.on("recording", self._on_recording, namespace=NAMESPACE)
        sio.on("removed", self._on_removed, namespace=NAMESPACE)
        sio.on("janus_offer", self._on_janus_offer, namespace=NAMESPACE)

        async def on_disconnect(*reason: Any) -> None:
            await self._on_disconnect(sio)

        sio.on("disconnect", on_disconnect, namespace=NAMESPACE)
        sio.on("connect_error", lambda *data: refused.extend(data), namespace=NAMESPACE)
        self.state = None
        self.gone.clear()
        auth: dict[str, Any] = {"hearing_id": self.hearing_id}
        if self.lang:
            auth["lang"] = self.lang
        self.sio = sio
        try:
            await sio.connect(
                self.server,
                headers={"Cookie": self.cookie, "Origin": self.origin},
                auth=auth,
                namespaces=[NAMESPACE],
                transports=self.transports,
                wait_timeout=within,
            )
        except socketio.exceptions.ConnectionError as exc:
            self.sio = None
            with contextlib.suppress(Exception):
                await sio.disconnect()  # closes its HTTP session (a server that was down)
            detail = refused[0] if refused else {}
            data = detail.get("data") if isinstance(detail, dict) else None
            if isinstance(data, dict):
                raise ProbeError(data.get("code", "refused"), data.get("message", "")) from exc
            raise ProbeError("refused", str(detail or exc)) from exc
        except BaseException:  # cancelled (a reconnection's time limit): no half-made socket
            self.sio = None
            with contextlib.suppress(Exception):
                await sio.disconnect()
            raise
        self._spawn(self._heartbeats(sio))
        return await self.wait_for(lambda s: True, within)

    async def emit(self, event: str, data: Any = None, within: float = 10.0) -> Any:
        """Send one event and return its acknowledgement."""
        assert self.sio is not None
        payload = {} if data is None else data
        return await self.sio.call(event, payload, namespace=NAMESPACE, timeout=within)

    async def wait_for(
        self, predicate: Callable[[dict[str, Any]], bool], within: float = 10.0
    ) -> dict[str, Any]:
        """The first ``state`` (the current one included) for which ``predicate`` holds."""
        deadline = time.monotonic() + within
        while True:
            if self.state is not None and predicate(self.state):
                return self.state
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no such state within {within}s: {self.state}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)

    @property
    def me(self) -> dict[str, Any]:
        assert self.state is not None
        me: dict[str, Any] = self.state["me"]
        return me

    @property
    def participant_id(self) -> int:
        return int(self.me["id"])

    def participant(self, participant_id: int) -> dict[str, Any]:
        assert self.state is not None
        return next(p for p in self.state["participants"] if p["id"] == participant_id)

    # --- events --------------------------------------------------------------------------

    async def _on_state(self, state: dict[str, Any]) -> None:
        self.state = state
        if self.joined_at is None:
            self.joined_at = time.time()
        self._changed.set()
        sid = self.sio.get_sid(NAMESPACE) if self.sio else None
        fresh = sid is not None and self._media_for != sid
        if self.media and fresh and state["state"] != "closed":
            self._media_for = sid
            self._spawn(self._start_media(state))
        if self.admit_all and state["me"]["is_chair"]:
            for p in state["participants"]:
                if p["presence"] == "lobby" and p["id"] not in self._admitting:
                    self._admitting.add(p["id"])
                    self._spawn(self.emit("admit", {"participant_id": p["id"]}))

    async def _on_error(self, error: dict[str, Any]) -> None:
        self.errors.append(error)
        self._changed.set()

    async def _on_chat(self, line: dict[str, Any]) -> None:
        self.chats.append(line)
        self._changed.set()

    async def _on_recording(self, data: dict[str, Any]) -> None:
        self.recording_events.append(data)
        self._changed.set()

    async def _on_disconnect(self, sio: socketio.AsyncClient) -> None:
        self.gone.set()
        self._changed.set()
        if self.reconnect and self._current(sio) and not self._closing:
            self._spawn(self._reconnect(sio))

    def _current(self, sio: socketio.AsyncClient) -> bool:
        return self.sio is sio

    def _ended(self) -> bool:
        """Removed, replaced or closed: nothing to come back to."""
        closed = (self.state or {}).get("state") == "closed"
        return (
            closed or self.removed is not None or any(e.get("code") in ENDING for e in self.errors)
        )

    async def _reconnect(self, dead: socketio.AsyncClient) -> None:
        """The link was lost: a new socket (the server puts us back where we were), then a new
        peer connection (``_on_state``: aiortc has no ICE restart). Retried until it works."""
        if self._reconnecting or not self._current(dead):
            return
        self._reconnecting = True
        try:
            self.sio, self._media_for = None, None
            with contextlib.suppress(Exception):
                await asyncio.wait_for(dead.disconnect(), 1)
            await self._close_media()
            pause = 0.5
            while not self._closing and not self._ended():
                try:
                    await asyncio.wait_for(self.connect(within=10), 15)
                    self.reconnections += 1
                    return
                except ProbeError as exc:
                    if exc.code != "refused":  # the server said no, with a reason: stay out
                        self.errors.append({"code": exc.code, "message": exc.message})
                        return
                except (TimeoutError, OSError, aiohttp.ClientError):
                    pass
                self._fail_over()
                await asyncio.sleep(pause)
                pause = min(5.0, 2 * pause)
        finally:
            self._reconnecting = False

    def _fail_over(self) -> None:
        """The next of ``servers`` for the next attempt."""
        at = self.servers.index(self.server) if self.server in self.servers else -1
        self.server = self.servers[(at + 1) % len(self.servers)]

    async def _on_removed(self, data: dict[str, Any]) -> None:
        self.removed = data
        self._changed.set()

    async def _heartbeats(self, sio: socketio.AsyncClient) -> None:
        answered = time.monotonic()
        while self._current(sio) and sio.connected:
            period = self._heartbeat_period()
            started = time.perf_counter()
            with contextlib.suppress(Exception):
                if not self.heartbeating:  # a frozen client, for tests
                    raise TimeoutError
                wait = min(5.0, SILENT_BEATS * period)
                ack = await sio.call("heartbeat", {}, namespace=NAMESPACE, timeout=wait)
                if ack.get("ok"):
                    self.heartbeat_rtts.append(time.perf_counter() - started)
                    answered = time.monotonic()
            period = self._heartbeat_period()  # the first state may have come meanwhile
            if self.reconnect and time.monotonic() - answered > SILENT_BEATS * period:
                # The server has dropped us by now; the socket may not know it for a while.
                self._spawn(self._reconnect(sio))
                return
            await asyncio.sleep(period)

    def _heartbeat_period(self) -> float:
        return max(0.2, float((self.state or {}).get("heartbeat_seconds", 5)))

    # --- leaving -------------------------------------------------------------------------

    async def drop(self) -> None:
        """Lose the link: the socket and the peer connection go, nothing is said."""
        sio, self.sio = self.sio, None
        if sio is not None:
            await sio.disconnect()
        self._media_for = None
        await self._close_media()

    async def close(self) -> None:
        """Leave: its tasks end first (a media step must not answer on a socket gone), then
        the link; nothing new starts meanwhile."""
        self._closing = True
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(BaseException):
                await task
        await self.drop()

    def _spawn(self, work: Any) -> None:
        if self._closing:
            if asyncio.iscoroutine(work):
                work.close()
            return
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- the report ----------------------------------------------------------------------

    def audio_continuity(
        self, start: float | None = None, end: float | None = None
    ) -> dict[str, Any]:
        """How continuously sound arrived between ``start`` (default: the first voiced frame)
        and ``end`` (default: now), wall clock; see ``AudioContinuity.summary``."""
        end = time.time() if end is None else end
        first = self.continuity.first_voiced()
        start = start if start is not None else (first if first is not None else end)
        return self.continuity.summary(start, end)

    def timing(self) -> dict[str, float | None]:
        """Seconds from the first login to the first ``state`` and to the first sound heard."""
        first = self.continuity.first_voiced()

        def since(at: float | None) -> float | None:
            if at is None or self.started_at is None:
                return None
            return round(at - self.started_at, 3)

        return {"joined_s": since(self.joined_at), "first_audio_s": since(first)}

    def report(self) -> dict[str, Any]:
        """What the probe saw: its final state and what it received from everyone else."""
        state = self.state or {}
        me = state.get("me", {})
        peers = []
        for p in state.get("participants", []):
            if p["id"] == me.get("id"):
                continue
            level = self.tone_level(p["id"])
            peers.append(
                {
                    "id": p["id"],
                    "name": p["name"],
                    "role": p["role"],
                    "room": p["room"],
                    "presence": p["presence"],
                    "video_frames": self.frames_from(p["id"]),
                    "tone_hz": tone_hz(p["id"]),
                    "tone_level": round(level, 1),
                    "heard": level >= HEARD_LEVEL,
                }
            )
        rtts = sorted(self.heartbeat_rtts)
        return {
            "hearing_id": self.hearing_id,
            "participant_id": me.get("id"),
            "name": me.get("name"),
            "hearing_state": state.get("state"),
            "recording": state.get("recording"),
            "room": me.get("room"),
            "presence": me.get("presence"),
            "is_host": me.get("is_host"),
            "audio_frames": self.received.audio_frames if self.received else 0,
            "video_frames": self.video_frames(),
            "self_tone_level": round(self.tone_level(me["id"]), 1) if me else 0.0,
            "peers": peers,
            "heartbeat_rtt_ms": {
                "count": len(rtts),
                "median": round(1000 * statistics.median(rtts), 2) if rtts else None,
                "max": round(1000 * rtts[-1], 2) if rtts else None,
            },
            "timing": self.timing(),
            "audio_continuity": self.audio_continuity(),
            "reconnections": self.reconnections,
            "errors": self.errors,
        }

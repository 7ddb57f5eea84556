"""The ``/hearing`` socket.io namespace: connecting, and checking every message before it runs.

Every client event is checked in the same order: the connection has joined, its token bucket
has a token, the event is known, its payload is one object matching the event's model. A
refusal is acknowledged as ``{"ok": false, "error": {...}}`` and also sent as an ``error``
event; nothing a client sends reaches a handler unchecked. The handlers themselves (what each
event does to the room) are in :mod:`signaling.actions`. See docs/protocol.md.

With several processes (``relay`` set, :mod:`signaling.relay`), a socket whose hearing another
process owns is let in here and relayed there; the owner handles relayed sockets exactly as
its own (``join``, ``dispatch``, ``leave``). See docs/scale-out.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any

import socketio

from odr.domain.hearing import HearingState, Member, record_sources, routing
from odr.errors import Conflict, InvalidInput, NotAuthenticated, OdrError
from odr.i18n import translate
from odr.services import hearings, sessions
from odr.services.audit import AuditKey
from odr.settings import Settings
from odr.store.db import Database
from odr.store.models import Hearing, HearingParticipant
from signaling import auth
from signaling.ice import ice_servers, turn_user
from signaling.live import Connection, Entry, LiveHearing, snapshot
from signaling.media import MediaHub, named
from signaling.messages import Payload, parse
from signaling.room_store import restore

if TYPE_CHECKING:
    from signaling.media.janus.hub import JanusHub
    from signaling.relay import Relay

log = logging.getLogger(__name__)

NAMESPACE = "/hearing"
StoreGetter = Callable[[], tuple[Database, AuditKey]]
Handler = Callable[[Connection, Any], Awaitable[dict[str, Any] | None]]
Ack = dict[str, Any]


class HearingNamespace(socketio.AsyncNamespace):  # type: ignore[misc]
    def __init__(self, settings: Settings, store: StoreGetter, hub: MediaHub | JanusHub) -> None:
        super().__init__(NAMESPACE)
        self.settings = settings
        self.store = store
        self.hub = hub
        self.hearings: dict[int, LiveHearing] = {}
        self.connections: dict[str, Connection] = {}
        self.events: dict[str, tuple[type[Payload], Handler]] = {}
        self._watchdog: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.relay: Relay | None = None  # several processes: see signaling.relay

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run ``work`` in the background, keeping a reference until it is done."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def on(self, event: str, model: type[Payload], handler: Handler) -> None:
        self.events[event] = (model, handler)

    # --- dispatch ------------------------------------------------------------------------------

    async def trigger_event(self, event: str, *args: Any) -> Any:
        sid = args[0] if args else None
        if event == "connect" and isinstance(sid, str) and sid not in self.connections:
            environ = args[1] if len(args) > 1 else None
            if isinstance(environ, dict) and "aiohttp.request" in environ:
                return await self._connect(sid, environ, args[2] if len(args) > 2 else None)
        # The real disconnect comes after the manager let the socket go; a client cannot
        # fake one (while it can still send, it is connected).
        if (
            event == "disconnect"
            and isinstance(sid, str)
            and not self.server.manager.is_connected(sid, NAMESPACE)
        ):
            await self._disconnect(sid)
            return None
        if not isinstance(sid, str):
            return None
        if self.relay is not None and sid in self.relay.relayed:
            return await self.relay.event(sid, event, args[1:])
        return await self.dispatch(sid, event, args[1:])

    async def dispatch(self, sid: str, event: Any, payload: tuple[Any, ...]) -> Ack:
        await asyncio.sleep(0)  # one message at a time per socket, but others get their turn
        name = event[:64] if isinstance(event, str) else "?"
        conn = self.connections.get(sid)
        if conn is None:
            if self.server.manager.is_connected(sid, NAMESPACE):
                await self.refuse(sid, self.settings.default_language, name, _not_joined())
            return {"ok": False, "error": {"code": "signal_not_joined", "event": name}}
        if not conn.bucket.take():
            return await self._rate_limited(conn, name)
        spec = self.events.get(name) if isinstance(event, str) else None
        if spec is None:
            return await self.refuse(sid, conn.lang, name, _unknown(name))
        model, handler = spec
        try:
            result = await handler(conn, parse(model, payload))
        except OdrError as exc:
            return await self.refuse(sid, conn.lang, name, exc)
        except Exception:
            log.exception("hearing %s: %s failed", conn.hearing_id, name)
            return await self.refuse(sid, conn.lang, name, OdrError("internal"))
        return {"ok": True, **(result or {})}

    async def refuse(self, sid: str, lang: str, event: str, exc: OdrError) -> Ack:
        error = {
            "code": exc.code,
            "message": translate(f"error.{exc.code}", lang, **exc.params),
            "event": event,
        }
        if exc.field:
            error["field"] = exc.field
        await self.emit("error", error, to=sid)
        return {"ok": False, "error": error}

    async def _rate_limited(self, conn: Connection, event: str) -> Ack:
        exc = OdrError("signal_rate_limited", status=429)
        error = {
            "code": exc.code,
            "message": translate("error.signal_rate_limited", conn.lang),
            "event": event,
        }
        now = time.monotonic()
        if now - conn.last_error_event >= 1.0:  # one error event a second, not one per message
            conn.last_error_event = now
            await self.emit("error", error, to=conn.sid)
        if not conn.refusals.take():  # still flooding after being told: the socket is closed
            log.warning("hearing %s: %s flooded; disconnected", conn.hearing_id, conn.sid)
            self.connections.pop(conn.sid, None)
            live = self.hearings.get(conn.hearing_id)
            if live is not None and live.sids.get(conn.participant_id) == conn.sid:
                await self.drop(live, conn.participant_id)
            await self.emit("error", error, to=conn.sid)
            await self.disconnect(conn.sid)
        return {"ok": False, "error": error}

    # --- connecting ----------------------------------------------------------------------------

    async def _connect(self, sid: str, environ: dict[str, Any], auth_data: Any) -> bool:
        lang = auth.language(environ, auth_data, self.settings.default_language)
        try:
            if not auth.origin_allowed(environ, self.settings):
                raise OdrError("origin_not_allowed", status=403)
            hearing_id = auth.hearing_id_of(auth_data)
            if hearing_id is None:
                raise InvalidInput("signal_hearing_required", field="hearing_id")
            token = auth.session_token(environ, self.settings)
            if token is None:
                raise NotAuthenticated()
            db, _ = self.store()
            resolved = await db.read(sessions.resolve, self.settings, token)
            if resolved is None:
                raise NotAuthenticated()
            hearing, row = await db.write(_enter, hearing_id, resolved.actor)
            if not (isinstance(auth_data, dict) and "lang" in auth_data) and row.language:
                lang = row.language  # the participant's language, unless auth asks for one
            assert hearing.id is not None and row.id is not None
            entry = Entry(
                hearing.id,
                hearing.state,
                hearing.case_id,
                row.id,
                row.display_name,
                row.role,
                row.is_host,
                hearings.actor_ref_of(row),
                lang,
                resolved.session_id,
            )
            if self.relay is None or not await self.relay.connect(sid, entry):
                await self.join(sid, entry)
        except OdrError as exc:
            raise _refusal(exc, lang) from None
        except Exception:
            log.exception("hearing connection refused on an unexpected error")
            raise _refusal(OdrError("internal"), lang) from None
        return True

    async def join(self, sid: str, entry: Entry, *, relayed: bool = False) -> None:
        """The participant's socket ``sid`` (here, or ``relayed`` from another process) joins
        the room, replacing its earlier socket if any."""
        live = await self._live(entry)
        pid = entry.participant_id
        live.room.join(Member(pid, entry.name, entry.role, entry.is_host))
        previous = live.sids.get(pid)
        self.connections[sid] = Connection(
            sid, entry.hearing_id, pid, entry.actor_ref, entry.lang, entry.session_id
        )
        live.sids[pid] = sid
        live.beat(pid)
        if previous is not None and previous != sid:
            self.connections.pop(previous, None)
            self.spawn(self._replace(previous, entry.lang))
        if not relayed:  # a relayed socket's first state waits for its process's "ready"
            self.spawn(self._welcome(sid, live))

    async def _live(self, entry: Entry) -> LiveHearing:
        live = self.hearings.get(entry.hearing_id)
        if live is not None:
            return live
        saved = await self.relay.load(entry.hearing_id) if self.relay is not None else None
        state = HearingState(entry.state)
        restored = restore(saved, entry.hearing_id, state, entry.case_id)
        live = self.hearings.setdefault(entry.hearing_id, restored)
        if live is restored and saved is not None:  # taken over: the media as it was
            self.hub.set_profile(live.hearing_id, named(live.profile, self.hub.default_profile))
            for member in live.room.members.values():
                if member.audio_only:
                    self.hub.set_audio_only(live.hearing_id, member.id, True)
        return live

    async def _welcome(self, sid: str, live: LiveHearing) -> None:
        for _ in range(200):  # the CONNECT packet goes out once the handler has returned
            if self.server.manager.is_connected(sid, NAMESPACE):
                break
            await asyncio.sleep(0.005)
        await self.publish(live)

    async def _replace(self, old_sid: str, lang: str) -> None:
        await self.emit(
            "error",
            {
                "code": "signal_replaced",
                "message": translate("error.signal_replaced", lang),
                "event": "connect",
            },
            to=old_sid,
        )
        await self.disconnect(old_sid)

    async def _disconnect(self, sid: str) -> None:
        if self.relay is not None and await self.relay.disconnect(sid):
            return
        await self.leave(sid)

    async def leave(self, sid: str) -> None:
        """The socket ``sid`` closed (here, or relayed from another process)."""
        conn = self.connections.pop(sid, None)
        if conn is None:
            return
        live = self.hearings.get(conn.hearing_id)
        if live is None or live.sids.get(conn.participant_id) != sid:
            return  # already replaced by a newer socket of the same participant
        await self.drop(live, conn.participant_id)

    async def drop(self, live: LiveHearing, participant_id: int) -> None:
        """The participant's link is gone: shown as disconnected, its peer connection closed.
        It keeps its place (hearing room or private room) for when it comes back."""
        live.sids.pop(participant_id, None)
        live.beats.pop(participant_id, None)
        live.room.drop(participant_id)
        with contextlib.suppress(Exception):
            await self.hub.disconnect(live.hearing_id, participant_id)
        await self.publish(live)
        if not live.sids and live.room.state is HearingState.CLOSED:
            self.hearings.pop(live.hearing_id, None)  # over, and everyone has left
            if self.relay is not None:
                await self.relay.ended(live.hearing_id)

    async def abandon(self, hearing_id: int) -> None:
        """Another process owns the hearing now: its sockets here come again (and are relayed
        there), its media here stops."""
        live = self.hearings.pop(hearing_id, None)
        if live is None:
            return
        for sid in list(live.sids.values()):
            conn = self.connections.pop(sid, None)
            await self._lost(sid, conn.lang if conn else self.settings.default_language)
        with contextlib.suppress(Exception):
            await self.hub.close_hearing(hearing_id)

    async def _lost(self, sid: str, lang: str) -> None:
        """Tell the socket its link was lost and close it: the client comes again."""
        error = {
            "code": "signal_heartbeat_lost",
            "message": translate("error.signal_heartbeat_lost", lang),
            "event": "heartbeat",
        }
        with contextlib.suppress(Exception):
            await self.emit("error", error, to=sid)
            await self.disconnect(sid)

    # --- telling everyone -----------------------------------------------------------------------

    async def publish(self, live: LiveHearing, *, hosts_only: bool = False) -> None:
        """Enforce the room's routing in the hub and send each connected member its ``state``."""
        if not hosts_only:
            self.apply_routing(live)
            if self.relay is not None:
                await self.relay.save(live)
        now = time.time()
        for pid, sid in list(live.sids.items()):
            member = live.room.members.get(pid)
            if member is None or (hosts_only and not member.is_host):
                continue
            ice = ice_servers(self.settings, turn_user(live.hearing_id, pid), now)
            view = snapshot(live, pid, ice, self.settings.heartbeat_seconds)
            if self.settings.media_backend != "embedded":
                view["media"] = self.settings.media_backend  # the client's offers differ
            await self.emit("state", view, to=sid)

    def apply_routing(self, live: LiveHearing) -> None:
        try:
            self.hub.set_routing(
                live.hearing_id, routing(live.room), record_sources=record_sources(live.room)
            )
        except Exception:
            log.exception("hearing %s: the hub refused the routing", live.hearing_id)

    async def push_slots(
        self, hearing_id: int, participant_id: int, slots: dict[str, int | None]
    ) -> None:
        """The hub changed what one receiver's video slots show (``media`` event)."""
        live = self.hearings.get(hearing_id)
        sid = live.sids.get(participant_id) if live else None
        if sid is not None:
            await self.emit("media", {"slots": slots}, to=sid)

    # --- heartbeats -----------------------------------------------------------------------------

    def start_watchdog(self) -> None:
        self._watchdog = asyncio.ensure_future(self._watch())

    async def _watch(self) -> None:
        period = max(0.2, self.settings.heartbeat_seconds / 2)
        timeout = 3 * self.settings.heartbeat_seconds
        while True:
            await asyncio.sleep(period)
            now = time.monotonic()
            for live in list(self.hearings.values()):
                for pid in live.silent(timeout, now):
                    sid = live.sids.get(pid)
                    if sid is None:
                        continue
                    conn = self.connections.pop(sid, None)
                    await self.drop(live, pid)
                    await self._lost(sid, conn.lang if conn else self.settings.default_language)

    async def close(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watchdog
        for sid in list(self.connections):
            with contextlib.suppress(Exception):
                await self.disconnect(sid)
        self.connections.clear()
        self.hearings.clear()
        if self.relay is not None:
            await self.relay.close()
        await self.hub.close()


def _enter(session: Any, hearing_id: int, actor: Any) -> tuple[Hearing, HearingParticipant]:
    row = hearings.participant_for(session, hearing_id, actor)
    hearing = hearings.get_hearing(session, hearing_id)
    if hearing.state == HearingState.CLOSED.value:
        raise Conflict("hearing_closed")
    return hearing, row


def _refusal(exc: OdrError, lang: str) -> Exception:
    """What a client's ``connect_error`` receives: ``message`` and ``data: {code, message}``."""
    message = translate(f"error.{exc.code}", lang, **exc.params)
    refusal: Exception = socketio.exceptions.ConnectionRefusedError(
        message, {"code": exc.code, "message": message}
    )
    return refusal


def _not_joined() -> OdrError:
    return OdrError("signal_not_joined", status=409)


def _unknown(event: str) -> OdrError:
    return InvalidInput("signal_unknown_event", field="event", event=event)

"""Relaying a socket to its hearing's owner process (several ``odr serve`` on one Redis).

A process that lets a socket in (session and hearing checked locally) asks who owns the
hearing (:mod:`signaling.cluster`): itself (it held or took the lease), and the socket joins
here; or another process, and the socket's connect, then each of its events (the answer is
the event's acknowledgement) and its disconnect go to the owner's inbox. The owner handles
them as its own sockets' and emits to the socket through socket.io's AsyncRedisManager; media
goes from the participant straight to the owner's hub (the owner answers the offer).

When the owner is gone (its inbox has no listener, or a request gets no answer and the lease
has another holder or none), the next connect or event of the hearing takes the lease, the
room is restored from its snapshot, and the sockets this process relayed to the old owner are
closed with ``signal_heartbeat_lost``: browsers and probes come back on a new socket and build
a new peer connection to the new owner's hub. The record the old owner left is registered as
interrupted (:mod:`signaling.record_files`).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError

from odr.errors import InvalidInput, OdrError
from odr.i18n import translate
from signaling.cluster import Cluster, OwnerUnreachable
from signaling.live import Entry, LiveHearing
from signaling.record_files import records, register, started
from signaling.room_store import RoomStore

if TYPE_CHECKING:
    from signaling.namespace import HearingNamespace

log = logging.getLogger(__name__)
CONNECT_SECONDS = 8.0  # how long a connect may look for a live owner


@dataclass
class Relayed:
    """A socket of this process whose hearing another process owns."""

    hearing_id: int
    owner: str
    lang: str


class Relay:
    def __init__(self, ns: HearingNamespace, cluster: Cluster) -> None:
        self.ns = ns
        self.cluster = cluster
        self.rooms = RoomStore(cluster.redis, cluster.prefix)
        self.relayed: dict[str, Relayed] = {}
        cluster.on_request = self.handle
        cluster.on_lost = self.lost

    async def start(self) -> None:
        await self.cluster.start()

    async def close(self) -> None:
        await self.cluster.close()

    # --- who owns the hearing ------------------------------------------------------------------

    async def owner(self, hearing_id: int) -> str:
        """The live owner's token; this process's own if it holds or takes the lease."""
        while True:
            if hearing_id in self.cluster.owned:
                return self.cluster.token
            if await self.cluster.acquire(hearing_id):
                await self._moved(hearing_id)
                return self.cluster.token
            holder = await self.cluster.holder(hearing_id)
            if holder is None:
                continue  # lapsed meanwhile: try again
            if await self.cluster.alive(holder):
                return holder
            log.warning("hearing %s: owner %s is gone; taking it over", hearing_id, holder)
            await self.cluster.clear(hearing_id, holder)

    async def busy(self, hearing_id: int) -> bool:
        """Whether a live process owns the hearing (it may be writing a record of it); so it
        is said when Redis does not answer."""
        try:
            holder = await self.cluster.holder(hearing_id)
            return holder is not None and await self.cluster.alive(holder)
        except (RedisError, OSError):
            log.warning("hearing %s: its owner unknown (Redis); its records left", hearing_id)
            return True

    async def _moved(self, hearing_id: int) -> None:
        """This process now owns the hearing: a record the previous owner left is registered
        as interrupted (one started before now: not one this process starts meanwhile), and
        this process's sockets relayed elsewhere come again."""
        self.ns.spawn(self._recover(hearing_id, datetime.now(UTC)))
        for sid in [s for s, r in self.relayed.items() if r.hearing_id == hearing_id]:
            await self._reconnect(sid)

    async def _recover(self, hearing_id: int, before: datetime) -> None:
        folder = self.ns.settings.recordings_dir
        try:
            await self.ns.hub.sweep(folder, hearing_id=hearing_id)  # Janus: the owner's rooms
            files = [f for f in records(folder, hearing_id) if (started(f) or before) < before]
            await register(self.ns.settings, *self.ns.store(), files)
        except Exception:
            log.exception("records of hearing %s not registered", hearing_id)

    async def _reconnect(self, sid: str) -> None:
        relayed = self.relayed.pop(sid, None)
        lang = relayed.lang if relayed else self.ns.settings.default_language
        error = {
            "code": "signal_heartbeat_lost",
            "message": translate("error.signal_heartbeat_lost", lang),
            "event": "heartbeat",
        }
        with contextlib.suppress(Exception):
            await self.ns.emit("error", error, to=sid)
            await self.ns.disconnect(sid)

    # --- the process holding the socket --------------------------------------------------------

    async def connect(self, sid: str, entry: Entry) -> bool:
        """Relay the socket to the hearing's owner: True once the owner let it in; False if
        this process owns the hearing (the socket joins here)."""
        deadline = time.monotonic() + CONNECT_SECONDS
        while True:
            owner = await self.owner(entry.hearing_id)
            if owner == self.cluster.token:
                return False
            body = {"op": "connect", "sid": sid, "entry": dataclasses.asdict(entry)}
            try:
                reply = await self.cluster.request(owner, body)
            except OwnerUnreachable:
                reply = None
            if reply is not None and reply.get("ok"):
                self.relayed[sid] = Relayed(entry.hearing_id, owner, entry.lang)
                self.ns.spawn(self._ready(sid, owner))
                return True
            error = (reply or {}).get("error") or {}
            if reply is not None and error.get("code") != "not_owner":
                raise OdrError(str(error.get("code", "internal")), **error.get("params", {}))
            if time.monotonic() > deadline:
                raise OdrError("internal", status=503)
            await asyncio.sleep(0.2)

    async def _ready(self, sid: str, owner: str) -> None:
        """Once the socket is connected here, the owner sends it its first ``state``."""
        for _ in range(200):
            if self.ns.server.manager.is_connected(sid, self.ns.namespace):
                break
            await asyncio.sleep(0.005)
        await self.cluster.notify(owner, {"op": "ready", "sid": sid})

    async def event(self, sid: str, event: Any, payload: tuple[Any, ...]) -> dict[str, Any]:
        """Relay one event; its acknowledgement is the owner's answer."""
        relayed = self.relayed[sid]
        name = event[:64] if isinstance(event, str) else "?"
        try:
            body = json.loads(
                json.dumps({"op": "event", "sid": sid, "event": name, "args": payload})
            )
        except (TypeError, ValueError):
            invalid = InvalidInput("signal_invalid_payload", field="payload", field_name="payload")
            return await self.ns.refuse(sid, relayed.lang, name, invalid)
        try:
            reply: dict[str, Any] = await self.cluster.request(relayed.owner, body)
            return reply
        except (OwnerUnreachable, RedisError, OSError):
            pass
        # No answer: if the hearing has another (or no) owner now, it has moved.
        with contextlib.suppress(RedisError, OSError):
            if await self.owner(relayed.hearing_id) != relayed.owner:
                await self._reconnect(sid)
        return {"ok": False, "error": {"code": "signal_not_joined", "event": name}}

    async def disconnect(self, sid: str) -> bool:
        """The socket closed; True if it was relayed (the owner is told)."""
        relayed = self.relayed.pop(sid, None)
        if relayed is None:
            return False
        await self.cluster.notify(relayed.owner, {"op": "disconnect", "sid": sid})
        return True

    # --- the owner -----------------------------------------------------------------------------

    async def handle(self, body: dict[str, Any]) -> Any:
        """A request from another process about one of its sockets."""
        op, sid = body.get("op"), str(body.get("sid"))
        if op == "connect":
            entry = Entry(**body["entry"])
            if entry.hearing_id not in self.cluster.owned:
                return {"ok": False, "error": {"code": "not_owner"}}
            try:
                await self.ns.join(sid, entry, relayed=True)
            except OdrError as exc:
                return {"ok": False, "error": {"code": exc.code, "params": exc.params}}
            return {"ok": True}
        if op == "event":
            return await self.ns.dispatch(sid, body.get("event"), tuple(body.get("args", ())))
        if op == "disconnect":
            await self.ns.leave(sid)
        elif op == "ready":
            conn = self.ns.connections.get(sid)
            live = self.ns.hearings.get(conn.hearing_id) if conn else None
            if live is not None:
                await self.ns.publish(live)
        return None

    async def save(self, live: LiveHearing) -> None:
        try:
            await self.rooms.save(live)
        except (RedisError, OSError):
            log.exception("hearing %s: room snapshot not saved", live.hearing_id)

    async def load(self, hearing_id: int) -> dict[str, Any] | None:
        return await self.rooms.load(hearing_id)

    async def ended(self, hearing_id: int) -> None:
        """The hearing is closed and everyone has left: no lease, no snapshot."""
        with contextlib.suppress(RedisError, OSError):
            await self.cluster.release(hearing_id)
            await self.rooms.delete(hearing_id)

    async def lost(self, hearing_id: int) -> None:
        """Another process took the hearing (this one stalled): its sockets here come again."""
        await self.ns.abandon(hearing_id)

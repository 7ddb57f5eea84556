"""What each ``/hearing`` event does, once :mod:`signaling.namespace` has checked it.

Host actions are tried on a copy of the room first (the room model refuses what is not
allowed), then written to the database (state, audit entry), then applied, under the
hearing's lock; every change ends with :meth:`HearingNamespace.publish`, which enforces the
new routing in the media hub and sends everyone its ``state``.
"""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from odr.domain.hearing import HearingState, Quality, Room
from odr.errors import InvalidInput, OdrError, storage_error
from odr.i18n import translate
from odr.services import audit, hearing_record, sessions
from signaling import messages as m
from signaling.live import Connection, LiveHearing
from signaling.media import RecordingResult, named
from signaling.namespace import HearingNamespace
from signaling.record_files import record_path, relative

log = logging.getLogger(__name__)
T = TypeVar("T")
# How often a socket's heartbeats mark its web session as in use (sessions.TOUCH_EVERY).
SESSION_TOUCH_SECONDS = sessions.TOUCH_EVERY.total_seconds()

STATE_EVENTS = {
    "start": HearingState.IN_SESSION,
    "pause": HearingState.PAUSED,
    "resume": HearingState.IN_SESSION,
    "close": HearingState.CLOSED,
}


class Actions:
    """The event handlers of one namespace."""

    def __init__(self, ns: HearingNamespace) -> None:
        self.ns = ns
        ns.on("offer", m.Offer, self.offer)
        ns.on("heartbeat", m.Empty, self.heartbeat)
        ns.on("quality", m.QualityIn, self.quality)
        ns.on("chat", m.Chat, self.chat)
        ns.on("hand", m.Hand, self.hand)
        ns.on("audio_only", m.Switch, self.audio_only)
        ns.on("admit", m.Target, self.admit)
        ns.on("remove", m.Target, self.remove)
        ns.on("mute", m.Target, self.mute)
        ns.on("unmute", m.Target, self.unmute)
        ns.on("video_off", m.Target, self.video_off)
        ns.on("video_on", m.Target, self.video_on)
        ns.on("hand_over", m.Target, self.hand_over)
        ns.on("private_open", m.PrivateOpen, self.private_open)
        ns.on("private_close", m.PrivateClose, self.private_close)
        for name, target in STATE_EVENTS.items():
            ns.on(name, m.Empty, self._state_handler(target))
        ns.on("record", m.Switch, self.record)
        ns.on("video_profile", m.VideoProfileIn, self.video_profile)

    def live(self, conn: Connection) -> LiveHearing:
        live = self.ns.hearings.get(conn.hearing_id)
        if live is None or live.sids.get(conn.participant_id) != conn.sid:
            raise OdrError("signal_not_joined", status=409)
        return live

    # --- everyone --------------------------------------------------------------------------

    async def offer(self, conn: Connection, msg: m.Offer) -> dict[str, Any]:
        live = self.live(conn)
        try:
            sdp, kind = await self.ns.hub.connect(
                conn.hearing_id, conn.participant_id, msg.sdp, msg.type
            )
        except OdrError:
            raise
        except Exception:
            log.warning("hearing %s: offer of %s failed", conn.hearing_id, conn.participant_id)
            raise InvalidInput("signal_media_failed", field="sdp") from None
        self.ns.apply_routing(live)
        return {"sdp": sdp, "type": kind}

    async def heartbeat(self, conn: Connection, msg: m.Empty) -> dict[str, Any]:
        self.live(conn).beat(conn.participant_id)
        now = time.monotonic()
        if conn.session_id and now - conn.session_touched >= SESSION_TOUCH_SECONDS:
            # A hearing is use of the session: without this a mediator who only talks for
            # longer than the idle timeout could not come back after a dropped link.
            conn.session_touched = now
            db, _ = self.ns.store()
            await db.write(sessions.touch, conn.session_id)
        return {"t": int(time.time() * 1000)}

    async def quality(self, conn: Connection, msg: m.QualityIn) -> None:
        live = self.live(conn)
        live.room.report_quality(
            conn.participant_id, Quality(msg.loss, msg.rtt_ms, msg.bitrate_kbps)
        )
        await self.ns.publish(live, hosts_only=True)

    async def chat(self, conn: Connection, msg: m.Chat) -> dict[str, Any]:
        live = self.live(conn)
        member = live.room.member(conn.participant_id)
        recipients = live.room.chat_recipients(conn.participant_id)
        db, key = self.ns.store()
        saved = await db.write(
            hearing_record.add_message,
            key,
            conn.hearing_id,
            conn.participant_id,
            member.room,
            msg.text,
        )
        line = {
            "id": saved.id,
            "participant_id": member.id,
            "name": member.name,
            "room": saved.room,
            "text": saved.text,
            "at": saved.created_at.isoformat(),
        }
        for pid in recipients:
            sid = live.sids.get(pid)
            if sid is not None:
                await self.ns.emit("chat", line, to=sid)
        return {"id": saved.id}

    async def hand(self, conn: Connection, msg: m.Hand) -> None:
        live = self.live(conn)
        live.room.raise_hand(conn.participant_id, msg.up)
        await self.ns.publish(live)

    async def audio_only(self, conn: Connection, msg: m.Switch) -> None:
        live = self.live(conn)
        live.room.set_audio_only(conn.participant_id, msg.on)
        try:
            self.ns.hub.set_audio_only(conn.hearing_id, conn.participant_id, msg.on)
        except Exception:
            log.exception("hearing %s: audio-only refused by the hub", conn.hearing_id)
        await self.ns.publish(live)

    # --- the chair -------------------------------------------------------------------------

    async def _host(
        self,
        conn: Connection,
        change: Callable[[Room], T],
        persist: Callable[[T], Callable[[Any], Any] | None] | None = None,
    ) -> T:
        live = self.live(conn)
        async with live.lock:
            result = change(copy.deepcopy(live.room))  # refused here if not allowed
            write = persist(result) if persist else None
            if write is not None:
                db, _ = self.ns.store()
                await db.write(write)
            change(live.room)
        await self.ns.publish(live)
        return result

    def _audited(self, conn: Connection, kind: str, **payload: Any) -> Callable[[Any], Any]:
        live = self.live(conn)
        _, key = self.ns.store()

        def write(session: Any) -> None:
            audit.append(
                session,
                key,
                kind,
                conn.actor_ref,
                live.case_id,
                hearing_id=conn.hearing_id,
                **payload,
            )

        return write

    async def admit(self, conn: Connection, msg: m.Target) -> None:
        pid, target = conn.participant_id, msg.participant_id
        await self._host(
            conn,
            lambda room: room.admit(pid, target),
            lambda _: self._audited(conn, "hearing.admitted", participant_id=target),
        )

    async def remove(self, conn: Connection, msg: m.Target) -> None:
        pid, target = conn.participant_id, msg.participant_id
        live = self.live(conn)
        await self._host(
            conn,
            lambda room: room.remove(pid, target),
            lambda _: self._audited(conn, "hearing.removed", participant_id=target),
        )
        sid = live.sids.pop(target, None)
        live.beats.pop(target, None)
        try:
            await self.ns.hub.disconnect(conn.hearing_id, target)
        except Exception:
            log.exception("hearing %s: hub disconnect failed", conn.hearing_id)
        if sid is not None:
            removed = self.ns.connections.pop(sid, None)
            lang = removed.lang if removed else conn.lang
            message = {"code": "signal_removed", "message": translate("error.signal_removed", lang)}
            await self.ns.emit("removed", message, to=sid)
            await self.ns.disconnect(sid)
        await self.ns.publish(live)

    async def _set_flag(self, conn: Connection, target: int, field: str, on: bool) -> None:
        pid = conn.participant_id
        if field == "muted":
            kind = "hearing.muted" if on else "hearing.unmuted"
            change = lambda room: room.set_muted(pid, target, on)  # noqa: E731
        else:
            kind = "hearing.video_off" if on else "hearing.video_on"
            change = lambda room: room.set_video_off(pid, target, on)  # noqa: E731
        await self._host(conn, change, lambda _: self._audited(conn, kind, participant_id=target))

    async def mute(self, conn: Connection, msg: m.Target) -> None:
        await self._set_flag(conn, msg.participant_id, "muted", True)

    async def unmute(self, conn: Connection, msg: m.Target) -> None:
        await self._set_flag(conn, msg.participant_id, "muted", False)

    async def video_off(self, conn: Connection, msg: m.Target) -> None:
        await self._set_flag(conn, msg.participant_id, "video_off", True)

    async def video_on(self, conn: Connection, msg: m.Target) -> None:
        await self._set_flag(conn, msg.participant_id, "video_off", False)

    async def hand_over(self, conn: Connection, msg: m.Target) -> None:
        pid, target = conn.participant_id, msg.participant_id
        await self._host(
            conn,
            lambda room: room.hand_over(pid, target),
            lambda _: self._audited(conn, "hearing.chair", participant_id=target),
        )

    async def private_open(self, conn: Connection, msg: m.PrivateOpen) -> dict[str, Any]:
        pid, ids = conn.participant_id, frozenset(msg.participant_ids)
        name = await self._host(
            conn,
            lambda room: room.open_private(pid, ids),
            lambda room_name: self._audited(
                conn, "hearing.caucus_opened", room=room_name, participant_ids=sorted(ids)
            ),
        )
        return {"room": name}

    async def private_close(self, conn: Connection, msg: m.PrivateClose) -> None:
        pid = conn.participant_id
        await self._host(
            conn,
            lambda room: room.close_private(pid, msg.room),
            lambda moved: self._audited(
                conn, "hearing.caucus_closed", room=msg.room, participant_ids=sorted(moved)
            ),
        )

    def _state_handler(self, target: HearingState) -> Any:
        async def handle(conn: Connection, msg: m.Empty) -> None:
            await self.transition(conn, target)

        return handle

    async def transition(self, conn: Connection, target: HearingState) -> None:
        live = self.live(conn)
        pid = conn.participant_id
        _, key = self.ns.store()
        if target is HearingState.CLOSED and live.room.recording:
            copy.deepcopy(live.room).transition(pid, target)  # only the chair may close
            await self._stop_recording(conn, live)
        await self._host(
            conn,
            lambda room: room.transition(pid, target),
            lambda _: (
                lambda session: hearing_record.set_state(
                    session, key, conn.hearing_id, target.value, conn.actor_ref
                )
            ),
        )
        if target is HearingState.CLOSED:
            try:
                await self.ns.hub.close_hearing(conn.hearing_id)
            except Exception:
                log.exception("hearing %s: closing the hub's side failed", conn.hearing_id)

    async def record(self, conn: Connection, msg: m.Switch) -> dict[str, Any]:
        live = self.live(conn)
        pid = conn.participant_id
        copy.deepcopy(live.room).set_recording(pid, msg.on)  # refused here if not allowed
        if not msg.on:
            result = await self._stop_recording(conn, live)
            return {"sha256": result.sha256 if result else None}
        async with live.lock:
            folder = self.ns.settings.recordings_dir
            path = record_path(folder, conn.hearing_id, datetime.now(UTC))  # to the microsecond
            video = self.ns.settings.record_video
            self.ns.apply_routing(live)
            try:
                await self.ns.hub.start_recording(conn.hearing_id, path, video=video)
            except OSError as exc:  # a full disk, a read-only recordings folder
                raise storage_error(exc) from None
            except Exception:
                log.exception("hearing %s: recording did not start", conn.hearing_id)
                raise OdrError("signal_recording_failed", status=500) from None
            live.room.set_recording(pid, True)
            live.recording_path = path
        await self._broadcast(live, "recording", {"on": True})
        await self.ns.publish(live)
        return {}

    async def _stop_recording(self, conn: Connection, live: LiveHearing) -> RecordingResult | None:
        async with live.lock:
            if not live.room.recording:
                return None
            live.room.recording = False
            live.recording_path = None
            try:
                result = await self.ns.hub.stop_recording(conn.hearing_id)
            except Exception:
                log.exception("hearing %s: recording did not stop cleanly", conn.hearing_id)
                raise OdrError("signal_recording_failed", status=500) from None
            db, key = self.ns.store()
            await db.write(
                hearing_record.add_recording,
                key,
                conn.hearing_id,
                relative(result.path, self.ns.settings.data_dir),
                result.media_type,
                result.sha256,
                result.size,
                result.started_at,
                result.ended_at,
            )
        await self._broadcast(live, "recording", {"on": False, "sha256": result.sha256})
        await self.ns.publish(live)
        return result

    async def video_profile(self, conn: Connection, msg: m.VideoProfileIn) -> None:
        live = self.live(conn)
        live.room.require_chair(conn.participant_id)
        self.ns.hub.set_profile(conn.hearing_id, named(msg.name, self.ns.hub.default_profile))
        live.profile = msg.name
        await self.ns.publish(live)

    async def _broadcast(self, live: LiveHearing, event: str, data: dict[str, Any]) -> None:
        for sid in list(live.sids.values()):
            await self.ns.emit(event, data, to=sid)

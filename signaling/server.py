"""Attaching the hearing signaling to an aiohttp application.

``attach(app, settings, store)`` builds the socket.io server (``/socket.io/``, namespace
``/hearing``, WebSocket and long-polling) and the media hub, starts the heartbeat watchdog
with the app and closes everything when the app shuts down. ``store`` returns the database
and the audit key, which the app opens at start-up. With ``ODR_REDIS_URL`` socket.io's emits
go through Redis and each hearing is run by one owner process (docs/scale-out.md).
"""

from __future__ import annotations

import socketio
from aiohttp import web

from odr.settings import Settings
from signaling.actions import Actions
from signaling.cluster import Cluster
from signaling.ice import ice_servers, rtc_ice_servers
from signaling.media import MediaHub, VideoProfile
from signaling.media.janus.events import JanusEvents
from signaling.media.janus.hub import JanusHub
from signaling.namespace import HearingNamespace, StoreGetter
from signaling.record_files import recover
from signaling.relay import Relay

# A frame over 1 MiB closes its socket at the engine.io level; messages over 64 KiB
# (signaling.messages.MAX_MESSAGE_BYTES) are refused with an error event before that.
MAX_FRAME_BYTES = 1024 * 1024


def build(settings: Settings, store: StoreGetter) -> tuple[socketio.AsyncServer, HearingNamespace]:
    cluster = Cluster(settings.redis_url) if settings.redis_url else None
    manager = None
    if cluster is not None:
        manager = socketio.AsyncRedisManager(settings.redis_url, channel=cluster.socketio_channel)
    server = socketio.AsyncServer(
        async_mode="aiohttp",
        client_manager=manager,
        # Each socket's messages are handled one after the other, in the order sent: a flood
        # waits on its own socket (TCP pushes back) instead of piling up tasks.
        async_handlers=False,
        cors_allowed_origins=[],  # no CORS headers; the Origin is checked on connect
        max_http_buffer_size=MAX_FRAME_BYTES,
        ping_interval=max(5, settings.heartbeat_seconds),
        ping_timeout=max(5, 2 * settings.heartbeat_seconds),
        logger=False,
        engineio_logger=False,
    )
    # The hub's own ICE servers: STUN only (the server is reachable; TURN credentials are
    # per participant and expire).
    stun = [s for s in ice_servers(settings, "hub", 0) if "credential" not in s]
    profile = VideoProfile(settings.video_width, settings.video_height, settings.video_fps)
    namespace: HearingNamespace | None = None

    async def on_slots(hearing_id: int, participant_id: int, slots: dict[str, int | None]) -> None:
        if namespace is not None:
            await namespace.push_slots(hearing_id, participant_id, slots)

    hub: MediaHub | JanusHub
    if settings.media_backend == "janus":
        hub = JanusHub(
            settings.janus_url,
            api_secret=settings.janus_api_secret or None,
            admin_key=settings.janus_admin_key or None,
            profile=profile,
            on_slots=on_slots,
            owner=settings.base_url,
        )
    else:
        hub = MediaHub(ice_servers=rtc_ice_servers(stun), profile=profile, on_slots=on_slots)
    namespace = HearingNamespace(settings, store, hub)
    if cluster is not None:
        namespace.relay = Relay(namespace, cluster)
    Actions(namespace)
    if isinstance(hub, JanusHub):
        JanusEvents(namespace, hub)
    server.register_namespace(namespace)
    return server, namespace


def attach(app: web.Application, settings: Settings, store: StoreGetter) -> HearingNamespace:
    server, namespace = build(settings, store)
    server.attach(app)

    async def start(_: web.Application) -> None:
        relay = namespace.relay
        if relay is not None:
            await relay.start()
        # Records a dead process left unregistered; not those of hearings a live one owns.
        busy = relay.busy if relay is not None else None
        await namespace.hub.sweep(settings.recordings_dir, busy)
        await recover(settings, *store(), busy)
        namespace.start_watchdog()

    async def stop(_: web.Application) -> None:
        await namespace.close()
        # Close the clients' transports too: an open websocket would hold the shutdown until
        # its ping timeout, and the client would not look for another server meanwhile.
        # engine.io only sends a CLOSE packet, which browsers ignore; a None in a socket's
        # queue ends its writer, which closes the websocket.
        sockets = list(server.eio.sockets.values())
        if sockets:
            await server.eio.disconnect()
        for socket in sockets:
            socket.queue.put_nowait(None)
        await server.shutdown()

    app.on_startup.append(start)
    app.on_shutdown.append(stop)
    return namespace

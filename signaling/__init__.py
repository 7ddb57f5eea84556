"""Hearing signaling: the ``/hearing`` socket.io namespace, its media hub, and the probe client.

The web app calls :func:`attach`; see docs/protocol.md for the protocol.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiohttp import web

    from odr.settings import Settings
    from signaling.namespace import HearingNamespace, StoreGetter


def attach(app: web.Application, settings: Settings, store: StoreGetter) -> HearingNamespace:
    """Serve ``/socket.io/`` (namespace ``/hearing``) from ``app``; ``store()`` returns the
    database and the audit key once the app has opened them."""
    from signaling.server import attach as attach_server

    return attach_server(app, settings, store)

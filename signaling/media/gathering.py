"""Setting a local description and closing a peer connection without leaking sockets.

aiortc gathers ICE candidates inside ``setLocalDescription``; aioice hands the UDP sockets it
opens to its connection only once gathering ends. A ``pc.close()`` in between (a participant
leaving while the server answers, a probe closed while it offers) empties the connection first,
so the sockets opened by then stay open, unclosed, until the garbage collector finds them: in
a long-running server, a file descriptor leak. ``set_local`` lets the gathering finish even
when its caller is cancelled; ``close`` waits for it before closing the connection, and
finishes the closing even when its own caller is cancelled.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref

from aiortc import RTCPeerConnection, RTCSessionDescription

_gathering: weakref.WeakKeyDictionary[RTCPeerConnection, asyncio.Future[None]] = (
    weakref.WeakKeyDictionary()
)


def _retrieve(task: asyncio.Future[None]) -> None:
    if not task.cancelled():
        task.exception()  # seen by whoever awaited it; not "never retrieved" when nobody did


async def set_local(pc: RTCPeerConnection, description: RTCSessionDescription) -> None:
    """``pc.setLocalDescription(description)``, its gathering finished even if cancelled."""
    task = asyncio.ensure_future(pc.setLocalDescription(description))
    task.add_done_callback(_retrieve)
    _gathering[pc] = task
    await asyncio.shield(task)


async def close(pc: RTCPeerConnection) -> None:
    """Close `pc` once a gathering under way has ended, so its sockets are closed too. The
    closing goes on to its end even if the caller is cancelled (aiortc would otherwise keep a
    cancelled close, and every later ``close`` of that connection would raise it)."""
    task = _gathering.pop(pc, None)
    if task is not None:
        with contextlib.suppress(BaseException):
            await asyncio.wait([task])
    closing = asyncio.ensure_future(pc.close())
    closing.add_done_callback(_retrieve)
    await asyncio.shield(closing)

"""A small asyncio client for Janus's HTTP API (the "Janus API" over the REST transport).

One `JanusSession` is one Janus session: `create` it against the API root (for example
``http://127.0.0.1:8088/janus``), `attach` plugin handles, send them requests, `destroy` it.
The session long-polls ``GET /janus/<session>`` for events in a background task and sends a
keepalive before Janus's session timeout (60 s by default) would drop it.

A handle's requests come in two kinds (as each plugin documents them):

- synchronous (`JanusHandle.request`: create, destroy, mute, listparticipants ...): the plugin's
  answer is in the HTTP response;
- asynchronous (`JanusHandle.message`: join, publish, configure, start, changeroom ...): the HTTP
  response is an ``ack``, the answer comes later as an event with the same transaction id, with
  a JSEP (SDP offer or answer) when media is negotiated.

Events without a pending transaction (``webrtcup``, ``media``, ``hangup``, ``slowlink``, plugin
notifications such as another publisher joining) go to the handle's `events` queue.
Errors: `JanusError` for the Janus core's (unknown session, bad secret ...),
`JanusPluginError` for a plugin's (``error_code`` in its data), both with Janus's code.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import Mapping
from typing import Any, TypedDict

import aiohttp

Json = dict[str, Any]
LONG_POLL_EVENTS = 10  # maxev: events Janus may hand over in one long-poll answer
NO_SUCH_SESSION = 458  # JANUS_ERROR_SESSION_NOT_FOUND


class Jsep(TypedDict):
    """An SDP offer or answer as Janus carries it."""

    type: str
    sdp: str


class JanusError(Exception):
    """An error answered by the Janus core."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"janus error {code}: {reason}")
        self.code = code
        self.reason = reason


class JanusPluginError(JanusError):
    """An error answered by a plugin (its ``error_code`` and ``error``)."""


def transaction_id() -> str:
    return secrets.token_urlsafe(12)


def _plugin_data(answer: Json) -> Json:
    """The plugin's data of an answer or event; a JanusPluginError if it reports an error."""
    data: Json = answer.get("plugindata", {}).get("data", {})
    if "error_code" in data:
        raise JanusPluginError(int(data["error_code"]), str(data.get("error", "")))
    return data


def _jsep(answer: Json) -> Jsep | None:
    jsep = answer.get("jsep")
    if not isinstance(jsep, dict):
        return None
    return Jsep(type=str(jsep["type"]), sdp=str(jsep["sdp"]))


class JanusHandle:
    """One plugin handle of a session."""

    def __init__(self, session: JanusSession, handle_id: int, plugin: str) -> None:
        self.session = session
        self.id = handle_id
        self.plugin = plugin
        self.events: asyncio.Queue[Json] = asyncio.Queue()

    async def request(self, body: Mapping[str, Any]) -> Json:
        """A synchronous plugin request: the plugin's data from the HTTP answer."""
        answer = await self.session.post(
            {"janus": "message", "body": dict(body)}, handle_id=self.id
        )
        if answer.get("janus") != "success":
            raise JanusError(0, f"unexpected answer {answer.get('janus')!r}")
        return _plugin_data(answer)

    async def message(
        self, body: Mapping[str, Any], jsep: Jsep | None = None, within: float = 20.0
    ) -> tuple[Json, Jsep | None]:
        """An asynchronous plugin request: the data and JSEP of the event that answers it.
        A `jsep` is sent as complete (its candidates in the SDP, no trickle to come)."""
        message: Json = {"janus": "message", "body": dict(body)}
        if jsep is not None:
            message["jsep"] = {**jsep, "trickle": False}
        event = await self.session.post_awaiting_event(message, self.id, within)
        return _plugin_data(event), _jsep(event)

    async def trickle_completed(self) -> None:
        """Tell Janus that no more candidates will come (they were all in the SDP)."""
        await self.session.post(
            {"janus": "trickle", "candidate": {"completed": True}}, handle_id=self.id
        )

    async def hangup(self) -> None:
        await self.session.post({"janus": "hangup"}, handle_id=self.id)

    async def detach(self) -> None:
        await self.session.post({"janus": "detach"}, handle_id=self.id)
        self.session.forget(self.id)

    async def next_event(self, kind: str | None = None, within: float = 20.0) -> Json:
        """The next unsolicited event (of Janus type `kind`, e.g. ``webrtcup``, if given)."""
        async with asyncio.timeout(within):
            while True:
                event = await self.events.get()
                if kind is None or event.get("janus") == kind:
                    return event


class JanusSession:
    """One Janus session over HTTP, with its long-poll and keepalive tasks."""

    def __init__(
        self,
        http: aiohttp.ClientSession,
        root_url: str,
        session_id: int,
        *,
        api_secret: str | None = None,
        keepalive_seconds: float = 25.0,
    ) -> None:
        self.http = http
        self.root_url = root_url.rstrip("/")
        self.id = session_id
        self.api_secret = api_secret
        self.url = f"{self.root_url}/{session_id}"
        self._handles: dict[int, JanusHandle] = {}
        self._pending: dict[str, asyncio.Future[Json]] = {}
        self._closed = False
        self._keepalive_seconds = keepalive_seconds
        self._tasks = [
            asyncio.ensure_future(self._poll()),
            asyncio.ensure_future(self._keepalive()),
        ]

    @classmethod
    async def create(
        cls,
        http: aiohttp.ClientSession,
        root_url: str,
        *,
        api_secret: str | None = None,
        keepalive_seconds: float = 25.0,
    ) -> JanusSession:
        answer = await _post(http, root_url.rstrip("/"), {"janus": "create"}, api_secret)
        session_id = int(answer["data"]["id"])
        return cls(
            http,
            root_url,
            session_id,
            api_secret=api_secret,
            keepalive_seconds=keepalive_seconds,
        )

    async def attach(self, plugin: str) -> JanusHandle:
        answer = await self.post({"janus": "attach", "plugin": plugin})
        handle = JanusHandle(self, int(answer["data"]["id"]), plugin)
        self._handles[handle.id] = handle
        return handle

    def forget(self, handle_id: int) -> None:
        self._handles.pop(handle_id, None)

    async def post(self, message: Json, handle_id: int | None = None) -> Json:
        url = self.url if handle_id is None else f"{self.url}/{handle_id}"
        return await _post(self.http, url, message, self.api_secret)

    async def post_awaiting_event(self, message: Json, handle_id: int, within: float) -> Json:
        """Post `message` to a handle and wait for the event answering its transaction."""
        transaction = transaction_id()
        waiter: asyncio.Future[Json] = asyncio.get_running_loop().create_future()
        self._pending[transaction] = waiter
        try:
            answer = await self.post({**message, "transaction": transaction}, handle_id)
            if answer.get("janus") != "ack":  # some plugins answer at once
                return answer
            async with asyncio.timeout(within):
                return await waiter
        finally:
            self._pending.pop(transaction, None)

    async def destroy(self) -> None:
        """Stop polling and destroy the session in Janus (its handles go with it)."""
        if self._closed:
            return
        self._closed = True
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        with contextlib.suppress(JanusError, aiohttp.ClientError):
            await self.post({"janus": "destroy"})
        self._fail_pending(JanusError(NO_SUCH_SESSION, "session destroyed"))

    def _fail_pending(self, error: JanusError) -> None:
        for waiter in self._pending.values():
            if not waiter.done():
                waiter.set_exception(error)

    def _dispatch(self, event: Json) -> None:
        waiter = self._pending.get(str(event.get("transaction", "")))
        if waiter is not None and not waiter.done():
            waiter.set_result(event)
            return
        handle = self._handles.get(int(event.get("sender", 0)))
        if handle is not None:
            handle.events.put_nowait(event)

    async def _poll(self) -> None:
        params: dict[str, str | int] = {"maxev": LONG_POLL_EVENTS}
        if self.api_secret is not None:
            params["apisecret"] = self.api_secret
        while not self._closed:
            params["rid"] = int(time.time() * 1000)
            try:
                async with self.http.get(self.url, params=params) as response:
                    answer: Json | list[Json] = await response.json(content_type=None)
            except (aiohttp.ClientError, ValueError):
                await asyncio.sleep(0.5)
                continue
            for event in answer if isinstance(answer, list) else [answer]:
                if event.get("janus") == "error":
                    error = event.get("error", {})
                    self._fail_pending(JanusError(int(error.get("code", 0)), error.get("reason")))
                    if int(error.get("code", 0)) == NO_SUCH_SESSION:
                        return
                elif event.get("janus") != "keepalive":
                    self._dispatch(event)

    async def _keepalive(self) -> None:
        while not self._closed:
            await asyncio.sleep(self._keepalive_seconds)
            with contextlib.suppress(JanusError, aiohttp.ClientError):
                await self.post({"janus": "keepalive"})


async def _post(
    http: aiohttp.ClientSession, url: str, message: Json, api_secret: str | None
) -> Json:
    body = {"transaction": transaction_id(), **message}
    if api_secret is not None:
        body["apisecret"] = api_secret
    async with http.post(url, json=body) as response:
        answer: Json = await response.json(content_type=None)
    if answer.get("janus") == "error":
        error = answer.get("error", {})
        raise JanusError(int(error.get("code", 0)), str(error.get("reason", "")))
    return answer

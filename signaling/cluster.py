"""Several ``odr serve`` processes on one Redis: who owns each live hearing, and their inboxes.

Each live hearing has ONE owner process at a time, the one holding its lease
``odr:<db>:lease:<hearing id>`` (``SET NX PX``, value: the process's random token, renewed
every third of ``LEASE_MS``). The owner runs the hearing's room and its media hub. Every
process listens on its own inbox channel ``odr:<db>:inbox:<token>``: a request carries a
correlation id and the sender's token, and the answer comes back on the sender's inbox.
Messages are at-most-once (Redis pub/sub), so every request has a time limit.

An owner that dies stops listening at once (its Redis connection closes with the process):
``alive`` sees that (``PUBSUB NUMSUB``) and ``clear`` removes such a dead owner's lease, so the
next process that needs the hearing takes it over without waiting for the lease to lapse. An
owner whose lease another process took (it stalled longer than ``LEASE_MS``) learns it at its
next renewal and gives the hearing up (``on_lost``). Without ``ODR_REDIS_URL`` none of this
runs: one process holds every hearing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from signaling.tasks import Tasks

log = logging.getLogger(__name__)

LEASE_MS = 4000
REQUEST_SECONDS = 5.0
# Compare-and-act on a lease: only its holder renews or releases it; only a dead holder's
# lease is cleared by another process.
RENEW = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then "
    "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"
)
DELETE_IF = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) "
    "else return 0 end"
)

RequestHandler = Callable[[dict[str, Any]], Awaitable[Any]]
LostHandler = Callable[[int], Awaitable[None]]


class OwnerUnreachable(Exception):
    """A request got no answer in time (or nobody listens on that inbox)."""


class Cluster:
    def __init__(self, url: str) -> None:
        self.redis: aioredis.Redis = aioredis.from_url(url, decode_responses=True)
        db = self.redis.connection_pool.connection_kwargs.get("db", 0)
        # Keys live in the URL's database; pub/sub channels are server-wide, so they carry it.
        self.prefix = f"odr:{db}:"
        self.token = secrets.token_hex(8)
        self.owned: set[int] = set()
        self.on_request: RequestHandler | None = None
        self.on_lost: LostHandler | None = None
        self._replies: dict[str, asyncio.Future[Any]] = {}
        self._tasks = Tasks("cluster")
        self._loops: list[asyncio.Task[None]] = []

    @property
    def socketio_channel(self) -> str:
        """The channel socket.io's AsyncRedisManager fans emits out on."""
        return self.prefix + "socketio"

    def inbox(self, token: str) -> str:
        return f"{self.prefix}inbox:{token}"

    def lease_key(self, hearing_id: int) -> str:
        return f"{self.prefix}lease:{hearing_id}"

    async def start(self) -> None:
        pubsub = self.redis.pubsub()
        await pubsub.subscribe(self.inbox(self.token))
        self._loops = [
            asyncio.ensure_future(self._listen(pubsub)),
            asyncio.ensure_future(self._renew()),
        ]

    async def close(self) -> None:
        """Give up every lease (another process takes the hearings over at once)."""
        for task in self._loops:
            task.cancel()
        for task in self._loops:
            with contextlib.suppress(BaseException):
                await task
        await self._tasks.cancel_all()
        for hearing_id in list(self.owned):
            with contextlib.suppress(RedisError, OSError):
                await self.release(hearing_id)
        await self.redis.aclose()

    # --- leases --------------------------------------------------------------------------------

    async def acquire(self, hearing_id: int) -> bool:
        """Take the hearing's lease if nobody holds it. True if this process holds it now."""
        if hearing_id in self.owned:
            return True
        taken = await self.redis.set(self.lease_key(hearing_id), self.token, nx=True, px=LEASE_MS)
        if taken:
            self.owned.add(hearing_id)
        return bool(taken)

    async def holder(self, hearing_id: int) -> str | None:
        value = await self.redis.get(self.lease_key(hearing_id))
        return value if isinstance(value, str) else None

    async def alive(self, token: str) -> bool:
        """Whether the process ``token`` still listens on its inbox."""
        counts = await self.redis.pubsub_numsub(self.inbox(token))
        return bool(counts and int(counts[0][1]) > 0)

    async def clear(self, hearing_id: int, dead: str) -> None:
        """Remove the lease of ``dead`` (a process that no longer listens), if it still has it."""
        await self._script(DELETE_IF, self.lease_key(hearing_id), dead)

    async def release(self, hearing_id: int) -> None:
        self.owned.discard(hearing_id)
        await self._script(DELETE_IF, self.lease_key(hearing_id), self.token)

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(LEASE_MS / 3000)
            for hearing_id in list(self.owned):
                try:
                    kept = await self._script(
                        RENEW, self.lease_key(hearing_id), self.token, str(LEASE_MS)
                    )
                except (RedisError, OSError):
                    log.warning("hearing %s: lease not renewed (Redis); retrying", hearing_id)
                    continue
                if not kept and hearing_id in self.owned:
                    log.warning("hearing %s: lease lost to another process", hearing_id)
                    self.owned.discard(hearing_id)
                    if self.on_lost is not None:
                        self._tasks.spawn(self.on_lost(hearing_id))

    async def _script(self, script: str, key: str, *args: str) -> int:
        result = await self.redis.eval(script, 1, key, *args)
        return int(result or 0)

    # --- inboxes -------------------------------------------------------------------------------

    async def request(self, token: str, body: dict[str, Any]) -> Any:
        """Send ``body`` to the process ``token`` and wait (REQUEST_SECONDS) for its answer."""
        rid = secrets.token_hex(8)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._replies[rid] = future
        try:
            message = json.dumps({"id": rid, "from": self.token, "body": body})
            if not await self.redis.publish(self.inbox(token), message):
                raise OwnerUnreachable(token)  # nobody listens there: the process is gone
            return await asyncio.wait_for(future, REQUEST_SECONDS)
        except TimeoutError:
            raise OwnerUnreachable(token) from None
        finally:
            self._replies.pop(rid, None)

    async def notify(self, token: str, body: dict[str, Any]) -> None:
        """Send ``body`` to the process ``token``; no answer is awaited."""
        with contextlib.suppress(RedisError, OSError):
            await self.redis.publish(self.inbox(token), json.dumps({"body": body}))

    async def _listen(self, pubsub: Any) -> None:
        while True:
            try:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            except (RedisError, OSError):
                log.warning("inbox: Redis connection lost; listening again")
                await asyncio.sleep(0.5)
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.subscribe(self.inbox(self.token))
                continue
            if message is None or message.get("type") != "message":
                continue
            try:
                data = json.loads(message["data"])
            except (TypeError, ValueError):
                continue
            if "reply" in data:
                future = self._replies.get(str(data.get("id")))
                if future is not None and not future.done():
                    future.set_result(data["reply"])
            elif isinstance(data.get("body"), dict):
                self._tasks.spawn(self._answer(data))

    async def _answer(self, data: dict[str, Any]) -> None:
        try:
            assert self.on_request is not None
            result = await self.on_request(data["body"])
        except Exception:
            log.exception("inbox: a request failed")
            result = {"ok": False, "error": {"code": "internal"}}
        rid, sender = data.get("id"), data.get("from")
        if isinstance(rid, str) and isinstance(sender, str):
            await self.notify_reply(sender, rid, result)

    async def notify_reply(self, token: str, rid: str, result: Any) -> None:
        with contextlib.suppress(RedisError, OSError):
            await self.redis.publish(self.inbox(token), json.dumps({"id": rid, "reply": result}))

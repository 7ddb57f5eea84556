"""Limits per client address and for the whole server, in sliding windows: on failed code
and password attempts, and on costly public requests (PDF verification).

Past a limit every further attempt is refused with the number of seconds until the oldest
counted event leaves its window.
"""

from __future__ import annotations

import logging
import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from odr.errors import TooManyAttempts

MAX_TRACKED_ADDRESSES = 100_000
log = logging.getLogger(__name__)


class FailureLimiter:
    def __init__(
        self,
        per_address: int,
        window_seconds: float,
        global_per_hour: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_address = per_address
        self.window = window_seconds
        self.global_limit = global_per_hour
        self.clock = clock
        self._by_address: OrderedDict[str, deque[float]] = OrderedDict()
        self._global: deque[float] = deque()

    def check(self, address: str) -> None:
        """Raise :class:`TooManyAttempts` when ``address`` or the server is over its limit."""
        now = self.clock()
        waits = [
            self._wait(self._global, self.global_limit, 3600.0, now),
            self._wait(self._by_address.get(address), self.per_address, self.window, now),
        ]
        wait = max(waits)
        if wait > 0:
            raise TooManyAttempts(retry_after=max(1, math.ceil(wait)))

    def fail(self, address: str) -> None:
        log.warning("failed code or password attempt from %s", address)
        self.count(address)

    def count(self, address: str) -> None:
        """Count one event of ``address`` against both limits."""
        now = self.clock()
        self._global.append(now)
        hits = self._by_address.pop(address, None) or deque()
        hits.append(now)
        self._by_address[address] = hits  # most recently failed last
        while len(self._by_address) > MAX_TRACKED_ADDRESSES:
            self._by_address.popitem(last=False)

    @staticmethod
    def _wait(hits: deque[float] | None, limit: int, window: float, now: float) -> float:
        if not hits:
            return 0.0
        while hits and hits[0] <= now - window:
            hits.popleft()
        if len(hits) < limit:
            return 0.0
        return hits[len(hits) - limit] + window - now

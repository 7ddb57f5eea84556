"""Failed code attempts: limited per address and for the whole server, in sliding windows."""

from __future__ import annotations

import pytest

from odr.errors import TooManyAttempts
from odr.services.ratelimit import FailureLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_address_is_stopped_at_its_limit_until_the_window_moves_on() -> None:
    clock = Clock()
    limiter = FailureLimiter(per_address=3, window_seconds=600, global_per_hour=1000, clock=clock)
    for _ in range(3):
        limiter.check("10.0.0.1")
        limiter.fail("10.0.0.1")
        clock.now += 10
    with pytest.raises(TooManyAttempts) as refused:
        limiter.check("10.0.0.1")
    # The first failure (at 1000) leaves the window at 1600; it is now 1030.
    assert refused.value.retry_after == 570
    limiter.check("10.0.0.2")  # others are not affected
    clock.now = 1600
    limiter.check("10.0.0.1")


def test_the_whole_server_is_stopped_at_the_global_limit() -> None:
    clock = Clock()
    limiter = FailureLimiter(per_address=100, window_seconds=600, global_per_hour=5, clock=clock)
    for n in range(5):
        limiter.fail(f"10.0.1.{n}")
    with pytest.raises(TooManyAttempts) as refused:
        limiter.check("10.9.9.9")
    assert refused.value.retry_after == 3600
    clock.now += 3600
    limiter.check("10.9.9.9")


def test_memory_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("odr.services.ratelimit.MAX_TRACKED_ADDRESSES", 100)
    limiter = FailureLimiter(per_address=1, window_seconds=600, global_per_hour=10**6)
    for n in range(1000):
        limiter.fail(f"addr-{n}")
    assert len(limiter._by_address) == 100
    with pytest.raises(TooManyAttempts):
        limiter.check("addr-999")  # the most recent are kept

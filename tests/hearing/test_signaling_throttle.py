"""The per-connection token bucket, on a fake clock."""

from __future__ import annotations

from signaling.throttle import TokenBucket


def test_burst_then_rate() -> None:
    now = [0.0]
    bucket = TokenBucket(rate=10, burst=40, clock=lambda: now[0])
    assert sum(bucket.take() for _ in range(100)) == 40
    now[0] += 0.5  # half a second refills five
    assert sum(bucket.take() for _ in range(100)) == 5
    now[0] += 100  # never more than the burst
    assert sum(bucket.take() for _ in range(100)) == 40

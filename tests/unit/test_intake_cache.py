"""The intake cache keeps answers for its TTL, and no more than it may hold."""

from __future__ import annotations

from odr.services.intake import Intake, IntakeCache


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def intake(n: int) -> Intake:
    return Intake(n, f"村{n}", "", "法院", ())


def test_answers_are_kept_for_the_ttl_only() -> None:
    clock = Clock()
    cache = IntakeCache(ttl=60, clock=clock)
    cache.put("AAAA0000", intake(1))
    clock.now = 59.9
    assert cache.get("AAAA0000") == intake(1)
    clock.now = 60.0
    assert cache.get("AAAA0000") is None
    assert cache.get("BBBB0000") is None


def test_the_oldest_entries_make_room() -> None:
    cache = IntakeCache(max_entries=2, clock=Clock())
    for n in range(3):
        cache.put(f"CODE000{n}", intake(n))
    assert cache.get("CODE0000") is None
    assert cache.get("CODE0001") == intake(1)
    assert cache.get("CODE0002") == intake(2)

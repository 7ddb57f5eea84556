"""From the hearing's routing to AudioBridge rooms (pure).

An AudioBridge room gives each member the mix of the room's unmuted members but itself, so the
routing (`odr.domain.hearing.routing`: whom each participant hears and sees) is carried out by
placing participants in rooms and muting some: the participants who hear or see each other form
one group (the hearing room, a private room), a member whom nobody of its group hears is muted
there (`muted`: unless it is one of the record's voices), and a participant who receives nothing and is received by nobody (the lobby, a hearing
paused or closed for it) is a group of its own. `groups` finds that placement and checks that the
rooms give exactly the routing's hear sets.

`assign` gives each group a room: the group holding the record's voices (`record_sources`) goes
into the recorded room (the hearing room's mix is the record), and no other group ever does;
every other group keeps the room most of its members are in already, or gets a new one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from odr.domain.hearing import Allowed

RECORDED = 0  # the room key of the hearing's recorded AudioBridge room


class PlacementError(Exception):
    """The routing cannot be carried out by rooms and mutes (a rule the rooms cannot express)."""


@dataclass(frozen=True)
class Group:
    members: frozenset[int]
    muted: frozenset[int]  # members nobody of the group hears


def groups(routing: Mapping[int, Allowed]) -> list[Group]:
    """The participants of `routing` in groups (sorted by their smallest id)."""
    parent = {pid: pid for pid in routing}

    def root(pid: int) -> int:
        while parent[pid] != pid:
            parent[pid] = parent[parent[pid]]
            pid = parent[pid]
        return pid

    for receiver, allowed in routing.items():
        for other in allowed.hear | allowed.see:
            if other in parent and other != receiver:
                parent[root(other)] = root(receiver)
    members: dict[int, set[int]] = {}
    for pid in routing:
        members.setdefault(root(pid), set()).add(pid)
    found = []
    for group in sorted(members.values(), key=min):
        heard = set().union(*(routing[pid].hear for pid in group))
        muted = frozenset(group - heard)
        for pid in group:
            if routing[pid].hear != group - muted - {pid}:
                raise PlacementError(f"{pid} hears {sorted(routing[pid].hear)} in {sorted(group)}")
        found.append(Group(frozenset(group), muted))
    return found


def muted(found: list[Group], record_sources: frozenset[int]) -> set[int]:
    """Who is muted in its room: whom nobody of its group hears, except the record's voices
    (a host alone in the hearing room is heard by nobody, but recorded)."""
    return set().union(*(g.muted for g in found)) - record_sources


def assign(
    found: list[Group],
    record_sources: frozenset[int],
    current: Mapping[int, int],
    new_room: Callable[[], int],
) -> dict[int, int]:
    """Participant id -> room key (`RECORDED` or a key from `current` or `new_room()`).
    `current`: the room key each participant is in now (those not placed yet are missing)."""
    placed: dict[int, int] = {}
    taken = {RECORDED}
    for group in found:
        if group.members & record_sources:
            if not record_sources <= group.members:
                raise PlacementError(f"the record's voices {sorted(record_sources)} are apart")
            placed.update(dict.fromkeys(group.members, RECORDED))
    for group in found:
        if group.members & record_sources:
            continue
        rooms = [current[pid] for pid in sorted(group.members) if pid in current]
        kept = [room for room in rooms if room not in taken]
        key = max(kept, key=kept.count) if kept else new_room()
        taken.add(key)
        placed.update(dict.fromkeys(group.members, key))
    return placed

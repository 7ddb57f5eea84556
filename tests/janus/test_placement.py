"""The Janus hub's placement (pure): for rooms reached by any sequence of host actions, the
AudioBridge rooms and mutes it picks give every participant exactly the routing's hear set,
only the record's voices are in the recorded room, and a private room never is."""

from __future__ import annotations

import contextlib
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from odr.domain.hearing import HearingState, Member, Room, is_private, record_sources, routing
from odr.errors import OdrError
from signaling.media.janus.placement import RECORDED, assign, groups, muted

HOST, OTHERS = 1, (2, 3, 4, 5, 6)
Action = tuple[str, int, int]
ACTIONS = (
    *("admit", "mute", "unmute", "video_off", "private", "close_private"),
    *("start", "pause", "resume", "drop", "join", "audio_only"),
)
STATES = {"start": HearingState.IN_SESSION, "pause": HearingState.PAUSED}
actions = st.lists(
    st.tuples(
        st.sampled_from(ACTIONS),
        st.sampled_from(OTHERS),
        st.sampled_from(OTHERS),
    ),
    max_size=25,
)  # fmt: skip


def play(steps: list[Action]) -> Room:
    room = Room(1)
    room.join(Member(HOST, "judge", "judge", is_host=True))
    for pid in OTHERS:
        room.join(Member(pid, f"p{pid}", "applicant"))
    for name, a, b in steps:
        with contextlib.suppress(OdrError):
            act(room, name, a, b)
    return room


def act(room: Room, name: str, a: int, b: int) -> None:
    if name == "admit":
        room.admit(HOST, a)
    elif name == "drop":
        room.drop(a)
    elif name == "join":
        room.join(Member(a, f"p{a}", "applicant"))
    elif name == "audio_only":
        room.set_audio_only(a, True)
    elif name in ("mute", "unmute"):
        room.set_muted(HOST, a, name == "mute")
    elif name == "video_off":
        room.set_video_off(HOST, a, True)
    elif name == "private":
        room.open_private(HOST, frozenset({a, b}))
    elif name == "close_private":
        for private in sorted(room.private_rooms()):
            room.close_private(HOST, private)
    else:
        room.transition(HOST, STATES.get(name, HearingState.IN_SESSION))


@settings(max_examples=300, deadline=None)
@given(actions, actions)
def test_rooms_and_mutes_give_exactly_the_routing(first: list[Action], then: list[Action]) -> None:
    keys = itertools.count(RECORDED + 1)
    current: dict[int, int] = {}
    for steps in (first, first + then):  # a second placement starts from the first one
        room = play(steps)
        wanted = routing(room)
        sources = record_sources(room)
        found = groups(wanted)
        placed = assign(found, sources, current, lambda: next(keys))
        silenced = muted(found, sources)
        for pid, allowed in wanted.items():
            mix = {o for o, key in placed.items() if key == placed[pid] and o not in silenced}
            assert mix - {pid} == allowed.hear, (pid, placed, silenced)
        recorded = {pid for pid, key in placed.items() if key == RECORDED}
        assert recorded - silenced == sources
        assert not any(is_private(room.members[pid].room) for pid in recorded)
        current = placed

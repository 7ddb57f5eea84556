"""The hearing room model: states, rooms, presence, host actions, chair hand-over, routing."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from odr.domain.hearing import (
    HEARING,
    LOBBY,
    Allowed,
    HearingState,
    Member,
    Presence,
    Quality,
    Room,
    check_transition,
    is_private,
    record_sources,
    routing,
)
from odr.errors import Conflict, Forbidden, IllegalTransition, InvalidInput, NotFound, OdrError

JUDGE, MEDIATOR, APPLICANT, RESPONDENT, INTERPRETER = 1, 2, 3, 4, 5

LEGAL = {
    ("not_started", "in_session"),
    ("not_started", "closed"),
    ("in_session", "paused"),
    ("in_session", "closed"),
    ("paused", "in_session"),
    ("paused", "closed"),
}


def member(member_id: int) -> Member:
    roles = {
        JUDGE: ("judge", True),
        MEDIATOR: ("mediator", True),
        APPLICANT: ("applicant", False),
        RESPONDENT: ("respondent", False),
    }
    role, host = roles.get(member_id, ("interpreter", False))
    return Member(member_id, f"p{member_id}", role, is_host=host)


def full_room(*ids: int) -> Room:
    """A hearing in session with the judge in the chair and ``ids`` admitted."""
    room = Room(hearing_id=7)
    room.join(member(JUDGE))
    room.transition(JUDGE, HearingState.IN_SESSION)
    for i in ids:
        if room.join(member(i)).room == LOBBY:
            room.admit(JUDGE, i)
    return room


@pytest.mark.parametrize(
    ("current", "target"), list(itertools.product([s.value for s in HearingState], repeat=2))
)
def test_every_state_pair(current: str, target: str) -> None:
    if (current, target) in LEGAL:
        check_transition(HearingState(current), HearingState(target))
    else:
        with pytest.raises(IllegalTransition) as caught:
            check_transition(HearingState(current), HearingState(target))
        assert caught.value.code == "room_transition"
        assert caught.value.params == {"current": current, "target": target}


def test_newcomers_wait_in_the_lobby_hosts_go_to_the_hearing_room() -> None:
    room = Room(hearing_id=1)
    judge = room.join(member(JUDGE))
    applicant = room.join(member(APPLICANT))
    assert (judge.room, judge.presence) == (HEARING, Presence.IN_HEARING)
    assert (applicant.room, applicant.presence) == (LOBBY, Presence.LOBBY)
    assert room.chair == JUDGE


def test_admit_moves_from_lobby_to_hearing_and_only_once() -> None:
    room = full_room()
    room.join(member(APPLICANT))
    room.admit(JUDGE, APPLICANT)
    assert room.members[APPLICANT].presence is Presence.IN_HEARING
    with pytest.raises(Conflict, match="room_not_in_lobby"):
        room.admit(JUDGE, APPLICANT)
    with pytest.raises(NotFound, match="room_participant_unknown"):
        room.admit(JUDGE, 99)


def test_a_party_cannot_act_as_host() -> None:
    room = full_room(APPLICANT, RESPONDENT)
    for action in (
        lambda: room.admit(APPLICANT, RESPONDENT),
        lambda: room.set_muted(APPLICANT, RESPONDENT, True),
        lambda: room.set_video_off(APPLICANT, RESPONDENT, True),
        lambda: room.remove(APPLICANT, RESPONDENT),
        lambda: room.open_private(APPLICANT, frozenset({APPLICANT})),
        lambda: room.transition(APPLICANT, HearingState.PAUSED),
        lambda: room.set_recording(APPLICANT, True),
    ):
        with pytest.raises(Forbidden, match="room_host_only"):
            action()
    assert room.state is HearingState.IN_SESSION
    assert not room.members[RESPONDENT].muted


def test_only_the_chair_acts_and_can_hand_over() -> None:
    room = full_room()
    room.join(member(MEDIATOR))
    assert room.chair == JUDGE
    with pytest.raises(Forbidden, match="room_not_chair"):
        room.transition(MEDIATOR, HearingState.PAUSED)
    room.hand_over(JUDGE, MEDIATOR)
    assert room.chair == MEDIATOR
    room.transition(MEDIATOR, HearingState.PAUSED)
    assert room.state is HearingState.PAUSED


def test_chair_passes_when_the_host_drops_and_the_returning_host_takes_it() -> None:
    room = full_room(APPLICANT)
    room.join(member(MEDIATOR))
    room.drop(JUDGE)
    assert room.chair == MEDIATOR
    room.drop(MEDIATOR)
    assert room.chair is None
    with pytest.raises(Forbidden):
        room.admit(MEDIATOR, APPLICANT)
    room.join(member(JUDGE))  # the first host to come back takes the chair
    assert room.chair == JUDGE
    room.join(member(MEDIATOR))
    assert room.chair == JUDGE


def test_a_dropped_member_returns_where_it_was() -> None:
    room = full_room(APPLICANT, RESPONDENT)
    caucus = room.open_private(JUDGE, frozenset({JUDGE, APPLICANT}))
    room.drop(APPLICANT)
    assert room.members[APPLICANT].presence is Presence.DISCONNECTED
    assert room.members[APPLICANT].room == caucus
    room.join(member(APPLICANT))
    assert room.members[APPLICANT].presence is Presence.IN_PRIVATE_ROOM
    assert room.members[APPLICANT].room == caucus


def test_removed_member_goes_back_to_the_lobby_and_hosts_cannot_be_removed() -> None:
    room = full_room(APPLICANT, MEDIATOR)
    room.remove(JUDGE, APPLICANT)
    assert room.members[APPLICANT].presence is Presence.DISCONNECTED
    room.join(member(APPLICANT))
    assert room.members[APPLICANT].presence is Presence.LOBBY
    with pytest.raises(Forbidden, match="room_cannot_remove_host"):
        room.remove(JUDGE, MEDIATOR)


def test_private_room_open_and_close() -> None:
    room = full_room(APPLICANT, RESPONDENT)
    with pytest.raises(InvalidInput):
        room.open_private(JUDGE, frozenset())
    name = room.open_private(JUDGE, frozenset({APPLICANT}))
    assert is_private(name)
    with pytest.raises(Conflict, match="room_not_in_hearing"):
        room.open_private(JUDGE, frozenset({APPLICANT, RESPONDENT}))
    assert room.private_rooms() == {name}
    assert room.close_private(JUDGE, name) == {APPLICANT}
    assert room.members[APPLICANT].room == HEARING
    with pytest.raises(NotFound):
        room.close_private(JUDGE, name)


def test_recording_only_in_session_and_stops_on_close() -> None:
    room = Room(hearing_id=1)
    room.join(member(JUDGE))
    with pytest.raises(Conflict, match="room_record_not_in_session"):
        room.set_recording(JUDGE, True)
    room.transition(JUDGE, HearingState.IN_SESSION)
    room.set_recording(JUDGE, True)
    with pytest.raises(Conflict, match="room_recording_on"):
        room.set_recording(JUDGE, True)
    room.transition(JUDGE, HearingState.CLOSED)
    assert not room.recording
    with pytest.raises(Conflict, match="hearing_closed"):
        room.join(member(APPLICANT))


def test_routing_in_a_simple_session() -> None:
    room = full_room(APPLICANT, RESPONDENT)
    room.join(member(INTERPRETER))  # waits in the lobby
    r = routing(room)
    assert r[JUDGE] == Allowed(
        frozenset({APPLICANT, RESPONDENT}), frozenset({APPLICANT, RESPONDENT})
    )
    assert r[INTERPRETER] == Allowed()
    assert record_sources(room) == {JUDGE, APPLICANT, RESPONDENT}


def test_routing_caucus_mute_video_off_audio_only() -> None:
    room = full_room(APPLICANT, RESPONDENT, MEDIATOR)
    caucus = room.open_private(JUDGE, frozenset({MEDIATOR, APPLICANT}))
    r = routing(room)
    assert r[MEDIATOR] == Allowed(frozenset({APPLICANT}), frozenset({APPLICANT}))
    assert r[JUDGE] == Allowed(frozenset({RESPONDENT}), frozenset({RESPONDENT}))
    assert record_sources(room) == {JUDGE, RESPONDENT}
    room.close_private(JUDGE, caucus)
    room.set_muted(JUDGE, APPLICANT, True)
    room.set_video_off(JUDGE, RESPONDENT, True)
    room.set_audio_only(MEDIATOR, True)
    r = routing(room)
    assert r[JUDGE].hear == {RESPONDENT, MEDIATOR}
    assert r[JUDGE].see == {APPLICANT}
    assert r[MEDIATOR] == Allowed(frozenset({JUDGE, RESPONDENT}), frozenset())


def test_paused_hearing_room_hears_only_hosts() -> None:
    room = full_room(APPLICANT, RESPONDENT)
    room.transition(JUDGE, HearingState.PAUSED)
    r = routing(room)
    assert r[APPLICANT] == Allowed(frozenset({JUDGE}), frozenset({JUDGE, RESPONDENT}))
    assert r[JUDGE].hear == frozenset()
    assert record_sources(room) == frozenset()


def test_chat_recipients() -> None:
    room = full_room(APPLICANT, RESPONDENT)
    room.join(member(INTERPRETER))
    assert room.chat_recipients(APPLICANT) == {JUDGE, APPLICANT, RESPONDENT}
    assert room.chat_recipients(INTERPRETER) == {JUDGE, INTERPRETER}
    room.open_private(JUDGE, frozenset({RESPONDENT}))
    assert room.chat_recipients(RESPONDENT) == {RESPONDENT}
    room.report_quality(APPLICANT, Quality(0.1, 80, 300))
    room.drop(APPLICANT)
    assert room.members[APPLICANT].quality is None


# --- properties over random sequences of actions -------------------------------------------

IDS = [JUDGE, MEDIATOR, APPLICANT, RESPONDENT, INTERPRETER, 6]
actions = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "join",
                "drop",
                "admit",
                "remove",
                "mute",
                "unmute",
                "video_off",
                "audio_only",
                "private",
                "close_private",
                "start",
                "pause",
                "resume",
                "hand",
                "hand_over",
            ]
        ),
        st.sampled_from(IDS),
        st.sampled_from(IDS),
        st.frozensets(st.sampled_from(IDS), max_size=3),
    ),
    max_size=40,
)


def play(steps: list[tuple[str, int, int, frozenset[int]]]) -> Room:
    room = Room(hearing_id=3)
    for name, actor, target, group in steps:
        try:
            match name:
                case "join":
                    room.join(member(target))
                case "drop":
                    room.drop(target)
                case "admit":
                    room.admit(actor, target)
                case "remove":
                    room.remove(actor, target)
                case "mute" | "unmute":
                    room.set_muted(actor, target, name == "mute")
                case "video_off":
                    room.set_video_off(actor, target, True)
                case "audio_only":
                    room.set_audio_only(target, True)
                case "private":
                    room.open_private(actor, group)
                case "close_private":
                    for private in sorted(room.private_rooms()):
                        room.close_private(actor, private)
                case "start" | "resume":
                    room.transition(actor, HearingState.IN_SESSION)
                case "pause":
                    room.transition(actor, HearingState.PAUSED)
                case "hand":
                    room.raise_hand(target, True)
                case "hand_over":
                    room.hand_over(actor, target)
        except OdrError:
            pass
    return room


@settings(max_examples=300, deadline=None)
@given(actions)
def test_nobody_hears_or_sees_itself(steps: list[tuple[str, int, int, frozenset[int]]]) -> None:
    for member_id, allowed in routing(play(steps)).items():
        assert member_id not in allowed.hear
        assert member_id not in allowed.see


@settings(max_examples=300, deadline=None)
@given(actions)
def test_lobby_and_disconnected_receive_nothing_and_are_heard_by_nobody(
    steps: list[tuple[str, int, int, frozenset[int]]],
) -> None:
    room = play(steps)
    r = routing(room)
    for m in room.members.values():
        if m.presence in (Presence.LOBBY, Presence.DISCONNECTED):
            assert r[m.id] == Allowed()
            assert all(m.id not in a.hear and m.id not in a.see for a in r.values())


@settings(max_examples=300, deadline=None)
@given(actions)
def test_muted_member_is_heard_by_nobody_video_off_seen_by_nobody(
    steps: list[tuple[str, int, int, frozenset[int]]],
) -> None:
    room = play(steps)
    r = routing(room)
    for m in room.members.values():
        if m.muted:
            assert all(m.id not in a.hear for a in r.values())
            assert m.id not in record_sources(room)
        if m.video_off or m.audio_only:
            assert all(m.id not in a.see for a in r.values())


@settings(max_examples=300, deadline=None)
@given(actions)
def test_rooms_are_sealed_and_private_rooms_never_recorded(
    steps: list[tuple[str, int, int, frozenset[int]]],
) -> None:
    room = play(steps)
    for receiver, allowed in routing(room).items():
        for source in allowed.hear | allowed.see:
            assert room.members[source].room == room.members[receiver].room
    for source in record_sources(room):
        assert room.members[source].room == HEARING


@settings(max_examples=300, deadline=None)
@given(actions)
def test_chair_is_a_connected_host_whenever_one_is_connected(
    steps: list[tuple[str, int, int, frozenset[int]]],
) -> None:
    room = play(steps)
    connected_hosts = {m.id for m in room.members.values() if m.is_host and m.connected}
    if connected_hosts:
        assert room.chair in connected_hosts
    else:
        assert room.chair is None

"""The room snapshot a process takes a hearing over from (pure logic: dump, JSON, restore)."""

from __future__ import annotations

import json

from odr.domain.hearing import HearingState, Member, Presence, Room
from signaling.live import LiveHearing
from signaling.room_store import dump, restore


def a_room_in_session() -> LiveHearing:
    room = Room(7, state=HearingState.IN_SESSION)
    live = LiveHearing(room, case_id=3, profile="low")
    room.join(Member(1, "法官", "judge", is_host=True))
    room.join(Member(2, "小燕", "applicant"))
    room.join(Member(3, "Mr Brown", "respondent"))
    room.admit(1, 2)
    room.admit(1, 3)
    room.set_muted(1, 3, True)
    room.set_audio_only(2, True)
    room.raise_hand(2, True)
    room.open_private(1, frozenset({2}))
    return live


def test_a_restored_room_keeps_places_flags_and_the_chair_everyone_disconnected() -> None:
    live = a_room_in_session()
    saved = json.loads(json.dumps(dump(live)))  # as stored in Redis
    back = restore(saved, 7, HearingState.PAUSED, 3)
    room = back.room
    assert room.state is HearingState.PAUSED  # the database's state, not the snapshot's
    assert back.case_id == 3 and back.profile == "low"
    assert room.chair == 1 and room.members[1].is_host
    assert room.members[2].room == "private:1" and room.members[2].audio_only
    assert room.members[2].hand and room.members[3].muted
    assert {m.presence for m in room.members.values()} == {Presence.DISCONNECTED}
    # Whoever comes back goes where it was, without anyone's action; the host keeps the chair.
    room.join(Member(2, "小燕", "applicant"))
    room.join(Member(1, "法官", "judge", is_host=True))
    assert room.members[2].presence is Presence.IN_PRIVATE_ROOM and room.chair == 1
    assert room.open_private(1, frozenset({3})) == "private:2"  # no name reused


def test_no_snapshot_or_another_hearings_gives_a_fresh_room() -> None:
    saved = dump(a_room_in_session())
    for snapshot, hearing_id in [(None, 7), (saved, 8), ({**saved, "v": 99}, 7)]:
        fresh = restore(snapshot, hearing_id, HearingState.NOT_STARTED, 3)
        assert fresh.room.members == {} and fresh.room.chair is None
        assert fresh.room.hearing_id == hearing_id

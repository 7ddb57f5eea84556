"""How a deployment names its Janus rooms: it recognises its own rooms (and their hearing) and
no one else's, and derives each room's secret from its Janus secrets."""

from __future__ import annotations

from signaling.media.janus.orphans import RoomNames


def test_a_deployment_knows_its_own_rooms_and_their_hearing_only() -> None:
    ours = RoomNames.of("https://court.example", "api", "admin")
    theirs = RoomNames.of("https://other.example", "api", "admin")
    assert ours.hearing_of(ours.description(17)) == 17
    assert ours.hearing_of(theirs.description(17)) is None
    for foreign in ("", "Room 5", "odr https://court.example hearing x", "odr hearing 5"):
        assert ours.hearing_of(foreign) is None
    spaced = RoomNames.of("court with spaces", None, None)
    assert spaced.hearing_of(spaced.description(3)) == 3


def test_room_secrets_differ_by_room_and_by_the_janus_secrets() -> None:
    names = RoomNames.of("https://court.example", "api", "admin")
    again = RoomNames.of("https://court.example", "api", "admin")
    assert names.secret(5) == again.secret(5)  # another process of the deployment finds it
    assert names.secret(5) != names.secret(6)
    assert names.secret(5) != RoomNames.of("https://court.example", "api", "other").secret(5)
    assert names.secret(5) != RoomNames.of("https://court.example", "x", "admin").secret(5)

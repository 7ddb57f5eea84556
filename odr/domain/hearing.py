"""The hearing room: who is where, and who may hear and see whom (pure rules, no framework).

Words from court practice: a hearing is *not started*, *in session*, *paused* or *closed*.
Everyone who joins waits in the *lobby* until the host admits them into the *hearing* room;
the host may send some participants into a *private room* (a caucus) and bring them back.
Hosts (the judge or mediator invited as such) go straight into the hearing room. One of them
holds the *chair*: only the chair acts as host. When the chair drops, the chair passes to
another connected host; when no host is connected, the first host to return takes it.

:func:`routing` is THE rule the media hub enforces:

- a closed hearing routes nothing;
- lobby members and disconnected members receive nothing and are heard and seen by nobody;
- members of one room (the hearing room or one private room) hear and see each other, and
  only each other; nobody hears or sees itself (mix-minus);
- a muted member is heard by nobody, a member whose video is off is seen by nobody, and an
  audio-only member neither sends nor receives video;
- while the hearing is *paused*, the hearing room hears only its hosts (the court can
  announce the recess) but everyone still sees everyone; private rooms work as usual;
- before the hearing starts the hearing room works as in session (links can be checked),
  but nothing goes to the record: :func:`record_sources` is empty unless in session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from odr.errors import Conflict, Forbidden, IllegalTransition, InvalidInput, NotFound

LOBBY = "lobby"
HEARING = "hearing"
PRIVATE_PREFIX = "private:"
MAX_PRIVATE_ROOMS = 20


@dataclass(frozen=True)
class Allowed:
    """What one participant may receive: the participant ids it hears and the ones it sees."""

    hear: frozenset[int] = frozenset()
    see: frozenset[int] = frozenset()


class HearingState(StrEnum):
    NOT_STARTED = "not_started"
    IN_SESSION = "in_session"
    PAUSED = "paused"
    CLOSED = "closed"


class Presence(StrEnum):
    LOBBY = "lobby"
    IN_HEARING = "in_hearing"
    IN_PRIVATE_ROOM = "in_private_room"
    DISCONNECTED = "disconnected"


H = HearingState
TRANSITIONS: dict[HearingState, frozenset[HearingState]] = {
    H.NOT_STARTED: frozenset({H.IN_SESSION, H.CLOSED}),
    H.IN_SESSION: frozenset({H.PAUSED, H.CLOSED}),
    H.PAUSED: frozenset({H.IN_SESSION, H.CLOSED}),
    H.CLOSED: frozenset(),
}

# Host roles in the order the chair passes to them when the chair drops.
CHAIR_ORDER = ("judge", "mediator", "clerk")


def check_transition(current: HearingState, target: HearingState) -> None:
    """Raise :class:`IllegalTransition` unless the hearing may go from ``current`` to ``target``."""
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(
            "room_transition", field="state", current=current.value, target=target.value
        )


def is_private(room: str) -> bool:
    return room.startswith(PRIVATE_PREFIX)


@dataclass(frozen=True)
class Quality:
    """A participant's own view of its link (from WebRTC getStats)."""

    loss: float = 0.0  # fraction of packets lost, 0..1
    rtt_ms: float = 0.0
    bitrate_kbps: float = 0.0


@dataclass
class Member:
    """One participant as the room knows it. ``room`` is where it is, or was when it dropped."""

    id: int
    name: str
    role: str
    is_host: bool = False
    room: str = LOBBY
    connected: bool = False
    muted: bool = False
    video_off: bool = False
    hand: bool = False
    audio_only: bool = False
    quality: Quality | None = None

    @property
    def presence(self) -> Presence:
        if not self.connected:
            return Presence.DISCONNECTED
        if self.room == LOBBY:
            return Presence.LOBBY
        if self.room == HEARING:
            return Presence.IN_HEARING
        return Presence.IN_PRIVATE_ROOM

    @property
    def active(self) -> bool:
        """Connected and not waiting: takes part in the media of its room."""
        return self.connected and self.room != LOBBY


@dataclass
class Room:
    """The live state of one hearing: its state, its members, where each one is."""

    hearing_id: int
    state: HearingState = HearingState.NOT_STARTED
    members: dict[int, Member] = field(default_factory=dict)
    chair: int | None = None
    recording: bool = False
    private_counter: int = 0

    # --- presence ---------------------------------------------------------------------------

    def join(self, member: Member) -> Member:
        """``member`` connects. A newcomer goes to the lobby (a host to the hearing room);
        one who returns goes back where it was, without anyone's action."""
        if self.state is HearingState.CLOSED:
            raise Conflict("hearing_closed")
        known = self.members.get(member.id)
        if known is None:
            member.room = HEARING if member.is_host else LOBBY
            self.members[member.id] = member
            known = member
        else:
            known.name, known.role, known.is_host = member.name, member.role, member.is_host
        known.connected = True
        self._elect_chair()
        return known

    def drop(self, member_id: int) -> None:
        """The member's link is gone (socket closed or heartbeats stopped)."""
        member = self.members.get(member_id)
        if member is None:
            return
        member.connected = False
        member.quality = None
        self._elect_chair()

    def _elect_chair(self) -> None:
        current = self.members.get(self.chair) if self.chair is not None else None
        if current is not None and current.connected and current.is_host:
            return
        hosts = [m for m in self.members.values() if m.connected and m.is_host]
        if not hosts:
            self.chair = None
            return

        def rank(m: Member) -> tuple[int, int, int]:
            order = CHAIR_ORDER.index(m.role) if m.role in CHAIR_ORDER else len(CHAIR_ORDER)
            return (0 if m.room == HEARING else 1, order, m.id)

        self.chair = min(hosts, key=rank).id

    # --- participants' own actions -----------------------------------------------------------

    def raise_hand(self, member_id: int, up: bool) -> None:
        self.member(member_id).hand = up

    def set_audio_only(self, member_id: int, on: bool) -> None:
        self.member(member_id).audio_only = on

    def report_quality(self, member_id: int, quality: Quality) -> None:
        self.member(member_id).quality = quality

    def chat_recipients(self, sender_id: int) -> frozenset[int]:
        """Who receives a chat line: the sender's room (a private room stays private);
        hosts also read the hearing room and the lobby, wherever they are."""
        sender = self.member(sender_id)
        if self.state is HearingState.CLOSED:
            raise Conflict("hearing_closed")
        if is_private(sender.room):
            ids = {m.id for m in self.members.values() if m.room == sender.room}
        elif sender.room == HEARING:
            ids = {m.id for m in self.members.values() if m.room == HEARING or m.is_host}
        else:
            ids = {sender_id} | {m.id for m in self.members.values() if m.is_host}
        return frozenset(i for i in ids if self.members[i].connected)

    # --- host actions ------------------------------------------------------------------------

    def require_chair(self, actor_id: int) -> None:
        actor = self.members.get(actor_id)
        if actor is None or not actor.is_host:
            raise Forbidden("room_host_only")
        if self.chair != actor_id:
            raise Forbidden("room_not_chair")

    def admit(self, actor_id: int, member_id: int) -> None:
        self.require_chair(actor_id)
        self._open()
        member = self.member(member_id)
        if member.room != LOBBY:
            raise Conflict("room_not_in_lobby", field="participant_id")
        member.room = HEARING

    def remove(self, actor_id: int, member_id: int) -> None:
        """Send a participant out: it is disconnected and, if it returns, waits in the lobby."""
        self.require_chair(actor_id)
        member = self.member(member_id)
        if member.is_host:
            raise Forbidden("room_cannot_remove_host")
        member.room = LOBBY
        member.hand = False
        member.connected = False

    def set_muted(self, actor_id: int, member_id: int, muted: bool) -> None:
        self.require_chair(actor_id)
        self.member(member_id).muted = muted

    def set_video_off(self, actor_id: int, member_id: int, off: bool) -> None:
        self.require_chair(actor_id)
        self.member(member_id).video_off = off

    def hand_over(self, actor_id: int, member_id: int) -> None:
        """The chair passes to another connected host."""
        self.require_chair(actor_id)
        member = self.member(member_id)
        if not member.is_host or not member.connected:
            raise Conflict("room_not_host", field="participant_id")
        self.chair = member_id

    def open_private(self, actor_id: int, member_ids: frozenset[int]) -> str:
        """Move the chosen members of the hearing room into a new private room (the host
        takes part only if it lists itself). Returns the room's name."""
        self.require_chair(actor_id)
        self._open()
        if not member_ids:
            raise InvalidInput("room_private_empty", field="participant_ids")
        members = [self.member(i) for i in sorted(member_ids)]
        if any(m.room != HEARING for m in members):
            raise Conflict("room_not_in_hearing", field="participant_ids")
        if len(self.private_rooms()) >= MAX_PRIVATE_ROOMS:
            raise Conflict("room_too_many_private")
        self.private_counter += 1
        name = f"{PRIVATE_PREFIX}{self.private_counter}"
        for m in members:
            m.room = name
        return name

    def close_private(self, actor_id: int, room: str) -> frozenset[int]:
        """Bring the members of a private room back to the hearing room."""
        self.require_chair(actor_id)
        if room not in self.private_rooms():
            raise NotFound("room_private_not_found", field="room")
        moved = frozenset(m.id for m in self.members.values() if m.room == room)
        for i in moved:
            self.members[i].room = HEARING
        return moved

    def transition(self, actor_id: int, target: HearingState) -> None:
        """Start, pause, resume or close the hearing."""
        self.require_chair(actor_id)
        check_transition(self.state, target)
        self.state = target
        if target is HearingState.CLOSED:
            self.recording = False

    def set_recording(self, actor_id: int, on: bool) -> None:
        self.require_chair(actor_id)
        if on and self.state is not HearingState.IN_SESSION:
            raise Conflict("room_record_not_in_session")
        if on == self.recording:
            raise Conflict("room_recording_on" if on else "room_recording_off")
        self.recording = on

    # --- queries -----------------------------------------------------------------------------

    def member(self, member_id: int) -> Member:
        member = self.members.get(member_id)
        if member is None:
            raise NotFound("room_participant_unknown", field="participant_id")
        return member

    def private_rooms(self) -> frozenset[str]:
        return frozenset(m.room for m in self.members.values() if is_private(m.room))

    def _open(self) -> None:
        if self.state is HearingState.CLOSED:
            raise Conflict("hearing_closed")


def routing(room: Room) -> dict[int, Allowed]:
    """Every member's :class:`Allowed`: whom it hears and whom it sees (see the module doc)."""
    result = {member_id: Allowed() for member_id in room.members}
    if room.state is HearingState.CLOSED:
        return result
    active = [m for m in room.members.values() if m.active]
    for receiver in active:
        peers = [m for m in active if m.room == receiver.room and m.id != receiver.id]
        hear = {p.id for p in peers if not p.muted}
        if room.state is HearingState.PAUSED and receiver.room == HEARING:
            hear = {i for i in hear if room.members[i].is_host}
        see: set[int] = set()
        if not receiver.audio_only:
            see = {p.id for p in peers if not p.video_off and not p.audio_only}
        result[receiver.id] = Allowed(frozenset(hear), frozenset(see))
    return result


def record_sources(room: Room) -> frozenset[int]:
    """Whose voice goes into the record: the hearing room's heard members, in session only.
    Private rooms and the lobby are never recorded."""
    if room.state is not HearingState.IN_SESSION:
        return frozenset()
    return frozenset(
        m.id for m in room.members.values() if m.active and m.room == HEARING and not m.muted
    )

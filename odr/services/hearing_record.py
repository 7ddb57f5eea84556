"""What a hearing leaves on the record: its state, its chat and its recordings.

Called by signaling (``signaling/actions.py``) as the hearing runs. Synchronous functions
taking a sqlmodel ``Session``; run them through ``await db.write(fn, ...)``.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from odr.domain.hearing import HearingState
from odr.errors import Conflict, InvalidInput
from odr.services import audit
from odr.services.audit import AuditKey
from odr.services.hearings import actor_ref_of, get_hearing, participant
from odr.store.models import Hearing, HearingMessage, Recording
from odr.store.types import utcnow

MAX_MESSAGE = 2000


def set_state(
    session: Session, key: AuditKey, hearing_id: int, state: str, actor_ref: str
) -> Hearing:
    """Move the hearing to ``state`` (a ``HearingState`` value), audited as ``hearing.state``.

    Records ``started_at`` on the first ``in_session`` and ``closed_at`` on ``closed``. The
    legal transitions are the room model's (``odr.domain.hearing``); here only: a cancelled
    hearing never changes and a closed one never reopens. Setting the current state again
    writes nothing."""
    if state not in set(HearingState):
        raise InvalidInput("hearing_state_unknown", field="state")
    hearing = get_hearing(session, hearing_id, lock=True)
    if hearing.cancelled_at is not None:
        raise Conflict("hearing_cancelled")
    if hearing.state == state:
        return hearing
    if hearing.state == "closed":
        raise Conflict("hearing_closed")
    now = utcnow()
    previous = hearing.state
    hearing.state = state
    if state == "in_session" and hearing.started_at is None:
        hearing.started_at = now
    if state == "closed":
        hearing.closed_at = now
    session.add(hearing)
    audit.append(
        session,
        key,
        "hearing.state",
        actor_ref,
        hearing.case_id,
        hearing_id=hearing_id,
        **{"from": previous, "to": state},
    )
    return hearing


def add_message(
    session: Session, key: AuditKey, hearing_id: int, participant_id: int, room: str, text: str
) -> HearingMessage:
    """Keep a chat message on the record (``hearing.chat`` in the audit log, with its text).

    ``text`` is stripped; empty (``hearing_message_empty``) or over 2000 characters
    (``hearing_message_too_long``) is refused."""
    text = text.strip()
    if not text:
        raise InvalidInput("hearing_message_empty", field="text")
    if len(text) > MAX_MESSAGE or len(room) > 40:
        raise InvalidInput("hearing_message_too_long", field="text", limit=MAX_MESSAGE)
    hearing = get_hearing(session, hearing_id)
    who = participant(session, hearing_id, participant_id)
    message = HearingMessage(
        hearing_id=hearing_id, participant_id=participant_id, room=room, text=text
    )
    session.add(message)
    session.flush()
    audit.append(
        session,
        key,
        "hearing.chat",
        actor_ref_of(who),
        hearing.case_id,
        hearing_id=hearing_id,
        message_id=message.id,
        participant_id=participant_id,
        room=room,
        text=text,
    )
    return message


def messages_of(session: Session, hearing_id: int, room: str | None = None) -> list[HearingMessage]:
    """The hearing's chat messages (of one room when given), oldest first."""
    query = select(HearingMessage).where(HearingMessage.hearing_id == hearing_id)
    if room is not None:
        query = query.where(HearingMessage.room == room)
    return list(session.exec(query.order_by(col(HearingMessage.id))))


def add_recording(
    session: Session,
    key: AuditKey,
    hearing_id: int,
    path: str,
    media_type: str,
    sha256: str,
    size: int,
    started_at: datetime,
    ended_at: datetime,
    complete: bool = True,
) -> Recording:
    """Register a finished recording (``path`` relative to the data folder); its sha256, size,
    start and end go into the audit log as ``hearing.recording``. ``complete=False``: a file
    the server was still writing when it died, found later; it plays up to the crash,
    ``ended_at`` is its last write, and the entry is ``hearing.recording_interrupted``.

    Once per file: a path already registered returns its row and writes nothing (the hearing
    row is locked first, so two processes registering one file at once make one row; the
    unique ``recording.path`` is the last guard)."""
    hearing = get_hearing(session, hearing_id, lock=True)
    known = recording_at(session, path)
    if known is not None:
        return known
    recording = Recording(
        hearing_id=hearing_id,
        path=path,
        media_type=media_type,
        sha256=sha256,
        size=size,
        started_at=started_at,
        ended_at=ended_at,
        complete=complete,
    )
    session.add(recording)
    session.flush()
    audit.append(
        session,
        key,
        "hearing.recording" if complete else "hearing.recording_interrupted",
        "system",
        hearing.case_id,
        hearing_id=hearing_id,
        recording_id=recording.id,
        path=path,
        media_type=media_type,
        sha256=sha256,
        size=size,
        started_at=started_at.isoformat(),
        ended_at=ended_at.isoformat(),
    )
    return recording


def add_interrupted(
    session: Session,
    key: AuditKey,
    hearing_id: int,
    path: str,
    media_type: str,
    sha256: str,
    size: int,
    started_at: datetime,
    ended_at: datetime,
) -> Recording | None:
    """Register a record its process left unfinished (``complete=False``); None, and nothing
    written, if the file is registered already."""
    get_hearing(session, hearing_id, lock=True)
    if recording_at(session, path) is not None:
        return None
    args = (media_type, sha256, size, started_at, ended_at)
    return add_recording(session, key, hearing_id, path, *args, complete=False)


def recordings_of(session: Session, hearing_id: int) -> list[Recording]:
    """The hearing's registered recordings, oldest first."""
    query = select(Recording).where(Recording.hearing_id == hearing_id)
    return list(session.exec(query.order_by(col(Recording.id))))


def recording_at(session: Session, path: str) -> Recording | None:
    """The recording registered for ``path`` (relative to the data folder), if any."""
    return session.exec(select(Recording).where(Recording.path == path)).first()


def registered_paths(session: Session, hearing_id: int | None = None) -> set[str]:
    """The paths (relative to the data folder) of every registered recording (of one hearing
    when given)."""
    query = select(Recording.path)
    if hearing_id is not None:
        query = query.where(Recording.hearing_id == hearing_id)
    return set(session.exec(query))

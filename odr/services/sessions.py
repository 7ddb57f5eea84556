"""Web sessions of staff (username and password) and of parties (personal code).

Tokens carry 256 bits from the CSPRNG; the store keeps their SHA-256. Sessions end after an
idle time and at an absolute lifetime, whichever comes first (OWASP ASVS 7.3).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, select

from odr.domain.actors import PartyActor, PartyRole, Role, Staff
from odr.settings import Settings
from odr.store.models import MicroCourtStaff, Party, User, WebSession
from odr.store.types import utcnow

TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class Resolved:
    actor: Staff | PartyActor
    csrf_token: str
    session_id: int
    stale: bool  # last seen long enough ago to be touched


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def start(
    session: Session, settings: Settings, *, user_id: int | None = None, party_id: int | None = None
) -> tuple[str, str]:
    """A new session; returns (token for the cookie, CSRF token for the page)."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    lifetime = (
        timedelta(hours=settings.staff_lifetime_hours)
        if user_id is not None
        else timedelta(hours=settings.party_lifetime_hours)
    )
    session.add(
        WebSession(
            token_digest=_digest(token),
            csrf_token=csrf,
            user_id=user_id,
            party_id=party_id,
            expires_at=utcnow() + lifetime,
        )
    )
    return token, csrf


def resolve(session: Session, settings: Settings, token: str) -> Resolved | None:
    """The actor behind a session token, or None when it is unknown, ended or timed out."""
    row = session.exec(select(WebSession).where(WebSession.token_digest == _digest(token))).first()
    if row is None or row.ended:
        return None
    now = utcnow()
    idle = timedelta(
        minutes=settings.staff_idle_minutes if row.user_id else settings.party_idle_minutes
    )
    if now >= row.expires_at or now - row.last_seen_at >= idle:
        return None
    actor = _actor(session, row)
    if actor is None:
        return None
    assert row.id is not None
    return Resolved(actor, row.csrf_token, row.id, now - row.last_seen_at >= TOUCH_EVERY)


def touch(session: Session, session_id: int) -> None:
    row = session.get(WebSession, session_id)
    if row is not None:
        row.last_seen_at = utcnow()
        session.add(row)


def end(session: Session, token: str) -> None:
    row = session.exec(select(WebSession).where(WebSession.token_digest == _digest(token))).first()
    if row is not None:
        row.ended = True
        session.add(row)


def _actor(session: Session, row: WebSession) -> Staff | PartyActor | None:
    if row.user_id is not None:
        user = session.get(User, row.user_id)
        if user is None or not user.active or user.id is None:
            return None
        micro_ids = session.exec(
            select(MicroCourtStaff.microcourt_id).where(MicroCourtStaff.user_id == user.id)
        ).all()
        return Staff(user.id, Role(user.role), user.court_id, frozenset(micro_ids))
    if row.party_id is not None:
        party = session.get(Party, row.party_id)
        if party is None or party.id is None:
            return None
        return PartyActor(party.id, party.case_id, PartyRole(party.role))
    return None

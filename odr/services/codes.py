"""Personal codes: issued to parties, redeemed for a session, revoked and reissued by staff.

The store keeps only each code's SHA-256. A code is shown once, when it is issued.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from odr.domain import access, codes
from odr.domain.actors import Actor
from odr.errors import NotFound
from odr.services import audit
from odr.services.audit import AuditKey
from odr.services.lookup import case_for
from odr.store.models import Party, PersonalCode, WebSession
from odr.store.types import utcnow


def issue(session: Session, key: AuditKey, party: Party, actor: str) -> str:
    """A new code for ``party``; any code it held before stops working."""
    _revoke_active(session, party)
    code = codes.new_code()
    assert party.id is not None
    session.add(PersonalCode(party_id=party.id, digest=codes.digest(code)))
    audit.append(
        session, key, "code.issued", actor, party.case_id, party_id=party.id, role=party.role
    )
    return code


def reissue(session: Session, key: AuditKey, actor: Actor, actor_ref: str, party_id: int) -> str:
    party = _party_for_staff(session, actor, party_id)
    return issue(session, key, party, actor_ref)


def revoke(session: Session, key: AuditKey, actor: Actor, actor_ref: str, party_id: int) -> None:
    party = _party_for_staff(session, actor, party_id)
    _revoke_active(session, party)
    ended = session.exec(
        select(WebSession).where(WebSession.party_id == party.id, col(WebSession.ended).is_(False))
    ).all()
    for web_session in ended:
        web_session.ended = True
        session.add(web_session)
    audit.append(session, key, "code.revoked", actor_ref, party.case_id, party_id=party.id)


def redeem(session: Session, key: AuditKey, raw_code: str, address: str) -> Party | None:
    """The party holding this code, or None. Every successful use goes into the audit log."""
    code = codes.normalise(raw_code)
    if code is None:
        return None
    row = session.exec(
        select(PersonalCode).where(
            PersonalCode.digest == codes.digest(code), col(PersonalCode.revoked_at).is_(None)
        )
    ).first()
    if row is None:
        return None
    party = session.get(Party, row.party_id)
    assert party is not None
    audit.append(session, key, "code.used", f"party:{party.id}", party.case_id, address=address)
    return party


def _revoke_active(session: Session, party: Party) -> None:
    active = session.exec(
        select(PersonalCode).where(
            PersonalCode.party_id == party.id, col(PersonalCode.revoked_at).is_(None)
        )
    ).all()
    for row in active:
        row.revoked_at = utcnow()
        session.add(row)


def _party_for_staff(session: Session, actor: Actor, party_id: int) -> Party:
    party = session.get(Party, party_id)
    if party is None:
        raise NotFound("party_not_found", field="party_id")
    case_for(session, actor, party.case_id, access.can_manage_case)
    return party

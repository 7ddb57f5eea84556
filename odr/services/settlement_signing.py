"""Signing a settlement agreement: parties first, in any order, the mediator last.

The plan/record pattern of ``odr.services.settlements``: ``plan_signature`` checks who signs
which box of which version, ``record_signature`` checks it all again under the case lock and
refuses with ``settlement_changed`` when another signature landed on the revision meanwhile.
Each signer has one certificate per case and role (``save_certificate``); the record says how
they authenticated and that they confirmed on screen.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from sqlmodel import Session

from odr.domain import access
from odr.domain.actors import Actor
from odr.domain.case_state import CaseState
from odr.errors import Conflict, Forbidden, InvalidInput, TooLarge
from odr.services import audit, cases
from odr.services.audit import AuditKey
from odr.services.lookup import case_for, facts_of
from odr.services.settlement_schemas import SIDES, SignIn
from odr.services.settlements import (
    Certificate,
    Signer,
    add_file,
    authenticated_by,
    certificate_of,
    check_current,
    deadline_of,
    signed_fields,
    signer_for,
    version_of,
)
from odr.store.models import Case, SettlementSignature, SettlementVersion, SigningCertificate
from odr.store.types import utcnow

MAX_SIGNATURE_IMAGE = 160 * 1024  # a drawn signature; its data URL fits a JSON body
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class SigningPlan:
    signer: Signer
    version_id: int
    version_number: int
    base_sha256: str  # the revision the new signature goes on
    last: bool  # the mediator's signature: the agreement takes effect


def signature_image(data_url: str | None) -> bytes | None:
    """The PNG bytes of a drawn signature sent as ``data:image/png;base64,...``."""
    if data_url is None or data_url == "":
        return None
    head, sep, body = data_url.partition(",")
    if not sep or head.strip().lower() != "data:image/png;base64":
        raise InvalidInput("signature_png_invalid", field="signature_png")
    if len(body) > (MAX_SIGNATURE_IMAGE * 4) // 3 + 4:
        raise TooLarge(
            "signature_png_too_large", field="signature_png", limit_kb=MAX_SIGNATURE_IMAGE // 1024
        )
    try:
        png = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("signature_png_invalid", field="signature_png") from None
    if not png.startswith(PNG_MAGIC) or len(png) < 64:
        raise InvalidInput("signature_png_invalid", field="signature_png")
    return png


def plan_signature(session: Session, actor: Actor, case_id: int, data: SignIn) -> SigningPlan:
    if not data.confirmed:
        raise InvalidInput("signature_not_confirmed", field="confirmed")
    case = case_for(session, actor, case_id)
    field = _signature_field(actor, case)
    version = version_of(session, case_id, data.version_id)
    _check_signable(session, case, version, field)
    assert version.id is not None
    return SigningPlan(
        signer=signer_for(session, actor, case, field),
        version_id=version.id,
        version_number=version.number,
        base_sha256=version.current_sha256,
        last=field == "mediator",
    )


def record_signature(
    session: Session,
    key: AuditKey,
    actor: Actor,
    actor_ref: str,
    plan: SigningPlan,
    revision_sha256: str,
    size: int,
    fingerprint: str,
    with_image: bool,
    confirmation_days: int,
) -> SettlementVersion:
    case = case_for(session, actor, plan.signer.case_id, lock=True)
    field = _signature_field(actor, case)
    version = version_of(session, plan.signer.case_id, plan.version_id)
    _check_signable(session, case, version, field)
    if version.current_sha256 != plan.base_sha256:
        raise Conflict("settlement_changed")
    now = utcnow()
    session.add(
        SettlementSignature(
            case_id=plan.signer.case_id,
            version_id=plan.version_id,
            field=field,
            signer=plan.signer.holder,
            signer_name=plan.signer.name,
            cert_fingerprint=fingerprint,
            signed_at=now,
            revision_sha256=revision_sha256,
            authenticated_by=authenticated_by(actor),
            confirmed_on_screen=True,
            with_image=with_image,
        )
    )
    add_file(
        session, plan.signer.case_id, version.id, "agreement", revision_sha256, size, plan.last
    )
    version.current_sha256 = revision_sha256
    audit.append(
        session,
        key,
        "settlement.signed",
        actor_ref,
        plan.signer.case_id,
        version=version.number,
        field=field,
        revision_sha256=revision_sha256,
        cert_fingerprint=fingerprint,
        authenticated_by=authenticated_by(actor),
        confirmed_on_screen=True,
        with_image=with_image,
    )
    if plan.last:
        version.state = "effective"
        version.effective_at = now
        if case.state != CaseState.SETTLED.value:
            cases.move(
                session,
                key,
                actor_ref,
                case,
                CaseState.SETTLED,
                mediator_id=case.mediator_id,
                reason="settlement signed",
            )
        audit.append(
            session,
            key,
            "settlement.effective",
            actor_ref,
            plan.signer.case_id,
            version=version.number,
            sha256=revision_sha256,
            confirmation_deadline=deadline_of(now, confirmation_days).isoformat(),
        )
    session.add(version)
    return version


def save_certificate(
    session: Session,
    key: AuditKey,
    signer: Signer,
    cert_pem: bytes,
    key_pem: bytes,
    fingerprint: str,
) -> Certificate:
    """Keep a newly issued certificate, unless one was stored for the signer meanwhile."""
    existing = certificate_of(session, signer.case_id, signer.holder, signer.field)
    if existing is not None:
        return existing
    session.add(
        SigningCertificate(
            case_id=signer.case_id,
            holder=signer.holder,
            role=signer.field,
            name=signer.name[:100],
            cert_pem=cert_pem.decode("ascii"),
            key_pem=key_pem.decode("ascii"),
            fingerprint=fingerprint,
        )
    )
    audit.append(
        session,
        key,
        "certificate.issued",
        signer.holder,
        signer.case_id,
        role=signer.field,
        cert_fingerprint=fingerprint,
    )
    return Certificate(cert_pem, key_pem, fingerprint)


def _check_signable(session: Session, case: Case, version: SettlementVersion, field: str) -> None:
    check_current(case, version)
    assert version.id is not None
    done = signed_fields(session, version.id)
    if field in done:
        raise Conflict("already_signed")
    if field == "mediator" and not set(SIDES) <= done:
        raise Conflict("parties_sign_first")


def _signature_field(actor: Actor, case: Case) -> str:
    field = access.signature_field(actor, facts_of(case))
    if field is None:
        raise Forbidden("not_a_signer")
    return field

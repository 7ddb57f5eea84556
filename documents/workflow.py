"""The settlement workflow's edge: render, sign and verify around the store's rules.

``odr.services.settlements`` decides who may do what and records it; this module does the
slow work in between (weasyprint renders, pyHanko signatures, certificate issuance) off the
event loop with ``asyncio.to_thread``, and keeps the PDFs under ``settings.documents_dir``,
each named by its sha256.

Keys: ``documents.court_keys``. Every signer gets their own EC P-256 certificate per case
and role, issued by the court CA at their first signature; the private key is kept in the
database encrypted with the CA passphrase. The server holds these keys, so the record also says how each
signer authenticated (personal code or password) and that they confirmed on screen.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from documents import pki, render, signing, wording
from documents import verify as verifier
from documents.checks import verify_bytes
from documents.court_keys import ca_certificate, ensure_ca, passphrase, write_atomic
from documents.model import Agreement, Clause, PartyInfo, Ruling
from odr.domain.actors import Actor
from odr.errors import Conflict, NotFound, storage_error
from odr.i18n import LANGUAGES
from odr.services import confirmations, settlement_records, settlement_signing, settlements
from odr.services.audit import AuditKey
from odr.services.settlement_schemas import ApplyIn, DecideIn, DraftIn, SignIn
from odr.settings import Settings
from odr.store.db import Database
from odr.store.models import SettlementConfirmation, SettlementVersion

ATTEMPTS = 4  # a signature that lost a race with another starts over
T = TypeVar("T")


@dataclass(frozen=True)
class Checked:
    """A verification: the library's report and what the public record knows of the file."""

    report: verifier.Report
    match: settlement_records.HashMatch
    embedded: settlement_records.HashMatch | None  # a ruling's embedded agreement


# Files --------------------------------------------------------------------------------------


def store_file(settings: Settings, case_id: int, pdf: bytes) -> str:
    """Keep ``pdf`` under the documents folder, named by its sha256 (returned); a full disk
    or a read-only folder is the user's ``disk_full`` or ``storage_read_only``."""
    sha256 = hashlib.sha256(pdf).hexdigest()
    path = settlement_records.file_path(settings.documents_dir, case_id, sha256)
    if not path.exists():
        try:
            write_atomic(path, pdf)
        except OSError as exc:
            raise storage_error(exc) from exc
    return sha256


def read_file(settings: Settings, case_id: int, sha256: str) -> bytes:
    path = settlement_records.file_path(settings.documents_dir, case_id, sha256)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFound("document_not_found") from None
    if hashlib.sha256(data).hexdigest() != sha256:  # the stored file was changed on disk
        raise Conflict("document_file_altered")
    return data


# Documents out of stored terms ----------------------------------------------------------------


def agreement_of(terms: dict[str, Any]) -> Agreement:
    """The renderer's input, from a version's stored terms (the same bytes every time)."""
    return Agreement(
        case_number=terms["case_number"],
        court_name=terms["court_name"],
        microcourt_name=terms["microcourt_name"],
        mediator_name=terms["mediator_name"],
        parties=tuple(PartyInfo(**p) for p in terms["parties"]),
        facts=terms["facts"],
        clauses=tuple(
            Clause(
                text=c["text"],
                amount_cents=c.get("amount_cents"),
                currency=c.get("currency", "CNY"),
                due=date.fromisoformat(c["due"]) if c.get("due") else None,
                payer=c.get("payer"),
                payee=c.get("payee"),
            )
            for c in terms["clauses"]
        ),
        free_text=terms["free_text"],
        languages=tuple(terms["languages"]),
        version=terms["version"],
        drafted_at=datetime.fromisoformat(terms["drafted_at"]),
        verify_url=terms["verify_url"],
    )


def reason(field: str) -> str:
    """The signature's /Reason (shown by pdfsig and PDF readers), in Chinese and English."""
    return wording.label(wording.languages(LANGUAGES), f"doc.sign_reason.{field}")


# The workflow -------------------------------------------------------------------------------


async def draft(
    settings: Settings, db: Database, key: AuditKey, actor: Actor, case_id: int, data: DraftIn
) -> SettlementVersion:
    """A new version of the agreement: rendered, kept, its unsigned hash audited."""

    async def attempt() -> SettlementVersion:
        plan = await db.read(settlements.plan_draft, actor, case_id, data, settings.public_url)
        rendered = await asyncio.to_thread(render.render_agreement, agreement_of(plan.terms))
        sha256 = await asyncio.to_thread(store_file, settings, case_id, rendered.pdf)
        return await db.write(
            settlements.record_draft,
            key,
            actor,
            settlements.actor_ref(actor),
            plan,
            sha256,
            len(rendered.pdf),
        )

    return await _retrying(attempt)


async def sign(
    settings: Settings, db: Database, key: AuditKey, actor: Actor, case_id: int, data: SignIn
) -> SettlementVersion:
    """One more signature on the version the signer saw (mediator last)."""
    image = settlement_signing.signature_image(data.signature_png)

    async def attempt() -> SettlementVersion:
        plan = await db.read(settlement_signing.plan_signature, actor, case_id, data)
        certificate = await _certificate(settings, db, key, plan.signer)
        base = await asyncio.to_thread(read_file, settings, case_id, plan.base_sha256)
        signed = await _signed(settings, base, plan.signer, certificate, image, lock=False)
        sha256 = await asyncio.to_thread(store_file, settings, case_id, signed)
        return await db.write(
            settlement_signing.record_signature,
            key,
            actor,
            settlements.actor_ref(actor),
            plan,
            sha256,
            len(signed),
            certificate.fingerprint,
            image is not None,
            settings.confirmation_days,
        )

    return await _retrying(attempt)


async def apply(
    settings: Settings, db: Database, key: AuditKey, actor: Actor, case_id: int, data: ApplyIn
) -> SettlementConfirmation:
    return await db.write(
        confirmations.apply_for_confirmation,
        key,
        actor,
        settlements.actor_ref(actor),
        case_id,
        data,
        settings.confirmation_days,
    )


async def decide(
    settings: Settings, db: Database, key: AuditKey, actor: Actor, case_id: int, data: DecideIn
) -> SettlementConfirmation:
    """The judge's ruling: rendered with the signed agreement inside, signed and locked."""
    plan = await db.read(confirmations.plan_ruling, actor, case_id, data)
    agreement_pdf = await asyncio.to_thread(read_file, settings, case_id, plan.agreement_sha256)
    ruling = Ruling(
        case_number=plan.signer.case_number,
        court_name=plan.court_name,
        judge_name=plan.signer.name,
        agreement=agreement_of(plan.terms),
        agreement_sha256=plan.agreement_sha256,
        decided_at=plan.decided_at,
        languages=tuple(plan.terms["languages"]),
        verify_url=settlements.verify_url(settings.public_url, plan.ref),
        confirmed=plan.confirmed,
        judge_reason=plan.reason,
    )
    rendered = await asyncio.to_thread(render.render_ruling, ruling, agreement_pdf)
    unsigned = await asyncio.to_thread(store_file, settings, case_id, rendered.pdf)
    certificate = await _certificate(settings, db, key, plan.signer)
    signed = await _signed(settings, rendered.pdf, plan.signer, certificate, None, lock=True)
    sha256 = await asyncio.to_thread(store_file, settings, case_id, signed)
    return await db.write(
        confirmations.record_ruling,
        key,
        actor,
        settlements.actor_ref(actor),
        plan,
        (unsigned, len(rendered.pdf)),
        (sha256, len(signed)),
        certificate.fingerprint,
    )


async def check(settings: Settings, db: Database, pdf: bytes) -> Checked:
    """Verify an uploaded PDF against the court CA and compare it with the public record."""
    ca = await asyncio.to_thread(ca_certificate, settings)
    report = await asyncio.to_thread(verify_bytes, pdf, ca)
    match = await db.read(settlement_records.match_hash, report.sha256)
    embedded = None
    if report.embedded_agreement_sha256:
        embedded = await db.read(settlement_records.match_hash, report.embedded_agreement_sha256)
    return Checked(report, match, embedded)


async def _certificate(
    settings: Settings, db: Database, key: AuditKey, signer: settlements.Signer
) -> settlements.Certificate:
    """The signer's certificate for this case and role, issued at their first signature."""
    if signer.certificate is not None:
        return signer.certificate

    def issue() -> pki.Identity:
        ca = ensure_ca(settings)
        return pki.issue(
            ca.identity,
            ca.passphrase,
            name=signer.name,
            role=signer.field,
            serial_hint=f"{signer.case_number}/{signer.holder}",
            key_passphrase=ca.passphrase,
        )

    identity = await asyncio.to_thread(issue)
    return await db.write(
        settlement_signing.save_certificate,
        key,
        signer,
        identity.cert_pem,
        identity.key_pem,
        pki.fingerprint(identity.cert_pem),
    )


async def _signed(
    settings: Settings,
    pdf: bytes,
    signer: settlements.Signer,
    certificate: settlements.Certificate,
    image: bytes | None,
    *,
    lock: bool,
) -> bytes:
    def run() -> bytes:
        return signing.sign(
            pdf,
            field=signer.field,
            signer=pki.Identity(certificate.key_pem, certificate.cert_pem),
            key_passphrase=passphrase(settings),
            ca_cert_pem=ca_certificate(settings),
            reason=reason(signer.field),
            location=signer.location,
            image_png=image,
            lock=lock,
            tsa_url=settings.tsa_url,
        )

    return await asyncio.to_thread(run)


async def _retrying(attempt: Callable[[], Awaitable[T]]) -> T:
    for left in range(ATTEMPTS - 1, -1, -1):
        try:
            return await attempt()
        except Conflict as exc:
            if exc.code != "settlement_changed" or left == 0:
                raise
    raise AssertionError("unreachable")

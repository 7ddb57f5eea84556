"""Checks a signed agreement or ruling: signatures, trust, changes, embedded agreement.

Built on pyHanko's validation with change analysis: a signature is *intact* when its bytes
hash to what was signed, *trusted* when its certificate chains to the given court CA (and only
to it), and the file is *altered* when the last signature does not cover the whole file or a
change after some signature is not one the document's policy permits (content appended after
signing, a page edited in a later revision). For a ruling, the embedded ``agreement.pdf`` must
hash to the sha256 the ruling records (``ruling.json``, also printed on the page), and its own
signatures must pass the same checks.

``verify`` blocks (pyHanko runs an event loop internally): call it from a worker thread in an
aiohttp handler.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import datetime
from io import BytesIO
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from documents import signature_bytes
from odr.errors import InvalidInput

PERMITTED_LEVELS = ("NONE", "LTA_UPDATES", "FORM_FILLING")
MAX_NESTING = 1  # a ruling's embedded agreement is checked; an agreement embeds nothing


@dataclass(frozen=True)
class SignerReport:
    """One signature: who (CN), in which role (certificate title), when, and its state.

    ``modification_level`` is pyHanko's ModificationLevel name (``NONE``, ``LTA_UPDATES``,
    ``FORM_FILLING``, ``ANNOTATIONS``, ``OTHER``) or ``UNKNOWN``.
    """

    field: str
    name: str
    role: str
    signed_at: datetime | None
    cert_sha256: str
    intact: bool
    trusted: bool
    covers_whole_document: bool
    modification_level: str


@dataclass(frozen=True)
class Report:
    """The verdict on one PDF; ``problems`` are catalogue keys (``verify.*``)."""

    ok: bool
    sha256: str
    signers: tuple[SignerReport, ...]
    altered_after_last_signature: bool
    case_number: str | None
    kind: str | None  # "agreement" | "ruling"
    embedded_agreement_sha256: str | None
    embedded_agreement_matches: bool | None
    problems: tuple[str, ...]
    unsigned_fields: tuple[str, ...] = ()  # signature boxes still empty (roles), in page order

    @property
    def complete(self) -> bool:
        """Every signature box of the document is signed (a final document, not a revision)."""
        return not self.unsigned_fields


def verify(pdf: bytes, trusted_ca_pem: bytes) -> Report:
    """Validates every signature of ``pdf`` against ``trusted_ca_pem`` only.

    Raises ``InvalidInput("pdf_unreadable")`` when ``pdf`` is not a readable PDF; never a
    traceback. ``ok`` is true only when there is at least one signature, every signature is
    intact and trusted, nothing was changed after the last one, and (for a ruling) the
    embedded agreement matches the recorded sha256 and verifies itself.
    """
    context, ca = _context(trusted_ca_pem)
    return _verify(pdf, context, ca, depth=0)


def _verify(pdf: bytes, context: ValidationContext, ca: x509.Certificate, depth: int) -> Report:
    digest = hashlib.sha256(pdf).hexdigest()
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
        attachments = _attachments(reader)
        unsigned = tuple(name for name, _, _ in enumerate_sig_fields(reader, filled_status=False))
    except Exception as exc:
        raise InvalidInput("pdf_unreadable") from exc
    problems: list[str] = []
    signers: list[SignerReport] = []
    statuses: list[PdfSignatureStatus | None] = []
    for signature in embedded:
        status = _validate(signature, context)
        statuses.append(status)
        report = _signer_report(signature.field_name or "", status)
        if report.intact and not signature_bytes.as_written(pdf, signature):
            report = replace(report, intact=False)
        if report.trusted and not signature_bytes.as_issued(signature, ca):
            report = replace(report, intact=False)
        signers.append(report)
    if not signers:
        problems.append("verify.no_signatures")
    if any(not s.intact for s in signers):
        problems.append("verify.broken")
    if any(s.intact and not s.trusted for s in signers):
        problems.append("verify.untrusted")
    if any(s.role and s.field and s.role != s.field for s in signers):
        problems.append("verify.role_mismatch")
    altered = bool(signers) and not signers[-1].covers_whole_document
    if altered:
        problems.append("verify.altered")
    if any(
        status is not None and (status.docmdp_ok is False or _level(status) not in PERMITTED_LEVELS)
        for status in statuses
    ):
        problems.append("verify.not_permitted")

    terms = _json(attachments.get("ruling.json") or attachments.get("agreement.json"))
    kind = terms.get("kind") if isinstance(terms.get("kind"), str) else None
    case_number = terms.get("case_number") if isinstance(terms.get("case_number"), str) else None
    embedded_sha: str | None = None
    matches: bool | None = None
    if kind == "ruling":
        inner = attachments.get("agreement.pdf")
        if inner is None:
            problems.append("verify.embedded_agreement_missing")
            matches = False
        else:
            embedded_sha = hashlib.sha256(inner).hexdigest()
            matches = embedded_sha == str(terms.get("agreement_sha256", "")).lower()
            if not matches:
                problems.append("verify.embedded_agreement_mismatch")
            elif depth < MAX_NESTING and not _inner_ok(inner, context, ca, depth):
                problems.append("verify.embedded_agreement_invalid")
    return Report(
        ok=not problems,
        sha256=digest,
        signers=tuple(signers),
        altered_after_last_signature=altered,
        case_number=case_number,
        kind=kind,
        embedded_agreement_sha256=embedded_sha,
        embedded_agreement_matches=matches,
        problems=tuple(dict.fromkeys(problems)),
        unsigned_fields=unsigned,
    )


def _context(trusted_ca_pem: bytes) -> tuple[ValidationContext, x509.Certificate]:
    try:
        ca = x509.load_pem_x509_certificate(trusted_ca_pem)
    except ValueError as exc:
        raise InvalidInput("certificate_unreadable") from exc
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(ca.public_bytes(Encoding.DER))],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    return context, ca


def _validate(signature: Any, context: ValidationContext) -> PdfSignatureStatus | None:
    """pyHanko's verdict on one signature; None when it cannot even parse it (broken)."""
    try:
        status: PdfSignatureStatus = validate_pdf_signature(
            signature, signer_validation_context=context
        )
    except Exception:
        return None
    return status


def _signer_report(field: str, status: PdfSignatureStatus | None) -> SignerReport:
    if status is None:
        return SignerReport(field, "", "", None, "", False, False, False, "UNKNOWN")
    cert = status.signing_cert
    subject = cert.subject.native
    signed_at = status.signer_reported_dt
    if status.timestamp_validity is not None:
        signed_at = status.timestamp_validity.timestamp
    return SignerReport(
        field=field,
        name=str(subject.get("common_name", "")),
        role=str(subject.get("title", "")),
        signed_at=signed_at,
        cert_sha256=hashlib.sha256(cert.dump()).hexdigest(),
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        covers_whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        modification_level=_level(status),
    )


def _level(status: PdfSignatureStatus) -> str:
    level = status.modification_level
    return "UNKNOWN" if level is None else str(level.name)


def _attachments(reader: PdfFileReader) -> dict[str, bytes]:
    """The embedded files named in the catalogue's /EmbeddedFiles name tree (flat)."""
    out: dict[str, bytes] = {}
    try:
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
    except KeyError:
        return out
    for index in range(0, len(names) - 1, 2):
        name = str(names[index])
        spec = names[index + 1].get_object()
        out[name] = spec["/EF"]["/F"].get_object().data
    return out


def _json(data: bytes | None) -> dict[str, Any]:
    if not data:
        return {}
    try:
        value = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def _inner_ok(inner: bytes, context: ValidationContext, ca: x509.Certificate, depth: int) -> bool:
    try:
        return _verify(inner, context, ca, depth + 1).ok
    except InvalidInput:
        return False

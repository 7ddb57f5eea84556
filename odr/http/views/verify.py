"""Public verification: upload a PDF, look up a hash or a QR reference, fetch the court CA."""

from __future__ import annotations

import asyncio
import re

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from documents import court_keys, workflow
from odr.errors import InvalidInput, NotFound, OdrError, TooLarge
from odr.http.errors import language
from odr.http.io import client_address, respond
from odr.http.keys import DB, SETTINGS, VERIFY_LIMITER
from odr.http.views.documents_out import HashOut, RecordOut, SignerOut, VerifyOut
from odr.http.views.settlements import pdf_response
from odr.i18n import translate
from odr.services import settlement_records

CHUNK = 64 * 1024
SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")
REF = re.compile(r"^[A-Za-z0-9_-]{8,32}$")


async def post_verify(request: web.Request) -> web.Response:
    """``multipart/form-data`` with one ``file`` part: the PDF to check."""
    settings = request.app[SETTINGS]
    limit = settings.max_upload_bytes
    if request.content_length is not None and request.content_length > limit + 65536:
        raise TooLarge("file_too_large", field="file", limit_mb=max(1, limit // (1024 * 1024)))
    if not request.content_type.startswith("multipart/"):
        raise OdrError("expected_multipart", status=415)
    limiter, address = request.app[VERIFY_LIMITER], client_address(request)
    limiter.check(address)  # 429 with Retry-After past the limit
    limiter.count(address)
    pdf = await _uploaded(request, limit)
    if not pdf.startswith(b"%PDF-"):
        raise InvalidInput("not_a_pdf", field="file")
    db = request.app[DB]
    checked = await workflow.check(settings, db, pdf)
    report = checked.report
    known = await db.read(
        settlement_records.known_fingerprints, [s.cert_sha256 for s in report.signers]
    )
    lang = language(request)
    public_url = settings.public_url
    out = VerifyOut(
        ok=report.ok,
        sha256=report.sha256,
        kind=report.kind,
        case_number=report.case_number,
        signers=[
            SignerOut(
                field=s.field,
                name=s.name,
                role=s.role,
                signed_at=s.signed_at,
                cert_sha256=s.cert_sha256,
                intact=s.intact,
                trusted=s.trusted,
                covers_whole_document=s.covers_whole_document,
                modification_level=s.modification_level,
                issued_by_court=s.cert_sha256 in known,
            )
            for s in report.signers
        ],
        altered_after_last_signature=report.altered_after_last_signature,
        embedded_agreement_sha256=report.embedded_agreement_sha256,
        embedded_agreement_matches=report.embedded_agreement_matches,
        problems=list(report.problems),
        messages=[translate(p, lang) for p in report.problems],
        unsigned_fields=list(report.unsigned_fields),
        complete=report.complete,
        record=HashOut.of(report.sha256, checked.match, public_url),
        embedded_agreement_record=HashOut.of(
            report.embedded_agreement_sha256, checked.embedded, public_url
        )
        if checked.embedded is not None and report.embedded_agreement_sha256
        else None,
    )
    return respond(out)


async def _uploaded(request: web.Request, limit: int) -> bytes:
    try:
        reader = await request.multipart()
        while True:
            part = await reader.next()
            if part is None:
                raise InvalidInput("missing_field", field="file", field_name="file")
            if isinstance(part, BodyPartReader) and part.name == "file":
                break
        data = bytearray()
        while chunk := await part.read_chunk(CHUNK):
            data += chunk
            if len(data) > limit:
                raise TooLarge(
                    "file_too_large", field="file", limit_mb=max(1, limit // (1024 * 1024))
                )
    except (ValueError, HttpProcessingError):
        raise OdrError("invalid_multipart") from None
    return bytes(data)


async def get_hash(request: web.Request) -> web.Response:
    sha256 = request.match_info.get("sha256", "")
    if not SHA256.match(sha256):
        raise InvalidInput("invalid_field", field="sha256", field_name="sha256")
    match = await request.app[DB].read(settlement_records.match_hash, sha256.lower())
    return respond(HashOut.of(sha256.lower(), match, request.app[SETTINGS].public_url))


async def get_record(request: web.Request) -> web.Response:
    record = await request.app[DB].read(settlement_records.record_by_ref, _ref(request))
    return respond(RecordOut.of(record, request.app[SETTINGS].public_url))


async def get_record_pdf(request: web.Request) -> web.StreamResponse:
    row = await request.app[DB].read(settlement_records.public_file, _ref(request))
    return pdf_response(request, row)


async def get_ca(request: web.Request) -> web.Response:
    pem = await asyncio.to_thread(court_keys.ca_certificate, request.app[SETTINGS])
    return web.Response(
        body=pem,
        content_type="application/x-pem-file",
        headers={"Content-Disposition": 'inline; filename="court-ca.pem"'},
    )


def _ref(request: web.Request) -> str:
    ref = request.match_info.get("ref", "")
    if not REF.match(ref):
        raise NotFound("record_not_found", field="ref")
    return ref

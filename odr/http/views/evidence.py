"""Evidence: upload (multipart), list and download."""

from __future__ import annotations

import unicodedata
from collections.abc import AsyncIterator

from aiohttp import BodyPartReader, MultipartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from odr.domain.evidence import extension_for
from odr.errors import InvalidInput, OdrError, TooLarge
from odr.http.io import actor_of, actor_ref, int_param, respond
from odr.http.keys import AUDIT_KEY, DB, SETTINGS
from odr.http.views.out import EvidenceList, EvidenceOut
from odr.services import evidence

CHUNK = 64 * 1024


async def post_evidence(request: web.Request) -> web.Response:
    """``multipart/form-data`` with an optional ``description`` field, then ``file``."""
    actor = actor_of(request)
    case_id = int_param(request, "case_id")
    app = request.app
    settings = app[SETTINGS]
    if (
        request.content_length is not None
        and request.content_length > settings.max_upload_bytes + 65536
    ):
        raise TooLarge(
            "file_too_large", field="file", limit_mb=evidence.limit_mb(settings.max_upload_bytes)
        )
    await app[DB].read(evidence.check_may_add, actor, case_id)
    if not request.content_type.startswith("multipart/"):
        raise OdrError("expected_multipart", status=415)
    try:
        reader, part, description = await _file_part(request)
        filename = _printable(part.filename or "")
    except (ValueError, HttpProcessingError):  # no boundary, bad part headers, bad text
        raise OdrError("invalid_multipart") from None
    filename = filename[max(filename.rfind("/"), filename.rfind("\\")) + 1 :]
    received = await evidence.receive(
        evidence.case_folder(settings.evidence_dir, case_id),
        filename,
        _chunks(reader, part),
        settings.max_upload_bytes,
    )
    row = await app[DB].write(
        evidence.record,
        app[AUDIT_KEY],
        actor,
        actor_ref(actor),
        case_id,
        filename,
        received,
        description,
    )
    return respond(EvidenceOut.of(row), status=201)


async def _file_part(request: web.Request) -> tuple[MultipartReader, BodyPartReader, str]:
    """The ``file`` part, and the ``description`` when it comes first."""
    reader = await request.multipart()
    description = ""
    while True:
        part = await reader.next()
        if part is None:
            raise InvalidInput("missing_field", field="file", field_name="file")
        if not isinstance(part, BodyPartReader):
            continue
        if part.name == "description":
            raw = await part.read()  # bounded by the app's client_max_size
            try:
                text = bytes(raw).decode(part.get_charset(default="utf-8"))
            except (LookupError, ValueError):
                raise OdrError("invalid_utf8", field="description") from None
            description = _printable(text, keep="\n\t")[:500]
            continue
        if part.name == "file":
            return reader, part, description


def _printable(text: str, keep: str = "") -> str:
    """Without control characters, NUL or lone surrogates, which the database cannot store.
    Spaces stay, all of them (str.isprintable refuses every one but " ": a name typed with an
    ideographic space, U+3000, or a no-break space must come back as it was given)."""
    return "".join(
        ch for ch in text if ch.isprintable() or unicodedata.category(ch) == "Zs" or ch in keep
    )


async def _chunks(reader: MultipartReader, part: BodyPartReader) -> AsyncIterator[bytes]:
    """The file's bytes; a body cut short before the closing boundary is refused, not kept."""
    try:
        while chunk := await part.read_chunk(CHUNK):
            yield chunk
        await reader.next()  # the boundary after the file must be there
    except (ValueError, HttpProcessingError):
        raise OdrError("invalid_multipart") from None


async def list_evidence(request: web.Request) -> web.Response:
    actor = actor_of(request)
    case_id = int_param(request, "case_id")
    rows = await request.app[DB].read(evidence.list_for, actor, case_id)
    return respond(EvidenceList(evidence=[EvidenceOut.of(r) for r in rows]))


async def get_evidence_file(request: web.Request) -> web.StreamResponse:
    actor = actor_of(request)
    case_id = int_param(request, "case_id")
    evidence_id = int_param(request, "evidence_id")
    row = await request.app[DB].read(evidence.get, actor, case_id, evidence_id)
    path = evidence.case_folder(request.app[SETTINGS].evidence_dir, case_id) / row.sha256
    return web.FileResponse(
        path,
        headers={
            "Content-Type": row.media_type,
            "Content-Disposition": (
                f'attachment; filename="evidence-{row.id}{extension_for(row.media_type)}"'
            ),
            "X-Content-Type-Options": "nosniff",
        },
    )

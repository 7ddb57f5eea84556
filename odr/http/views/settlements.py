"""Settlement agreements of a case: drafts, change requests, signatures, confirmation, PDFs."""

from __future__ import annotations

from aiohttp import web

from documents import workflow
from odr.http.io import actor_of, int_param, read_json, respond
from odr.http.keys import AUDIT_KEY, DB, SETTINGS
from odr.http.views.documents_out import (
    ChangeRequestOut,
    ConfirmationOut,
    SettlementOut,
    VersionOut,
)
from odr.services import settlement_records, settlements
from odr.services.settlement_schemas import (
    ApplyIn,
    ChangeRequestIn,
    DecideIn,
    DraftIn,
    SignIn,
)
from odr.store.models import DocumentFile


async def get_settlement(request: web.Request) -> web.Response:
    actor = actor_of(request)
    case_id = int_param(request, "case_id")
    settings = request.app[SETTINGS]
    found = await request.app[DB].read(
        settlement_records.overview, actor, case_id, settings.confirmation_days
    )
    return respond(SettlementOut.of(found, settings.public_url))


async def post_version(request: web.Request) -> web.Response:
    actor = actor_of(request)
    case_id = int_param(request, "case_id")
    data = await read_json(request, DraftIn)
    app = request.app
    version = await workflow.draft(app[SETTINGS], app[DB], app[AUDIT_KEY], actor, case_id, data)
    return respond(VersionOut.of(version, []), status=201)


async def post_change_request(request: web.Request) -> web.Response:
    actor = actor_of(request)
    case_id = int_param(request, "case_id")
    data = await read_json(request, ChangeRequestIn)
    app = request.app
    row = await app[DB].write(
        settlements.request_changes,
        app[AUDIT_KEY],
        actor,
        settlements.actor_ref(actor),
        case_id,
        data.version_id,
        data.text,
    )
    return respond(ChangeRequestOut.of(row), status=201)


async def post_signature(request: web.Request) -> web.Response:
    actor = actor_of(request)
    case_id = int_param(request, "case_id")
    data = await read_json(request, SignIn)
    app = request.app
    version = await workflow.sign(app[SETTINGS], app[DB], app[AUDIT_KEY], actor, case_id, data)
    assert version.id is not None
    found = await app[DB].read(
        settlement_records.overview, actor, case_id, app[SETTINGS].confirmation_days
    )
    return respond(VersionOut.of(version, found.signatures))


async def post_confirmation(request: web.Request) -> web.Response:
    actor = actor_of(request)
    case_id = int_param(request, "case_id")
    data = await read_json(request, ApplyIn)
    app = request.app
    row = await workflow.apply(app[SETTINGS], app[DB], app[AUDIT_KEY], actor, case_id, data)
    return respond(ConfirmationOut.of(row, app[SETTINGS].public_url), status=201)


async def post_ruling(request: web.Request) -> web.Response:
    actor = actor_of(request)
    case_id = int_param(request, "case_id")
    data = await read_json(request, DecideIn)
    app = request.app
    row = await workflow.decide(app[SETTINGS], app[DB], app[AUDIT_KEY], actor, case_id, data)
    return respond(ConfirmationOut.of(row, app[SETTINGS].public_url))


async def get_draft_pdf(request: web.Request) -> web.StreamResponse:
    return await _case_pdf(request, "agreement_draft")


async def get_signed_pdf(request: web.Request) -> web.StreamResponse:
    return await _case_pdf(request, "agreement")


async def get_ruling_pdf(request: web.Request) -> web.StreamResponse:
    return await _case_pdf(request, "ruling")


async def _case_pdf(request: web.Request, kind: str) -> web.StreamResponse:
    actor = actor_of(request)
    case_id = int_param(request, "case_id")
    version_id = int_param(request, "version_id") if kind != "ruling" else None
    row = await request.app[DB].read(settlement_records.case_file, actor, case_id, version_id, kind)
    return pdf_response(request, row)


def pdf_response(request: web.Request, row: DocumentFile) -> web.StreamResponse:
    """A kept PDF, named after what it is and the start of its sha256."""
    path = settlement_records.file_path(
        request.app[SETTINGS].documents_dir, row.case_id, row.sha256
    )
    return web.FileResponse(
        path,
        headers={
            "Content-Type": "application/pdf",
            "Content-Disposition": f'attachment; filename="{row.kind}-{row.sha256[:12]}.pdf"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, max-age=0",
        },
    )

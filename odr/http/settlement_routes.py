"""The settlement documents' routes: drafts, signatures, confirmation, rulings, verification."""

from __future__ import annotations

from odr.http.route import PDF, Route
from odr.http.views import settlements as settlement_views
from odr.http.views import verify as verify_views
from odr.http.views.documents_out import (
    ChangeRequestOut,
    ConfirmationOut,
    HashOut,
    RecordOut,
    SettlementOut,
    VerifyOut,
    VersionOut,
)
from odr.services.settlement_schemas import ApplyIn, ChangeRequestIn, DecideIn, DraftIn, SignIn

SETTLEMENT_ROUTES: tuple[Route, ...] = (
    Route(
        "GET",
        "/api/cases/{case_id}/settlement",
        settlement_views.get_settlement,
        "The case's settlement: every version, signatures, change requests, confirmation",
        response=SettlementOut,
        session=True,
    ),
    Route(
        "POST",
        "/api/cases/{case_id}/settlement/versions",
        settlement_views.post_version,
        "Draft a new version of the settlement agreement (mediator or judge)",
        body=DraftIn,
        response=VersionOut,
        status=201,
        session=True,
    ),
    Route(
        "POST",
        "/api/cases/{case_id}/settlement/change-requests",
        settlement_views.post_change_request,
        "A party asks for changes to the current draft",
        body=ChangeRequestIn,
        response=ChangeRequestOut,
        status=201,
        session=True,
    ),
    Route(
        "POST",
        "/api/cases/{case_id}/settlement/signatures",
        settlement_views.post_signature,
        "Sign the current version (parties first, the mediator last); confirmed must be true",
        body=SignIn,
        response=VersionOut,
        session=True,
    ),
    Route(
        "POST",
        "/api/cases/{case_id}/settlement/confirmation",
        settlement_views.post_confirmation,
        "Apply for judicial confirmation of the signed agreement (within the deadline)",
        body=ApplyIn,
        response=ConfirmationOut,
        status=201,
        session=True,
    ),
    Route(
        "POST",
        "/api/cases/{case_id}/settlement/ruling",
        settlement_views.post_ruling,
        "Confirm or reject the agreement: a signed, locked ruling (judge)",
        body=DecideIn,
        response=ConfirmationOut,
        session=True,
    ),
    Route(
        "GET",
        "/api/cases/{case_id}/settlement/versions/{version_id}/draft.pdf",
        settlement_views.get_draft_pdf,
        "A version's unsigned agreement PDF",
        session=True,
        binary=PDF,
    ),
    Route(
        "GET",
        "/api/cases/{case_id}/settlement/versions/{version_id}/signed.pdf",
        settlement_views.get_signed_pdf,
        "A version's newest signed agreement PDF",
        session=True,
        binary=PDF,
    ),
    Route(
        "GET",
        "/api/cases/{case_id}/settlement/ruling.pdf",
        settlement_views.get_ruling_pdf,
        "The signed confirmation ruling PDF",
        session=True,
        binary=PDF,
    ),
    Route(
        "POST",
        "/api/verify",
        verify_views.post_verify,
        "Verify a PDF: signatures, trust, changes, and the public record (public)",
        response=VerifyOut,
        upload=True,
    ),
    Route(
        "GET",
        "/api/verify/{sha256}",
        verify_views.get_hash,
        "Whether a file's sha256 is in the public record (public)",
        response=HashOut,
    ),
    Route(
        "GET",
        "/api/records/{ref}",
        verify_views.get_record,
        "The public record of a document, by the reference in its QR code",
        response=RecordOut,
    ),
    Route(
        "GET",
        "/api/records/{ref}/document.pdf",
        verify_views.get_record_pdf,
        "The finished document of a record (signed agreement or ruling)",
        binary=PDF,
    ),
    Route(
        "GET",
        "/api/ca.pem",
        verify_views.get_ca,
        "The court CA certificate (PEM) that verifiers trust",
        binary=("application/x-pem-file",),
    ),
)

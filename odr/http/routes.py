"""Every route in one table: the router and the OpenAPI document are both built from it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from pydantic import BaseModel

from odr.domain.evidence import ALLOWED
from odr.http import params
from odr.http.params import TZ, Query
from odr.http.views import cases, directory, evidence, meta, public, staff
from odr.http.views import hearings as hearing_views
from odr.http.views import settlements as settlement_views
from odr.http.views import statistics as statistics_views
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
from odr.http.views.hearing_out import (
    HearingChanged,
    HearingList,
    HearingOut,
    InvitedOut,
    ParticipantOut,
)
from odr.http.views.out import (
    CaseList,
    CaseOut,
    CaseSummary,
    CodeOut,
    EvidenceList,
    EvidenceOut,
    FiledOut,
    Health,
    History,
    IntakeOut,
    PartyOut,
    SessionOut,
    TreeHead,
)
from odr.services.hearing_schemas import EmailIn, InviteIn, RescheduleIn, ScheduleIn
from odr.services.schemas import AddPartyIn, AssignIn, FileCaseIn, LoginIn, SessionIn, TransitionIn
from odr.services.settlement_schemas import ApplyIn, ChangeRequestIn, DecideIn, DraftIn, SignIn

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Handler
    summary: str
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    session: bool = False  # needs a staff or party session
    upload: bool = False
    binary: tuple[str, ...] = ()  # media types of a non-JSON response
    query: tuple[Query, ...] = ()


PDF = ("application/pdf",)


ROUTES: tuple[Route, ...] = (
    Route("GET", "/healthz", public.healthz, "Liveness and database check", response=Health),
    Route(
        "GET",
        "/api/intake/{intake_code}",
        public.get_intake,
        "Micro-court of an intake code",
        response=IntakeOut,
    ),
    Route(
        "POST",
        "/api/cases",
        public.post_case,
        "File a case from an intake code",
        body=FileCaseIn,
        response=FiledOut,
        status=201,
    ),
    Route(
        "POST",
        "/api/session",
        public.post_session,
        "Exchange a personal code for a party session",
        body=SessionIn,
        response=SessionOut,
    ),
    Route("POST", "/api/login", staff.post_login, "Staff login", body=LoginIn, response=SessionOut),
    Route("POST", "/api/logout", staff.post_logout, "End the session", response=staff.LoggedOut),
    Route("GET", "/api/me", staff.get_me, "The current session", response=SessionOut, session=True),
    Route(
        "GET",
        "/api/staff",
        directory.list_staff,
        "Staff of the caller's court, by name (?role=mediator); staff only",
        response=directory.StaffListOut,
        session=True,
        query=params.STAFF_LIST,
    ),
    Route(
        "GET",
        "/api/cases",
        cases.list_cases,
        "Cases the caller may see",
        response=CaseList,
        session=True,
        query=params.CASE_LIST,
    ),
    Route(
        "GET", "/api/cases/{case_id}", cases.get_case, "One case", response=CaseOut, session=True
    ),
    Route(
        "GET",
        "/api/cases/{case_id}/history",
        cases.get_history,
        "The case's entries in the audit log",
        response=History,
        session=True,
    ),
    Route(
        "POST",
        "/api/cases/{case_id}/transitions",
        cases.post_transition,
        "Move the case to another state",
        body=TransitionIn,
        response=CaseSummary,
        session=True,
    ),
    Route(
        "POST",
        "/api/cases/{case_id}/assignment",
        cases.post_assign,
        "Assign or reassign the mediator",
        body=AssignIn,
        response=CaseSummary,
        session=True,
    ),
    Route(
        "POST",
        "/api/cases/{case_id}/parties",
        cases.post_party,
        "Add a party or agent",
        body=AddPartyIn,
        response=PartyOut,
        status=201,
        session=True,
    ),
    Route(
        "POST",
        "/api/parties/{party_id}/code",
        cases.post_code,
        "Issue or reissue a party's personal code",
        response=CodeOut,
        status=201,
        session=True,
    ),
    Route(
        "DELETE",
        "/api/parties/{party_id}/code",
        cases.delete_code,
        "Revoke a party's personal code",
        status=204,
        session=True,
    ),
    Route(
        "GET",
        "/api/cases/{case_id}/evidence",
        evidence.list_evidence,
        "Evidence of a case",
        response=EvidenceList,
        session=True,
    ),
    Route(
        "POST",
        "/api/cases/{case_id}/evidence",
        evidence.post_evidence,
        "Upload evidence (photo, PDF, audio)",
        response=EvidenceOut,
        status=201,
        session=True,
        upload=True,
    ),
    Route(
        "GET",
        "/api/cases/{case_id}/evidence/{evidence_id}",
        evidence.get_evidence_file,
        "Download an evidence file",
        session=True,
        binary=tuple(kind.media_type for kind in ALLOWED),
    ),
    Route(
        "GET",
        "/api/audit/tree-head",
        meta.get_tree_head,
        "The audit log's latest signed tree head",
        response=TreeHead,
    ),
    Route(
        "GET",
        "/api/i18n/{lang}",
        meta.get_catalogue,
        "Translation catalogue",
        response=meta.Catalogue,
    ),
    Route(
        "GET", "/api/openapi.json", meta.get_openapi, "This document", response=meta.OpenApiDocument
    ),
    # Settlement documents -------------------------------------------------------------
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
    # Hearings (scheduling) ------------------------------------------------------------
    Route(
        "POST",
        "/api/cases/{case_id}/hearings",
        hearing_views.post_hearing,
        "Schedule a hearing of the case (its parties are invited)",
        body=ScheduleIn,
        response=HearingChanged,
        status=201,
        session=True,
        query=(TZ,),
    ),
    Route(
        "GET",
        "/api/cases/{case_id}/hearings",
        hearing_views.list_case_hearings,
        "Hearings of a case (times also in the viewer's zone, ?tz=)",
        response=HearingList,
        session=True,
        query=(TZ,),
    ),
    Route(
        "GET",
        "/api/hearings",
        hearing_views.list_my_hearings,
        "The caller's calendar of hearings (?from=, ?to=, ?tz=)",
        response=HearingList,
        session=True,
        query=params.CALENDAR,
    ),
    Route(
        "GET",
        "/api/hearings/{hearing_id}",
        hearing_views.get_hearing,
        "One hearing and its participants",
        response=HearingOut,
        session=True,
        query=(TZ,),
    ),
    Route(
        "PATCH",
        "/api/hearings/{hearing_id}",
        hearing_views.patch_hearing,
        "Reschedule a hearing (start, length, title)",
        body=RescheduleIn,
        response=HearingChanged,
        session=True,
        query=(TZ,),
    ),
    Route(
        "DELETE",
        "/api/hearings/{hearing_id}",
        hearing_views.delete_hearing,
        "Cancel a hearing",
        response=HearingChanged,
        session=True,
        query=(TZ,),
    ),
    Route(
        "POST",
        "/api/hearings/{hearing_id}/participants",
        hearing_views.post_participant,
        "Invite an interpreter or agent (their personal code is shown once)",
        body=InviteIn,
        response=InvitedOut,
        status=201,
        session=True,
    ),
    Route(
        "PUT",
        "/api/hearings/{hearing_id}/participants/{participant_id}/email",
        hearing_views.put_participant_email,
        "Where a participant's invitations are mailed",
        body=EmailIn,
        response=ParticipantOut,
        session=True,
    ),
    Route(
        "GET",
        "/api/hearings/{hearing_id}/invitation.ics",
        hearing_views.get_invitation,
        "The caller's iCalendar invitation",
        session=True,
        binary=("text/calendar",),
        query=(TZ,),
    ),
)


# Statistics -------------------------------------------------------------------------
ROUTES += (
    Route(
        "GET",
        "/api/statistics",
        statistics_views.get_statistics,
        "Court statistics for staff: cases per month by state, category, micro-court (?months=, ?tz= the viewer's zone)",
        response=statistics_views.StatisticsOut,
        session=True,
        query=params.STATISTICS,
    ),
)


def setup_routes(app: web.Application) -> None:
    for route in ROUTES:
        app.router.add_route(route.method, route.path, route.handler)

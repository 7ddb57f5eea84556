"""Every route in one table (cases, staff and statistics here; settlements and hearings in their
own modules): the router and the OpenAPI document are both built from it."""

from __future__ import annotations

from aiohttp import web

from odr.domain.evidence import ALLOWED
from odr.http import params
from odr.http.hearing_routes import HEARING_ROUTES
from odr.http.route import Route
from odr.http.settlement_routes import SETTLEMENT_ROUTES
from odr.http.views import cases, directory, evidence, meta, public, staff
from odr.http.views import statistics as statistics_views
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
from odr.services.schemas import AddPartyIn, AssignIn, FileCaseIn, LoginIn, SessionIn, TransitionIn

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
)


ROUTES += SETTLEMENT_ROUTES + HEARING_ROUTES

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

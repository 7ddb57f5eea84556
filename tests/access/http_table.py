"""Who may call which endpoint: one row per route (``METHOD path``, and ``· variant`` when one
route needs more than one question), one column per role. Written from what a court requires,
not recorded from what the code answers:

- a party sees and acts on its own case only, never another case's data; an interpreter sees
  the hearing it is invited to and nothing else of the case file;
- staff see the cases of their own court only (a judge of another court sees nothing here);
- the registry (clerk, admin) manages the file: parties, codes, assignment, withdrawal;
- the case's mediator mediates, drafts and signs the agreement; only a judge rules;
- public things (health, intake, filing, verification of a document, the CA) are public.

Each cell is the HTTP status expected, or ``hid``: 200, but this case (hearing, court) is
not in the answer. ``409`` means the access rules let the caller through and the state of the
case refused it (an application for confirmation made a second time): the service checks
access before state, so a 409 is never a refusal in disguise. 401: nobody logged in; 403:
logged in, not allowed; 404: an id of another case used under this case's path.

Columns (access_world.ROLES): anonymous, party of this case, party of another case of the
same court, clerk, the case's mediator, judge of this court, judge of another court, admin,
interpreter invited to this case's hearing.
"""

from __future__ import annotations

COLUMNS = "anon party other clerk medi judge ojudge admin interp"

# Rows run in this order, each against its scene (see http_asks.py); the settlement rows
# take one case from a draft to a confirmed ruling.
TABLE: dict[str, str] = {
    # Public ------------------------------------------------------------- anon party other clerk medi judge ojudge admin interp
    "GET /healthz":                                                      "200  200   200   200   200  200   200    200   200",
    "GET /api/intake/{intake_code}":                                     "200  200   200   200   200  200   200    200   200",
    "POST /api/cases":                                                   "201  201   201   201   201  201   201    201   201",
    "POST /api/session":                                                 "200  200   200   200   200  200   200    200   200",
    "POST /api/login":                                                   "200  200   200   200   200  200   200    200   200",
    "POST /api/logout":                                                  "200  200   200   200   200  200   200    200   200",
    "GET /api/audit/tree-head":                                          "200  200   200   200   200  200   200    200   200",
    "GET /api/i18n/{lang}":                                              "200  200   200   200   200  200   200    200   200",
    "GET /api/openapi.json":                                             "200  200   200   200   200  200   200    200   200",
    "GET /api/ca.pem":                                                   "200  200   200   200   200  200   200    200   200",
    # Who one is, the court's staff and figures
    "GET /api/me":                                                       "401  200   200   200   200  200   200    200   200",
    "GET /api/staff":                                                    "401  403   403   200   200  200   200    200   403",
    "GET /api/statistics":                                               "401  403   403   200   200  200   hid    200   403",
    # The case file ------------------------------------------------------ anon party other clerk medi judge ojudge admin interp
    "GET /api/cases":                                                    "401  200   hid   200   200  200   hid    200   hid",
    "GET /api/cases/{case_id}":                                          "401  200   403   200   200  200   403    200   403",
    "GET /api/cases/{case_id}/history":                                  "401  200   403   200   200  200   403    200   403",
    "POST /api/cases/{case_id}/transitions · withdrawn":                 "401  200   403   200   200  403   403    200   403",
    "POST /api/cases/{case_id}/transitions · failed":                    "401  403   403   403   200  403   403    403   403",
    "POST /api/cases/{case_id}/transitions · closed":                    "401  403   403   200   403  200   403    200   403",
    "POST /api/cases/{case_id}/assignment":                              "401  403   403   200   403  403   403    200   403",
    "POST /api/cases/{case_id}/parties":                                 "401  403   403   201   201  403   403    201   403",
    "POST /api/parties/{party_id}/code":                                 "401  403   403   201   201  403   403    201   403",
    "DELETE /api/parties/{party_id}/code":                               "401  403   403   204   204  403   403    204   403",
    "GET /api/cases/{case_id}/evidence":                                 "401  200   403   200   200  200   403    200   403",
    "POST /api/cases/{case_id}/evidence":                                "401  201   403   201   201  201   403    201   403",
    "GET /api/cases/{case_id}/evidence/{evidence_id}":                   "401  200   403   200   200  200   403    200   403",
    "GET /api/cases/{case_id}/evidence/{evidence_id} · under another case": "401  403   404   404   404  404   403    404   403",
    # Hearings ----------------------------------------------------------- anon party other clerk medi judge ojudge admin interp
    "POST /api/cases/{case_id}/hearings":                                "401  403   403   201   201  201   403    201   403",
    "GET /api/cases/{case_id}/hearings":                                 "401  200   403   200   200  200   403    200   200",
    "GET /api/hearings":                                                 "401  200   hid   200   200  200   hid    200   200",
    "GET /api/hearings/{hearing_id}":                                    "401  200   403   200   200  200   403    200   200",
    "PATCH /api/hearings/{hearing_id}":                                  "401  403   403   200   200  200   403    200   403",
    "DELETE /api/hearings/{hearing_id}":                                 "401  403   403   200   200  200   403    200   403",
    "POST /api/hearings/{hearing_id}/participants":                      "401  403   403   201   201  201   403    201   403",
    "PUT /api/hearings/{hearing_id}/participants/{participant_id}/email": "401  200   403   200   200  200   403    200   403",
    "GET /api/hearings/{hearing_id}/invitation.ics":                     "401  200   403   200   200  200   403    200   200",
    # Settlement documents, from a draft to a confirmed ruling ------------ anon party other clerk medi judge ojudge admin interp
    "GET /api/cases/{case_id}/settlement":                               "401  200   403   200   200  200   403    200   403",
    "POST /api/cases/{case_id}/settlement/versions":                     "401  403   403   403   201  201   403    403   403",
    "GET /api/cases/{case_id}/settlement/versions/{version_id}/draft.pdf": "401  200   403   200   200  200   403    200   403",
    "POST /api/cases/{case_id}/settlement/change-requests":              "401  201   403   403   403  403   403    403   403",
    # The respondent has signed; the applicant signs, then the mediator, last.
    "POST /api/cases/{case_id}/settlement/signatures":                   "401  200   403   403   200  403   403    403   403",
    "GET /api/cases/{case_id}/settlement/versions/{version_id}/signed.pdf": "401  200   403   200   200  200   403    200   403",
    # The party applies first; the registry and the mediator may too, and find it applied.
    "POST /api/cases/{case_id}/settlement/confirmation":                 "401  201   403   409   409  403   403    409   403",
    "POST /api/cases/{case_id}/settlement/ruling":                       "401  403   403   403   403  200   403    403   403",
    "GET /api/cases/{case_id}/settlement/ruling.pdf":                    "401  200   403   200   200  200   403    200   403",
    # Checking a document is public: its QR code leads anyone there
    "POST /api/verify":                                                  "200  200   200   200   200  200   200    200   200",
    "GET /api/verify/{sha256}":                                          "200  200   200   200   200  200   200    200   200",
    "GET /api/records/{ref}":                                            "200  200   200   200   200  200   200    200   200",
    "GET /api/records/{ref}/document.pdf":                               "200  200   200   200   200  200   200    200   200",
}  # fmt: skip


def route_of(row: str) -> str:
    """``"POST /api/x · variant"`` -> ``"POST /api/x"``."""
    return row.split(" · ")[0]


def cells(row: str) -> list[str]:
    return TABLE[row].split()

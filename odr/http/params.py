"""What the API's parameters may be, as the OpenAPI document tells it: path segments and the
query parameters each view reads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from odr.domain import codes
from odr.domain.actors import Role
from odr.domain.case_state import CaseState
from odr.http.views.cases import MAX_CASES
from odr.http.views.hearings import MAX_LIST
from odr.http.views.verify import REF, SHA256
from odr.i18n import LANGUAGES
from odr.services.schemas import MAX_ID
from odr.services.statistics import MAX_MONTHS

ID: Mapping[str, Any] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
PATH: Mapping[str, Mapping[str, Any]] = {  # besides the ids (*_id)
    "intake_code": {"type": "string", "minLength": 1, "maxLength": 4 * codes.INTAKE_LENGTH},
    "lang": {"type": "string", "enum": list(LANGUAGES)},
    "sha256": {"type": "string", "pattern": SHA256.pattern},
    "ref": {"type": "string", "pattern": REF.pattern},
}


def path_schema(name: str) -> Mapping[str, Any]:
    return ID if name.endswith("_id") else PATH[name]


@dataclass(frozen=True)
class Query:
    name: str
    description: str
    schema: Mapping[str, Any] = field(hash=False)


TZ = Query("tz", "The viewer's IANA time zone (Asia/Shanghai)", {"type": "string"})
CASE_LIST = (
    Query(
        "state",
        "Only cases in this state",
        {"type": "string", "enum": [s.value for s in CaseState]},
    ),
    Query("limit", f"At most this many ({MAX_CASES} at most)", {**ID, "minimum": 1}),
    Query("offset", "Skip this many", {**ID, "minimum": 0}),
)
STAFF_LIST = (
    Query("role", "Only staff of this role", {"type": "string", "enum": [r.value for r in Role]}),
)
CALENDAR = (
    Query("from", "ISO 8601; naive times in the viewer's zone (a day ago)", {"type": "string"}),
    Query("to", "ISO 8601; naive times in the viewer's zone", {"type": "string"}),
    TZ,
    Query("limit", "At most this many (200)", {**ID, "maximum": MAX_LIST}),
)
STATISTICS = (
    Query("months", "How many months back (12)", {**ID, "maximum": MAX_MONTHS}),
    TZ,
)

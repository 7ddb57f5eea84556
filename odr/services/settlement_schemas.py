"""What callers send in for settlements: drafts, change requests, signatures, rulings."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from odr.services.schemas import Id, Lang, Short, Strict

SIDES = ("applicant", "respondent")
Side = Literal["applicant", "respondent"]
ClauseText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
# A drawn signature as a data URL: "data:image/png;base64,..." (checked in odr.services.settlements)
MAX_SIGNATURE_URL = 1_000_000  # the JSON body is bounded by max_json_bytes first


class ClauseIn(Strict):
    text: ClauseText
    amount_cents: Annotated[int, Field(ge=1, le=10**13)] | None = None
    currency: Annotated[str, StringConstraints(pattern="^[A-Z]{3}$")] = "CNY"
    due: date | None = None
    payer: Side | None = None
    payee: Side | None = None

    @model_validator(mode="after")
    def _who_pays_whom(self) -> ClauseIn:
        if self.amount_cents is not None and (self.payer is None or self.payee is None):
            raise ValueError("an amount needs a payer and a payee")
        if self.payer is not None and self.payer == self.payee:
            raise ValueError("payer and payee must differ")
        return self


class DraftIn(Strict):
    clauses: Annotated[list[ClauseIn], Field(min_length=1, max_length=50)]
    free_text: LongText = ""
    # Empty: Chinese, plus English when a party reads English.
    languages: list[Lang] = Field(default_factory=list, max_length=2)


class ChangeRequestIn(Strict):
    version_id: Id
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class SignIn(Strict):
    version_id: Id  # the version shown on screen; a newer one is refused
    confirmed: bool  # the signer ticked "I have read the agreement and sign it"
    signature_png: Annotated[str, StringConstraints(max_length=MAX_SIGNATURE_URL)] | None = None


class ApplyIn(Strict):
    note: Short = ""


class DecideIn(Strict):
    outcome: Literal["confirmed", "rejected"]
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""

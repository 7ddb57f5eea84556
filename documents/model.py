"""What a document says: plain frozen dataclasses, the only input of the templates.

No ORM objects cross into ``documents``: the workflow copies what the case holds into these
values, and the renderer turns them into PDF bytes. Datetimes are timezone-aware UTC; amounts
are integer cents (fen) so that no float rounding reaches a legal document.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

PARTY_ROLES = ("applicant", "respondent")


@dataclass(frozen=True)
class PartyInfo:
    """One party as the agreement names them (identity details are printed as given)."""

    role: str  # "applicant" | "respondent"
    name: str
    id_number: str = ""
    address: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Clause:
    """One agreed term: free wording plus, optionally, who pays whom how much by when.

    ``payer`` and ``payee`` are party roles ("applicant" / "respondent"); ``amount_cents`` is
    in the smallest unit of ``currency`` (fen for CNY).
    """

    text: str
    amount_cents: int | None = None
    currency: str = "CNY"
    due: date | None = None
    payer: str | None = None
    payee: str | None = None


@dataclass(frozen=True)
class Agreement:
    """A settlement agreement (调解协议书), one version of the mediator's draft.

    ``languages`` is ``("zh-CN",)``, ``("en",)`` or ``("zh-CN", "en")`` for a bilingual
    document (Chinese first, English beside it). ``drafted_at`` is UTC; it is printed and
    also pins the PDF metadata so the unsigned render is byte-identical across runs.
    ``verify_url`` is the QR code's target (the public verification page for this document).
    """

    case_number: str
    court_name: str
    microcourt_name: str
    mediator_name: str
    parties: tuple[PartyInfo, ...]
    facts: str
    clauses: tuple[Clause, ...]
    free_text: str
    languages: tuple[str, ...]
    version: int
    drafted_at: datetime
    verify_url: str


@dataclass(frozen=True)
class Ruling:
    """A civil ruling (民事裁定书) confirming (or refusing to confirm) an agreement.

    ``agreement_sha256`` is the sha256 (hex) of the signed agreement PDF that the ruling
    embeds; it is printed in the ruling and checked by :func:`documents.verify.verify`.
    ``confirmed=False`` renders a ruling that rejects the application.
    """

    case_number: str
    court_name: str
    judge_name: str
    agreement: Agreement
    agreement_sha256: str
    decided_at: datetime
    languages: tuple[str, ...]
    verify_url: str
    confirmed: bool = True
    judge_reason: str = ""  # the judge's own reasons, printed after the court's standard ones

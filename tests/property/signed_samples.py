"""Signed sample documents to mutate (built from tests/documents' doc_samples)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import doc_samples
from doc_samples import Court

from documents.render import render_agreement, render_ruling


@dataclass(frozen=True)
class SignedSamples:
    court: Court
    agreement: bytes  # signed by applicant, respondent and mediator
    ruling: bytes  # signed and locked by the judge, embedding the agreement


def build(directory: Path) -> SignedSamples:
    court = doc_samples.court(directory)
    agreement = render_agreement(doc_samples.agreement()).pdf
    for role in ("applicant", "respondent", "mediator"):
        agreement = court.sign(agreement, role)
    ruling = render_ruling(doc_samples.ruling(agreement), agreement).pdf
    return SignedSamples(court, agreement, court.sign(ruling, "judge", lock=True))

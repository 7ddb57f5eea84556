"""Property tests of the parsers: one database kind (SQLite), since what is checked is the
parsing in front of it, and signed sample documents to mutate; the other fixtures are the
shared ones (tests/conftest.py)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import doc_samples
import pytest
from doc_samples import Court

from documents.render import render_agreement, render_ruling


@pytest.fixture
def db_url(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "db" / "odr.sqlite3"
    path.parent.mkdir()
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@dataclass(frozen=True)
class SignedSamples:
    """A test court and its signed documents (as in tests/documents, built once here)."""

    court: Court
    agreement: bytes  # signed by applicant, respondent and mediator
    ruling: bytes  # signed and locked by the judge, embedding the agreement


@pytest.fixture(scope="session")
def signed_samples(tmp_path_factory: pytest.TempPathFactory) -> SignedSamples:
    court = doc_samples.court(tmp_path_factory.mktemp("court"))
    agreement = render_agreement(doc_samples.agreement()).pdf
    for role in ("applicant", "respondent", "mediator"):
        agreement = court.sign(agreement, role)
    ruling = render_ruling(doc_samples.ruling(agreement), agreement).pdf
    return SignedSamples(court, agreement, court.sign(ruling, "judge", lock=True))

"""Fixtures of the document tests: one test court (CA + people), signed documents, an NSS db.

Built once per session: rendering and signing are the slow parts.
"""

from __future__ import annotations

import pytest
from doc_samples import Court, Signed, agreement, court, ruling
from pdf_checks import nss_db

from documents.render import render_agreement, render_ruling


@pytest.fixture(scope="session")
def doc_court(tmp_path_factory: pytest.TempPathFactory) -> Court:
    return court(tmp_path_factory.mktemp("court"))


@pytest.fixture(scope="session")
def nss(doc_court: Court, tmp_path_factory: pytest.TempPathFactory) -> str:
    return nss_db(tmp_path_factory.mktemp("nss"), doc_court.ca.cert_pem)


@pytest.fixture(scope="session")
def signed_agreement(doc_court: Court, tmp_path_factory: pytest.TempPathFactory) -> Signed:
    rendered = render_agreement(agreement(("zh-CN", "en")))
    pdf = rendered.pdf
    for role in ("applicant", "respondent", "mediator"):
        pdf = doc_court.sign(pdf, role)
    path = tmp_path_factory.mktemp("signed") / "agreement.pdf"
    path.write_bytes(pdf)
    return Signed(rendered, pdf, path)


@pytest.fixture(scope="session")
def signed_ruling(
    doc_court: Court, signed_agreement: Signed, tmp_path_factory: pytest.TempPathFactory
) -> Signed:
    rendered = render_ruling(ruling(signed_agreement.pdf, ("zh-CN", "en")), signed_agreement.pdf)
    pdf = doc_court.sign(rendered.pdf, "judge", lock=True)
    path = tmp_path_factory.mktemp("signed") / "ruling.pdf"
    path.write_bytes(pdf)
    return Signed(rendered, pdf, path)

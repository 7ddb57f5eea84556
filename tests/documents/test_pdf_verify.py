"""Verification: genuine documents pass; each kind of tampering is caught (by us and by pyhanko)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from doc_samples import Court, Signed, agreement, court, ruling
from pdf_checks import (
    append_garbage,
    append_page_change,
    flip_byte,
    pdfsig,
    pyhanko_validate,
    swap_embedded_file,
)

from documents.pki import fingerprint
from documents.render import render_agreement, render_ruling
from documents.verify import verify
from odr.errors import InvalidInput


def test_genuine_agreement(doc_court: Court, signed_agreement: Signed) -> None:
    report = verify(signed_agreement.pdf, doc_court.ca.cert_pem)
    assert report.ok, report.problems
    assert report.problems == ()
    assert report.kind == "agreement"
    assert report.case_number == "(2026)粤0101民特调123号"
    assert report.sha256 == hashlib.sha256(signed_agreement.pdf).hexdigest()
    assert [(s.field, s.name, s.role) for s in report.signers] == [
        ("applicant", "张三", "applicant"),
        ("respondent", "李四<b>&", "respondent"),
        ("mediator", "王调解", "mediator"),
    ]
    for signer in report.signers:
        assert signer.intact and signer.trusted and signer.signed_at is not None
        assert signer.cert_sha256 == fingerprint(doc_court.people[signer.role].cert_pem)
    assert [s.covers_whole_document for s in report.signers] == [False, False, True]
    assert [s.modification_level for s in report.signers] == [
        "FORM_FILLING",
        "FORM_FILLING",
        "NONE",
    ]
    assert not report.altered_after_last_signature
    assert report.embedded_agreement_sha256 is None and report.embedded_agreement_matches is None


def test_genuine_ruling(doc_court: Court, signed_ruling: Signed, signed_agreement: Signed) -> None:
    report = verify(signed_ruling.pdf, doc_court.ca.cert_pem)
    assert report.ok, report.problems
    assert report.kind == "ruling"
    assert report.case_number == "(2026)粤0101民特123号"
    assert [(s.field, s.role) for s in report.signers] == [("judge", "judge")]
    assert report.embedded_agreement_sha256 == hashlib.sha256(signed_agreement.pdf).hexdigest()
    assert report.embedded_agreement_matches is True


def test_flipped_byte_is_caught(doc_court: Court, signed_agreement: Signed, tmp_path: Path) -> None:
    tampered = flip_byte(signed_agreement.pdf)
    report = verify(tampered, doc_court.ca.cert_pem)
    assert not report.ok
    assert "verify.broken" in report.problems
    assert not any(s.intact for s in report.signers)
    path = tmp_path / "flipped.pdf"
    path.write_bytes(tampered)
    assert pyhanko_validate(path, doc_court.ca_path).returncode != 0
    assert any(s.signature_validation != "Signature is Valid." for s in pdfsig(path))


@pytest.mark.parametrize("tamper", [append_garbage, append_page_change], ids=["bytes", "revision"])
def test_content_appended_after_signing_is_caught(
    doc_court: Court, signed_agreement: Signed, tamper: object, tmp_path: Path
) -> None:
    assert callable(tamper)
    tampered: bytes = tamper(signed_agreement.pdf)
    report = verify(tampered, doc_court.ca.cert_pem)
    assert not report.ok
    assert report.altered_after_last_signature
    assert "verify.altered" in report.problems
    assert all(s.intact and s.trusted for s in report.signers)  # the signed bytes are intact
    path = tmp_path / "appended.pdf"
    path.write_bytes(tampered)
    if tamper is append_page_change:  # (pyhanko's CLI lets trailing non-PDF bytes pass)
        assert pyhanko_validate(path, doc_court.ca_path).returncode != 0


def test_page_change_after_the_judge_locked_the_ruling(
    doc_court: Court, signed_ruling: Signed
) -> None:
    report = verify(append_page_change(signed_ruling.pdf), doc_court.ca.cert_pem)
    assert not report.ok
    assert {"verify.altered", "verify.not_permitted"} <= set(report.problems)


def test_signature_from_a_certificate_the_court_did_not_issue(
    doc_court: Court, tmp_path: Path, nss: str
) -> None:
    rogue = court(tmp_path / "rogue", court_name="上田县人民法院")  # same name, other key
    pdf = render_agreement(agreement()).pdf
    pdf = doc_court.sign(pdf, "applicant")
    pdf = rogue.sign(pdf, "respondent")
    report = verify(pdf, doc_court.ca.cert_pem)
    assert not report.ok
    assert report.problems == ("verify.untrusted",)
    assert [s.trusted for s in report.signers] == [True, False]
    assert all(s.intact for s in report.signers)
    path = tmp_path / "rogue.pdf"
    path.write_bytes(pdf)
    assert pyhanko_validate(path, doc_court.ca_path).returncode != 0
    seen = pdfsig(path, nss)
    assert seen[0].certificate_validation == "Certificate is Trusted."
    assert seen[1].certificate_validation != "Certificate is Trusted."


def test_ruling_whose_embedded_agreement_was_swapped_after_signing(
    doc_court: Court, signed_ruling: Signed
) -> None:
    other = render_agreement(agreement(clauses=4)).pdf
    tampered = swap_embedded_file(signed_ruling.pdf, "agreement.pdf", other)
    report = verify(tampered, doc_court.ca.cert_pem)
    assert not report.ok
    assert report.embedded_agreement_matches is False
    assert report.embedded_agreement_sha256 == hashlib.sha256(other).hexdigest()
    assert {"verify.embedded_agreement_mismatch", "verify.altered"} <= set(report.problems)


def test_ruling_signed_over_a_swapped_agreement(doc_court: Court, signed_agreement: Signed) -> None:
    """Swapped before the judge signed: every signature is fine, the hash check is not."""
    unsigned = render_ruling(ruling(signed_agreement.pdf), signed_agreement.pdf).pdf
    other = render_agreement(agreement(clauses=4)).pdf
    swapped = swap_embedded_file(unsigned, "agreement.pdf", other)
    pdf = doc_court.sign(swapped, "judge", lock=True)
    report = verify(pdf, doc_court.ca.cert_pem)
    assert all(s.intact and s.trusted for s in report.signers)
    assert not report.altered_after_last_signature
    assert not report.ok
    assert report.embedded_agreement_matches is False
    assert "verify.embedded_agreement_mismatch" in report.problems


def test_ruling_over_an_unsigned_agreement_is_flagged(doc_court: Court) -> None:
    unsigned_agreement = render_agreement(agreement()).pdf
    rendered = render_ruling(ruling(unsigned_agreement), unsigned_agreement)
    report = verify(doc_court.sign(rendered.pdf, "judge", lock=True), doc_court.ca.cert_pem)
    assert report.embedded_agreement_matches is True
    assert report.problems == ("verify.embedded_agreement_invalid",)
    assert not report.ok


def test_wrong_person_in_a_box_and_unsigned_documents(doc_court: Court) -> None:
    pdf = render_agreement(agreement()).pdf
    assert verify(pdf, doc_court.ca.cert_pem).problems == ("verify.no_signatures",)
    crossed = doc_court.sign(pdf, "respondent", field="applicant")
    report = verify(crossed, doc_court.ca.cert_pem)
    assert report.problems == ("verify.role_mismatch",)


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"garbage",
        b"%PDF-1.7\n",
        b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF",
        bytes(range(256)) * 40,
    ],
    ids=["empty", "text", "header", "no-root", "binary"],
)
def test_garbage_is_refused_without_a_traceback(doc_court: Court, garbage: bytes) -> None:
    with pytest.raises(InvalidInput) as refused:
        verify(garbage, doc_court.ca.cert_pem)
    assert refused.value.code == "pdf_unreadable"


@pytest.mark.parametrize("cut", [10, 2000, 100_000])
def test_truncated_signed_file_is_unreadable(
    doc_court: Court, signed_agreement: Signed, cut: int
) -> None:
    with pytest.raises(InvalidInput) as refused:
        verify(signed_agreement.pdf[:-cut], doc_court.ca.cert_pem)
    assert refused.value.code == "pdf_unreadable"

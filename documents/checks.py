"""Checking a PDF against the court CA without the database (the CLI and the API share it)."""

from __future__ import annotations

import hashlib

from documents import verify as verifier
from odr.errors import InvalidInput


def verify_bytes(pdf: bytes, ca_pem: bytes) -> verifier.Report:
    """The library's verdict; an unreadable file is a failed verification, not an error (an
    unreadable CA certificate is: ``InvalidInput("certificate_unreadable")``)."""
    try:
        return verifier.verify(pdf, ca_pem)
    except InvalidInput as exc:
        if exc.code == "certificate_unreadable":
            raise
        return verifier.Report(
            ok=False,
            sha256=hashlib.sha256(pdf).hexdigest(),
            signers=(),
            altered_after_last_signature=False,
            case_number=None,
            kind=None,
            embedded_agreement_sha256=None,
            embedded_agreement_matches=None,
            problems=("ui.verify.unreadable",),
        )

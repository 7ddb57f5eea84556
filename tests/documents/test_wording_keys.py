"""Every catalogue key the documents library uses exists in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from odr.i18n import LANGUAGES, catalogue

DOCUMENTS = Path(__file__).resolve().parents[2] / "documents"
MINE = ("model.py", "render.py", "pki.py", "signing.py", "verify.py", "wording.py")


def _sources() -> str:
    texts = [(DOCUMENTS / name).read_text("utf-8") for name in MINE]
    texts += [p.read_text("utf-8") for p in (DOCUMENTS / "templates").glob("*.html")]
    return "\n".join(texts)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_error_codes_problems_and_template_keys_are_translated(lang: str) -> None:
    source = _sources()
    codes = set(re.findall(r'(?:InvalidInput|StorageUnavailable)\(\s*"([a-z_]+)"', source))
    problems = set(re.findall(r'"(verify\.[a-z_]+)"', source))
    doc_keys = set(re.findall(r"'(doc\.[a-z_.]+)'", source)) | set(
        re.findall(r'"(doc\.[a-z_.]+)"', source)
    )
    assert {"pdf_unreadable", "signature_field_filled"} <= codes
    assert {"verify.altered", "verify.untrusted", "verify.broken"} <= problems
    assert {"doc.agreement.title", "doc.ruling.title"} <= doc_keys
    known = catalogue(lang)
    missing = sorted(
        key
        for key in {f"error.{c}" for c in codes} | problems | doc_keys
        if key not in known and not key.endswith(".")
    )
    assert missing == []
    # keys built at run time
    for role in ("applicant", "respondent", "mediator", "judge"):
        assert f"doc.role.{role}" in known
    for outcome in ("confirmed", "rejected"):
        assert f"doc.ruling.reason_{outcome}" in known and f"doc.ruling.order_{outcome}" in known

"""PDF verification input: arbitrary bytes, truncated and mutated signed documents are a
clear "not valid", never an exception; no change to a signed file verifies as intact.
Through ``documents.checks.verify_bytes`` (what ``odr verify`` and the API call) and through
``POST /api/verify`` of a real server."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from typing import Any

import aiohttp
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from doc_samples import PASSPHRASE, Court, agreement
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st
from signed_samples import SignedSamples
from strategies import OnLoop
from support import Client

from documents import court_keys, pki
from documents.checks import verify_bytes
from documents.render import render_agreement
from odr.settings import Settings

BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")
# The signed samples differ from one session to the next (signing time, ECDSA nonces): an
# example saved in Hypothesis' database would not replay, so none is saved.
SLOW = examples(max_examples=20, deadline=None, database=None)


def signature_values(pdf: bytes) -> list[range]:
    """Where each signature's value is (``<hex>``): the bytes its byte range leaves out."""
    return [range(int(m[2]), int(m[3])) for m in BYTE_RANGE.finditer(pdf)]


@st.composite
def mutated(draw: st.DrawFn, pdf: bytes) -> bytes:
    """``pdf`` with one byte replaced, inserted or removed: anywhere, or inside a signature's
    value (the only bytes no signature covers)."""
    values = signature_values(pdf)
    anywhere = st.integers(0, len(pdf) - 1)
    at = draw(anywhere | st.sampled_from(values).flatmap(st.sampled_from))
    how = draw(st.sampled_from(["replace", "insert", "delete", "hex digit", "case"]))
    if how == "replace":
        new = draw(st.integers(0, 255).filter(lambda b: b != pdf[at]))
        return pdf[:at] + bytes([new]) + pdf[at + 1 :]
    if how == "insert":
        return pdf[:at] + draw(st.binary(min_size=1, max_size=4)) + pdf[at:]
    if how == "delete":
        return pdf[:at] + pdf[at + 1 :]
    old = chr(pdf[at])
    if how == "case" and old.isalpha():
        return pdf[:at] + old.swapcase().encode() + pdf[at + 1 :]
    digit = draw(st.sampled_from("0123456789ABCDEF").filter(lambda d: d != old))
    return pdf[:at] + digit.encode() + pdf[at + 1 :]


def assert_not_valid(pdf: bytes, ca_pem: bytes) -> None:
    report = verify_bytes(pdf, ca_pem)  # never raises
    assert not report.ok
    assert report.problems  # each a catalogue key: tested with the catalogue in tests/unit


def test_the_samples_verify(signed_samples: SignedSamples) -> None:
    ca = signed_samples.court.ca.cert_pem
    assert verify_bytes(signed_samples.agreement, ca).ok
    assert verify_bytes(signed_samples.ruling, ca).ok
    assert len(signature_values(signed_samples.agreement)) == 3


@examples(max_examples=60, deadline=None)
@given(data=st.binary(max_size=2000) | st.binary(max_size=300).map(lambda b: b"%PDF-1.7\n" + b))
def test_arbitrary_bytes_are_not_valid(signed_samples: SignedSamples, data: bytes) -> None:
    assert_not_valid(data, signed_samples.court.ca.cert_pem)


@SLOW
@given(data=st.data())
def test_a_truncated_signed_agreement_is_not_valid(
    signed_samples: SignedSamples, data: st.DataObject
) -> None:
    pdf = signed_samples.agreement
    cut = data.draw(st.integers(0, len(pdf) - 1) | st.integers(len(pdf) - 200, len(pdf) - 1))
    assert_not_valid(pdf[:cut], signed_samples.court.ca.cert_pem)


@examples(max_examples=40, deadline=None, database=None)
@given(data=st.data())
def test_no_change_to_a_signed_agreement_verifies(
    signed_samples: SignedSamples, data: st.DataObject
) -> None:
    changed = data.draw(mutated(signed_samples.agreement))
    assert_not_valid(changed, signed_samples.court.ca.cert_pem)


@examples(max_examples=10, deadline=None, database=None)
@given(data=st.data())
def test_no_change_to_a_signed_ruling_verifies(
    signed_samples: SignedSamples, data: st.DataObject
) -> None:
    changed = data.draw(mutated(signed_samples.ruling))
    assert_not_valid(changed, signed_samples.court.ca.cert_pem)


SHA256_ID = b"06096086480165030402" + b"01"  # OID 2.16.840.1.101.3.4.2.1, in hex


@pytest.mark.parametrize(
    "how",
    ["padding digit", "hex case", "padding of the first", "CA certificate", "digest algorithms"],
)
def test_a_changed_signature_value_is_broken(signed_samples: SignedSamples, how: str) -> None:
    """Regression: in the last signature's value (the one part of the file no signature
    covers) the zero padding, the case of the hex digits, the certificates it carries and
    its list of digest algorithms could be changed and the file, with another sha256, still
    verified as intact. (The first signature's value is covered by the later ones.)"""
    pdf = signed_samples.agreement
    first, *_, last = signature_values(pdf)
    value = pdf[last.start : last.stop]
    if how == "CA certificate":
        ca_der = x509.load_pem_x509_certificate(signed_samples.court.ca.cert_pem)
        ca_hex = ca_der.public_bytes(Encoding.DER).hex().upper().encode()
        at = last.start + value.index(ca_hex) + len(ca_hex) // 3  # inside its signed part
        digit = b"1" if pdf[at : at + 1] != b"1" else b"2"
        changed = pdf[:at] + digit + pdf[at + 1 :]
    elif how == "digest algorithms":
        at = last.start + value.index(SHA256_ID) + len(SHA256_ID) - 1  # the first: the set
        changed = pdf[:at] + b"2" + pdf[at + 1 :]  # sha384
    elif how == "hex case":
        at = last.start + 1 + next(i for i, ch in enumerate(value[1:].decode()) if ch.isalpha())
        changed = pdf[:at] + pdf[at : at + 1].swapcase() + pdf[at + 1 :]
    else:
        where = first if how == "padding of the first" else last
        at = where.stop - 10  # inside the run of zeros before ">"
        assert pdf[at : where.stop] == b"0" * 9 + b">"
        changed = pdf[:at] + b"1" + pdf[at + 1 :]
    report = verify_bytes(changed, signed_samples.court.ca.cert_pem)
    assert not report.ok
    assert "verify.broken" in report.problems


# --- POST /api/verify of a real server ---------------------------------------------------------


@pytest.fixture
def settings(settings: Settings) -> Settings:  # the shared one, without the rate limit
    return dataclasses.replace(settings, verify_per_address_per_minute=10_000)


def signed_by_the_server_court(settings: Settings, tmp_path: Any) -> bytes:
    """The sample agreement signed in every box by people of the server's own court CA."""
    authority = court_keys.ensure_ca(settings)
    people = {
        role: pki.issue(
            authority.identity,
            authority.passphrase,
            name=name,
            role=role,
            serial_hint=f"P-1/{role}",
            key_passphrase=PASSPHRASE,
        )
        for role, name in (("applicant", "张三"), ("respondent", "李四"), ("mediator", "王调解"))
    }
    court = Court(authority.identity, people, tmp_path / "ca.pem")
    pdf = render_agreement(agreement()).pdf
    for role in people:
        pdf = court.sign(pdf, role)
    return pdf


async def test_post_verify_answers_any_upload_without_a_server_error(
    client: Client, settings: Settings, tmp_path: Any
) -> None:
    pdf = await asyncio.to_thread(signed_by_the_server_court, settings, tmp_path)
    on_loop = OnLoop()

    async def post(data: bytes) -> tuple[int, dict[str, Any]]:
        form = aiohttp.FormData()
        form.add_field("file", data, filename="document.pdf", content_type="application/pdf")
        response = await client.post("/api/verify", data=form)
        return response.status, await response.json()

    status, body = await post(pdf)
    assert status == 200 and body["ok"], body

    @examples(
        max_examples=20,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(data=mutated(pdf) | st.binary(max_size=500) | st.just(pdf[: len(pdf) // 2]))
    def uploaded(data: bytes) -> None:
        status, body = on_loop(post(data))
        if data.startswith(b"%PDF-"):
            assert status == 200, body
            assert body["ok"] is False and body["messages"], body
        else:
            assert status == 422 and body["error"]["code"] == "not_a_pdf", body

    await asyncio.to_thread(uploaded)

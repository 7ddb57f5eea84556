"""The court CA and personal certificates, checked with cryptography and openssl."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtensionOID, NameOID
from doc_samples import PASSPHRASE, Court

from documents.pki import create_ca, fingerprint, issue, load_key
from odr.errors import InvalidInput


def test_ca_is_a_self_signed_ca_with_an_encrypted_key(doc_court: Court) -> None:
    cert = x509.load_pem_x509_certificate(doc_court.ca.cert_pem)
    assert cert.issuer == cert.subject
    constraints = cert.extensions.get_extension_for_oid(ExtensionOID.BASIC_CONSTRAINTS)
    assert constraints.critical and constraints.value.ca
    usage = cert.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
    assert usage.key_cert_sign and usage.crl_sign
    cert.verify_directly_issued_by(cert)
    assert b"ENCRYPTED PRIVATE KEY" in doc_court.ca.key_pem
    with pytest.raises(TypeError):  # no passphrase, no key
        serialization.load_pem_private_key(doc_court.ca.key_pem, password=None)
    assert isinstance(load_key(doc_court.ca.key_pem, PASSPHRASE), ec.EllipticCurvePrivateKey)
    with pytest.raises(InvalidInput) as wrong:
        load_key(doc_court.ca.key_pem, b"wrong")
    assert wrong.value.code == "ca_passphrase_wrong"
    with pytest.raises(InvalidInput):
        create_ca("X", b"")


def test_personal_certificate_names_person_role_and_case(doc_court: Court) -> None:
    ca = x509.load_pem_x509_certificate(doc_court.ca.cert_pem)
    cert = x509.load_pem_x509_certificate(doc_court.people["respondent"].cert_pem)
    cert.verify_directly_issued_by(ca)
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "李四<b>&"
    assert cert.subject.get_attributes_for_oid(NameOID.TITLE)[0].value == "respondent"
    assert (
        cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value
        == "LA-2026-0001/respondent"
    )
    public = cert.public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey) and public.curve.name == "secp256r1"
    usage = cert.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    aki = cert.extensions.get_extension_for_oid(ExtensionOID.AUTHORITY_KEY_IDENTIFIER).value
    ski = ca.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_KEY_IDENTIFIER).value
    assert aki.key_identifier == ski.digest
    assert cert.not_valid_before_utc < cert.not_valid_after_utc <= ca.not_valid_after_utc
    der = cert.public_bytes(serialization.Encoding.DER)
    assert fingerprint(doc_court.people["respondent"].cert_pem) == hashlib.sha256(der).hexdigest()
    # every person and role has a key and a certificate of their own
    assert len({fingerprint(i.cert_pem) for i in doc_court.people.values()}) == 4


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
def test_openssl_verifies_the_chain(doc_court: Court, tmp_path: Path) -> None:
    person = tmp_path / "judge.pem"
    person.write_bytes(doc_court.people["judge"].cert_pem)
    result = subprocess.run(
        ["openssl", "verify", "-CAfile", str(doc_court.ca_path), str(person)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_issue_refuses_bad_input(doc_court: Court) -> None:
    with pytest.raises(InvalidInput) as role:
        issue(
            doc_court.ca, PASSPHRASE, name="A", role="clerk", serial_hint="x", key_passphrase=b"k"
        )
    assert role.value.code == "signer_role_unknown"
    with pytest.raises(InvalidInput) as name:
        issue(
            doc_court.ca, PASSPHRASE, name=" ", role="judge", serial_hint="x", key_passphrase=b"k"
        )
    assert name.value.code == "signer_name_missing"
    with pytest.raises(InvalidInput) as locked:
        issue(doc_court.ca, b"nope", name="A", role="judge", serial_hint="x", key_passphrase=b"k")
    assert locked.value.code == "ca_passphrase_wrong"

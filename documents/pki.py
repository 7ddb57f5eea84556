"""The court's certification authority and one certificate per person and role.

The CA is an EC P-384 self-signed certificate (CA:TRUE, keyCertSign + cRLSign) whose private key
is stored as encrypted PKCS#8 (``BestAvailableEncryption``). Each signer (applicant,
respondent, mediator, judge) gets an EC P-256 key and a certificate issued by the CA with
subject ``CN=<name>, title=<role>, OU=<role>, serialNumber=<serial_hint>, O=<court>``,
key usage digitalSignature + nonRepudiation (content commitment), AKI/SKI, and a validity of
ten years (CA: twenty) — long enough for a confirmed ruling to stay checkable.

Where the keys are kept (files, passphrase) is ``documents/court_keys.py``'s business; this
module only makes and reads them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from odr.errors import InvalidInput

CA_YEARS = 20
PERSON_YEARS = 10
ROLES = ("applicant", "respondent", "mediator", "judge")


@dataclass(frozen=True)
class Identity:
    """A private key (PKCS#8 PEM, encrypted with a passphrase) and its certificate (PEM)."""

    key_pem: bytes
    cert_pem: bytes


def create_ca(court_name: str, passphrase: bytes) -> Identity:
    """A new self-signed court CA; its key is encrypted with ``passphrase`` (non-empty)."""
    if not passphrase:
        raise InvalidInput("ca_passphrase_missing")
    key = ec.generate_private_key(ec.SECP384R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"{court_name} CA"[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, court_name[:64]),
        ]
    )
    now = _now()
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
        .sign(key, hashes.SHA384())
    )
    return Identity(key_pem=_key_pem(key, passphrase), cert_pem=_cert_pem(cert))


def issue(
    ca: Identity,
    passphrase: bytes,
    *,
    name: str,
    role: str,
    serial_hint: str,
    key_passphrase: bytes,
) -> Identity:
    """A new EC P-256 key and certificate for ``name`` acting as ``role``, issued by ``ca``.

    ``passphrase`` unlocks the CA key; ``key_passphrase`` encrypts the new personal key.
    ``serial_hint`` (e.g. ``"<case number>/<party id>"``) goes into the subject's
    serialNumber so that one person in one case and role has a certificate of their own.
    Raises ``InvalidInput("ca_passphrase_wrong")`` when the CA key cannot be unlocked.
    """
    if role not in ROLES:
        raise InvalidInput("signer_role_unknown", field="role")
    if not name.strip():
        raise InvalidInput("signer_name_missing", field="name")
    ca_key = load_key(ca.key_pem, passphrase)
    ca_cert = x509.load_pem_x509_certificate(ca.cert_pem)
    key = ec.generate_private_key(ec.SECP256R1())
    org = ca_cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    attrs = [
        x509.NameAttribute(NameOID.COMMON_NAME, name.strip()[:64]),
        x509.NameAttribute(NameOID.TITLE, role),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, role),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, (serial_hint or "-")[:64]),
    ]
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, str(org[0].value)))
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attrs))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(min(now + timedelta(days=365 * PERSON_YEARS), ca_cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(
            ca_key, hashes.SHA384() if isinstance(ca_key.curve, ec.SECP384R1) else hashes.SHA256()
        )
    )
    return Identity(key_pem=_key_pem(key, key_passphrase), cert_pem=_cert_pem(cert))


def fingerprint(cert_pem: bytes) -> str:
    """The sha256 (hex, lower case) of the certificate's DER encoding."""
    cert = x509.load_pem_x509_certificate(cert_pem)
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def load_key(key_pem: bytes, passphrase: bytes) -> ec.EllipticCurvePrivateKey:
    """The EC private key of an :class:`Identity`; ``InvalidInput("ca_passphrase_wrong")``."""
    try:
        key = serialization.load_pem_private_key(key_pem, password=passphrase or None)
    except (ValueError, TypeError) as exc:
        raise InvalidInput("ca_passphrase_wrong") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise InvalidInput("ca_passphrase_wrong")
    return key


def _key_pem(key: ec.EllipticCurvePrivateKey, passphrase: bytes) -> bytes:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def _cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)

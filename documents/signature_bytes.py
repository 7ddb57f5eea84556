"""What no signature covers in a signed PDF, held to what the court's signer writes.

A signature covers its whole file but its own value: the ``<hex>`` of a CMS SignedData. In
that value, the zero padding, the case of the hex digits, the versions, the algorithm
identifiers' parameters, the ``digestAlgorithms`` set and the bag of certificates are
covered by nothing; changed, they make a file with another
sha256 that still verifies. A signature counts as intact only when they are as issued
(what the court's signer writes: pyHanko, one signer, an issuer-and-serial signer id).
"""

from __future__ import annotations

from typing import Any

from asn1crypto import parser as asn1_parser
from cryptography import x509
from cryptography.exceptions import InvalidSignature


def as_written(pdf: bytes, signature: Any) -> bool:
    """The bytes the signature's range leaves out are ``<`` hex of the DER value, zero
    padding ``>``, in one case."""
    try:
        _, len1, start2, _ = (int(n) for n in signature.byte_range)
        value = bytes(signature.pkcs7_content)
        header, body, trailer = asn1_parser.parse(value)[3:]
    except (TypeError, ValueError):
        return False
    der = len(header) + len(body) + len(trailer)
    if value[der:].strip(b"\x00"):
        return False
    gap = pdf[len1:start2]
    return gap in (b"<" + value.hex().upper().encode() + b">", b"<" + value.hex().encode() + b">")


def as_issued(signature: Any, ca: x509.Certificate) -> bool:
    """The parts of the SignedData no signature covers are as a signer writes them: versions
    1, one signer, the digest and signature algorithms without stray parameters, the set of
    digest algorithms naming the signer's, and only certificates that are the court CA's own
    or that it signed."""
    try:
        signed_data = signature.signed_data
        signer = signature.signer_info
        digest = signer["digest_algorithm"]
        plain = _plain(digest) and _plain(signer["signature_algorithm"])
        named = [a.dump() for a in signed_data["digest_algorithms"]]
        versions = (signed_data["version"].native, signer["version"].native)
        one = len(signed_data["signer_infos"]) == 1
        carried = [c.chosen.dump() for c in signed_data["certificates"] or ()]
    except (KeyError, TypeError, ValueError):
        return False
    if not (plain and one and versions == ("v1", "v1") and named == [digest.dump()]):
        return False
    for der in carried:
        try:
            cert = x509.load_der_x509_certificate(der)
            if cert != ca:
                cert.verify_directly_issued_by(ca)
        except (InvalidSignature, TypeError, ValueError):
            return False
    return True


def _plain(algorithm: Any) -> bool:
    """An AlgorithmIdentifier of its OID alone, or with NULL parameters."""
    oid = algorithm["algorithm"].dump()
    return bool(algorithm.dump() in (_sequence(oid), _sequence(oid + b"\x05\x00")))


def _sequence(content: bytes) -> bytes:
    return b"\x30" + bytes([len(content)]) + content  # short form: an OID is under 128 bytes

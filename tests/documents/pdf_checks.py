"""PDF checks with tools this project did not write, and the tampering the tests try.

Importable from any test (``tests/documents`` is on pytest's pythonpath)::

    from pdf_checks import nss_db, pdfsig, pyhanko_validate, pdffonts, page_png
    from pdf_checks import flip_byte, append_garbage, append_page_change, swap_embedded_file
    from pdf_checks import local_tsa, qr_codes

Tools: poppler-utils (pdfsig, pdffonts, pdftoppm, pdftotext), libnss3-tools (certutil), the
pyhanko CLI of the venv, and zbar-tools (zbarimg) for the QR code.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.timestamps import DummyTimeStamper

from documents.pki import Identity, load_key

PYHANKO = Path(sys.executable).parent / "pyhanko"


# --------------------------------------------------------------------------- poppler, NSS, pyhanko


def nss_db(directory: Path, ca_pem: bytes) -> str:
    """An NSS database in ``directory`` trusting ``ca_pem``; returns ``sql:<directory>``."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_path = directory / "ca.pem"
    ca_path.write_bytes(ca_pem)
    db = f"sql:{directory}"
    subprocess.run(["certutil", "-N", "-d", db, "--empty-password"], check=True)
    subprocess.run(
        ["certutil", "-A", "-n", "court-ca", "-t", "CT,C,C", "-i", str(ca_path), "-d", db],
        check=True,
    )
    return db


@dataclass(frozen=True)
class PdfsigSignature:
    field: str
    common_name: str
    signature_validation: str  # e.g. "Signature is Valid."
    certificate_validation: str  # e.g. "Certificate is Trusted."
    total_document_signed: bool


def pdfsig(path: Path, nssdir: str | None = None) -> list[PdfsigSignature]:
    """poppler's view of every signature (pdfsig exits 0 even on a digest mismatch)."""
    command = ["pdfsig"] + (["-nssdir", nssdir] if nssdir else []) + [str(path)]
    out = subprocess.run(command, capture_output=True, text=True, check=False).stdout
    found: list[PdfsigSignature] = []
    for block in out.split("Signature #")[1:]:
        values: dict[str, str] = {}
        total = False
        for line in block.splitlines():
            line = line.strip().removeprefix("- ")
            key, sep, value = line.partition(": ")
            if sep:
                values[key] = value.strip()
            elif line == "Total document signed":
                total = True
        found.append(
            PdfsigSignature(
                field=values.get("Signature Field Name", ""),
                common_name=values.get("Signer Certificate Common Name", ""),
                signature_validation=values.get("Signature Validation", ""),
                certificate_validation=values.get("Certificate Validation", ""),
                total_document_signed=total,
            )
        )
    return found


def pyhanko_validate(path: Path, ca_path: Path) -> subprocess.CompletedProcess[str]:
    """``pyhanko sign validate --trust CA --trust-replace --no-revocation-check`` (exit 0: ok)."""
    return subprocess.run(
        [
            str(PYHANKO),
            "sign",
            "validate",
            "--trust",
            str(ca_path),
            "--trust-replace",
            "--no-revocation-check",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def pdffonts(path: Path) -> list[dict[str, str]]:
    """Rows of ``pdffonts``: name, type, emb (yes/no)."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        if len(parts) >= 7:
            # name, type (may hold spaces), encoding, emb, sub, uni, object ID (2 fields)
            emb = parts[-5]
            rows.append({"name": parts[0], "type": " ".join(parts[1:-6]), "emb": emb})
    return rows


def pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def page_png(path: Path, page: int, out_dir: Path, dpi: int = 72) -> Path:
    """Page ``page`` (1-based) as a PNG by ``pdftoppm`` (at 72 dpi, 1 px = 1 pt)."""
    prefix = out_dir / f"{path.stem}-p{page}"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(path),
            str(prefix),
        ],
        check=True,
    )
    return prefix.with_suffix(".png")


def qr_codes(path: Path, page: int, out_dir: Path) -> list[str]:
    """The QR codes zbar reads on page ``page`` (1-based), rendered at 150 dpi."""
    image = page_png(path, page, out_dir, dpi=150)
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, check=False
    )
    return [line for line in result.stdout.splitlines() if line]


# --------------------------------------------------------------------------- tampering


def flip_byte(pdf: bytes, at: int | None = None) -> bytes:
    """One bit changed in the middle of the page content (inside every signed range)."""
    index = len(pdf) // 3 if at is None else at
    return pdf[:index] + bytes([pdf[index] ^ 0x01]) + pdf[index + 1 :]


def append_garbage(pdf: bytes) -> bytes:
    return pdf + b"\n% appended after signing\n1 0 obj (x) endobj\n"


def append_page_change(pdf: bytes, page: int = 0) -> bytes:
    """A proper incremental update that paints a box over the first page (a forged edit)."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    stream = generic.StreamObject(stream_data=b"q 1 0 0 rg 50 50 300 120 re f Q")
    writer.add_stream_to_page(page, writer.add_object(stream))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def swap_embedded_file(pdf: bytes, name: str, data: bytes) -> bytes:
    """An incremental update that replaces the embedded file ``name`` with ``data``."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    names = writer.root["/Names"]["/EmbeddedFiles"]["/Names"]
    for index in range(0, len(names), 2):
        if str(names[index]) != name:
            continue
        spec = names[index + 1].get_object()
        old = spec["/EF"]["/F"].get_object()
        stream = generic.StreamObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/EmbeddedFile"),
                generic.pdf_name("/Subtype"): old.get("/Subtype", generic.pdf_name("/Data")),
            },
            stream_data=data,
        )
        spec["/EF"][generic.pdf_name("/F")] = writer.add_object(stream)
        writer.update_container(spec)
        out = BytesIO()
        writer.write(out)
        return out.getvalue()
    raise KeyError(name)


# --------------------------------------------------------------------------- a local RFC 3161 TSA


def tsa_identity(
    ca: Identity, passphrase: bytes
) -> tuple[asn1_x509.Certificate, asn1_keys.PrivateKeyInfo]:
    """A time-stamping certificate (EKU timeStamping, critical) issued by ``ca``, and its key."""
    ca_key = load_key(ca.key_pem, passphrase)
    ca_cert = x509.load_pem_x509_certificate(ca.cert_pem)
    key = rsa.generate_private_key(
        public_exponent=65537, key_size=2048
    )  # pyHanko's dummy TSA is RSA-only
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA384())
    )
    der_key = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return (
        asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        asn1_keys.PrivateKeyInfo.load(der_key),
    )


@contextmanager
def local_tsa(ca: Identity, passphrase: bytes) -> Iterator[str]:
    """An RFC 3161 time-stamp server over HTTP on 127.0.0.1 (pyHanko's DummyTimeStamper);
    yields its URL."""
    cert, key = tsa_identity(ca, passphrase)
    stamper = DummyTimeStamper(tsa_cert=cert, tsa_key=key)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            reply = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()

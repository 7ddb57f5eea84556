"""Signing: sequential PAdES signatures checked by pdfsig (poppler + NSS) and the pyhanko CLI."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from doc_samples import PASSPHRASE, Court, Signed, agreement, drawn_signature_png
from pdf_checks import local_tsa, page_png, pdffonts, pdfsig, pyhanko_validate
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import FieldMDPAction, MDPPerm

from documents.render import render_agreement
from documents.verify import verify
from odr.errors import InvalidInput, StorageUnavailable


def test_pdfsig_lists_every_signature_valid_and_trusted(
    signed_agreement: Signed, signed_ruling: Signed, nss: str
) -> None:
    untrusted = pdfsig(signed_agreement.path)
    assert [s.field for s in untrusted] == ["applicant", "respondent", "mediator"]
    assert [s.common_name for s in untrusted] == ["张三", "李四<b>&", "王调解"]
    assert all(s.signature_validation == "Signature is Valid." for s in untrusted)
    assert all(s.certificate_validation != "Certificate is Trusted." for s in untrusted)
    assert untrusted[-1].total_document_signed
    for signed in (signed_agreement, signed_ruling):
        found = pdfsig(signed.path, nss)
        assert found
        for signature in found:
            assert signature.signature_validation == "Signature is Valid.", signature
            assert signature.certificate_validation == "Certificate is Trusted.", signature
    assert [s.field for s in pdfsig(signed_ruling.path, nss)] == ["judge"]


def test_pyhanko_cli_accepts_both_documents(
    doc_court: Court, signed_agreement: Signed, signed_ruling: Signed
) -> None:
    for signed in (signed_agreement, signed_ruling):
        result = pyhanko_validate(signed.path, doc_court.ca_path)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "INTACT:TRUSTED" in result.stdout


def test_each_signature_is_an_incremental_update(signed_agreement: Signed) -> None:
    unsigned = signed_agreement.rendered.pdf
    assert signed_agreement.pdf.startswith(unsigned)
    reader = PdfFileReader(BytesIO(signed_agreement.pdf), strict=False)
    assert reader.xrefs.total_revisions == 4  # the render and three signatures


def test_judge_signature_locks_the_ruling(signed_ruling: Signed) -> None:
    reader = PdfFileReader(BytesIO(signed_ruling.pdf), strict=False)
    (judge,) = reader.embedded_signatures
    assert judge.docmdp_level == MDPPerm.NO_CHANGES
    assert judge.fieldmdp is not None and judge.fieldmdp.action == FieldMDPAction.ALL
    lock = judge.sig_field["/Lock"]
    assert str(lock["/Action"]) == "/All" and int(lock["/P"]) == 1


def test_drawn_signature_shows_in_its_box(doc_court: Court, tmp_path: Path) -> None:
    rendered = render_agreement(agreement())
    with_image = doc_court.sign(rendered.pdf, "applicant", image_png=drawn_signature_png())
    without = doc_court.sign(rendered.pdf, "applicant")
    box = rendered.boxes["applicant"]

    def blue_pixels(pdf: bytes, name: str) -> int:
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf)
        image = Image.open(page_png(path, box.page + 1, tmp_path)).convert("RGB")
        top = image.height - box.y2
        region = image.crop((box.x1, top, box.x2, top + (box.y2 - box.y1)))
        data = region.tobytes()
        pixels = zip(data[0::3], data[1::3], data[2::3], strict=True)
        return sum(1 for r, g, b in pixels if b > 150 and r < 90 and g < 90)

    assert blue_pixels(with_image, "with") > 150
    assert blue_pixels(without, "without") == 0


def test_signing_refuses_what_it_cannot_do(doc_court: Court) -> None:
    rendered = render_agreement(agreement())
    cases = [
        (dict(field="witness"), "signature_field_unknown"),
        (dict(image_png=b"not a png"), "signature_image_invalid"),
    ]
    for options, code in cases:
        with pytest.raises(InvalidInput) as refused:
            doc_court.sign(rendered.pdf, "applicant", **options)
        assert refused.value.code == code
    once = doc_court.sign(rendered.pdf, "applicant")
    with pytest.raises(InvalidInput) as twice:
        doc_court.sign(once, "applicant")
    assert twice.value.code == "signature_field_filled"
    with pytest.raises(InvalidInput) as garbage:
        doc_court.sign(b"%PDF-1.7 nothing here", "applicant")
    assert garbage.value.code == "pdf_unreadable"
    from documents.signing import sign

    with pytest.raises(InvalidInput) as wrong:
        sign(
            rendered.pdf,
            field="applicant",
            signer=doc_court.people["applicant"],
            key_passphrase=PASSPHRASE + b"x",
            ca_cert_pem=doc_court.ca.cert_pem,
            reason="",
            location="",
        )
    assert wrong.value.code == "ca_passphrase_wrong"


def test_timestamped_signature_from_a_tsa(doc_court: Court, tmp_path: Path) -> None:
    rendered = render_agreement(agreement())
    with local_tsa(doc_court.ca, PASSPHRASE) as url:
        pdf = doc_court.sign(rendered.pdf, "applicant", tsa_url=url)
    report = verify(pdf, doc_court.ca.cert_pem)
    (signer,) = report.signers
    assert signer.intact and signer.trusted and signer.signed_at is not None
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    (embedded,) = reader.embedded_signatures
    unsigned = [a["type"].native for a in embedded.signer_info["unsigned_attrs"]]
    assert "signature_time_stamp_token" in unsigned  # PAdES B-T
    path = tmp_path / "bt.pdf"
    path.write_bytes(pdf)
    result = pyhanko_validate(path, doc_court.ca_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_unreachable_or_failing_tsa_is_a_clear_error(doc_court: Court) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Broken(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    rendered = render_agreement(agreement())
    server = ThreadingHTTPServer(("127.0.0.1", 0), Broken)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for url in ("http://127.0.0.1:9/tsa", f"http://127.0.0.1:{server.server_address[1]}/"):
            with pytest.raises(StorageUnavailable) as failed:
                doc_court.sign(rendered.pdf, "applicant", tsa_url=url)
            assert failed.value.code == "timestamp_unavailable"
    finally:
        server.shutdown()
        server.server_close()


def test_signed_files_keep_every_font_embedded(
    signed_agreement: Signed, signed_ruling: Signed
) -> None:
    """PDF/A wants every font embedded, the signature stamps' too."""
    for signed in (signed_agreement, signed_ruling):
        fonts = pdffonts(signed.path)
        assert all(font["emb"] == "yes" for font in fonts), fonts
        assert any("DejaVuSans" in font["name"] for font in fonts), fonts

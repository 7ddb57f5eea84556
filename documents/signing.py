"""PAdES signatures (pyHanko) into the pre-created fields of a rendered document.

Each call appends one incremental update holding one signature, so earlier signatures stay
valid (sequential signing: applicant, respondent, mediator; then the judge on the ruling).
The appearance is a Latin text stamp (role and time; the Chinese names are printed in the
page by weasyprint) over the drawn signature image when one is given.

``sign`` blocks (pyHanko runs its own event loop for a timestamp request): call it from a
worker thread, e.g. ``await loop.run_in_executor(None, partial(sign, ...))``, never directly in
an aiohttp handler. Decrypted keys are cached (a few dozen) so that a signer's second signature
does not pay for PKCS#8 decryption again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from PIL import Image, UnidentifiedImageError
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.general import SigningError
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from documents.pki import Identity, load_key
from odr.errors import InvalidInput, StorageUnavailable

STAMP_TEXT = "Digitally signed: %(role)s\n%(ts)s"
STAMP_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/noto/NotoMono-Regular.ttf"),
    Path("/usr/share/fonts/opentype/urw-base35/NimbusSans-Regular.otf"),
)
MAX_IMAGE_PIXELS = 4_000_000


def sign(
    pdf: bytes,
    *,
    field: str,
    signer: Identity,
    key_passphrase: bytes,
    ca_cert_pem: bytes,
    reason: str,
    location: str,
    image_png: bytes | None = None,
    lock: bool = False,
    tsa_url: str = "",
) -> bytes:
    """``pdf`` with one more signature (an incremental update) in the empty field ``field``.

    PAdES B-B, or B-T when ``tsa_url`` names an RFC 3161 server. ``image_png`` (a drawn
    signature) is shown in the box; otherwise a Latin text stamp. ``lock=True`` (the judge)
    forbids any later change (FieldMDP ALL + DocMDP no changes).
    Raises ``InvalidInput`` for an unknown/filled field (``signature_field_unknown`` /
    ``signature_field_filled``), an unreadable PDF (``pdf_unreadable``), a wrong passphrase
    (``ca_passphrase_wrong``) or a bad image (``signature_image_invalid``);
    ``StorageUnavailable("timestamp_unavailable")`` when the timestamp server fails.
    """
    loaded = _signer(signer.key_pem, signer.cert_pem, key_passphrase, ca_cert_pem)
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
        found = list(fields.enumerate_sig_fields(writer, with_name=field))
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise InvalidInput("pdf_unreadable") from exc
    if not found:
        raise InvalidInput("signature_field_unknown", field="field")
    _name, value, field_ref = found[0]
    if value is not None:
        raise InvalidInput("signature_field_filled", field="field")
    if lock:
        _lock_field(writer, field_ref)
    style = TextStampStyle(
        stamp_text=STAMP_TEXT,
        border_width=0,
        text_box_style=_text_style(),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MIN,
            margins=layout.Margins(3, 3, 3, 2),
        ),
        timestamp_format="%Y-%m-%d %H:%M:%S UTC",
        background=_image(image_png) if image_png else None,
        background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MAX,
            margins=layout.Margins(left=3, right=3, top=3, bottom=17),
        ),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        reason=reason or None,
        location=location or None,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES if lock else fields.MDPPerm.FILL_FORMS,
    )
    timestamper = timestamps.HTTPTimeStamper(tsa_url, timeout=10) if tsa_url else None
    pdf_signer = signers.PdfSigner(
        meta, signer=loaded.signer, timestamper=timestamper, stamp_style=style
    )
    out = BytesIO()
    try:
        pdf_signer.sign_pdf(
            writer,
            existing_fields_only=True,
            appearance_text_params={"role": field},
            output=out,
        )
    except SigningError as exc:
        if tsa_url:
            raise StorageUnavailable("timestamp_unavailable") from exc
        raise
    except (OSError, timestamps.TimestampRequestError) as exc:  # TSA unreachable or refusing
        raise StorageUnavailable("timestamp_unavailable") from exc
    return out.getvalue()


# --------------------------------------------------------------------------- internals


def _text_style() -> TextBoxStyle:
    font = _stamp_font()
    if font is None:  # pyHanko's Courier: not embedded (the signed file is then not PDF/A)
        return TextBoxStyle(font_size=6, leading=7)
    return TextBoxStyle(font=font, font_size=6, leading=7)


@dataclass(frozen=True)
class _MemoryFont(GlyphAccumulatorFactory):
    """A stamp font from bytes in memory (pyHanko's factory opens, and leaves open, a file)."""

    data: bytes = b""

    def create_font_engine(
        self, writer: BasePdfFileWriter, obj_stream: Any = None
    ) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()  # type: ignore[no-untyped-call]
        return GlyphAccumulator(
            writer=writer,
            font_handle=BytesIO(self.data),
            font_size=self.font_size,
            obj_stream=obj_stream,
        )


@cache
def _stamp_font() -> _MemoryFont | None:
    """A Latin font for the stamp text, embedded in the signed file (PDF/A wants every font
    embedded): Debian ``fonts-dejavu-core``, cut once to printable ASCII so that embedding it
    costs little per signature."""
    path = next((path for path in STAMP_FONTS if path.is_file()), None)
    if path is None:
        return None
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    with TTFont(path) as font:
        options = subset.Options()
        options.drop_tables += ["FFTM", "GSUB", "GPOS", "GDEF", "kern"]  # plain Latin text
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=range(0x20, 0x7F))
        subsetter.subset(font)
        scale_upem(font, 1000)  # pyHanko spaces TrueType glyphs wrongly at 2048 units/em
        out = BytesIO()
        font.save(out)
    return _MemoryFont(font_file=str(path), font_size=6, data=out.getvalue())


class _LoadedKeySigner(signers.SimpleSigner):
    """A SimpleSigner that signs with a key loaded once (pyHanko's own reloads it from DER
    for every raw signature)."""

    def __init__(self, key: ec.EllipticCurvePrivateKey, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._key = key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        algorithm = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384()}.get(
            digest_algorithm.lower()
        )
        if algorithm is None:
            result: bytes = super().sign_raw(data, digest_algorithm)
            return result
        return self._key.sign(data, ec.ECDSA(algorithm))


@dataclass(frozen=True)
class _Loaded:
    signer: _LoadedKeySigner


@lru_cache(maxsize=32)
def _signer(key_pem: bytes, cert_pem: bytes, passphrase: bytes, ca_cert_pem: bytes) -> _Loaded:
    key = load_key(key_pem, passphrase)
    der_key = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    cert = asn1_x509.Certificate.load(_der(cert_pem))
    ca = asn1_x509.Certificate.load(_der(ca_cert_pem))
    signer = _LoadedKeySigner(
        key,
        signing_cert=cert,
        signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
        cert_registry=SimpleCertificateStore.from_certs([ca]),  # type: ignore[no-untyped-call]
    )
    return _Loaded(signer)


def _der(pem: bytes) -> bytes:
    from cryptography import x509

    try:
        return x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    except ValueError as exc:
        raise InvalidInput("certificate_unreadable") from exc


def _image(png: bytes) -> PdfImage:
    try:
        image: Image.Image = Image.open(BytesIO(png))
        if image.width * image.height > MAX_IMAGE_PIXELS:
            raise InvalidInput("signature_image_invalid")
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise InvalidInput("signature_image_invalid") from exc
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")
    return PdfImage(image, name="sig-" + hashlib.sha256(png).hexdigest()[:16])


def _lock_field(writer: IncrementalPdfFileWriter, field_ref: generic.IndirectObject) -> None:
    """/Lock on the field: after this signature, no field may change (FieldMDP ALL) and
    the document may not change at all (DocMDP P=1)."""
    sig_field = field_ref.get_object()  # type: ignore[no-untyped-call]
    lock = fields.FieldMDPSpec(fields.FieldMDPAction.ALL).as_pdf_object()
    lock[generic.pdf_name("/Type")] = generic.pdf_name("/SigFieldLock")
    lock[generic.pdf_name("/P")] = generic.NumberObject(fields.MDPPerm.NO_CHANGES.value)  # type: ignore[no-untyped-call]
    sig_field[generic.pdf_name("/Lock")] = lock
    writer.update_container(sig_field)

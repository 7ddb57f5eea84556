"""Agreement and ruling PDFs: HTML/CSS templates (Jinja2, autoescaped) rendered by weasyprint.

Every PDF is PDF/A-3b with its terms attached as machine-readable JSON (``agreement.json``;
a ruling carries ``ruling.json`` and the signed ``agreement.pdf``). All dates written into the
file are pinned to the document's own date, so the same input renders to the same bytes in
any process: the unsigned render's sha256 is the content hash the record keeps.

Each signature box of the HTML (``<div id="sig-<field>">``) becomes an empty PDF signature
field placed exactly over it (from weasyprint's page anchors), added while the PDF is written
(no incremental update), so pyHanko signs into it later.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from io import BytesIO
from pathlib import Path
from typing import Any

import pydyf
import segno
import weasyprint
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from documents import wording
from documents.model import Agreement, Ruling
from odr.errors import InvalidInput

SIGNATURE_BOXES = ("applicant", "respondent", "mediator")  # agreement boxes
RULING_BOXES = ("judge",)
TEMPLATES = Path(__file__).resolve().parent / "templates"
PX_TO_PT = 0.75  # CSS px (1/96 in) to PDF points (1/72 in)
OUTPUT_INTENT = "court-srgb"


@dataclass(frozen=True)
class Box:
    """A signature box in PDF points (origin bottom-left); ``page`` is 0-based."""

    page: int
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Rendered:
    """An unsigned render: the PDF, its sha256 (hex), the signature boxes and the page count.

    The PDF already holds one empty signature field per box, named after the box
    (``applicant``, ``respondent``, ``mediator``; ``judge`` on a ruling).
    """

    pdf: bytes
    sha256: str
    boxes: dict[str, Box]
    pages: int


def agreement_json(agreement: Agreement) -> bytes:
    """The canonical JSON of the agreement's terms (UTF-8, sorted keys): the PDF attachment."""
    return _canonical({"kind": "agreement", **wording.agreement_terms(agreement)})


def ruling_json(ruling: Ruling) -> bytes:
    """The canonical JSON of a ruling (attached as ``ruling.json``): what it decides, on which
    agreement (by the sha256 of the signed agreement PDF)."""
    return _canonical(
        {
            "kind": "ruling",
            "case_number": ruling.case_number,
            "court_name": ruling.court_name,
            "judge_name": ruling.judge_name,
            "confirmed": ruling.confirmed,
            "judge_reason": ruling.judge_reason,
            "decided_at": wording.iso(ruling.decided_at),
            "languages": list(ruling.languages),
            "verify_url": ruling.verify_url,
            "agreement_sha256": ruling.agreement_sha256,
            "agreement": wording.agreement_terms(ruling.agreement),
        }
    )


def render_agreement(agreement: Agreement) -> Rendered:
    """The unsigned agreement: PDF/A-3b, ``agreement.json`` attached, fields pre-created.

    Byte-identical for the same ``agreement`` across runs and processes.
    """
    html = agreement_html(agreement)
    attachment = weasyprint.Attachment(
        string=agreement_json(agreement),
        name="agreement.json",
        description=wording.label(
            wording.languages(agreement.languages), "doc.attachment.agreement_json"
        ),
        relationship="Data",
        created=wording.naive_utc(agreement.drafted_at),
        modified=wording.naive_utc(agreement.drafted_at),
    )
    return _render(html, [attachment], SIGNATURE_BOXES, agreement.drafted_at)


def render_ruling(ruling: Ruling, agreement_pdf: bytes) -> Rendered:
    """The unsigned ruling; embeds ``agreement_pdf`` (as ``agreement.pdf``) and prints
    ``ruling.agreement_sha256``; one field ``judge``.

    Raises ``InvalidInput("agreement_hash_mismatch")`` when ``agreement_pdf`` does not hash to
    ``ruling.agreement_sha256``.
    """
    if hashlib.sha256(agreement_pdf).hexdigest() != ruling.agreement_sha256.lower():
        raise InvalidInput("agreement_hash_mismatch")
    html = ruling_html(ruling)
    pinned = wording.naive_utc(ruling.decided_at)
    langs = wording.languages(ruling.languages)
    attachments = [
        weasyprint.Attachment(
            string=ruling_json(ruling),
            name="ruling.json",
            description=wording.label(langs, "doc.attachment.ruling_json"),
            relationship="Data",
            created=pinned,
            modified=pinned,
        ),
        weasyprint.Attachment(
            string=agreement_pdf,
            name="agreement.pdf",
            description=wording.label(
                langs, "doc.attachment.agreement_pdf", sha256=ruling.agreement_sha256
            ),
            relationship="Source",
            created=pinned,
            modified=pinned,
        ),
    ]
    return _render(html, attachments, RULING_BOXES, ruling.decided_at)


def agreement_html(agreement: Agreement) -> str:
    """The agreement as HTML (what the PDF is rendered from; also a browser preview, with
    ``style.css`` from the templates folder)."""
    langs = wording.languages(agreement.languages)
    context = {
        **_common(langs, agreement.verify_url, "doc.agreement.title", agreement.case_number),
        "doc": agreement,
        "parties": wording.parties(agreement.parties, langs),
        "clauses": wording.clauses(agreement, langs),
        "boxes": wording.agreement_boxes(agreement, langs),
    }
    return _environment().get_template("agreement.html").render(**context)


def ruling_html(ruling: Ruling) -> str:
    """The ruling as HTML (what the PDF is rendered from)."""
    langs = wording.languages(ruling.languages)
    for lang in langs:
        lang.ruling_text(ruling)
    context = {
        **_common(langs, ruling.verify_url, "doc.ruling.title", ruling.case_number),
        "doc": ruling,
        "agreement": ruling.agreement,
        "parties": wording.parties(ruling.agreement.parties, langs),
        "clauses": wording.clauses(ruling.agreement, langs),
    }
    return _environment().get_template("ruling.html").render(**context)


# --------------------------------------------------------------------------- internals


def _common(
    langs: Sequence[wording.Lang], verify_url: str, title_key: str, case_number: str
) -> dict[str, Any]:
    def label(key: str, **params: Any) -> str:
        return " / ".join(lang.t(key, **params) for lang in langs)

    def dates_joined(value: Any) -> str:
        return " / ".join(lang.date(value) for lang in langs)

    qr = segno.make_qr(verify_url or "-", error="m")
    return {
        "langs": langs,
        "bilingual": len(langs) > 1,
        "html_lang": langs[0].code,
        "colon": "：" if langs[0].code == "zh-CN" else ": ",
        "plain_title": label(title_key),
        "label": label,
        "dates_joined": dates_joined,
        "page_counter": Markup(wording.page_counter_css(langs)),  # noqa: S704 - built from the catalogue, CSS-escaped  # nosec B704
        "footer_left": Markup(wording.css_string(case_number)),  # noqa: S704 - CSS-escaped  # nosec B704
        "qr_svg": Markup(qr.svg_inline(omitsize=True, border=2)),  # noqa: S704 - segno's own SVG  # nosec B704
    }


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _fonts() -> Any:
    return _fonts_of(threading.get_ident())


def _stylesheet() -> Any:
    return _stylesheet_of(threading.get_ident())


# Font configurations (pango/fontconfig objects) and parsed stylesheets are reused between
# renders (about 15 % of a render's CPU time) but never shared between threads: renders run on
# worker threads and weasyprint does not promise thread safety.
@lru_cache(maxsize=16)
def _fonts_of(_thread: int) -> Any:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@lru_cache(maxsize=16)
def _stylesheet_of(thread: int) -> Any:
    return weasyprint.CSS(filename=str(TEMPLATES / "style.css"), font_config=_fonts_of(thread))


@cache
def _srgb_icc() -> bytes:
    return (Path(weasyprint.__file__).parent / "pdf" / "sRGB2014.icc").read_bytes()


def _srgb_profile() -> Any:
    from weasyprint.css import ColorProfile

    return ColorProfile(
        BytesIO(_srgb_icc()), "sRGB2014.icc", "relative-colorimetric", (["r"], ["g"], ["b"])
    )


def _render(
    html: str,
    attachments: list[Any],
    fields: Sequence[str],
    dated: Any,
) -> Rendered:
    document = weasyprint.HTML(string=html, base_url=str(TEMPLATES)).render(
        stylesheets=[_stylesheet()], font_config=_fonts()
    )
    # The sRGB output intent PDF/A requires, from bytes read once (weasyprint's own "srgb"
    # leaves its ICC file open on every render).
    document.color_profiles[OUTPUT_INTENT] = _srgb_profile()
    document.output_intent = OUTPUT_INTENT
    stamp = wording.iso(dated)
    document.metadata.created = stamp
    document.metadata.modified = stamp
    boxes = _boxes(document, fields)
    pdf: bytes = document.write_pdf(
        pdf_variant="pdf/a-3b",
        output_intent=OUTPUT_INTENT,
        attachments=attachments,
        finisher=partial(_add_signature_fields, boxes=boxes),
    )
    return Rendered(
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        boxes=boxes,
        pages=len(document.pages),
    )


def _boxes(document: Any, fields: Sequence[str]) -> dict[str, Box]:
    boxes: dict[str, Box] = {}
    for number, page in enumerate(document.pages):
        height = page.height * PX_TO_PT
        for name in fields:
            anchor = page.anchors.get(f"sig-{name}")
            if anchor is None or name in boxes:
                continue
            left, top, right, bottom = (float(v) * PX_TO_PT for v in anchor)
            boxes[name] = Box(
                page=number,
                x1=round(left, 2),
                y1=round(height - bottom, 2),
                x2=round(right, 2),
                y2=round(height - top, 2),
            )
    missing = [name for name in fields if name not in boxes]
    if missing:  # a template bug, not bad input
        raise RuntimeError(f"signature boxes missing from the template: {missing}")
    return boxes


def _add_signature_fields(_document: Any, pdf: Any, *, boxes: dict[str, Box]) -> None:
    """weasyprint finisher: one empty signature field (with an empty appearance, as PDF/A
    wants for every widget) per box, on the box's page."""
    page_numbers = pdf.pages["Kids"][::3]
    if "AF" in pdf.catalog:  # weasyprint lists each attachment twice there
        pdf.catalog["AF"] = pydyf.Array(dict.fromkeys(pdf.catalog["AF"]))
    form = pdf.catalog.get("AcroForm")
    if form is None:
        form = pydyf.Dictionary({"Fields": pydyf.Array()})
        pdf.catalog["AcroForm"] = form
    for name, box in boxes.items():
        page = pdf.objects[page_numbers[box.page]]
        width, height = box.x2 - box.x1, box.y2 - box.y1
        appearance = pydyf.Stream(
            [],
            {
                "Type": "/XObject",
                "Subtype": "/Form",
                "BBox": pydyf.Array([0, 0, width, height]),
                "Resources": pydyf.Dictionary({}),
            },
        )
        pdf.add_object(appearance)
        widget = pydyf.Dictionary(
            {
                "Type": "/Annot",
                "Subtype": "/Widget",
                "FT": "/Sig",
                "T": pydyf.String(name),
                "F": 4,  # print
                "Rect": pydyf.Array([box.x1, box.y1, box.x2, box.y2]),
                "P": page.reference,
                "AP": pydyf.Dictionary({"N": appearance.reference}),
            }
        )
        pdf.add_object(widget)
        if "Annots" not in page:
            page["Annots"] = pydyf.Array()
        page["Annots"].append(widget.reference)
        form["Fields"].append(widget.reference)


def _canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()

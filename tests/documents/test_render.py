"""Rendering: PDF/A-3b with attachments, embedded CJK fonts, fields over the boxes, wording."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from doc_samples import agreement, ruling
from pdf_checks import page_png, pdffonts, pdftotext, qr_codes
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields

from documents import wording
from documents.render import (
    SIGNATURE_BOXES,
    agreement_json,
    render_agreement,
    render_ruling,
    ruling_json,
)
from odr.errors import InvalidInput

ROOT = Path(__file__).resolve().parents[2]


def _attachments(pdf: bytes) -> dict[str, tuple[bytes, str]]:
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
    out = {}
    for index in range(0, len(names), 2):
        spec = names[index + 1].get_object()
        out[str(names[index])] = (
            spec["/EF"]["/F"].get_object().data,
            str(spec.get("/AFRelationship")),
        )
    return out


def test_agreement_is_pdfa3b_with_its_terms_attached() -> None:
    terms = agreement()
    rendered = render_agreement(terms)
    reader = PdfFileReader(BytesIO(rendered.pdf), strict=False)
    xmp = reader.root["/Metadata"].get_object().data.decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert "/OutputIntents" in reader.root
    assert len(reader.root["/AF"]) == 1
    attached = _attachments(rendered.pdf)
    data, relationship = attached["agreement.json"]
    assert relationship == "/Data"
    assert data == agreement_json(terms)
    parsed = json.loads(data)
    assert parsed["kind"] == "agreement"
    assert parsed["case_number"] == terms.case_number
    assert parsed["clauses"][0] == {
        "text": terms.clauses[0].text,
        "amount_cents": 150000,
        "currency": "CNY",
        "due": "2026-12-31",
        "payer": "respondent",
        "payee": "applicant",
    }
    assert parsed["drafted_at"] == "2026-11-20T02:30:00Z"
    assert rendered.sha256 == hashlib.sha256(rendered.pdf).hexdigest()


def test_unsigned_render_is_byte_identical_across_processes() -> None:
    here = render_agreement(agreement(("zh-CN", "en"))).sha256
    assert render_agreement(agreement(("zh-CN", "en"))).sha256 == here
    script = (
        "from doc_samples import agreement\n"
        "from documents.render import render_agreement\n"
        "print(render_agreement(agreement(('zh-CN', 'en'))).sha256)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"PYTHONPATH": f"{ROOT}:{ROOT / 'tests' / 'documents'}", "PATH": "/usr/bin:/bin"},
    ).stdout.strip()
    assert out == here
    # and the content hash changes with the content
    other = render_agreement(agreement(("zh-CN", "en"), clauses=4)).sha256
    assert other != here


def test_chinese_text_is_in_embedded_cjk_fonts(tmp_path: Path) -> None:
    path = tmp_path / "agreement.pdf"
    path.write_bytes(render_agreement(agreement()).pdf)
    fonts = pdffonts(path)
    assert fonts
    assert all(font["emb"] == "yes" for font in fonts), fonts
    assert any("CJK" in font["name"] for font in fonts), fonts
    text = "".join(pdftotext(path).split())
    assert "调解协议书" in text
    assert "上田县人民法院" in text


def test_signature_fields_lie_exactly_over_the_drawn_boxes(tmp_path: Path) -> None:
    rendered = render_agreement(agreement())
    reader = PdfFileReader(BytesIO(rendered.pdf), strict=False)
    fields = {name: ref.get_object() for name, _value, ref in enumerate_sig_fields(reader)}
    assert sorted(fields) == sorted(SIGNATURE_BOXES)
    assert set(rendered.boxes) == set(SIGNATURE_BOXES)
    for name, box in rendered.boxes.items():
        rect = [float(v) for v in fields[name]["/Rect"]]
        assert rect == pytest.approx([box.x1, box.y1, box.x2, box.y2], abs=0.01)
        assert box.x2 - box.x1 > 100 and box.y2 - box.y1 > 50  # a box one can sign in
    # The dashed border of each box is drawn where the field is (pdftoppm at 72 dpi: 1 px = 1 pt).
    path = tmp_path / "a.pdf"
    path.write_bytes(rendered.pdf)
    box = rendered.boxes["applicant"]
    image = Image.open(page_png(path, box.page + 1, tmp_path)).convert("L")
    top = round(image.height - box.y2)
    inside = round(image.height - (box.y1 + box.y2) / 2)

    def dark_share(y: int) -> float:
        xs = range(round(box.x1) + 4, round(box.x2) - 4)
        return sum(
            1 for x in xs if min(image.getpixel((x, yy)) for yy in (y - 1, y, y + 1)) < 200
        ) / len(xs)  # type: ignore[operator]

    assert dark_share(top) > 0.3  # the dashed top edge
    assert dark_share(inside) < 0.05  # an empty box


def test_bilingual_and_english_documents(tmp_path: Path) -> None:
    both = tmp_path / "both.pdf"
    both.write_bytes(render_agreement(agreement(("zh-CN", "en"))).pdf)
    text = pdftotext(both)
    flat = "".join(text.split())
    assert "调解协议书" in flat and "Mediation Agreement" in text
    assert "shall pay the applicant" in text and "CNY 1,500.00" in text
    assert "人民币1,500.00元" in flat and "2026年12月31日" in flat
    english = tmp_path / "en.pdf"
    english.write_bytes(render_agreement(agreement(("en",))).pdf)
    text = pdftotext(english)
    assert "Mediation Agreement" in text and "调解协议书" not in "".join(text.split())
    assert "Page 1 of" in text


def test_user_text_is_escaped_not_interpreted(tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(render_agreement(agreement()).pdf)
    assert "李四<b>&" in pdftotext(path)


def test_ruling_embeds_the_agreement_and_prints_its_hash(tmp_path: Path) -> None:
    agreement_pdf = render_agreement(agreement()).pdf
    decision = ruling(agreement_pdf)
    rendered = render_ruling(decision, agreement_pdf)
    attached = _attachments(rendered.pdf)
    assert attached["agreement.pdf"][0] == agreement_pdf
    assert attached["ruling.json"][0] == ruling_json(decision)
    assert json.loads(attached["ruling.json"][0])["agreement_sha256"] == decision.agreement_sha256
    assert set(rendered.boxes) == {"judge"}
    path = tmp_path / "r.pdf"
    path.write_bytes(rendered.pdf)
    text = "".join(pdftotext(path).split())
    assert decision.agreement_sha256 in text
    assert "民事裁定书" in text and "赵法官" in text
    with pytest.raises(InvalidInput) as refused:
        render_ruling(decision, agreement_pdf + b" ")
    assert refused.value.code == "agreement_hash_mismatch"


def test_a_rejecting_ruling_says_so(tmp_path: Path) -> None:
    agreement_pdf = render_agreement(agreement()).pdf
    from dataclasses import replace

    decision = replace(ruling(agreement_pdf), confirmed=False)
    path = tmp_path / "r.pdf"
    path.write_bytes(render_ruling(decision, agreement_pdf).pdf)
    text = "".join(pdftotext(path).split())
    assert "驳回申请人的司法确认申请" in text
    assert "调解协议有效" not in text


def test_wording_helpers() -> None:
    assert [wording.chinese_number(n) for n in (1, 9, 10, 11, 20, 35)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "三十五",
    ]
    zh, en = wording.languages(("en", "zh-CN"))
    assert (zh.code, en.code) == ("zh-CN", "en")
    assert zh.amount(123456789, "CNY") == "人民币1,234,567.89元"
    assert en.amount(5, "usd") == "USD 0.05"
    css = wording.page_counter_css([zh, en])
    assert "counter(page)" in css and "counter(pages)" in css
    assert wording.css_string('a"</style>\\') == '"a\\22 \\3c /style\\3e \\5c "'
    assert wording.languages(("fr",))[0].code == "zh-CN"


def test_renders_on_parallel_worker_threads_are_identical() -> None:
    """The workflow renders on worker threads (asyncio.to_thread): same bytes, no crash."""
    from concurrent.futures import ThreadPoolExecutor

    terms = agreement(("zh-CN", "en"))
    expected = render_agreement(terms).sha256
    with ThreadPoolExecutor(3) as pool:
        hashes = list(pool.map(lambda _: render_agreement(terms).sha256, range(6)))
    assert hashes == [expected] * 6


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools not installed")
def test_qr_code_leads_to_the_verification_page(tmp_path: Path) -> None:
    terms = agreement()
    path = tmp_path / "a.pdf"
    path.write_bytes(render_agreement(terms).pdf)
    assert qr_codes(path, 1, tmp_path) == [terms.verify_url]
    decision = ruling(path.read_bytes())
    ruling_path = tmp_path / "r.pdf"
    ruling_path.write_bytes(render_ruling(decision, path.read_bytes()).pdf)
    assert qr_codes(ruling_path, 1, tmp_path) == [decision.verify_url]


def test_a_rejection_prints_the_judges_own_reasons(tmp_path: Path) -> None:
    agreement_pdf = render_agreement(agreement(("zh-CN", "en"))).pdf
    reasons = "第二条约定的违约金明显过高，\n且当事人未提交身份证明。"
    decision = dataclasses.replace(
        ruling(agreement_pdf, ("zh-CN", "en")), confirmed=False, judge_reason=reasons
    )
    rendered = render_ruling(decision, agreement_pdf)
    path = tmp_path / "rejected.pdf"
    path.write_bytes(rendered.pdf)
    text = pdftotext(path)
    flat = "".join(text.split())
    assert "审判员意见/Thejudge'sreasons" in flat
    assert "第二条约定的违约金明显过高，且当事人未提交身份证明。" in flat
    assert "The applicant 张三 and the respondent" in " ".join(text.split())
    data, _relationship = _attachments(rendered.pdf)["ruling.json"]
    assert json.loads(data)["judge_reason"] == reasons
    reader = PdfFileReader(BytesIO(rendered.pdf), strict=False)
    specs = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
    described = {str(specs[i]): str(specs[i + 1].get_object()["/Desc"]) for i in (0, 2)}
    assert (
        described["ruling.json"]
        == "裁定内容（机器可读） / What the ruling decides (machine-readable)"
    )
    assert described["agreement.pdf"].startswith("已签署的调解协议，SHA-256 ")
    # Without reasons of the judge's own, no empty heading.
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(render_ruling(ruling(agreement_pdf), agreement_pdf).pdf)
    assert "审判员意见" not in "".join(pdftotext(plain).split())

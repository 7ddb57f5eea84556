"""Verification for people who were not there: POST /api/verify, the public record, the
court CA, the /verify page and ``odr verify`` -- on genuine and on tampered documents."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient, TestServer
from pdf_checks import append_garbage, flip_byte, swap_embedded_file
from procs import odr
from settlement_steps import case_in_mediation, confirmed, download, draft, sign
from support import Client, make_settings

from documents import pki, signing
from odr.http.app import create_app
from odr.i18n import catalogue
from odr.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


async def verify(client: Client, pdf: bytes, name: str = "document.pdf", **headers: str) -> Any:
    form = aiohttp.FormData()
    form.add_field("file", pdf, filename=name, content_type="application/pdf")
    return await client.post("/api/verify", data=form, headers=headers)


def foreign_signed(pdf: bytes) -> bytes:
    """The unsigned agreement signed in every box with certificates the court never issued."""
    secret = b"not the court"
    ca = pki.create_ca("Some Other Court", secret)
    for field in ("applicant", "respondent", "mediator"):
        person = pki.issue(
            ca, secret, name=f"Forger {field}", role=field, serial_hint="x", key_passphrase=secret
        )
        pdf = signing.sign(
            pdf,
            field=field,
            signer=person,
            key_passphrase=secret,
            ca_cert_pem=ca.cert_pem,
            reason="forgery",
            location="nowhere",
        )
    return pdf


async def test_genuine_documents_verify_and_match_the_record(
    new_client: Any, seeded: dict[str, Any], settings: Settings, tmp_path: Path
) -> None:
    flow = await case_in_mediation(new_client, seeded)
    settlement = await confirmed(flow)
    version = settlement["versions"][0]
    base = f"/api/cases/{flow.case_id}/settlement"
    agreement = await download(flow.applicant, f"{base}/versions/{version['id']}/signed.pdf")
    ruling = await download(flow.applicant, f"{base}/ruling.pdf")
    unsigned = await download(flow.applicant, f"{base}/versions/{version['id']}/draft.pdf")
    public = await new_client()  # a verifier with no session at all

    checked = await (await verify(public, agreement)).json()
    assert checked["ok"] is True, checked
    assert checked["kind"] == "agreement"
    assert [s["field"] for s in checked["signers"]] == ["applicant", "respondent", "mediator"]
    assert all(s["intact"] and s["trusted"] and s["issued_by_court"] for s in checked["signers"])
    assert checked["complete"] is True and checked["unsigned_fields"] == []
    assert checked["record"]["status"] == "final"
    assert checked["record"]["record"]["case_number"] == checked["case_number"]

    checked = await (await verify(public, ruling)).json()
    assert checked["ok"] is True, checked
    assert checked["kind"] == "ruling"
    assert checked["record"]["status"] == "final"
    assert checked["record"]["record"]["state"] == "confirmed"
    assert checked["embedded_agreement_sha256"] == version["current_sha256"]
    assert checked["embedded_agreement_matches"] is True
    assert checked["embedded_agreement_record"]["status"] == "final"

    checked = await (await verify(public, unsigned)).json()
    assert checked["ok"] is False
    assert checked["record"]["status"] == "revision"
    assert checked["messages"] and all(not m.startswith("verify.") for m in checked["messages"])

    # The QR code's way in: the record by reference, its finished document, the hash look-up.
    ref = version["verify_url"].split("ref=")[1]
    record = await (await public.get(f"/api/records/{ref}")).json()
    assert record["final_sha256"] == version["current_sha256"]
    assert len(record["revisions"]) == 4  # unsigned, then one revision per signature
    assert [s["field"] for s in record["signatures"]] == ["applicant", "respondent", "mediator"]
    assert "name" not in str(record["signatures"])  # the public record names nobody
    original = await public.get(f"/api/records/{ref}/document.pdf")
    assert await original.read() == agreement
    by_hash = await (await public.get(f"/api/verify/{version['unsigned_sha256']}")).json()
    assert by_hash["status"] == "revision"
    unknown = await (await public.get(f"/api/verify/{'0' * 64}")).json()
    assert unknown == {"sha256": "0" * 64, "status": "unknown", "record": None}

    # The same verdicts from the command line, with exit status 0 only for the genuine files.
    for name, pdf, status in (("agreement", agreement, 0), ("ruling", ruling, 0)):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf)
        done = odr(settings.data_dir, settings.db_url, "verify", "--lang", "en", str(path))
        assert done.returncode == status, done.stdout + done.stderr
        assert "Verified:" in done.stdout and "final document" in done.stdout
        assert "Not yet signed" not in done.stdout
    ca_path = tmp_path / "ca.pem"
    ca_path.write_bytes(await (await public.get("/api/ca.pem")).read())
    done = odr(
        tmp_path / "elsewhere",
        "sqlite://",
        "verify",
        "--json",
        "--ca",
        str(ca_path),
        str(tmp_path / "ruling.pdf"),
    )
    assert done.returncode == 0, done.stderr
    assert '"ok": true' in done.stdout


async def test_tampered_documents_fail(
    new_client: Any, seeded: dict[str, Any], settings: Settings, tmp_path: Path
) -> None:
    flow = await case_in_mediation(new_client, seeded)
    settlement = await confirmed(flow)
    version = settlement["versions"][0]
    base = f"/api/cases/{flow.case_id}/settlement"
    agreement = await download(flow.mediator, f"{base}/versions/{version['id']}/signed.pdf")
    ruling = await download(flow.mediator, f"{base}/ruling.pdf")
    unsigned = await download(flow.mediator, f"{base}/versions/{version['id']}/draft.pdf")
    tampered = {
        "flipped_byte": flip_byte(agreement),
        "appended": append_garbage(agreement),
        "foreign_certificate": await asyncio.to_thread(foreign_signed, unsigned),
        "swapped_agreement": swap_embedded_file(ruling, "agreement.pdf", unsigned),
        "ruling_flipped": flip_byte(ruling),
    }
    public = await new_client()
    ca = settings.keys_dir / "court-ca.pem"
    for name, pdf in tampered.items():
        response = await verify(public, pdf)
        assert response.status == 200, (name, await response.text())
        checked = await response.json()
        assert checked["ok"] is False, (name, checked)
        assert checked["problems"], name
        assert checked["record"]["status"] == "unknown", name
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf)
        done = odr(
            settings.data_dir, settings.db_url, "verify", "--json", "--ca", str(ca), str(path)
        )
        assert done.returncode == 1, (name, done.stdout, done.stderr)
        assert '"ok": false' in done.stdout, name
    foreign = await (await verify(public, tampered["foreign_certificate"])).json()
    assert all(s["intact"] for s in foreign["signers"])
    assert not any(s["trusted"] or s["issued_by_court"] for s in foreign["signers"])
    swapped = await (await verify(public, tampered["swapped_agreement"])).json()
    assert swapped["embedded_agreement_matches"] is False


async def test_bad_uploads_are_refused_in_the_callers_language(tmp_path: Path, db_url: str) -> None:
    settings = make_settings(tmp_path / "data", db_url, max_upload_bytes=50_000)
    server = TestServer(create_app(settings))
    client: Client = TestClient(server)
    await client.start_server()
    try:
        response = await verify(client, b"hello, not a PDF", **{"Accept-Language": "en"})
        assert response.status == 422
        error = (await response.json())["error"]
        assert error["code"] == "not_a_pdf" and "PDF" in error["message"]
        response = await verify(client, b"%PDF-1.7\n" + b"0" * 60_000)
        assert response.status == 413
        assert (await response.json())["error"]["code"] == "file_too_large"
        response = await verify(client, b"%PDF-1.7\ngarbage\n%%EOF")
        assert response.status == 200
        assert (await response.json())["ok"] is False
        response = await client.post("/api/verify", json={"file": "x"})
        assert response.status == 415
        form = aiohttp.FormData()
        form.add_field("other", b"%PDF-", filename="a.pdf")
        response = await client.post("/api/verify", data=form)
        assert (await response.json())["error"]["code"] == "missing_field"
        response = await client.get("/api/verify/not-a-hash")
        assert response.status == 422
        response = await client.get("/api/records/nosuchreference")
        assert response.status == 404
        assert (await response.json())["error"]["code"] == "record_not_found"
        response = await client.get("/api/records/x/document.pdf")
        assert response.status == 404
        ca = await client.get("/api/ca.pem")
        assert ca.status == 200 and (await ca.read()).startswith(b"-----BEGIN CERTIFICATE-----")
        assert (settings.keys_dir / "ca-passphrase").stat().st_mode & 0o077 == 0
    finally:
        await client.close()


async def test_verify_page_is_public_and_translated(client: Client) -> None:
    page = await client.get("/verify?ref=abc")
    assert page.status == 200
    html = await page.text()
    keys = set(re.findall(r'data-i18n="([\w.]+)"', html))
    js = (ROOT / "web" / "js" / "verify.js").read_text("utf-8")
    keys |= set(re.findall(r'tr\("([\w.]+)"\)', js))
    assert "ui.verify.title" in keys
    for lang in ("zh-CN", "en"):
        assert sorted(k for k in keys if k not in catalogue(lang)) == []
    script = await client.get("/static/js/verify.js")
    assert script.status == 200
    openapi = await (await client.get("/api/openapi.json")).json()
    for path in ("/api/verify", "/api/ca.pem", "/api/cases/{case_id}/settlement/ruling"):
        assert path in openapi["paths"]


async def test_a_partly_signed_revision_is_no_final_document(
    new_client: Any, seeded: dict[str, Any], settings: Settings, tmp_path: Path
) -> None:
    flow = await case_in_mediation(new_client, seeded)
    version = await draft(flow)
    signed = await sign(flow.applicant, flow.a_csrf, flow.case_id, version["id"])
    assert signed.status == 200
    body = await signed.json()
    pdf = await download(
        flow.applicant,
        f"/api/cases/{flow.case_id}/settlement/versions/{version['id']}/signed.pdf",
    )
    checked = await (await verify(flow.applicant, pdf, **{"X-CSRF-Token": flow.a_csrf})).json()
    assert checked["sha256"] == body["current_sha256"]
    assert checked["record"]["status"] == "revision"
    assert checked["signers"][0]["intact"] and checked["signers"][0]["trusted"]
    # Intact so far, but the respondent's and the mediator's boxes are still empty.
    assert checked["unsigned_fields"] == ["respondent", "mediator"]
    assert checked["complete"] is False
    assert [s["field"] for s in checked["signers"]] == ["applicant"]
    # The command line says so too, in the court's language or the one asked for.
    path = tmp_path / "revision.pdf"
    path.write_bytes(pdf)
    done = odr(settings.data_dir, settings.db_url, "verify", str(path))
    assert done.returncode == 0, done.stdout + done.stderr  # what is signed is intact
    assert "尚未签名：被申请人, 调解员" in done.stdout
    done = odr(settings.data_dir, settings.db_url, "verify", "--lang", "en", str(path))
    assert "Not yet signed by: Respondent, Mediator" in done.stdout
    assert "earlier revision" in done.stdout


async def test_verification_is_rate_limited_per_address(tmp_path: Path, db_url: str) -> None:
    settings = make_settings(tmp_path / "data", db_url, verify_per_address_per_minute=3)
    server = TestServer(create_app(settings))
    client: Client = TestClient(server)
    await client.start_server()
    try:
        pdf = b"%PDF-1.7\ngarbage\n%%EOF"
        for _ in range(3):
            assert (await verify(client, pdf)).status == 200
        refused = await verify(client, pdf, **{"Accept-Language": "en"})
        assert refused.status == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        error = (await refused.json())["error"]
        assert error["code"] == "too_many_attempts" and error["message"], error
        # Looking a hash up in the public record costs nothing and is not limited.
        assert (await client.get(f"/api/verify/{'0' * 64}")).status == 200
    finally:
        await client.close()

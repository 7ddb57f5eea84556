"""A settlement from the first draft to a confirmed ruling, through the HTTP API, checked
with tools this project did not write (poppler's pdfsig, pyHanko's command line)."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

from pdf_checks import nss_db, pdfsig, pyhanko_validate
from pyhanko.pdf_utils.reader import PdfFileReader
from settlement_steps import (
    Flow,
    case_in_mediation,
    confirmed,
    download,
    draft,
    sign,
    signed_by_all,
)
from support import post

from odr.settings import Settings


async def test_from_draft_to_confirmed_ruling(
    new_client: Any, seeded: dict[str, Any], settings: Settings, tmp_path: Path
) -> None:
    flow = await case_in_mediation(new_client, seeded)
    base = f"/api/cases/{flow.case_id}/settlement"
    first = await draft(flow)
    assert first["number"] == 1 and first["state"] == "draft"
    assert first["languages"] == ["zh-CN"]
    # The applicant reads the draft and asks for a change; the mediator drafts version 2.
    seen = await (await flow.applicant.get(base)).json()
    assert seen["versions"][0]["clauses"][0]["amount_cents"] == 1_080_000
    asked = await post(
        flow.applicant,
        f"{base}/change-requests",
        flow.a_csrf,
        json={"version_id": first["id"], "text": "请把搬离日期改到3月1日。"},
    )
    assert asked.status == 201, await asked.text()
    second = await draft(flow, languages=["zh-CN", "en"])
    assert second["number"] == 2 and second["languages"] == ["zh-CN", "en"]
    draft_pdf = await download(flow.respondent, f"{base}/versions/{second['id']}/draft.pdf")
    assert hashlib.sha256(draft_pdf).hexdigest() == second["unsigned_sha256"]
    # Version 1 can no longer be signed.
    stale = await sign(flow.applicant, flow.a_csrf, flow.case_id, first["id"])
    assert stale.status == 409
    assert (await stale.json())["error"]["code"] == "settlement_version_not_current"

    effective = await signed_by_all(flow, second["id"], drawn=True)
    assert effective["state"] == "effective"
    assert [s["field"] for s in effective["signatures"]] == ["applicant", "respondent", "mediator"]
    assert [s["authenticated_by"] for s in effective["signatures"]] == [
        "personal_code",
        "personal_code",
        "password",
    ]
    assert effective["signatures"][0]["with_image"] is True
    fingerprints = {s["cert_fingerprint"] for s in effective["signatures"]}
    assert len(fingerprints) == 3  # one certificate per person and role

    overview = await (await flow.respondent.get(base)).json()
    assert overview["case_state"] == "settled"
    deadline = datetime.fromisoformat(overview["confirmation_deadline"])
    effective_at = datetime.fromisoformat(overview["versions"][1]["effective_at"])
    assert deadline - effective_at == timedelta(days=settings.confirmation_days)
    assert [v["state"] for v in overview["versions"]] == ["superseded", "effective"]
    assert overview["change_requests"][0]["text"] == "请把搬离日期改到3月1日。"

    applied = await post(flow.respondent, f"{base}/confirmation", flow.r_csrf, json={})
    assert applied.status == 201, await applied.text()
    ruled = await post(flow.judge, f"{base}/ruling", flow.j_csrf, json={"outcome": "confirmed"})
    assert ruled.status == 200, await ruled.text()
    ruling = await ruled.json()
    assert ruling["outcome"] == "confirmed"
    case = await (await flow.applicant.get(f"/api/cases/{flow.case_id}")).json()
    assert case["state"] == "confirmed"

    agreement_pdf = await download(flow.applicant, f"{base}/versions/{second['id']}/signed.pdf")
    ruling_pdf = await download(flow.applicant, f"{base}/ruling.pdf")
    assert hashlib.sha256(agreement_pdf).hexdigest() == effective["current_sha256"]
    assert hashlib.sha256(ruling_pdf).hexdigest() == ruling["ruling_sha256"]
    ca = await flow.applicant.get("/api/ca.pem")
    assert ca.status == 200
    ca_path = tmp_path / "ca.pem"
    ca_path.write_bytes(await ca.read())
    agreement_path, ruling_path = tmp_path / "agreement.pdf", tmp_path / "ruling.pdf"
    agreement_path.write_bytes(agreement_pdf)
    ruling_path.write_bytes(ruling_pdf)

    # poppler: every signature valid; with the court CA in an NSS database, trusted.
    plain = pdfsig(agreement_path)
    assert [p.field for p in plain] == ["applicant", "respondent", "mediator"]
    assert all(p.signature_validation == "Signature is Valid." for p in plain), plain
    nss = nss_db(tmp_path / "nss", ca_path.read_bytes())
    for path, count in ((agreement_path, 3), (ruling_path, 1)):
        seen = pdfsig(path, nss)
        assert len(seen) == count, seen
        assert all(p.signature_validation == "Signature is Valid." for p in seen), seen
        assert all(p.certificate_validation == "Certificate is Trusted." for p in seen), seen
    assert seen[0].field == "judge" and seen[0].total_document_signed
    # What a PDF reader's signature panel shows as each signature's reason, in both languages.
    reasons = [
        str(sig.sig_object["/Reason"])
        for pdf in (agreement_pdf, ruling_pdf)
        for sig in PdfFileReader(BytesIO(pdf), strict=False).embedded_signatures
    ]
    assert reasons == [
        "申请人签署调解协议 / Settlement agreement signed by the applicant",
        "被申请人签署调解协议 / Settlement agreement signed by the respondent",
        "调解员签署调解协议 / Settlement agreement signed by the mediator",
        "审判员签署司法确认裁定书 / Judicial confirmation ruling signed by the judge",
    ]
    # pyHanko's command line, trusting only the court CA.
    for path in (agreement_path, ruling_path):
        result = pyhanko_validate(path, ca_path)
        assert result.returncode == 0, result.stdout + result.stderr

    # The record: the unsigned hash, every revision's hash and every fingerprint are audited.
    history = await (await flow.mediator.get(f"/api/cases/{flow.case_id}/history")).json()
    entries = history["entries"]
    drafted = [e["details"] for e in entries if e["kind"] == "settlement.drafted"]
    assert drafted[-1]["unsigned_sha256"] == second["unsigned_sha256"]
    signed = [e["details"] for e in entries if e["kind"] == "settlement.signed"]
    assert [s["cert_fingerprint"] for s in signed] == [
        s["cert_fingerprint"] for s in effective["signatures"]
    ]
    assert signed[-1]["revision_sha256"] == effective["current_sha256"]
    ruled_entry = next(e["details"] for e in entries if e["kind"] == "settlement.ruling")
    assert ruled_entry["ruling_sha256"] == ruling["ruling_sha256"]
    moves = [
        (e["details"]["from"], e["details"]["to"])
        for e in entries
        if e["kind"] == "case.transition"
    ]
    assert moves[-3:] == [
        ("in_mediation", "settled"),
        ("settled", "confirmation_requested"),
        ("confirmation_requested", "confirmed"),
    ]


async def test_a_rejected_confirmation_gives_a_signed_ruling(
    new_client: Any, seeded: dict[str, Any]
) -> None:
    flow = await case_in_mediation(new_client, seeded)
    base = f"/api/cases/{flow.case_id}/settlement"
    version = await draft(flow)
    await signed_by_all(flow, version["id"])
    await post(flow.mediator, f"{base}/confirmation", flow.m_csrf, json={"note": "双方共同申请"})
    ruled = await post(
        flow.judge,
        f"{base}/ruling",
        flow.j_csrf,
        json={"outcome": "rejected", "reason": "违反法律"},
    )
    assert ruled.status == 200, await ruled.text()
    assert (await ruled.json())["outcome"] == "rejected"
    case = await (await flow.judge.get(f"/api/cases/{flow.case_id}")).json()
    assert case["state"] == "rejected"
    again = await post(flow.judge, f"{base}/ruling", flow.j_csrf, json={"outcome": "confirmed"})
    assert again.status == 409
    assert (await again.json())["error"]["code"] == "confirmation_already_decided"


async def _error(response: Any, status: int, code: str) -> str:
    assert response.status == status, await response.text()
    error = (await response.json())["error"]
    assert error["code"] == code, error
    assert error["message"] and error["message"] != f"error.{code}"
    message: str = error["message"]
    return message


async def test_who_may_draft_sign_and_rule(new_client: Any, seeded: dict[str, Any]) -> None:
    flow = await case_in_mediation(new_client, seeded)
    other: Flow = await case_in_mediation(new_client, seeded)
    base = f"/api/cases/{flow.case_id}/settlement"
    # A party may not draft; a party of another case sees nothing of this one.
    refused = await post(
        flow.applicant,
        f"{base}/versions",
        flow.a_csrf,
        json={"clauses": [{"text": "我自己写的条款"}]},
    )
    await _error(refused, 403, "forbidden")
    version = await draft(flow)
    stranger = await sign(other.applicant, other.a_csrf, flow.case_id, version["id"])
    await _error(stranger, 403, "forbidden")
    peek = await other.applicant.get(base)
    assert peek.status == 403
    # The judge may not sign the agreement; the mediator may not sign before the parties.
    await _error(
        await sign(flow.judge, flow.j_csrf, flow.case_id, version["id"]), 403, "not_a_signer"
    )
    await _error(
        await sign(flow.mediator, flow.m_csrf, flow.case_id, version["id"]),
        409,
        "parties_sign_first",
    )
    # Signing needs the on-screen confirmation, and a signature only once.
    await _error(
        await sign(flow.applicant, flow.a_csrf, flow.case_id, version["id"], confirmed=False),
        422,
        "signature_not_confirmed",
    )
    first = await sign(flow.applicant, flow.a_csrf, flow.case_id, version["id"])
    assert first.status == 200
    await _error(
        await sign(flow.applicant, flow.a_csrf, flow.case_id, version["id"]), 409, "already_signed"
    )
    # A party may not rule, nor apply before the agreement takes effect.
    await _error(
        await post(flow.applicant, f"{base}/ruling", flow.a_csrf, json={"outcome": "confirmed"}),
        403,
        "forbidden",
    )
    await _error(
        await post(flow.applicant, f"{base}/confirmation", flow.a_csrf, json={}),
        409,
        "settlement_not_effective",
    )
    # Nobody logged in.
    anonymous = await new_client()
    assert (await anonymous.get(base)).status == 401


async def test_bad_signature_images_are_refused_in_the_callers_language(
    new_client: Any, seeded: dict[str, Any]
) -> None:
    flow = await case_in_mediation(new_client, seeded)
    version = await draft(flow)
    message = await _error(
        await sign(
            flow.applicant,
            flow.a_csrf,
            flow.case_id,
            version["id"],
            signature_png="data:image/gif;base64,R0lGOD",
        ),
        422,
        "signature_png_invalid",
    )
    assert "签名" in message
    not_png = "data:image/png;base64," + "QUJD" * 40
    await _error(
        await sign(flow.applicant, flow.a_csrf, flow.case_id, version["id"], signature_png=not_png),
        422,
        "signature_png_invalid",
    )
    huge = "data:image/png;base64," + "A" * 230_000
    response = await sign(
        flow.applicant, flow.a_csrf, flow.case_id, version["id"], signature_png=huge
    )
    assert response.status == 413
    english = await flow.applicant.post(
        f"/api/cases/{flow.case_id}/settlement/signatures",
        headers={"X-CSRF-Token": flow.a_csrf, "Accept-Language": "en"},
        json={"version_id": version["id"], "confirmed": True, "signature_png": "data:,x"},
    )
    assert "signature" in await _error(english, 422, "signature_png_invalid")
    # A clause with an amount names who pays whom.
    bad = await post(
        flow.mediator,
        f"/api/cases/{flow.case_id}/settlement/versions",
        flow.m_csrf,
        json={"clauses": [{"text": "付款", "amount_cents": 100}]},
    )
    assert bad.status == 422


async def test_applying_after_the_deadline_is_refused(
    new_client: Any, seeded: dict[str, Any], settings: Settings
) -> None:
    flow = await case_in_mediation(new_client, seeded)
    version = await draft(flow)
    await signed_by_all(flow, version["id"])
    _age_agreement(settings, flow.case_id, days=settings.confirmation_days + 1)
    message = await _error(
        await post(
            flow.applicant,
            f"/api/cases/{flow.case_id}/settlement/confirmation",
            flow.a_csrf,
            json={},
        ),
        409,
        "confirmation_deadline_passed",
    )
    assert "期限" in message
    case = await (await flow.applicant.get(f"/api/cases/{flow.case_id}")).json()
    assert case["state"] == "settled"


async def test_confirmed_case_records_and_downloads(
    new_client: Any, seeded: dict[str, Any]
) -> None:
    flow = await case_in_mediation(new_client, seeded)
    settlement = await confirmed(flow)
    assert settlement["case_state"] == "confirmed"
    version = settlement["versions"][0]
    # No new draft once the agreement took effect.
    again = await post(
        flow.mediator,
        f"/api/cases/{flow.case_id}/settlement/versions",
        flow.m_csrf,
        json={"clauses": [{"text": "新条款"}]},
    )
    assert again.status == 409
    missing = await flow.mediator.get(
        f"/api/cases/{flow.case_id}/settlement/versions/999999/signed.pdf"
    )
    assert missing.status == 404
    assert version["verify_url"].startswith("http://odr.test/verify?ref=")


def _age_agreement(settings: Settings, case_id: int, days: int) -> None:
    """Move the agreement's taking effect ``days`` into the past (the clock of the test)."""
    from sqlmodel import select

    from odr.services.startup import opened_store
    from odr.store.models import SettlementVersion

    def age(session: Any) -> None:
        row = session.exec(
            select(SettlementVersion).where(
                SettlementVersion.case_id == case_id, SettlementVersion.state == "effective"
            )
        ).one()
        row.effective_at = row.effective_at - timedelta(days=days)
        session.add(row)

    with opened_store(settings) as (db, _key):
        db.write_sync(age)


async def test_parties_signing_at_the_same_moment_both_land(
    new_client: Any, seeded: dict[str, Any]
) -> None:
    """Each signature is an incremental update of the newest revision: one of two signatures
    made at once lands on the other's revision, none is lost."""
    flow = await case_in_mediation(
        new_client, seeded, respondent={"name": "Marco Rossi", "language": "en"}
    )
    version = await draft(flow)
    assert version["languages"] == ["zh-CN", "en"]  # a party reads English
    both = await asyncio.gather(
        sign(flow.applicant, flow.a_csrf, flow.case_id, version["id"]),
        sign(flow.respondent, flow.r_csrf, flow.case_id, version["id"]),
    )
    assert [r.status for r in both] == [200, 200], [await r.text() for r in both]
    done = await sign(flow.mediator, flow.m_csrf, flow.case_id, version["id"])
    assert done.status == 200, await done.text()
    final = await done.json()
    assert sorted(s["field"] for s in final["signatures"]) == [
        "applicant",
        "mediator",
        "respondent",
    ]
    revisions = [s["revision_sha256"] for s in final["signatures"]]
    assert len(set(revisions)) == 3 and final["current_sha256"] == revisions[-1]

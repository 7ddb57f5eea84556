"""With ODR_TSA_URL set, every signature carries an RFC 3161 timestamp (PAdES B-T); when the
timestamp server fails, signing is refused cleanly and nothing is recorded."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pdf_checks import local_tsa
from pyhanko.pdf_utils.reader import PdfFileReader
from settlement_steps import case_in_mediation, download, draft, sign, signed_by_all
from support import make_settings

from documents import court_keys
from odr.settings import Settings


@pytest.fixture
def tsa(request: pytest.FixtureRequest, tmp_path: Path, db_url: str) -> Iterator[str]:
    if request.param == "unreachable":
        yield "http://127.0.0.1:9/tsa"
        return
    # The timestamping certificate is issued by the court CA of the data folder under test.
    ca = court_keys.ensure_ca(make_settings(tmp_path / "data", db_url))
    with local_tsa(ca.identity, ca.passphrase) as url:
        yield url


@pytest.fixture
def settings(tmp_path: Path, db_url: str, tsa: str) -> Settings:
    return make_settings(tmp_path / "data", db_url, tsa_url=tsa)


@pytest.mark.parametrize("tsa", ["local"], indirect=True)
async def test_every_signature_is_timestamped(new_client: Any, seeded: dict[str, Any]) -> None:
    flow = await case_in_mediation(new_client, seeded)
    version = await draft(flow)
    await signed_by_all(flow, version["id"])
    pdf = await download(
        flow.mediator,
        f"/api/cases/{flow.case_id}/settlement/versions/{version['id']}/signed.pdf",
    )
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    assert len(reader.embedded_signatures) == 3
    for embedded in reader.embedded_signatures:
        unsigned = [a["type"].native for a in embedded.signer_info["unsigned_attrs"]]
        assert "signature_time_stamp_token" in unsigned, embedded.field_name


@pytest.mark.parametrize("tsa", ["unreachable"], indirect=True)
async def test_a_failing_timestamp_server_refuses_the_signature(
    new_client: Any, seeded: dict[str, Any]
) -> None:
    flow = await case_in_mediation(new_client, seeded)
    version = await draft(flow)
    response = await sign(flow.applicant, flow.a_csrf, flow.case_id, version["id"])
    assert response.status == 503, await response.text()
    error = (await response.json())["error"]
    assert error["code"] == "timestamp_unavailable"
    assert error["message"] != "error.timestamp_unavailable"
    settlement = await (await flow.applicant.get(f"/api/cases/{flow.case_id}/settlement")).json()
    assert settlement["versions"][0]["signatures"] == []

"""Court statistics: counts per month, the share settled in mediation, confirmations, the
median time to settlement; only for staff, and only their own court."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from settlement_steps import case_in_mediation, confirmed, draft, signed_by_all
from support import Client, enter_code, file_case, login, post

from odr.domain.actors import Role
from odr.services import courts
from odr.services.audit import AuditKey
from odr.services.startup import opened_store
from odr.settings import Settings
from odr.store.models import Case
from odr.store.types import utcnow


async def move(client: Client, csrf: str, case_id: int, *targets: str) -> None:
    for target in targets:
        path = f"/api/cases/{case_id}/transitions"
        response = await post(client, path, csrf, json={"target": target})
        assert response.status == 200, await response.text()


async def test_counts_share_settled_and_median_days(
    new_client: Any, seeded: dict[str, Any], settings: Settings
) -> None:
    villager, mediator, judge = await new_client(), await new_client(), await new_client()
    settled = await file_case(villager, seeded["intake_code"])
    failed = await file_case(villager, seeded["intake_code"], category="wages")
    await file_case(villager, seeded["intake_code"], category="wages")  # still submitted

    def backdate(session: Any) -> None:  # the settled case was filed four days ago
        case = session.get(Case, settled["case_id"])
        case.filed_at = utcnow() - timedelta(days=4)
        session.add(case)

    with opened_store(settings) as (db, _):
        db.write_sync(backdate)
    m_csrf = await login(mediator, seeded, "mediator")
    await move(mediator, m_csrf, settled["case_id"], "accepted", "in_mediation", "settled")
    await move(mediator, m_csrf, failed["case_id"], "accepted", "in_mediation", "failed")
    await login(judge, seeded, "judge")

    response = await judge.get("/api/statistics?months=3")
    assert response.status == 200, await response.text()
    data = await response.json()
    now = utcnow()
    assert data["months"][-1] == f"{now.year:04d}-{now.month:02d}"
    assert len(data["months"]) == 3
    assert data["total"] == 3
    assert data["by_state"]["settled"] == 1
    assert data["by_state"]["failed"] == 1
    assert data["by_state"]["submitted"] == 1
    assert sum(data["filed"]) == 3
    assert sum(data["settled"]) == 1 and data["settled"][-1] == 1
    categories = {s["key"]: sum(s["counts"]) for s in data["by_category"]}
    assert categories == {"rent": 1, "wages": 2}
    micro = data["by_microcourt"]
    assert len(micro) == 1 and sum(micro[0]["counts"]) == 3
    assert micro[0]["label"] == "上田村微法庭"
    assert (data["mediations_ended"], data["mediations_settled"]) == (2, 1)
    assert data["share_settled"] == 0.5
    assert data["settlements_timed"] == 1
    assert 3.9 <= data["median_days_to_settlement"] <= 4.1
    assert data["confirmations"] == {"requested": 0, "pending": 0, "confirmed": 0, "rejected": 0}


async def test_only_staff_of_the_court_and_bad_input(
    new_client: Any, seeded: dict[str, Any], settings: Settings
) -> None:
    hasher = courts.password_hasher(settings)

    def other_court(session: Any, key: AuditKey) -> None:
        court = courts.add_court(session, key, "余杭区人民法院", "YH")
        courts.add_user(session, key, hasher, "clerk2", "another-password", Role.CLERK, court.id)
        courts.add_user(session, key, hasher, "root", "platform-password", Role.ADMIN, None)

    with opened_store(settings) as (db, key):
        db.write_sync(other_court, key)
    villager, clerk2, anonymous = await new_client(), await new_client(), await new_client()
    filed = await file_case(villager, seeded["intake_code"])
    await enter_code(villager, filed["applicant"]["code"])
    assert (await villager.get("/api/statistics")).status == 403
    assert (await anonymous.get("/api/statistics")).status == 401
    response = await clerk2.post(
        "/api/login", json={"username": "clerk2", "password": "another-password"}
    )
    assert response.status == 200
    data = await (await clerk2.get("/api/statistics")).json()
    assert data["total"] == 0 and sum(data["filed"]) == 0 and len(data["months"]) == 12
    assert data["share_settled"] is None and data["median_days_to_settlement"] is None
    platform = await new_client()  # an administrator without a court sees every court
    response = await platform.post(
        "/api/login", json={"username": "root", "password": "platform-password"}
    )
    assert response.status == 200
    everything = await (await platform.get("/api/statistics")).json()
    assert everything["court_id"] is None and everything["total"] == 1
    for bad in ("0", "61", "-1", "x", "1e3", "²"):
        response = await clerk2.get(f"/api/statistics?months={bad}")
        assert response.status == 422, bad
        body = await response.json()
        assert body["error"]["field"] == "months"


async def test_confirmations_from_real_settlements(new_client: Any, seeded: dict[str, Any]) -> None:
    """One agreement confirmed, one signed and waiting for the judge (through the documents)."""
    first = await case_in_mediation(new_client, seeded)
    await confirmed(first)
    second = await case_in_mediation(new_client, seeded, category="loan")
    version = await draft(second)
    await signed_by_all(second, version["id"])
    applied = await post(
        second.applicant,
        f"/api/cases/{second.case_id}/settlement/confirmation",
        second.a_csrf,
        json={},
    )
    assert applied.status == 201, await applied.text()

    data = await (await first.judge.get("/api/statistics")).json()
    assert data["confirmations"] == {"requested": 2, "pending": 1, "confirmed": 1, "rejected": 0}
    assert data["by_state"]["confirmed"] == 1
    assert data["by_state"]["confirmation_requested"] == 1
    assert (data["mediations_ended"], data["mediations_settled"]) == (2, 2)
    assert data["share_settled"] == 1.0
    assert sum(data["settled"]) == 2 and data["settlements_timed"] == 2


async def test_months_are_counted_in_the_viewers_zone(
    new_client: Any, seeded: dict[str, Any], settings: Settings
) -> None:
    villager, judge = await new_client(), await new_client()
    filed = await file_case(villager, seeded["intake_code"])

    def backdate(session: Any) -> None:  # 07:30 on 1 February in Shanghai
        case = session.get(Case, filed["case_id"])
        case.filed_at = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)
        session.add(case)

    with opened_store(settings) as (db, _):
        db.write_sync(backdate)
    await login(judge, seeded, "judge")

    def filed_in(data: dict[str, Any]) -> str:
        return next(m for m, n in zip(data["months"], data["filed"], strict=True) if n)

    for zone, month in (
        ("Asia/Shanghai", "2026-02"),
        ("UTC", "2026-01"),
        ("America/New_York", "2026-01"),
    ):
        data = await (await judge.get(f"/api/statistics?months=60&tz={zone}")).json()
        assert data["timezone"] == zone
        assert filed_in(data) == month, (zone, data["months"][-14:])
    shanghai = await (await judge.get("/api/statistics?months=60")).json()
    assert shanghai["timezone"] == "Asia/Shanghai" and filed_in(shanghai) == "2026-02"
    bad = await judge.get("/api/statistics?tz=Mars/Olympus", headers={"Accept-Language": "en"})
    assert bad.status == 422
    assert (await bad.json())["error"]["field"] == "tz"

"""``odr demo``: a demo case taken all the way to a confirmed ruling, to see the documents.

A rent dispute is filed, accepted and mediated; the mediator drafts a bilingual agreement
(the respondent reads English); both parties and the mediator sign; the applicant applies
for judicial confirmation; the judge confirms with a signed, locked ruling. Seeded once per
data folder: the public references are kept in ``demo-documents.json`` there and printed
again on later calls while the records exist.
"""

from __future__ import annotations

import asyncio
import json
import os
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, select

from documents import court_keys, workflow
from odr.domain.actors import Category, PartyActor, PartyRole, Role, Staff
from odr.domain.case_state import CaseState
from odr.errors import NotFound
from odr.services import cases, settlement_records
from odr.services.audit import AuditKey
from odr.services.schemas import FileCaseIn, PartyIn, TransitionIn
from odr.services.settlement_schemas import ApplyIn, ClauseIn, DecideIn, DraftIn, SignIn
from odr.settings import Settings
from odr.store.db import Database
from odr.store.models import MicroCourtStaff, User
from odr.store.types import utcnow

FILE = "demo-documents.json"


def seed_documents(
    settings: Settings, db: Database, key: AuditKey, seeded: dict[str, Any]
) -> dict[str, str]:
    """``{"agreement_url", "ruling_url", "ca_url", "verify_url"}`` of the demo case."""
    court_keys.ensure_ca(settings)
    path = settings.data_dir / FILE
    refs = _kept(settings, db)
    if refs is None:
        refs = asyncio.run(_walk(settings, db, key, seeded))
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(refs, out)
    base = settings.public_url
    return {
        "agreement_url": f"{base}/api/records/{refs['agreement']}/document.pdf",
        "ruling_url": f"{base}/api/records/{refs['ruling']}/document.pdf",
        "ca_url": f"{base}/api/ca.pem",
        "verify_url": f"{base}/verify?ref={refs['ruling']}",
    }


def _kept(settings: Settings, db: Database) -> dict[str, str] | None:
    path = settings.data_dir / FILE
    if not path.exists():
        return None
    try:
        refs: dict[str, str] = json.loads(path.read_text("utf-8"))
        for ref in (refs["agreement"], refs["ruling"]):
            db.read_sync(settlement_records.public_file, ref)
    except (ValueError, KeyError, NotFound):
        return None
    return refs


def _staff(session: Session, court_id: int, role: Role) -> Staff:
    user = session.exec(
        select(User).where(User.court_id == court_id, User.role == role.value)
    ).first()
    assert user is not None and user.id is not None
    micro_ids = session.exec(
        select(MicroCourtStaff.microcourt_id).where(MicroCourtStaff.user_id == user.id)
    ).all()
    return Staff(user.id, role, user.court_id, frozenset(micro_ids))


def _file(session: Session, key: AuditKey, seeded: dict[str, Any]) -> dict[str, Any]:
    mediator = _staff(session, seeded["court_id"], Role.MEDIATOR)
    filed = cases.file_case(
        session,
        key,
        FileCaseIn(
            intake_code=seeded["intake_code"],
            category=Category.RENT,
            applicant=PartyIn(
                name="王秀英",
                phone="13900000001",
                id_number="330185195803120021",
                address="临安区板桥镇上田村12号",
            ),
            respondent=PartyIn(
                name="Marco Rossi",
                address="Via Roma 1, Firenze, Italia",
                language="en",
                timezone="Europe/Rome",
            ),
            facts="王秀英将上田村12号一楼店面出租给 Marco Rossi 经营咖啡馆，"
            "2025年10月起未付租金，共计三个月。",
            claims="请求支付拖欠租金并约定搬离日期。",
        ),
        "demo",
    )
    assert filed.case.id is not None
    for target in (CaseState.ACCEPTED, CaseState.IN_MEDIATION):
        cases.transition(
            session,
            key,
            mediator,
            f"user:{mediator.user_id}",
            filed.case.id,
            TransitionIn(target=target, mediator_id=mediator.user_id),
        )
    parties = {p.role: p.id or 0 for p in cases.parties_of(session, filed.case.id)}
    return {
        "case_id": filed.case.id,
        "mediator": mediator,
        "judge": _staff(session, seeded["court_id"], Role.JUDGE),
        "applicant": PartyActor(parties["applicant"], filed.case.id, PartyRole.APPLICANT),
        "respondent": PartyActor(parties["respondent"], filed.case.id, PartyRole.RESPONDENT),
    }


async def _walk(
    settings: Settings, db: Database, key: AuditKey, seeded: dict[str, Any]
) -> dict[str, str]:
    made = await db.write(_file, key, seeded)
    case_id: int = made["case_id"]
    due = (utcnow() + timedelta(days=30)).date()
    draft = DraftIn(
        clauses=[
            ClauseIn(
                text="被申请人支付拖欠的三个月租金。The respondent pays three months' unpaid rent.",
                amount_cents=1_080_000,
                payer="respondent",
                payee="applicant",
                due=due,
            ),
            ClauseIn(
                text="被申请人于约定日期前搬离并交还钥匙。"
                "The respondent moves out and returns the keys.",
                due=due + timedelta(days=15),
            ),
            ClauseIn(
                text="申请人退还押金。The applicant returns the deposit.",
                amount_cents=300_000,
                payer="applicant",
                payee="respondent",
                due=date(due.year, due.month, 1) + timedelta(days=45),
            ),
        ],
        free_text="双方就本纠纷再无其他争议。The parties have no further claims in this dispute.",
    )
    version = await workflow.draft(settings, db, key, made["mediator"], case_id, draft)
    assert version.id is not None
    for signer in ("applicant", "respondent", "mediator"):
        await workflow.sign(
            settings, db, key, made[signer], case_id, SignIn(version_id=version.id, confirmed=True)
        )
    await workflow.apply(settings, db, key, made["applicant"], case_id, ApplyIn())
    ruling = await workflow.decide(
        settings, db, key, made["judge"], case_id, DecideIn(outcome="confirmed")
    )
    return {"agreement": version.ref, "ruling": ruling.ref, "case_id": str(case_id)}

"""``odr demo``: a demo case with a hearing open now, and the codes of its two parties.

The applicant is a villager (Chinese, Asia/Shanghai); the respondent lives in Italy (English,
Europe/Rome). Seeded once per data folder: the ids and codes are kept in
``demo-hearing.json`` there (owner-only), and printed again on later calls while the codes
still work and the hearing is neither closed nor cancelled; otherwise new ones are made.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from odr.domain import codes as code_rules
from odr.domain.actors import Category, Role, Staff
from odr.domain.case_state import CaseState
from odr.i18n import translate
from odr.services import cases, codes, hearings
from odr.services.audit import AuditKey
from odr.services.hearing_schemas import ScheduleIn
from odr.services.schemas import FileCaseIn, PartyIn, TransitionIn
from odr.settings import Settings
from odr.store.db import Database
from odr.store.models import Case, Hearing, MicroCourtStaff, PersonalCode, User
from odr.store.types import utcnow

FILE = "demo-hearing.json"


def seed_hearing(
    settings: Settings, db: Database, key: AuditKey, seeded: dict[str, Any]
) -> dict[str, Any]:
    """``{"id", "case_id", "number", "codes": {"applicant", "respondent"}}`` of the demo
    hearing; the same on every call while it can still be joined."""
    path = settings.data_dir / FILE
    kept = _kept(path)
    if kept is not None and db.read_sync(_still_usable, kept):
        return kept
    made = db.write_sync(_create, key, seeded, kept)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(made, out, ensure_ascii=False, indent=2)
    return made


def _kept(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    except ValueError:
        return None
    if not {"id", "case_id", "codes", "parties"} <= data.keys():
        return None
    return data


def _still_usable(session: Session, kept: dict[str, Any]) -> bool:
    hearing = session.get(Hearing, kept["id"])
    if hearing is None or hearing.cancelled_at is not None or hearing.state == "closed":
        return False
    for role, code in kept["codes"].items():
        party_id = kept["parties"][role]
        canonical = code_rules.normalise(code)
        if canonical is None:
            return False
        active = session.exec(
            select(PersonalCode).where(
                PersonalCode.party_id == party_id,
                PersonalCode.digest == code_rules.digest(canonical),
                col(PersonalCode.revoked_at).is_(None),
            )
        ).first()
        if active is None:
            return False
    return True


def _mediator(session: Session, seeded: dict[str, Any]) -> Staff:
    user = session.exec(
        select(User).where(User.court_id == seeded["court_id"], User.role == Role.MEDIATOR.value)
    ).first()
    assert user is not None and user.id is not None
    micro_ids = session.exec(
        select(MicroCourtStaff.microcourt_id).where(MicroCourtStaff.user_id == user.id)
    ).all()
    return Staff(user.id, Role.MEDIATOR, user.court_id, frozenset(micro_ids))


def _create(
    session: Session, key: AuditKey, seeded: dict[str, Any], kept: dict[str, Any] | None
) -> dict[str, Any]:
    """A new hearing now: on the kept case when it can still have one, else on a new case."""
    mediator = _mediator(session, seeded)
    ref = f"user:{mediator.user_id}"
    case_id = kept["case_id"] if kept is not None else None
    case = session.get(Case, case_id) if case_id is not None else None
    issued: dict[str, str] = {}
    if case is None or case.state in hearings.ENDED_CASE:
        case, issued["applicant"] = _new_case(session, key, seeded, mediator)
    assert case.id is not None
    parties = {p.role: p for p in cases.parties_of(session, case.id)}
    hearing = hearings.schedule(
        session,
        key,
        mediator,
        ref,
        case.id,
        ScheduleIn(
            start=utcnow(),
            duration_minutes=120,
            title=translate("hearing.demo.title", "zh-CN"),
        ),
    )
    for role in ("applicant", "respondent"):
        if role not in issued:
            issued[role] = codes.issue(session, key, parties[role], ref)
    return {
        "id": hearing.id,
        "case_id": case.id,
        "number": case.number,
        "codes": {role: code_rules.display(code) for role, code in issued.items()},
        "parties": {role: parties[role].id for role in ("applicant", "respondent")},
    }


def _new_case(
    session: Session, key: AuditKey, seeded: dict[str, Any], mediator: Staff
) -> tuple[Case, str]:
    filing = FileCaseIn(
        intake_code=seeded["intake_code"],
        category=Category.NEIGHBOURS,
        applicant=PartyIn(name="张秀英", phone="13900000000", address="上田村三组"),
        respondent=PartyIn(
            name="Marco Rossi", address="Via Roma 1, Firenze", language="en", timezone="Europe/Rome"
        ),
        facts="被申请人在外务工期间，其老宅屋檐漏水损坏申请人的院墙。",
        claims="请求被申请人修缮屋檐并赔偿院墙修理费两千元。",
    )
    filed = cases.file_case(session, key, filing, "demo")
    assert filed.case.id is not None
    ref = f"user:{mediator.user_id}"
    for target in (CaseState.ACCEPTED, CaseState.IN_MEDIATION):
        cases.transition(session, key, mediator, ref, filed.case.id, TransitionIn(target=target))
    return filed.case, filed.code
